"""The category history import in a real browser: the methodist opens it from the due page, uploads a file
with one row whose educator cannot be found, sees that error by row and column, loads the valid rows only,
and finds the category in the educator's profile."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.attestation.models import QualificationCategory
from imo.core.imports.tests import files
from imo.orgs.tests.factories import District, make_district
from imo.staff.tests.factories import make_educator, snils_with_check

HEADER = ["ФИО", "СНИЛС", "Категория", "Номер приказа", "Дата приказа", "Дата присвоения", "Действует до"]
S1 = snils_with_check("612233445")


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_methodist_loads_category_history(
    page: Page, live_server, district, login, assert_accessible, tmp_path
):
    educator = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Исаева",
        first_name="Малика",
        patronymic="Ахмедовна",
        snils=S1,
    )
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/attestation/due/")
    page.get_by_role("link", name="Загрузить историю категорий из Excel").click()
    expect(
        page.get_by_role("heading", name="Загрузка из Excel: квалификационные категории педагогов")
    ).to_be_visible()
    assert_accessible(page)

    rows = [
        HEADER,
        [
            "Исаева Малика Ахмедовна",
            S1,
            "Высшая квалификационная категория",
            "77-к",
            dt.date(2024, 3, 28),
            "",
            "",
        ],
        ["Неизвестная Анна Петровна", "", "первая", "78-к", dt.date(2024, 3, 28), "", ""],
    ]
    path = tmp_path / "категории.xlsx"
    path.write_bytes(files.xlsx(rows))
    page.get_by_label("Файл").set_input_files(str(path))
    page.get_by_role("button", name="Проверить файл").click()

    errors = page.get_by_test_id("import-errors")
    expect(errors).to_be_visible()
    first = errors.locator("tbody tr").first
    expect(first.locator("td").nth(0)).to_have_text("3")
    expect(first.locator("td").nth(1)).to_contain_text("ФИО")
    expect(first).to_contain_text("Педагог не найден: Неизвестная Анна Петровна")
    expect(page.get_by_test_id("import-rows")).to_contain_text("Будет добавлена")
    assert_accessible(page)

    page.get_by_role("button", name="Загрузить только строки без ошибок (1)").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("Добавлено: 1")
    assert_accessible(page)
    assert QualificationCategory.objects.get().educator == educator

    page.goto(live_server.url + f"/staff/{educator.pk}/")
    categories = page.locator("#attestation-categories")
    expect(categories).to_contain_text("высшая")
    expect(categories).to_contain_text("28.03.2024")
    expect(categories).to_contain_text("№ 77-к")
    expect(categories).to_contain_text("бессрочно")
