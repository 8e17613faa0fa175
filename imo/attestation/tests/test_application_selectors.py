"""Who sees which applications, the list's deadlines and filters, counts, the detail and the portfolio."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from imo.attestation.applications.selectors import (
    application_counts,
    application_detail,
    application_get_for,
    application_list,
    applications_visible_to,
    educators_may_apply_for,
    portfolio_of,
)
from imo.attestation.applications.services import (
    application_forward,
    application_start,
    application_submit,
)
from imo.attestation.deadlines import is_overdue, step_deadline
from imo.attestation.models import (
    Application,
    AttestationSettings,
    QualificationCategory,
)
from imo.attestation.services import category_save, conformity_save
from imo.core.portfolio import PortfolioEntry, register_portfolio_source, unregister_portfolio_source
from imo.orgs.models import Role
from imo.orgs.tests.factories import make_organization, make_user_with_role
from imo.staff.models import Award, EducationRecord
from imo.staff.tests.factories import make_educator

Status = Application.Status
Kind = QualificationCategory.Kind
TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def people(district):
    teacher = district.user("teacher_a")
    a = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Алиева", user=teacher
    )
    b = make_educator(municipality=district.municipality, school=district.school_b, last_name="Бисултанова")
    return a, b


@pytest.fixture
def applications(people, district):
    a, b = people
    return (
        application_start(educator=a, kind=Kind.FIRST, by=None, today=TODAY),
        application_start(educator=b, kind=Kind.HIGHEST, by=None, today=TODAY),
    )


def visible(user) -> set[str]:
    return {app.educator.last_name for app in applications_visible_to(user=user)}


@pytest.mark.parametrize("key", ["head", "methodist", "secretary", "observer", "admin"])
def test_office_sees_the_whole_municipality(district, applications, key):
    assert visible(district.user(key)) == {"Алиева", "Бисултанова"}


def test_school_admin_sees_own_school_teacher_own_record_others_nothing(district, applications):
    assert visible(district.user("school_admin_a")) == {"Алиева"}
    assert visible(district.user("school_admin_b")) == {"Бисултанова"}
    assert visible(district.user("teacher_a")) == {"Алиева"}
    assert visible(district.user("no_role")) == set()


def test_other_municipality_office_sees_nothing(district, applications):
    other = make_organization(parent=district.region, kind="municipality", name="Шалинский район")
    user = make_user_with_role(Role.HEAD, other)
    assert visible(user) == set()


def test_school_admin_keeps_applications_filed_from_the_school(district, people, applications):
    """The educator moved to school B: school A still sees the application it filed; school B sees it too."""
    a, _ = people
    employment = a.employments.get()
    employment.ends_on = TODAY - dt.timedelta(days=1)
    employment.save()
    from imo.staff.tests.factories import make_employment

    make_employment(a, district.school_b, starts_on=TODAY)
    assert "Алиева" in visible(district.user("school_admin_a"))
    assert "Алиева" in visible(district.user("school_admin_b"))


def test_get_for_answers_404_outside_the_scope(district, applications):
    mine, other = applications
    teacher = district.user("teacher_a")
    assert application_get_for(user=teacher, pk=mine.pk) == mine
    with pytest.raises(Http404):
        application_get_for(user=teacher, pk=other.pk)
    with pytest.raises(Http404):
        application_get_for(user=district.user("school_admin_b"), pk=mine.pk)


def test_erased_educators_applications_are_hidden(district, people, applications):
    from django.utils import timezone

    a, _ = people
    a.erased_at = timezone.now()
    a.save(update_fields=["erased_at"])
    assert visible(district.user("head")) == {"Бисултанова"}


# --- the list ------------------------------------------------------------------------------------------


@pytest.fixture
def pipeline(people, district):
    """Applications at several steps with known deadlines (check 10, take up 30, total 60 days)."""
    a, b = people
    c = make_educator(municipality=district.municipality, school=district.school_a, last_name="Вахаева")
    methodist = district.user("methodist")
    draft = application_start(educator=a, kind=Kind.FIRST, by=None, today=TODAY)
    late = application_start(educator=b, kind=Kind.HIGHEST, by=None, today=TODAY)
    application_submit(application=late, by=methodist, today=TODAY - dt.timedelta(days=11))
    fresh = application_start(educator=c, kind=Kind.FIRST, by=None, today=TODAY)
    application_submit(application=fresh, by=methodist, today=TODAY - dt.timedelta(days=10))
    forwarded = application_start(educator=a, kind=Kind.HIGHEST, by=None, today=TODAY)
    application_submit(application=forwarded, by=methodist, today=TODAY - dt.timedelta(days=40))
    application_forward(
        application=forwarded,
        by=methodist,
        letter_number="7",
        forwarded_on=TODAY - dt.timedelta(days=31),
        today=TODAY,
    )
    return {"draft": draft, "late": late, "fresh": fresh, "forwarded": forwarded}


def test_list_deadlines_agree_with_the_python_rule(district, pipeline):
    settings = AttestationSettings.current()
    rows: list[Any] = list(application_list(user=district.user("head"), on=TODAY))
    assert len(rows) == 4
    for row in rows:
        assert row.deadline == step_deadline(row, settings), row
        assert row.overdue == is_overdue(row, settings, TODAY), row
    by_pk = {row.pk: row for row in rows}
    assert by_pk[pipeline["draft"].pk].deadline is None
    assert by_pk[pipeline["late"].pk].overdue and not by_pk[pipeline["fresh"].pk].overdue
    assert by_pk[pipeline["fresh"].pk].deadline == TODAY
    assert by_pk[pipeline["forwarded"].pk].overdue


def test_list_filters(district, pipeline):
    head = district.user("head")

    def pks(**filters):
        return {row.pk for row in application_list(user=head, on=TODAY, **filters)}

    assert pks(overdue=True) == {pipeline["late"].pk, pipeline["forwarded"].pk}
    assert pks(status=Status.SUBMITTED) == {pipeline["late"].pk, pipeline["fresh"].pk}
    assert pks(kind=Kind.HIGHEST) == {pipeline["late"].pk, pipeline["forwarded"].pk}
    assert pks(query="алиева") == {pipeline["draft"].pk, pipeline["forwarded"].pk}
    assert pks(query="бисултанова", overdue=True) == {pipeline["late"].pk}
    assert pks(status=Status.AWARDED) == set()


def test_list_runs_a_fixed_number_of_queries(district, pipeline, people):
    head = district.user("head")
    for _ in range(5):
        educator = make_educator(municipality=district.municipality, school=district.school_b)
        application_start(educator=educator, kind=Kind.FIRST, by=None, today=TODAY)
    head.refresh_from_db()
    shown: list[Any] = []
    with CaptureQueriesContext(connection) as queries:
        rows: list[Any] = list(application_list(user=head, on=TODAY))
        for row in rows:
            shown.append(
                (str(row.educator), str(row.position), str(row.organization), row.deadline, row.overdue)
            )
            shown.append(row.educator.municipality.short_name)
    assert len(rows) == 9
    assert len(queries) <= 3  # memberships, settings, the list


def test_counts(district, pipeline):
    with CaptureQueriesContext(connection) as queries:
        counts = application_counts(user=district.user("head"), on=TODAY)
    assert counts[Status.DRAFT] == 1 and counts[Status.SUBMITTED] == 2 and counts[Status.FORWARDED] == 1
    assert counts[Status.AWARDED] == 0
    assert counts["active"] == 4 and counts["overdue"] == 2
    assert len(queries) <= 4
    teacher_counts = application_counts(user=district.user("teacher_a"), on=TODAY)
    assert teacher_counts["active"] == 2 and teacher_counts["overdue"] == 1


def test_detail_has_events_files_deadline_and_portfolio(district, pipeline, django_assert_max_num_queries):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imo.attestation.applications.services import application_file_add

    late = pipeline["late"]
    for n in range(3):
        application_file_add(
            application=late,
            by=district.user("methodist"),
            title=f"Файл {n}",
            file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
        )
    application = Application.objects.select_related("educator", "educator__municipality").get(pk=late.pk)
    with django_assert_max_num_queries(10):
        detail = application_detail(application=application, on=TODAY)
        for event in detail.events:
            str(event.by)
        for row in detail.files:
            str(row.uploaded_by)
    assert [e.action for e in detail.events][:2] == ["created", "submitted"]
    assert [f.title for f in detail.files] == ["Файл 0", "Файл 1", "Файл 2"]
    assert detail.deadline == TODAY - dt.timedelta(days=1) and detail.overdue


# --- the portfolio -----------------------------------------------------------------------------------------


def test_portfolio_from_staff_attestation_and_the_registry(people):
    a, b = people
    EducationRecord.objects.create(
        educator=a, level="higher", institution="ЧГПУ", graduation_year=2005, speciality="Математика"
    )
    Award.objects.create(
        educator=a, kind=Award.Kind.DEPARTMENTAL, title="Почётная грамота", awarded_on=dt.date(2020, 5, 1)
    )
    category_save(educator=a, kind=Kind.FIRST, awarded_on=dt.date(2019, 4, 1), default_term=True)
    conformity_save(educator=a, date=dt.date(2015, 4, 1))

    def olympiads(educator):
        if educator.pk != a.pk:
            return []
        return [
            PortfolioEntry(
                "Олимпиады", "Призёр муниципального этапа", dt.date(2024, 12, 1), "ученик 9 класса"
            )
        ]

    register_portfolio_source("test_olympiads", "Результаты учеников", olympiads, order=5)
    try:
        sections = dict(portfolio_of(educator=a))
        assert list(sections)[:4] == [
            "Образование",
            "Награды и звания",
            "Квалификационные категории",
            "Аттестация на соответствие занимаемой должности",
        ]
        assert "ЧГПУ" in sections["Образование"][0].title
        assert sections["Награды и звания"][0].title == "Почётная грамота"
        assert "действует до 01.04.2024" in sections["Квалификационные категории"][0].detail
        assert sections["Результаты учеников"][0].title == "Призёр муниципального этапа"
        assert portfolio_of(educator=b) == []
    finally:
        unregister_portfolio_source("test_olympiads")


# --- the start form's picker -----------------------------------------------------------------------------


def test_educators_may_apply_for(district, people):
    a, b = people
    assert set(educators_may_apply_for(user=district.user("methodist"))) == {a, b}
    assert set(educators_may_apply_for(user=district.user("observer"))) == set()
    assert set(educators_may_apply_for(user=district.user("school_admin_a"))) == {a}
    assert set(educators_may_apply_for(user=district.user("teacher_a"))) == {a}
    assert set(educators_may_apply_for(user=district.user("methodist"), kind=Kind.MENTOR)) == set()
    category_save(educator=b, kind=Kind.HIGHEST, awarded_on=dt.date(2024, 1, 10), default_term=True)
    assert set(educators_may_apply_for(user=district.user("methodist"), kind=Kind.METHODIST)) == {b}


def test_portfolio_has_the_mentoring_of_the_mentor(district, people):
    """The mentorship app contributes its section through the registry (attestation never imports it)."""
    from django.apps import apps

    a, b = people
    mentorship_model = apps.get_model("mentorship", "Mentorship")
    mentorship_model.objects.create(
        mentor=a, mentee=b, organization=district.school_a, starts_on=dt.date(2024, 9, 1)
    )
    sections = dict(portfolio_of(educator=a))
    entries = sections["Наставническая деятельность"]
    assert len(entries) == 1 and "Бисултанова" in entries[0].title
    assert entries[0].date == dt.date(2024, 9, 1) and "с 01.09.2024" in entries[0].detail
    assert "Наставническая деятельность" not in dict(portfolio_of(educator=b))
