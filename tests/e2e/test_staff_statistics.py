"""Staff statistics in a real browser: the head opens the page, changes the date and the organisations, sees
the tables and the charts (loaded after the page, drawn without inline styles), downloads the Excel and
issues the report; a school admin sees only their school. axe on every state of the page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.staff.models import EducationRecord, Educator
from imo.staff.services import education_record_save
from imo.staff.tests.factories import make_educator


@pytest.fixture
def district(transactional_db) -> District:
    district = make_district()
    m = district.municipality
    # School A: three people since 2020 and one since 2010; school B: two since 2020.
    for index in range(3):
        educator = make_educator(
            municipality=m,
            school=district.school_a,
            starts_on=dt.date(2020, 9, 1),
            teaching_experience_start=dt.date(2020, 9, 1),
            birth_date=dt.date(1995, 3, index + 1),
        )
        education_record_save(
            educator=educator, data={"level": EducationRecord.Level.HIGHER, "is_pedagogical": True}
        )
    make_educator(
        municipality=m,
        school=district.school_a,
        starts_on=dt.date(2010, 9, 1),
        sex=Educator.Sex.MALE,
        teaching_experience_start=dt.date(2005, 9, 1),
        birth_date=dt.date(1970, 5, 5),
    )
    for _ in range(2):
        make_educator(municipality=m, school=district.school_b, starts_on=dt.date(2020, 9, 1))
    return district


@pytest.fixture
def csp_violations(page: Page) -> list[str]:
    found: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            found.append(message.text)

    page.on("console", listen)
    return found


def test_the_head_changes_date_and_scope_and_sees_tables_and_charts(
    page: Page, live_server, district, login, assert_accessible, csp_violations, tmp_path: Path
):
    login(page, live_server, "head_user", PASSWORD)
    page.goto(live_server.url + "/staff/statistics/")
    expect(page.get_by_role("heading", name="Педагогические кадры: статистика")).to_be_visible()
    headcount = page.get_by_test_id("headcount")
    expect(headcount).to_have_text("6")
    expect(page.locator("#statistics-scope-label")).to_contain_text("Курчалоевский муниципальный район")
    charts = page.locator("#statistics-charts svg[role='img']")
    expect(charts).to_have_count(5)  # four of staff's own and the qualification categories (attestation)
    expect(page.get_by_role("img", name=re.compile("Диаграмма: Возраст педагогов"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Диаграмма: .*категори"))).to_be_visible()
    expect(page.locator("#statistics-organizations tbody tr")).to_have_count(2)
    assert_accessible(page)

    # An earlier date: only the one who started in 2010 worked then.
    page.locator("#statistics-on").fill("2015-01-01")
    page.get_by_role("button", name="Показать").click()
    expect(headcount).to_have_text("1")
    expect(page).to_have_url(re.compile(r"on=2015-01-01"))
    expect(page.locator("#statistics-scope-label")).to_contain_text("01.01.2015")
    expect(charts).to_have_count(4)  # only school A had staff then: no chart by organisation

    # Back to today, one school only.
    page.locator("#statistics-on").fill(dt.date.today().isoformat())
    page.locator("#statistics-scope summary").click()
    page.get_by_label("СОШ с. Бельты").check()
    page.get_by_role("button", name="Показать").click()
    expect(headcount).to_have_text("2")
    expect(page.locator("#statistics-scope-label")).to_contain_text("СОШ с. Бельты")
    expect(page.locator("#statistics-organizations tbody tr")).to_have_count(1)
    expect(charts).to_have_count(4)  # one organisation: no chart by organisation
    assert_accessible(page)

    # The Excel of these tables.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать таблицы (Excel)").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")

    # The report, issued through the register.
    page.get_by_role("button", name=re.compile("Сформировать отчёт о кадровом составе")).click()
    expect(page.get_by_text(re.compile(r"Отчёт о кадровом составе № 1/\d{4} сформирован"))).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать отчёт (Word)").click()
    saved = tmp_path / "report.docx"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"PK")
    expect(headcount).to_have_text("2")  # the page came back with the same scope
    assert_accessible(page)
    assert csp_violations == []


def test_a_school_admin_sees_only_their_school(page: Page, live_server, district, login, assert_accessible):
    login(page, live_server, "zam_b", PASSWORD)
    page.goto(f"{live_server.url}/staff/statistics/?org={district.school_a.pk}")
    expect(page.get_by_test_id("headcount")).to_have_text("2")
    expect(page.locator("#statistics-scope-label")).to_contain_text("СОШ с. Бельты")
    expect(page.locator("#statistics-scope")).to_have_count(0)  # nothing to choose
    expect(page.locator("#statistics-charts svg[role='img']")).to_have_count(
        4
    )  # one organisation: no chart by organisation
    assert_accessible(page)
