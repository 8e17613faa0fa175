"""How log entries read in Russian: field labels, choice labels, dates, and related objects by name.

django-auditlog stores each change as text: {"field": ["old", "new"]}, "None" for an empty value,
a foreign key as the related object's primary key. `describe_entries()` turns a page of entries into
rows a person reads, looking related objects up in one query per related model, so a page costs the
same number of queries whatever it holds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from imo.audit.selectors import ACTION_LABELS

EMPTY = "—"
_NONE = "None"


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class LogRow:
    """A log entry with its changes ready to show."""

    entry: LogEntry
    changes: tuple[FieldChange, ...]

    @property
    def only_hidden_changes(self) -> bool:
        """Only derived columns changed (e.g. the search text): nothing a person entered."""
        return not self.changes and bool(self.entry.changes_dict)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.entry.action, str(self.entry.action))

    @property
    def is_create(self) -> bool:
        return self.entry.action == LogEntry.Action.CREATE

    @property
    def is_delete(self) -> bool:
        return self.entry.action == LogEntry.Action.DELETE

    @property
    def model_label(self) -> str:
        return model_label(self.entry)

    @property
    def actor_label(self) -> str:
        """«Фамилия И. О.» of who made the change; the system when nobody was signed in."""
        actor = self.entry.actor
        if actor is not None:
            return str(actor.short_name)
        if self.entry.actor_email:
            return f"{self.entry.actor_email} (учётная запись удалена)"
        return "Система"

    @property
    def actor_full_label(self) -> str:
        actor = self.entry.actor
        if actor is None:
            return self.actor_label
        name = actor.full_name or actor.username
        return f"{name} ({actor.username})" if actor.full_name else name

    @property
    def local_time(self) -> dt.datetime:
        return timezone.localtime(self.entry.timestamp)

    def change_lines(self) -> list[str]:
        """Each change as one line «поле: было → стало» (only the value for a creation or a deletion)."""
        if self.is_create:
            return [f"{change.label}: {change.new}" for change in self.changes]
        if self.is_delete:
            return [f"{change.label}: {change.old}" for change in self.changes]
        return [f"{change.label}: {change.old} → {change.new}" for change in self.changes]

    @property
    def changes_text(self) -> str:
        return "; ".join(self.change_lines())


def model_label(entry: LogEntry) -> str:
    model = entry.content_type.model_class()
    if model is None:
        return capfirst(entry.content_type.name) or entry.content_type.model
    return capfirst(str(model._meta.verbose_name))


def _meta_field(model: type[models.Model] | None, name: str) -> Any:
    """The model's field or relation called `name`; None when the model or the name no longer exists."""
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    field = _meta_field(model, name)
    return field if isinstance(field, models.Field) else None


def _position(model: type[models.Model] | None, name: str) -> tuple[int, str]:
    """Changes are listed in the order the model declares its fields (auditlog keeps no order)."""
    names = [field.name for field in model._meta.concrete_fields] if model is not None else []
    return (names.index(name), name) if name in names else (len(names), name)


def _is_shown(field: Any) -> bool:
    """A field that no longer exists is shown under its code name. Hidden: reverse relations (auditlog
    lists them on creation), the primary key, derived non-editable columns (search text, timestamps)."""
    if field is None:
        return True
    if not isinstance(field, models.Field):
        return False
    return not field.primary_key and field.editable


def _is_empty(raw: Any) -> bool:
    return raw is None or raw in (_NONE, "")


def _format_datetime(raw: str) -> str:
    # auditlog stores naive UTC, e.g. "2025-03-10 21:30:00.123456".
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return f"{timezone.localtime(value):%d.%m.%Y %H:%M}"


def _format_date(raw: str) -> str:
    try:
        return f"{dt.date.fromisoformat(raw[:10]):%d.%m.%Y}"
    except ValueError:
        return raw


def _fk_key(field: models.ForeignKey, raw: str) -> Any:
    try:
        return field.target_field.to_python(raw)
    except ValidationError:
        return None


def _display(field: models.Field | None, raw: Any, names: dict[tuple[type, Any], str]) -> str:
    if _is_empty(raw):
        return EMPTY
    raw = str(raw)
    if field is None:
        value = raw
    elif isinstance(field, models.ForeignKey):
        name = names.get((field.related_model, _fk_key(field, raw)))  # type: ignore[arg-type]
        value = name if name is not None else f"удалённая запись № {raw}"
    elif field.choices:
        value = str(dict(field.flatchoices).get(raw, raw))
    elif isinstance(field, models.BooleanField):
        value = {"True": "да", "False": "нет"}.get(raw, raw)
    elif isinstance(field, models.DateTimeField):
        value = _format_datetime(raw)
    elif isinstance(field, models.DateField):
        value = _format_date(raw)
    else:
        value = raw
    return value


def _related_names(entries: Sequence[LogEntry]) -> dict[tuple[type, Any], str]:
    """str() of every object a foreign key in these entries points to: one query per related model."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes_dict or {}).items():
            field = _field(model, name)
            if not isinstance(field, models.ForeignKey) or not _is_shown(field):
                continue
            for raw in values:
                if not _is_empty(raw):
                    key = _fk_key(field, str(raw))
                    if key is not None:
                        wanted[field.related_model].add(key)  # type: ignore[index]
    names: dict[tuple[type, Any], str] = {}
    for related, keys in wanted.items():
        for key, obj in related._default_manager.in_bulk(list(keys)).items():
            names[(related, key)] = str(obj)
    return names


def _changes(entry: LogEntry, names: dict[tuple[type, Any], str]) -> tuple[FieldChange, ...]:
    model = entry.content_type.model_class()
    result = []
    for name, values in sorted(
        (entry.changes_dict or {}).items(), key=lambda item: _position(model, item[0])
    ):
        if not _is_shown(_meta_field(model, name)):
            continue
        field = _field(model, name)
        old, new = [*values, None, None][:2]
        if entry.action == LogEntry.Action.CREATE and _is_empty(new):
            continue
        if entry.action == LogEntry.Action.DELETE and _is_empty(old):
            continue
        label = capfirst(str(field.verbose_name)) if field is not None else name
        result.append(FieldChange(label, _display(field, old, names), _display(field, new, names)))
    return tuple(result)


def describe_entries(entries: Iterable[LogEntry]) -> list[LogRow]:
    """Rows for a page of entries, or a chunk of an export (fetched with select_related("actor",
    "content_type")); the log's table reads its rows through this (imo.core.batches)."""
    entries = list(entries)
    names = _related_names(entries)
    return [LogRow(entry, _changes(entry, names)) for entry in entries]
