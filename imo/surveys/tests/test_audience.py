"""Who a survey asks: educators working today under the office, narrowed by school, subject and position
(of the same employment), category in force and early career; schools for monitorings; tokens added once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from imo.attestation.models import QualificationCategory
from imo.orgs.models import Organization
from imo.orgs.tests.factories import District, make_district, make_organization
from imo.reference.models import Position, Subject
from imo.staff.models import Employment
from imo.staff.tests.factories import make_educator, make_employment
from imo.surveys.audience import audience_educators, audience_schools, tokens_sync
from imo.surveys.models import RespondentToken
from imo.surveys.tests.builder_fixtures import make_office_survey


@pytest.fixture
def district(db) -> District:
    return make_district()


@pytest.fixture
def people(district):
    today = timezone.localdate()
    m = district.municipality
    people = {
        "maths_a": make_educator(municipality=m, school=district.school_a, subjects=("Математика",)),
        "russian_b": make_educator(municipality=m, school=district.school_b, subjects=("Русский язык",)),
        "librarian_a": make_educator(
            municipality=m, school=district.school_a, position="Педагог-библиотекарь"
        ),
        "young_b": make_educator(
            municipality=m,
            school=district.school_b,
            subjects=("Математика",),
            teaching_experience_start=today - dt.timedelta(days=400),
        ),
        "left": make_educator(municipality=m, school=district.school_a),
        "no_job": make_educator(municipality=m),
    }
    Employment.objects.filter(educator=people["left"]).update(ends_on=today - dt.timedelta(days=3))
    QualificationCategory.objects.create(
        educator=people["maths_a"], kind="highest", awarded_on=dt.date(2024, 5, 1)
    )
    return people


def names(queryset, people) -> set[str]:
    ids = set(queryset.values_list("pk", flat=True))
    return {name for name, educator in people.items() if educator.pk in ids}


def test_everyone_working_now(district, people):
    survey = make_office_survey(district)
    assert names(audience_educators(survey), people) == {"maths_a", "russian_b", "librarian_a", "young_b"}


def test_other_municipality_is_not_asked(district, people):
    other = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, short_name="Другой"
    )
    school = make_organization(parent=other)
    stranger = make_educator(municipality=other, school=school)
    survey = make_office_survey(district)
    assert stranger.pk not in set(audience_educators(survey).values_list("pk", flat=True))


def test_filters(district, people):
    survey = make_office_survey(district)
    survey.schools.set([district.school_a])
    assert names(audience_educators(survey), people) == {"maths_a", "librarian_a"}
    survey.schools.clear()
    survey.subjects.set([Subject.objects.get(name="Математика")])
    assert names(audience_educators(survey), people) == {"maths_a", "young_b"}
    survey.subjects.clear()
    survey.positions.set([Position.objects.get(name="Педагог-библиотекарь")])
    assert names(audience_educators(survey), people) == {"librarian_a"}
    survey.positions.clear()
    survey.categories = ["highest"]
    survey.save()
    assert names(audience_educators(survey), people) == {"maths_a"}
    survey.categories = ["none"]
    survey.save()
    assert names(audience_educators(survey), people) == {"russian_b", "librarian_a", "young_b"}
    survey.categories = []
    survey.early_career_only = True
    survey.save()
    assert names(audience_educators(survey), people) == {"young_b"}


def test_subject_and_position_of_the_same_employment(district, people):
    # The librarian also teaches maths at school B: «учителя математики» still leaves them out.
    make_employment(
        people["librarian_a"], district.school_b, position="Педагог-библиотекарь", subjects=("Математика",)
    )
    survey = make_office_survey(district)
    survey.subjects.set([Subject.objects.get(name="Математика")])
    survey.positions.set([Position.objects.get(name="Учитель")])
    assert names(audience_educators(survey), people) == {"maths_a", "young_b"}


def test_schools(district):
    kindergarten = make_organization(parent=district.municipality, kind=Organization.Kind.KINDERGARTEN)
    closed = make_organization(parent=district.municipality)
    Organization.objects.filter(pk=closed.pk).update(status=Organization.Status.CLOSED)
    survey = make_office_survey(district, audience="schools")
    assert set(audience_schools(survey)) == {district.school_a, district.school_b}
    survey.schools.set([kindergarten, district.school_b])
    assert set(audience_schools(survey)) == {kindergarten, district.school_b}


def test_tokens_sync_adds_once(district, people):
    survey = make_office_survey(district)
    assert tokens_sync(survey) == 4
    assert tokens_sync(survey) == 0
    make_educator(municipality=district.municipality, school=district.school_b)
    assert tokens_sync(survey) == 1
    assert RespondentToken.objects.filter(survey=survey).count() == 5
    assert len(set(RespondentToken.objects.filter(survey=survey).values_list("token", flat=True))) == 5
