"""Reads of individual development plans (ИОМ): who sees which plans, the list with progress and overdue
items in one SQL statement, a plan's page, the profile section and the home-page figures.

Progress of a plan = done items / (all items − cancelled ones), in whole per cent; a plan without such
items has no progress (None). An item is overdue when its due date has passed and it is neither done nor
cancelled."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from imo.core.access import check
from imo.core.prepared import prepared
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on, educators_visible_to
from imo.training.models import CourseRecord, DevelopmentGap, DevelopmentItem, DevelopmentPlan

Plan = DevelopmentPlan
Item = DevelopmentItem
OPEN_ITEM_STATUSES = (Item.Status.PLANNED, Item.Status.IN_PROGRESS)
CURRENT_STATUSES = (Plan.Status.DRAFT, Plan.Status.ACTIVE)

#: The progress bands of the list's filter: (value, label, lowest %, highest %); "none" = no items.
PROGRESS_BANDS: tuple[tuple[str, str, int, int], ...] = (
    ("0", "0 %", 0, 0),
    ("1-49", "1–49 %", 1, 49),
    ("50-99", "50–99 %", 50, 99),
    ("100", "100 %", 100, 100),
)
NO_ITEMS = "none"


def progress_percent(done: int, counted: int) -> int | None:
    """Done / (all − cancelled) in whole per cent (rounded down, as the database computes it)."""
    return None if counted <= 0 else done * 100 // counted


# --- scope ----------------------------------------------------------------------------------------


def plans_visible_to(*, user: Any) -> QuerySet[Plan]:
    """Plans of the educators the user sees: the office its district, a school admin their school's
    current staff, a teacher their own."""
    queryset = Plan.objects.filter(educator__erased_at__isnull=True)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(educator__in=educators_visible_to(user=user).values("pk"))


def plan_get_for(*, user: Any, pk: int, permission: str = "training.view_development_plan") -> Plan:
    """The plan if the user may see it (else 404) and holds `permission` on it (else 403)."""
    plan = (
        plans_visible_to(user=user)
        .select_related("educator", "educator__municipality", "mentor", "created_by")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404("Индивидуальный образовательный маршрут не найден.")
    check(user, permission, plan)
    return plan


# --- the list -------------------------------------------------------------------------------------


def _count(condition: Q) -> Coalesce:
    counts = (
        Item.objects.filter(condition, plan_id=OuterRef("pk"))
        .order_by()
        .values("plan_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def school_subquery(on: dt.date, educator_ref: str = "educator_id") -> Subquery:
    """The short name of the educator's current workplace (the main one first)."""
    label = Case(
        When(organization__short_name="", then=F("organization__name")),
        default=F("organization__short_name"),
        output_field=CharField(),
    )
    rows = (
        Employment.objects.filter(active_on(on), educator_id=OuterRef(educator_ref))
        .annotate(label=label)
        .order_by("-is_main", "-starts_on", "pk")
        .values("label")[:1]
    )
    return Subquery(rows, output_field=CharField())


def with_progress(queryset: QuerySet[Plan], on: dt.date | None = None) -> QuerySet[Plan]:
    """Each plan with items_total (all but cancelled), items_done, items_overdue, progress (or None)
    and school (the educator's current workplace): subqueries, so one statement whatever the rows."""
    on = on or timezone.localdate()
    return queryset.annotate(
        items_total=_count(~Q(status=Item.Status.CANCELLED)),
        items_done=_count(Q(status=Item.Status.DONE)),
        items_overdue=_count(Q(status__in=OPEN_ITEM_STATUSES, due_on__lt=on)),
        school=school_subquery(on),
    ).annotate(
        progress=Case(
            When(items_total=0, then=Value(None)),
            default=F("items_done") * 100 / F("items_total"),
            output_field=IntegerField(),
        )
    )


def plan_list(*, user: Any, on: dt.date | None = None) -> QuerySet[Plan]:
    return with_progress(plans_visible_to(user=user), on).select_related("educator", "mentor")


def filter_progress_band(queryset: QuerySet[Plan], band: str) -> QuerySet[Plan]:
    """Plans whose progress falls in a band of PROGRESS_BANDS (compared without division)."""
    if band == NO_ITEMS:
        return queryset.filter(Q(items_total=0))
    queryset = queryset.annotate(done_x100=F("items_done") * 100)
    for value, _label, low, high in PROGRESS_BANDS:
        if value == band:
            # floor(100·done / total) in [low, high]  ⇔  low·total ≤ 100·done < (high + 1)·total
            return queryset.filter(
                Q(items_total__gt=0)
                & Q(done_x100__gte=F("items_total") * low)
                & Q(done_x100__lt=F("items_total") * (high + 1))
            )
    return queryset


def filter_school(queryset: QuerySet[Plan], school_id: int, on: dt.date | None = None) -> QuerySet[Plan]:
    working = Employment.objects.filter(
        active_on(on or timezone.localdate()), educator_id=OuterRef("educator_id"), organization_id=school_id
    )
    return queryset.filter(Exists(working))


def items_of_plans(plan_ids: list[int]) -> QuerySet[Item]:
    """Items of the given plans for the export's second sheet (one query)."""
    return (
        Item.objects.filter(plan_id__in=plan_ids)
        .select_related("plan", "plan__educator", "gap", "programme", "course_record")
        .order_by("plan__educator__name_key", "plan_id", "due_on", "pk")
    )


# --- one plan -------------------------------------------------------------------------------------


@dataclass
class ItemGroup:
    status: str
    label: str
    items: list[Item] = field(default_factory=list)


@dataclass
class PlanView:
    plan: Plan
    gaps: list[DevelopmentGap]
    groups: list[ItemGroup]
    done: int
    counted: int
    overdue: int

    @property
    def progress(self) -> int | None:
        return progress_percent(self.done, self.counted)

    @property
    def items(self) -> list[Item]:
        return [item for group in self.groups for item in group.items]


def plan_view(plan: Plan, on: dt.date | None = None) -> PlanView:
    """A plan's gaps and items (items grouped by status, in the order of the statuses): two queries."""
    on = on or timezone.localdate()
    gaps = list(plan.gaps.all())
    items = list(plan.items.select_related("gap", "programme", "programme__provider", "course_record"))
    groups = [ItemGroup(value, str(label)) for value, label in Item.Status.choices]
    by_status = {group.status: group for group in groups}
    overdue = 0
    for item in items:
        item.overdue = item.status in OPEN_ITEM_STATUSES and item.due_on < on  # type: ignore[attr-defined]
        overdue += item.overdue  # type: ignore[attr-defined]
        by_status[item.status].items.append(item)
    done = len(by_status[Item.Status.DONE].items)
    counted = len(items) - len(by_status[Item.Status.CANCELLED].items)
    return PlanView(plan, gaps, groups, done, counted, overdue)


_IS_CURRENT = Q(status__in=CURRENT_STATUSES)
_CURRENT_PLAN_KEY = prepared(  # asked for every educator card (imo/core/prepared.py)
    lambda educator: (
        Plan.objects.filter(educator_id=educator)
        .order_by(
            Case(When(_IS_CURRENT, then=Value(0)), default=Value(1)),
            Case(When(_IS_CURRENT, then=F("status")), default=Value("")),
            "-starts_on",
            "-pk",
        )
        .values_list("pk", flat=True)[:1]
    ),
    educator=int,
)


def plan_current_of(*, educator: Educator, on: dt.date | None = None) -> Plan | None:
    """The educator's current plan (in progress, else the newest draft; else the newest completed one),
    with its progress figures.

    The plan is found by a plain query first and only then read with its progress (four subqueries):
    the profile page asks this for every educator it shows, and most have no plan."""
    found = _CURRENT_PLAN_KEY.first(educator=educator.pk)
    if found is None:
        return None
    return with_progress(Plan.objects.filter(pk=found), on).select_related("mentor").first()


def plans_of(*, educator: Educator) -> list[Plan]:
    return list(with_progress(Plan.objects.filter(educator=educator)).order_by("-starts_on", "-pk"))


def course_records_for(*, plan: Plan) -> QuerySet[CourseRecord]:
    """The educator's courses an item may be linked to (not rejected), newest first."""
    return CourseRecord.objects.filter(educator_id=plan.educator_id).exclude(
        status=CourseRecord.Status.REJECTED
    )


# --- home page ------------------------------------------------------------------------------------


def home_summary_for(*, user: Any, on: dt.date | None = None) -> dict[str, Any]:
    """Figures for the home page (the integrator wires them), in a fixed number of queries:

    - active_plans: plans in progress the user sees (None for those without the list);
    - plans_with_overdue: current plans (draft or in progress) with at least one overdue item (same);
    - own_plan_id, own_progress, own_overdue: for a teacher, their current plan (None, None, 0 when none).
    """
    on = on or timezone.localdate()
    summary: dict[str, Any] = {
        "active_plans": None,
        "plans_with_overdue": None,
        "own_plan_id": None,
        "own_progress": None,
        "own_overdue": 0,
    }
    if not getattr(user, "is_authenticated", False):
        return summary
    if user.has_perm("training.view_development_plans"):
        overdue = Exists(
            Item.objects.filter(plan_id=OuterRef("pk"), status__in=OPEN_ITEM_STATUSES, due_on__lt=on)
        )
        counts = plans_visible_to(user=user).aggregate(
            active=Count("pk", filter=Q(status=Plan.Status.ACTIVE)),
            overdue=Count("pk", filter=Q(overdue, status__in=CURRENT_STATUSES)),
        )
        summary["active_plans"] = counts["active"]
        summary["plans_with_overdue"] = counts["overdue"]
    own = (
        with_progress(Plan.objects.filter(educator__user_id=user.pk, educator__erased_at__isnull=True), on)
        .filter(status__in=CURRENT_STATUSES)
        .order_by("status", "-starts_on", "-pk")
        .first()
    )
    if own is not None:
        summary["own_plan_id"] = own.pk
        summary["own_progress"] = own.progress  # type: ignore[attr-defined]
        summary["own_overdue"] = own.items_overdue  # type: ignore[attr-defined]
    return summary
