"""The section «Олимпиады: результаты учеников» of an educator's profile."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.olympiads.analytics.profile import section_context
from imo.olympiads.models import Participation, Student
from imo.olympiads.tests.analytics_fixtures import make_olympiad
from imo.orgs.selectors import forget_memberships

pytestmark = pytest.mark.django_db
TITLE = "Олимпиады: результаты учеников"


def _profile(client, user, educator):
    client.force_login(user)
    return client.get(reverse("staff:detail", args=[educator.pk]))


def test_own_profile_lists_prepared_students_per_season(client, district):
    data = make_olympiad(district)
    response = _profile(client, district.user("teacher_a"), data.teachers["a"])
    assert response.status_code == 200
    html = response.content.decode()
    assert TITLE in html
    section = html.split('id="section-olympiad_results"')[1].split("</section>")[0]
    assert section.index("2025/2026") < section.index("2024/2025")
    assert "Иванов И. А." in section and "Петрова М. А." in section
    assert "Иванов Иван" not in section  # surname and initials only
    assert "победитель" in section and "призёр" in section and "не явился" in section
    assert "муниципальный" in section and "школьный" in section
    assert "45,50" in section or "45.50" in section
    assert "Алиев" not in section  # prepared by someone else


@pytest.mark.parametrize("key", ["head", "observer", "school_admin_a"])
def test_those_who_see_the_profile_see_the_section(client, district, key):
    data = make_olympiad(district)
    html = _profile(client, district.user(key), data.teachers["a"]).content.decode()
    assert TITLE in html and "Иванов И. А." in html


def test_other_school_admin_does_not_see_the_profile(client, district):
    data = make_olympiad(district)
    assert _profile(client, district.user("school_admin_b"), data.teachers["a"]).status_code == 404
    request = RequestFactory().get("/")
    request.user = district.user("school_admin_b")
    assert section_context(request, data.teachers["a"]) is None


def test_teacher_does_not_see_a_colleagues_section(district):
    data = make_olympiad(district)
    request = RequestFactory().get("/")
    request.user = district.user("teacher_a")
    assert section_context(request, data.teachers["b"]) is None


def test_no_prepared_students_no_section(client, district):
    from imo.staff.tests.factories import make_educator

    make_olympiad(district)
    nobody = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Новенькая"
    )
    html = _profile(client, district.user("head"), nobody).content.decode()
    assert TITLE not in html


def test_fixed_number_of_queries(district):
    data = make_olympiad(district)
    user = district.user("head")
    request = RequestFactory().get("/")
    request.user = user
    section_context(request, data.teachers["a"])
    with CaptureQueriesContext(connection) as small:
        first = section_context(request, data.teachers["a"])
    stage_subject = data.subjects["2025-school-physics"]
    for n in range(5):
        student = Student.objects.create(
            academic_year=data.years[2025],
            school=district.school_a,
            last_name=f"Новый{n}",
            first_name="Ян",
            grade=9,
        )
        Participation.objects.create(stage_subject=stage_subject, student=student, grade=9).teachers.set(
            [data.teachers["a"]]
        )
    forget_memberships(user)
    section_context(request, data.teachers["a"])
    with CaptureQueriesContext(connection) as large:
        second = section_context(request, data.teachers["a"])
    assert first and second
    assert sum(len(s.rows) for s in second["seasons"]) == sum(len(s.rows) for s in first["seasons"]) + 5
    assert len(large) == len(small)
