"""Olympiad results in a real browser: the methodist publishes a ranked subject and issues the diplomas
(downloads the PDF); an anonymous visitor opens the public results (a name without the parents' consent
is shown as a code) and a diploma's verification address."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.olympiads.models import Certificate, Participation
from imo.olympiads.tests.publication_fixtures import make_results
from imo.orgs.tests.factories import District, make_district


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_office_publishes_issues_diplomas_and_the_public_checks_them(
    page: Page, live_server, district, login, assert_accessible
):
    results = make_results(district)
    pk = results.stage_subject.pk

    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/olympiads/results/office/")
    expect(page.get_by_role("heading", name="Итоги олимпиады: публикация и документы")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Математика").click()
    expect(page.get_by_role("heading", name="Математика")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Опубликовать результаты").click()
    expect(page.get_by_text("Результаты опубликованы.")).to_be_visible()
    expect(page.locator("#publication-state")).to_contain_text("открытая страница результатов")
    page.get_by_role("button", name="Выдать дипломы").click()
    expect(page.get_by_text("Выдано дипломов: 3.")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Все дипломы одним файлом (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

    # anonymous: the public results and a diploma's verification
    page.context.clear_cookies()
    page.goto(live_server.url + "/olympiads/results/")
    assert_accessible(page)
    page.get_by_role("link", name="Математика").click()
    table = page.locator("#public-results")
    expect(table).to_contain_text("Иванова М. Р.")
    code = Participation.objects.get(pk=results.participations["Асхабов"].pk).public_code
    expect(table).to_contain_text(code)
    expect(table).not_to_contain_text("Асхабов")
    assert_accessible(page)
    assert page.url.endswith(f"/olympiads/results/{pk}/")

    certificate = Certificate.objects.get(participation__student__last_name="Иванова")
    page.goto(live_server.url + f"/olympiads/results/check/{certificate.token}/")
    expect(page.locator("#certificate-result")).to_contain_text(
        f"Диплом № {certificate.number} действителен: Иванова М. Р., победитель, Математика"
    )
    assert_accessible(page)
    page.goto(live_server.url + "/olympiads/results/check/wrong-token/")
    expect(page.locator("#certificate-result")).to_contain_text("не найден")
