"""The table of the change log (an imo.core.tables declaration).

Its rows are `LogRow`s (imo.audit.changes): each page of entries, and each chunk of an export, is
described in one go, so the names behind the ids in the changes cost one query per related model, not
one per row.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from auditlog.models import LogEntry
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from imo.audit.changes import LogRow, describe_entries
from imo.audit.selectors import (
    ACTION_LABELS,
    FILTER_ACTIONS,
    actors_in_log,
    audited_models,
    log_entries_between,
    log_entries_mentioning,
    log_entries_of_model,
)
from imo.core.batches import completed_in_batches
from imo.core.tables import (
    ChoiceFilter,
    Column,
    DateRangeFilter,
    Filter,
    SearchFilter,
    Table,
    label_order,
)

OBJECT_PARAM = "object"


class ObjectFilter(Filter):
    """One object's history (`object=<pk>`, with the model filter), set by the link on an entry's page.
    No control of its own: a hidden input keeps it while the other filters change."""

    template = "audit/includes/filter_hidden.html"

    def form_fields(self, table: Table) -> dict[str, forms.Field]:
        return {self.name: forms.CharField(required=False, max_length=255, widget=forms.HiddenInput)}

    def value(self, cleaned: dict[str, Any]) -> Any:
        return (cleaned.get(self.name) or "").strip() or None

    def params(self, value: Any) -> list[tuple[str, str]]:
        return [(self.name, value)] if value else []

    def apply(self, queryset: QuerySet[Any], value: Any, table: Table) -> QuerySet[Any]:
        return queryset  # applied by the model filter (an object id means nothing without its model)


def actor_choices(table: Table) -> list[tuple[int, str]]:
    """The people who made a change the user may see; namesakes («Магомадов А. Р.» is common) are told
    apart by their login."""
    people = list(actors_in_log(user=table.user))
    short_names = Counter(person.short_name for person in people)
    return [
        (
            person.pk,
            person.short_name
            if short_names[person.short_name] == 1
            else f"{person.short_name} ({person.username})",
        )
        for person in people
    ]


def _time(row: LogRow) -> SafeString:
    return format_html(
        '<a href="{}" hx-boost="false"><span class="visually-hidden">Запись от </span>'
        '<time datetime="{}">{}</time></a>',
        reverse("audit:detail", args=[row.entry.pk]),
        row.entry.timestamp.isoformat(),
        f"{row.local_time:%d.%m.%Y %H:%M}",
    )


def _object(row: LogRow) -> SafeString:
    """The object's name; on narrow screens, where the type column is hidden, its type beneath."""
    return format_html(
        '{}<div class="small text-body-secondary d-md-none">{}</div>', row.entry.object_repr, row.model_label
    )


def _changes(row: LogRow) -> SafeString:
    return render_to_string("audit/includes/changes.html", {"row": row})


class LogTable(Table):
    """Who changed what and when, newest first."""

    columns = [
        Column(
            "time",
            "Дата и время",
            display=_time,
            export=lambda row: row.local_time,
            sort=True,
            sort_fields=("timestamp",),
            hideable=False,
            classes="text-nowrap",
            width=18,
        ),
        Column(
            "actor",
            "Пользователь",
            display=lambda row: row.actor_label,
            export=lambda row: row.actor_full_label,
            width=36,
        ),
        Column(
            "ip",
            "IP-адрес",
            display=lambda row: row.entry.remote_addr or "",
            classes="d-none d-xl-table-cell",
            width=16,
        ),
        Column(
            "action",
            "Действие",
            display=lambda row: row.action_label,
            sort=label_order(list(ACTION_LABELS.items())),
            sort_fields=("action",),
            width=12,
        ),
        Column(
            "model",
            "Тип объекта",
            display=lambda row: row.model_label,
            classes="d-none d-md-table-cell",
            width=22,
        ),
        Column("object", "Объект", display=_object, export=lambda row: row.entry.object_repr, width=40),
        Column(
            "changes",
            "Изменения",
            display=_changes,
            export=lambda row: row.changes_text,
            classes="small",
            width=80,
        ),
    ]
    filters = [
        SearchFilter(
            "q",
            "Объект",
            placeholder="Название организации, ФИО",
            method=lambda entries, query: log_entries_mentioning(entries, query=query),
        ),
        ChoiceFilter("actor", "Кто изменил", choices=actor_choices, field="actor_id", coerce=int),
        ChoiceFilter("model", "Тип объекта", choices=lambda table: audited_models(), method="of_model"),
        ChoiceFilter("action", "Действие", choices=FILTER_ACTIONS, coerce=int),
        DateRangeFilter(
            "date",
            "Дата",
            method=lambda entries, days: log_entries_between(entries, start=days[0], end=days[1]),
        ),
        ObjectFilter(OBJECT_PARAM, "История объекта"),
    ]
    default_sort = "-time"
    noun = "запись,записи,записей"
    caption = "Записи журнала изменений"
    filters_label = "Фильтры журнала"
    export_url_name = "audit:export"
    export_filename = "журнал_изменений"
    sheet_name = "Журнал изменений"
    empty_text = "Журнал пока пуст. Здесь появится каждое изменение организаций, пользователей и ролей."

    def of_model(self, entries: QuerySet[LogEntry], model: str) -> QuerySet[LogEntry]:
        return log_entries_of_model(entries, model=model, object_pk=self.values.get(OBJECT_PARAM) or "")

    def get_queryset(self) -> QuerySet[Any]:
        """The filtered entries, read as LogRows (described a page or an export chunk at a time)."""
        return completed_in_batches(super().get_queryset(), describe_entries)

    @property
    def object_history(self) -> bool:
        """Whether the list is one object's history (the link on an entry's page)."""
        return bool(self.values.get(OBJECT_PARAM) and self.values.get("model"))

    @property
    def whole_log_url(self) -> str:
        """The log without the one-object filter (the other filters, the order and the columns kept)."""
        params = QueryDict(self.query(), mutable=True)
        for name in (OBJECT_PARAM, "model"):
            params.pop(name, None)
        query = params.urlencode()
        return f"{self.request.path}?{query}" if query else self.request.path
