"""The background-job side of an import run: plain functions `imo.core.jobs` calls as
`function(job_context, **params)`; progress goes to both the job and the run."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from imo.core.imports import services
from imo.core.imports.models import ImportRun
from imo.core.jobs.services import JobContext, JobError, JobOutcome


def _outcome(run: ImportRun) -> JobOutcome:
    """The job ends as the run did: failed with the run's message (an unreadable file), or done."""
    if run.status == ImportRun.Status.FAILED:
        raise JobError(run.message or "Файл не удалось обработать.")
    try:
        spec = services.spec_for(run)
        url = reverse(spec.url_name("run"), args=[run.pk])
    except (LookupError, NoReverseMatch):
        url = ""
    return JobOutcome(run.message, url)


def _job_progress(job_context: JobContext) -> Any:
    def report(percent: int, message: str) -> None:
        job_context.progress(percent, message)

    return report


def analyse_run(job_context: JobContext, *, run_id: int) -> JobOutcome:
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    try:
        services._analyse(run, services.spec_for(run), extra=_job_progress(job_context))
    except Exception as error:
        services.import_run_fail(run=run, error=error)
        raise
    run.refresh_from_db()
    return _outcome(run)


def commit_run(job_context: JobContext, *, run_id: int, valid_only: bool = False) -> JobOutcome:
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    try:
        services._commit(run, valid_only=valid_only, by=run.created_by, extra=_job_progress(job_context))
    except Exception as error:
        services.import_run_fail(run=run, error=error)
        raise
    run.refresh_from_db()
    return _outcome(run)
