"""Individual development plans in a real browser: a school admin creates a plan for a teacher of their
school from the teacher's profile, adds a gap (inline) and two items; the teacher signs in and marks one
item done; the school admin sees the plan at 50 %."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.staff.services import educator_link_user
from imo.staff.tests.factories import make_educator
from imo.training.models import DevelopmentItem, DevelopmentPlan


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def _add_item(page: Page, kind: str, title: str, due: dt.date) -> None:
    form = page.get_by_role("form", name="Добавить пункт")
    form.locator("select[name='kind']").select_option(label=kind)
    form.locator("input[name='title']").fill(title)
    form.locator("input[name='due_on']").fill(due.isoformat())
    form.get_by_role("button", name="Добавить пункт").click()
    expect(page.get_by_text("Пункт добавлен.")).to_be_visible()


def test_plan_from_profile_to_progress(page: Page, live_server, district, login, assert_accessible):
    teacher = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Юсупова", first_name="Хава"
    )
    educator_link_user(educator=teacher, user=district.user("teacher_a"))
    today = dt.date.today()

    # The school admin opens the teacher's profile and creates a plan.
    login(page, live_server, "zam_a", PASSWORD)
    page.goto(f"{live_server.url}/staff/{teacher.pk}/")
    expect(page.get_by_role("heading", name="Индивидуальный образовательный маршрут")).to_be_visible()
    page.get_by_role("link", name="Создать маршрут").click()
    expect(page.get_by_role("heading", name=f"Новый ИОМ: {teacher}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name=f"ИОМ: {teacher.full_name}")).to_be_visible()
    plan = DevelopmentPlan.objects.get(educator=teacher)

    # A gap, added without leaving the page (htmx), then two items.
    page.get_by_label("Профессиональный дефицит").fill("Формирование функциональной грамотности")
    page.get_by_role("button", name="Добавить дефицит").click()
    gaps = page.locator("#gaps")
    expect(gaps.get_by_text("Формирование функциональной грамотности", exact=True)).to_be_visible()
    expect(page.get_by_label("Профессиональный дефицит")).to_have_value("")
    _add_item(page, "мероприятие (семинар, открытый урок, конференция)", "Открытый урок", today)
    _add_item(page, "самообразование", "Изучение ФОП", today + dt.timedelta(days=30))
    expect(page.get_by_text("пунктов нет")).to_have_count(0)
    expect(page.locator("#progress-text")).to_contain_text("0 %")
    assert_accessible(page)
    page.get_by_role("button", name="Начать выполнение").click()
    expect(page.get_by_text("Выполнение маршрута начато.")).to_be_visible()

    # The teacher signs in and marks the open lesson done.
    page.context.clear_cookies()
    login(page, live_server, "teacher_a", PASSWORD)
    page.goto(f"{live_server.url}/training/development/{plan.pk}/")
    lesson = page.get_by_role("row").filter(has_text="Открытый урок")
    expect(lesson.get_by_role("link", name=re.compile("Изменить пункт"))).to_have_count(0)
    lesson.get_by_role("link", name=re.compile("Отметить выполнение")).click()
    expect(page.locator("select[name='status']")).to_have_value("done")
    page.locator("textarea[name='result']").fill("Урок проведён для коллег")
    assert_accessible(page)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Отметка сохранена.")).to_be_visible()
    expect(page.locator("#progress-text")).to_contain_text("50 %")
    item = DevelopmentItem.objects.get(plan=plan, title="Открытый урок")
    assert (item.status, item.done_on) == (DevelopmentItem.Status.DONE, today)

    # The school admin sees 50 % in the list of plans.
    page.context.clear_cookies()
    login(page, live_server, "zam_a", PASSWORD)
    page.goto(f"{live_server.url}/training/development/")
    row = page.get_by_role("row").filter(has_text=teacher.full_name)
    expect(row).to_contain_text("50 %")
    expect(row).to_contain_text("1 из 2")
    assert_accessible(page)
