"""The attestation schedule built from the due lists (issue #5, item 4): who lands in it, with which kind,
in which month (clamped into September–May), idempotent re-runs that keep manual changes, the manual
edits' validation, and the demo."""

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imo.attestation.models import (
    AttestationSettings,
    ConformityAttestation,
    QualificationCategory,
    ScheduleEntry,
)
from imo.attestation.schedule import demo, services
from imo.reference.services import academic_year_ensure
from imo.staff.models import Educator
from imo.staff.tests.factories import make_educator, make_employment

D = dt.date
START = D(2015, 9, 1)


@pytest.fixture
def year(db):
    return academic_year_ensure(on=D(2026, 9, 1))


def person(district, name, *, school=None, starts_on=START):
    return make_educator(
        municipality=district.municipality,
        school=school or district.school_a,
        last_name=name,
        starts_on=starts_on,
    )


def conformity(educator, on):
    return ConformityAttestation.objects.create(educator=educator, date=on)


def category(educator, kind, awarded_on, valid_until):
    return QualificationCategory.objects.create(
        educator=educator, kind=kind, awarded_on=awarded_on, valid_until=valid_until
    )


def lines(year):
    return {
        (e.educator.last_name, e.kind): e.planned_month
        for e in ScheduleEntry.objects.filter(academic_year=year).select_related("educator")
    }


# --- pure rules ---------------------------------------------------------------------------------------


def test_months_are_clamped_into_september_to_may(year):
    assert services.planning_bounds(year) == (D(2026, 9, 1), D(2027, 5, 1))
    assert services.clamp_month(D(2025, 3, 14), year) == D(2026, 9, 1)  # overdue → September
    assert services.clamp_month(D(2026, 12, 31), year) == D(2026, 12, 1)
    assert services.clamp_month(D(2027, 7, 15), year) == D(2027, 5, 1)  # summer → May
    assert len(services.year_months(year)) == 12


def test_conformity_month_is_when_five_years_run_out(year):
    month = services.conformity_month(
        year=year, last_conformity=D(2021, 12, 10), position_start=D(2015, 9, 1)
    )
    assert month == D(2026, 12, 1)
    # a later start in the position counts from the start
    month = services.conformity_month(
        year=year, last_conformity=D(2020, 1, 10), position_start=D(2021, 11, 3)
    )
    assert month == D(2026, 11, 1)
    # overdue or unknown: spread over September–December by the educator's id, the same on every run
    assert services.conformity_month(year=year, last_conformity=None, position_start=None) == D(2026, 9, 1)
    spread = {
        services.conformity_month(
            year=year, last_conformity=D(2019, 5, 1), position_start=None, educator_id=educator_id
        )
        for educator_id in range(1, 9)
    }
    assert spread == {D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1), D(2026, 12, 1)}


def test_category_month_is_three_months_before_expiry(year):
    assert services.category_month(year=year, valid_until=D(2027, 2, 20), months_before=3) == D(2026, 11, 1)
    assert services.category_month(year=year, valid_until=D(2026, 10, 15), months_before=3) == D(2026, 9, 1)
    assert services.category_month(year=year, valid_until=D(2027, 8, 20), months_before=3) == D(2027, 5, 1)


def test_month_label():
    assert services.month_label(D(2026, 10, 1)) == "октябрь 2026"


# --- building -----------------------------------------------------------------------------------------


@pytest.fixture
def staff(district):
    a = person(district, "Аттестуемая")  # last conformity 10.12.2021 → December
    conformity(a, D(2021, 12, 10))
    person(district, "Просроченная")  # in the post since 2015, never attested → overdue → September
    c = person(district, "Летняя")  # five years end 15.07.2027 → May
    conformity(c, D(2022, 7, 15))
    d = person(district, "Недавняя")  # attested in 2023: not due
    conformity(d, D(2023, 1, 10))
    person(district, "Новенькая", starts_on=D(2025, 9, 1))  # under two years in the post: not due
    e = person(district, "Перваякатегория")
    category(e, "first", D(2022, 2, 20), D(2027, 2, 20))  # → November, first
    f = person(district, "Высшаяосень")
    category(f, "highest", D(2021, 10, 15), D(2026, 10, 15))  # → July 2026 → September
    g = person(district, "Высшаялето")
    category(g, "highest", D(2022, 8, 20), D(2027, 8, 20))  # → May 2027
    h = person(district, "Бессрочная")
    category(h, "highest", D(2024, 3, 1), None)  # new order: no term, not due
    person(district, "Чужаяшкола", school=district.school_b)  # due, at school B
    return district


def overdue_month(district, last_name: str) -> D:
    """The first-term month an overdue educator is spread to (by id)."""
    educator = Educator.objects.get(last_name=last_name)
    return D(2026, 9 + educator.pk % services.OVERDUE_SPREAD_MONTHS, 1)


def test_build_lands_the_due_educators_with_kind_and_month(year, staff):
    summary = services.schedule_build(academic_year=year, organizations=[staff.school_a])
    assert lines(year) == {
        ("Аттестуемая", "conformity"): D(2026, 12, 1),
        ("Просроченная", "conformity"): overdue_month(staff, "Просроченная"),
        ("Летняя", "conformity"): D(2027, 5, 1),
        ("Перваякатегория", "first"): D(2026, 11, 1),
        ("Высшаяосень", "highest"): D(2026, 9, 1),
        ("Высшаялето", "highest"): D(2027, 5, 1),
    }
    assert summary == services.BuildSummary(added=6, kept=0)
    assert set(ScheduleEntry.objects.values_list("organization_id", flat=True)) == {staff.school_a.pk}


def test_build_for_the_district_covers_every_school(year, staff):
    services.schedule_build(academic_year=year, organizations=[staff.municipality])
    entry = ScheduleEntry.objects.get(educator__last_name="Чужаяшкола")
    assert entry.organization == staff.school_b and entry.kind == "conformity"
    assert ScheduleEntry.objects.count() == 7


def test_the_settings_months_before_expiry_are_used(year, staff):
    AttestationSettings.objects.create(pk=1, apply_months_before_expiry=2)
    services.schedule_build(academic_year=year, organizations=[staff.school_a])
    assert lines(year)[("Перваякатегория", "first")] == D(2026, 12, 1)


def test_rerun_adds_only_missing_lines_and_keeps_manual_changes(year, staff):
    services.schedule_build(academic_year=year, organizations=[staff.municipality])
    moved = ScheduleEntry.objects.get(educator__last_name="Аттестуемая")
    moved.planned_month, moved.note = D(2027, 3, 1), "Перенесено по заявлению"
    moved.save()
    ScheduleEntry.objects.get(educator__last_name="Летняя").delete()
    summary = services.schedule_build(academic_year=year, organizations=[staff.municipality])
    assert summary == services.BuildSummary(added=1, kept=6)
    moved.refresh_from_db()
    assert moved.planned_month == D(2027, 3, 1) and moved.note == "Перенесено по заявлению"
    assert ScheduleEntry.objects.count() == 7
    again = services.schedule_build(academic_year=year, organizations=[staff.municipality])
    assert again == services.BuildSummary(added=0, kept=7) and ScheduleEntry.objects.count() == 7


def test_organisation_is_the_main_employment(year, district):
    both = person(district, "Совместительница", school=district.school_b)
    make_employment(both, district.school_a, is_main=False, starts_on=D(2010, 9, 1))
    services.schedule_build(academic_year=year, organizations=[district.municipality])
    assert ScheduleEntry.objects.get(educator=both).organization == district.school_b


def test_build_sees_only_what_the_user_sees(year, staff):
    services.schedule_build(
        academic_year=year, organizations=[staff.municipality], by=staff.user("school_admin_b")
    )
    assert list(ScheduleEntry.objects.values_list("educator__last_name", flat=True)) == ["Чужаяшкола"]


def test_build_runs_a_fixed_number_of_queries(year, district):
    def run():
        with CaptureQueriesContext(connection) as queries:
            services.schedule_build(academic_year=year, organizations=[district.municipality])
        ScheduleEntry.objects.all().delete()
        return len(queries)

    for n in range(3):
        person(district, f"Первая{n}")
    small = run()
    for n in range(40):
        person(district, f"Вторая{n}")
    assert run() == small


# --- manual edits ---------------------------------------------------------------------------------------


def test_entry_save_adds_a_line_at_the_educators_school(year, district):
    teacher = person(district, "Ручная")
    entry = services.entry_save(
        academic_year=year,
        educator=teacher,
        kind="highest",
        planned_month=D(2027, 2, 14),
        note="  по заявлению  ",
        by=district.user("methodist"),
    )
    assert entry.organization == district.school_a
    assert entry.planned_month == D(2027, 2, 1) and entry.note == "по заявлению"


def test_month_must_be_inside_the_year(year, district):
    teacher = person(district, "Ручная")
    with pytest.raises(ValidationError) as error:
        services.entry_save(
            academic_year=year,
            educator=teacher,
            kind="highest",
            planned_month=D(2027, 9, 1),
            by=district.user("methodist"),
        )
    assert error.value.message_dict["planned_month"] == [
        "Месяц должен входить в 2026/2027 учебный год: с сентябрь 2026 по август 2027."
    ]


def test_educator_must_be_in_the_users_scope(year, district):
    other = person(district, "Чужая", school=district.school_b)
    with pytest.raises(ValidationError) as error:
        services.entry_save(
            academic_year=year,
            educator=other,
            kind="first",
            planned_month=D(2026, 10, 1),
            by=district.user("school_admin_a"),
        )
    assert error.value.message_dict["educator"] == [services.MSG_EDUCATOR_OUTSIDE]


def test_the_same_kind_once_a_year(year, district):
    teacher = person(district, "Двойная")
    args = {"academic_year": year, "educator": teacher, "kind": "first", "by": district.user("head")}
    services.entry_save(planned_month=D(2026, 10, 1), **args)
    with pytest.raises(ValidationError) as error:
        services.entry_save(planned_month=D(2026, 11, 1), **args)
    assert (
        "Этот педагог уже есть в графике на этот учебный год с тем же видом аттестации."
        in error.value.messages
    )
    services.entry_save(planned_month=D(2026, 11, 1), **{**args, "kind": "highest"})  # another kind: fine


def test_entry_delete(year, district):
    teacher = person(district, "Удаляемая")
    entry = services.entry_save(
        academic_year=year,
        educator=teacher,
        kind="first",
        planned_month=D(2026, 10, 1),
        by=district.user("head"),
    )
    services.entry_delete(entry=entry, by=district.user("head"))
    assert not ScheduleEntry.objects.exists()


# --- demo -----------------------------------------------------------------------------------------------


def test_demo_builds_the_current_year_with_a_few_moves(district):
    from imo.attestation import demo as history_demo

    today = D(2026, 11, 25)
    for _ in range(120):
        make_educator(municipality=district.municipality, school=district.school_a, starts_on=D(2012, 9, 1))
    history_demo.seed(rng=random.Random(7), today=today)
    result = demo.seed(rng=random.Random(7), today=today)
    entries = list(ScheduleEntry.objects.all())
    assert result.added == len(entries) > 10 and 1 <= result.moved < len(entries)
    assert {e.academic_year.start_year for e in entries} == {2026}
    assert sum(1 for e in entries if e.note) == result.moved
    first, last = D(2026, 9, 1), D(2027, 5, 1)
    assert all(first <= e.planned_month <= last and e.planned_month.day == 1 for e in entries)
    assert {e.kind for e in entries} >= {"conformity", "highest"}
