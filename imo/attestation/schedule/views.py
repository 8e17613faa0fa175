"""Pages of the attestation schedule (issue #5, item 4): the year's schedule with its filters, counts and
exports; building it from the due lists; adding, changing and deleting lines.

Query of the list and the exports: `year` (AcademicYear id; the current one by default), `org` (one
organisation among the user's choices: the office's schools; ignored for a school admin, who sees their
school), `kind`, `month` («2026-10»). Ids outside the user's scope are ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from imo.attestation.models import AttestationSettings, ScheduleEntry
from imo.attestation.schedule import selectors, services
from imo.attestation.schedule.documents import ScheduleHeading, schedule_docx
from imo.attestation.schedule.forms import BuildForm, EntryForm, month_value, parse_month
from imo.core.access import AppRequest, check, requires
from imo.core.documents.downloads import attachment
from imo.core.documents.rendering import DocumentError
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.forms import add_service_errors
from imo.core.paging import paginate
from imo.core.templatetags.imo import plural_ru
from imo.orgs.models import OFFICE_EDITOR_ROLES, OFFICE_ROLES, Organization, Role
from imo.orgs.selectors import memberships_of, paths_q
from imo.reference.models import AcademicYear
from imo.reference.selectors import academic_year_current
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on, educators_visible_to
from imo.staff.statistics import statistics_organizations

VIEW = "attestation.view_schedule"
CHANGE = "attestation.change_schedule"
PAGE_TITLE = "График аттестации"
KIND_LABELS = dict(ScheduleEntry.Kind.choices)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- the query -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleQuery:
    years: list[AcademicYear]
    year: AcademicYear | None
    organizations: list[Organization]  # the school filter's choices (empty for a single school)
    organization: Organization | None
    kind: str
    month: dt.date | None

    def params(self, **override: Any) -> dict[str, Any]:
        values: dict[str, Any] = {
            "year": self.year.pk if self.year else "",
            "org": self.organization.pk if self.organization else "",
            "kind": self.kind,
            "month": month_value(self.month) if self.month else "",
        }
        values.update(override)
        return {k: v for k, v in values.items() if v not in ("", None)}

    def query_string(self, **override: Any) -> str:
        return urlencode(self.params(**override))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() and len(value) < 12 else None


def _default_year(years: list[AcademicYear]) -> AcademicYear | None:
    current = academic_year_current()
    if current is not None:
        return next((y for y in years if y.pk == current.pk), current)
    return years[0] if years else None


def _query(user: Any, data: QueryDict) -> ScheduleQuery:
    years = selectors.academic_years()
    year_id = _int(data.get("year"))
    year = next((y for y in years if y.pk == year_id), None) or _default_year(years)
    choices = list(statistics_organizations(user=user))
    org_id = _int(data.get("org"))
    organization = next((o for o in choices if o.pk == org_id), None)
    kind = data.get("kind", "")
    kind = kind if kind in ScheduleEntry.Kind.values else ""
    month = parse_month(data.get("month", ""))
    if month is not None and (year is None or month not in services.year_months(year)):
        month = None
    return ScheduleQuery(years, year, choices if len(choices) > 1 else [], organization, kind, month)


def _entries(user: Any, query: ScheduleQuery) -> Any:
    assert query.year is not None
    return selectors.schedule_for(
        user=user,
        academic_year=query.year,
        organization=query.organization,
        kind=query.kind or None,
        month=query.month,
    )


def _build_roots(user: Any) -> list[Organization]:
    """The organisations a build without a chosen school covers: the office editor's municipality, the
    school admin's school (the widest first, nested ones dropped); the top of the tree for a superuser."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return list(Organization.objects.filter(parent__isnull=True).order_by("pk"))
    wanted = set(OFFICE_EDITOR_ROLES) | {Role.SCHOOL_ADMIN}
    found = {m.organization.path: m.organization for m in memberships_of(user) if m.role in wanted}
    paths = sorted(found, key=lambda path: (len(path), path))
    return [found[p] for p in paths if not any(p != q and p.startswith(q) for q in paths)]


def _heading(user: Any, query: ScheduleQuery) -> ScheduleHeading:
    """Whose schedule the page and the DOCX show: the chosen school, a school admin's school, or the
    office's municipality (the district)."""
    if query.organization is not None:
        return ScheduleHeading(query.organization, is_district=False)
    office = [m.organization for m in memberships_of(user) if m.role in OFFICE_ROLES]
    if office:
        return ScheduleHeading(min(office, key=lambda o: len(o.path)), is_district=True)
    schools = [m.organization for m in memberships_of(user) if m.role == Role.SCHOOL_ADMIN]
    if len(schools) == 1:
        return ScheduleHeading(schools[0], is_district=False)
    return ScheduleHeading(None, is_district=True)


# --- the list --------------------------------------------------------------------------------------


def _month_cell(entry: Any) -> str:
    return services.month_label(entry.planned_month)


EXPORT_COLUMNS = [
    ExportColumn("Месяц", _month_cell, 16),
    ExportColumn("ФИО", lambda e: e.educator.full_name, 36),
    ExportColumn("Должность", lambda e: e.position_name or "", 24),
    ExportColumn("Организация", lambda e: e.organization.short_name or e.organization.name, 36),
    ExportColumn("Вид аттестации", lambda e: e.get_kind_display(), 32),
    ExportColumn("Примечание", lambda e: e.note, 30),
]


@requires(VIEW)
def schedule_page(request: AppRequest) -> HttpResponse:
    query = _query(request.user, request.GET)
    context: dict[str, Any] = {"page_title": PAGE_TITLE, "query": query, "kinds": ScheduleEntry.Kind.choices}
    if query.year is None:
        return render(request, "attestation/schedule/list.html", context)
    entries = _entries(request.user, query)
    counts = selectors.schedule_counts(
        selectors.schedule_for(user=request.user, academic_year=query.year, organization=query.organization)
    )
    page = paginate(request, entries)
    can_change = request.user.has_perm(CHANGE)
    rows = [
        {
            "entry": entry,
            "month": services.month_label(entry.planned_month),
            "can_change": can_change and request.user.has_perm(CHANGE, entry),
        }
        for entry in page.object_list
    ]
    months = services.year_months(query.year)
    first, last = services.planning_bounds(query.year)
    shown_months = [m for m in months if first <= m <= last or m in counts.per_month]
    per_page = request.GET.get("per_page", "")
    context.update(
        {
            "heading": _heading(request.user, query),
            "page": page,
            "rows": rows,
            "counts": counts,
            "months": [(month_value(m), services.month_label(m)) for m in months],
            "count_months": [
                {
                    "url": f"?{query.query_string(month=month_value(m))}",
                    "label": services.month_label(m),
                    "count": counts.per_month.get(m, 0),
                }
                for m in shown_months
            ],
            "school_rows": [
                {
                    "name": school.name,
                    "cells": [school.per_month.get(m, 0) for m in shown_months],
                    "total": school.total,
                }
                for school in counts.schools
            ]
            if len(counts.schools) > 1
            else [],
            "count_kinds": [(KIND_LABELS[k], n) for k, n in counts.per_kind.items()],
            "can_change": can_change,
            "months_before": AttestationSettings.current().apply_months_before_expiry if can_change else 0,
            "page_query": query.query_string(**({"per_page": per_page} if per_page else {})),
            "export_url": f"{reverse('attestation:schedule_export')}?{query.query_string()}",
            "docx_url": f"{reverse('attestation:schedule_docx')}?{query.query_string()}",
            "add_url": f"{reverse('attestation:schedule_add')}?{query.query_string()}",
        }
    )
    return render(request, "attestation/schedule/list.html", context)


@requires(VIEW)
def schedule_export(request: AppRequest) -> HttpResponse:
    query = _query(request.user, request.GET)
    if query.year is None:
        raise Http404("Учебный год не найден.")
    content = write_xlsx(EXPORT_COLUMNS, _entries(request.user, query).iterator(chunk_size=2000))
    owner = _heading(request.user, query)
    label = owner.organization.short_name if owner.organization is not None else owner.name
    name = f"График аттестации {query.year.name} — {label}"
    return xlsx_response(content, f"{name.replace('/', '-')}.xlsx")


@requires(VIEW)
def schedule_docx_view(request: AppRequest) -> HttpResponse:
    query = _query(request.user, request.GET)
    if query.year is None:
        raise Http404("Учебный год не найден.")
    try:
        content, name = schedule_docx(
            user=request.user,
            heading=_heading(request.user, query),
            academic_year=query.year,
            entries=_entries(request.user, query).iterator(chunk_size=2000),
        )
    except DocumentError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(f"{reverse('attestation:schedule')}?{query.query_string()}")
    return attachment(content, file_name=name, content_type=DOCX_TYPE)


# --- building --------------------------------------------------------------------------------------


@require_POST
@requires(CHANGE)
def schedule_build(request: AppRequest) -> HttpResponse:
    form = BuildForm(request.POST)
    if not form.is_valid():
        raise Http404("Учебный год не найден.")
    year: AcademicYear = form.cleaned_data["year"]
    org_id = form.cleaned_data["org"]
    if org_id:
        choices = statistics_organizations(user=request.user)
        organization = choices.filter(pk=org_id).first()
        if organization is None:
            raise Http404("Организация не найдена.")
        organizations = [organization]
    else:
        organizations = _build_roots(request.user)
    if not organizations:
        raise PermissionDenied
    for organization in organizations:
        check(request.user, CHANGE, organization)
    summary = services.schedule_build(academic_year=year, organizations=organizations, by=request.user)
    added = f"{summary.added} {plural_ru(summary.added, 'строка,строки,строк')}"
    text = f"График на {year.name} учебный год составлен: добавлено {added}."
    if summary.kept:
        kept = f"{summary.kept} {plural_ru(summary.kept, 'строка,строки,строк')}"
        text += f" Уже были в графике и оставлены как есть: {kept}."
    messages.success(request, text)
    params = {"year": year.pk, **({"org": org_id} if org_id else {})}
    return redirect(f"{reverse('attestation:schedule')}?{urlencode(params)}")


# --- lines -----------------------------------------------------------------------------------------


def _educators(user: Any) -> Any:
    """Educators the user may put in the schedule: working now in the organisations whose schedule they
    keep, in Russian order."""
    paths = services.editable_paths(user)
    working = Employment.objects.filter(active_on(timezone.localdate()), educator_id=OuterRef("pk"))
    if paths != [""]:
        working = working.filter(paths_q(paths, "organization__"))
    return educators_visible_to(user=user).filter(Exists(working)).order_by("name_key", "pk")


def _back(query_string: str) -> str:
    return (
        f"{reverse('attestation:schedule')}?{query_string}"
        if query_string
        else reverse("attestation:schedule")
    )


def _form_page(
    request: AppRequest, *, entry: ScheduleEntry | None, year: AcademicYear, back: str
) -> HttpResponse:
    educators = _educators(request.user) if entry is None else Educator.objects.filter(pk=entry.educator_id)
    initial: dict[str, Any] = {}
    if entry is not None:
        initial = {
            "educator": entry.educator,
            "kind": entry.kind,
            "planned_month": month_value(entry.planned_month),
            "note": entry.note,
        }
    form = EntryForm(
        request.POST or None,
        educators=educators,
        academic_year=year,
        lock_educator=entry is not None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.entry_save(
                entry=entry,
                academic_year=year,
                educator=entry.educator if entry is not None else data["educator"],
                kind=data["kind"],
                planned_month=data["planned_month"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Строка графика сохранена.")
            return redirect(back)
    title = f"Изменить строку графика: {entry.educator}" if entry else "Добавить в график аттестации"
    return render(
        request,
        "attestation/schedule/form.html",
        {"title": title, "form": form, "back": back, "year": year},
    )


@requires(CHANGE)
def entry_add(request: AppRequest) -> HttpResponse:
    query = _query(request.user, request.GET)
    if query.year is None:
        raise Http404("Учебный год не найден.")
    return _form_page(request, entry=None, year=query.year, back=_back(query.query_string()))


@requires(VIEW)
def entry_edit(request: AppRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get_for(user=request.user, pk=pk)
    back = _back(urlencode({"year": entry.academic_year_id}))
    return _form_page(request, entry=entry, year=entry.academic_year, back=back)


@requires(VIEW)
def entry_delete(request: AppRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get_for(user=request.user, pk=pk)
    back = _back(urlencode({"year": entry.academic_year_id}))
    if request.method == "POST":
        services.entry_delete(entry=entry, by=request.user)
        messages.success(request, f"Строка графика удалена: {entry.educator}, {entry.get_kind_display()}.")
        return redirect(back)
    return render(
        request,
        "attestation/schedule/delete.html",
        {"entry": entry, "month": services.month_label(entry.planned_month), "back": back},
    )
