"""The tables of the course catalogue (imo.core.tables declarations): providers, programmes, topics.

Each lists active rows by default (state filter: используются / отключены / все), searches the folded
name or title (case and ё do not matter, the same on SQLite and PostgreSQL), sorts in Russian order and
exports exactly the filtered rows to Excel. Editors get a last column of row buttons.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.core.identifiers import digits_only
from imo.core.tables import ChoiceFilter, Column, MultiChoiceFilter, SearchFilter, Table, label_order, russian
from imo.core.text import fold
from imo.reference.models import Subject
from imo.training.catalogue.selectors import topic_choices
from imo.training.models import CourseForm, CourseKind, Provider, ProviderKind

ACTIVE = "active"
INACTIVE = "inactive"
ROW_ACTIONS_TEMPLATE = "training/catalogue/row_actions.html"


def _by_state(rows: QuerySet[Any], state: str) -> QuerySet[Any]:
    return rows.filter(is_active=state == ACTIVE)


def _state_filter() -> ChoiceFilter:
    return ChoiceFilter(
        "state",
        "Состояние",
        choices=[(ACTIVE, "Используются"), (INACTIVE, "Отключены")],
        default=ACTIVE,
        method=_by_state,
    )


def _state_badge(row: Any) -> SafeString:
    if row.is_active:
        return format_html('<span class="badge text-bg-success">{}</span>', "используется")
    return format_html('<span class="badge text-bg-secondary">{}</span>', "отключена")


def _state_column() -> Column:
    return Column(
        "state",
        "Состояние",
        display=_state_badge,
        export=lambda row: "используется" if row.is_active else "отключена",
        sort=True,
        sort_fields=("is_active",),
        width=14,
    )


class CatalogueTable(Table):
    """A catalogue list; with `editable`, a last column holds each row's buttons (`row_actions`)."""

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
            self.columns = [*type(self).columns, actions]  # type: ignore[misc]
        super().__init__(request, queryset=queryset)

    def row_actions(self, row: Any) -> dict[str, Any]:
        raise NotImplementedError

    def _actions(self, row: Any) -> SafeString:
        return render_to_string(ROW_ACTIONS_TEMPLATE, self.row_actions(row), request=self.request)


# --- providers ---------------------------------------------------------------------------------------


def _search_providers(rows: QuerySet[Provider], value: str) -> QuerySet[Provider]:
    """Every word in the folded name; digits also find the ИНН."""
    for word in fold(value).split():
        condition = Q(name_key__contains=word)
        digits = digits_only(word)
        if digits.isdecimal():
            condition |= Q(inn__contains=digits)
        rows = rows.filter(condition)
    return rows


def _programmes_link(provider: Any) -> SafeString:
    url = reverse("training:programmes")
    return format_html(
        '<a href="{}?provider={}&amp;state=all" hx-boost="false">{}'
        '<span class="visually-hidden"> — программы организации «{}»</span></a>',
        url,
        provider.pk,
        provider.programme_count,
        provider,
    )


class ProviderTable(CatalogueTable):
    columns = [
        Column("name", "Наименование", sort=russian, hideable=False, width=60),
        Column("short_name", "Краткое наименование", sort=russian, width=24),
        Column("inn", "ИНН", sort=True, width=14),
        Column("kind", "Тип организации", sort=label_order(ProviderKind.choices), width=30),
        Column(
            "programmes",
            "Программ",
            field="programme_count",
            display=_programmes_link,
            export=lambda provider: provider.programme_count,
            sort=True,
            sort_fields=("programme_count",),
            classes="text-end",
            width=12,
        ),
        Column(
            "records",
            "Курсов педагогов",
            field="record_count",
            sort=True,
            sort_fields=("record_count",),
            classes="text-end",
            width=16,
        ),
        _state_column(),
    ]
    filters = [
        SearchFilter("q", "Поиск", placeholder="Наименование или ИНН", method=_search_providers),
        MultiChoiceFilter("kind", "Тип организации", choices=ProviderKind.choices),
        _state_filter(),
    ]
    default_sort = "name"
    noun = "организация,организации,организаций"
    caption = "Организации повышения квалификации"
    export_url_name = "training:providers_export"
    export_filename = "организации_повышения_квалификации"
    sheet_name = "Организации"
    empty_text = "В справочнике пока нет организаций."
    empty_filtered_text = "Организаций не найдено. Измените условия поиска или сбросьте фильтры."

    def row_actions(self, row: Any) -> dict[str, Any]:
        in_use = bool(row.programme_count or row.record_count)
        return {
            "label": str(row),
            "active": row.is_active,
            "edit_url": reverse("training:provider_edit", args=[row.pk]),
            "deactivate_url": reverse("training:provider_deactivate", args=[row.pk]),
            "activate_url": reverse("training:provider_activate", args=[row.pk]),
            "delete_url": "" if in_use else reverse("training:provider_delete", args=[row.pk]),
        }


# --- programmes --------------------------------------------------------------------------------------


def _tags(items: Any) -> str:
    return "; ".join(str(item) for item in items.all())


def _provider_options(table: Table) -> list[tuple[int, str]]:
    """Every provider (a disabled one too: its programmes stay in the list under «Отключены»)."""
    rows = Provider.objects.order_by("-is_active", russian("name"), "pk")
    return [(p.pk, str(p) if p.is_active else f"{p} (отключена)") for p in rows]


def _topic_options(table: Table) -> list[tuple[int, str]]:
    return [(topic.pk, topic.name) for topic in topic_choices()]


def _subject_options(table: Table) -> list[tuple[int, str]]:
    return [
        (subject.pk, subject.name)
        for subject in Subject.objects.filter(is_archived=False).order_by(russian("name"), "pk")
    ]


def _search_programmes(rows: QuerySet[Any], value: str) -> QuerySet[Any]:
    for word in fold(value).split():
        rows = rows.filter(title_key__contains=word)
    return rows


class ProgrammeTable(CatalogueTable):
    columns = [
        Column("title", "Наименование программы", sort=russian, hideable=False, width=70),
        Column(
            "provider",
            "Организация",
            sort=russian,
            sort_fields=("provider__name",),
            width=40,
        ),
        Column("kind", "Вид", sort=label_order(CourseKind.choices), width=30),
        Column("hours", "Часов", sort=True, classes="text-end", width=8),
        Column("form", "Форма обучения", sort=label_order(CourseForm.choices), width=22),
        Column("topics", "Темы", display=lambda row: _tags(row.topics), width=40),
        Column("subjects", "Предметы", display=lambda row: _tags(row.subjects), visible=False, width=30),
        Column(
            "records",
            "Курсов педагогов",
            field="record_count",
            sort=True,
            sort_fields=("record_count",),
            classes="text-end",
            width=16,
        ),
        _state_column(),
    ]
    filters = [
        SearchFilter("q", "Поиск", placeholder="Наименование программы", method=_search_programmes),
        ChoiceFilter("provider", "Организация", field="provider_id", choices=_provider_options, coerce=int),
        ChoiceFilter("kind", "Вид", choices=CourseKind.choices),
        ChoiceFilter("form", "Форма обучения", choices=CourseForm.choices),
        ChoiceFilter("topic", "Тема", field="topics", choices=_topic_options, coerce=int),
        ChoiceFilter("subject", "Предмет", field="subjects", choices=_subject_options, coerce=int),
        _state_filter(),
    ]
    default_sort = "title"
    noun = "программа,программы,программ"
    caption = "Программы повышения квалификации"
    export_url_name = "training:programmes_export"
    export_filename = "программы_повышения_квалификации"
    sheet_name = "Программы"
    empty_text = "В справочнике пока нет программ."
    empty_filtered_text = "Программ не найдено. Измените условия поиска или сбросьте фильтры."

    def row_actions(self, row: Any) -> dict[str, Any]:
        return {
            "label": row.title,
            "active": row.is_active,
            "edit_url": reverse("training:programme_edit", args=[row.pk]),
            "deactivate_url": reverse("training:programme_deactivate", args=[row.pk]),
            "activate_url": reverse("training:programme_activate", args=[row.pk]),
            "delete_url": "" if row.record_count else reverse("training:programme_delete", args=[row.pk]),
        }


# --- topics ------------------------------------------------------------------------------------------


def _search_topics(rows: QuerySet[Any], value: str) -> QuerySet[Any]:
    """Topics are a short list: the folded match runs over their names in Python, one query."""
    words = fold(value).split()
    wanted = [pk for pk, name in rows.values_list("pk", "name") if all(word in fold(name) for word in words)]
    return rows.filter(pk__in=wanted)


def _first_and_last(rows: QuerySet[Any]) -> tuple[int | None, int | None]:
    ordered = rows.order_by("order", "name", "pk").values_list("pk", flat=True)
    return ordered.first(), ordered.last()


class TopicTable(CatalogueTable):
    columns = [
        Column("order", "№", sort=True, classes="text-end", width=6),
        Column("name", "Тема", sort=russian, hideable=False, width=60),
        Column(
            "programmes",
            "Программ",
            field="programme_count",
            sort=True,
            sort_fields=("programme_count",),
            classes="text-end",
            width=12,
        ),
        Column(
            "records",
            "Курсов педагогов",
            field="record_count",
            sort=True,
            sort_fields=("record_count",),
            classes="text-end",
            width=16,
        ),
    ]
    filters = [SearchFilter("q", "Поиск", placeholder="Тема", method=_search_topics)]
    default_sort = "order"
    noun = "тема,темы,тем"
    caption = "Темы курсов"
    export_url_name = "training:topics_export"
    export_filename = "темы_курсов"
    sheet_name = "Темы"
    empty_text = "Тем пока нет."
    empty_filtered_text = "Тем не найдено."

    def _ends(self) -> tuple[int | None, int | None]:
        """The first and the last topic of the whole list (one query per page)."""
        return self.cached("ends", lambda: _first_and_last(self.base_queryset))

    def row_actions(self, row: Any) -> dict[str, Any]:
        # The arrows move a topic in the office's order: shown only while the list is in that order.
        movable = self.sort == "order"
        first, last = self._ends() if movable else (None, None)
        up = movable and row.pk != first
        down = movable and row.pk != last
        return {
            "label": row.name,
            "edit_url": reverse("training:topic_edit", args=[row.pk]),
            "up_url": reverse("training:topic_move", args=[row.pk, "up"]) if up else "",
            "down_url": reverse("training:topic_move", args=[row.pk, "down"]) if down else "",
            "delete_url": ""
            if row.programme_count or row.record_count
            else reverse("training:topic_delete", args=[row.pk]),
        }
