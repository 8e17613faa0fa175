"""Job functions the tests run (module level, as job functions must be)."""

from __future__ import annotations

from imo.core.jobs.services import JobContext, JobError, JobOutcome

CALLS: list[dict] = []


def count_to(job: JobContext, *, n: int) -> JobOutcome:
    for i in range(1, n + 1):
        job.progress(i * 100 // n, f"Шаг {i} из {n}")
    CALLS.append({"n": n, "user": job.user.pk})
    return JobOutcome(f"Сосчитано до {n}.", result_url="/jobs/")


def returns_nothing(job: JobContext) -> None:
    return None


def fails_politely(job: JobContext) -> None:
    job.progress(30, "Читаю файл")
    raise JobError("В файле нет листа «Организации».")


def crashes(job: JobContext) -> None:
    job.progress(10, "Начинаю")
    raise ZeroDivisionError("secret internal detail")


def bad_result_url(job: JobContext) -> JobOutcome:
    return JobOutcome("Готово.", result_url="javascript:alert(1)")
