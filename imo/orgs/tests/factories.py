"""Factories for organisations and roles. `District` builds a small tree most tests need:
region → municipality → two schools, plus one user per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from imo.accounts.tests.factories import UserFactory
from imo.orgs.models import Membership, Organization, Role
from imo.orgs.services import organization_create

_counter = {"n": 0}


def make_organization(
    *, parent: Organization | None = None, kind: str = Organization.Kind.SCHOOL, **data: Any
) -> Organization:
    _counter["n"] += 1
    n = _counter["n"]
    values = {
        "parent": parent,
        "kind": kind,
        "name": data.pop("name", f"МБОУ «СОШ № {n}»"),
        "short_name": data.pop("short_name", f"СОШ № {n}"),
        "settlement": data.pop("settlement", "г. Курчалой"),
        **data,
    }
    return organization_create(data=values)


def make_user_with_role(role: str, organization: Organization, **user_fields: Any) -> Any:
    user: Any = UserFactory(**user_fields)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


@dataclass
class District:
    region: Organization
    municipality: Organization
    school_a: Organization
    school_b: Organization
    users: dict[str, Any] = field(default_factory=dict)

    def user(self, key: str) -> Any:
        return self.users[key]


def make_district() -> District:
    """Region → municipality → schools A and B, with one user per role.

    Keys of `users`: head, methodist, secretary, observer, admin (at the municipality), school_admin_a,
    school_admin_b, teacher_a (teacher at school A), no_role.
    """
    region = make_organization(kind=Organization.Kind.REGION, name="Чеченская Республика", short_name="ЧР")
    municipality = make_organization(
        parent=region,
        kind=Organization.Kind.MUNICIPALITY,
        name="Курчалоевский муниципальный район",
        short_name="Курчалоевский район",
    )
    school_a = make_organization(
        parent=municipality, name="МБОУ «СОШ № 1 г. Курчалой»", short_name="СОШ № 1 г. Курчалой"
    )
    school_b = make_organization(
        parent=municipality, name="МБОУ «СОШ с. Бельты»", short_name="СОШ с. Бельты", settlement="с. Бельты"
    )
    district = District(region, municipality, school_a, school_b)
    for role in (Role.HEAD, Role.METHODIST, Role.SECRETARY, Role.OBSERVER, Role.ADMIN):
        district.users[role.value] = make_user_with_role(role, municipality, username=f"{role.value}_user")
    district.users["school_admin_a"] = make_user_with_role(Role.SCHOOL_ADMIN, school_a, username="zam_a")
    district.users["school_admin_b"] = make_user_with_role(Role.SCHOOL_ADMIN, school_b, username="zam_b")
    district.users["teacher_a"] = make_user_with_role(Role.TEACHER, school_a, username="teacher_a")
    district.users["no_role"] = UserFactory(username="nobody")
    return district
