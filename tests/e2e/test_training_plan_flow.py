"""The acceptance path of issue #6 in a real browser: plan → nomination → import → plan vs done.

A plan with a line is open for nominations; the school admin nominates two teachers; the head approves
them and the plan, opens «Загрузить список слушателей» on the line, uploads the provider's list (built here
with openpyxl) against that line, and the plan shows both nominees as done, and a third teacher who took
the course without a nomination."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.orgs.tests.factories import District, make_district
from imo.reference.services import academic_year_ensure
from imo.staff.tests.factories import make_educator, snils_with_check
from imo.training.models import CourseRecord, PlanLine, PlanQuota, TrainingPlan
from imo.training.tests.plans_fixtures import make_provider

TITLE = "Формирование функциональной грамотности обучающихся"
HEADER = [
    "ФИО",
    "СНИЛС",
    "Школа",
    "Программа",
    "Вид",
    "Часов",
    "Дата начала",
    "Дата окончания",
    "Номер документа",
]


@pytest.fixture
def district(transactional_db) -> District:
    return make_district()


def _people(district: District) -> list:
    names = [
        ("Абдулаева", "Малика", "612233441"),
        ("Бисултанова", "Хеда", "612233442"),
        ("Вахаева", "Зара", "612233443"),
    ]
    return [
        make_educator(
            municipality=district.municipality,
            school=district.school_a,
            last_name=last,
            first_name=first,
            patronymic="Ахмедовна",
            snils=snils_with_check(body),
        )
        for last, first, body in names
    ]


def _provider_list(path, people, ends_on: dt.date) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n, person in enumerate(people, start=1):
        sheet.append(
            [
                person.full_name,
                person.snils,
                "СОШ № 1 г. Курчалой",
                TITLE,
                "ПК",
                36,
                ends_on - dt.timedelta(days=11),
                ends_on,
                f"ПК-2026-{n:03d}",
            ]
        )
    book.save(path)


def test_plan_nomination_import_plan_vs_done(
    page: Page, live_server, district, login, assert_accessible, tmp_path
):
    today = dt.date.today()
    year = academic_year_ensure(on=today)
    provider = make_provider()
    plan = TrainingPlan.objects.create(
        municipality=district.municipality,
        academic_year=year,
        status=TrainingPlan.Status.NOMINATING,
        nominations_until=today + dt.timedelta(days=10),
    )
    line = PlanLine.objects.create(
        plan=plan,
        topic=TITLE,
        provider=provider,
        hours=36,
        starts_on=today - dt.timedelta(days=20),
        ends_on=today - dt.timedelta(days=9),
    )
    PlanQuota.objects.create(line=line, school=district.school_a, places=2)
    first, second, third = _people(district)

    # the school admin nominates two teachers
    login(page, live_server, "zam_a", PASSWORD)
    for person in (first, second):
        page.goto(live_server.url + f"/training/plans/{plan.pk}/")
        row = page.locator(f"#line-{line.pk}").get_by_role("row").filter(has_text="СОШ № 1 г. Курчалой")
        row.get_by_role("link", name="Выдвинуть").click()
        page.get_by_role("combobox", name="Педагог").select_option(label=person.full_name)
        page.get_by_role("button", name="Выдвинуть").click()
        expect(page.get_by_text(f"Педагог выдвинут: {person.full_name}.")).to_be_visible()
    expect(page.locator(f"#line-{line.pk}")).to_contain_text("Мест: 2, выдвинуто: 2")
    expect(page.locator(f"#line-{line.pk}").get_by_role("link", name="Выдвинуть")).to_have_count(0)

    # the head approves them and the plan, then loads the provider's list against the line
    page.context.clear_cookies()
    login(page, live_server, "head_user", PASSWORD)
    page.goto(live_server.url + f"/training/plans/{plan.pk}/")
    page.get_by_role("button", name="Утвердить всех выдвинутых").click()
    expect(page.get_by_text("Утверждено кандидатов: 2.")).to_be_visible()
    page.get_by_role("button", name="Утвердить план").click()
    expect(page.get_by_text("План утверждён.")).to_be_visible()
    page.locator(f"#line-{line.pk}").get_by_role("link", name="Загрузить список слушателей").click()
    expect(page.get_by_label("Строка плана повышения квалификации")).to_have_value(str(line.pk))
    expect(page.get_by_label("Организация повышения квалификации")).to_have_value(str(provider.pk))
    path = tmp_path / "слушатели.xlsx"
    _provider_list(path, [first, second, third], today - dt.timedelta(days=9))
    page.get_by_label("Файл").set_input_files(str(path))
    page.get_by_role("button", name="Проверить файл").click()
    page.get_by_role("button", name="Загрузить", exact=True).click()
    expect(page.get_by_test_id("import-result")).to_contain_text("Добавлено: 3")
    assert CourseRecord.objects.filter(plan_line=line).count() == 3

    # plan vs done
    page.goto(live_server.url + f"/training/plans/{plan.pk}/progress/")
    expect(page.get_by_role("heading", name="План и выполнение")).to_be_visible()
    done = f"прошёл(а) обучение {today - dt.timedelta(days=9):%d.%m.%Y}"
    people = page.locator(f"#progress-line-{line.pk} .progress-person")
    expect(people.filter(has_text=first.full_name)).to_contain_text(done)
    expect(people.filter(has_text=second.full_name)).to_contain_text(done)
    expect(people.filter(has_text=third.full_name)).to_contain_text("без выдвижения")
    expect(page.locator("#progress-totals")).to_contain_text(
        "мест 2, выдвинуто 2, утверждено 2, прошли обучение 3"
    )
    assert_accessible(page)
