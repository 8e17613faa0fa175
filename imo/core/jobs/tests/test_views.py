import pytest
from django.urls import reverse

from imo.core.jobs.models import Job
from imo.core.jobs.services import job_start
from imo.core.jobs.testing import run_queued_jobs
from imo.core.jobs.tests import jobfuncs

PASSWORD = "Пароль-для-тестов-1"


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user(username="owner", password=PASSWORD)


@pytest.fixture
def stranger(django_user_model):
    return django_user_model.objects.create_user(username="stranger", password=PASSWORD)


@pytest.fixture
def job(owner):
    return job_start(
        kind="tests.job", title="Импорт организаций", function=jobfuncs.count_to, params={"n": 2}, by=owner
    )


def test_the_owner_sees_their_job(client, owner, job):
    client.force_login(owner)
    response = client.get(reverse("jobs:detail", args=[job.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Импорт организаций" in content and "В очереди" in content
    assert 'role="progressbar"' in content and 'aria-valuenow="0"' in content
    assert 'hx-trigger="every 1s"' in content


def test_another_users_job_is_404(client, stranger, job):
    client.force_login(stranger)
    for name in ("jobs:detail", "jobs:status"):
        response = client.get(reverse(name, args=[job.pk]))
        assert response.status_code == 404
        assert "Импорт организаций" not in response.content.decode()


def test_a_superuser_sees_any_job(client, django_user_model, job):
    admin = django_user_model.objects.create_superuser(username="root", password=PASSWORD, email="r@e.ru")
    client.force_login(admin)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200


@pytest.mark.parametrize("name", ["jobs:detail", "jobs:status"])
def test_anonymous_is_sent_to_login(client, job, name):
    response = client.get(reverse(name, args=[job.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_anonymous_poll_takes_the_whole_page_to_login(client, job):
    response = client.get(reverse("jobs:status", args=[job.pk]), headers={"HX-Request": "true"})
    assert reverse("accounts:login") in response["HX-Redirect"]
    assert reverse("jobs:detail", args=[job.pk]) in response["HX-Redirect"]


def test_anonymous_list_is_sent_to_login(client):
    response = client.get(reverse("jobs:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_fragment_polls_while_running_and_stops_when_done(client, owner, job):
    client.force_login(owner)
    url = reverse("jobs:status", args=[job.pk])
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, progress=40, message="Шаг 1 из 2")
    running = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in running and 'aria-valuenow="40"' in running
    assert "Шаг 1 из 2" in running and 'width="40%"' in running

    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED, progress=0, message="")
    run_queued_jobs()
    done = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done and "hx-get" not in done
    assert 'aria-valuenow="100"' in done and "Сосчитано до 2." in done
    assert 'href="/jobs/"' in done and "Открыть результат" in done


def test_a_failed_job_shows_its_error_and_stops_polling(client, owner):
    job = job_start(kind="tests.job", title="Импорт", function=jobfuncs.crashes, params={}, by=owner)
    run_queued_jobs()
    client.force_login(owner)
    content = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in content
    assert 'role="alert"' in content and "Ошибка записана в журнал" in content
    assert "secret internal detail" not in content


def test_my_jobs_lists_only_my_jobs(client, owner, stranger, job, django_assert_max_num_queries):
    job_start(
        kind="tests.job", title="Чужая задача", function=jobfuncs.count_to, params={"n": 1}, by=stranger
    )
    for i in range(5):
        job_start(
            kind="tests.job", title=f"Моя задача {i}", function=jobfuncs.count_to, params={"n": 1}, by=owner
        )
    client.force_login(owner)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("jobs:list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Импорт организаций" in content and "Моя задача 4" in content
    assert "Чужая задача" not in content


def test_my_jobs_when_there_are_none(client, owner):
    client.force_login(owner)
    assert "Фоновых задач пока не было" in client.get(reverse("jobs:list")).content.decode()


def test_the_demo_job_starts_only_when_enabled(client, owner, settings):
    client.force_login(owner)
    settings.IMO_JOBS_DEMO = False
    assert client.post(reverse("jobs:demo")).status_code == 404
    assert "Запустить пример" not in client.get(reverse("jobs:list")).content.decode()
    settings.IMO_JOBS_DEMO = True
    response = client.post(reverse("jobs:demo"))
    job = Job.objects.get(created_by=owner)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.kind == "jobs.demo_sleep" and job.state == Job.State.QUEUED


def test_the_demo_job_needs_post(client, owner, settings):
    settings.IMO_JOBS_DEMO = True
    client.force_login(owner)
    assert client.get(reverse("jobs:demo")).status_code == 405
