"""The educators list in a real browser: the head filters by organisation, date, early-career status and
СНИЛС, the results change in place (htmx, no page load), the order turns round, and the Excel file holds
the rows on screen and is logged as an access to personal data."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.staff.models import PersonalDataAccess
from imo.staff.tests.factories import make_educator, snils_with_check

SNILS = snils_with_check("112233445")  # 112-233-445 95


@pytest.fixture
def district(transactional_db) -> District:
    district = make_district()
    today = dt.date.today()
    for n in range(26):
        make_educator(
            municipality=district.municipality,
            school=district.school_a,
            last_name=f"Абаева{n:02}",
            teaching_experience_start=dt.date(2000, 9, 1),
        )
    for name in ("Ёлкина", "Елисеева", "Жукова"):
        make_educator(
            municipality=district.municipality,
            school=district.school_b,
            last_name=name,
            teaching_experience_start=dt.date(2005, 9, 1),
        )
    # Early-career (teaching for 13 months), at school B for the last 30 days, with a СНИЛС.
    make_educator(
        municipality=district.municipality,
        school=district.school_b,
        last_name="Юсупова",
        snils=SNILS,
        teaching_experience_start=today - dt.timedelta(days=400),
        starts_on=today - dt.timedelta(days=30),
    )
    return district  # 30 educators: 26 at school A, 4 at school B


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _surnames(page: Page) -> list[str]:
    cells = page.locator("#results tbody tr td:first-child").all_inner_texts()
    return [text.split()[0] for text in cells]


def test_head_filters_sorts_and_exports_the_list(page: Page, live_server, district, login, assert_accessible):
    login(page, live_server, "head_user", PASSWORD)
    page.goto(live_server.url + "/staff/")
    expect(page.get_by_role("heading", name="Педагогические работники")).to_be_visible()
    rows = page.locator("#results tbody tr")
    count = page.get_by_test_id("table-count")
    expect(rows).to_have_count(25)
    expect(count).to_contain_text("Найдено: 30 педагогов")
    assert_accessible(page)
    # A mark on the window: it survives only if the page is never loaded again (htmx swaps in place).
    page.evaluate("() => { window.listMark = 'still here'; }")

    # Organisation: a check box in a drop-down.
    page.locator("summary", has_text="Организация").click()
    assert_accessible(page)
    page.get_by_label("СОШ с. Бельты", exact=True).check()
    expect(count).to_contain_text("Найдено: 4 педагога")
    assert _surnames(page) == ["Елисеева", "Ёлкина", "Жукова", "Юсупова"]  # Ё beside Е
    expect(page.locator("#results-filter-organization-summary")).to_have_text("СОШ с. Бельты")
    assert _query(page)["organization"] == [str(district.school_b.pk)]
    page.locator("summary", has_text="Организация").click()  # close it

    # The date of the list: a month and a half ago Юсупова did not work there yet.
    earlier = dt.date.today() - dt.timedelta(days=45)
    page.get_by_label("На дату").fill(earlier.isoformat())
    page.get_by_label("На дату").dispatch_event("change")
    expect(count).to_contain_text("Найдено: 3 педагога")
    assert _query(page)["on"] == [earlier.isoformat()]
    page.get_by_label("На дату").fill(dt.date.today().isoformat())
    page.get_by_label("На дату").dispatch_event("change")
    expect(count).to_contain_text("Найдено: 4 педагога")

    # Early-career: under «Ещё фильтры».
    page.locator("summary", has_text="Ещё фильтры").click()
    page.get_by_label("Молодые специалисты").select_option("yes")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Юсупова")
    expect(rows.first).to_contain_text("молодой специалист")
    expect(rows.first).not_to_contain_text("112-233-445")  # СНИЛС is never on screen in full
    assert_accessible(page)
    page.get_by_label("Молодые специалисты").select_option("")
    expect(count).to_contain_text("Найдено: 4 педагога")

    # The order turns round with the header link.
    page.locator("#results thead").get_by_role("link", name="ФИО").click()
    expect(page.locator("#results th[aria-sort=descending]")).to_contain_text("ФИО")
    assert _surnames(page) == ["Юсупова", "Жукова", "Ёлкина", "Елисеева"]

    # Search by СНИЛС typed with separators.
    page.get_by_label("Поиск").fill("112-233-445 95")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Юсупова")
    assert page.evaluate("() => window.listMark") == "still here"

    # Columns: СНИЛС (masked) appears and goes into the file.
    page.locator("summary", has_text="Столбцы").click()
    page.get_by_label("СНИЛС", exact=True).check()
    expect(page.locator("#results thead")).to_contain_text("СНИЛС")
    expect(rows.first).to_contain_text("***-***-*** 95")
    page.locator("summary", has_text="Столбцы").click()
    assert_accessible(page)

    # Excel: the rows on screen with the visible columns, СНИЛС in full; the export is logged.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Выгрузить в Excel").click()
    download = download_info.value
    assert re.fullmatch(r"педагоги_\d\d\.\d\d\.\d{4}\.xlsx", download.suggested_filename)
    path = download.path()
    assert path is not None
    with open(path, "rb") as file:
        sheet = openpyxl.load_workbook(io.BytesIO(file.read())).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][0] == "ФИО" and "СНИЛС" in table[0]
    assert len(table) == 2 and table[1][0].startswith("Юсупова")
    assert table[1][table[0].index("СНИЛС")] == "112-233-445 95"
    entry = PersonalDataAccess.objects.get()
    assert entry.action == "export" and entry.count == 1 and entry.user.username == "head_user"

    # «Сбросить» drops the filters.
    page.get_by_role("link", name="Сбросить").click()
    expect(count).to_contain_text("Найдено: 30 педагогов")


def test_the_list_fits_a_phone(page: Page, live_server, district, login, assert_accessible):
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, live_server, "head_user", PASSWORD)
    page.goto(live_server.url + "/staff/")
    expect(page.locator("#results tbody tr")).to_have_count(25)
    page.locator("summary", has_text="Ещё фильтры").click()
    page.locator("summary", has_text="Организация").click()
    page.locator("summary", has_text="Столбцы").click()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert_accessible(page)


def test_school_admin_sees_their_school_without_an_organisation_filter(
    page: Page, live_server, district, login, assert_accessible
):
    login(page, live_server, "zam_a", PASSWORD)
    page.goto(live_server.url + "/staff/")
    expect(page.get_by_test_id("table-count")).to_contain_text("Найдено: 26 педагогов")
    expect(page.locator("summary", has_text="Организация")).to_have_count(0)
    assert_accessible(page)
