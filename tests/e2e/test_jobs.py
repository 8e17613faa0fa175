"""A background job in a real browser: the progress bar follows the job through htmx polling, shows the
result link at the end, stops polling, and the job is still there after leaving the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from imo.core.jobs.models import Job
from imo.core.jobs.testing import run_queued_jobs

PASSWORD = "Пароль-для-теста-1"

# Installed with page.evaluate (the page's CSP does not govern it): remember every value the progress
# bar shows, however briefly, while htmx swaps it.
RECORD_PROGRESS = """() => {
  window.__progressSeen = [];
  const note = () => {
    const bar = document.querySelector('[role="progressbar"]');
    if (bar) window.__progressSeen.push(Number(bar.getAttribute('aria-valuenow')));
  };
  note();
  new MutationObserver(note).observe(document.querySelector('main'),
    {subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow']});
}"""


@pytest.fixture
def methodist(transactional_db, django_user_model, settings):
    settings.IMO_JOBS_DEMO = True
    return django_user_model.objects.create_user(username="methodist", password=PASSWORD, last_name="Иванова")


def test_progress_bar_follows_the_job_and_shows_the_result(
    page: Page, live_server, methodist, login, assert_accessible
):
    login(page, live_server, "methodist", PASSWORD)
    page.goto(live_server.url + "/jobs/")
    expect(page.get_by_role("heading", name="Мои задачи")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Запустить пример задачи").click()
    expect(page.get_by_role("heading", name="Пример фоновой задачи")).to_be_visible()
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_test_id("job-state")).to_have_text("В очереди")
    assert_accessible(page)
    page.evaluate(RECORD_PROGRESS)
    status_requests: list[str] = []
    page.on("request", lambda request: "/status/" in request.url and status_requests.append(request.url))

    # The worker runs the job (five steps, a second each) while the browser keeps polling.
    assert run_queued_jobs() == 1
    assert Job.objects.get().state == Job.State.SUCCEEDED

    expect(page.get_by_test_id("job-state")).to_have_text("Выполнена")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_test_id("job-message")).to_have_text("Пример задачи выполнен: шагов — 5.")
    expect(page.get_by_test_id("job-result")).to_be_visible()
    seen = page.evaluate("() => window.__progressSeen")
    assert any(0 < value < 100 for value in seen), f"no intermediate progress shown: {seen}"
    assert seen == sorted(seen)
    assert_accessible(page)

    # Finished: the fragment came back without its trigger, so the polling has stopped.
    page.wait_for_timeout(300)
    polls = len(status_requests)
    assert polls >= 2
    page.wait_for_timeout(2500)
    assert len(status_requests) == polls

    # Leaving and coming back: the job waits in "Мои задачи".
    page.get_by_test_id("job-result").click()
    expect(page).to_have_url(re.compile(r"/jobs/$"))
    page.get_by_role("link", name="Пример фоновой задачи").click()
    expect(page.get_by_test_id("job-state")).to_have_text("Выполнена")
    expect(page.locator("[hx-trigger]")).to_have_count(0)


def test_a_failed_job_shows_its_russian_error(page: Page, live_server, methodist, login, assert_accessible):
    from imo.core.jobs.demo import demo_sleep
    from imo.core.jobs.services import job_start

    job = job_start(
        kind="jobs.demo_sleep",
        title="Пример с ошибкой",
        function=demo_sleep,
        params={"steps": 2, "delay": 0, "fail": True},
        by=methodist,
    )
    login(page, live_server, "methodist", PASSWORD)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    expect(page.get_by_test_id("job-state")).to_have_text("В очереди")
    run_queued_jobs()
    expect(page.get_by_role("alert")).to_contain_text("как и было задумано")
    expect(page.get_by_test_id("job-state")).to_have_text("Ошибка")
    assert_accessible(page)
