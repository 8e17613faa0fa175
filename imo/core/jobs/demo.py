"""`jobs.demo_sleep`: a job that only advances its progress bar, to try the jobs page and test it.

Started from "Мои задачи" when IMO_JOBS_DEMO is on (DEBUG by default) or by tests.
"""

from __future__ import annotations

import time

from django.urls import reverse

from imo.core.jobs.services import JobContext, JobError, JobOutcome

DEMO_KIND = "jobs.demo_sleep"


def demo_sleep(job: JobContext, *, steps: int = 5, delay: float = 1.0, fail: bool = False) -> JobOutcome:
    steps = max(1, min(int(steps), 100))
    for step in range(1, steps + 1):
        time.sleep(max(0.0, min(float(delay), 10.0)))
        job.progress(step * 100 // steps, f"Шаг {step} из {steps}")
        job.flush()
    if fail:
        raise JobError("Пример задачи завершился с ошибкой, как и было задумано.")
    return JobOutcome(f"Пример задачи выполнен: шагов — {steps}.", result_url=reverse("jobs:list"))
