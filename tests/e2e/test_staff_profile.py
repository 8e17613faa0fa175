"""One educator in a real browser: the methodist creates the record with the first employment, adds
education and an award, transfers the person to another school and reads the history; axe-core on
every page visited. The teacher then opens their own record read-only."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.reference.models import Position, Subject
from imo.staff.models import Educator
from imo.staff.services import educator_link_user

UNIVERSITY = "Чеченский государственный педагогический университет"


@pytest.fixture
def district(transactional_db) -> District:
    district = make_district()
    Position.objects.get_or_create(name="Учитель")
    Subject.objects.get_or_create(name="Математика")
    return district


def test_methodist_creates_edits_transfers_and_reads_history(
    page: Page, live_server, district, login, assert_accessible
):
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/staff/new/")
    expect(page.get_by_role("heading", name="Новый педагог")).to_be_visible()
    assert_accessible(page)

    page.get_by_label(re.compile(r"^Фамилия")).fill("Ибрагимова")
    page.get_by_label(re.compile(r"^Имя")).fill("Хава")
    page.get_by_label(re.compile(r"^Отчество")).fill("Ахмедовна")
    page.get_by_label(re.compile(r"^Пол")).select_option(label="женский")
    page.get_by_label("Дата рождения").fill("1990-03-15")
    page.get_by_label("СНИЛС").fill("112-233-445 95")
    page.get_by_label("Начало педагогического стажа").fill("2015-09-01")
    page.get_by_label(re.compile(r"^Организация")).select_option(label="СОШ № 1 г. Курчалой")
    page.get_by_label(re.compile(r"^Должность")).select_option(label="Учитель")
    page.get_by_label("Преподаваемые предметы").select_option(label="Математика")
    page.get_by_label("Учебная нагрузка, часов в неделю").fill("18")
    page.get_by_label("Дата начала работы").fill("2015-09-01")
    page.get_by_role("button", name="Сохранить").click()

    expect(page.get_by_role("heading", name="Ибрагимова Хава Ахмедовна")).to_be_visible()
    expect(page.get_by_text("Педагог Ибрагимова Хава Ахмедовна добавлен в базу.")).to_be_visible()
    expect(page.get_by_test_id("snils")).to_have_text("112-233-445 95")
    assert_accessible(page)

    page.get_by_role("link", name="Добавить образование").click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Уровень")).select_option(label="высшее")
    page.get_by_label("Педагогическое").check()
    page.get_by_label("Учебное заведение").fill(UNIVERSITY)
    page.get_by_label("Год окончания").fill("2012")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("cell", name=UNIVERSITY, exact=True)).to_be_visible()

    page.get_by_role("link", name="Добавить награду").click()
    page.get_by_label(re.compile(r"^Вид")).select_option(label="муниципальная")
    page.get_by_label(re.compile(r"^Наименование")).fill("Грамота управления образования")
    page.get_by_label("Дата").fill("2021-05-20")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("cell", name="Грамота управления образования", exact=True)).to_be_visible()

    page.get_by_role("link", name="Перевести из «СОШ № 1 г. Курчалой»").click()
    expect(page.get_by_role("heading", name="Перевод из СОШ № 1 г. Курчалой")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Новое место работы")).select_option(label="СОШ с. Бельты")
    page.get_by_label(re.compile(r"^Дата перевода")).fill("2024-09-01")
    page.get_by_role("button", name="Перевести").click()

    expect(page.get_by_text("Педагог переведён.")).to_be_visible()
    employments = page.locator("#section-employments tbody tr")
    expect(employments).to_have_count(2)
    expect(employments.filter(has_text="СОШ с. Бельты")).to_contain_text("работает")
    expect(employments.filter(has_text="СОШ № 1 г. Курчалой")).to_contain_text("31.08.2024")
    assert_accessible(page)

    page.get_by_role("link", name="История изменений").click()
    expect(page.get_by_role("heading", name="История изменений")).to_be_visible()
    history = page.locator("tbody")
    expect(history).to_contain_text("Причина окончания:")
    expect(history).to_contain_text("Перевод")
    expect(history).to_contain_text("Грамота управления образования")
    expect(history).to_contain_text("***-***-*** 95")
    assert_accessible(page)


def test_teacher_reads_own_record_and_may_only_propose(
    page: Page, live_server, district, login, assert_accessible
):
    from imo.staff.tests.factories import make_educator

    educator = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Алиева", first_name="Петимат"
    )
    educator_link_user(educator=educator, user=district.user("teacher_a"))
    login(page, live_server, "teacher_a", PASSWORD)
    page.goto(live_server.url + "/staff/me/")
    expect(page.get_by_role("heading", name=re.compile(r"^Алиева Петимат"))).to_be_visible()
    expect(page.get_by_role("link", name="Редактировать")).to_have_count(0)
    expect(page.get_by_role("link", name="Предложить изменение контактов")).to_be_visible()
    assert_accessible(page)
    assert Educator.objects.count() == 1
