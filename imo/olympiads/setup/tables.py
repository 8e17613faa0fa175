"""Tables of the olympiad's settings (imo.core.tables): the seasons and the subjects of the olympiad."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.core.tables import ChoiceFilter, Column, SearchFilter, Table, russian
from imo.core.text import fold
from imo.olympiads.models import OlympiadSubject
from imo.reference.models import AcademicYear


def _year_choices(table: Table) -> list[tuple[Any, str]]:
    return [(year.pk, year.name) for year in AcademicYear.objects.order_by("-start_year")]


def _season_link(row: Any) -> str:
    return reverse("olympiads:season_detail", args=[row.pk])


class SeasonTable(Table):
    columns = [
        Column(
            "year",
            "Учебный год",
            field="academic_year.name",
            sort=True,
            sort_fields=("academic_year__start_year",),
            link=_season_link,
            hideable=False,
            width=14,
        ),
        Column("title", "Наименование", display=str, export=str, width=50),
        Column("municipality", "Муниципалитет", field="municipality.name", sort=russian, width=40),
        Column("stage_count", "Этапов", sort=True, width=10),
        Column("subject_count", "Предметов на этапах", sort=True, width=14),
    ]
    filters = [ChoiceFilter("year", "Учебный год", choices=_year_choices, field="academic_year", coerce=int)]
    default_sort = "-year"
    noun = "олимпиада,олимпиады,олимпиад"
    caption = "Олимпиады по учебным годам"
    export_url_name = "olympiads:season_export"
    export_filename = "олимпиады"
    empty_text = "Олимпиад пока нет."


def _search_subjects(rows: QuerySet[Any], value: str) -> QuerySet[Any]:
    """Every word in the folded name (the list is short: folded in Python, the same on both databases)."""
    words = fold(value).split()
    names = OlympiadSubject.objects.values_list("pk", "name")
    return rows.filter(pk__in=[pk for pk, name in names if all(word in fold(name) for word in words)])


def _subject_edit(row: Any) -> SafeString:
    return format_html(
        '<a class="btn btn-sm btn-outline-primary" href="{}">Изменить'
        '<span class="visually-hidden"> «{}»</span></a>',
        reverse("olympiads:olympiad_subject_edit", args=[row.pk]),
        row.name,
    )


def _yes(value: bool) -> str:
    return "да" if value else "нет"


class OlympiadSubjectTable(Table):
    columns = [
        Column("order", "№", sort=True, width=6),
        Column("name", "Предмет", sort=russian, hideable=False, width=40),
        Column("short_name", "Краткое наименование", sort=russian, width=20),
        Column("min_grade_school", "Школьный этап с класса", sort=True, width=12),
        Column(
            "online_school_stage",
            "«Сириус.Курсы»",
            display=lambda row: _yes(row.online_school_stage),
            export=lambda row: _yes(row.online_school_stage),
            width=12,
        ),
        Column("school_subject", "Учебный предмет", display=lambda row: row.school_subject or "", width=30),
        Column(
            "is_active",
            "Используется",
            display=lambda row: _yes(row.is_active),
            export=lambda row: _yes(row.is_active),
            width=12,
        ),
    ]
    filters = [
        SearchFilter("q", label="Поиск по названию", method=_search_subjects),
        ChoiceFilter(
            "state",
            "Состояние",
            choices=[("active", "Используются"), ("inactive", "Отключены")],
            method=lambda rows, value: rows.filter(is_active=value == "active"),
        ),
    ]
    default_sort = "order"
    noun = "предмет,предмета,предметов"
    caption = "Предметы олимпиады"
    export_url_name = "olympiads:olympiad_subject_export"
    export_filename = "предметы_олимпиады"

    def __init__(self, request: Any, *, queryset: QuerySet[Any], editable: bool = False) -> None:
        if editable:
            self.columns = [  # type: ignore[misc]
                *type(self).columns,
                Column(
                    "actions",
                    "Действия",
                    display=_subject_edit,
                    hideable=False,
                    exportable=False,
                    classes="text-end",
                ),
            ]
        super().__init__(request, queryset=queryset)
