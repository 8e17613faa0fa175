"""Reads of the district's training plan: the plans a user sees, one plan (404 outside the scope, 403
without the permission), its lines with quotas and nominations, the forecast next to each school, the
plan-vs-done figures, and the home-page summary. Each read runs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import importlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from imo.core.access import check
from imo.core.text import russian_sort_key
from imo.orgs.models import OFFICE_EDITOR_ROLES, OFFICE_ROLES, Organization, Role
from imo.orgs.selectors import has_role, paths_q, scope_paths
from imo.reference.selectors import academic_year_current
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on, employed_in
from imo.training.models import CourseRecord, Nomination, PlanLine, PlanQuota, TrainingPlan

#: Nominations that hold a place of the quota (a rejected one frees it).
HOLDING = (Nomination.Status.NOMINATED, Nomination.Status.APPROVED)


# --- who sees what ---------------------------------------------------------------------------------


def is_office(user: Any) -> bool:
    """The office (observers included) or the superuser: sees every school of a plan."""
    return bool(getattr(user, "is_superuser", False) and user.is_active) or has_role(user, OFFICE_ROLES)


def is_office_editor(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active) or has_role(
        user, OFFICE_EDITOR_ROLES
    )


def admin_school_paths(user: Any) -> list[str]:
    return scope_paths(user, {Role.SCHOOL_ADMIN})


def _ancestor_paths(path: str) -> list[str]:
    """ "000001/000002/000003/" → ["000001/", "000001/000002/", "000001/000002/000003/"]."""
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def plans_visible_to(*, user: Any) -> QuerySet[TrainingPlan]:
    """The office: plans of the municipalities in its scope; a school admin: the plans (not drafts) of the
    municipality their school belongs to."""
    queryset = TrainingPlan.objects.select_related("municipality", "academic_year")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    condition = Q(pk__in=[])
    office = scope_paths(user, OFFICE_ROLES)
    if office:
        condition |= paths_q(office, "municipality__")
    ancestors = {a for path in admin_school_paths(user) for a in _ancestor_paths(path)}
    if ancestors:
        condition |= Q(municipality__path__in=ancestors) & ~Q(status=TrainingPlan.Status.DRAFT)
    return queryset.filter(condition)


def plan_get_for(*, user: Any, pk: int, permission: str = "training.view_plans") -> TrainingPlan:
    plan = plans_visible_to(user=user).filter(pk=pk).first()
    if plan is None:
        raise Http404("План не найден.")
    check(user, permission, plan)
    return plan


def line_get_for(*, user: Any, pk: int, permission: str = "training.view_plans") -> PlanLine:
    line = (
        PlanLine.objects.select_related("programme", "provider", "plan")
        .filter(pk=pk, plan__in=plans_visible_to(user=user))
        .first()
    )
    if line is None:
        raise Http404("Строка плана не найдена.")
    check(user, permission, line.plan)
    return line


def nomination_get_for(*, user: Any, pk: int) -> Nomination:
    """A nomination of a plan the user sees; a school admin only their school's (else 404)."""
    nomination = (
        Nomination.objects.select_related("line__plan", "educator", "school")
        .filter(pk=pk, line__plan__in=plans_visible_to(user=user))
        .first()
    )
    if nomination is None or not school_visible(user, nomination.school):
        raise Http404("Кандидат не найден.")
    check(user, "training.view_plans", nomination.line.plan)
    return nomination


def school_visible(user: Any, school: Organization) -> bool:
    if is_office(user):
        return True
    return any(school.path.startswith(path) for path in admin_school_paths(user))


def plan_schools(plan: TrainingPlan, *, user: Any | None = None) -> list[Organization]:
    """The schools of the plan's municipality (active educational organisations), in Russian order; for a
    school admin only their own."""
    queryset = (
        Organization.objects.filter(
            path__startswith=plan.municipality.path, status=Organization.Status.ACTIVE
        )
        .exclude(kind__in=[Organization.Kind.REGION, Organization.Kind.MUNICIPALITY])
        .only("pk", "name", "short_name", "path", "director", "kind")
    )
    if user is not None and not is_office(user):
        queryset = queryset.filter(paths_q(admin_school_paths(user)))
    return sorted(queryset, key=lambda o: russian_sort_key(o.short_name or o.name))


# --- the plan page --------------------------------------------------------------------------------


def plan_lines(plan: TrainingPlan, *, school_ids: Iterable[int] | None = None) -> list[PlanLine]:
    """Lines with programme, provider, subjects, quotas and nominations (only of `school_ids` when given),
    in the plan's order. Four queries whatever the size."""
    quotas = PlanQuota.objects.select_related("school")
    nominations = Nomination.objects.select_related("educator", "school").order_by(
        "school_id", "educator__name_key", "pk"
    )
    if school_ids is not None:
        ids = list(school_ids)
        quotas = quotas.filter(school_id__in=ids)
        nominations = nominations.filter(school_id__in=ids)
    return list(
        plan.lines.select_related("programme", "provider").prefetch_related(
            "subjects",
            Prefetch("quotas", queryset=quotas, to_attr="shown_quotas"),
            Prefetch("nominations", queryset=nominations, to_attr="shown_nominations"),
        )
    )


def holding_count(line: PlanLine, school: Organization) -> int:
    return Nomination.objects.filter(line=line, school=school, status__in=HOLDING).count()


def nominees_for(line: PlanLine, school: Organization) -> QuerySet[Educator]:
    """Educators working now at the school who are not yet nominated on the line, in Russian order."""
    taken = Nomination.objects.filter(line=line).values("educator_id")
    return (
        Educator.objects.filter(employed_in([school.path]), erased_at__isnull=True)
        .exclude(pk__in=taken)
        .order_by("name_key", "pk")
    )


# --- the forecast ---------------------------------------------------------------------------------


def forecast_counts(*, user: Any, plan: TrainingPlan) -> dict[int, int]:
    """{school id: educators who will be overdue by the end of the plan's academic year}, from the
    compliance part (`imo.training.compliance.selectors.due_counts_by_school`); empty while that part is
    not installed."""
    try:
        module = importlib.import_module("imo.training.compliance.selectors")
    except ImportError:
        return {}
    function = getattr(module, "due_counts_by_school", None)
    if function is None:
        return {}
    counts: Mapping[Any, Any] = function(user=user, by_date=plan.academic_year.ends_on)
    return {int(getattr(key, "pk", key)): int(value or 0) for key, value in counts.items()}


# --- plan vs done -----------------------------------------------------------------------------------


@dataclass
class Person:
    educator_id: int
    name: str
    status: str = ""  # the nomination's status display ("" when not nominated)
    done_on: dt.date | None = None  # the end of the course record against the line


@dataclass
class SchoolProgress:
    school: Organization
    quota: int = 0
    nominated: int = 0  # holding a place: nominated or approved
    approved: int = 0
    done: int = 0
    nominees: list[Person] = field(default_factory=list)
    unplanned: list[Person] = field(default_factory=list)  # completed without a nomination

    @property
    def done_nominated(self) -> int:
        return sum(1 for p in self.nominees if p.done_on is not None)


@dataclass
class Totals:
    quota: int = 0
    nominated: int = 0
    approved: int = 0
    done: int = 0

    def add(self, row: SchoolProgress | Totals) -> None:
        self.quota += row.quota
        self.nominated += row.nominated
        self.approved += row.approved
        self.done += row.done

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.quota) if self.quota else None


@dataclass
class LineProgress:
    line: PlanLine
    number: int
    schools: list[SchoolProgress]
    totals: Totals
    import_url: str = ""  # set by the page for those who may import the provider's list


@dataclass
class PlanProgress:
    lines: list[LineProgress]
    schools: list[tuple[Organization, Totals]]  # per school over all lines
    totals: Totals


def _current_schools(educator_ids: set[int], plan: TrainingPlan, on: dt.date) -> dict[int, int]:
    """{educator id: school id} of the employment in force (main first) within the plan's municipality."""
    if not educator_ids:
        return {}
    rows = (
        Employment.objects.filter(
            active_on(on),
            educator_id__in=educator_ids,
            organization__path__startswith=plan.municipality.path,
        )
        .order_by("educator_id", "-is_main", F("starts_on").asc(nulls_last=True), "pk")
        .values_list("educator_id", "organization_id")
    )
    found: dict[int, int] = {}
    for educator_id, organization_id in rows:
        found.setdefault(educator_id, organization_id)
    return found


class _Cells:
    """The (line, school) cells of plan vs done, created on first use for the schools shown."""

    def __init__(self, schools: list[Organization], quotas: dict[tuple[int, int], int]) -> None:
        self.by_id = {s.pk: s for s in schools}
        self.quotas = quotas
        self.cells: dict[tuple[int, int], SchoolProgress] = {}
        self.people: dict[tuple[int, int], Person] = {}
        for line_id, school_id in quotas:
            self.get(line_id, school_id)

    def get(self, line_id: int, school_id: int | None) -> SchoolProgress | None:
        school = self.by_id.get(school_id) if school_id is not None else None
        if school is None:
            return None
        key = (line_id, school.pk)
        if key not in self.cells:
            self.cells[key] = SchoolProgress(school, quota=self.quotas.get(key, 0))
        return self.cells[key]

    def nominate(self, nomination: Nomination) -> None:
        target = self.get(nomination.line_id, nomination.school_id)
        if target is None:
            return
        person = Person(
            nomination.educator_id, nomination.educator.full_name, nomination.get_status_display()
        )
        self.people[(nomination.line_id, nomination.educator_id)] = person
        if nomination.status in HOLDING:
            target.nominated += 1
            target.nominees.append(person)
        if nomination.status == Nomination.Status.APPROVED:
            target.approved += 1

    def complete(
        self, record: CourseRecord, nomination: Nomination | None, current_school: int | None
    ) -> None:
        line_id = record.plan_line_id
        assert line_id is not None
        if nomination is None:
            target = self.get(line_id, current_school)
            if target is not None:
                target.done += 1
                target.unplanned.append(
                    Person(record.educator_id, record.educator.full_name, "", record.ends_on)
                )
            return
        target = self.get(line_id, nomination.school_id)
        if target is None:
            return
        target.done += 1
        person = self.people[(line_id, record.educator_id)]
        person.done_on = record.ends_on
        if nomination.status not in HOLDING:  # completed although rejected: shown as unplanned
            target.unplanned.append(person)


def plan_progress(plan: TrainingPlan, *, user: Any, on: dt.date | None = None) -> PlanProgress:
    """Per line and per school: quota, nominated, approved, done. Done = course records against the line
    (not rejected), counted at the nominating school, or at the educator's current school when the
    educator was not nominated on that line. A school admin gets their school only. Six queries."""
    on = on or timezone.localdate()
    schools = plan_schools(plan, user=user)
    lines = list(plan.lines.select_related("programme", "provider"))
    quotas = {
        (q.line_id, q.school_id): q.places for q in PlanQuota.objects.filter(line__plan=plan).order_by()
    }
    nominations = list(
        Nomination.objects.filter(line__plan=plan)
        .select_related("educator")
        .order_by("educator__name_key", "pk")
    )
    records = list(
        CourseRecord.objects.filter(plan_line__plan=plan)
        .exclude(status=CourseRecord.Status.REJECTED)
        .select_related("educator")
        .order_by("ends_on", "pk")
    )
    nominated_at = {(n.line_id, n.educator_id): n for n in nominations}
    unplanned_ids = {r.educator_id for r in records if (r.plan_line_id, r.educator_id) not in nominated_at}
    current = _current_schools(unplanned_ids, plan, on)
    cells = _Cells(schools, quotas)
    for nomination in nominations:
        cells.nominate(nomination)
    seen: set[tuple[Any, int]] = set()
    for record in records:
        key = (record.plan_line_id, record.educator_id)
        if key not in seen:  # one educator counts once per line
            seen.add(key)
            cells.complete(record, nominated_at.get(key), current.get(record.educator_id))  # type: ignore[arg-type]
    return _summed(lines, schools, cells.cells)


def _summed(
    lines: list[PlanLine], schools: list[Organization], cells: dict[tuple[int, int], SchoolProgress]
) -> PlanProgress:
    order = {s.pk: n for n, s in enumerate(schools)}
    per_school: dict[int, Totals] = defaultdict(Totals)
    grand = Totals()
    rows = []
    for number, line in enumerate(lines, start=1):
        line_cells = sorted(
            (c for (line_id, _), c in cells.items() if line_id == line.pk), key=lambda c: order[c.school.pk]
        )
        totals = Totals()
        for c in line_cells:
            totals.add(c)
            per_school[c.school.pk].add(c)
        grand.add(totals)
        rows.append(LineProgress(line, number, line_cells, totals))
    school_rows = [(s, per_school[s.pk]) for s in schools if s.pk in per_school]
    return PlanProgress(rows, school_rows, grand)


# --- the home pages ---------------------------------------------------------------------------------


def current_plan_for(*, user: Any, on: dt.date | None = None) -> TrainingPlan | None:
    """The plan of the current academic year the user sees (the office's own municipality first)."""
    year = academic_year_current(on)
    if year is None:
        return None
    return plans_visible_to(user=user).filter(academic_year=year).order_by("municipality__path", "pk").first()


def home_plan_for(*, user: Any) -> dict[str, Any] | None:
    """The current plan for a home page: for a school admin the places left to nominate and the deadline,
    for the office the nominations waiting for a decision. None without a plan or a role that sees it."""
    if not user.has_perm("training.view_plans"):
        return None
    plan = current_plan_for(user=user)
    if plan is None:
        return None
    result: dict[str, Any] = {
        "plan": plan,
        "title": str(plan),
        "url": reverse("training:plan", args=[plan.pk]),
        "status": plan.status,
        "status_display": plan.get_status_display(),
        "nominations_until": plan.nominations_until,
    }
    if is_office(user):
        result["waiting"] = Nomination.objects.filter(
            line__plan=plan, status=Nomination.Status.NOMINATED
        ).count()
        return result
    paths = admin_school_paths(user)
    places = sum(
        PlanQuota.objects.filter(paths_q(paths, "school__"), line__plan=plan).values_list("places", flat=True)
    )
    taken = Nomination.objects.filter(paths_q(paths, "school__"), line__plan=plan, status__in=HOLDING).count()
    result["places"] = places
    result["places_left"] = max(places - taken, 0)
    result["can_nominate"] = plan.status == TrainingPlan.Status.NOMINATING and (
        plan.nominations_until is None or plan.nominations_until >= timezone.localdate()
    )
    return result
