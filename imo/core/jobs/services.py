"""Background jobs: start one, report its progress, record how it ended.

A module starts a long operation with `job_start`; the function runs later in `imo worker` as
`function(job_context, **params)`:

    from imo.core.jobs.services import JobContext, JobError, JobOutcome, job_start

    def import_organizations(job: JobContext, *, upload_id: int) -> JobOutcome:   # module level
        rows = ...
        for number, row in enumerate(rows, start=1):
            ...
            job.progress(number * 100 // len(rows), f"Обработано строк: {number} из {len(rows)}")
        if nothing_valid:
            raise JobError("В файле нет ни одной правильной строки.")
        return JobOutcome("Импорт завершён: добавлено 120, обновлено 5.", result_url=reverse(...))

    job = job_start(kind="imports.organizations", title="Импорт организаций",
                    function=import_organizations, params={"upload_id": 7}, by=request.user)
    return redirect(job)   # the job's page shows the progress bar

`JobError("…")` fails the job with its own Russian message; any other exception fails it with
«Не удалось выполнить задачу. Ошибка записана в журнал.» and the traceback goes to the log
(logger `imo.jobs`).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection, connections, transaction
from django.utils import timezone

from imo.core.jobs.models import Job

logger = logging.getLogger("imo.jobs")

UNEXPECTED_ERROR = "Не удалось выполнить задачу. Ошибка записана в журнал."
INTERRUPTED_ERROR = "Задача прервана: обработчик задач остановили во время её выполнения. Запустите её снова."
STALE_ERROR = (
    "Задача прервана: обработчик задач перестал отвечать во время её выполнения "
    "(например, сервер перезапускали). Запустите её снова."
)
LOST_ERROR = "Задача не была выполнена: обработчик задач остановился, не успев её начать. Запустите её снова."
DEFAULT_DONE = "Готово."
_MESSAGE_LENGTH = Job._meta.get_field("message").max_length or 500
_RESULT_URL_LENGTH = Job._meta.get_field("result_url").max_length or 500


@dataclass(frozen=True)
class JobOutcome:
    """What a job function returns when it succeeds: a Russian message and, optionally, a link."""

    message: str
    result_url: str = ""


class JobError(Exception):
    """Fail the job with this Russian message, shown to its user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- writing the job row -----------------------------------------------------------------------


def _in_real_transaction() -> bool:
    """Inside `transaction.atomic` of our own code (the test framework's wrapping blocks do not count)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _is_locked(error: OperationalError) -> bool:
    return "locked" in str(error).lower()


def _update(job_id: int, *, only_if_state: str = "", attempts: int = 5, **fields: Any) -> int:
    """One short UPDATE of the job row (autocommit), retried while SQLite says the database is locked."""
    rows = Job.objects.filter(pk=job_id)
    if only_if_state:
        rows = rows.filter(state=only_if_state)
    for attempt in range(1, attempts + 1):
        try:
            return rows.update(**fields)
        except OperationalError as error:
            if attempt == attempts or connection.in_atomic_block:
                raise
            if not _is_locked(error):
                # A dropped connection (database restart): reconnect and try again.
                connection.close()
            time.sleep(0.1 * attempt)
    return 0  # pragma: no cover - the loop always returns or raises


def _update_in_own_connection(job_id: int, fields: dict[str, Any]) -> None:
    """Write through a connection of a short-lived thread, so the row is visible to pages at once even
    while the job's own thread holds a long transaction (PostgreSQL only: SQLite has one writer)."""

    def write() -> None:
        try:
            Job.objects.filter(pk=job_id).update(**fields)
        except DatabaseError:
            logger.warning("Job %s: progress not written", job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=write, name=f"job-{job_id}-progress", daemon=True)
    thread.start()
    thread.join(timeout=10)


# --- the context a job function receives ------------------------------------------------------


class JobContext:
    """Handed to a job function as its first argument: `progress()` and the job itself.

    `progress(percent, message)` is cheap to call on every row: the row is written at most every
    IMO_JOBS_PROGRESS_INTERVAL seconds (0.5 by default) and only when the whole percent or the
    message changed. An empty message keeps the last one. Inside the function's own transaction
    the progress is written through a separate connection on PostgreSQL; on SQLite (one writer at
    a time) it is written once the transaction has ended.
    """

    def __init__(
        self,
        job: Job,
        *,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job = job
        self._interval = settings.IMO_JOBS_PROGRESS_INTERVAL if interval is None else interval
        self._clock = clock
        self._written: tuple[int, str] = (job.progress, job.message)
        self._pending: tuple[int, str] = self._written
        self._written_at: float | None = None
        self.writes = 0  # how many times the row was written (for tests and the log)

    @property
    def user(self) -> Any:
        """The user who started the job (services take it as `by`)."""
        return self.job.created_by

    @property
    def organization_id(self) -> int | None:
        return self.job.organization_id

    def progress(self, percent: float, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        text = message[:_MESSAGE_LENGTH] if message else self._pending[1]
        self._pending = (percent, text)
        if self._pending == self._written:
            return
        now = self._clock()
        if self._written_at is not None and now - self._written_at < self._interval:
            return
        self._write(now)

    def flush(self) -> None:
        """Write the latest reported progress now, whatever the interval."""
        if self._pending != self._written:
            self._write(self._clock())

    def _write(self, now: float) -> None:
        percent, text = self._pending
        fields: dict[str, Any] = {"progress": percent, "message": text, "heartbeat_at": timezone.now()}
        if _in_real_transaction():
            if connection.vendor == "sqlite":
                return  # stays pending: written at the next call outside the transaction, or at the end
            _update_in_own_connection(self.job.pk, fields)
        else:
            try:
                _update(self.job.pk, attempts=2, **fields)
            except DatabaseError:
                logger.warning("Job %s: progress not written", self.job.pk, exc_info=True)
                return
        self._written = self._pending
        self._written_at = now
        self.writes += 1
        self.job.progress, self.job.message = percent, text


# --- starting and running jobs -----------------------------------------------------------------


def _function_path(function: str | Callable[..., Any]) -> str:
    if isinstance(function, str):
        path = function
    else:
        qualname = getattr(function, "__qualname__", "")
        if not qualname or "<" in qualname or "." in qualname:
            raise ValueError("A job function must be a module-level function.")
        path = f"{function.__module__}.{qualname}"
    _resolve(path)  # fail now, in the request, rather than later in the worker
    return path


def _resolve(path: str) -> Callable[..., Any]:
    if not path.startswith("imo.") and not path.startswith("tests."):
        raise ValueError(f"Job functions live in the project's modules, not {path!r}.")
    module_name, _, name = path.rpartition(".")
    function = getattr(importlib.import_module(module_name), name, None)
    if not callable(function):
        raise ValueError(f"{path!r} is not a function.")
    return cast(Callable[..., Any], function)


@transaction.atomic
def job_start(
    *,
    kind: str,
    title: str,
    function: str | Callable[..., Any],
    params: dict[str, Any],
    by: Any,
    organization_id: int | None = None,
) -> Job:
    """Record a job and queue it; `imo worker` runs `function(job_context, **params)`.

    `function` is a module-level function or its dotted path; `params` must be JSON (ids, strings,
    numbers — not model instances or dates). Within an outer transaction, the job is queued when it
    commits, together with whatever else it saved (an uploaded file, say).
    """
    from imo.core.jobs.tasks import run_job

    try:
        json.dumps(params)
    except (TypeError, ValueError) as error:
        raise ValueError(f"Job params must be JSON: {error}") from error
    job = Job.objects.create(
        kind=kind,
        title=title,
        function=_function_path(function),
        params=params,
        created_by=by,
        organization_id=organization_id,
    )
    result = run_job.enqueue(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    logger.info("Job %s (%s) queued by user %s", job.pk, kind, getattr(by, "pk", None))
    return job


def job_execute(job_id: int, *, worker_id: str = "") -> str:
    """Run a queued job to its end and record the outcome; returns the job's final state.

    Called by the django-tasks task `imo.core.jobs.tasks.run_job` in the worker. A job that is not
    queued (already run, or marked failed meanwhile) is left alone, so it never runs twice.
    """
    now = timezone.now()
    claimed = _update(
        job_id,
        only_if_state=Job.State.QUEUED,
        state=Job.State.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker_id=worker_id[:64],
    )
    if not claimed:
        logger.warning("Job %s is not queued any more; not run", job_id)
        return Job.objects.filter(pk=job_id).values_list("state", flat=True).first() or ""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    context = JobContext(job)
    logger.info("Job %s (%s) started", job.pk, job.kind)
    try:
        function = _resolve(job.function)
        result = function(context, **job.params)
    except JobError as error:
        logger.warning("Job %s (%s) failed: %s", job.pk, job.kind, error.message, exc_info=True)
        _finish(job, Job.State.FAILED, error=error.message, message=context.job.message)
        return Job.State.FAILED
    except Exception:
        logger.exception("Job %s (%s) failed unexpectedly", job.pk, job.kind)
        _finish(job, Job.State.FAILED, error=UNEXPECTED_ERROR, message=context.job.message)
        return Job.State.FAILED
    except BaseException:
        # The worker is being stopped (a second Ctrl+C, SystemExit): say so, then let it stop.
        logger.warning("Job %s (%s) interrupted", job.pk, job.kind, exc_info=True)
        _finish(job, Job.State.FAILED, error=INTERRUPTED_ERROR, message=context.job.message)
        raise
    outcome = result if isinstance(result, JobOutcome) else JobOutcome(DEFAULT_DONE)
    result_url = outcome.result_url
    if result_url and (not result_url.startswith("/") or result_url.startswith("//")):
        logger.warning("Job %s: result_url %r is not a path on this site; dropped", job.pk, result_url)
        result_url = ""
    _finish(
        job,
        Job.State.SUCCEEDED,
        progress=100,
        message=(outcome.message or DEFAULT_DONE)[:_MESSAGE_LENGTH],
        result_url=result_url[:_RESULT_URL_LENGTH],
    )
    logger.info("Job %s (%s) succeeded", job.pk, job.kind)
    return Job.State.SUCCEEDED


def _finish(job: Job, state: str, **fields: Any) -> None:
    now = timezone.now()
    _update(job.pk, state=state, finished_at=now, heartbeat_at=now, **fields)


# --- the worker's housekeeping -----------------------------------------------------------------


def job_heartbeat(*, worker_id: str) -> int:
    """Mark the jobs this worker is running as alive (the worker calls it every few seconds)."""
    return Job.objects.filter(state=Job.State.RUNNING, worker_id=worker_id).update(
        heartbeat_at=timezone.now()
    )


def job_fail_stale(*, now: dt.datetime | None = None) -> int:
    """Fail the jobs whose worker died: running with no sign of life for IMO_JOBS_STALE_AFTER seconds,
    or queued while their django-tasks task was taken by a worker that never started them.

    They are not re-run: a half-done job (a mailing, an import in "valid rows only" mode) is not
    always safe to repeat, so its user sees what happened and starts it again.
    """
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=settings.IMO_JOBS_STALE_AFTER)
    stale = list(
        Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=limit).values_list("pk", "task_id")
    )
    failed = 0
    for pk, task_id in stale:
        failed += Job.objects.filter(pk=pk, state=Job.State.RUNNING, heartbeat_at__lt=limit).update(
            state=Job.State.FAILED, error=STALE_ERROR, finished_at=now
        )
        if task_id:
            DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(status="FAILED", finished_at=now)
        logger.error("Job %s: its worker stopped answering; marked failed", pk)
    queued = dict(
        Job.objects.filter(state=Job.State.QUEUED, created_at__lt=limit)
        .exclude(task_id="")
        .values_list("task_id", "pk")
    )
    if queued:
        taken = DBTaskResult.objects.filter(id__in=list(queued)).exclude(status="READY")
        for taken_id in taken.values_list("id", flat=True):
            pk = queued[str(taken_id)]
            failed += Job.objects.filter(pk=pk, state=Job.State.QUEUED).update(
                state=Job.State.FAILED, error=LOST_ERROR, finished_at=now
            )
            logger.error("Job %s: its task was taken but never started; marked failed", pk)
    return failed
