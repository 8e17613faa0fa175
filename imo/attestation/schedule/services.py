"""Writes of the attestation schedule (issue #5, item 4).

`schedule_build` fills a year's schedule from the due lists (imo.attestation.due) on the first day of the
academic year; re-running it adds only the lines that are missing and never touches a line a person
changed. `entry_save` / `entry_delete` are the manual edits, with Russian validation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone

from imo.attestation import due
from imo.attestation.models import (
    AttestationSettings,
    ConformityAttestation,
    QualificationCategory,
    ScheduleEntry,
    add_years,
)
from imo.orgs.models import OFFICE_EDITOR_ROLES, Organization, Role
from imo.orgs.selectors import paths_q, scope_paths
from imo.reference.models import AcademicYear
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on, educators_visible_to

Kind = ScheduleEntry.Kind
BATCH = 2000
# Attestation commissions do not sit in summer: the built schedule plans September to May.
LAST_PLANNED_MONTH = 5

MSG_MONTH_OUTSIDE = "Месяц должен входить в {year} учебный год: с {first} по {last}."
MSG_EDUCATOR_OUTSIDE = "Этот педагог не работает в организациях, график которых вы ведёте."

MONTHS_NOMINATIVE = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


def month_label(month: dt.date) -> str:
    """2026-10-01 → «октябрь 2026»."""
    return f"{MONTHS_NOMINATIVE[month.month - 1]} {month.year}"


# --- pure rules -------------------------------------------------------------------------------------


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def year_months(year: AcademicYear) -> list[dt.date]:
    """Every month of the academic year (September to August), as first days."""
    months, month = [], first_of_month(year.starts_on)
    while month <= year.ends_on:
        months.append(month)
        month = due.add_months(month, 1)
    return months


def planning_bounds(year: AcademicYear) -> tuple[dt.date, dt.date]:
    """The first and the last month a built line may fall in: September to May of the year."""
    first = first_of_month(year.starts_on)
    last = first_of_month(year.ends_on)
    may = dt.date(first.year + 1, LAST_PLANNED_MONTH, 1)
    return first, min(last, may) if may >= first else last


def clamp_month(day: dt.date, year: AcademicYear) -> dt.date:
    """The month of `day`, moved into September–May of the academic year (overdue → September,
    summer → May)."""
    first, last = planning_bounds(year)
    return min(max(first_of_month(day), first), last)


#: Overdue conformity attestations are spread over the first term (September–December), so a school
#: commission meets a few people a month instead of everyone in September.
OVERDUE_SPREAD_MONTHS = 4


def conformity_month(
    *,
    year: AcademicYear,
    last_conformity: dt.date | None,
    position_start: dt.date | None,
    educator_id: int = 0,
) -> dt.date:
    """The month the five years run out (counted from the later of the last attestation and the start in
    the position), clamped into the year. Already overdue (or no date known): one of the first term's months,
    chosen by the educator's id so that re-runs give the same month."""
    first, _last = planning_bounds(year)
    anchor = due.conformity_anchor(last_conformity, position_start)
    runs_out = add_years(anchor, due.CONFORMITY_PERIOD_YEARS) if anchor else None
    if runs_out is None or runs_out < first:
        return due.add_months(first, educator_id % OVERDUE_SPREAD_MONTHS)
    return clamp_month(runs_out, year)


def category_month(*, year: AcademicYear, valid_until: dt.date, months_before: int) -> dt.date:
    """Applications are taken no earlier than `months_before` months before the category expires: that
    month, clamped into the year."""
    return clamp_month(due.add_months(valid_until, -months_before), year)


# --- building the schedule ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildSummary:
    added: int
    kept: int  # lines that were already there (as a person left them)


@dataclass(frozen=True)
class _Planned:
    educator_id: int
    kind: str
    month: dt.date


def _candidates(by: Any | None) -> QuerySet[Educator]:
    if by is None:
        return Educator.objects.filter(erased_at__isnull=True)
    return educators_visible_to(user=by)


def _working_in(on: dt.date, paths: Sequence[str]) -> QuerySet[Employment]:
    return Employment.objects.filter(active_on(on), paths_q(paths, "organization__"))


def _listed(key: str, *, on: dt.date, paths: Sequence[str], by: Any | None) -> QuerySet[Educator]:
    """The educators of one due list on `on` who work in the subtrees `paths` (the due page's rule)."""
    working = _working_in(on, paths).values("educator_id")
    return (
        _candidates(by).filter(pk__in=working).filter(due.list_condition(key, on=on, paths=paths, months=12))
    )


def _main_posts(on: dt.date, paths: Sequence[str]) -> dict[int, tuple[int, Any]]:
    """{educator_id: (organization_id, starts_on)} of the employment the due lists report, for everyone
    working in the scope: the main one first, then the earliest. One plain read (no list condition):
    cheaper than asking the lists again, even for the whole region."""
    rows = (
        _working_in(on, paths)
        .order_by("educator_id", "-is_main", F("starts_on").asc(nulls_last=True), "pk")
        .values_list("educator_id", "organization_id", "starts_on")
    )
    posts: dict[int, tuple[int, Any]] = {}
    for educator_id, organization_id, starts_on in rows.iterator(chunk_size=BATCH):
        posts.setdefault(educator_id, (organization_id, starts_on))
    return posts


def _conformity_lines(
    year: AcademicYear, *, on: dt.date, paths: Sequence[str], by: Any | None, posts: dict[int, Any]
) -> list[_Planned]:
    """One line per educator whose conformity attestation falls due by the end of the year, in the month
    the five years run out."""
    listed = _listed("conformity", on=on, paths=paths, by=by)
    last = dict(
        ConformityAttestation.objects.filter(
            date__lte=on, educator__in=_working_in(on, paths).values("educator_id")
        )
        .order_by()
        .values("educator_id")
        .annotate(last=Max("date"))
        .values_list("educator_id", "last")
    )
    lines = []
    for educator_id in listed.values_list("pk", flat=True).iterator(chunk_size=BATCH):
        start = posts.get(educator_id, (None, None))[1]
        month = conformity_month(
            year=year, last_conformity=last.get(educator_id), position_start=start, educator_id=educator_id
        )
        lines.append(_Planned(educator_id, Kind.CONFORMITY, month))
    return lines


def _category_lines(
    year: AcademicYear, *, on: dt.date, paths: Sequence[str], by: Any | None
) -> list[_Planned]:
    """One line per educator whose category runs out within the year: the kind of the category that ends
    last (the one they would lose), planned `apply_months_before_expiry` months before it ends."""
    horizon = due.add_months(on, 12)
    months_before = AttestationSettings.current().apply_months_before_expiry
    listed = _listed("expiring", on=on, paths=paths, by=by)
    ending = (
        QualificationCategory.objects.filter(
            educator_id__in=listed.values("pk"),
            awarded_on__lte=on,
            valid_until__gte=on,
            valid_until__lte=horizon,
        )
        .order_by("educator_id", "-valid_until", "-pk")
        .values_list("educator_id", "kind", "valid_until")
    )
    chosen: dict[int, tuple[str, dt.date]] = {}
    for educator_id, kind, valid_until in ending.iterator(chunk_size=BATCH):
        if valid_until is not None:  # always: the filter asks for an end date
            chosen.setdefault(educator_id, (kind, valid_until))
    return [
        _Planned(educator_id, kind, category_month(year=year, valid_until=until, months_before=months_before))
        for educator_id, (kind, until) in chosen.items()
    ]


@transaction.atomic
def schedule_build(
    *, academic_year: AcademicYear, organizations: Sequence[Organization], by: Any | None = None
) -> BuildSummary:
    """Fill the year's schedule for the organisations (and everything under them) from the due lists on
    the first day of the year: conformity attestation due this year, categories ending within it. Adds
    only the missing lines (year + educator + kind); lines already there are kept as they are. `by`
    limits the educators to those the user sees (None: everyone, for the demo and chores). A fixed
    number of queries whatever the size of the scope."""
    paths = [organization.path for organization in organizations]
    if not paths:
        return BuildSummary(0, 0)
    on = academic_year.starts_on
    posts = _main_posts(on, paths)
    planned = _conformity_lines(academic_year, on=on, paths=paths, by=by, posts=posts)
    planned += _category_lines(academic_year, on=on, paths=paths, by=by)
    existing = set(
        ScheduleEntry.objects.filter(academic_year=academic_year).values_list("educator_id", "kind")
    )
    new = [
        ScheduleEntry(
            academic_year=academic_year,
            educator_id=line.educator_id,
            organization_id=posts[line.educator_id][0],
            kind=line.kind,
            planned_month=line.month,
        )
        for line in planned
        if (line.educator_id, line.kind) not in existing and line.educator_id in posts
    ]
    ScheduleEntry.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    return BuildSummary(added=len(new), kept=len(planned) - len(new))


# --- manual edits -------------------------------------------------------------------------------------


def editable_paths(user: Any) -> list[str]:
    """The subtrees whose schedule the user keeps: an office editor's municipality, a school admin's
    school; everything for a superuser."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return [""]
    return sorted(set(scope_paths(user, OFFICE_EDITOR_ROLES)) | set(scope_paths(user, {Role.SCHOOL_ADMIN})))


def educator_post(*, educator: Educator, user: Any, on: dt.date) -> int | None:
    """The organisation a manual line belongs to: the educator's employment in force on `on` in the
    user's editable scope, the main one first."""
    paths = editable_paths(user)
    if not paths or not educators_visible_to(user=user).filter(pk=educator.pk).exists():
        return None
    condition = Q() if paths == [""] else paths_q(paths, "organization__")
    return (
        Employment.objects.filter(condition, active_on(on), educator_id=educator.pk)
        .order_by("-is_main", F("starts_on").asc(nulls_last=True), "pk")
        .values_list("organization_id", flat=True)
        .first()
    )


def _month_clean(month: dt.date | None, year: AcademicYear) -> list[str]:
    if month is None:
        return []
    first, last = first_of_month(year.starts_on), first_of_month(year.ends_on)
    if first <= first_of_month(month) <= last:
        return []
    return [MSG_MONTH_OUTSIDE.format(year=year.name, first=month_label(first), last=month_label(last))]


@transaction.atomic
def entry_save(
    *,
    entry: ScheduleEntry | None = None,
    academic_year: AcademicYear,
    educator: Educator,
    kind: str,
    planned_month: dt.date,
    note: str = "",
    by: Any,
    on: dt.date | None = None,
) -> ScheduleEntry:
    """Add a line or change one. The line belongs to the organisation where the educator works in the
    user's scope (kept when the educator does not change)."""
    errors: dict[str, list[str]] = {}
    entry = entry or ScheduleEntry()
    if entry.pk is None or entry.educator_id != educator.pk:
        organization_id = educator_post(educator=educator, user=by, on=on or timezone.localdate())
        if organization_id is None:
            errors["educator"] = [MSG_EDUCATOR_OUTSIDE]
        else:
            entry.organization_id = organization_id
    if month_errors := _month_clean(planned_month, academic_year):
        errors["planned_month"] = month_errors
    if errors:
        raise ValidationError(errors)
    entry.academic_year = academic_year
    entry.educator = educator
    entry.kind = kind
    entry.planned_month = first_of_month(planned_month)
    entry.note = note.strip()
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def entry_delete(*, entry: ScheduleEntry, by: Any | None = None) -> None:
    entry.delete()
