"""Random values POSTed to the main forms as a user who may use them: educator create and edit,
organisation edit, library document create, news post, training record, survey answering and olympiad
registration.

Each form page is opened first; its own fields (with their initial values, so that some examples are
valid and get saved) are the starting point, and hypothesis replaces any of them with random text, huge
text, Unicode, wrong types or lists. Property: the answer is the form again with Russian errors (200),
a redirect after saving (302) — never a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from imo.staff.models import Educator
from imo.staff.tests.factories import make_educator

from .conftest import assert_russian, fuzz_settings, weird_text

pytestmark = pytest.mark.django_db

values = st.one_of(
    weird_text,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        ["on", "true", "1", "-1", "0", "²", "٣", "31.02.2024", "2024-02-30", "9999-12-31", "1e9"]
    ),
    st.lists(st.text(max_size=8), max_size=3),
)


def _main_form(response: Any) -> forms.BaseForm:
    form = response.context.get("form") if response.context else None
    assert isinstance(form, forms.BaseForm), "the page has no form in its context"
    return form


def _initial(form: forms.BaseForm) -> dict[str, Any]:
    """What the browser would send back untouched: the rendered initial value of every field."""
    data: dict[str, Any] = {}
    for bound in form:
        if isinstance(bound.field, forms.FileField):
            continue
        value = bound.value()
        if value in (None, "", [], False):
            continue
        if value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif isinstance(value, dt.date):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = str(value)
    return data


def _bound_forms(response: Any) -> list[forms.BaseForm]:
    found: list[forms.BaseForm] = []
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and value.is_bound and value not in found:
                found.append(value)
    return found


def _check_answer(response: Any) -> None:
    """Saved (302), or the form again (200; some pages answer an invalid form with 400) whose every
    error is Russian."""
    assert response.status_code in (200, 302, 400), response.status_code
    bound = _bound_forms(response)
    if response.status_code == 400:
        assert any(form.errors for form in bound), "400 without a form saying what is wrong"
    for form in bound:
        for messages in form.errors.values():
            for message in messages:
                assert_russian(message)


@pytest.fixture
def pages(district) -> dict[str, tuple[str, str]]:
    """(URL, the role that may use it) of each form."""
    educator = make_educator(municipality=district.municipality, school=district.school_a)
    return {
        "educator_create": (reverse("staff:create"), "head"),
        "educator_edit": (reverse("staff:edit", args=[educator.pk]), "head"),
        "organization_edit": (reverse("orgs:edit", args=[district.school_a.pk]), "head"),
        "document_create": (reverse("library:document_create"), "head"),
        "news_create": (reverse("library:news_create"), "head"),
        "training_record": (reverse("training:record_add", args=[educator.pk]), "head"),
    }


FORMS = [
    "educator_create",
    "educator_edit",
    "organization_edit",
    "document_create",
    "news_create",
    "training_record",
]


@pytest.mark.parametrize("page", FORMS)
@fuzz_settings(max_examples=8)
@given(data=st.data())
def test_form_answers_200_or_302(client, district, pages, page, data):
    url, role = pages[page]
    client.force_login(district.users[role])
    shown = client.get(url)
    assert shown.status_code == 200
    posted = _initial(_main_form(shown))
    names = [bound.html_name for bound in _main_form(shown) if not isinstance(bound.field, forms.FileField)]
    for name in (
        data.draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names))) if names else []
    ):
        posted[name] = data.draw(values)
    _check_answer(client.post(url, posted))


# --- survey answering ----------------------------------------------------------------------------


@pytest.fixture
def survey(district):
    from imo.orgs.models import Membership, Role
    from imo.surveys.tests.answering_fixtures import make_survey, token_for

    teacher = district.users["teacher_a"]
    educator = make_educator(municipality=district.municipality, school=district.school_a)
    Educator.objects.filter(pk=educator.pk).update(user=teacher)
    educator.refresh_from_db()
    Membership.objects.get_or_create(user=teacher, organization=district.school_a, role=Role.TEACHER)
    made = make_survey(district)
    token_for(made.survey, educator=educator)
    return made


@fuzz_settings(max_examples=25)
@given(data=st.data())
def test_survey_answer_page_never_500(client, district, survey, data):
    client.force_login(district.users["teacher_a"])
    url = reverse("surveys:answer", args=[survey.survey.pk])
    posted: dict[str, Any] = {}
    for question in survey.q.values():
        for suffix in ("", "_other", "_1", "_2"):
            if data.draw(st.booleans()):
                posted[f"q{question.pk}{suffix}"] = data.draw(
                    st.one_of(
                        values,
                        st.sampled_from(["0", "1", "2", "other", "__other__", "²", "99999999999999999999"]),
                    )
                )
    posted[data.draw(st.sampled_from(["submit", "draft"]))] = "1"
    response = client.post(url, posted)
    # A submit with a missing or wrong answer is refused with 400 and the page with Russian messages.
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 400:
        assert_russian(response.content.decode())


# --- olympiad registration -----------------------------------------------------------------------


@pytest.fixture
def olympiad(district):
    from imo.olympiads.tests.registration_fixtures import make_olympiad, make_student, year

    made = make_olympiad(district)
    students = [make_student(district.school_a, year(2026), "Иванов", "Иван", grade=g) for g in (5, 9)]
    return made, students


@fuzz_settings(max_examples=15)
@given(data=st.data())
def test_olympiad_registration_never_500(client, district, olympiad, data):
    made, students = olympiad
    client.force_login(district.users["school_admin_a"])
    url = reverse("olympiads:registration")
    ids = [str(student.pk) for student in students]
    posted: dict[str, Any] = {
        "stage": str(made.school_stage.pk),
        "subject": str(made.school_math.pk),
        "school": str(district.school_a.pk),
        "student": data.draw(
            st.lists(st.one_of(st.sampled_from(ids), values.filter(lambda v: isinstance(v, str))), max_size=3)
        ),
        "teachers": data.draw(
            st.lists(st.one_of(st.just("1"), values.filter(lambda v: isinstance(v, str))), max_size=2)
        ),
    }
    for student in students:
        if data.draw(st.booleans()):
            posted[f"grade_{student.pk}"] = data.draw(values)
    response = client.post(url, posted)
    # 404: a posted student id that exists but is not the user's school's (by design, as for any object).
    assert response.status_code in (200, 302, 404), response.status_code
    if response.status_code == 200 and response.context:
        for message in response.context.get("errors") or []:
            assert_russian(message)
