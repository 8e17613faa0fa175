import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from imo.orgs.models import Organization, Role
from imo.orgs.services import membership_add, organization_close, organization_update
from imo.orgs.tests.factories import make_district, make_organization


@pytest.fixture
def district(db):
    return make_district()


def test_path_nests_under_parent(district):
    assert district.school_a.path.startswith(district.municipality.path)
    assert district.municipality.path.startswith(district.region.path)


def test_moving_an_organisation_moves_its_subtree(district):
    other = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, short_name="Другой"
    )
    child = make_organization(parent=district.school_a, kind=Organization.Kind.OTHER)
    organization_update(organization=district.school_a, data={"parent": other})
    child.refresh_from_db()
    assert child.path.startswith(other.path)


def test_cannot_be_its_own_ancestor(district):
    with pytest.raises(ValidationError):
        organization_update(organization=district.municipality, data={"parent": district.school_a})


def test_inn_is_checked_and_normalised(district):
    organization_update(organization=district.school_a, data={"inn": "770 708 3893"})
    assert district.school_a.inn == "7707083893"
    with pytest.raises(ValidationError) as error:
        organization_update(organization=district.school_b, data={"inn": "7707083894"})
    assert "контрольное число" in str(error.value)


def test_inn_is_unique(district):
    organization_update(organization=district.school_a, data={"inn": "7707083893"})
    with pytest.raises(ValidationError):
        organization_update(organization=district.school_b, data={"inn": "770 708 3893"})


def test_search_text_folds_case_and_yo(district):
    organization_update(
        organization=district.school_a, data={"short_name": "Ёлочка", "settlement": "с. Бельты"}
    )
    assert "елочка" in district.school_a.search_text


def test_close_keeps_the_record(district):
    organization_close(organization=district.school_b, closed_on=dt.date(2026, 8, 31))
    district.school_b.refresh_from_db()
    assert district.school_b.is_closed and district.school_b.closed_on == dt.date(2026, 8, 31)
    with pytest.raises(ValidationError):
        organization_close(organization=district.municipality, closed_on=dt.date(2026, 8, 31))


def test_office_roles_belong_to_the_municipality_and_school_roles_to_schools(district):
    user = district.user("no_role")
    with pytest.raises(ValidationError):
        membership_add(user=user, organization=district.school_a, role=Role.METHODIST)
    with pytest.raises(ValidationError):
        membership_add(user=user, organization=district.municipality, role=Role.TEACHER)
    assert membership_add(user=user, organization=district.school_a, role=Role.TEACHER).pk
