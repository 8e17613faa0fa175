"""The course catalogue in a real browser: a methodist adds a provider and its programme, then finds the
programme by typing its title in another case and with е instead of ё."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.training.models import Programme, Provider


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_methodist_adds_a_provider_and_a_programme_and_finds_it(
    page: Page, live_server, district, login, assert_accessible
):
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/training/catalogue/")
    expect(page.get_by_role("heading", name="Организации повышения квалификации")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Добавить организацию").first.click()
    expect(page.get_by_role("heading", name="Новая организация")).to_be_visible()
    name = page.get_by_role("textbox", name="Наименование", exact=True)
    name.fill("Институт развития образования «Ёлочка»")
    page.get_by_label("Краткое наименование").fill("ИРО «Ёлочка»")
    page.get_by_label("ИНН").fill("7707083894")  # a typo: the checksum fails
    page.get_by_role("combobox", name="Тип организации").select_option(label="государственная организация")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("не сходится контрольное число")).to_be_visible()
    assert not Provider.objects.exists()
    assert_accessible(page)
    page.get_by_label("ИНН").fill("7707083893")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("добавлена в справочник")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="ИРО «Ёлочка»")).to_contain_text("7707083893")

    page.get_by_role("link", name="Программы", exact=True).click()
    page.get_by_role("link", name="Добавить программу").first.click()
    expect(page.get_by_role("heading", name="Новая программа")).to_be_visible()
    assert_accessible(page)
    title = page.get_by_role("textbox", name="Наименование программы")
    title.fill("Ёмкие задачи по физике: подготовка к ОГЭ")
    page.get_by_role("combobox", name="Организация", exact=True).select_option(label="ИРО «Ёлочка»")
    page.get_by_role("combobox", name="Вид", exact=True).select_option(label="повышение квалификации")
    page.get_by_role("spinbutton", name="Объём, часов").fill("12")  # below the minimum of 16
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Повышение квалификации — не менее 16 часов")).to_be_visible()
    page.get_by_role("spinbutton", name="Объём, часов").fill("36")
    page.get_by_label("Подготовка к ГИА (ОГЭ, ЕГЭ)").check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("добавлена в справочник")).to_be_visible()
    programme = Programme.objects.get()
    assert (programme.hours, programme.provider.short_name) == (36, "ИРО «Ёлочка»")

    page.get_by_label("Поиск").fill("ЕМКИЕ задачи")
    expect(page).to_have_url(re.compile(r"[?&]q="))
    expect(page.get_by_test_id("table-count")).to_contain_text("Найдено: 1")
    expect(page.get_by_role("row").filter(has_text="Ёмкие задачи по физике")).to_contain_text("36")
    page.get_by_label("Поиск").fill("химии")
    expect(page.get_by_test_id("table-count")).to_contain_text("Найдено: 0")
    assert_accessible(page)
