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


@pytest.mark.django_db(transaction=True)
def test_memberships_kept_between_requests_until_roles_change():
    """Every signed-in page reads the user's memberships from the page cache; a removed role or a closed
    organisation reaches the next request of any worker (a committed write to orgs' tables)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from imo.core import pagecache
    from imo.orgs.selectors import memberships_of

    district = make_district()
    pk = district.user("school_admin_a").pk

    def next_request() -> tuple[tuple[Membership, ...], int]:
        pagecache.forget_own_writes()  # another worker's thread: no marks of this thread's writes
        user = get_user_model().objects.get(pk=pk)
        with CaptureQueriesContext(connection) as queries:
            found = memberships_of(user)
        return found, len(queries)

    assert [m.organization for m in next_request()[0]] == [district.school_a]
    kept, queries = next_request()
    assert [m.organization for m in kept] == [district.school_a] and queries == 0
    Membership.objects.filter(user_id=pk).delete()
    assert next_request()[0] == ()


@pytest.mark.django_db(transaction=True)
def test_subtree_ids_are_kept_until_an_organisation_is_added():
    """The scope as ids (subtree_ids) is read from the page cache between requests; a school opened in
    the district is in it on the next request of any worker."""
    from imo.core import pagecache
    from imo.orgs.selectors import subtree_ids

    district = make_district()
    paths = [district.municipality.path]
    assert subtree_ids(paths) == sorted(
        [district.municipality.pk, district.school_a.pk, district.school_b.pk]
        + [
            o.pk
            for o in Organization.objects.filter(parent=district.municipality).exclude(
                pk__in=[district.school_a.pk, district.school_b.pk]
            )
        ]
    )
    assert district.region.pk not in subtree_ids(paths)
    assert subtree_ids([]) == []
    new = make_organization(parent=district.municipality, short_name="Новая школа")
    pagecache.forget_own_writes()  # another worker's thread
    assert new.pk in subtree_ids(paths)
    assert set(subtree_ids([district.region.path])) == set(Organization.objects.values_list("pk", flat=True))
