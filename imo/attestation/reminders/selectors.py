"""Reads of the reminders: who is due a reminder and who receives it, each in one query for everybody (the
region has ~25,000 educators: never a query per category or per application)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable

from django.db.models import Exists, OuterRef, Q

from imo.attestation.deadlines import overdue_q
from imo.attestation.models import Application, AttestationSettings, QualificationCategory
from imo.orgs.models import Membership, Organization
from imo.staff.models import Employment
from imo.staff.selectors import active_on

IDS_PER_QUERY = 500


def expiring_categories(*, today: dt.date, horizon_days: int) -> list[QualificationCategory]:
    """Categories whose term ends between today and `horizon_days` from now and that are still the educator's
    latest of their kind (a newer one of the same kind replaces the reminder), of educators whose data are
    not erased and who work somewhere today. Soonest first."""
    later = QualificationCategory.objects.filter(
        educator_id=OuterRef("educator_id"), kind=OuterRef("kind")
    ).filter(
        Q(awarded_on__gt=OuterRef("awarded_on")) | Q(awarded_on=OuterRef("awarded_on"), pk__gt=OuterRef("pk"))
    )
    working = Employment.objects.filter(active_on(today), educator_id=OuterRef("educator_id"))
    return list(
        QualificationCategory.objects.filter(
            valid_until__gte=today,
            valid_until__lte=today + dt.timedelta(days=horizon_days),
            awarded_on__lte=today,
            educator__erased_at__isnull=True,
        )
        .filter(~Exists(later), Exists(working))
        .select_related("educator__user")
        .order_by("valid_until", "pk")
    )


def overdue_applications(*, settings: AttestationSettings, today: dt.date) -> list[Application]:
    """Active applications whose current step is past its deadline (imo.attestation.deadlines)."""
    return list(
        Application.objects.filter(status__in=Application.ACTIVE, educator__erased_at__isnull=True)
        .filter(overdue_q(settings, today))
        .select_related("educator__user", "educator__municipality", "organization")
        .order_by("pk")
    )


def workplaces(*, educator_ids: Collection[int], today: dt.date) -> dict[int, list[Organization]]:
    """The organisations where each educator works today, main place first."""
    result: dict[int, list[Organization]] = defaultdict(list)
    ids = sorted(set(educator_ids))
    for start in range(0, len(ids), IDS_PER_QUERY):
        employments = (
            Employment.objects.filter(active_on(today), educator_id__in=ids[start : start + IDS_PER_QUERY])
            .select_related("organization")
            .order_by("educator_id", "-is_main", "pk")
        )
        for employment in employments:
            places = result[employment.educator_id]
            if employment.organization not in places:
                places.append(employment.organization)
    return result


def role_addresses(*, organization_ids: Iterable[int], roles: Collection[str]) -> dict[int, list[str]]:
    """The e-mail addresses of active users holding one of `roles` in each organisation."""
    result: dict[int, list[str]] = defaultdict(list)
    ids = sorted(set(organization_ids))
    for start in range(0, len(ids), IDS_PER_QUERY):
        rows = (
            Membership.objects.filter(
                organization_id__in=ids[start : start + IDS_PER_QUERY], role__in=roles, user__is_active=True
            )
            .exclude(user__email="")
            .order_by("organization_id", "user_id")
            .values_list("organization_id", "user__email")
        )
        for organization_id, email in rows:
            result[organization_id].append(email)
    return result


def educator_address(educator: object) -> str:
    """The educator's own address: the one in their record, else their account's."""
    own = getattr(educator, "email", "") or ""
    user = getattr(educator, "user", None)
    return own or (getattr(user, "email", "") if user is not None else "") or ""
