"""The «Олимпиады школьников» block of the office's and school admins' home pages, and a teacher's jury
duties: the latest season in the user's scope, stage by stage; a school admin counts their school only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imo.olympiads.models import JuryMember, Student
from imo.olympiads.tests.publication_fixtures import make_results
from imo.orgs.tests.factories import make_district
from imo.portal.selectors import jury_home, olympiads_home
from imo.staff.tests.factories import make_educator


@pytest.fixture
def district(db):
    return make_district()


def test_the_office_sees_the_season_stage_by_stage(district):
    results = make_results(district, published=True)
    home = olympiads_home(user=district.user("head"))
    assert home is not None
    assert home.title == str(results.stage.season)
    [stage] = home.stages
    assert (stage.subjects, stage.scored, stage.published) == (1, 1, 1)
    assert stage.participations == len(results.participations)
    assert home.consents_missing is None


def test_the_school_admin_counts_their_school_and_missing_statements(district):
    results = make_results(district)
    on_a = sum(1 for p in results.participations.values() if p.student.school_id == district.school_a.pk)
    Student.objects.create(
        academic_year=results.stage.season.academic_year,
        school=district.school_a,
        last_name="Безсогласия",
        first_name="Аминат",
        grade=7,
    )
    home = olympiads_home(user=district.user("school_admin_a"))
    assert home is not None
    assert home.stages[0].participations == on_a
    assert home.consents_missing == 1


def test_no_block_without_a_season_or_for_a_teacher(district):
    assert olympiads_home(user=district.user("head")) is None
    make_results(district)
    assert olympiads_home(user=district.user("teacher_a")) is None


def test_the_pages_show_the_block_and_a_teacher_their_jury(client, district):
    results = make_results(district, jury=False)
    teacher = district.user("teacher_a")
    educator = make_educator(municipality=district.municipality, school=district.school_a, last_name="Жюри")
    educator.user = teacher
    educator.save()
    JuryMember.objects.create(stage_subject=results.stage_subject, educator=educator, is_chair=True)
    for key in ("head", "school_admin_a"):
        client.force_login(district.user(key))
        assert 'id="home-olympiads"' in client.get(reverse("portal:home")).content.decode(), key
    assert [row.stage_subject for row in jury_home(user=teacher)] == [results.stage_subject]
    client.force_login(teacher)
    page = client.get(reverse("portal:home")).content.decode()
    assert 'id="my-jury"' in page
    assert reverse("olympiads:jury_grid", args=[results.stage_subject.pk]) in page
    assert "председатель" in page
