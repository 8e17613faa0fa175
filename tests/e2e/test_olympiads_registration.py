"""Olympiad registration in a real browser: the school admin registers two students for mathematics with
a teacher (one performs above their grade); the office adds the municipal stage's proposed list and
confirms it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.olympiads.models import Participation
from imo.olympiads.tests.registration_fixtures import make_olympiad, make_student
from imo.orgs.tests.factories import District, make_district
from imo.staff.tests.factories import make_educator

pytestmark = pytest.mark.e2e


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def test_school_admin_registers_office_confirms_municipal_list(
    page: Page, live_server, district, login, assert_accessible
):
    olympiad = make_olympiad(district)
    year = olympiad.season.academic_year
    first = make_student(district.school_a, year, "Алиева", "Зарема", "Ахмедовна", grade=7)
    second = make_student(district.school_a, year, "Бараев", "Ислам", "Русланович", grade=9)
    make_student(district.school_b, year, "Чужаев", "Адам", grade=9)
    make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Петрова", first_name="Анна"
    )

    # the school admin: mathematics at the school stage, two students, one teacher
    login(page, live_server, "zam_a", PASSWORD)
    page.goto(live_server.url + "/olympiads/registration/")
    expect(page.get_by_role("heading", name="Регистрация участников олимпиады")).to_be_visible()
    page.get_by_label("Предмет").select_option(label="Математика (4–11 кл.)")
    page.get_by_role("button", name="Показать").click()
    expect(page.locator("#registration-students")).to_contain_text("Алиева Зарема Ахмедовна")
    expect(page.locator("#registration-students")).not_to_contain_text("Чужаев")
    assert_accessible(page)
    page.locator(f"#check-{first.pk}").check()
    page.locator(f"#check-{second.pk}").check()
    page.locator(f"#grade-{first.pk}").select_option("8")
    page.get_by_label("Подготовившие педагоги").select_option(label="Петрова Анна Ивановна")
    page.get_by_role("button", name="Зарегистрировать отмеченных").click()
    expect(page.get_by_text("Зарегистрировано: 2.")).to_be_visible()
    expect(page.locator(f"#student-{first.pk}")).to_contain_text("зарегистрирован")
    expect(page.locator(f"#student-{first.pk}")).to_contain_text("Петрова")
    rows = {p.student_id: p for p in Participation.objects.all()}
    assert rows[first.pk].grade == 8 and rows[second.pk].grade == 9

    # the school stage's results: Алиева passes the threshold (30) with 34
    Participation.objects.filter(pk=rows[first.pk].pk).update(score=Decimal("34"))
    Participation.objects.filter(pk=rows[second.pk].pk).update(score=Decimal("12"))

    # the office: the proposed list for the municipal stage, confirmed
    page.context.clear_cookies()
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(live_server.url + "/olympiads/registration/municipal/")
    expect(page.locator("#proposals-new")).to_contain_text("балл 34 ≥ проходного 30")
    expect(page.locator("#proposals-new")).not_to_contain_text("Бараев")
    assert_accessible(page)
    page.get_by_role("button", name="Добавить предложенных в список").click()
    expect(page.get_by_text("Добавлено в список предложенных: 1.")).to_be_visible()
    expect(page.locator("#proposals-pending")).to_contain_text("Алиева Зарема Ахмедовна")
    page.get_by_role("button", name="Подтвердить всех").click()
    expect(page.get_by_text("Подтверждено: 1.")).to_be_visible()
    expect(page.locator("#proposals-confirmed")).to_contain_text("Алиева Зарема Ахмедовна")
    proposed = Participation.objects.get(stage_subject=olympiad.municipal_math)
    assert proposed.confirmed and proposed.grade == 8 and proposed.student_id == first.pk
