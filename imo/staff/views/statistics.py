"""Staff statistics (issue #4, item 7): the page with its tables, its charts (drawn after the page has
loaded), the Excel of the tables and the DOCX «Отчёт о кадровом составе».

Every view reads the same query: `on` (the date, дд.мм.гггг or ISO; today when empty) and `org` (ids of the
chosen organisations, repeated; none = the user's whole scope). Ids outside the user's scope are ignored,
so a school admin who passes another school's id still sees only their own school.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from imo.core import pagecache
from imo.core.access import AppRequest, requires
from imo.core.charts import Chart, ChartKind, Series, chart_block, format_number
from imo.core.documents.downloads import attachment
from imo.core.documents.permissions import ISSUE
from imo.core.documents.rendering import DocumentError
from imo.core.documents.selectors import issued_document_get_for
from imo.core.excel import xlsx_response
from imo.orgs.models import Organization
from imo.staff.documents import (
    REPORT_TITLE,
    staff_report_issue,
    staff_report_unnumbered,
    statistics_charts,
)
from imo.staff.facets import registered
from imo.staff.statistics import (
    FacetFigures,
    Figure,
    StaffStatistics,
    StatisticsScope,
    facet_statistics,
    staff_statistics,
    statistics_organizations,
    statistics_scope,
)

PAGE_TITLE = "Педагогические кадры: статистика"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_CHOSEN = 1000  # more ids than a region has schools: the rest are ignored
VIEW = "staff.view_statistics"


# --- the query --------------------------------------------------------------------------------------


class StatisticsForm(forms.Form):
    on = forms.DateField(
        label="На дату",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Введите дату в виде дд.мм.гггг; показаны данные на сегодня."},
    )


@dataclass(frozen=True)
class StatisticsQuery:
    on: dt.date
    organization_ids: tuple[int, ...]
    form: StatisticsForm

    @property
    def query_string(self) -> str:
        return urlencode([("on", self.on.isoformat()), *(("org", str(pk)) for pk in self.organization_ids)])


def _query(data: QueryDict) -> StatisticsQuery:
    form = StatisticsForm(data)
    on = timezone.localdate()
    if form.is_valid() and form.cleaned_data["on"]:
        on = form.cleaned_data["on"]
    ids = tuple(dict.fromkeys(int(v) for v in data.getlist("org") if v.isdecimal() and len(v) < 12))
    return StatisticsQuery(on=on, organization_ids=ids[:MAX_CHOSEN], form=form)


def _scope(request: AppRequest, query: StatisticsQuery) -> tuple[StatisticsScope, list[Organization]]:
    organizations = list(statistics_organizations(user=request.user))
    scope = statistics_scope(
        user=request.user, organization_ids=query.organization_ids, organizations=organizations
    )
    return scope, organizations


# The page's figures count every educator of the scope (tens of thousands at region scale); office staff
# open it again and again while educator cards are saved all day. Figures of a minute ago serve the
# page; the Excel export counts afresh.
STATISTICS_SECONDS = 60


def _read(
    request: AppRequest, data: QueryDict
) -> tuple[StatisticsQuery, StaffStatistics, list[Organization]]:
    """The query, the exact figures (facets included) and the organisations the user may choose."""
    query = _query(data)
    scope, organizations = _scope(request, query)
    return query, staff_statistics(scope=scope, on=query.on, with_facets=True), organizations


@dataclass(frozen=True)
class PageFigures:
    """What the page shows of the figures: the figures (the cards read them) and the tables drawn from
    them, kept together so the two never disagree."""

    stats: StaffStatistics
    sections_html: SafeString


def _page_figures(query: StatisticsQuery, scope: StatisticsScope) -> PageFigures:
    """The page's figures without the facets (their tables load after the page), kept for
    STATISTICS_SECONDS; drawing the tables cost as much as the rest of the page, so they are kept too.
    The address of the facets' tables is in them (query.query_string)."""
    facets_pending = bool(registered())

    def compute() -> PageFigures:
        stats = staff_statistics(scope=scope, on=query.on, with_facets=False)
        context = {"sections": statistics_tables(stats), "query": query, "facets_pending": facets_pending}
        html = render_to_string("staff/statistics/sections.html", context)
        return PageFigures(stats, mark_safe(html))  # rendered, and escaped, by Django's templates

    return pagecache.cached(
        "staff.statistics.page",
        topics=("orgs", "reference"),
        own_writes=("staff",),
        parts=(scope, query.on, query.query_string, facets_pending),
        timeout=STATISTICS_SECONDS,
        compute=compute,
    )


# --- the tables (the page and the Excel show the same) ------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: int | float | str | None  # what Excel gets: numbers stay numbers

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if isinstance(self.value, float):
            return format_number(self.value, 1)
        if isinstance(self.value, int):
            return format_number(self.value)
        return self.value


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    level: int = 0  # 1 = «из них …»


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    label_header: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    note: str = ""

    @property
    def sheet_name(self) -> str:
        return self.title.split(" (")[0][:31]


def _percent(value: float | None) -> Cell:
    return Cell(round(value, 1) if value is not None else None)


def _figure_row(figure: Figure) -> Row:
    return Row(figure.label, (Cell(figure.total), Cell(figure.women), _percent(figure.share)), figure.level)


FIGURE_HEADERS = ("Всего", "из них женщины", "Доля от численности, %")


def statistics_tables(stats: StaffStatistics) -> list[Section]:
    headcount_share = 100.0 if stats.headcount else None
    main = (
        Row(
            "Численность педагогических работников",
            (Cell(stats.headcount), Cell(stats.women), _percent(headcount_share)),
        ),
        _figure_row(stats.early_career),
        _figure_row(stats.part_timers),
        Row(
            "Мест работы (человек в двух организациях — два)",
            (Cell(stats.employments), Cell(None), Cell(None)),
        ),
        Row("из них по совместительству", (Cell(stats.part_time_employments), Cell(None), Cell(None)), 1),
    )
    experience = tuple(
        Row(
            teaching.label, (Cell(teaching.total), Cell(teaching.women), Cell(total.total), Cell(total.women))
        )
        for teaching, total in zip(stats.teaching, stats.total_experience, strict=True)
    )
    organizations = tuple(
        Row(
            o.name,
            (
                Cell(o.headcount),
                Cell(o.women),
                Cell(o.early_career),
                _percent(o.higher_share),
                _percent(o.pedagogical_share),
                Cell(o.part_timers),
            ),
        )
        for o in stats.organizations
    )
    sections = [
        Section("main", "Основные показатели", "Показатель", FIGURE_HEADERS, main),
        Section(
            "education",
            "Образование (по высшему уровню)",
            "Образование",
            FIGURE_HEADERS,
            tuple(_figure_row(f) for f in stats.education),
            "«Из него педагогическое» — есть педагогическое образование этого, высшего для человека, уровня.",
        ),
        Section(
            "experience",
            f"Стаж работы (на {stats.on:%d.%m.%Y})",
            "Стаж",
            ("Педагогический стаж", "из них женщины", "Общий стаж", "из них женщины"),
            experience,
        ),
        Section(
            "age",
            f"Возраст (полных лет на {stats.age_on:%d.%m.%Y})",
            "Возраст",
            FIGURE_HEADERS,
            tuple(_figure_row(f) for f in stats.ages),
            "Возраст считается, как в государственной статистике, на 1 января следующего года.",
        ),
        Section(
            "organizations",
            "По организациям",
            "Организация",
            (
                "Численность",
                "из них женщины",
                "Молодые специалисты",
                "С высшим образованием, %",
                "С педагогическим образованием, %",
                "Только совместители",
            ),
            organizations,
            "Человек, работающий в двух организациях, учтён в строке каждой из них, а в итогах — один раз.",
        ),
    ]
    # The figures other apps register (imo.staff.facets), e.g. «По квалификационным категориям»: after
    # the age, before the per-organisation table (the page loads them afterwards: statistics_facets_view).
    return [*sections[:4], *facet_sections(stats.facets), *sections[4:]]


def facet_sections(facets: tuple[FacetFigures, ...]) -> list[Section]:
    return [
        Section(
            f"facet-{facet.key}",
            facet.title,
            facet.label,
            FIGURE_HEADERS,
            tuple(_figure_row(f) for f in facet.figures),
            facet.note,
        )
        for facet in facets
    ]


def facet_chart(facet: FacetFigures) -> Chart:
    """A registered facet as a donut: the slices add up to the headcount (empty values left out)."""
    slices = tuple((f.label, f.total) for f in facet.figures)
    shown = tuple(item for item in slices if item[1]) or slices
    return Chart(
        kind=ChartKind.DONUT,
        title=facet.title,
        labels=tuple(label for label, _ in shown),
        series=(Series("Педагоги", tuple(value for _, value in shown)),),
        unit="чел.",
        label_title=facet.label,
        description="В центре — общая численность педагогов.",
    )


def statistics_xlsx(stats: StaffStatistics, sections: list[Section]) -> bytes:
    """One sheet per table: a title with the scope and the date, the header, the rows (numbers as numbers)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    title = book.add_format({"bold": True, "font_size": 12})
    header = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E9ECEF", "border": 1}
    )
    text = book.add_format({"border": 1})
    indented = book.add_format({"border": 1, "indent": 2})
    number = book.add_format({"border": 1, "num_format": "0"})
    percent = book.add_format({"border": 1, "num_format": "0.0"})
    caption = f"{stats.scope.label}. Педагогические работники на {stats.on:%d.%m.%Y}"
    for section in sections:
        sheet = book.add_worksheet(section.sheet_name)
        sheet.write(0, 0, f"{section.title}. {caption}", title)
        if section.note:
            sheet.write(1, 0, section.note)
        sheet.write_row(3, 0, [section.label_header, *section.headers], header)
        sheet.set_column(0, 0, 48)
        sheet.set_column(1, len(section.headers), 16)
        sheet.freeze_panes(4, 1)
        for index, row in enumerate(section.rows, start=4):
            sheet.write_string(index, 0, row.label, indented if row.level else text)
            for column, cell in enumerate(row.cells, start=1):
                if cell.value is None:
                    sheet.write_blank(index, column, None, text)
                elif isinstance(cell.value, float):
                    sheet.write_number(index, column, cell.value, percent)
                elif isinstance(cell.value, int):
                    sheet.write_number(index, column, cell.value, number)
                else:
                    sheet.write_string(index, column, cell.value, text)
        if section.rows:
            sheet.autofilter(3, 0, 3 + len(section.rows), len(section.headers))
    book.close()
    return buffer.getvalue()


# --- views ------------------------------------------------------------------------------------------


@requires(VIEW)
def statistics_page(request: AppRequest) -> HttpResponse:
    # The registered facets' tables (e.g. the qualification categories) load after the page, as the
    # charts do: counting them per person of a region costs about as much as the rest of the page.
    query = _query(request.GET)
    scope, organizations = _scope(request, query)
    figures = _page_figures(query, scope)
    stats = figures.stats
    issued = None
    if request.GET.get("issued", "").isdecimal():
        try:
            issued = issued_document_get_for(user=request.user, pk=int(request.GET["issued"]))
        except Http404:
            issued = None
    chosen = set(stats.scope.selected_ids)
    context = {
        "stats": stats,
        "query": query,
        "form": query.form,
        "organizations": [
            {
                "pk": o.pk,
                "name": o.short_name or o.name,
                "closed": o.status == Organization.Status.CLOSED,
                "chosen": o.pk in chosen,
            }
            for o in organizations
        ],
        "can_choose": len(organizations) > 1,
        "can_issue": request.user.has_perm(ISSUE),
        "issued": issued,
        "sections_html": figures.sections_html,
        "breadcrumbs": [{"label": PAGE_TITLE}],
        "page_title": PAGE_TITLE,
    }
    template = "staff/statistics/page.html"
    if request.htmx and not request.htmx.boosted and request.htmx.target == "statistics-results":
        template += "#results"
    return render(request, template, context)


@requires(VIEW)
def statistics_facets_view(request: AppRequest) -> HttpResponse:
    """The tables of the registered facets (imo.staff.facets), loaded by htmx after the page."""
    query = _query(request.GET)
    scope, _ = _scope(request, query)
    sections = facet_sections(facet_statistics(scope=scope, on=query.on))
    return render(request, "staff/statistics/facets.html", {"sections": sections})


@requires(VIEW)
def statistics_charts_view(request: AppRequest) -> HttpResponse:
    """The page's charts, loaded by htmx after the page: drawing takes a moment, the tables do not wait."""
    _, stats, _ = _read(request, request.GET)
    charts = [*statistics_charts(stats), *(facet_chart(facet) for facet in stats.facets)]
    return render(
        request,
        "staff/statistics/charts.html",
        {"charts": [chart_block(chart) for chart in charts], "stats": stats},
    )


@requires(VIEW)
def statistics_export(request: AppRequest) -> HttpResponse:
    _, stats, _ = _read(request, request.GET)
    content = statistics_xlsx(stats, statistics_tables(stats))
    return xlsx_response(content, f"Педагогические кадры на {stats.on:%d.%m.%Y}.xlsx")


@require_POST
@requires(VIEW)
def staff_report(request: AppRequest) -> HttpResponse:
    """The DOCX report for the chosen scope and date. The office issues it through the register (numbered,
    kept, downloadable there); a user who may not issue register documents gets it at once, unnumbered."""
    query, stats, _ = _read(request, request.POST)
    back = f"{reverse('staff:statistics')}?{query.query_string}"
    if not request.user.has_perm(ISSUE):
        try:
            content, name = staff_report_unnumbered(user=request.user, stats=stats)
        except DocumentError as error:
            messages.error(request, " ".join(["Отчёт не удалось сформировать.", *error.messages]))
            return redirect(back)
        return attachment(content, file_name=name, content_type=DOCX_CONTENT_TYPE)
    try:
        document = staff_report_issue(user=request.user, stats=stats)
    except DocumentError as error:
        messages.error(request, " ".join(["Отчёт не удалось сформировать.", *error.messages]))
        return redirect(back)
    messages.success(
        request, f"{REPORT_TITLE} № {document.number} сформирован и внесён в реестр выданных документов."
    )
    return redirect(f"{back}&issued={document.pk}")


urlpatterns: list[URLPattern] = [
    path("statistics/", statistics_page, name="statistics"),
    path("statistics/charts/", statistics_charts_view, name="statistics_charts"),
    path("statistics/facets/", statistics_facets_view, name="statistics_facets"),
    path("statistics/export/", statistics_export, name="statistics_export"),
    path("statistics/report/", staff_report, name="staff_report"),
]
