"""The tables of the reference lists (imo.core.tables declarations): subjects, positions, grades and
academic years.

Every list filters by state (действующие by default, в архиве, все), sorts names in Russian order and
exports exactly the filtered rows. Editors get a last column of row buttons (archive, return from the
archive, edit, delete); the buttons post full pages and come back to the same filtered list.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.core.tables import ChoiceFilter, Column, SearchFilter, Table, russian
from imo.reference.catalogues import ACADEMIC_YEARS, GRADES, POSITIONS, SUBJECTS, Catalogue
from imo.reference.models import AcademicYear
from imo.reference.selectors import current_academic_year_start

STATUS_ACTIVE = "active"
STATUS_ARCHIVED = "archived"
ROW_ACTIONS_TEMPLATE = "reference/includes/row_actions.html"


def _by_status(rows: QuerySet[Any], status: str) -> QuerySet[Any]:
    return rows.filter(is_archived=status == STATUS_ARCHIVED)


def _status_badge(row: Any) -> SafeString:
    if row.is_archived:
        return format_html('<span class="badge text-bg-secondary">{}</span>', "В архиве")
    return format_html('<span class="badge text-bg-success">{}</span>', "Действует")


def _status_text(row: Any) -> str:
    return "В архиве" if row.is_archived else "Действует"


def _status_filter() -> ChoiceFilter:
    return ChoiceFilter(
        "status",
        "Состояние",
        choices=[(STATUS_ACTIVE, "Действующие"), (STATUS_ARCHIVED, "В архиве")],
        default=STATUS_ACTIVE,
        method=_by_status,
    )


def _status_column() -> Column:
    return Column(
        "status",
        "Состояние",
        display=_status_badge,
        export=_status_text,
        sort=True,
        sort_fields=("is_archived",),
        width=12,
    )


class CatalogueTable(Table):
    """A catalogue's list. With `editable`, a last column holds each row's buttons (see `row_actions`)."""

    catalogue: ClassVar[Catalogue]

    def __init__(self, request: HttpRequest, *, queryset: QuerySet[Any], editable: bool = False) -> None:
        self.editable = editable
        if editable:
            actions = Column(
                "actions",
                "Действия",
                display=self._actions,
                hideable=False,
                exportable=False,
                classes="text-end",
            )
            # The buttons need this request (its CSRF token, the list's address to come back to).
            self.columns = [*type(self).columns, actions]  # type: ignore[misc]
        super().__init__(request, queryset=queryset)

    def row_actions(self, row: Any) -> dict[str, Any]:
        """The context of the row's buttons: `label`, `archived` and the URLs (empty: no such button)."""
        raise NotImplementedError

    def _actions(self, row: Any) -> SafeString:
        return render_to_string(ROW_ACTIONS_TEMPLATE, self.row_actions(row), request=self.request)

    @property
    def export_url(self) -> str:
        query = self.query(per_page=None)
        url = self.export_base_url()
        return f"{url}?{query}" if query else url

    def export_base_url(self) -> str:
        return reverse(self.export_url_name)


# --- Subjects and positions ---------------------------------------------------------------------------


def _olympiad(subject: Any) -> SafeString:
    if subject.is_olympiad:
        return format_html("{}", "да")
    return format_html('<span class="text-body-secondary">{}</span>', "нет")


class ItemTable(CatalogueTable):
    """Subjects or positions: rows typed in by hand, searched by name (case and ё folded)."""

    filters = [SearchFilter("q", "Поиск", placeholder="Наименование"), _status_filter()]
    default_sort = "name"
    export_url_name = "reference:item_export"
    empty_text = "В справочнике нет действующих записей."

    def export_base_url(self) -> str:
        return reverse(self.export_url_name, args=[self.catalogue.key])

    def row_actions(self, row: Any) -> dict[str, Any]:
        key = self.catalogue.key
        return {
            "label": row.name,
            "archived": row.is_archived,
            "edit_url": reverse("reference:item_edit", args=[key, row.pk]),
            "archive_url": reverse("reference:item_archive", args=[key, row.pk]),
            "unarchive_url": reverse("reference:item_unarchive", args=[key, row.pk]),
            "delete_url": reverse("reference:item_delete", args=[key, row.pk]),
        }


def _name_column(width: int) -> Column:
    return Column("name", "Наименование", sort=russian, hideable=False, width=width)


def _order_column() -> Column:
    return Column("order", "Порядок", sort=True, classes="d-none d-md-table-cell", width=10)


class SubjectTable(ItemTable):
    catalogue = SUBJECTS
    columns = [
        _name_column(40),
        Column(
            "is_olympiad",
            "ВсОШ",
            export_label="Предмет ВсОШ",
            display=_olympiad,
            export=lambda subject: subject.is_olympiad,
            sort=True,
            classes="d-none d-sm-table-cell",
            width=14,
        ),
        _order_column(),
        _status_column(),
    ]
    filters = [
        *ItemTable.filters,
        ChoiceFilter(
            "olympiad",
            "ВсОШ",
            choices=[("1", "Предметы ВсОШ"), ("0", "Другие предметы")],
            method=lambda subjects, value: subjects.filter(is_olympiad=value == "1"),
        ),
    ]
    noun = SUBJECTS.count_forms
    caption = "Предметы: справочник"
    export_filename = "предметы"
    sheet_name = "Предметы"


class PositionTable(ItemTable):
    catalogue = POSITIONS
    columns = [_name_column(50), _order_column(), _status_column()]
    noun = POSITIONS.count_forms
    caption = "Должности: справочник"
    export_filename = "должности"
    sheet_name = "Должности"


ITEM_TABLES: dict[str, type[ItemTable]] = {"subjects": SubjectTable, "positions": PositionTable}


# --- Grades -------------------------------------------------------------------------------------------


class GradeTable(CatalogueTable):
    """The grades 1…11: given in advance, only archived and returned."""

    catalogue = GRADES
    columns = [
        Column("number", "Класс", display=str, export=lambda grade: grade.number, sort=True, hideable=False),
        _status_column(),
    ]
    filters = [_status_filter()]
    default_sort = "number"
    noun = GRADES.count_forms
    caption = "Классы (параллели)"
    export_url_name = "reference:grade_export"
    export_filename = "классы (параллели)"
    sheet_name = "Классы"
    empty_text = "Действующих параллелей нет: все в архиве."

    def row_actions(self, row: Any) -> dict[str, Any]:
        return {
            "label": str(row),
            "archived": row.is_archived,
            "archive_url": reverse("reference:grade_archive", args=[row.pk]),
            "unarchive_url": reverse("reference:grade_unarchive", args=[row.pk]),
        }


# --- Academic years -----------------------------------------------------------------------------------


def _is_current(year: AcademicYear) -> bool:
    return year.start_year == current_academic_year_start()


def _year_name(year: AcademicYear) -> SafeString:
    if _is_current(year):
        return format_html(
            '{} <span class="badge text-bg-primary" data-current-year>{}</span>', year.name, "Текущий"
        )
    return format_html("{}", year.name)


class AcademicYearTable(CatalogueTable):
    """Academic years, the latest first; the current one is marked and may not be archived or deleted."""

    catalogue = ACADEMIC_YEARS
    columns = [
        Column(
            "start_year",
            "Учебный год",
            field="name",
            display=_year_name,
            sort=True,
            sort_fields=("start_year",),
            hideable=False,
            width=14,
        ),
        Column("starts_on", "Начало", sort=True, width=14),
        Column("ends_on", "Окончание", sort=True, width=14),
        _status_column(),
    ]
    filters = [_status_filter()]
    default_sort = "-start_year"
    noun = ACADEMIC_YEARS.count_forms
    caption = "Учебные годы; текущий отмечен"
    export_url_name = "reference:academic_year_export"
    export_filename = "учебные годы"
    sheet_name = "Учебные годы"
    empty_text = "Действующих учебных годов нет. Добавьте текущий."

    def row_actions(self, row: Any) -> dict[str, Any]:
        current = _is_current(row)
        return {
            "label": row.name,
            "archived": row.is_archived,
            "archive_url": "" if current else reverse("reference:academic_year_archive", args=[row.pk]),
            "unarchive_url": reverse("reference:academic_year_unarchive", args=[row.pk]),
            "delete_url": "" if current else reverse("reference:academic_year_delete", args=[row.pk]),
        }
