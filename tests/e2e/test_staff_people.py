"""Duplicates and merging, erasure with an act and the access log in a real browser, with axe-core."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.staff.models import Educator, ErasureAct, PersonalDataAccess
from imo.staff.tests.factories import make_educator

BORN = dt.date(1984, 11, 2)


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


@pytest.fixture
def planted(district: District) -> tuple[Educator, Educator]:
    """One person entered twice: by the office, and again by school B with a phone and another e-mail."""
    person: dict[str, Any] = {
        "first_name": "Луиза",
        "patronymic": "Исаевна",
        "birth_date": BORN,
        "subjects": ("Химия",),
    }
    keep = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Хасиева",
        email="office@example.ru",
        **person,
    )
    remove = make_educator(
        municipality=district.municipality,
        school=district.school_b,
        last_name="Хасиёва",
        email="school@example.ru",
        phone="+7 928 111-22-33",
        **person,
    )
    return keep, remove


def test_head_merges_two_planted_duplicates(
    page: Page, live_server, district, planted, login, assert_accessible
) -> None:
    keep, remove = planted
    login(page, live_server, "head_user", PASSWORD)
    page.goto(live_server.url + "/staff/duplicates/")
    assert_accessible(page)
    group = page.get_by_test_id("duplicate-group")
    expect(group).to_have_count(1)
    expect(group).to_contain_text("02.11.1984")

    group.get_by_role("link", name="Объединить").click()
    expect(page.get_by_role("heading", name="Объединение записей")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Электронная почта: взять school@example.ru").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Объединить").click()
    expect(page.get_by_text("Записи объединены")).to_be_visible()
    assert_accessible(page)

    keep.refresh_from_db()
    assert not Educator.objects.filter(pk=remove.pk).exists()
    assert (keep.email, keep.phone) == ("school@example.ru", "+7 928 111-22-33")
    assert keep.employments.count() == 2
    page.goto(live_server.url + "/staff/duplicates/")
    expect(page.get_by_text("Возможных дубликатов не найдено.")).to_be_visible()


def test_head_erases_a_record_and_reads_the_act_and_the_access_log(
    page: Page, live_server, district, planted, login, assert_accessible
) -> None:
    person, _ = planted
    login(page, live_server, "head_user", PASSWORD)
    page.goto(f"{live_server.url}/staff/{person.pk}/erase/")
    assert_accessible(page)
    page.get_by_label("Номер акта").fill("3-ПД")
    page.get_by_label("Я понимаю").check()
    page.get_by_role("button", name="Уничтожить данные и составить акт").click()
    expect(page.get_by_role("heading", name="АКТ № 3-ПД")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Выгрузка из журнала регистрации событий")
    assert_accessible(page)
    assert ErasureAct.objects.get().number == "3-ПД"

    page.goto(live_server.url + "/staff/erasure-acts/")
    expect(page.locator("main")).to_contain_text("№ 3-ПД")
    assert_accessible(page)
    entry = PersonalDataAccess.objects.create(user=district.user("methodist"), action="view", count=1)
    entry.educators.add(person)
    page.goto(live_server.url + "/staff/access-log/")
    expect(page.locator("#results")).to_contain_text(f"Удалено (запись № {person.pk})")
    assert_accessible(page)
