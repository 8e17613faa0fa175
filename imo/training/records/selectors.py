"""Reads of completed courses: who sees which records, the confirmation queue, an educator's courses and
the day their next course is due (the three-year rule, imo.training.counting)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, Max, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from imo.core.access import check
from imo.core.prepared import prepared
from imo.orgs.models import OFFICE_EDITOR_ROLES, Role
from imo.orgs.selectors import paths_q, scope_paths
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on, educators_visible_to, employed_in
from imo.training import counting
from imo.training.models import CourseRecord, ProviderKind, TrainingSettings


def records_visible_to(*, user: Any) -> QuerySet[CourseRecord]:
    """Courses of every educator the user sees (office: the district; school admin: people working at
    their school; teacher: their own)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return CourseRecord.objects.none()
    if user.is_superuser:
        return CourseRecord.objects.filter(educator__erased_at__isnull=True)
    return CourseRecord.objects.filter(educator__in=educators_visible_to(user=user).values("pk"))


def record_get_for(*, user: Any, pk: int, permission: str = "training.view_record") -> CourseRecord:
    """The record if the user may see it (else 404) and holds `permission` on it (else 403)."""
    record = (
        records_visible_to(user=user)
        .select_related("educator", "educator__municipality", "provider", "programme", "confirmed_by")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404("Запись о курсе не найдена.")
    check(user, permission, record)
    return record


def record_list(*, user: Any, settings: TrainingSettings | None = None) -> QuerySet[CourseRecord]:
    """The rows of the district's list of courses (filters and order come from the table), with `flagged`:
    an "other" provider's course after the cut-off."""
    return (
        records_visible_to(user=user)
        .select_related("educator", "provider")
        .annotate(flagged=ExpressionWrapper(flagged_q(settings), output_field=BooleanField()))
    )


def flagged_q(settings: TrainingSettings | None = None) -> Q:
    """Records of an "other" provider ending after the cut-off: saved, but not counting (training.md, 3)."""
    settings = settings or TrainingSettings.current()
    return Q(provider_kind=ProviderKind.OTHER, ends_on__gt=settings.other_providers_count_until)


def working_at_q(school_id: int, on: dt.date | None = None) -> Q:
    """Records of educators holding an employment in force (today) at the school."""
    working = Employment.objects.filter(
        active_on(on or timezone.localdate()), organization_id=school_id, educator_id=OuterRef("educator_id")
    )
    return Q(Exists(working))


def pending_for(*, user: Any) -> QuerySet[CourseRecord]:
    """Records waiting for this user's confirmation: office editors — their district; school admins —
    people working at their school. Never the user's own records."""
    queryset = CourseRecord.objects.filter(
        status=CourseRecord.Status.PENDING, educator__erased_at__isnull=True
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if not user.is_superuser:
        condition = Q(pk__in=[])
        office = scope_paths(user, OFFICE_EDITOR_ROLES)
        if office:
            condition |= paths_q(office, "educator__municipality__")
        schools = scope_paths(user, {Role.SCHOOL_ADMIN})
        if schools:
            condition |= Q(educator__in=Educator.objects.filter(employed_in(schools)).values("pk"))
        queryset = queryset.filter(condition)
    return queryset.exclude(educator__user_id=user.pk)


def pending_count_for(*, user: Any) -> int:
    """How many records wait for this user's confirmation (for the home pages)."""
    return pending_for(user=user).count()


def records_of(*, educator: Educator) -> list[CourseRecord]:
    """An educator's courses, newest first, for the profile section."""
    return _RECORDS_OF(educator=educator.pk)


_RECORDS_OF = prepared(  # read for every educator card (imo/core/prepared.py)
    lambda educator: (
        CourseRecord.objects.filter(educator_id=educator)
        .select_related("provider", "programme", "confirmed_by")
        .prefetch_related("topics")
        .order_by("-ends_on", "-pk")
    ),
    educator=int,
)


@dataclass(frozen=True)
class RuleState:
    """The three-year rule for one educator on a day."""

    last_counting_end: dt.date | None
    due: dt.date | None
    overdue: bool


def rule_state(
    *,
    educator: Educator,
    records: list[CourseRecord] | None = None,
    on: dt.date | None = None,
    settings: TrainingSettings | None = None,
) -> RuleState:
    """When the educator's next course is due (counting.due_on over their counting records)."""
    settings = settings or TrainingSettings.current()
    on = on or timezone.localdate()
    if records is None:
        last = CourseRecord.objects.filter(educator=educator, counts=True).aggregate(last=Max("ends_on"))[
            "last"
        ]
    else:
        ends = [record.ends_on for record in records if record.counts]
        last = max(ends) if ends else None
    due = counting.due_on(
        last_counting_end=last, teaching_start=educator.teaching_experience_start, settings=settings
    )
    return RuleState(last_counting_end=last, due=due, overdue=counting.is_overdue(due, on))


def confirmed_records_of(educator: Any) -> list[CourseRecord]:
    """Confirmed courses, for the attestation portfolio."""
    return list(
        CourseRecord.objects.filter(educator=educator, status=CourseRecord.Status.CONFIRMED)
        .select_related("provider")
        .order_by("-ends_on", "-pk")
    )
