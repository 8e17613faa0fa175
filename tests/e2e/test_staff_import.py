"""The staff list import in a real browser: a school admin uploads their list, sees the preview with a row
error, loads the valid rows, and finds the new educators in the list and on the profile."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.core.imports.tests import files
from imo.orgs.tests.factories import District, make_district
from imo.staff.models import Educator
from imo.staff.tests.factories import snils_with_check

HEADER = ["Ф.И.О.", "Дата рождения", "СНИЛС", "Должность", "Предмет(ы)", "Нагрузка, ч/нед", "Категория"]
S1, S2 = snils_with_check("512233445"), snils_with_check("623344556")


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_school_admin_uploads_previews_and_commits_their_list(
    page: Page, live_server, district, login, assert_accessible, tmp_path
):
    login(page, live_server, "zam_a", PASSWORD)
    page.goto(live_server.url + "/staff/import/")
    expect(page.get_by_role("heading", name="Загрузка из Excel: педагогические работники")).to_be_visible()
    expect(page.get_by_label("Организация, чей это список")).to_have_count(0)  # their school only
    assert_accessible(page)

    rows = [
        HEADER,
        ["Ёлкина Анна Сергеевна", dt.date(1988, 4, 2), S1, "Учитель", "Математика; Физика", 18, "высшая"],
        ["Хасанов Ислам Русланович", dt.date(1979, 11, 30), S2, "учитель", "физкультура", 24, ""],
        ["Петрова Зоя Ильинична", dt.date(1990, 1, 1), "123", "Дворник", "", "", ""],
    ]
    path = tmp_path / "педагоги.xlsx"
    path.write_bytes(files.xlsx(rows))
    page.get_by_label("Файл").set_input_files(str(path))
    page.get_by_role("button", name="Проверить файл").click()

    errors = page.get_by_test_id("import-errors")
    expect(errors).to_be_visible()
    expect(errors).to_contain_text("СНИЛС должен состоять из 11 цифр")
    first = errors.locator("tbody tr").first
    expect(first.locator("td").nth(0)).to_have_text("4")
    expect(first.locator("td").nth(1)).to_contain_text("СНИЛС")
    expect(page.get_by_test_id("import-rows")).to_contain_text("Будет добавлена")
    expect(page.get_by_test_id("import-rows")).to_contain_text("Ёлкина Анна Сергеевна")
    expect(page.get_by_role("note")).to_contain_text("«Категория»")  # accepted, not loaded yet
    assert_accessible(page)

    page.get_by_role("button", name="Загрузить только строки без ошибок (2)").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("Добавлено: 2")
    assert_accessible(page)
    assert set(Educator.objects.values_list("snils", flat=True)) == {S1, S2}

    page.get_by_role("link", name="Перейти к списку").click()
    expect(page.get_by_role("heading", name="Педагогические работники")).to_be_visible()
    expect(page.get_by_role("link", name="Ёлкина Анна Сергеевна")).to_be_visible()
    expect(page.get_by_role("link", name="Хасанов Ислам Русланович")).to_be_visible()
    page.get_by_role("link", name="Ёлкина Анна Сергеевна").click()
    expect(page.get_by_role("heading", name="Ёлкина Анна Сергеевна")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Математика")
