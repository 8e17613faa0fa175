"""A provider's list of graduates in a real browser: the office uploads the list, the preview shows the
row with two namesakes as «выберите на странице сопоставления», the commit keeps it for resolution, and on
the resolution page the methodist picks the right person."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.core.imports.tests import files
from imo.orgs.tests.factories import District, make_district
from imo.staff.tests.factories import make_educator
from imo.training.models import CourseRecord, PendingGraduate
from imo.training.tests.graduates_fixtures import HEADER, make_provider, row


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_office_loads_a_list_and_resolves_a_namesake(
    page: Page, live_server, district, login, assert_accessible, tmp_path
):
    provider = make_provider()
    known = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Исаева", first_name="Малика",
        patronymic="Ахмедовна",
    )  # fmt: skip
    twins = [
        make_educator(
            municipality=district.municipality,
            school=district.school_a,
            last_name="Хасанова",
            first_name="Зарема",
            patronymic="Ислановна",
            birth_date=dt.date(1980 + n, 5, 1),
        )
        for n in range(2)
    ]
    path = tmp_path / "слушатели.xlsx"
    path.write_bytes(
        files.xlsx(
            [
                HEADER,
                row(name="Исаева Малика Ахмедовна", snils="", school="СОШ № 1 г. Курчалой", number="Э-1"),
                row(name="Хасанова Зарема Ислановна", snils="", school="СОШ № 1 г. Курчалой", number="Э-2"),
            ]
        )
    )
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/training/graduates/import/")
    expect(page.get_by_role("heading", name="Загрузка списка слушателей курсов")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Организация повышения квалификации").select_option(str(provider.pk))
    page.get_by_label("Файл").set_input_files(str(path))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_test_id("import-warnings")).to_contain_text(
        "найдено 2 педагогов — выберите на странице сопоставления"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Загрузить", exact=True).click()
    expect(page.get_by_test_id("import-result")).to_contain_text("Добавлено: 2")
    assert CourseRecord.objects.get().educator == known

    page.get_by_role("link", name="Перейти к списку").click()
    expect(page.get_by_role("heading", name="Слушатели курсов: сопоставление")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Хасанова Зарема Ислановна").click()
    choices = page.get_by_test_id("educator-choices")
    expect(choices.get_by_role("row")).to_have_count(3)
    assert_accessible(page)
    choices.get_by_role("row").filter(has_text="01.05.1981").get_by_role("button", name="Это она").click()
    expect(page.get_by_text("Курс записан педагогу Хасанова Зарема Ислановна.")).to_be_visible()
    pending = PendingGraduate.objects.get()
    assert pending.status == PendingGraduate.Status.RESOLVED and pending.educator == twins[1]
    assert CourseRecord.objects.get(document_number="Э-2").educator == twins[1]
