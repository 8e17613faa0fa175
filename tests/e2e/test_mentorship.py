"""Mentoring in a real browser: a school admin finds an early-career educator flagged «нет наставника»,
assigns a colleague as mentor, and sees the mentorship page and the list without the flag."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.mentorship.models import Mentorship
from imo.orgs.tests.factories import District, make_district
from imo.staff.tests.factories import make_educator


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_school_admin_assigns_a_mentor(page: Page, live_server, district, login, assert_accessible):
    today = dt.date.today()
    young = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Юсупова",
        first_name="Хава",
        teaching_experience_start=today - dt.timedelta(days=200),
        starts_on=today - dt.timedelta(days=200),
    )
    mentor = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Абдулаева",
        first_name="Зарема",
        teaching_experience_start=dt.date(2001, 9, 1),
    )
    login(page, live_server, "zam_a", PASSWORD)
    page.goto(live_server.url + "/mentorship/early-career/")
    expect(page.get_by_role("heading", name="Молодые специалисты")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Юсупова Хава")
    expect(row).to_contain_text("нет наставника")
    assert_accessible(page)

    row.get_by_role("link", name="Назначить наставника: Юсупова Хава").click()
    expect(page.get_by_role("heading", name="Назначить наставника")).to_be_visible()
    assert_accessible(page)
    # the mentee comes preselected; the mentor is found by typing part of the name (the educator picker)
    expect(page.get_by_role("radio", name=str(young))).to_be_checked()
    page.get_by_role("searchbox", name="Наставник", exact=True).fill("абдулаева")
    page.get_by_role("radio", name=str(mentor)).check()
    page.get_by_label("Цели и задачи").fill("Адаптация в коллективе")
    page.get_by_role("button", name="Сохранить").click()

    expect(page.get_by_role("heading", name=f"Наставничество: {young}")).to_be_visible()
    expect(page.get_by_text("Наставник назначен.")).to_be_visible()
    assert_accessible(page)
    mentorship = Mentorship.objects.get()
    assert (mentorship.mentor_id, mentorship.mentee_id) == (mentor.pk, young.pk)

    page.goto(live_server.url + "/mentorship/early-career/?no_mentor=1")
    expect(page.get_by_text("Никого не найдено.")).to_be_visible()
