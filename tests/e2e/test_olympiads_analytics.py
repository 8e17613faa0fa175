"""Olympiad analytics in a real browser: the methodist opens the page, switches the stage and the years, sees
the charts load and downloads the Excel file."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.olympiads.tests.analytics_fixtures import make_olympiad
from imo.orgs.tests.factories import District, make_district


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_office_opens_analytics_switches_year_and_stage_exports(
    page: Page, live_server, district, login, assert_accessible
):
    make_olympiad(district)
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/olympiads/analytics/")
    expect(page.get_by_role("heading", name="Олимпиады: аналитика")).to_be_visible()
    schools = page.locator("#analytics-schools")
    expect(schools).to_contain_text("СОШ № 1 г. Курчалой")
    expect(schools).to_contain_text("2024/2025")
    expect(page.locator("#analytics-teachers")).to_contain_text("Учителева Анна")
    expect(page.locator("#analytics-charts svg").first).to_be_visible()
    assert_accessible(page)

    # one year only, the municipal stage
    page.get_by_label("2024/2025").uncheck()
    page.get_by_label("Этап", exact=True).select_option(label="Муниципальный этап")
    page.get_by_role("button", name="Показать").click()
    expect(page.locator("#analytics-scope")).to_contain_text("муниципальный этап, 2025/2026")
    expect(schools).not_to_contain_text("2024/2025")
    expect(schools.get_by_role("row").filter(has_text="СОШ № 1 г. Курчалой")).to_contain_text("5,0")
    expect(page.locator("#analytics-charts svg").first).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать (Excel)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    assert "муниципальный этап" in download.suggested_filename
