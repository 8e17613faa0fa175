"""Every write of an import run: store the upload, check it (inline or as a background job), commit it.

Small files (up to IMPORT_BACKGROUND_ROWS rows) are checked and saved within the request; larger ones
run as background jobs (imo.core.jobs) that report progress, so the user can leave and come back.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from imo.core.imports import engine
from imo.core.imports.models import ImportRun
from imo.core.imports.reading import ImportFileError, Table, read_table, size_error
from imo.core.imports.registry import get as get_spec
from imo.core.imports.spec import ImportContext, ImportSpec, Progress

logger = logging.getLogger(__name__)
DEFAULT_BACKGROUND_ROWS = 1000
_PROGRESS_INTERVAL_S = 0.5


def background_rows() -> int:
    """Files with more data rows than this are checked and saved by a background job."""
    value = getattr(settings, "IMO_IMPORT_BACKGROUND_ROWS", None) or os.environ.get(
        "IMO_IMPORT_BACKGROUND_ROWS"
    )
    try:
        return int(value) if value else DEFAULT_BACKGROUND_ROWS
    except ValueError:
        return DEFAULT_BACKGROUND_ROWS


def context_for(run: ImportRun) -> ImportContext:
    return ImportContext(user=run.created_by, options=dict(run.options))


def spec_for(run: ImportRun) -> ImportSpec:
    spec = get_spec(run.kind)
    if spec is None:
        raise LookupError(f"Unknown import kind {run.kind!r}")
    return spec


def run_progress(run: ImportRun, extra: Progress | None = None) -> Progress:
    """A progress callback that records percent and message on the run (at most twice a second)."""
    last = {"at": 0.0, "percent": -1}

    def report(percent: int, message: str) -> None:
        now = time.monotonic()
        if extra is not None:
            extra(percent, message)
        if percent == last["percent"] or (now - last["at"] < _PROGRESS_INTERVAL_S and percent < 100):
            return
        last["at"], last["percent"] = now, percent
        ImportRun.objects.filter(pk=run.pk).update(
            progress=max(0, min(percent, 100)), message=message[:500], updated_at=timezone.now()
        )
        run.progress, run.message = percent, message

    return report


# --- upload --------------------------------------------------------------------------------------


@transaction.atomic
def import_run_create(
    *, spec: ImportSpec, upload: UploadedFile, by: Any, options: dict[str, Any] | None = None
) -> ImportRun:
    """Store the uploaded file (after the size check, before reading anything)."""
    message = size_error(upload.size or 0)
    if message:
        raise ValidationError(message)
    name = Path(upload.name or "файл").name[:255]
    run = ImportRun(
        kind=spec.kind,
        original_name=name,
        size=upload.size or 0,
        created_by=by,
        options=options or {},
    )
    run.file.save(name, upload, save=False)
    run.save()
    return run


def import_run_check(*, run: ImportRun, background: Callable[..., bool] | None = None) -> ImportRun:
    """Read the stored file and check it: inline for a small file, as a job for a large one.

    An unreadable file (wrong format, password, corrupt, empty) ends the run as FAILED with the Russian
    message in `report["fatal"]`.
    """
    spec = spec_for(run)
    try:
        table = read_table(run.path(), header_score=spec.header_score)
    except ImportFileError as error:
        _finish(run, ImportRun.Status.FAILED, {"fatal": error.message}, error.message)
        return run
    run.rows = len(table.rows)
    run.save(update_fields=["rows", "updated_at"])
    start = background or start_background
    if run.rows > background_rows() and start(run, "analyse"):
        return run
    _analyse(run, spec, table)
    return run


def _analyse(
    run: ImportRun, spec: ImportSpec, table: Table | None = None, extra: Progress | None = None
) -> None:
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.ANALYSING, updated_at=timezone.now())
    progress = run_progress(run, extra)
    context = context_for(run)
    if table is None:
        analysis = engine.analyse_file(spec, run.path(), context, progress)
    else:
        analysis = engine.analyse_table(spec, table, context, progress)
    status = ImportRun.Status.FAILED if analysis.fatal else ImportRun.Status.READY
    run.rows = len(analysis.rows)
    _finish(run, status, analysis.report(spec), _summary_message(analysis))


def _finish(run: ImportRun, status: str, report: dict[str, Any], message: str) -> None:
    run.status = status
    run.report = report
    run.progress = 100
    run.message = message[:500]
    run.save(update_fields=["status", "report", "progress", "message", "rows", "updated_at"])


def _summary_message(analysis: engine.Analysis) -> str:
    if analysis.fatal:
        return analysis.fatal
    if analysis.problems:
        return analysis.problems[0].message
    return (
        f"Проверено строк: {len(analysis.rows)}. Новых: {analysis.count(engine.CREATE)}, "
        f"изменится: {analysis.count(engine.UPDATE)}, без изменений: {analysis.count(engine.UNCHANGED)}, "
        f"с ошибками: {analysis.count(engine.ERROR)}."
    )


# --- commit --------------------------------------------------------------------------------------


def import_run_commit(
    *, run: ImportRun, valid_only: bool, by: Any, background: Callable[..., bool] | None = None
) -> ImportRun:
    """Save a checked run. The file is checked again against today's data first; with problems and
    without `valid_only` nothing is saved and the run shows the new preview."""
    claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.READY).update(
        status=ImportRun.Status.COMMITTING,
        valid_only=valid_only,
        progress=0,
        message="Загрузка…",
        updated_at=timezone.now(),
    )
    run.refresh_from_db()
    if not claimed:  # already committed or being committed (a double click, another tab)
        return run
    start = background or start_background
    if run.rows > background_rows() and start(run, "commit", valid_only=valid_only):
        return run
    _commit(run, valid_only=valid_only, by=by)
    return run


def _commit(run: ImportRun, *, valid_only: bool, by: Any, extra: Progress | None = None) -> None:
    spec = spec_for(run)
    progress = run_progress(run, extra)
    context = context_for(run)
    analysis = engine.analyse_file(spec, run.path(), context, progress)
    try:
        engine.commit_analysis(spec, analysis, context, valid_only=valid_only, by=by, progress=progress)
    except ValidationError as error:
        # The data changed since the check (e.g. someone added the same ИНН): nothing was saved.
        report = analysis.report(spec)
        report["errors"].append(
            {"row": None, "column": None, "message": " ".join(error.messages), "cell": ""}
        )
        _finish(run, ImportRun.Status.READY, report, "Ничего не сохранено: " + " ".join(error.messages))
        return
    report = analysis.report(spec)
    run.rows = len(analysis.rows)
    if not analysis.saved:
        _finish(
            run,
            ImportRun.Status.FAILED if analysis.fatal else ImportRun.Status.READY,
            report,
            "Ничего не сохранено: в файле есть ошибки (данные могли измениться после проверки).",
        )
        return
    run.committed_at = timezone.now()
    run.save(update_fields=["committed_at"])
    counts = analysis.saved_counts
    _finish(
        run,
        ImportRun.Status.DONE,
        report,
        f"Загружено. Добавлено: {counts['created']}, изменено: {counts['updated']}, без изменений: "
        f"{counts['unchanged']}, пропущено строк с ошибками: {counts['skipped']}.",
    )


def import_run_fail(*, run: ImportRun, error: BaseException) -> None:
    """An unexpected failure: the user sees a message, the details go to the log."""
    logger.exception("Import run %s (%s) failed", run.pk, run.kind, exc_info=error)
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.FAILED,
        progress=100,
        message="Не удалось выполнить загрузку из-за внутренней ошибки. Ничего не сохранено; "
        "сообщите администратору.",
        updated_at=timezone.now(),
    )


# --- background jobs -----------------------------------------------------------------------------


def start_background(run: ImportRun, step: str, **params: Any) -> bool:
    """Start `step` ("analyse" or "commit") as a background job; False when jobs are not available."""
    try:
        from imo.core.jobs.services import job_start
    except ImportError:  # pragma: no cover - the jobs app is part of core
        return False
    from imo.core.imports import tasks

    titles = {"analyse": "Проверка файла", "commit": "Загрузка файла"}
    job = job_start(
        kind=f"imports.{step}",
        title=f"{titles[step]} «{run.original_name}»",
        function=tasks.analyse_run if step == "analyse" else tasks.commit_run,
        params={"run_id": run.pk, **params},
        by=run.created_by,
        organization_id=run.options.get("organization_id"),
    )
    run.job_id = str(job.pk)
    run.save(update_fields=["job_id", "updated_at"])
    return True


def import_run_sync_job(*, run: ImportRun) -> ImportRun:
    """A run whose background job failed outside our code (worker stopped, job marked stale) is shown as
    failed with the job's message instead of waiting forever."""
    if not run.in_progress or not run.job_id:
        return run
    from imo.core.jobs.models import Job

    job = Job.objects.filter(pk=run.job_id).only("state", "error").first()
    if job is None or job.state != Job.State.FAILED:
        return run
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.FAILED,
        progress=100,
        message=(job.error or "Фоновая задача не выполнена.")[:500],
        updated_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def import_run_job(*, run: ImportRun) -> Any:
    """The background job of a run (for its link and the "no worker running" hint), or None."""
    if not run.job_id:
        return None
    from imo.core.jobs.models import Job

    return Job.objects.filter(pk=run.job_id).first()


def import_runs_purge(*, older_than_days: int = 90) -> int:
    """Delete old runs and their stored files (uploads may hold personal data). Returns how many.
    A run still marked as working but untouched since the cutoff is dead (its worker was killed and
    nobody opened its page to see it failed), so it goes too: its upload must not stay forever."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    count = 0
    for run in ImportRun.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[ImportRun.Status.ANALYSING, ImportRun.Status.COMMITTING], updated_at__gte=cutoff
    ):
        run.file.delete(save=False)
        run.delete()
        count += 1
    return count


def import_run_discard(*, run: ImportRun) -> None:
    """Remove a run that will not be committed (e.g. an unreadable upload) with its file."""
    run.file.delete(save=False)
    run.delete()
