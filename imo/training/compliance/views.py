"""The page «Повышение квалификации: трёхлетний срок» (issue #6, item 3), its charts and Excel export.

Query: `on` (date, today when empty), `org` (one organisation from the user's choices; empty = the whole
scope), `subject`, `position` (of the employment in force), `tab` (overdue / due_this_year / forecast /
coverage), `sort`, `page`, `per_page`. Ids outside the user's scope are ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from imo.core.access import AppRequest, requires
from imo.core.charts import Chart, ChartKind, Series, chart_block
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.paging import PAGE_SIZES, page_size
from imo.orgs.models import Organization
from imo.orgs.selectors import paths_q
from imo.reference.models import Position, Subject
from imo.staff.models import Employment
from imo.staff.selectors import active_on
from imo.staff.statistics import statistics_organizations, statistics_scope
from imo.training.compliance import selectors as sel
from imo.training.compliance.selectors import (
    DUE_THIS_YEAR,
    FORECAST,
    OVERDUE,
    ComplianceSummary,
    DueRow,
    Filters,
    SchoolCoverage,
)
from imo.training.models import TrainingSettings

VIEW = "training.view_compliance"
PAGE_TITLE = "Повышение квалификации: трёхлетний срок"
COVERAGE = "coverage"
NO_DATA = "нет сведений о курсах"
CHART_SCHOOLS = 30


@dataclass(frozen=True)
class Tab:
    key: str
    title: str


TABS = (
    Tab(OVERDUE, "Срок истёк"),
    Tab(DUE_THIS_YEAR, "Срок наступает в этом учебном году"),
    Tab(FORECAST, "Прогноз на следующий учебный год"),
    Tab(COVERAGE, "Охват по организациям"),
)
TAB_KEYS = {tab.key for tab in TABS}
SCHOOL_SORTS: tuple[str, ...] = (
    "coverage",
    "-coverage",
    "name",
    "-name",
    "working",
    "-working",
    "overdue",
    "-overdue",
    "forecast",
    "-forecast",
)


class ComplianceForm(forms.Form):
    on = forms.DateField(
        label="На дату",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Введите дату в виде дд.мм.гггг; показаны данные на сегодня."},
    )


@dataclass(frozen=True)
class Query:
    on: dt.date
    organization_id: int | None
    subject_id: int | None
    position_id: int | None
    tab: str
    sort: str
    per_page: int
    paths: tuple[str, ...]
    scope_label: str
    form: ComplianceForm

    @property
    def filters(self) -> Filters:
        return Filters(self.on, self.paths, self.subject_id, self.position_id)

    def query_string(self, **override: Any) -> str:
        values: dict[str, Any] = {
            "on": self.on.isoformat(),
            "org": self.organization_id or "",
            "subject": self.subject_id or "",
            "position": self.position_id or "",
            "tab": self.tab,
            "sort": self.sort,
            "per_page": self.per_page if self.per_page != PAGE_SIZES[0] else "",
        }
        values.update(override)
        return urlencode([(k, v) for k, v in values.items() if v != "" and v is not None])


def _id(data: QueryDict, name: str, allowed: set[int]) -> int | None:
    raw = data.get(name, "")
    if raw.isdecimal() and len(raw) < 12 and int(raw) in allowed:
        return int(raw)
    return None


def _query(request: AppRequest, organizations: list[Organization], choices: dict[str, Any]) -> Query:
    data = request.GET
    form = ComplianceForm(data)
    on = timezone.localdate()
    if form.is_valid() and form.cleaned_data["on"]:
        on = form.cleaned_data["on"]
    raw_org = data.get("org", "")
    ids = [int(raw_org)] if raw_org.isdecimal() and len(raw_org) < 12 else []
    scope = statistics_scope(user=request.user, organization_ids=ids, organizations=organizations)
    chosen = ids[0] if ids and scope.selected_ids else None
    tab = data.get("tab", OVERDUE)
    tab = tab if tab in TAB_KEYS else OVERDUE
    sorts = SCHOOL_SORTS if tab == COVERAGE else sel.SORTS
    sort = data.get("sort", "")
    sort = sort if sort in sorts else sorts[0]
    return Query(
        on=on,
        organization_id=chosen,
        subject_id=_id(data, "subject", {s.pk for s in choices["subjects"]}),
        position_id=_id(data, "position", {p.pk for p in choices["positions"]}),
        tab=tab,
        sort=sort,
        per_page=page_size(request),
        paths=tuple(scope.paths),
        scope_label=scope.label,
        form=form,
    )


def _choices() -> dict[str, Any]:
    return {
        "subjects": list(Subject.objects.filter(is_archived=False).order_by("name").only("pk", "name")),
        "positions": list(Position.objects.filter(is_archived=False).order_by("name").only("pk", "name")),
    }


# --- rows --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    educator_id: int
    name: str
    school: str
    position: str
    teaching_start: dt.date | None
    last_course_end: dt.date | None
    due: dt.date | None
    note: str


def _places(ids: list[int], query: Query) -> dict[int, Employment]:
    """The employment shown for each educator (main first): one query for up to 2,000 educators."""
    employments = (
        Employment.objects.filter(active_on(query.on), educator_id__in=ids)
        .select_related("educator", "organization", "position")
        .order_by("-is_main", "starts_on", "pk")
    )
    if query.paths and "" not in query.paths:
        employments = employments.filter(paths_q(query.paths, "organization__"))
    if query.position_id:
        employments = employments.filter(position_id=query.position_id)
    if query.subject_id:
        employments = employments.filter(subjects=query.subject_id)
    shown: dict[int, Employment] = {}
    for employment in employments:
        shown.setdefault(employment.educator_id, employment)
    return shown


def _list_rows(rows: list[DueRow], query: Query) -> Iterator[ListRow]:
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        places = _places([row.educator_id for row in chunk], query)
        for row in chunk:
            employment = places.get(row.educator_id)
            if employment is None:
                continue
            yield ListRow(
                educator_id=row.educator_id,
                name=employment.educator.full_name,
                school=employment.organization.short_name or employment.organization.name,
                position=employment.position.name,
                teaching_start=row.teaching_start,
                last_course_end=row.last_course_end,
                due=row.due,
                note=NO_DATA if row.due is None else "",
            )


class _Rows:
    """One list for the paginator: its size comes with the summary, and so does the page asked for; any
    other page (a page number beyond the end) is read again."""

    def __init__(self, query: Query, count: int, offset: int, rows: list[DueRow], user: Any) -> None:
        self.query, self._count, self.offset, self.rows, self.user = query, count, offset, rows, user

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list[ListRow]:
        start = index.start or 0
        rows = self.rows
        if start != self.offset:
            rows = sel.compliance_summary(
                user=self.user,
                filters=self.query.filters,
                page_of=self.query.tab,
                sort=self.query.sort,
                offset=start,
                limit=(index.stop or start) - start,
            ).rows
        return list(_list_rows(rows, self.query))


def list_columns(tab: str) -> list[ExportColumn]:
    columns = [
        ExportColumn("ФИО", lambda r: r.name, 36),
        ExportColumn("Организация", lambda r: r.school, 36),
        ExportColumn("Должность", lambda r: r.position, 24),
        ExportColumn("Начало педагогического стажа", lambda r: r.teaching_start, 16),
        ExportColumn("Последний засчитываемый курс окончен", lambda r: r.last_course_end, 18),
        ExportColumn("Срок следующего курса", lambda r: r.due, 16),
    ]
    if tab == OVERDUE:
        columns.append(ExportColumn("Примечание", lambda r: r.note, 24))
    return columns


def school_columns() -> list[ExportColumn]:
    return [
        ExportColumn("Организация", lambda s: s.name, 40),
        ExportColumn("Работают", lambda s: s.working, 12),
        ExportColumn("Выполняют требование", lambda s: s.compliant, 14),
        ExportColumn("Охват, %", lambda s: s.coverage, 10),
        ExportColumn("Срок истёк", lambda s: s.counts[OVERDUE], 12),
        ExportColumn("Срок в этом учебном году", lambda s: s.counts[DUE_THIS_YEAR], 14),
        ExportColumn("Прогноз на следующий учебный год", lambda s: s.counts[FORECAST], 16),
    ]


def _sort_links(query: Query) -> list[dict[str, Any]]:
    if query.tab == COVERAGE:
        fields = [("name", "Организация"), ("working", "Работают"), ("coverage", "Охват, %")]
        fields += [("overdue", "Срок истёк"), ("forecast", "Прогноз")]
    else:
        fields = [("name", "ФИО"), ("last", "Последний курс"), ("due", "Срок")]
    links = []
    for key, label in fields:
        active = query.sort.lstrip("-") == key
        descending = query.sort.startswith("-")
        target = f"-{key}" if active and not descending else key
        links.append(
            {
                "label": label,
                "url": f"?{query.query_string(sort=target)}",
                "active": active,
                "descending": active and descending,
            }
        )
    return links


def _offset(request: AppRequest, per_page: int) -> int:
    asked = request.GET.get("page", "1")
    return (int(asked) - 1) * per_page if asked.isdecimal() and 0 < int(asked) < 100_000 else 0


# --- views -------------------------------------------------------------------------------------------


@requires(VIEW)
def compliance_page(request: AppRequest) -> HttpResponse:
    organizations = list(statistics_organizations(user=request.user))
    choices = _choices()
    query = _query(request, organizations, choices)
    offset = _offset(request, query.per_page)
    listed = query.tab != COVERAGE
    settings = TrainingSettings.current()
    summary = sel.compliance_summary(
        user=request.user,
        filters=query.filters,
        page_of=query.tab if listed else None,
        sort=query.sort,
        offset=offset,
        limit=query.per_page,
        settings=settings,
    )
    items: Any
    if listed:
        items = _Rows(query, summary.totals[query.tab], offset, summary.rows, request.user)
    else:
        items = sel.rows_sorted_schools(summary.schools, query.sort)
    page: Page[Any] = Paginator(items, query.per_page).get_page(request.GET.get("page"))
    tabs = [
        {
            "key": tab.key,
            "title": tab.title,
            "count": len(summary.schools) if tab.key == COVERAGE else summary.totals[tab.key],
            "url": f"?{query.query_string(tab=tab.key, sort='')}",
            "active": tab.key == query.tab,
        }
        for tab in TABS
    ]
    context = {
        "page_title": PAGE_TITLE,
        "breadcrumbs": [{"label": PAGE_TITLE}],
        "query": query,
        "form": query.form,
        "organizations": organizations,
        **choices,
        "summary": summary,
        "settings": settings,
        "year_end": sel.academic_year_end(query.on),
        "next_year_end": sel.next_academic_year_end(query.on),
        "tabs": tabs,
        "current": next(tab for tab in TABS if tab.key == query.tab),
        "page": page,
        "sort_links": _sort_links(query),
        "page_query": query.query_string(),
        "page_sizes": PAGE_SIZES,
        "export_url": f"{reverse('training:compliance_export')}?{query.query_string()}",
        "charts_url": f"{reverse('training:compliance_charts')}?{query.query_string()}",
        "no_data": NO_DATA,
    }
    return render(request, "training/compliance/page.html", context)


def charts(summary: ComplianceSummary) -> list[Chart]:
    """Coverage per organisation (the lowest first, at most CHART_SCHOOLS) and the counts by status."""
    schools = [s for s in sel.rows_sorted_schools(summary.schools, "coverage") if s.working][:CHART_SCHOOLS]
    title = "Охват повышением квалификации по организациям"
    if len(summary.schools) > CHART_SCHOOLS:
        title += f" ({CHART_SCHOOLS} с наименьшим охватом)"
    coverage = Chart(
        kind=ChartKind.BAR_HORIZONTAL,
        title=title,
        labels=tuple(s.name for s in schools),
        series=(Series("Охват", tuple(s.coverage for s in schools)),),
        unit="%",
        label_title="Организация",
        decimals=1,
    )
    labels = [sel.STATUS_LABELS[status] for status in sel.STATUSES]
    labels[-1] = "Срок позже следующего учебного года"
    statuses = Chart(
        kind=ChartKind.BAR_HORIZONTAL,
        title="Педагоги по сроку повышения квалификации",
        labels=tuple(labels),
        series=(Series("Педагоги", tuple(summary.totals[status] for status in sel.STATUSES)),),
        unit="чел.",
        label_title="Срок",
    )
    return [statuses, coverage]


@requires(VIEW)
def compliance_charts(request: AppRequest) -> HttpResponse:
    """The page's charts, loaded by htmx after the page (drawing takes a moment)."""
    organizations = list(statistics_organizations(user=request.user))
    query = _query(request, organizations, _choices())
    summary = sel.compliance_summary(user=request.user, filters=query.filters)
    blocks = [chart_block(chart) for chart in charts(summary)]
    return render(request, "training/compliance/charts.html", {"charts": blocks})


@requires(VIEW)
def compliance_export(request: AppRequest) -> HttpResponse:
    """The chosen tab's whole list (every page) as one sheet."""
    organizations = list(statistics_organizations(user=request.user))
    query = _query(request, organizations, _choices())
    title = next(tab.title for tab in TABS if tab.key == query.tab)
    filename = f"Повышение квалификации — {title.lower()} на {query.on:%d.%m.%Y}.xlsx"
    if query.tab == COVERAGE:
        summary = sel.compliance_summary(user=request.user, filters=query.filters)
        schools: list[SchoolCoverage] = sel.rows_sorted_schools(summary.schools, query.sort)
        return xlsx_response(write_xlsx(school_columns(), schools, sheet_name="Охват"), filename)
    summary = sel.compliance_summary(
        user=request.user, filters=query.filters, page_of=query.tab, sort=query.sort
    )
    content = write_xlsx(list_columns(query.tab), _list_rows(summary.rows, query), sheet_name=title[:31])
    return xlsx_response(content, filename)
