"""Helpers for tests that start jobs: run what is queued, the way `imo worker` does, in this thread.

from imo.core.jobs.testing import run_queued_jobs

job = job_start(...)
run_queued_jobs()
job.refresh_from_db()
assert job.state == Job.State.SUCCEEDED
"""

from __future__ import annotations

from unittest import mock

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult


def run_queued_jobs(*, max_tasks: int | None = None) -> int:
    """Run every queued task with django-tasks-db's own worker loop (batch mode); return how many ran.

    The loop's `close_old_connections()` is skipped: inside a test's transaction it would close the
    connection (PostgreSQL) and lose the test's data.
    """
    before = DBTaskResult.objects.exclude(status="READY").count()
    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=f"test-{get_random_string(8)}",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()
    return DBTaskResult.objects.exclude(status="READY").count() - before
