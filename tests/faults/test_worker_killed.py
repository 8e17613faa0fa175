"""Fault: the worker is killed (SIGKILL, no chance to clean up) while it saves a large import.

Outcome the office can rely on: nothing of the file is saved (the save is one transaction), the job and the
import run end as failed with a Russian reason once a worker runs again and sees the stale heartbeat, and
the page of the run says so. The job is not re-run by itself: a half-done job is not always safe to repeat
(see `imo.core.jobs.services.job_fail_stale`); the user starts the import again, and that one completes.
"""

from __future__ import annotations

import json
import signal
import time

import pytest

from imo.core.jobs.services import STALE_ERROR
from tests.faults.support import python, scratch_database, start, stop, wait_for

pytestmark = pytest.mark.django_db(transaction=True)  # the scenario copies the migrated test database

ROWS = 3000

PREPARE = f"""
import json
from django.core.files.uploadedfile import SimpleUploadedFile
from imo.core.imports import services
from imo.core.imports.tests import files
from imo.orgs.imports import ORGANIZATION_IMPORT
from imo.orgs.tests.factories import make_district
from imo.orgs.tests.test_imports import HEADER, inn

district = make_district()
head = district.user("head")
rows = [HEADER] + [
    [f"Школа-фолт {{n}}", f"Школа-фолт {{n}}", "Школа", "", inn(1000 + n), "", ""] for n in range({ROWS})
]
run = services.import_run_create(
    spec=ORGANIZATION_IMPORT, upload=SimpleUploadedFile("школы.xlsx", files.xlsx(rows)), by=head,
    options={{"organization_id": district.municipality.pk}},
)
services.import_run_check(run=run, background=lambda *args, **kwargs: False)  # the preview, here and now
assert run.status == "ready", run.message
services.import_run_commit(run=run, valid_only=False, by=head)  # {ROWS} rows: queued as a background job
run.refresh_from_db()
print(json.dumps({{"run": run.pk, "job": int(run.job_id), "user": head.pk}}))
"""

PROBE = """
import json
from django.test import Client
from django.urls import reverse
from imo.core.imports.models import ImportRun
from imo.core.jobs.models import Job
from imo.orgs.models import Organization
from imo.accounts.models import User

run = ImportRun.objects.get(pk=RUN)
client = Client(SERVER_NAME="localhost")
client.force_login(User.objects.get(pk=USER))
page = client.get(reverse("orgs:import_run", args=[run.pk])).content.decode()
run.refresh_from_db()
job = Job.objects.get(pk=JOB)
print(json.dumps({
    "saved": Organization.objects.filter(short_name__startswith="Школа-фолт").count(),
    "run_status": run.status, "run_message": run.message,
    "job_state": job.state, "job_error": job.error, "page": page,
}))
"""


def _probe(database, ids) -> dict:
    code = (
        PROBE.replace("RUN", str(ids["run"]))
        .replace("JOB", str(ids["job"]))
        .replace("USER", str(ids["user"]))
    )
    return json.loads(python(database, code).strip().splitlines()[-1])


def test_worker_killed_during_a_large_import_saves_nothing_and_says_so(tmp_path):
    with scratch_database(tmp_path, "worker_killed") as database:
        ids = json.loads(python(database, PREPARE, timeout=180).strip().splitlines()[-1])

        def job() -> tuple[str, int]:
            return database.fetch("SELECT state, progress FROM jobs_job WHERE id = %s", [ids["job"]])[0]

        worker = start(
            database,
            "worker",
            "--interval",
            "0.2",
            log=tmp_path / "worker.log",
            IMO_JOBS_PROGRESS_INTERVAL="0",
            IMO_JOBS_HEARTBEAT_SECONDS="1",
        )
        try:
            # The commit job checks the file again (progress 0–50), then saves in one transaction.
            wait_for(lambda: job()[1] >= 50, timeout=60, every=0.01, what="the save to start")
            if database.vendor == "sqlite":
                # The save holds SQLite's write lock. Freeze the worker when the lock is taken; if it is
                # frozen inside the save (lock held, progress not yet 100) kill it, else (a heartbeat's
                # short write) let it go on and look again.
                def frozen_in_the_save() -> bool:
                    assert job() == ("running", 50), "the save ended before it could be caught"
                    if not database.write_locked():
                        return False
                    worker.send_signal(signal.SIGSTOP)
                    if database.write_locked() and job() == ("running", 50):
                        return True
                    worker.send_signal(signal.SIGCONT)
                    return False

                wait_for(frozen_in_the_save, timeout=30, every=0.002, what="the save transaction")
            else:
                # PostgreSQL saves 3,000 rows with COPY in milliseconds: hold the audit log table, so the
                # save stops after inserting the organisations and before writing their audit entries.
                import psycopg

                with psycopg.connect(database.url) as blocker:
                    blocker.execute("LOCK TABLE auditlog_logentry IN SHARE MODE")
                    waiting = (
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock' AND state = 'active'"
                    )
                    wait_for(lambda: database.fetch(waiting)[0][0] > 0, timeout=60, what="the save to wait")
                    stop(worker, signal.SIGKILL)
                    blocker.rollback()
            stop(worker, signal.SIGKILL)
        finally:
            stop(worker, signal.SIGKILL)
        assert worker.returncode == -signal.SIGKILL

        after_kill = _probe(database, ids)
        assert after_kill["saved"] == 0, "part of the file was saved"
        assert after_kill["job_state"] == "running"  # nobody knows yet: the worker just stopped answering
        assert after_kill["run_status"] == "committing"

        # A worker starts again; the job's heartbeat is older than IMO_JOBS_STALE_AFTER (1 s here).
        time.sleep(1.5)
        restarted = start(
            database, "worker", "--batch", log=tmp_path / "worker2.log", IMO_JOBS_STALE_AFTER="1"
        )
        try:
            assert restarted.wait(timeout=60) == 0
        finally:
            stop(restarted)

        outcome = _probe(database, ids)
        assert outcome["saved"] == 0
        assert (outcome["job_state"], outcome["job_error"]) == ("failed", STALE_ERROR)
        assert (outcome["run_status"], outcome["run_message"]) == ("failed", STALE_ERROR)
        assert "обработчик задач перестал отвечать" in outcome["page"]  # what the user sees on the run's page

        # Started again by the user (a new upload of the same file), the import completes.
        again = python(
            database,
            f"""
from django.core.files.uploadedfile import SimpleUploadedFile
from imo.core.imports import services
from imo.core.imports.models import ImportRun
from imo.core.jobs.testing import run_queued_jobs
from imo.orgs.imports import ORGANIZATION_IMPORT
from imo.orgs.models import Organization
old = ImportRun.objects.get(pk={ids["run"]})
run = services.import_run_create(
    spec=ORGANIZATION_IMPORT, upload=SimpleUploadedFile("школы.xlsx", old.file.read()), by=old.created_by,
    options=old.options,
)
services.import_run_check(run=run, background=lambda *args, **kwargs: False)
services.import_run_commit(run=run, valid_only=False, by=old.created_by)
run_queued_jobs()
run.refresh_from_db()
print(run.status, Organization.objects.filter(short_name__startswith="Школа-фолт").count())
""",
            timeout=180,
        )
        assert again.split()[-2:] == ["done", str(ROWS)]
