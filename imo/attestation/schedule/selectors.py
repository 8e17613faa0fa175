"""Reads of the attestation schedule: the lines a user sees, one line for editing (404 outside the scope,
403 without the permission), and the counts of the summary (one grouped query)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.http import Http404

from imo.attestation.models import ScheduleEntry
from imo.core.access import check
from imo.core.text import russian_sort_key
from imo.orgs.models import Organization
from imo.orgs.selectors import filter_by_scope
from imo.reference.models import AcademicYear
from imo.staff.models import Employment


def entries_visible_to(*, user: Any) -> QuerySet[ScheduleEntry]:
    """Lines of organisations in the user's scope (the office: its municipality; a school admin: the
    school), of educators whose data were not destroyed."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ScheduleEntry.objects.none()
    queryset = ScheduleEntry.objects.filter(educator__erased_at__isnull=True)
    return filter_by_scope(queryset, user=user, field="organization")


def _position() -> Subquery:
    """The educator's position at the line's organisation: a post in force first, then the latest."""
    posts = Employment.objects.filter(
        educator_id=OuterRef("educator_id"), organization_id=OuterRef("organization_id")
    ).order_by(F("ends_on").desc(nulls_first=True), "-is_main", F("starts_on").desc(nulls_last=True), "-pk")
    return Subquery(posts.values("position__name")[:1])


def schedule_for(
    *,
    user: Any,
    academic_year: AcademicYear,
    organization: Organization | None = None,
    kind: str | None = None,
    month: dt.date | None = None,
) -> QuerySet[ScheduleEntry]:
    """The year's lines the user sees, filtered, by month then name in Russian alphabetical order
    (`name_key`, the folded full name the staff lists sort by), with the educator, the organisation and
    the position (`position_name`) read in the same query."""
    queryset = entries_visible_to(user=user).filter(academic_year=academic_year)
    if organization is not None:
        queryset = queryset.filter(organization__path__startswith=organization.path)
    if kind:
        queryset = queryset.filter(kind=kind)
    if month is not None:
        queryset = queryset.filter(planned_month=month.replace(day=1))
    return (
        queryset.select_related("educator", "organization", "academic_year")
        .annotate(position_name=_position())
        .order_by("planned_month", "educator__name_key", "pk")
    )


def entry_get_for(*, user: Any, pk: int, permission: str = "attestation.change_schedule") -> ScheduleEntry:
    """One line if the user sees it (else 404) and holds `permission` on it (else 403)."""
    entry = (
        entries_visible_to(user=user)
        .select_related("educator", "organization", "academic_year")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("Строка графика не найдена.")
    check(user, permission, entry)
    return entry


@dataclass
class SchoolRow:
    organization_id: int
    name: str
    per_month: dict[dt.date, int] = field(default_factory=dict)
    total: int = 0


@dataclass
class ScheduleCounts:
    total: int = 0
    per_month: dict[dt.date, int] = field(default_factory=dict)
    per_kind: dict[str, int] = field(default_factory=dict)
    schools: list[SchoolRow] = field(default_factory=list)


def schedule_counts(queryset: QuerySet[ScheduleEntry]) -> ScheduleCounts:
    """Lines per month, per kind and per organisation × month, from one grouped query."""
    rows = (
        queryset.order_by()
        .values("organization_id", "organization__short_name", "planned_month", "kind")
        .annotate(n=Count("pk"))
    )
    counts = ScheduleCounts()
    per_month: dict[dt.date, int] = defaultdict(int)
    per_kind: dict[str, int] = defaultdict(int)
    schools: dict[int, SchoolRow] = {}
    for row in rows:
        n, month = row["n"], row["planned_month"]
        counts.total += n
        per_month[month] += n
        per_kind[row["kind"]] += n
        school = schools.setdefault(
            row["organization_id"],
            SchoolRow(row["organization_id"], row["organization__short_name"] or ""),
        )
        school.per_month[month] = school.per_month.get(month, 0) + n
        school.total += n
    counts.per_month = dict(sorted(per_month.items()))
    counts.per_kind = {k: per_kind[k] for k in ScheduleEntry.Kind.values if per_kind.get(k)}
    counts.schools = sorted(schools.values(), key=lambda s: (russian_sort_key(s.name), s.organization_id))
    return counts


def academic_years() -> list[AcademicYear]:
    """The years of the picker: newest first."""
    return list(AcademicYear.objects.order_by("-start_year"))
