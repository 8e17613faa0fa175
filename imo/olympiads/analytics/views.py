"""The page «Олимпиады: аналитика» (issue #7, item 8), its charts, Excel export and the DOCX report.

Query: `stage` (school / municipal), `year` (repeated: academic years' start years, up to MAX_YEARS; the
last DEFAULT_YEARS by default), `subject`, `school` (ids outside the user's scope are ignored), `sort`
(the schools table, by the last year shown), `page` (schools), `tpage` (teachers), `per_page`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from imo.core import pagecache
from imo.core.access import AppRequest, requires
from imo.core.charts import Chart, ChartKind, Series, chart_block, top_with_rest
from imo.core.excel import xlsx_response
from imo.core.paging import PAGE_SIZES, page_size
from imo.olympiads.analytics import selectors as sel
from imo.olympiads.analytics.rules import REPORT, VIEW
from imo.olympiads.analytics.selectors import Analytics, Figures, Filters, Row, Scope, YearRef
from imo.olympiads.models import OlympiadSubject, Stage
from imo.orgs.models import Organization

PAGE_TITLE = "Олимпиады: аналитика"
CHART_SCHOOLS = 10
LEVEL_LABELS: dict[str, str] = {
    Stage.Level.SCHOOL: "Школьный этап",
    Stage.Level.MUNICIPAL: "Муниципальный этап",
}


# What the figures are made of: the results and the schools. The teachers' names come from the staff
# records too, but those change all day (every educator card saved) while a name seldom does: a renamed
# teacher shows in the figures within the cache's lifetime (pagecache.TIMEOUT), at once to whoever renamed.
ANALYTICS_TOPICS = ("olympiads", "orgs")


@dataclass(frozen=True)
class Query:
    scope: Scope
    filters: Filters
    years: tuple[YearRef, ...]
    available: tuple[YearRef, ...]
    schools: tuple[Organization, ...]
    subjects: tuple[OlympiadSubject, ...]
    sort: str
    per_page: int

    def query_string(self, **override: Any) -> str:
        values: list[tuple[str, Any]] = [("stage", self.filters.level)]
        values += [("year", y) for y in self.filters.years]
        values += [
            ("subject", self.filters.subject_id or ""),
            ("school", self.filters.school_id or ""),
            ("sort", self.sort if self.sort != "name" else ""),
            ("per_page", self.per_page if self.per_page != PAGE_SIZES[0] else ""),
        ]
        values = [(k, override.get(k, v)) for k, v in values]
        return urlencode([(k, v) for k, v in values if v != "" and v is not None])


def _id(raw: str, allowed: set[int]) -> int | None:
    return int(raw) if raw.isdecimal() and len(raw) < 12 and int(raw) in allowed else None


def read_query(request: AppRequest) -> Query:
    data = request.GET
    scope = sel.analytics_scope(user=request.user)
    available = sel.years_available(scope=scope)
    by_year = {y.start_year: y for y in available}
    asked = sorted({int(v) for v in data.getlist("year") if v.isdecimal() and int(v) in by_year})
    chosen = (
        asked[-sel.MAX_YEARS :] if asked else sorted(y.start_year for y in available[: sel.DEFAULT_YEARS])
    )
    level = data.get("stage", Stage.Level.SCHOOL)
    level = level if level in LEVEL_LABELS else Stage.Level.SCHOOL
    schools = sel.schools_in(scope=scope)
    subjects = sel.subjects_all()
    school_id = None if scope.school_only else _id(data.get("school", ""), {s.pk for s in schools})
    sort = data.get("sort", "name")
    return Query(
        scope=scope,
        filters=Filters(
            level=level,
            years=tuple(chosen),
            subject_id=_id(data.get("subject", ""), {s.pk for s in subjects}),
            school_id=school_id,
        ),
        years=tuple(by_year[y] for y in chosen),
        available=tuple(available),
        schools=tuple(schools),
        subjects=tuple(subjects),
        sort=sort if sort in sel.SORT_CHOICES else "name",
        per_page=page_size(request),
    )


def _parts(query: Query, *, with_teachers: bool) -> tuple[Any, ...]:
    """Everything besides the topics' data that decides the figures of a query."""
    return (
        query.scope,
        query.filters,
        query.years,
        tuple(school.pk for school in query.schools),
        tuple(subject.pk for subject in query.subjects),
        query.sort,
        with_teachers,
    )


def read_analytics(query: Query, *, with_teachers: bool = True) -> Analytics:
    """The figures of the query; office staff open the same few views all day, so they are computed once
    per change of the results (imo/core/pagecache.py), keyed by everything that decides them."""
    return pagecache.cached(
        "olympiads.analytics",
        topics=ANALYTICS_TOPICS,
        own_writes=("staff",),
        parts=_parts(query, with_teachers=with_teachers),
        compute=lambda: sel.analytics_read(
            scope=query.scope,
            filters=query.filters,
            years=query.years,
            schools=query.schools,
            subjects=query.subjects,
            sort=query.sort,
            with_teachers=with_teachers,
        ),
    )


def _sort_links(query: Query) -> list[dict[str, Any]]:
    links = []
    for key, label in (
        ("name", "Школа"),
        ("students", "Участников"),
        ("share", "Доля обучающихся"),
        ("awarded", "Победителей и призёров"),
        ("awarded_share", "Их доля"),
    ):
        active = query.sort.lstrip("-") == key
        descending = query.sort.startswith("-")
        if key == "name":
            target = "-name" if active and not descending else "name"
        else:
            target = key if active and descending else f"-{key}"
        links.append(
            {
                "label": label,
                "url": f"?{query.query_string(sort=target, page='')}",
                "active": active,
                "descending": active and descending,
            }
        )
    return links


def _page_number(request: AppRequest, name: str) -> str:
    """The page asked for, as Paginator.get_page reads it (anything but a number is the first page, a
    number past the end the last), or "" (the first page): a bounded set of keys for the kept pages."""
    raw = request.GET.get(name, "")
    return raw if raw.isdecimal() and len(raw) <= 6 else ""


@requires(VIEW)
def analytics_page(request: AppRequest) -> HttpResponse:
    """The page; its content (the filters and three tables, thousands of cells at region scale) is kept
    with the figures: drawing it cost three times what reading the kept figures did."""
    query = read_query(request)
    page, tpage = _page_number(request, "page"), _page_number(request, "tpage")
    report_url = reverse("olympiads:analytics_report") if request.user.has_perm(REPORT) else ""

    def context() -> dict[str, Any]:
        analytics = read_analytics(query)
        schools_page = Paginator(analytics.schools, query.per_page).get_page(page)
        teachers_page = Paginator(analytics.teachers, query.per_page).get_page(tpage)
        qs = query.query_string()
        return {
            "page_title": PAGE_TITLE,
            "query": query,
            "level_labels": LEVEL_LABELS,
            "level_label": LEVEL_LABELS[query.filters.level],
            "a": analytics,
            "schools_page": schools_page,
            "teachers_page": teachers_page,
            "sort_links": _sort_links(query),
            "page_query": qs,
            "page_sizes": PAGE_SIZES,
            "export_url": f"{reverse('olympiads:analytics_export')}?{qs}",
            "charts_url": f"{reverse('olympiads:analytics_charts')}?{qs}",
            "report_url": report_url,
            "report_year": query.years[-1] if query.years else None,
        }

    body = pagecache.rendered(
        "olympiads.analytics.body",
        topics=ANALYTICS_TOPICS,
        own_writes=("staff",),
        parts=(
            *_parts(query, with_teachers=True),
            query.per_page,
            page,
            tpage,
            report_url,
        ),
        template="olympiads/analytics/_body.html",
        context=context,
    )
    return render(
        request,
        "olympiads/analytics/page.html",
        {"page_title": PAGE_TITLE, "breadcrumbs": [{"label": PAGE_TITLE}], "body": body},
    )


# --- charts -------------------------------------------------------------------------------------------


def years_chart(analytics: Analytics, *, level: str) -> Chart:
    cells = analytics.totals.cells
    return Chart(
        kind=ChartKind.BAR,
        title=f"Участники и награды по годам ({LEVEL_LABELS[level].lower()})",
        labels=tuple(y.name for y in analytics.years),
        series=(
            Series("Участий", tuple(c.participations for c in cells)),
            Series("Победителей", tuple(c.winners for c in cells)),
            Series("Призёров", tuple(c.prize_winners for c in cells)),
        ),
        unit="чел.",
        label_title="Учебный год",
        value_axis_title="Человек",
    )


def top_schools_chart(analytics: Analytics) -> Chart:
    year = analytics.years[-1].name if analytics.years else ""
    pairs = sorted(
        ((row.label, row.last.awarded) for row in analytics.schools if row.last.awarded),
        key=lambda pair: -pair[1],
    )
    shown = top_with_rest(pairs, limit=CHART_SCHOOLS, rest_label="Остальные школы")
    return Chart(
        kind=ChartKind.BAR_HORIZONTAL,
        title=f"Школы с наибольшим числом победителей и призёров, {year}",
        labels=tuple(label for label, _ in shown),
        series=(Series("Победителей и призёров", tuple(int(v) for _, v in shown)),),
        unit="чел.",
        label_title="Школа",
        value_axis_title="Человек",
    )


def school_vs_district_chart(analytics: Analytics) -> Chart:
    district = analytics.district.cells if analytics.district else ()

    def share(figure: Figures) -> float | None:
        value = figure.awarded_share
        return float(value) if value is not None else None

    return Chart(
        kind=ChartKind.BAR,
        title="Доля победителей и призёров среди участников: моя школа и район",
        labels=tuple(y.name for y in analytics.years),
        series=(
            Series("Моя школа", tuple(share(c) for c in analytics.totals.cells)),
            Series("Район", tuple(share(c) for c in district)),
        ),
        unit="%",
        label_title="Учебный год",
        decimals=1,
    )


def charts(analytics: Analytics, *, level: str) -> list[Chart]:
    second = school_vs_district_chart(analytics) if analytics.district else top_schools_chart(analytics)
    return [years_chart(analytics, level=level), second]


@requires(VIEW)
def analytics_charts(request: AppRequest) -> HttpResponse:
    """The page's charts, loaded by htmx after the page (drawing takes a moment)."""
    query = read_query(request)
    analytics = read_analytics(query, with_teachers=False)
    blocks = [chart_block(chart) for chart in charts(analytics, level=query.filters.level)]
    return render(request, "olympiads/analytics/charts.html", {"charts": blocks})


# --- Excel ----------------------------------------------------------------------------------------------


FIGURE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("students", "участников, чел."),
    ("participations", "участий"),
    ("share", "доля обучающихся, %"),
    ("winners", "победителей"),
    ("prize_winners", "призёров"),
    ("awarded_share", "доля победителей и призёров, %"),
)
TEACHER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("students", "подготовил обучающихся"),
    ("winners", "победителей"),
    ("prize_winners", "призёров"),
)


def analytics_xlsx(query: Query, analytics: Analytics) -> bytes:
    """One sheet per table (schools, subjects, teachers), years side by side."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    title = book.add_format({"bold": True, "font_size": 12})
    header = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E9ECEF", "border": 1}
    )
    text = book.add_format({"border": 1})
    number = book.add_format({"border": 1, "num_format": "0"})
    share = book.add_format({"border": 1, "num_format": "0.0"})
    years = [y.name for y in analytics.years]
    caption = f"{query.scope.label}. {LEVEL_LABELS[query.filters.level]}"

    def sheet(name: str, heading: str, first: list[str], columns: tuple[tuple[str, str], ...]) -> Any:
        ws = book.add_worksheet(name)
        ws.write(0, 0, f"{heading}. {caption}", title)
        headers = [*first, *(f"{year}: {label}" for year in years for _, label in columns)]
        ws.write_row(2, 0, headers, header)
        ws.set_column(0, len(first) - 1, 40)
        ws.set_column(len(first), len(headers), 14)
        ws.freeze_panes(3, len(first))
        return ws

    def write_cells(ws: Any, index: int, start: int, cells: Any, columns: Any) -> None:
        column = start
        for cell in cells:
            for attr, _ in columns:
                value = getattr(cell, attr)
                if value is None:
                    ws.write_string(index, column, "—", text)
                elif attr.endswith("share"):
                    ws.write_number(index, column, float(value), share)
                else:
                    ws.write_number(index, column, value, number)
                column += 1

    for name, heading, rows in (
        ("Школы", "Итоги по школам", analytics.schools),
        ("Предметы", "Итоги по предметам", analytics.subjects),
    ):
        ws = sheet(name, heading, ["Школа" if name == "Школы" else "Предмет"], FIGURE_COLUMNS)
        extra: list[Row] = [analytics.totals] + ([analytics.district] if analytics.district else [])
        for index, row in enumerate([*rows, *extra], start=3):
            ws.write_string(index, 0, row.label, text)
            write_cells(ws, index, 1, row.cells, FIGURE_COLUMNS)
    ws = sheet(
        "Педагоги", "Педагоги, подготовившие победителей и призёров", ["Педагог", "Предмет"], TEACHER_COLUMNS
    )
    for index, teacher in enumerate(analytics.teachers, start=3):
        ws.write_string(index, 0, teacher.name, text)
        ws.write_string(index, 1, teacher.subject, text)
        write_cells(ws, index, 2, teacher.cells, TEACHER_COLUMNS)
    book.close()
    return buffer.getvalue()


@requires(VIEW)
def analytics_export(request: AppRequest) -> HttpResponse:
    query = read_query(request)
    analytics = read_analytics(query)
    years = ", ".join(y.name for y in query.years).replace("/", "-")
    filename = f"Олимпиады — аналитика, {LEVEL_LABELS[query.filters.level].lower()}, {years}.xlsx"
    return xlsx_response(analytics_xlsx(query, analytics), filename)


@requires(REPORT)
def analytics_report(request: AppRequest) -> HttpResponse:
    """The district's analytical report (DOCX) for the season of `year`."""
    from imo.olympiads.analytics.documents import district_report_docx

    query = read_query(request)
    raw = request.GET.get("year", "")
    available = {y.start_year for y in query.available}
    year = int(raw) if raw.isdecimal() and int(raw) in available else max(available, default=None)
    content, filename = district_report_docx(user=request.user, scope=query.scope, year=year)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename=\"report.docx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
