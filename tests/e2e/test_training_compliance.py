"""The three-year rule in a real browser: an office methodist opens the page, sees who is overdue, switches
to this academic year's list, narrows it to one school and downloads the list as Excel."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.staff.tests.factories import make_educator
from imo.training.compliance.selectors import academic_year_end
from imo.training.counting import add_years
from imo.training.tests.compliance_fixtures import add_course


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_methodist_reviews_the_three_year_rule(page: Page, live_server, district, login, assert_accessible):
    today = dt.date.today()
    make_educator(municipality=district.municipality, school=district.school_a, last_name="Алиева")
    soon_a = make_educator(municipality=district.municipality, school=district.school_a, last_name="Вахаева")
    soon_b = make_educator(municipality=district.municipality, school=district.school_b, last_name="Гадаева")
    # due this academic year: three years after a course that ended a little after the date three years ago
    ended = add_years(today, -3) + (academic_year_end(today) - today) // 2
    add_course(soon_a, ended)
    add_course(soon_b, ended)

    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Повышение квалификации: трёхлетний срок").first.click()
    expect(page.get_by_role("heading", name="Повышение квалификации: трёхлетний срок")).to_be_visible()
    table = page.locator("#compliance-table")
    expect(table).to_contain_text("Алиева")
    expect(table).to_contain_text("нет сведений о курсах")
    expect(table).not_to_contain_text("Вахаева")
    assert_accessible(page)

    page.get_by_role("link", name="Срок наступает в этом учебном году").click()
    expect(table).to_contain_text("Вахаева")
    expect(table).to_contain_text("Гадаева")
    expect(table).to_contain_text(f"{add_years(ended, 3):%d.%m.%Y}")

    page.get_by_label("Организация", exact=True).select_option(label=district.school_b.short_name)
    page.get_by_role("button", name="Показать").click()
    expect(table).to_contain_text("Гадаева")
    expect(table).not_to_contain_text("Вахаева")
    expect(page.locator("#compliance-charts")).to_contain_text("Педагоги по сроку повышения квалификации")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать (Excel)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        rows = CalamineWorkbook.from_filelike(io.BytesIO(handle.read())).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "ФИО" and len(rows) == 2
    assert str(rows[1][0]).startswith("Гадаева") and rows[1][1] == district.school_b.short_name
