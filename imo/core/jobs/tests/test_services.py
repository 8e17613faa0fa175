import datetime as dt
import logging

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from imo.core.jobs.models import Job
from imo.core.jobs.services import (
    LOST_ERROR,
    STALE_ERROR,
    UNEXPECTED_ERROR,
    JobContext,
    job_execute,
    job_fail_stale,
    job_heartbeat,
    job_start,
)
from imo.core.jobs.testing import run_queued_jobs
from imo.core.jobs.tests import jobfuncs


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="methodist", password="x")


def start(user, function, **params):
    return job_start(kind="tests.job", title="Тестовая задача", function=function, params=params, by=user)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


# --- starting --------------------------------------------------------------------------------------


def test_job_start_records_a_queued_job_and_a_database_task(user):
    job = start(user, jobfuncs.count_to, n=3)
    assert job.state == Job.State.QUEUED and job.progress == 0
    assert job.function == "imo.core.jobs.tests.jobfuncs.count_to"
    assert job.params == {"n": 3} and job.created_by == user
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.status == "READY" and task.task_path == "imo.core.jobs.tasks.run_job"
    assert task.args_kwargs == {"args": [], "kwargs": {"job_id": job.pk}}


def test_job_start_accepts_a_dotted_path_and_an_organization(user):
    job = job_start(
        kind="tests.job",
        title="Задача",
        function="imo.core.jobs.tests.jobfuncs.returns_nothing",
        params={},
        by=user,
        organization_id=42,
    )
    assert job.organization_id == 42


@pytest.mark.parametrize(
    "function",
    ["imo.core.jobs.tests.jobfuncs.missing", "os.system", lambda job: None],
)
def test_job_start_refuses_what_is_not_a_project_function(user, function):
    with pytest.raises((ValueError, ImportError)):
        start(user, function)
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


def test_job_start_refuses_params_that_are_not_json(user):
    with pytest.raises(ValueError):
        start(user, jobfuncs.count_to, n=timezone.now())
    assert not Job.objects.exists()


def test_a_job_started_in_a_transaction_that_fails_leaves_nothing(user):
    with pytest.raises(RuntimeError), transaction.atomic():
        start(user, jobfuncs.count_to, n=1)
        raise RuntimeError
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


# --- running through the database backend ----------------------------------------------------------


def test_the_worker_runs_a_queued_job_to_success(user):
    jobfuncs.CALLS.clear()
    job = start(user, jobfuncs.count_to, n=4)
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.progress == 100
    assert job.message == "Сосчитано до 4." and job.result_url == "/jobs/"
    assert job.started_at and job.finished_at and job.worker_id.startswith("test-")
    calls = jobfuncs.CALLS
    assert calls == [{"n": 4, "user": user.pk}]
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


def test_a_job_that_returns_nothing_succeeds_with_a_default_message(user):
    job = start(user, jobfuncs.returns_nothing)
    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.message == "Готово." and job.result_url == ""


def test_job_error_fails_the_job_with_its_own_message(user, caplog):
    job = start(user, jobfuncs.fails_politely)
    with caplog.at_level(logging.WARNING, logger="imo.jobs"):
        run_queued_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error == "В файле нет листа «Организации»."
    assert job.progress == 30 and job.message == "Читаю файл"
    assert any(r.exc_info for r in caplog.records if r.name == "imo.jobs")


def test_an_unexpected_error_is_logged_and_the_user_sees_a_russian_message(user, caplog):
    job = start(user, jobfuncs.crashes)
    with caplog.at_level(logging.ERROR, logger="imo.jobs"):
        run_queued_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error == UNEXPECTED_ERROR
    assert "secret internal detail" not in job.error
    logged = [r for r in caplog.records if r.name == "imo.jobs" and r.levelno == logging.ERROR]
    assert logged and logged[0].exc_info and "ZeroDivisionError" in caplog.text


def test_a_result_url_off_the_site_is_dropped(user):
    job = start(user, jobfuncs.bad_result_url)
    run_queued_jobs()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.result_url == ""


def test_a_job_runs_once_only(user):
    job = start(user, jobfuncs.count_to, n=1)
    run_queued_jobs()
    assert job_execute(job.pk) == Job.State.SUCCEEDED
    assert run_queued_jobs() == 0


def test_queued_jobs_survive_a_restart(user, settings):
    """Jobs queued before the server stopped wait in the database and run when a worker starts."""
    jobs = [start(user, jobfuncs.count_to, n=2) for _ in range(3)]
    backend_before = task_backends["default"]
    # "Restart": django-tasks rebuilds its backends from the settings; only the database remains.
    settings.TASKS = {**settings.TASKS}
    assert task_backends["default"] is not backend_before
    assert Job.objects.filter(state=Job.State.QUEUED).count() == 3
    assert run_queued_jobs() == 3
    assert {j.state for j in Job.objects.filter(pk__in=[j.pk for j in jobs])} == {Job.State.SUCCEEDED}


# --- progress ------------------------------------------------------------------------------------------


def _running_job(user):
    job = start(user, jobfuncs.returns_nothing)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    job.refresh_from_db()
    return job


def test_progress_is_throttled(user, settings):
    settings.IMO_JOBS_PROGRESS_INTERVAL = 0.5
    clock = FakeClock()
    context = JobContext(_running_job(user), clock=clock)
    for row in range(1, 10_001):  # 10,000 rows in 10 simulated seconds
        clock.now += 0.001
        context.progress(row * 100 // 10_000, f"Обработано строк: {row}")
    assert 15 <= context.writes <= 21  # about one write every 0.5 s, never one per row
    context.flush()
    stored = Job.objects.get(pk=context.job.pk)
    assert stored.progress == 100 and stored.message == "Обработано строк: 10000"


def test_progress_writes_nothing_when_nothing_changed(user):
    clock = FakeClock()
    context = JobContext(_running_job(user), clock=clock)
    context.progress(10, "Чтение файла")
    for _ in range(100):
        clock.now += 1
        context.progress(10)
    assert context.writes == 1
    assert Job.objects.get(pk=context.job.pk).message == "Чтение файла"  # an empty message keeps the last


def test_progress_is_clamped_to_0_100(user):
    clock = FakeClock()
    context = JobContext(_running_job(user), clock=clock)
    context.progress(250)
    assert Job.objects.get(pk=context.job.pk).progress == 100
    clock.now += 1
    context.progress(-5)
    assert Job.objects.get(pk=context.job.pk).progress == 0


def test_progress_inside_a_transaction_waits_for_it_on_sqlite(user):
    if connection.vendor != "sqlite":
        # PostgreSQL writes progress through a second connection at once: the test below covers it.
        return
    clock = FakeClock()
    context = JobContext(_running_job(user), clock=clock)
    with transaction.atomic():
        context.progress(40, "Сохранение")
        assert context.writes == 0
    context.flush()
    assert Job.objects.get(pk=context.job.pk).progress == 40


# --- restarts: stale jobs ---------------------------------------------------------------------------


def test_a_running_job_whose_worker_died_is_failed_not_rerun(user, settings):
    settings.IMO_JOBS_STALE_AFTER = 300
    job = start(user, jobfuncs.count_to, n=1)
    task = DBTaskResult.objects.get(id=job.task_id)
    task.claim("dead-worker")
    long_ago = timezone.now() - dt.timedelta(seconds=301)
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING, worker_id="dead-worker", started_at=long_ago, heartbeat_at=long_ago
    )
    alive = _running_job(user)
    Job.objects.filter(pk=alive.pk).update(heartbeat_at=timezone.now(), worker_id="live-worker")

    assert job_fail_stale() == 1
    job.refresh_from_db()
    alive.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error == STALE_ERROR
    assert alive.state == Job.State.RUNNING
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"
    assert run_queued_jobs() == 1  # only `alive`'s own task was still READY; the stale one is not re-run
    job.refresh_from_db()
    assert job.state == Job.State.FAILED


def test_a_queued_job_whose_task_was_taken_but_never_started_is_failed(user, settings):
    settings.IMO_JOBS_STALE_AFTER = 300
    job = start(user, jobfuncs.count_to, n=1)
    DBTaskResult.objects.get(id=job.task_id).claim("dead-worker")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(seconds=301))
    fresh = start(user, jobfuncs.count_to, n=1)
    assert job_fail_stale() == 1
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error == LOST_ERROR
    assert Job.objects.get(pk=fresh.pk).state == Job.State.QUEUED


def test_heartbeat_marks_only_this_workers_running_jobs(user):
    mine = _running_job(user)
    other = _running_job(user)
    Job.objects.filter(pk=mine.pk).update(worker_id="w1", heartbeat_at=None)
    Job.objects.filter(pk=other.pk).update(worker_id="w2", heartbeat_at=None)
    assert job_heartbeat(worker_id="w1") == 1
    assert Job.objects.get(pk=mine.pk).heartbeat_at is not None
    assert Job.objects.get(pk=other.pk).heartbeat_at is None


@pytest.mark.django_db(transaction=True)
def test_progress_inside_a_transaction_is_visible_at_once_on_postgresql(user):
    if connection.vendor != "postgresql":
        # SQLite has one writer: the progress waits for the transaction (the test above covers it).
        return
    context = JobContext(_running_job(user), clock=FakeClock())
    with pytest.raises(RuntimeError), transaction.atomic():
        context.progress(40, "Сохранение")
        raise RuntimeError  # the job's own writes roll back; its progress was written beside them
    assert context.writes == 1
    assert Job.objects.get(pk=context.job.pk).progress == 40
