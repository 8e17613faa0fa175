"""What the home pages show. Later modules add their counts here (this layer may read every app)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from imo.mentorship.selectors import early_career_counts
from imo.orgs.models import Organization
from imo.orgs.selectors import (
    memberships_of,
    organization_counts_by_kind,
    users_count_in_scope,
)
from imo.portal.models import OfficeContacts
from imo.staff.selectors import educators_working_count


@dataclass(frozen=True)
class StatCard:
    label: str
    value: int
    url: str = ""


def office_cards(*, user: Any) -> list[StatCard]:
    """District (or region) counts for the office's and the observer's home page."""
    counts = organization_counts_by_kind(user=user)
    org_list = reverse("orgs:list")
    cards = [
        StatCard("Школы", counts.get(Organization.Kind.SCHOOL, 0), f"{org_list}?kind=school"),
        StatCard(
            "Детские сады", counts.get(Organization.Kind.KINDERGARTEN, 0), f"{org_list}?kind=kindergarten"
        ),
        StatCard(
            "Организации дополнительного образования",
            counts.get(Organization.Kind.ADDITIONAL_EDUCATION, 0),
            f"{org_list}?kind=additional_education",
        ),
    ]
    if counts.get(Organization.Kind.MUNICIPALITY, 0) > 1:
        cards.insert(0, StatCard("Муниципалитеты", counts[Organization.Kind.MUNICIPALITY]))
    cards.append(StatCard("Пользователи системы", users_count_in_scope(user=user)))
    if user.has_perm("staff.view_educator_list"):
        cards.insert(
            0, StatCard("Педагогические работники", educators_working_count(user=user), reverse("staff:list"))
        )
    if user.has_perm("mentorship.view_lists"):
        total, without = early_career_counts(user)
        early = reverse("mentorship:early_career")
        cards.insert(1, StatCard("Молодые специалисты", total, early))
        cards.insert(2, StatCard("Молодые специалисты без наставника", without, f"{early}?no_mentor=1"))
    return cards


def own_organizations(*, user: Any, roles: set[str]) -> list[Organization]:
    """Organisations where the user holds one of `roles` (a school admin's schools, a teacher's school)."""
    seen: dict[int, Organization] = {}
    for membership in memberships_of(user):
        if membership.role in roles:
            seen.setdefault(membership.organization.pk, membership.organization)
    return list(seen.values())


def public_offices() -> QuerySet[OfficeContacts]:
    return OfficeContacts.objects.select_related("municipality").order_by("municipality__path")
