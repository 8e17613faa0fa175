"""The attestation schedule in a real browser: a methodist opens the schedule, builds it from the due
lists, moves one line to another month, downloads the DOCX, and the pages pass the accessibility check."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.attestation.models import ConformityAttestation, ScheduleEntry
from imo.orgs.tests.factories import District, make_district
from imo.reference.services import academic_year_ensure
from imo.staff.tests.factories import make_educator


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_methodist_builds_edits_and_downloads_the_schedule(
    page: Page, live_server, district, login, assert_accessible
):
    year = academic_year_ensure(on=dt.date.today())
    due = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Исаева",
        first_name="Малика",
        starts_on=dt.date(2012, 9, 1),
    )
    ConformityAttestation.objects.create(educator=due, date=dt.date(2019, 5, 1))
    march = f"март {year.start_year + 1}"

    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/attestation/schedule/")
    expect(page.get_by_role("heading", name="График аттестации", exact=True)).to_be_visible()
    expect(page.locator("#schedule-empty")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Составить график по спискам").click()
    expect(page.locator("body")).to_contain_text("добавлено 1 строка")
    table = page.locator("#schedule-table")
    expect(table).to_contain_text("Исаева Малика")
    expect(table).to_contain_text("на соответствие занимаемой должности")
    assert_accessible(page)

    page.get_by_role("link", name="Изменить: Исаева Малика").click()
    expect(page.get_by_role("heading", name="Изменить строку графика")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Планируемый месяц").select_option(label=march)
    page.get_by_label("Примечание").fill("Перенесено по заявлению")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#schedule-table")).to_contain_text(march)
    expect(page.locator("#schedule-table")).to_contain_text("Перенесено по заявлению")
    entry = ScheduleEntry.objects.get(educator=due)
    assert entry.planned_month == dt.date(year.start_year + 1, 3, 1)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать график (Word)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any(text.startswith("Исаева Малика") for text in cells) and march in cells
