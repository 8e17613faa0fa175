"""The data table component in a real browser, on the organisations list: filter, sort, page size,
column choice; the address reproduces the view after a reload; the Excel link carries the state."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.models import Organization
from imo.orgs.tests.factories import District, make_district, make_organization


@pytest.fixture
def district(transactional_db) -> District:
    district = make_district()
    for number in range(1, 27):
        make_organization(parent=district.municipality, short_name=f"СОШ № {number + 10}", inn="")
    for name in ("Детский сад «Ёлочка»", "Детский сад «Елань»", "Детский сад «Звёздочка»"):
        make_organization(parent=district.municipality, short_name=name, kind=Organization.Kind.KINDERGARTEN)
    return district  # 28 schools and 3 kindergartens


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _first_cells(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("#results tbody tr td:first-child").all_inner_texts()]


def test_filter_sort_page_size_and_columns_survive_a_reload(
    page: Page, live_server, district, login, assert_accessible
):
    login(page, live_server, "head_user", PASSWORD)
    page.goto(live_server.url + "/organizations/")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(25)
    expect(page.get_by_test_id("table-count")).to_contain_text("Найдено: 31 организация")
    assert_accessible(page)

    # Page size: a link inside the results, loaded by htmx.
    page.get_by_role("link", name="50 на странице").click()
    expect(rows).to_have_count(31)
    expect(page).to_have_url(re.compile(r"per_page=50"))

    # Multi-choice filter: check boxes in a drop-down; the page size is kept.
    page.locator("summary", has_text="Тип").click()
    page.get_by_label("Детский сад", exact=True).check()
    expect(rows).to_have_count(3)
    expect(page.locator("#results-filter-kind-summary")).to_have_text("Детский сад")
    assert _query(page)["kind"] == ["kindergarten"] and _query(page)["per_page"] == ["50"]
    assert_accessible(page)
    page.locator("summary", has_text="Тип").click()  # close it

    # Sorting: Russian order (Ё beside Е), then the other way round by the header link.
    assert _first_cells(page) == ["Детский сад «Елань»", "Детский сад «Ёлочка»", "Детский сад «Звёздочка»"]
    header = page.locator("#results thead").get_by_role("link", name="Наименование")
    header.click()
    expect(page.locator("#results th[aria-sort=descending]")).to_contain_text("Наименование")
    assert _first_cells(page) == ["Детский сад «Звёздочка»", "Детский сад «Ёлочка»", "Детский сад «Елань»"]
    assert _query(page)["sort"] == ["-name"] and _query(page)["kind"] == ["kindergarten"]

    # Column choice: ИНН appears, Руководитель goes; the order and the filter stay.
    page.locator("summary", has_text="Столбцы").click()
    page.get_by_label("ИНН", exact=True).check()
    page.get_by_label("Руководитель", exact=True).uncheck()
    thead = page.locator("#results thead")
    expect(thead).to_contain_text("ИНН")
    expect(thead).not_to_contain_text("Руководитель")
    assert_accessible(page)
    assert "inn" in _query(page)["cols"] and "director" not in _query(page)["cols"]
    assert _query(page)["sort"] == ["-name"]

    # Search after a sort: the hidden order travels with the filter form.
    page.get_by_label("Поиск").fill("звезд")
    expect(rows).to_have_count(1)
    assert _query(page)["sort"] == ["-name"] and _query(page)["q"] == ["звезд"]
    page.get_by_label("Поиск").fill("")
    expect(rows).to_have_count(3)

    # The address alone reproduces the view.
    address = page.url
    export_href = page.get_by_role("link", name="Выгрузить в Excel").get_attribute("href") or ""
    page.goto("about:blank")
    page.goto(address)
    expect(rows).to_have_count(3)
    assert _first_cells(page)[0] == "Детский сад «Звёздочка»"
    expect(page.locator("#results thead")).to_contain_text("ИНН")
    expect(page.get_by_label("ИНН", exact=True)).to_be_checked()
    expect(page.get_by_label("Детский сад", exact=True)).to_be_checked()
    expect(page.get_by_role("link", name="Выгрузить в Excel")).to_have_attribute("href", export_href)
    assert_accessible(page)

    # The Excel link carries the filters, the order and the columns (not the page size).
    export = parse_qs(urlsplit(export_href).query)
    assert urlsplit(export_href).path == "/organizations/export/"
    assert export["kind"] == ["kindergarten"] and export["sort"] == ["-name"] and "inn" in export["cols"]
    assert "per_page" not in export
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Выгрузить в Excel").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")

    # Back to the start: «Сбросить» drops the filters.
    page.get_by_role("link", name="Сбросить").click()
    expect(page.get_by_test_id("table-count")).to_contain_text("Найдено: 31")


def test_the_table_fits_a_phone(page: Page, live_server, district, login, assert_accessible):
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, live_server, "head_user", PASSWORD)
    page.goto(live_server.url + "/organizations/")
    expect(page.locator("#results tbody tr")).to_have_count(25)
    page.locator("summary", has_text="Столбцы").click()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert_accessible(page)


def test_users_table_filters_by_role(page: Page, live_server, district, login, assert_accessible):
    login(page, live_server, "head_user", PASSWORD)
    page.goto(live_server.url + "/organizations/users/")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(8)
    assert_accessible(page)
    page.get_by_label("Роль").select_option("teacher")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("teacher_a")
    assert _query(page) == {"role": ["teacher"]}
    page.locator("summary", has_text="Столбцы").click()
    page.get_by_label("Последний вход", exact=True).check()
    expect(page.locator("#results thead")).to_contain_text("Последний вход")
    assert_accessible(page)
