"""The data table of a list page: filters, sorting, pages, column choice, Excel — all kept in the URL.

A module declares its table once; the list view and the export view both build it from the request,
so the Excel file holds exactly the rows (and the columns) the user is looking at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from imo.core import pagecache
from imo.core.excel import ExportColumn, write_xlsx, xlsx_response
from imo.core.paging import PAGE_SIZES, CountingPaginator, page_size
from imo.core.tables.columns import Column
from imo.core.tables.filters import Filter, SearchFilter

T = TypeVar("T")
COLUMNS_PARAM = "cols"
ALL_COLUMNS = "all"
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class Cell:
    html: SafeString
    classes: str


@dataclass(frozen=True)
class Row:
    object: Any
    cells: list[Cell]

    @property
    def html(self) -> SafeString:
        """The row's <tr>, joined here: a page of 100 rows × 8 cells through the template's loops and
        conditions cost more than reading the rows (the cells' HTML is escaped already)."""
        parts = ["<tr>"]
        for cell in self.cells:
            parts.append(f'<td class="{escape(cell.classes)}">' if cell.classes else "<td>")
            parts.append(cell.html)
            parts.append("</td>")
        parts.append("</tr>")
        return mark_safe("".join(parts))  # the cells are escaped HTML, the classes escaped above


@dataclass(frozen=True)
class Header:
    column: Column
    url: str  # "" when the column does not sort
    sorted: str  # "ascending", "descending" or ""

    @property
    def label(self) -> str:
        return self.column.label

    @property
    def classes(self) -> str:
        return self.column.classes


def checkbox_options(field: forms.BoundField) -> SafeString:
    """The check boxes of a multiple-choice field, as Django's widget templates would write them: a
    region's office has ~500 schools in one filter, and a template render per box cost more than the
    rest of the page together."""
    parts = []
    for option in field.subwidgets:
        data = option.data
        value = "" if data["value"] is None else str(data["value"])
        parts.append(
            format_html(
                '<div class="form-check"><input type="{}" name="{}" value="{}"{}>'
                '<label class="form-check-label" for="{}">{}</label></div>',
                data["type"],
                data["name"],
                value,
                flatatt(data["attrs"]),
                option.id_for_label,
                data["label"],
            )
        )
    return mark_safe("".join(parts))  # each part built by format_html


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """Attributes as django/forms/widgets/attrs.html writes them: in order, True bare, False left out."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', value))
            for name, value in attrs.items()
            if value is not False
        ),
    )


def select_html(field: forms.BoundField) -> SafeString:
    """A select field as its widget's templates would write it (the same attributes and options), for the
    filter bars: five selects of a list page through the widget templates cost ~3 ms."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    parts: list[str] = [format_html('<select name="{}"{}>', context["name"], _attributes(context["attrs"]))]
    for group_name, options, _index in context["optgroups"]:
        if group_name:
            parts.append(format_html('<optgroup label="{}">', group_name))
        for option in options:
            value = "" if option["value"] is None else str(option["value"])
            parts.append(
                format_html(
                    '<option value="{}"{}>{}</option>', value, _attributes(option["attrs"]), option["label"]
                )
            )
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    return mark_safe("".join(parts))  # each part built by format_html


@dataclass(frozen=True)
class Control:
    """One filter as the filter bar renders it."""

    filter: Filter
    fields: list[forms.BoundField]
    summary: str
    dom_id: str

    @property
    def template(self) -> str:
        return self.filter.template

    @property
    def label(self) -> str:
        return self.filter.label

    @property
    def field(self) -> forms.BoundField:
        return self.fields[0]

    @property
    def options_html(self) -> SafeString:
        return checkbox_options(self.field)

    @property
    def select_html(self) -> SafeString:
        return select_html(self.field)


class TableForm(forms.Form):
    """The filter bar's form; its fields come from the table's filters and its column choice."""

    def __init__(self, data: QueryDict, *, table: Table) -> None:
        super().__init__(data)
        self.table = table
        self.filter_fields: dict[str, list[str]] = {}
        for item in table.active_filters:
            fields = item.form_fields(table)
            self.fields.update(fields)
            self.filter_fields[item.name] = list(fields)
        self.fields[COLUMNS_PARAM] = forms.MultipleChoiceField(
            label="Столбцы",
            required=False,
            choices=[(column.name, column.label) for column in table.columns if column.hideable],
            widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.table.active_filters:
            item.clean(self)
        return data


class Table:
    """Declare a table by subclassing:

        class OrganizationTable(Table):
            columns = [Column("name", "Наименование", field="short_name", sort=russian, hideable=False), ...]
            filters = [SearchFilter("q"), MultiChoiceFilter("kind", "Тип", choices=...), ...]
            default_sort = "name"
            export_url_name = "orgs:export"

    and use it in the views:

        table = OrganizationTable(request, queryset=organizations_visible_to(user=request.user))
        return table.render("orgs/organization_list.html", {...})     # the list (or its htmx part)
        return table.export_response()                                   # the Excel file

    URL parameters: each filter's own, `sort` (`name` / `-name`), `per_page` (25/50/100), `page`, and
    `cols` (repeated; `cols=all` shows every column). Defaults are left out of the links.
    """

    columns: ClassVar[Sequence[Column]] = ()
    filters: ClassVar[Sequence[Filter]] = ()
    default_sort: ClassVar[str] = ""
    noun: ClassVar[str] = "запись,записи,записей"  # Russian plural forms for «Найдено: N …»
    caption: ClassVar[str] = "Список"  # read by screen readers
    export_url_name: ClassVar[str] = ""  # the export view's URL name; no Excel link without it
    export_filename: ClassVar[str] = "выгрузка"  # the file is named «<export_filename>_дд.мм.гггг.xlsx»
    sheet_name: ClassVar[str] = "Лист1"
    empty_text: ClassVar[str] = "Записей пока нет."
    empty_filtered_text: ClassVar[str] = (
        "По этим условиям ничего не найдено. Измените фильтры или сбросьте их."
    )
    filters_label: ClassVar[str] = "Фильтры"
    dom_id: ClassVar[str] = "results"  # the element htmx replaces
    results_template: ClassVar[str] = "components/table_results.html"
    # The filter bar `filters_html` renders (components/table.html shows it; a page with its own layout
    # writes {{ table.filters_html }}).
    filters_template: ClassVar[str] = "components/table_filters.html"
    # The apps (imo.core.pagecache topics) whose data the filter bar's choices show. When set, the bar is
    # kept per user and address until one of them changes: everything else in it comes from the address
    # (the chosen values, the columns) or the user (the scope of the choices), which are the key.
    filters_topics: ClassVar[tuple[str, ...]] = ()

    def __init__(self, request: HttpRequest, *, queryset: QuerySet[Any]) -> None:
        self.request = request
        self.user: Any = request.user
        self.base_queryset = queryset
        self._cache: dict[str, Any] = {}
        self.active_filters = [item for item in self.filters if item.shown(self)]
        self.form = TableForm(self._form_data(), table=self)
        self.form.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        self.values: dict[str, Any] = {item.name: item.value(cleaned) for item in self.active_filters}
        self.sort = self._read_sort()
        self.per_page = page_size(request)
        self.visible_columns = self._read_columns(cleaned)
        self.page_number = request.GET.get("page") or 1
        self._page: Page | None = None
        self._rows: list[Row] = []

    # --- reading the request --------------------------------------------------------------------

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """A value computed once per table (filter choices that query the database use it)."""
        if key not in self._cache:
            self._cache[key] = compute()
        value: T = self._cache[key]
        return value

    def kept_for_user(self, key: str, *, topics: tuple[str, ...], compute: Callable[[], T]) -> T:
        """`cached`, and kept between requests for this user (imo.core.pagecache) until the data of
        `topics` changes: filter choices every page of a list asks for, read from data that changes a few
        times a year."""
        return self.cached(
            key,
            lambda: pagecache.cached(
                f"tables.{type(self).__name__}.{key}",
                topics=topics,
                parts=pagecache.user_parts(self.user),
                compute=compute,
            ),
        )

    def _form_data(self) -> QueryDict:
        data = self.request.GET.copy()
        for item in self.active_filters:
            item.fill_defaults(data, self)
        names = {column.name for column in self.columns if column.hideable}
        chosen = data.getlist(COLUMNS_PARAM)
        if ALL_COLUMNS in chosen:
            chosen = list(names)
        chosen = [name for name in chosen if name in names]
        data.setlist(COLUMNS_PARAM, chosen or [name for name in self.default_column_names() if name in names])
        return data

    def default_column_names(self) -> list[str]:
        return [
            column.name
            for column in self.columns
            if not column.hideable or (column.visible(self) if callable(column.visible) else column.visible)
        ]

    def _read_columns(self, cleaned: dict[str, Any]) -> list[Column]:
        chosen = set(cleaned.get(COLUMNS_PARAM) or self.default_column_names())
        return [column for column in self.columns if not column.hideable or column.name in chosen]

    def column(self, name: str) -> Column | None:
        return next((column for column in self.columns if column.name == name), None)

    def _read_sort(self) -> str:
        raw = self.request.GET.get("sort") or self.default_sort
        key = raw.lstrip("-")
        column = self.column(key)
        if column is None or not column.sortable:
            return self.default_sort
        return f"-{key}" if raw.startswith("-") else key

    # --- the rows -------------------------------------------------------------------------------

    def ordering(self) -> list[Any]:
        order: list[Any] = []
        for key in dict.fromkeys([self.sort, self.default_sort]):  # the chosen order, then the default
            column = self.column(key.lstrip("-")) if key else None
            if column is not None and column.sortable:
                order.extend(column.order_by(descending=key.startswith("-")))
        return [*order, "pk"]

    def get_queryset(self) -> QuerySet[Any]:
        """Every row the filters let through, in the chosen order (not yet split into pages)."""
        queryset = self.base_queryset
        for item in self.active_filters:
            queryset = item.apply(queryset, self.values[item.name], self)
        return queryset.order_by(*self.ordering())

    def prepare(self) -> None:
        """Read the page of rows with the count of all (one query) and build its cells."""
        if self._page is not None:
            return
        self._page = CountingPaginator(self.get_queryset(), self.per_page).get_page(self.page_number)
        self._rows = [
            Row(item, [Cell(column.html(item), column.classes) for column in self.visible_columns])
            for item in self._page.object_list
        ]

    @property
    def page(self) -> Page:
        self.prepare()
        assert self._page is not None
        return self._page

    @property
    def rows(self) -> list[Row]:
        self.prepare()
        return self._rows

    @property
    def rows_html(self) -> SafeString:
        """Every row's <tr>, joined here: the template's loop over 100 rows cost ~1 ms more."""
        return mark_safe("".join(row.html for row in self.rows))  # each row escaped its cells

    # --- links ----------------------------------------------------------------------------------

    def query(self, **changes: Any) -> str:
        """The query string of the current view with some parts changed: `sort`, `per_page`, `page`,
        `cols` (a list of names); None drops a part. Defaults are left out, so links stay short."""
        params: list[tuple[str, str]] = []
        for item in self.active_filters:
            params.extend(item.params(self.values[item.name]))
        sort = changes.get("sort", self.sort)
        if sort and sort != self.default_sort:
            params.append(("sort", sort))
        per_page = changes.get("per_page", self.per_page)
        if per_page and per_page != PAGE_SIZES[0]:
            params.append(("per_page", str(per_page)))
        names = changes.get("cols", [column.name for column in self.visible_columns])
        if names is not None and list(names) != self.default_column_names():
            if set(names) == {column.name for column in self.columns}:
                params.append((COLUMNS_PARAM, ALL_COLUMNS))
            else:
                params.extend((COLUMNS_PARAM, name) for name in names)
        page = changes.get("page")
        if page and str(page) != "1":
            params.append(("page", str(page)))
        query = QueryDict(mutable=True)
        for key, value in params:
            query.appendlist(key, value)
        return query.urlencode()

    def url(self, **changes: Any) -> str:
        query = self.query(**changes)
        return f"{self.request.path}?{query}" if query else self.request.path

    @property
    def query_string(self) -> str:
        """The current view without the page number (the pagination component adds it)."""
        return self.query()

    @property
    def headers(self) -> list[Header]:
        result = []
        current, descending = self.sort.lstrip("-"), self.sort.startswith("-")
        for column in self.visible_columns:
            if not column.sortable:
                result.append(Header(column, "", ""))
                continue
            is_current = column.name == current
            next_sort = f"-{column.name}" if is_current and not descending else column.name
            state = ("descending" if descending else "ascending") if is_current else ""
            result.append(Header(column, self.url(sort=next_sort), state))
        return result

    @property
    def page_sizes(self) -> list[tuple[int, str, bool]]:
        return [(size, self.url(per_page=size), size == self.per_page) for size in PAGE_SIZES]

    @property
    def page_numbers(self) -> list[Any]:
        return list(self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1))

    @property
    def ellipsis(self) -> str:
        return str(Paginator.ELLIPSIS)

    @property
    def export_url(self) -> str:
        if not self.export_url_name:
            return ""
        query = self.query(per_page=None)
        return f"{reverse(self.export_url_name)}?{query}" if query else reverse(self.export_url_name)

    @property
    def reset_url(self) -> str:
        """The list with no filters, keeping the order, page size and columns."""
        params = QueryDict(self.query(), mutable=True)
        for item in self.active_filters:
            for key, _ in item.params(self.values[item.name]):
                params.pop(key, None)
        query = params.urlencode()
        return f"{self.request.path}?{query}" if query else self.request.path

    @property
    def state_inputs(self) -> list[tuple[str, str]]:
        """Hidden inputs that keep the order and the page size when a filter changes."""
        inputs = []
        if self.sort and self.sort != self.default_sort:
            inputs.append(("sort", self.sort))
        if self.per_page != PAGE_SIZES[0]:
            inputs.append(("per_page", str(self.per_page)))
        return inputs

    # --- the filter bar -------------------------------------------------------------------------

    @property
    def controls(self) -> list[Control]:
        result = []
        for item in self.active_filters:
            result.append(
                Control(
                    filter=item,
                    fields=[self.form[name] for name in self.form.filter_fields[item.name]],
                    summary=item.summary(self.values[item.name], self),
                    dom_id=f"{self.dom_id}-filter-{item.name}",
                )
            )
        return result

    @property
    def search_input_id(self) -> str:
        search = next((item for item in self.active_filters if isinstance(item, SearchFilter)), None)
        return self.form[search.name].id_for_label if search else ""

    @property
    def column_field(self) -> forms.BoundField:
        return self.form[COLUMNS_PARAM]

    @property
    def column_options_html(self) -> SafeString:
        return checkbox_options(self.column_field)

    @property
    def fixed_columns(self) -> list[Column]:
        return [column for column in self.columns if not column.hideable]

    @property
    def columns_summary(self) -> str:
        return f"{len(self.visible_columns)} из {len(self.columns)}"

    @property
    def all_columns_url(self) -> str:
        return self.url(cols=[column.name for column in self.columns])

    @property
    def default_columns_url(self) -> str:
        return self.url(cols=None)

    @property
    def errors(self) -> list[str]:
        """Filters left out because of bad input, as «Поле» — message."""
        messages: list[str] = []
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else ""
            messages.extend(f"«{label}» — {error}" if label else str(error) for error in errors)
        return messages

    @property
    def is_filtered(self) -> bool:
        return any(item.is_narrowing(self.values[item.name]) for item in self.active_filters)

    @property
    def is_htmx(self) -> bool:
        """An htmx request for the results only (not a history restore after the cache ran out)."""
        htmx: Any = getattr(self.request, "htmx", None)
        return bool(htmx) and not htmx.history_restore_request and htmx.target in (None, self.dom_id)

    # --- responses ------------------------------------------------------------------------------

    @property
    def filters_html(self) -> SafeString:
        """The filter bar, rendered from `filters_template` with `table` and `request` only.

        Kept when `filters_topics` is set: on a big list it is a form of a dozen filters with hundreds of
        options (2–3 ms of a 20 ms page), the same on every visit until the address or the data change.
        The date is in the key because filters default to today."""

        def compute() -> str:
            return render_to_string(self.filters_template, {"table": self, "request": self.request})

        if not self.filters_topics:
            return mark_safe(compute())  # rendered (and escaped) by Django's templates
        parts = (
            f"{type(self).__module__}.{type(self).__qualname__}",
            getattr(self.user, "pk", None),
            self.request.get_full_path(),
            timezone.localdate().isoformat(),
        )
        html = pagecache.cached("tables.filters", topics=self.filters_topics, parts=parts, compute=compute)
        return mark_safe(html)  # as above: the string it rendered

    def render(self, template: str, context: dict[str, Any] | None = None) -> HttpResponse:
        """The full page, or only the results when htmx asks (a filter, a sort or a page changed);
        the browser's address then shows the canonical link of what is on screen."""
        self.prepare()
        context = {"table": self, **(context or {})}
        if self.is_htmx:
            response = render(self.request, self.results_template, context)
            response["HX-Push-Url"] = self.url(page=self.page.number)
        else:
            response = render(self.request, template, context)
        patch_vary_headers(response, ("HX-Request",))
        return response

    def export_columns(self) -> list[ExportColumn]:
        return [
            ExportColumn(column.header, column.excel, column.excel_width)
            for column in self.visible_columns
            if column.exportable
        ]

    def export_queryset(self) -> QuerySet[Any]:
        """The rows of the Excel file; override to read less for thousands of rows (e.g. to prefetch a
        parent shared by many rows instead of joining it into every row)."""
        return self.get_queryset()

    def export_response(self) -> HttpResponse:
        """Every filtered row in the chosen order and the visible columns, as .xlsx."""
        queryset = self.export_queryset()
        content = write_xlsx(
            self.export_columns(), queryset.iterator(chunk_size=EXPORT_CHUNK), sheet_name=self.sheet_name
        )
        return xlsx_response(content, f"{self.export_filename}_{timezone.localdate():%d.%m.%Y}.xlsx")
