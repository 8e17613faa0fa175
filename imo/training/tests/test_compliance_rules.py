"""The three-year rule of the compliance page: the SQL statement against imo.training.counting."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from imo.staff.models import Educator, Employment
from imo.staff.tests.factories import make_educator, make_employment
from imo.training.compliance import selectors as sel
from imo.training.compliance.selectors import DUE_THIS_YEAR, FORECAST, LATER, OVERDUE, Filters
from imo.training.counting import add_years, due_on
from imo.training.models import CourseKind, CourseRecord, ProviderKind, TrainingSettings
from imo.training.tests.compliance_fixtures import add_course

ON = dt.date(2026, 11, 25)


def status_in_sql(user, educator, on=ON, paths=None):
    """The status the statement gives `educator` (None: not in the population)."""
    filters = Filters(on=on, paths=paths or ("",))
    for status in sel.STATUSES:
        rows = sel.compliance_summary(user=user, filters=filters, page_of=status).rows
        if any(row.educator_id == educator.pk for row in rows):
            return status
    return None


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "x")


@pytest.fixture
def teacher(district):
    return make_educator(
        municipality=district.municipality, school=district.school_a, teaching_experience_start=None
    )


# --- pure rules -----------------------------------------------------------------------------------------


def test_threshold_turns_due_comparisons_into_start_comparisons():
    start = dt.date(2019, 1, 1)
    for years in (1, 3, 4, 5):
        for step in range(0, 3 * 366, 7):
            target = start + dt.timedelta(days=step)
            limit = sel.threshold(target, years)
            for delta in range(-800, 800, 3):
                day = add_years(target, -years) + dt.timedelta(days=delta // 100)
                assert (add_years(day, years) < target) == (day < limit)
    # 29 February: the first day whose three years end on 01.03.2027 or later is 01.03.2024
    assert sel.threshold(dt.date(2027, 3, 1), 3) == dt.date(2024, 3, 1)
    assert add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)


@pytest.mark.parametrize(
    "due, status",
    [
        (None, OVERDUE),
        (ON - dt.timedelta(days=1), OVERDUE),
        (ON, DUE_THIS_YEAR),
        (dt.date(2027, 8, 31), DUE_THIS_YEAR),
        (dt.date(2027, 9, 1), FORECAST),
        (dt.date(2028, 8, 31), FORECAST),
        (dt.date(2028, 9, 1), LATER),
    ],
)
def test_status_of(due, status):
    assert sel.status_of(due, ON) == status


def test_academic_year_ends():
    assert sel.academic_year_end(dt.date(2026, 8, 31)) == dt.date(2026, 8, 31)
    assert sel.academic_year_end(dt.date(2026, 9, 1)) == dt.date(2027, 8, 31)
    assert sel.next_academic_year_end(ON) == dt.date(2028, 8, 31)


# --- boundaries in SQL ----------------------------------------------------------------------------------


def test_course_exactly_three_years_ago_is_due_today_not_overdue(admin, teacher):
    add_course(teacher, dt.date(2023, 11, 25))
    assert status_in_sql(admin, teacher) == DUE_THIS_YEAR
    assert status_in_sql(admin, teacher, on=dt.date(2026, 11, 26)) == OVERDUE


def test_one_day_more_is_overdue(admin, teacher):
    add_course(teacher, dt.date(2023, 11, 24))
    assert status_in_sql(admin, teacher) == OVERDUE
    row = sel.compliance_summary(user=admin, filters=Filters(ON, ("",)), page_of=OVERDUE).rows[0]
    assert row.last_course_end == dt.date(2023, 11, 24) and row.due == dt.date(2026, 11, 24)


def test_29_february(admin, teacher):
    add_course(teacher, dt.date(2024, 2, 29))  # due 28.02.2027
    assert status_in_sql(admin, teacher, on=dt.date(2027, 2, 28)) == DUE_THIS_YEAR
    assert status_in_sql(admin, teacher, on=dt.date(2027, 3, 1)) == OVERDUE
    assert sel.educator_due(educator=teacher, on=dt.date(2027, 2, 28)).due == dt.date(2027, 2, 28)


def test_academic_year_boundaries(admin, teacher):
    add_course(teacher, dt.date(2024, 8, 31))  # due 31.08.2027: this academic year
    assert status_in_sql(admin, teacher) == DUE_THIS_YEAR
    CourseRecord.objects.all().delete()
    add_course(teacher, dt.date(2024, 9, 1))  # due 01.09.2027: the next one
    assert status_in_sql(admin, teacher) == FORECAST
    add_course(teacher, dt.date(2025, 9, 1))  # due 01.09.2028: later
    assert status_in_sql(admin, teacher) == LATER


def test_retraining_counts(admin, teacher):
    add_course(teacher, dt.date(2025, 10, 20), kind=CourseKind.RETRAINING, hours=300)
    assert status_in_sql(admin, teacher) == LATER


@pytest.mark.parametrize(
    "status, provider_kind, ends_on",
    [
        (CourseRecord.Status.PENDING, ProviderKind.STATE, dt.date(2025, 5, 20)),
        (CourseRecord.Status.REJECTED, ProviderKind.STATE, dt.date(2025, 5, 20)),
        (CourseRecord.Status.CONFIRMED, ProviderKind.OTHER, dt.date(2025, 9, 1)),
    ],
)
def test_courses_that_do_not_count(admin, teacher, status, provider_kind, ends_on):
    add_course(teacher, dt.date(2021, 5, 20))
    add_course(teacher, ends_on, status=status, provider_kind=provider_kind)
    assert status_in_sql(admin, teacher) == OVERDUE
    due = sel.educator_due(educator=teacher, on=ON)
    assert due.last_course_end == dt.date(2021, 5, 20) and due.status == OVERDUE


def test_other_provider_before_the_cut_off_counts(admin, teacher):
    add_course(teacher, dt.date(2025, 8, 31), provider_kind=ProviderKind.OTHER)
    assert status_in_sql(admin, teacher) == FORECAST  # due 31.08.2028


def test_course_ending_after_the_date_does_not_count_yet(admin, teacher):
    add_course(teacher, dt.date(2021, 5, 20))
    add_course(teacher, dt.date(2026, 12, 1))
    assert status_in_sql(admin, teacher) == OVERDUE
    assert status_in_sql(admin, teacher, on=dt.date(2026, 12, 1)) == LATER


def test_newcomer_counts_from_the_start_of_teaching(admin, district):
    newcomer = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        teaching_experience_start=dt.date(2025, 9, 1),
    )
    assert status_in_sql(admin, newcomer) == LATER  # due 01.09.2028
    old_course = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        teaching_experience_start=dt.date(2024, 9, 1),
    )
    add_course(old_course, dt.date(2020, 3, 1))  # before they started teaching: the start counts
    assert status_in_sql(admin, old_course) == FORECAST


def test_no_data_is_overdue_with_unknown_due(admin, teacher):
    summary = sel.compliance_summary(user=admin, filters=Filters(ON, ("",)), page_of=OVERDUE)
    assert [(r.educator_id, r.due, r.last_course_end) for r in summary.rows] == [(teacher.pk, None, None)]
    assert summary.totals[OVERDUE] == 1 and summary.working == 1 and summary.coverage == 0.0
    assert sel.educator_due(educator=teacher).status == OVERDUE


def test_population_working_on_the_date_not_erased(admin, district, teacher):
    left = make_educator(municipality=district.municipality, school=district.school_a)
    Employment.objects.filter(educator=left).update(ends_on=dt.date(2026, 6, 30))
    future = make_educator(
        municipality=district.municipality, school=district.school_a, starts_on=dt.date(2027, 1, 1)
    )
    erased = make_educator(municipality=district.municipality, school=district.school_a)
    Educator.objects.filter(pk=erased.pk).update(erased_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    make_educator(municipality=district.municipality)  # no employment at all
    summary = sel.compliance_summary(user=admin, filters=Filters(ON, ("",)))
    assert summary.working == 1
    assert status_in_sql(admin, left, on=dt.date(2026, 6, 30)) == OVERDUE
    assert status_in_sql(admin, future) is None


# --- scope and filters ----------------------------------------------------------------------------------


def _people(district):
    a = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        subjects=("Математика",),
        last_name="Алиева",
    )
    b = make_educator(
        municipality=district.municipality,
        school=district.school_b,
        position="Педагог-психолог",
        last_name="Бисултанова",
    )
    return a, b


def test_school_admin_sees_only_own_school(district):
    a, _ = _people(district)
    user = district.user("school_admin_a")
    own = sel.user_filters(user=user, on=ON)
    summary = sel.compliance_summary(user=user, filters=own, page_of=OVERDUE)
    assert [r.educator_id for r in summary.rows] == [a.pk]
    assert [s.organization_id for s in summary.schools] == [district.school_a.pk]
    # even with the other school's path the statement counts only whom the user sees
    other = Filters(ON, (district.school_b.path,))
    assert sel.compliance_summary(user=user, filters=other, page_of=OVERDUE).rows == []
    assert sel.due_counts_by_school(user=user, by_date=dt.date(2027, 8, 31), on=ON) == {
        district.school_a.pk: 1
    }


def test_office_sees_both_and_filters(district):
    a, b = _people(district)
    user = district.user("methodist")
    whole = sel.user_filters(user=user, on=ON)
    assert sel.compliance_summary(user=user, filters=whole).working == 2
    math_id = Employment.objects.get(educator=a).subjects.get().pk
    psych_id = Employment.objects.get(educator=b).position_id
    rows = sel.compliance_summary(
        user=user, filters=Filters(ON, whole.paths, subject_id=math_id), page_of=OVERDUE
    ).rows
    assert [r.educator_id for r in rows] == [a.pk]
    rows = sel.compliance_summary(
        user=user, filters=Filters(ON, whole.paths, position_id=psych_id), page_of=OVERDUE
    ).rows
    assert [r.educator_id for r in rows] == [b.pk]
    rows = sel.compliance_summary(
        user=user, filters=Filters(ON, (district.school_b.path,)), page_of=OVERDUE
    ).rows
    assert [r.educator_id for r in rows] == [b.pk]
    assert sel.compliance_summary(user=district.user("teacher_a"), filters=whole).working == 0


def test_person_at_two_schools_counts_at_each(admin, district):
    a, _ = _people(district)
    make_employment(a, district.school_b, is_main=False)
    summary = sel.compliance_summary(user=admin, filters=Filters(ON, ("",)))
    assert summary.working == 2
    assert {s.organization_id: s.working for s in summary.schools} == {
        district.school_a.pk: 1,
        district.school_b.pk: 2,
    }


def test_name_order_and_sorts(admin, district):
    names = ["Жукова", "Ёлкина", "Елина", "Абаева"]
    people = {
        n: make_educator(municipality=district.municipality, school=district.school_a, last_name=n)
        for n in names
    }
    add_course(people["Жукова"], dt.date(2023, 1, 1))
    add_course(people["Абаева"], dt.date(2022, 1, 1))

    def order(sort):
        rows = sel.compliance_summary(user=admin, filters=Filters(ON, ("",)), page_of=OVERDUE, sort=sort).rows
        return [Educator.objects.get(pk=r.educator_id).last_name for r in rows]

    assert order("name") == ["Абаева", "Елина", "Ёлкина", "Жукова"]
    assert order("-name") == ["Жукова", "Ёлкина", "Елина", "Абаева"]
    assert order("due") == ["Елина", "Ёлкина", "Абаева", "Жукова"]  # unknown first
    assert order("-due") == ["Жукова", "Абаева", "Елина", "Ёлкина"]  # unknown last
    assert order("-last") == ["Жукова", "Абаева", "Елина", "Ёлкина"]
    page = sel.compliance_summary(
        user=admin, filters=Filters(ON, ("",)), page_of=OVERDUE, offset=1, limit=2
    ).rows
    assert [Educator.objects.get(pk=r.educator_id).last_name for r in page] == ["Елина", "Ёлкина"]


# --- against counting.due_on on random data ---------------------------------------------------------------


def test_statement_matches_counting_on_random_data(admin, district):
    rng = random.Random(6)
    settings = TrainingSettings.current()
    schools = [district.school_a, district.school_b]
    people = []
    for n in range(60):
        start = rng.choice([None, dt.date(2010, 9, 1) + dt.timedelta(days=rng.randrange(6000))])
        educator = make_educator(
            municipality=district.municipality,
            school=rng.choice(schools),
            teaching_experience_start=start,
            last_name=f"Тестова{n}",
        )
        for _ in range(rng.randrange(4)):
            add_course(
                educator,
                dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(3500)),
                status=rng.choice(list(CourseRecord.Status.values) + [CourseRecord.Status.CONFIRMED] * 3),
                provider_kind=rng.choice([ProviderKind.STATE, ProviderKind.OTHER]),
                kind=rng.choice(list(CourseKind.values)),
            )
        people.append(educator)
    for on in (ON, dt.date(2024, 2, 29), dt.date(2027, 3, 1), dt.date(2025, 8, 31)):
        expected: dict[int, tuple[str, dt.date | None]] = {}
        for educator in people:
            last = max(
                (r.ends_on for r in educator.course_records.all() if r.counts and r.ends_on <= on),
                default=None,
            )
            due = due_on(
                last_counting_end=last, teaching_start=educator.teaching_experience_start, settings=settings
            )
            expected[educator.pk] = (sel.status_of(due, on), due)
        got = {}
        summary = None
        for status in sel.STATUSES:
            summary = sel.compliance_summary(user=admin, filters=Filters(on, ("",)), page_of=status)
            got.update({row.educator_id: (status, row.due) for row in summary.rows})
            assert summary.totals[status] == sum(1 for s, _ in expected.values() if s == status)
        assert got == expected
        assert summary is not None and summary.working == len(people)
        by_date = sel.academic_year_end(on)
        due_by = sel.educators_due_by(user=admin, filters=Filters(on, ("",)), by_date=by_date)
        for school in schools:
            ids = set(Employment.objects.filter(organization=school).values_list("educator_id", flat=True))
            want = 0
            for pk in ids:
                due = expected[pk][1]
                want += due is None or due < by_date
            assert due_by.get(school.pk, 0) == want


# --- the reads for other parts --------------------------------------------------------------------------


def test_home_summary_and_due_counts(district):
    a, _ = _people(district)
    add_course(a, dt.date(2024, 3, 1))  # due 01.03.2027: this academic year
    user = district.user("head")
    assert sel.home_summary(user=user, on=ON) == {
        "working": 2,
        "overdue": 1,
        "due_this_year": 1,
        "forecast": 0,
        "coverage": 50.0,
    }
    assert sel.due_counts_by_school(user=user, by_date=dt.date(2027, 8, 31), on=ON) == {
        district.school_a.pk: 1,
        district.school_b.pk: 1,
    }
    assert sel.due_counts_by_school(user=user, by_date=dt.date(2027, 3, 2), on=ON) == {
        district.school_a.pk: 1,
        district.school_b.pk: 1,
    }
    # due on 01.03.2027 itself: not overdue by that day
    assert sel.due_counts_by_school(user=user, by_date=dt.date(2027, 3, 1), on=ON) == {
        district.school_b.pk: 1
    }
    assert sel.home_summary(user=district.user("no_role"), on=ON)["coverage"] is None
    due = sel.educator_due(educator=a, on=ON)
    assert (due.last_course_end, due.due, due.status) == (
        dt.date(2024, 3, 1),
        dt.date(2027, 3, 1),
        DUE_THIS_YEAR,
    )
    assert due.status_label == "Срок наступает в этом учебном году"


def test_rule_years_come_from_the_settings(admin, teacher):
    TrainingSettings.objects.create(pk=1, rule_years=5)
    add_course(teacher, dt.date(2022, 1, 10))  # due 10.01.2027 with five years
    assert status_in_sql(admin, teacher) == DUE_THIS_YEAR


def test_one_statement_whatever_the_number_of_people(admin, district):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings = TrainingSettings.current()

    def statements() -> int:
        with CaptureQueriesContext(connection) as ctx:
            sel.compliance_summary(
                user=admin, filters=Filters(ON, ("",)), page_of=OVERDUE, limit=5, settings=settings
            )
        return len([q for q in ctx.captured_queries if "WITH people" in q["sql"]])

    make_educator(municipality=district.municipality, school=district.school_a)
    assert statements() == 1
    for n in range(15):
        educator = make_educator(municipality=district.municipality, school=district.school_b)
        add_course(educator, dt.date(2021, 1, 1) + dt.timedelta(days=40 * n))
    assert statements() == 1
