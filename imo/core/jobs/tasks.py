"""The one django-tasks task: run a recorded job. Every job kind goes through it."""

from __future__ import annotations

from django_tasks import TaskContext, task

from imo.core.jobs.services import job_execute


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int) -> str:
    worker_ids = context.task_result.worker_ids
    return job_execute(job_id, worker_id=worker_ids[-1] if worker_ids else "")
