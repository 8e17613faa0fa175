import pytest

from imo.orgs.models import Membership, Organization
from imo.orgs.selectors import filter_by_scope, organizations_visible_to
from imo.orgs.tests.factories import make_district, make_organization


@pytest.fixture
def district(db):
    return make_district()


def test_office_sees_the_whole_municipality(district):
    visible = set(organizations_visible_to(user=district.user("methodist")))
    assert {district.municipality, district.school_a, district.school_b} <= visible
    assert district.region not in visible


def test_school_admin_sees_only_their_school(district):
    assert list(organizations_visible_to(user=district.user("school_admin_a"))) == [district.school_a]


def test_teacher_and_user_without_role_see_no_organisations(district):
    assert not organizations_visible_to(user=district.user("teacher_a")).exists()
    assert not organizations_visible_to(user=district.user("no_role")).exists()


def test_another_municipality_is_out_of_scope(district):
    other = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, short_name="Другой"
    )
    other_school = make_organization(parent=other)
    visible = set(organizations_visible_to(user=district.user("head")))
    assert other not in visible and other_school not in visible


def test_filter_by_scope_follows_a_foreign_key(district):
    rows = filter_by_scope(Membership.objects.all(), user=district.user("school_admin_a"))
    assert {m.organization for m in rows} == {district.school_a}


def test_closing_does_not_hide_history_from_the_office(district):
    district.school_b.status = Organization.Status.CLOSED
    district.school_b.save()
    assert district.school_b in organizations_visible_to(user=district.user("head"))
