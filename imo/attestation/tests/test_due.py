import datetime as dt

import pytest

from imo.attestation import due
from imo.attestation.models import ConformityAttestation, Exemption, QualificationCategory
from imo.staff.tests.factories import make_educator

ON = dt.date(2026, 11, 25)
Kind = QualificationCategory.Kind


@pytest.fixture
def office(district):
    return district.user("head")


def person(district, *, school=None, starts_on=dt.date(2010, 9, 1), **data):
    return make_educator(
        municipality=district.municipality, school=school or district.school_a, starts_on=starts_on, **data
    )


def category(educator, kind, awarded_on, valid_until="default"):
    from imo.attestation.models import default_valid_until

    until = default_valid_until(awarded_on) if valid_until == "default" else valid_until
    return QualificationCategory.objects.create(
        educator=educator, kind=kind, awarded_on=awarded_on, valid_until=until
    )


def keys(user, key, **kwargs):
    return set(due.due_list(key, user=user, on=kwargs.pop("on", ON), **kwargs).values_list("pk", flat=True))


def test_conformity_due_list(district, office):
    long_ago = person(district)
    recent = person(district)
    ConformityAttestation.objects.create(educator=recent, date=dt.date(2024, 3, 1))
    ends_this_year = person(district)
    ConformityAttestation.objects.create(educator=ends_this_year, date=dt.date(2022, 6, 1))
    new_in_post = person(district, starts_on=dt.date(2025, 9, 1))
    four_years = person(district, starts_on=dt.date(2022, 11, 1))
    unknown = person(district, starts_on=None)
    assert keys(office, "conformity") == {long_ago.pk, ends_this_year.pk}
    assert new_in_post.pk not in keys(office, "conformity") and four_years.pk not in keys(
        office, "conformity"
    )
    assert unknown.pk not in keys(office, "conformity")


@pytest.mark.parametrize("basis", [b.value for b in Exemption.Basis])
def test_each_exemption_removes_from_conformity_until_its_date(district, office, basis):
    educator = person(district)
    Exemption.objects.create(educator=educator, basis=basis, until=ON)
    assert educator.pk not in keys(office, "conformity")
    assert educator.pk in keys(office, "conformity", on=ON + dt.timedelta(days=1))


def test_category_holders_are_not_due_for_conformity(district, office):
    holder = person(district)
    category(holder, Kind.FIRST, dt.date(2024, 1, 10))  # no term: awarded after 01.09.2023
    old_holder = person(district)
    category(old_holder, Kind.HIGHEST, dt.date(2022, 5, 1))  # valid to 01.05.2027
    lapsed_holder = person(district)
    category(lapsed_holder, Kind.FIRST, dt.date(2020, 5, 1))  # ended 01.05.2025
    assert keys(office, "conformity") == {lapsed_holder.pk}


def test_the_1_september_2023_change_in_expiring_and_lapsed(district, office):
    before = person(district)
    category(before, Kind.HIGHEST, dt.date(2023, 8, 31))  # until 31.08.2028
    after = person(district)
    category(after, Kind.HIGHEST, dt.date(2023, 9, 1))  # no term
    on = dt.date(2028, 6, 1)
    assert keys(office, "expiring", on=on, months=3) == {before.pk}
    assert keys(office, "expiring", on=on, months=12) == {before.pk}
    assert keys(office, "lapsed", on=dt.date(2028, 9, 1)) == {before.pk}
    assert after.pk not in keys(office, "lapsed", on=dt.date(2040, 1, 1))


def test_expiring_horizons(district, office):
    soon, mid, late, far = (person(district) for _ in range(4))
    category(soon, Kind.FIRST, dt.date(2022, 1, 10))  # 10.01.2027
    category(mid, Kind.FIRST, dt.date(2022, 4, 10))  # 10.04.2027
    category(late, Kind.FIRST, dt.date(2022, 10, 10))  # 10.10.2027
    category(far, Kind.FIRST, dt.date(2023, 2, 1))  # 01.02.2028
    assert keys(office, "expiring", months=3) == {soon.pk}
    assert keys(office, "expiring", months=6) == {soon.pk, mid.pk}
    assert keys(office, "expiring", months=12) == {soon.pk, mid.pk, late.pk}


def test_lapsed_unless_a_newer_category(district, office):
    lapsed_one = person(district)
    category(lapsed_one, Kind.FIRST, dt.date(2019, 1, 10))
    renewed = person(district)
    category(renewed, Kind.FIRST, dt.date(2019, 1, 10))
    category(renewed, Kind.HIGHEST, dt.date(2024, 2, 1))
    assert keys(office, "lapsed") == {lapsed_one.pk}


def test_who_may_apply(district, office):
    plain = person(district)
    highest = person(district)
    category(highest, Kind.HIGHEST, dt.date(2024, 2, 1))
    methodist = person(district)
    category(methodist, Kind.HIGHEST, dt.date(2024, 2, 1))
    category(methodist, Kind.METHODIST, dt.date(2025, 2, 1))
    expired_highest = person(district)
    category(expired_highest, Kind.HIGHEST, dt.date(2020, 2, 1))
    assert keys(office, "highest") == {plain.pk, expired_highest.pk}
    assert keys(office, "methodist") == {highest.pk}
    assert keys(office, "mentor") == {highest.pk, methodist.pk}


def test_scope_and_counts_per_school(district, office):
    a = person(district)
    b = person(district, school=district.school_b)
    assert keys(office, "conformity") == {a.pk, b.pk}
    assert keys(office, "conformity", paths=(district.school_b.path,)) == {b.pk}
    assert keys(district.user("school_admin_a"), "conformity") == {a.pk}
    counts = due.counts_per_school("conformity", user=office, on=ON)
    assert sorted(row["count"] for row in counts) == [1, 1]
    assert due.list_counts(user=office, on=ON)["conformity"] == 2


def test_left_educators_are_not_listed(district, office):
    from imo.staff.services import employment_end

    gone = person(district)
    employment_end(employment=gone.employments.get(), ends_on=dt.date(2026, 1, 1), reason="Увольнение")
    assert gone.pk not in keys(office, "conformity")


def test_summary_and_page_ids_agree_with_the_conditions(district, office):
    """The page's one-statement summary follows the same rules as the lists (and the export)."""
    rng = __import__("random").Random(5)
    starts = [dt.date(2010, 9, 1), dt.date(2021, 3, 1), dt.date(2025, 9, 1), None]
    for n in range(40):
        educator = person(
            district, school=rng.choice([district.school_a, district.school_b]), starts_on=starts[n % 4]
        )
        if n % 3 == 0:
            ConformityAttestation.objects.create(educator=educator, date=dt.date(2019 + n % 6, 5, 1))
        if n % 5 == 0:
            Exemption.objects.create(educator=educator, basis="other", until=ON + dt.timedelta(days=n - 20))
        if n % 2 == 0:
            kind = Kind.HIGHEST if n % 4 == 0 else Kind.FIRST
            category(educator, kind, dt.date(2020 + n % 5, 1 + n % 12, 10))
            if kind == Kind.HIGHEST and n % 8 == 0:
                category(educator, Kind.MENTOR, dt.date(2025, 2, 1))
    for user in (office, district.user("school_admin_b")):
        for months in due.HORIZONS:
            summary = due.due_summary(user=user, on=ON, months=months)
            for key in due.FLAG_KEYS:
                expected = list(
                    due.due_list(key, user=user, on=ON, months=months).values_list("pk", flat=True)
                )
                assert summary.totals[key] == len(expected), key
                assert sum(s.counts[key] for s in summary.schools) == len(expected), key
                ids = due.due_page_ids(key, user=user, on=ON, months=months, offset=0, limit=1000)
                paged = due.due_summary(user=user, on=ON, months=months, page_of=key, offset=2, limit=5)
                assert paged.page_ids == ids[2:7], key
                assert ids == expected if key != "expiring" else set(ids) == set(expected), key
    assert due.list_counts(user=office, on=ON) == due.due_summary(user=office, on=ON).totals
    school_b = due.due_summary(user=office, on=ON, paths=(district.school_b.path,))
    assert [s.organization_id for s in school_b.schools] == [district.school_b.pk]
