"""Who sees which educator (404 outside scope), and the writes every page relies on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from imo.accounts.tests.factories import UserFactory
from imo.orgs.models import Organization, Role
from imo.orgs.tests.factories import make_organization, make_user_with_role
from imo.staff.models import Educator, Employment
from imo.staff.selectors import duplicates_of, educator_get_for, educators_visible_to
from imo.staff.services import (
    educator_create,
    educator_link_user,
    educator_transfer,
    educator_update,
    employment_end,
)
from imo.staff.tests.factories import make_educator, make_employment, snils_with_check


@pytest.fixture
def people(district):
    a = make_educator(municipality=district.municipality, school=district.school_a, last_name="Алиева")
    b = make_educator(municipality=district.municipality, school=district.school_b, last_name="Бисаева")
    left = make_educator(municipality=district.municipality, school=district.school_a, last_name="Ушедшая")
    employment_end(employment=left.employments.get(), ends_on=dt.date(2020, 6, 30), reason="Увольнение")
    educator_link_user(educator=a, user=district.user("teacher_a"))
    return {"a": a, "b": b, "left": left}


def _visible(user):
    return set(educators_visible_to(user=user).values_list("last_name", flat=True))


def test_office_sees_the_whole_district_including_those_who_left(district, people):
    for key in ("head", "methodist", "secretary", "observer", "admin"):
        assert _visible(district.user(key)) == {"Алиева", "Бисаева", "Ушедшая"}


def test_school_admin_sees_current_staff_of_their_school_only(district, people):
    assert _visible(district.user("school_admin_a")) == {"Алиева"}
    assert _visible(district.user("school_admin_b")) == {"Бисаева"}


def test_teacher_sees_only_their_own_record(district, people):
    assert _visible(district.user("teacher_a")) == {"Алиева"}
    assert _visible(district.user("no_role")) == set()


def test_office_staff_see_their_own_record_wherever_it_lies(district, people):
    """Their own record is in their list even when it belongs to another district's database (the scope
    drops "or their own record" only when the record is already in it)."""
    elsewhere = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, name="Шалинский район"
    )
    far_school = make_organization(parent=elsewhere, name="МБОУ «СОШ № 1 г. Шали»")
    make_educator(municipality=elsewhere, school=far_school, last_name="Чужая")
    own = make_educator(municipality=elsewhere, school=far_school, last_name="Своя")
    methodist = district.user("methodist")
    assert "Своя" not in _visible(methodist)
    educator_link_user(educator=own, user=methodist)
    assert _visible(methodist) == {"Алиева", "Бисаева", "Ушедшая", "Своя"}
    # own record inside the district: listed once, with the rest
    Educator.objects.filter(pk=own.pk).update(municipality=district.municipality)
    rows = list(educators_visible_to(user=methodist).values_list("last_name", flat=True))
    assert sorted(rows) == ["Алиева", "Бисаева", "Своя", "Ушедшая"]
    # a school admin's own record at another school
    admin = district.user("school_admin_a")
    Educator.objects.filter(pk=own.pk).update(user=admin)
    assert _visible(admin) == {"Алиева", "Своя"}


def test_another_schools_educator_answers_404(district, people):
    with pytest.raises(Http404):
        educator_get_for(user=district.user("school_admin_a"), pk=people["b"].pk)
    assert educator_get_for(user=district.user("school_admin_b"), pk=people["b"].pk) == people["b"]


def _found_by_get_for(user, pk):
    try:
        educator_get_for(user=user, pk=pk)
    except Http404:
        return False
    except PermissionDenied:  # seen, but without the right asked
        return True
    return True


def test_the_card_lookup_sees_exactly_the_rows_the_list_sees(district, people):
    """educator_get_for decides one row's visibility in Python; it must agree with educators_visible_to's
    statement for every kind of user and row: own record, office, school admin, another district, a post
    not yet begun, an erased record, a superuser, an inactive or anonymous user."""
    elsewhere = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, name="Шалинский район"
    )
    far_school = make_organization(parent=elsewhere, name="МБОУ «СОШ № 1 г. Шали»")
    stranger = make_educator(municipality=elsewhere, school=far_school, last_name="Чужая")
    far_head = make_user_with_role(Role.HEAD, elsewhere, username="head_far")
    far_admin = make_user_with_role(Role.SCHOOL_ADMIN, far_school, username="zam_far")
    future = make_educator(municipality=district.municipality, school=district.school_b, last_name="Будущая")
    Employment.objects.filter(educator=future).update(starts_on=dt.date.today() + dt.timedelta(days=30))
    erased = make_educator(municipality=district.municipality, school=district.school_a, last_name="Стёртая")
    Educator.objects.filter(pk=erased.pk).update(erased_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    inactive = make_user_with_role(Role.SCHOOL_ADMIN, district.school_a, username="zam_gone", is_active=False)
    superuser = UserFactory(username="root_user", is_superuser=True)
    users = [*district.users.values(), far_head, far_admin, inactive, superuser, AnonymousUser()]
    rows = [*people.values(), stranger, future, erased]
    for user in users:
        visible = set(educators_visible_to(user=user).values_list("pk", flat=True))
        for row in rows:
            assert _found_by_get_for(user, row.pk) == (row.pk in visible), (user, row.last_name)
    # the cases above are not all alike: each answer occurs
    assert _found_by_get_for(district.user("school_admin_b"), people["b"].pk)
    assert not _found_by_get_for(district.user("school_admin_b"), future.pk)
    assert not _found_by_get_for(district.user("head"), stranger.pk)
    assert _found_by_get_for(far_admin, stranger.pk)
    assert _found_by_get_for(superuser, stranger.pk)
    assert not _found_by_get_for(superuser, erased.pk)


def test_two_schools_at_once_both_admins_see_the_person(district, people):
    make_employment(people["b"], district.school_a, is_main=False)
    assert "Бисаева" in _visible(district.user("school_admin_a"))


def test_transfer_keeps_history(district, people):
    employment = people["a"].employments.get()
    new = educator_transfer(employment=employment, organization=district.school_b, on=dt.date(2026, 9, 1))
    employment.refresh_from_db()
    assert employment.ends_on == dt.date(2026, 8, 31)
    assert employment.end_reason == "Перевод"
    assert new.organization == district.school_b and new.starts_on == dt.date(2026, 9, 1)
    assert Employment.objects.filter(educator=people["a"]).count() == 2


def test_end_before_start_is_refused(district, people):
    employment = people["b"].employments.get()
    with pytest.raises(ValidationError):
        employment_end(employment=employment, ends_on=dt.date(2000, 1, 1), reason="")


def test_snils_checked_unique_and_stored_as_digits(district):
    snils = snils_with_check("112233445")
    person = make_educator(municipality=district.municipality, snils="112-233-445 95")
    assert person.snils == snils == "11223344595"
    with pytest.raises(ValidationError):
        make_educator(municipality=district.municipality, snils="112-233-445 95")
    with pytest.raises(ValidationError):
        make_educator(municipality=district.municipality, snils="112-233-445 96")


def test_an_update_that_keeps_the_snils_does_not_look_it_up_and_one_that_takes_another_is_refused(district):
    first = make_educator(municipality=district.municipality, snils=snils_with_check("112233445"))
    second = make_educator(municipality=district.municipality, snils=snils_with_check("998877665"))
    with CaptureQueriesContext(connection) as queries:
        educator_update(educator=second, data={"phone": "+7 928 000-00-00"})
    lookups = [
        q for q in queries.captured_queries if q["sql"].startswith("SELECT") and '"snils" =' in q["sql"]
    ]
    assert not lookups
    with pytest.raises(ValidationError, match="СНИЛС"):
        educator_update(educator=Educator.objects.get(pk=second.pk), data={"snils": first.snils})
    assert Educator.objects.get(pk=second.pk).snils == snils_with_check("998877665")


def test_birth_date_must_be_past_and_age_at_least_16(district):
    with pytest.raises(ValidationError, match="будущем"):
        make_educator(municipality=district.municipality, birth_date=dt.date(2100, 1, 1))
    with pytest.raises(ValidationError, match="16"):
        make_educator(
            municipality=district.municipality, birth_date=dt.date.today() - dt.timedelta(days=365 * 15)
        )


def test_names_are_cleaned_and_duplicates_found_ignoring_case_and_yo(district):
    first = educator_create(
        municipality=district.municipality,
        data={"last_name": "  Ёлкина ", "first_name": "Анна", "patronymic": "Петровна", "sex": "female",
              "birth_date": dt.date(1985, 4, 2)},
    )  # fmt: skip
    assert first.last_name == "Ёлкина"
    second = educator_create(
        municipality=district.municipality,
        data={"last_name": "ЕЛКИНА", "first_name": "анна", "patronymic": "петровна", "sex": "female",
              "birth_date": dt.date(1985, 4, 2)},
    )  # fmt: skip
    assert list(duplicates_of(educator=first)) == [second]


def test_personal_data_access_is_logged_with_the_records(district, people):
    from imo.staff.access_log import personal_data_access_log, personal_data_accesses

    head = district.user("head")
    personal_data_access_log(
        user=head, action="export", educator_ids=[people["a"].pk, people["b"].pk], what="Список"
    )
    personal_data_access_log(user=head, action="view", educator_ids=[people["b"].pk], what="Карточка")
    assert [e.what for e in personal_data_accesses(educator=people["a"])] == ["Список"]
    assert [e.count for e in personal_data_accesses(educator=people["b"])] == [1, 2]
