"""The history of changes of one educator's record, read from the audit log (django-auditlog's LogEntry):
the person and their education records, awards, employments and consents, including rows since deleted.

Each change reads in Russian: the field's verbose name, choice labels, dates дд.мм.гггг, related rows by
name. Fields the log masks (СНИЛС, ИНН) stay masked; the birth date is masked too for a reader who may
not see personal data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst

from imo.staff.display import mask_birth_date, mask_snils
from imo.staff.models import Award, Consent, EducationRecord, Educator, Employment

CHILD_MODELS: tuple[type[models.Model], ...] = (EducationRecord, Award, Employment, Consent)
PERSONAL_FIELDS = frozenset({"birth_date", "inn"})
MASKED_FIELDS = frozenset({"snils"})
EMPTY = "—"
_NONE = "None"
ACTION_LABELS = {
    LogEntry.Action.CREATE: "Добавление",
    LogEntry.Action.UPDATE: "Изменение",
    LogEntry.Action.DELETE: "Удаление",
    LogEntry.Action.ACCESS: "Просмотр",
}


@dataclass(frozen=True)
class HistoryChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    actor: str
    action: str
    what: str  # «Место работы: Учитель — СОШ № 1 (основное)»
    is_create: bool
    is_delete: bool
    changes: tuple[HistoryChange, ...]


def educator_history_entries(*, educator: Educator) -> QuerySet[LogEntry]:
    """Every log entry about the educator and their rows, newest first (three queries to build)."""
    types = ContentType.objects.get_for_models(Educator, *CHILD_MODELS)
    child_types = [types[model] for model in CHILD_MODELS]
    condition = Q(content_type=types[Educator], object_pk=str(educator.pk))
    # Rows that still exist, and those created for this educator and deleted since.
    current: dict[int, set[str]] = defaultdict(set)
    for model in CHILD_MODELS:
        current[types[model].pk].update(
            str(pk) for pk in model._default_manager.filter(educator=educator).values_list("pk", flat=True)
        )
    # (An import logs the rows it creates with a new person in the person's entry: such a row, deleted
    # since, is found by its deletion's entry.)
    key = str(educator.pk)
    created = LogEntry.objects.filter(
        Q(action=LogEntry.Action.CREATE, changes__educator__1=key)
        | Q(action=LogEntry.Action.DELETE, changes__educator__0=key),
        content_type__in=child_types,
    ).values_list("content_type_id", "object_pk")
    for type_id, object_pk in created:
        current[type_id].add(object_pk)
    for type_id, pks in current.items():
        if pks:
            condition |= Q(content_type_id=type_id, object_pk__in=sorted(pks))
    return (
        LogEntry.objects.filter(condition)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_shown(field: Any, name: str) -> bool:
    if field is None:
        return False
    if isinstance(field, models.ManyToManyField):
        return True
    if not isinstance(field, models.Field):
        return False
    return not field.primary_key and field.editable and name != "educator"


def _is_empty(raw: Any) -> bool:
    return raw is None or raw in (_NONE, "")


def _fk_key(field: models.ForeignKey, raw: str) -> Any:
    try:
        return field.target_field.to_python(raw)
    except ValidationError:
        return None


def _format_date(raw: str) -> str:
    try:
        return f"{dt.date.fromisoformat(raw[:10]):%d.%m.%Y}"
    except ValueError:
        return raw


def _display(field: Any, raw: Any, names: dict[tuple[Any, Any], str]) -> str:
    if _is_empty(raw):
        return EMPTY
    raw = str(raw)
    if isinstance(field, models.ForeignKey):
        name = names.get((field.related_model, _fk_key(field, raw)))
        value = name if name is not None else f"удалённая запись № {raw}"
    elif isinstance(field, models.FileField):
        value = "файл приложен"
    elif field.choices:
        value = str(dict(field.flatchoices).get(raw, raw))
    elif isinstance(field, models.BooleanField):
        value = {"True": "да", "False": "нет"}.get(raw, raw)
    elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        value = _format_date(raw)
    else:
        value = raw
    return value


def _related_names(entries: Sequence[LogEntry]) -> dict[tuple[Any, Any], str]:
    """str() of every row a foreign key in these entries points to: one query per related model."""
    wanted: dict[Any, set[Any]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes_dict or {}).items():
            field = _field(model, name)
            if isinstance(field, models.ForeignKey) and _is_shown(field, name) and isinstance(values, list):
                for raw in values:
                    if not _is_empty(raw) and (key := _fk_key(field, str(raw))) is not None:
                        wanted[field.related_model].add(key)
    names: dict[tuple[Any, Any], str] = {}
    for related, keys in wanted.items():
        for key, obj in related._default_manager.in_bulk(list(keys)).items():
            names[(related, key)] = str(obj)
    return names


def _m2m_change(label: str, values: dict[str, Any]) -> HistoryChange:
    objects = ", ".join(str(value) for value in values.get("objects", []))
    if values.get("operation") == "delete":
        return HistoryChange(label, objects, EMPTY)
    return HistoryChange(label, EMPTY, objects)


def _changes(
    entry: LogEntry, names: dict[tuple[Any, Any], str], *, show_personal: bool
) -> tuple[HistoryChange, ...]:
    model = entry.content_type.model_class()
    order = [f.name for f in model._meta.get_fields()] if model is not None else []
    result = []
    items = sorted(
        (entry.changes_dict or {}).items(),
        key=lambda item: order.index(item[0]) if item[0] in order else len(order),
    )
    for name, values in items:
        field = _field(model, name)
        if field is None and isinstance(values, list):  # a key that is no field, e.g. «место работы»
            result.extend(_note(entry, name, values))  # (the import's entry of a new person)
            continue
        if not _is_shown(field, name):
            continue
        label = capfirst(str(field.verbose_name))
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": "add", "objects": […]}
            result.append(_m2m_change(label, values))
            continue
        old, new = [*values, None, None][:2]
        if entry.action == LogEntry.Action.CREATE and _is_empty(new):
            continue
        if entry.action == LogEntry.Action.DELETE and _is_empty(old):
            continue
        if name in MASKED_FIELDS or (name in PERSONAL_FIELDS and not show_personal):
            old_text, new_text = _hidden(name, old), _hidden(name, new)
        else:
            old_text, new_text = _display(field, old, names), _display(field, new, names)
        result.append(HistoryChange(label, old_text, new_text))
    return tuple(result)


def _note(entry: LogEntry, name: str, values: list[Any]) -> list[HistoryChange]:
    """A key of the entry that names no field, shown under its own name with its text as it is."""
    old, new = [*values, None, None][:2]
    if entry.action == LogEntry.Action.CREATE and _is_empty(new):
        return []
    text = [EMPTY if _is_empty(value) else str(value) for value in (old, new)]
    return [HistoryChange(capfirst(name), text[0], text[1])]


def _hidden(name: str, raw: Any) -> str:
    """A personal value as lists show it: СНИЛС by its check number, the birth date as stars."""
    if _is_empty(raw):
        return EMPTY
    if name == "snils":
        return mask_snils(str(raw))
    if name == "birth_date":
        return mask_birth_date(dt.date.min)
    return "скрыто"


def _actor(entry: LogEntry) -> str:
    if entry.actor is not None:
        return str(getattr(entry.actor, "short_name", "") or entry.actor)
    if entry.actor_email:
        return f"{entry.actor_email} (учётная запись удалена)"
    return "Система"


def _what(entry: LogEntry) -> str:
    model = entry.content_type.model_class()
    if model is Educator:
        return "Карточка педагога"
    label = capfirst(str(model._meta.verbose_name)) if model is not None else entry.content_type.model
    return f"{label}: {entry.object_repr}" if entry.object_repr else label


def describe_history(entries: Iterable[LogEntry], *, show_personal: bool) -> list[HistoryRow]:
    """Rows of a page of entries, ready to show (one query per related model named in them)."""
    entries = list(entries)
    names = _related_names(entries)
    return [
        HistoryRow(
            at=timezone.localtime(entry.timestamp),
            actor=_actor(entry),
            action=ACTION_LABELS.get(entry.action, str(entry.action)),
            what=_what(entry),
            is_create=entry.action == LogEntry.Action.CREATE,
            is_delete=entry.action == LogEntry.Action.DELETE,
            changes=_changes(entry, names, show_personal=show_personal),
        )
        for entry in entries
    ]
