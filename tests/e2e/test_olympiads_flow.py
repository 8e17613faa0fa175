"""The olympiad's acceptance path in a real browser (issue #7): the school admin registers the students, the
office issues the codes, the jury scores the works under codes only and the chair closes the scoring, the
office matches the codes, ranks, issues the diplomas and publishes; an anonymous visitor sees the public
results (a name only with the parents' consent) and checks a diploma.

Six students of grade 7 at school A: five perform grade 7, one performs grade 8. History at the school stage,
quotas 45 % / 20 % (the subject's own winners' share, overriding the stage's 5 %) / 50 %, rounding down: in
grade 7, 45 % of 5 = 2,25 → 2 awards and 20 % of 5 = 1 winner, so the best of grade 7 (25 of 30, more than
half) is the winner and the next (20) a prize-winner; grade 8 has one participant (45 % of 1 → 0 awards)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from imo.accounts.tests.factories import PASSWORD
from imo.olympiads.models import Certificate, OlympiadSubject, Participation, Stage, StageSubject
from imo.olympiads.ranking.engine import PRIZE_WINNER
from imo.olympiads.setup import services as setup
from imo.olympiads.students import services as students
from imo.orgs.tests.factories import District, make_district
from imo.reference.models import AcademicYear
from imo.staff.tests.factories import make_educator

pytestmark = pytest.mark.e2e

# surname, first name, patronymic, grade performed, task scores (of 10 each)
STUDENTS = (
    ("Алиева", "Зарема", "Ахмедовна", 7, ("9", "8", "8")),  # 25: the winner, publication allowed
    ("Бараев", "Ислам", "Русланович", 7, ("7", "7", "6")),  # 20: prize-winner, publication refused
    ("Висаитов", "Адам", "Магомедович", 7, ("6", "5", "5")),  # 16: outside the quota
    ("Гаева", "Луиза", "", 7, ("4", "3", "3")),  # 10: below 50 % of the maximum
    ("Дудаев", "Ахмед", "", 7, ("2", "2", "1")),  # 5
    ("Есиева", "Милана", "Алиевна", 8, ("8", "7", "7")),  # 22 in grade 8, alone: 0 awards
)


@pytest.fixture
def district(transactional_db: Any) -> District:
    return make_district()


def make_history(district: District) -> tuple[StageSubject, dict[str, Any]]:
    """A season with a school stage, History for grades 7–8 (tasks 10 + 10 + 10), a jury of one chair (the
    teacher user), the students of school A with two parents' statements and the teacher who prepared them."""
    methodist = district.user("methodist")
    year, _ = AcademicYear.objects.get_or_create(
        start_year=2026, defaults={"starts_on": dt.date(2026, 9, 1), "ends_on": dt.date(2027, 8, 31)}
    )
    season = setup.season_create(municipality=district.municipality, academic_year=year, by=methodist)
    stage = setup.stage_save(
        season=season,
        level=Stage.Level.SCHOOL,
        starts_on=dt.date(2026, 9, 20),
        ends_on=dt.date(2026, 10, 31),
        by=methodist,
    )
    stage_subject = setup.stage_subject_save(
        stage=stage,
        subject=OlympiadSubject.objects.get(name="История"),
        min_grade=7,
        max_grade=8,
        held_on=dt.date(2026, 10, 8),
        online=False,
        winners_share=Decimal(20),
        by=methodist,
    )
    tasks = [Decimal(10), Decimal(10), Decimal(10)]
    setup.grade_settings_save(
        stage_subject=stage_subject,
        rows=[setup.GradeRow(grade=7, task_max=tasks), setup.GradeRow(grade=8, task_max=tasks)],
        by=methodist,
    )
    chair = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Жюриева", first_name="Тамара"
    )
    chair.user = district.user("teacher_a")
    chair.save(update_fields=["user"])
    setup.jury_set(stage_subject=stage_subject, members=[(chair, True)], by=methodist)
    make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Петрова",
        first_name="Анна",
        patronymic="Ивановна",
    )
    created = {
        last: students.student_create(
            academic_year=year,
            school=district.school_a,
            last_name=last,
            first_name=first,
            patronymic=patronymic,
            grade=7,
            by=district.user("school_admin_a"),
        )
        for last, first, patronymic, _grade, _scores in STUDENTS
    }
    signed = dt.date(2026, 9, 1)
    for last, allowed in (("Алиева", True), ("Бараев", False)):
        students.consent_save(
            student=created[last], signed_on=signed, rules_accepted=True, publication_allowed=allowed
        )
    return StageSubject.objects.get(pk=stage_subject.pk), created


def test_registration_to_public_results(
    page: Page, live_server: Any, district: District, login: Any, assert_accessible: Any
) -> None:
    stage_subject, created = make_history(district)
    pk = stage_subject.pk
    base = live_server.url

    # 1. the school admin registers all six for History with their teacher; Есиева performs grade 8
    login(page, live_server, "zam_a", PASSWORD)
    page.goto(base + "/olympiads/registration/")
    page.get_by_label("Предмет").select_option(label="История (7–8 кл.)")
    page.get_by_role("button", name="Показать").click()
    expect(page.locator("#registration-students")).to_contain_text("Алиева Зарема Ахмедовна")
    assert_accessible(page)
    for student in created.values():
        page.locator(f"#check-{student.pk}").check()
    page.locator(f"#grade-{created['Есиева'].pk}").select_option("8")
    page.get_by_label("Подготовившие педагоги").select_option(label="Петрова Анна Ивановна")
    page.get_by_role("button", name="Зарегистрировать отмеченных").click()
    expect(page.get_by_text("Зарегистрировано: 6.")).to_be_visible()
    registered = Participation.objects.filter(stage_subject=stage_subject)
    grades = dict(registered.values_list("student_id", "grade"))
    assert grades == {s.pk: (8 if last == "Есиева" else 7) for last, s in created.items()}

    # 2. the office issues the codes
    page.context.clear_cookies()
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(base + f"/olympiads/jury/{pk}/office/")
    page.get_by_test_id("codes-issue").click()
    expect(page.get_by_text("работ: 6")).to_be_visible()
    codes = {
        p.student.last_name: p.work.code if p.work else ""
        for p in Participation.objects.filter(stage_subject=stage_subject).select_related("student", "work")
    }
    assert len(codes) == 6 and all(codes.values())

    # 3. the jury: «Мои предметы» → the grid (codes, never names); the chair scores and closes
    page.context.clear_cookies()
    login(page, live_server, "teacher_a", PASSWORD)
    page.goto(base + "/olympiads/jury/")
    expect(page.get_by_role("heading", name="Мои предметы")).to_be_visible()
    page.get_by_role("link", name="История").click()
    expect(page.get_by_role("heading", name="История: проверка работ")).to_be_visible()
    assert_accessible(page)
    for grade in (7, 8):
        page.get_by_role("link", name=f"{grade} класс").click()
        expect(page.get_by_role("link", name=f"{grade} класс")).to_have_attribute("aria-current", "page")
        main = page.locator("main").inner_text()
        for last, first, _patronymic, _grade, _scores in STUDENTS:
            assert last not in main and first not in main
        for last, _first, _patronymic, performed, scores in STUDENTS:
            if performed != grade:
                expect(page.get_by_test_id(f"work-{codes[last]}")).to_have_count(0)
                continue
            code = codes[last]
            expect(page.get_by_test_id(f"work-{code}")).to_be_visible()
            for task, score in enumerate(scores, start=1):
                page.get_by_test_id(f"score-{code}-{task}").fill(score)
                expect(page.get_by_test_id(f"status-{code}")).to_have_text("сохранено")
            total = sum(Decimal(s) for s in scores)
            expect(page.get_by_test_id(f"total-{code}")).to_have_text(str(total))
    page.get_by_test_id("close-scoring").click()
    expect(page.get_by_text("Проверка закрыта. Протокол передан")).to_be_visible()

    # 4. the office matches the codes and ranks
    page.context.clear_cookies()
    login(page, live_server, "methodist_user", PASSWORD)
    page.goto(base + f"/olympiads/jury/{pk}/office/")
    page.get_by_test_id("codes-match").click()
    expect(page.get_by_text("Протокол с фамилиями")).to_be_visible()
    page.goto(base + f"/olympiads/ranking/subject/{pk}/")
    expect(page.get_by_role("heading", name="Рейтинг: История")).to_be_visible()
    page.get_by_role("button", name="Пересчитать").click()
    table = page.locator("#ranking-table")
    expected = {
        "Алиева Зарема": "победитель",
        "Бараев Ислам": "призёр",
        "Висаитов Адам": "участник",
        "Гаева Луиза": "участник",
        "Дудаев Ахмед": "участник",
        "Есиева Милана": "участник",
    }
    for name, status in expected.items():
        expect(table.get_by_role("row").filter(has_text=name)).to_contain_text(status)
    assert_accessible(page)
    awarded = set(
        Participation.objects.filter(stage_subject=stage_subject, status=PRIZE_WINNER).values_list(
            "student__last_name", flat=True
        )
    )
    assert awarded == {"Бараев"}
    winners = Participation.objects.filter(stage_subject=stage_subject, status="winner")
    assert list(winners.values_list("student__last_name", flat=True)) == ["Алиева"]

    # 5. the diplomas (one PDF) and the publication
    page.goto(base + f"/olympiads/results/office/{pk}/")
    page.get_by_role("button", name="Выдать дипломы").click()
    expect(page.get_by_text("Выдано дипломов: 2.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Все дипломы одним файлом (PDF)").click()
    with open(download_info.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    page.get_by_role("button", name="Опубликовать результаты").click()
    expect(page.get_by_text("Результаты опубликованы.")).to_be_visible()
    assert_accessible(page)

    # 6. anonymous: the public results and a diploma's verification
    page.context.clear_cookies()
    page.goto(base + f"/olympiads/results/{pk}/")
    table = page.locator("#public-results")
    expect(table.get_by_role("row").filter(has_text="Алиева З. А.")).to_contain_text("победитель")
    hidden = Participation.objects.get(stage_subject=stage_subject, student=created["Бараев"])
    expect(table.get_by_role("row").filter(has_text=hidden.public_code)).to_contain_text("призёр")
    expect(table).not_to_contain_text("Бараев")
    expect(table).not_to_contain_text(codes["Алиева"])  # the jury's code never leaves the office
    assert_accessible(page)

    certificate = Certificate.objects.get(participation__student=created["Алиева"])
    page.goto(base + reverse("olympiads:certificate_check", args=[certificate.token]))
    expect(page.locator("#certificate-result")).to_contain_text(
        f"Диплом № {certificate.number} действителен: Алиева З. А., победитель, История"
    )
    assert_accessible(page)
