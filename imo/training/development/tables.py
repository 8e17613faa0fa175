"""The list of individual development plans (imo.core.tables) and its Excel files: one row per plan with
its progress, optionally with a second sheet of every item of those plans."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.core.tables import ChoiceFilter, Column, SearchFilter, Table, label_order, russian
from imo.orgs.selectors import educational_organizations_visible_to
from imo.training.development import selectors
from imo.training.models import DevelopmentItem, DevelopmentPlan

Status = DevelopmentPlan.Status
STATUS_LABELS: dict[str, str] = dict(Status.choices)
STATUS_BADGES: dict[str, str] = {
    Status.DRAFT: "text-bg-secondary",
    Status.ACTIVE: "text-bg-primary",
    Status.COMPLETED: "text-bg-success",
}
ITEM_BADGES: dict[str, str] = {
    DevelopmentItem.Status.PLANNED: "text-bg-secondary",
    DevelopmentItem.Status.IN_PROGRESS: "text-bg-primary",
    DevelopmentItem.Status.DONE: "text-bg-success",
    DevelopmentItem.Status.CANCELLED: "text-bg-light border",
}


def status_badge(status: str) -> SafeString:
    return format_html(
        '<span class="badge {}">{}</span>', STATUS_BADGES.get(status, ""), STATUS_LABELS[status]
    )


def progress_text(plan: Any) -> str:
    return "—" if plan.progress is None else f"{plan.progress} %"


def _period(plan: Any) -> str:
    return f"{plan.starts_on:%d.%m.%Y} — {plan.ends_on:%d.%m.%Y}"


def _overdue_cell(plan: Any) -> Any:
    if not plan.items_overdue:
        return "0"
    return format_html('<span class="badge text-bg-danger">{}</span>', plan.items_overdue)


def _schools(table: Table) -> list[tuple[int, str]]:
    def compute() -> list[tuple[int, str]]:
        rows = educational_organizations_visible_to(user=table.user).values_list("pk", "short_name", "name")
        return sorted(
            ((pk, short or name) for pk, short, name in rows), key=lambda r: r[1].casefold().replace("ё", "е")
        )

    return table.cached("schools", compute)


PROGRESS_CHOICES = [
    *((value, label) for value, label, _low, _high in selectors.PROGRESS_BANDS),
    (selectors.NO_ITEMS, "нет пунктов"),
]


class DevelopmentPlanTable(Table):
    columns = [
        Column(
            "educator",
            "Педагог",
            display=lambda p: p.educator.full_name,
            export=lambda p: p.educator.full_name,
            link=lambda p: reverse("training:development_plan", args=[p.pk]),
            sort=True,
            sort_fields=("educator__name_key",),
            hideable=False,
            width=36,
        ),
        Column(
            "school",
            "Организация",
            display=lambda p: p.school or "—",
            export=lambda p: p.school or "",
            sort=russian,
            width=32,
        ),
        Column("title", "Наименование", display=str, export=str, visible=False, width=36),
        Column("period", "Период", display=_period, sort=True, sort_fields=("starts_on",), width=24),
        Column(
            "mentor",
            "Наставник",
            display=lambda p: p.mentor.full_name if p.mentor else "—",
            export=lambda p: p.mentor.full_name if p.mentor else "",
            width=32,
        ),
        Column(
            "status",
            "Состояние",
            display=lambda p: status_badge(p.status),
            export=lambda p: STATUS_LABELS[p.status],
            sort=label_order(Status.choices),
            width=14,
        ),
        Column(
            "items",
            "Выполнено пунктов",
            display=lambda p: f"{p.items_done} из {p.items_total}",
            export=lambda p: p.items_done,
            sort=True,
            sort_fields=("items_done",),
            width=12,
        ),
        Column("items_total", "Пунктов (без отменённых)", visible=False, width=14),
        Column(
            "progress",
            "Выполнение",
            display=progress_text,
            export=lambda p: p.progress,
            export_label="Выполнение, %",
            sort=True,
            width=14,
        ),
        Column(
            "overdue",
            "Просрочено пунктов",
            display=_overdue_cell,
            export=lambda p: p.items_overdue,
            sort=True,
            sort_fields=("items_overdue",),
            width=14,
        ),
    ]
    filters = [
        SearchFilter("q", "Поиск", fields=("educator__search_text",), placeholder="ФИО педагога"),
        ChoiceFilter(
            "school", "Организация", choices=_schools, coerce=int, min_choices=2, method="filter_school"
        ),
        ChoiceFilter("status", "Состояние", choices=Status.choices),
        ChoiceFilter("progress", "Выполнение", choices=PROGRESS_CHOICES, method="filter_progress"),
        ChoiceFilter(
            "overdue",
            "Сроки",
            choices=[("1", "есть просроченные пункты")],
            all_label="все",
            method="filter_overdue",
        ),
    ]
    default_sort = "educator"
    noun = "маршрут,маршрута,маршрутов"
    caption = "Индивидуальные образовательные маршруты"
    export_url_name = "training:development_plans_export"
    export_filename = "ИОМ"
    sheet_name = "Маршруты"
    empty_text = "Маршрутов пока нет."
    empty_filtered_text = "Маршрутов не найдено. Измените фильтры или сбросьте их."

    def filter_school(self, queryset: QuerySet[Any], value: int) -> QuerySet[Any]:
        return selectors.filter_school(queryset, value)

    def filter_progress(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        return selectors.filter_progress_band(queryset, value)

    def filter_overdue(self, queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        return queryset.filter(items_overdue__gt=0)

    @property
    def items_export_url(self) -> str:
        url = self.export_url
        return f"{url}{'&' if '?' in url else '?'}items=1"


ITEM_HEADERS: tuple[tuple[str, int], ...] = (
    ("Педагог", 36),
    ("Маршрут", 30),
    ("Вид", 24),
    ("Содержание", 50),
    ("Профессиональный дефицит", 40),
    ("Срок", 12),
    ("Состояние", 16),
    ("Выполнено", 12),
    ("Результат", 40),
    ("Пройденный курс", 40),
)


def _item_row(item: DevelopmentItem) -> list[Any]:
    return [
        item.plan.educator.full_name,
        str(item.plan),
        item.get_kind_display(),
        item.title,
        item.gap.text if item.gap else "",
        item.due_on,
        item.get_status_display(),
        item.done_on,
        item.result,
        str(item.course_record) if item.course_record else "",
    ]


def plans_with_items_xlsx(table: DevelopmentPlanTable) -> bytes:
    """Two sheets: the plans as the list shows them (its columns), then every item of those plans."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E9ECEF"})
    date = book.add_format({"num_format": "dd.mm.yyyy"})

    def write(sheet: Any, headers: list[tuple[str, int]], rows: list[list[Any]]) -> None:
        for column, (title, width) in enumerate(headers):
            sheet.write_string(0, column, title, header)
            sheet.set_column(column, column, width)
        for index, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(index, column, dt.datetime.combine(value, dt.time()), date)
                elif isinstance(value, bool):
                    sheet.write_string(index, column, "да" if value else "нет")
                elif isinstance(value, int | float):
                    sheet.write_number(index, column, value)
                else:
                    sheet.write_string(index, column, str(value))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)

    columns = table.export_columns()
    plans = list(table.export_queryset())
    write(
        book.add_worksheet("Маршруты"),
        [(column.header, column.width) for column in columns],
        [[column.value(plan) for column in columns] for plan in plans],
    )
    items = selectors.items_of_plans([plan.pk for plan in plans])
    write(book.add_worksheet("Пункты"), list(ITEM_HEADERS), [_item_row(item) for item in items])
    book.close()
    return buffer.getvalue()
