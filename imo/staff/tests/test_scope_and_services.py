"""Who sees which educator (404 outside scope), and the writes every page relies on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from imo.staff.models import Employment
from imo.staff.selectors import duplicates_of, educator_get_for, educators_visible_to
from imo.staff.services import educator_create, educator_link_user, educator_transfer, employment_end
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


def test_another_schools_educator_answers_404(district, people):
    with pytest.raises(Http404):
        educator_get_for(user=district.user("school_admin_a"), pk=people["b"].pk)
    assert educator_get_for(user=district.user("school_admin_b"), pk=people["b"].pk) == people["b"]


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
