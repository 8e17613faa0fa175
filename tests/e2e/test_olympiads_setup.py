"""The olympiad's settings in a real browser: the methodist starts the year's olympiad, adds the school
stage, adds all subjects at once, sets a grade's maximum from the task maxima and appoints the jury chair."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.olympiads.models import GradeSetting, JuryMember, OlympiadSubject, Season, StageSubject
from imo.orgs.tests.factories import District, make_district
from imo.reference.services import academic_year_ensure
from imo.staff.tests.factories import make_educator


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_methodist_sets_up_the_school_stage(page: Page, live_server, district, login, assert_accessible):
    # the seeded list may have been flushed by an earlier transactional test
    OlympiadSubject.objects.get_or_create(
        name="Математика",
        defaults={"short_name": "Математика", "min_grade_school": 4, "online_school_stage": True},
    )
    OlympiadSubject.objects.get_or_create(name="История", defaults={"min_grade_school": 5})
    year = academic_year_ensure(on=dt.date(2026, 10, 1))
    chair = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Абдулаева",
        first_name="Малика",
    )

    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/olympiads/seasons/")
    expect(page.get_by_role("heading", name="Олимпиады: этапы и предметы")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Завести олимпиаду").click()
    page.get_by_label("Учебный год").select_option(label=year.name)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Олимпиада заведена.")).to_be_visible()
    season = Season.objects.get()

    page.get_by_role("link", name="Добавить этап").click()
    page.get_by_label("Этап").select_option("school")
    page.get_by_label("Начало").fill("2026-09-20")
    page.get_by_label("Окончание").fill("2026-10-25")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Этап сохранён.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Добавить все предметы на школьный этап").click()
    expect(page.get_by_text("Добавлено предметов:")).to_be_visible()
    count = OlympiadSubject.objects.filter(is_active=True).count()
    assert StageSubject.objects.filter(stage__season=season).count() == count

    page.get_by_role("link", name="Математика").click()
    expect(page.get_by_role("heading", name="Математика: школьный этап")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Задать баллы").click()
    page.get_by_label("5 класс: максимум по заданиям").fill("10, 10, 15")
    page.get_by_label("5 класс: проходной балл на муниципальный этап").fill("20")
    assert_accessible(page)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Максимальные баллы сохранены.")).to_be_visible()
    setting = GradeSetting.objects.get(grade=5)
    assert (setting.max_score, setting.threshold) == (Decimal("35"), Decimal("20"))

    page.get_by_role("link", name="Жюри").click()
    page.get_by_role("searchbox", name="Педагог").fill("абдулаева")
    page.get_by_role("radio", name=str(chair)).check()
    expect(page.get_by_label("Председатель")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("председатель", exact=True)).to_be_visible()
    member = JuryMember.objects.get()
    assert (member.educator_id, member.is_chair) == (chair.pk, True)

    # next year: the same settings in one step
    next_year = academic_year_ensure(on=dt.date(2027, 10, 1))
    page.get_by_role("link", name="2026/2027").click()
    page.get_by_role("link", name="Скопировать настройки на следующий год").click()
    page.get_by_label("Учебный год новой олимпиады").select_option(label=next_year.name)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Настройки скопированы")).to_be_visible()
    assert (
        JuryMember.objects.filter(
            stage_subject__stage__season__academic_year=next_year, is_chair=True
        ).count()
        == 1
    )

    page.goto(live_server.url + "/olympiads/seasons/subjects/")
    expect(page.get_by_role("heading", name="Предметы олимпиады")).to_be_visible()
    assert_accessible(page)
