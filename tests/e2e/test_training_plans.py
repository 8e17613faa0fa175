"""The district's training plan in a real browser: the methodist creates a plan with a line and places for
a school and opens nominations; the school admin nominates a teacher; the head approves the nomination and
the plan."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.reference.services import academic_year_ensure
from imo.staff.tests.factories import make_educator
from imo.training.models import Nomination, PlanQuota, TrainingPlan

LINE = "Функциональная грамотность школьников"


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_office_plans_school_admin_nominates_office_approves(
    page: Page, live_server, district, login, assert_accessible
):
    year = academic_year_ensure(on=dt.date.today())
    teacher = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Абдулаева",
        first_name="Малика",
    )
    make_educator(
        municipality=district.municipality, school=district.school_b, last_name="Чужая", first_name="Ева"
    )

    # the office: a plan, a line, places, nominations open
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/training/plans/")
    expect(page.get_by_role("heading", name="План повышения квалификации")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Новый план").click()
    page.get_by_label("Учебный год").select_option(label=year.name)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("План создан.")).to_be_visible()
    page.get_by_role("link", name="Добавить строку плана").click()
    assert_accessible(page)
    page.get_by_label("Тема курса (если программы нет в справочнике)").fill(LINE)
    page.get_by_label("Объём, часов").fill("36")
    page.get_by_label("Категория слушателей").fill("учителя начальных классов")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Места по организациям")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("СОШ № 1 г. Курчалой").fill("2")
    page.get_by_role("button", name="Сохранить места").click()
    expect(page.get_by_text("Места по организациям сохранены.")).to_be_visible()
    line = page.locator("section").filter(has_text=LINE)
    expect(line).to_contain_text("Мест: 2")
    until = dt.date.today() + dt.timedelta(days=14)
    page.get_by_label("Выдвижение кандидатов до").fill(until.isoformat())
    page.get_by_role("button", name="Открыть выдвижение").click()
    expect(page.get_by_text(f"Выдвижение кандидатов открыто до {until:%d.%m.%Y}.")).to_be_visible()
    expect(page.locator("#plan-status")).to_have_text("идёт выдвижение")
    assert_accessible(page)
    plan = TrainingPlan.objects.get()
    assert PlanQuota.objects.get().places == 2

    # the school admin nominates a teacher of their school
    page.context.clear_cookies()
    login(page, live_server, "zam_a", PASSWORD)
    page.goto(live_server.url + f"/training/plans/{plan.pk}/")
    expect(page.get_by_role("heading", name=str(plan))).to_be_visible()
    assert_accessible(page)
    line = page.locator("section").filter(has_text=LINE)
    line.get_by_role("row").filter(has_text="СОШ № 1 г. Курчалой").get_by_role(
        "link", name="Выдвинуть"
    ).click()
    expect(page.locator("#nominate-places")).to_contain_text("мест 2, выдвинуто 0")
    combo = page.get_by_role("combobox", name="Педагог")
    expect(combo.locator("option", has_text="Чужая")).to_have_count(0)
    combo.select_option(label=teacher.full_name)
    assert_accessible(page)
    page.get_by_role("button", name="Выдвинуть").click()
    expect(page.get_by_text(f"Педагог выдвинут: {teacher.full_name}.")).to_be_visible()
    expect(page.locator(".nomination")).to_contain_text(f"{teacher.full_name} — выдвинут")

    # the head approves the nomination and the plan
    page.context.clear_cookies()
    login(page, live_server, "head_user", PASSWORD)
    page.goto(live_server.url + f"/training/plans/{plan.pk}/")
    expect(page.locator("#plan-waiting")).to_have_text("1")
    page.locator(".nomination").filter(has_text=teacher.full_name).get_by_role(
        "button", name="Утвердить"
    ).click()
    expect(page.locator(".nomination")).to_contain_text(f"{teacher.full_name} — утверждён")
    page.get_by_role("button", name="Утвердить план").click()
    expect(page.get_by_text("План утверждён.")).to_be_visible()
    expect(page.locator("#plan-status")).to_contain_text("утверждён")
    assert_accessible(page)
    assert Nomination.objects.get().status == Nomination.Status.APPROVED
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.APPROVED


def test_office_picks_a_line_programme_by_searching_the_catalogue(page: Page, live_server, district, login):
    from imo.training.tests.plans_fixtures import make_programme

    year = academic_year_ensure(on=dt.date.today())
    plan = TrainingPlan.objects.create(municipality=district.municipality, academic_year=year)
    make_programme(title="Обновлённые ФГОС ООО", hours=36)
    wanted = make_programme(title="Наставничество в образовательной организации", hours=72)
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + f"/training/plans/{plan.pk}/lines/add/")
    page.get_by_label("Поиск программы в справочнике").fill("наставничество")
    select = page.get_by_label("Программа из справочника")
    expect(select.locator("option", has_text="Обновлённые ФГОС ООО")).to_have_count(0)
    select.select_option(value=str(wanted.pk))
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Места по организациям")).to_be_visible()
    line = plan.lines.get()
    assert (line.programme, line.hours, line.provider) == (wanted, 72, wanted.provider)
