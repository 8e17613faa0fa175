import pytest
from django.core.management import call_command

from imo.core.jobs.demo import demo_sleep
from imo.core.jobs.models import Job
from imo.core.jobs.services import job_start
from imo.core.jobs.tests import jobfuncs


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="methodist", password="x")


@pytest.mark.django_db(transaction=True)
def test_imo_worker_batch_runs_what_is_queued(user):
    jobs = [
        job_start(kind="tests.job", title="Задача", function=jobfuncs.count_to, params={"n": 3}, by=user),
        job_start(kind="tests.job", title="Задача", function=jobfuncs.fails_politely, params={}, by=user),
    ]
    call_command("worker", "--batch", verbosity=0)
    states = {job.pk: Job.objects.get(pk=job.pk).state for job in jobs}
    assert states == {jobs[0].pk: Job.State.SUCCEEDED, jobs[1].pk: Job.State.FAILED}


@pytest.mark.django_db(transaction=True)
def test_imo_worker_max_tasks(user):
    for _ in range(3):
        job_start(kind="tests.job", title="Задача", function=jobfuncs.count_to, params={"n": 1}, by=user)
    call_command("worker", "--batch", "--max-tasks", "2", verbosity=0)
    assert Job.objects.filter(state=Job.State.SUCCEEDED).count() == 2
    assert Job.objects.filter(state=Job.State.QUEUED).count() == 1


def test_demo_job_advances_and_can_fail(user):
    from imo.core.jobs.testing import run_queued_jobs

    ok = job_start(
        kind="jobs.demo_sleep", title="Пример", function=demo_sleep, params={"steps": 4, "delay": 0}, by=user
    )
    bad = job_start(
        kind="jobs.demo_sleep",
        title="Пример",
        function=demo_sleep,
        params={"steps": 2, "delay": 0, "fail": True},
        by=user,
    )
    run_queued_jobs()
    ok.refresh_from_db()
    bad.refresh_from_db()
    assert ok.state == Job.State.SUCCEEDED and ok.message == "Пример задачи выполнен: шагов — 4."
    assert bad.state == Job.State.FAILED and "как и было задумано" in bad.error
    assert bad.progress == 100 and bad.message == "Шаг 2 из 2"
