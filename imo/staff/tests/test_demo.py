"""The educators' demo data: realistic shares, valid identifiers, planted duplicates, determinism.

A reduced count keeps the test fast; the shares are checked with tolerances wide enough for a few
hundred people.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest

from imo.core.identifiers import snils_is_valid
from imo.orgs.demo import DemoOrganizations
from imo.staff.demo import DemoStaff, seed
from imo.staff.experience import add_years, full_years, is_early_career
from imo.staff.models import Award, Consent, EducationRecord, Educator, Employment
from imo.staff.selectors import active_on, duplicates_of, educator_of_user

TODAY = dt.date(2026, 3, 1)
COUNT = 400


def _seed(district, seed_value: int = 2026, count: int = COUNT) -> DemoStaff:
    orgs = DemoOrganizations(district.region, district.municipality, [district.school_a, district.school_b])
    return seed(rng=random.Random(seed_value), orgs=orgs, today=TODAY, district_count=count)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@pytest.fixture
def seeded(district):
    return district, _seed(district)


def test_counts_and_people(seeded):
    district, staff = seeded
    educators = list(Educator.objects.all())
    assert staff.educators == len(educators)
    assert COUNT <= len(educators) <= COUNT * 1.05  # plus the planted duplicates
    assert {e.municipality_id for e in educators} == {district.municipality.pk}
    women = sum(1 for e in educators if e.sex == Educator.Sex.FEMALE)
    assert 0.72 <= _share(women, len(educators)) <= 0.88
    for educator in educators:
        assert educator.birth_date is not None
        assert 22 <= (full_years(educator.birth_date, TODAY) or 0) <= 70
        assert educator.name_key and educator.search_text  # derived fields are set for bulk rows too
        teaching = educator.teaching_experience_start
        if teaching is not None:
            assert teaching >= add_years(educator.birth_date, 19)
            assert teaching <= TODAY
        if educator.total_experience_start is not None and teaching is not None:
            assert educator.total_experience_start <= teaching  # total experience at least as long
    early = sum(1 for e in educators if is_early_career(e.teaching_experience_start, TODAY))
    assert 0.05 <= _share(early, len(educators)) <= 0.16


def test_identifiers_valid_unique_and_a_few_missing(seeded):
    _, staff = seeded
    numbers = list(Educator.objects.values_list("snils", flat=True))
    given = [number for number in numbers if number]
    assert all(snils_is_valid(number) for number in given)
    assert len(given) == len(set(given))
    duplicates = {copy for _, copy in staff.duplicates}
    missing = Educator.objects.filter(snils="").exclude(pk__in=duplicates).count()
    assert 1 <= missing <= 0.05 * len(numbers)  # a few records without СНИЛС, besides the planted copies
    for educator in Educator.objects.exclude(inn="").exclude(email="")[:20]:
        educator.full_clean(exclude=["user", "municipality"])  # ИНН, e-mail and the rest pass validation


def test_employments(seeded):
    district, _ = seeded
    schools = {district.school_a.pk, district.school_b.pk}
    employments = list(Employment.objects.select_related("position").prefetch_related("subjects"))
    assert {e.organization_id for e in employments} == schools
    current = [e for e in employments if e.ends_on is None]
    for employment in employments:
        if employment.weekly_hours is not None:
            assert 9 <= employment.weekly_hours <= 36
        if employment.ends_on is not None:
            assert employment.end_reason
            assert employment.starts_on is None or employment.starts_on <= employment.ends_on
    positions = Counter(e.position.name for e in current)
    assert positions.most_common(1)[0][0] == "Учитель"
    assert {"Учитель начальных классов", "Директор", "Педагог-психолог"} <= positions.keys()
    teachers = [e for e in current if e.position.name == "Учитель"]
    assert all(1 <= len(e.subjects.all()) <= 2 for e in teachers)

    by_educator: dict[int, list[Employment]] = {}
    for employment in employments:
        by_educator.setdefault(employment.educator_id, []).append(employment)
    people = len(by_educator)
    part_timers = [
        jobs for jobs in by_educator.values() if any(not j.is_main and j.ends_on is None for j in jobs)
    ]
    assert 0.02 <= _share(len(part_timers), people) <= 0.09
    for jobs in part_timers:  # the second employment is in another school than the main one
        main = next(j for j in jobs if j.is_main and j.ends_on is None)
        second = next(j for j in jobs if not j.is_main)
        assert main.organization_id != second.organization_id
    left = [jobs for jobs in by_educator.values() if all(j.ends_on is not None for j in jobs)]
    assert 0.01 <= _share(len(left), people) <= 0.06
    transferred = [
        jobs
        for jobs in by_educator.values()
        if any(j.ends_on is not None for j in jobs) and any(j.ends_on is None and j.is_main for j in jobs)
    ]
    assert transferred
    for jobs in transferred:
        ended = next(j for j in jobs if j.ends_on is not None)
        new = next(j for j in jobs if j.ends_on is None and j.is_main)
        assert ended.organization_id != new.organization_id
        assert new.starts_on is not None and ended.ends_on is not None and new.starts_on > ended.ends_on
    assert Employment.objects.filter(active_on(TODAY)).values("educator").distinct().count() >= 0.95 * people


@pytest.mark.usefixtures("seeded")
def test_education_awards_consents():
    people = Educator.objects.count()
    first = {
        record.educator_id: record for record in EducationRecord.objects.order_by("-graduation_year", "-pk")
    }
    levels = Counter((r.level, r.is_pedagogical) for r in first.values())
    higher_pedagogical = levels[(EducationRecord.Level.HIGHER, True)]
    assert _share(higher_pedagogical, len(first)) >= 0.6
    assert levels[(EducationRecord.Level.SECONDARY_VOCATIONAL, True)] > 0
    two = Counter(EducationRecord.objects.values_list("educator_id", flat=True))
    assert any(count == 2 for count in two.values())
    awarded = Award.objects.values("educator").distinct().count()
    assert 0.08 <= _share(awarded, people) <= 0.22
    assert len(set(Award.objects.values_list("kind", flat=True))) >= 4
    consented = Consent.objects.filter(purpose=Consent.Purpose.PROCESSING).values("educator").distinct()
    assert _share(consented.count(), people) >= 0.85


def test_planted_duplicates_are_found(seeded):
    _, staff = seeded
    assert len(staff.duplicates) >= 2
    for original_pk, copy_pk in staff.duplicates:
        original = Educator.objects.get(pk=original_pk)
        copy = Educator.objects.get(pk=copy_pk)
        assert original.snils and not copy.snils
        assert (copy.name_key, copy.birth_date) == (original.name_key, original.birth_date)
        assert original in duplicates_of(educator=copy)
        assert copy in duplicates_of(educator=original)


def test_demo_teacher_account_has_its_record(seeded):
    district, staff = seeded
    teacher = district.user("teacher_a")
    educator = educator_of_user(teacher)
    assert educator is not None and staff.linked_users == 1
    assert (educator.last_name, educator.first_name) == (teacher.last_name, teacher.first_name)
    assert educator.snils
    assert Employment.objects.filter(
        active_on(TODAY), educator=educator, organization=district.school_a, is_main=True
    ).exists()


def _signature() -> list[tuple[object, ...]]:
    return [
        (e.last_name, e.first_name, e.patronymic, e.sex, e.birth_date, e.snils, e.teaching_experience_start)
        for e in Educator.objects.order_by("pk")
    ] + [
        (e.organization_id, e.position_id, e.is_main, e.starts_on, e.ends_on, e.weekly_hours)
        for e in Employment.objects.order_by("pk")
    ]


def test_deterministic_with_the_same_seed(district):
    _seed(district, 11, count=100)
    first = _signature()
    Educator.objects.all().delete()
    _seed(district, 11, count=100)
    assert _signature() == first
    Educator.objects.all().delete()
    _seed(district, 12, count=100)
    assert _signature() != first
