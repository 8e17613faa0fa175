"""Reference catalogues and the audit log in a real browser, with axe-core on every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_methodist_edits_the_subjects_catalogue(page: Page, live_server, district, login, assert_accessible):
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/reference/")
    assert_accessible(page)
    page.goto(live_server.url + "/reference/subjects/")
    assert_accessible(page)
    page.get_by_label("Поиск").fill("ХИМИЯ")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Химия")
    expect(page).to_have_url(re.compile(r"q=%D0%A5%D0%98%D0%9C%D0%98%D0%AF"))
    # A row's button posts the whole page and comes back to the same filtered list.
    page.get_by_role("button", name="В архив «Химия»").click()
    expect(page.get_by_text("Запись «Химия» отправлена в архив")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=%D0%A5%D0%98%D0%9C%D0%98%D0%AF"))
    expect(page.locator("#results")).to_contain_text("ничего не найдено")
    page.get_by_role("combobox", name="Состояние").select_option("archived")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("В архиве")
    assert_accessible(page)
    page.goto(live_server.url + "/reference/academic-years/")
    assert_accessible(page)


def test_head_reads_the_audit_log_of_an_edit(page: Page, live_server, district, login, assert_accessible):
    login(page, live_server, "head_user", PASSWORD)
    page.goto(f"{live_server.url}/organizations/{district.school_a.pk}/edit/")
    page.get_by_label("Телефон").fill("+7 (928) 555-44-33")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Изменения сохранены.")).to_be_visible()
    page.goto(live_server.url + "/audit/")
    assert_accessible(page)
    expect(page.locator("main")).to_contain_text("+7 (928) 555-44-33")
    # The filters update the results with htmx and keep the state in the address.
    page.get_by_role("combobox", name="Действие").select_option("Изменение")
    expect(page).to_have_url(re.compile(r"action=1"))
    expect(page.locator("#results tbody tr").first).to_contain_text("Изменение")
    page.get_by_role("searchbox", name="Объект").fill("несуществующее")
    expect(page.locator("#results")).to_contain_text("ничего не найдено")
    assert_accessible(page)
