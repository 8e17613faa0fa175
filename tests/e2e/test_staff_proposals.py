"""A teacher proposes a new phone number; the school admin accepts it; the teacher sees the decision."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.staff.models import ChangeProposal, Educator
from imo.staff.services import educator_link_user
from imo.staff.tests.factories import make_educator


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


@pytest.fixture
def teacher(district) -> Educator:
    educator = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Алиева",
        first_name="Мадина",
        phone="+7 (928) 000-00-01",
    )
    educator_link_user(educator=educator, user=district.user("teacher_a"))
    return educator


def _log_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Выйти").click()


def test_teacher_proposes_a_phone_and_the_school_admin_accepts(
    page: Page, live_server, district, teacher, login, assert_accessible
):
    login(page, live_server, "teacher_a", PASSWORD)
    page.goto(live_server.url + "/staff/proposals/")
    expect(page.get_by_role("heading", name="Мои предложения по моей записи")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Изменить телефон или электронную почту").click()
    expect(page.get_by_role("heading", name="Изменить контакты")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Телефон").fill("+7 (928) 111-22-33")
    page.get_by_role("button", name="Отправить на проверку").click()
    expect(page.get_by_text("Предложение отправлено.")).to_be_visible()
    expect(page.get_by_test_id("proposal-status")).to_have_text("ждёт решения")
    assert_accessible(page)
    _log_out(page)

    login(page, live_server, "zam_a", PASSWORD)
    page.goto(live_server.url + "/staff/proposals/")
    expect(page.get_by_role("heading", name="Предложенные изменения")).to_be_visible()
    assert_accessible(page)
    row = page.locator("tbody tr").filter(has_text="Алиева Мадина")
    expect(row).to_have_count(1)
    row.get_by_role("link", name="Контакты: телефон").click()
    expect(page.get_by_role("cell", name="+7 (928) 000-00-01")).to_be_visible()
    expect(page.get_by_role("cell", name="+7 (928) 111-22-33")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Комментарий для педагога").fill("Номер проверен.")
    page.get_by_role("button", name="Принять").click()
    expect(page.get_by_text("Предложение принято")).to_be_visible()
    expect(page.get_by_text("Новых предложений нет")).to_be_visible()
    assert_accessible(page)
    _log_out(page)

    teacher.refresh_from_db()
    assert teacher.phone == "+7 (928) 111-22-33"
    proposal = ChangeProposal.objects.get()
    assert proposal.status == ChangeProposal.Status.ACCEPTED

    login(page, live_server, "teacher_a", PASSWORD)
    page.goto(live_server.url + "/staff/proposals/")
    item = page.get_by_test_id("proposal")
    expect(item.get_by_test_id("proposal-status")).to_have_text("принято")
    expect(item).to_contain_text("Номер проверен.")
    assert_accessible(page)
    # The same section on the teacher's own record.
    page.goto(live_server.url + "/staff/me/")
    section = page.locator("#section-proposals")
    expect(section.get_by_test_id("proposal-status")).to_have_text("принято")
    expect(section).to_contain_text("+7 (928) 000-00-01 → +7 (928) 111-22-33")
    assert_accessible(page)
