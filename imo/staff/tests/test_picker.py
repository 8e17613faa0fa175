"""The educator picker: matches only among the educators the user may see, drawn as radios of the field."""

from __future__ import annotations

import pytest
from django import forms

from imo.orgs.tests.factories import make_district
from imo.staff.models import Educator
from imo.staff.picker import PICKER_LIMIT, EducatorPickerField
from imo.staff.tests.factories import make_educator

URL = "/staff/picker/"


@pytest.fixture
def district(db):
    return make_district()


def _educator(district, school, last_name: str, first_name: str = "Зарема") -> Educator:
    return make_educator(
        municipality=district.municipality, school=school, last_name=last_name, first_name=first_name
    )


def test_finds_by_any_case_and_yo_among_own_school_only(client, district):
    own = _educator(district, district.school_a, "Абдулаева")
    other = _educator(district, district.school_b, "Абдулаева", first_name="Седа")
    client.force_login(district.user("school_admin_a"))
    response = client.get(URL, {"field": "mentor", "mentor__q": "АБДУЛАЕВА"})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'name="mentor" value="{own.pk}"' in body
    assert f'value="{other.pk}"' not in body  # another school's educator is never shown
    assert "СОШ № 1 г. Курчалой" in body


def test_office_sees_the_district_and_the_list_is_capped(client, district):
    for number in range(PICKER_LIMIT + 2):
        _educator(district, district.school_b, f"Ёлкина{'а' * number}")
    client.force_login(district.user("methodist"))
    body = client.get(URL, {"field": "mentee", "q": "елкина"}).content.decode()
    assert body.count('type="radio"') == PICKER_LIMIT
    assert f"Показаны первые {PICKER_LIMIT}" in body


def test_field_name_is_sanitised(client, district):
    _educator(district, district.school_a, "Абдулаева")
    client.force_login(district.user("methodist"))
    body = client.get(URL, {"field": '"><script>', "q": "абдулаева"}).content.decode()
    assert "<script>" not in body
    assert 'name="educator"' in body


@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_teacher_and_no_role_may_not_search(client, district, key):
    client.force_login(district.user(key))
    assert client.get(URL, {"q": "а"}).status_code == 403


def test_anonymous_goes_to_login(client, db):
    response = client.get(URL, {"q": "а"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


class _Form(forms.Form):
    mentor = EducatorPickerField(label="Наставник")


def test_field_validates_against_its_queryset_and_renders_only_the_choice(district):
    chosen = _educator(district, district.school_a, "Абдулаева")
    outside = _educator(district, district.school_b, "Бисултанова")
    form = _Form({"mentor": str(outside.pk)})
    form.fields["mentor"].queryset = Educator.objects.filter(pk=chosen.pk)  # type: ignore[attr-defined]
    assert not form.is_valid()
    form = _Form({"mentor": str(chosen.pk)})
    form.fields["mentor"].queryset = Educator.objects.filter(pk=chosen.pk)  # type: ignore[attr-defined]
    assert form.is_valid()
    assert form.cleaned_data["mentor"] == chosen
    html = str(form["mentor"])
    assert f'value="{chosen.pk}"' in html and "checked" in html
    assert "Бисултанова" not in html
