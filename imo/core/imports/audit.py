"""Change-log entries for rows written in bulk (bulk_create/bulk_update send no signals, so django-auditlog
would not see them): the same entries its signals would make, inserted in one statement per batch.

The entries are django-auditlog's LogEntry rows with `changes` as its signals write them: {field: [old,
new]} as text ("None" for an empty value, keys for relations, naive UTC for date-times, masked fields
masked). They are built as JSON text once per entry (json.dumps) and sent with COPY (PostgreSQL) or one
executemany (SQLite): at 25,000 rows the driver's per-value adaptation and per-field Python calls cost
more than the statement itself.

A caller may fold rows it created together with an object into that object's entry (`extra`): the
educators import writes one entry per new person, whose changes also name the post and the education it
created for them as readable text (docs/decisions/0011-audit-of-bulk-imports.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.db.models import DateTimeField, JSONField, Model
from django.utils import timezone


@dataclass(frozen=True)
class Extra:
    """What a caller adds to one object's entry: more keys of `changes` (e.g. {"место работы": ["None",
    "Учитель — СОШ № 1 (основное)"]}) and `additional_data` (e.g. the keys of the rows folded in)."""

    changes: Mapping[str, Any]
    additional_data: Mapping[str, Any] | None = None


_NONE = "None"
# Types whose str() is what smart_str() returns, without its checks per call.
_PLAIN = frozenset({str, int, bool, float, Decimal, dt.date, UUID})
_COLUMNS = (
    "content_type_id", "object_pk", "object_id", "object_repr", "action", "changes_text", "changes",
    "actor_id", "cid", "remote_addr", "timestamp", "additional_data", "actor_email",
)  # fmt: skip


class _Field:
    """How one audited field's value becomes the text django-auditlog stores, decided once per field."""

    __slots__ = ("attname", "convert", "masked", "name")

    def __init__(self, field: Any, masked: bool) -> None:
        from django.utils.encoding import smart_str

        self.name: str = field.name
        self.attname: str = field.attname
        self.masked = masked
        if isinstance(field, DateTimeField):
            utc = settings.USE_TZ

            def convert(value: Any) -> str:
                if utc and not timezone.is_naive(value):
                    value = timezone.make_naive(value, timezone=dt.UTC)
                return str(value)

        elif isinstance(field, JSONField):
            encoder = field.encoder

            def convert(value: Any) -> str:
                try:
                    return json.dumps(value, sort_keys=True, cls=encoder)
                except TypeError:
                    return smart_str(value)

        else:

            def convert(value: Any) -> str:
                return str(value) if type(value) in _PLAIN else smart_str(value)

        self.convert: Callable[[Any], str] = convert

    def text(self, obj: Model) -> str:
        value = getattr(obj, self.attname)
        if type(value) is str:  # most values
            return value
        return _NONE if value is None else self.convert(value)


@dataclass
class _Model:
    content_type_id: int
    fields: list[_Field]


def _registered(model: type[Model]) -> _Model | None:
    """The fields django-auditlog logs for `model` (its include/exclude/mask settings), None when the
    model is not registered."""
    from auditlog.registry import auditlog
    from django.contrib.contenttypes.models import ContentType

    if not auditlog.contains(model):
        return None
    registered = auditlog.get_model_fields(model)
    include, exclude = registered["include_fields"], registered["exclude_fields"]
    masked = set(registered["mask_fields"])
    fields = [
        _Field(field, field.name in masked)
        for field in model._meta.concrete_fields
        if (not include or field.name in include) and field.name not in exclude
    ]
    return _Model(ContentType.objects.get_for_model(model).pk, fields)


def _diff(old: Model | None, new: Model, fields: list[_Field]) -> dict[str, list[str]]:
    """{field: [old, new]} of the fields that differ (all that are not empty, from "None", for a new
    object), as django-auditlog's model_instance_diff gives them."""
    from auditlog.diff import mask_str

    changes: dict[str, list[str]] = {}
    if old is None:
        for field in fields:
            value = getattr(new, field.attname)
            if value is None:
                continue
            after = value if type(value) is str else field.convert(value)
            if after != _NONE:
                changes[field.name] = [_NONE, mask_str(after) if field.masked else after]
        return changes
    for field in fields:
        before, after = field.text(old), field.text(new)
        if before != after:
            if field.masked:
                before, after = mask_str(before), mask_str(after)
            changes[field.name] = [before, after]
    return changes


def log_bulk_changes(
    pairs: Iterable[tuple[Model | None, Model]],
    *,
    by: Any | None,
    extra: Callable[[Model], Extra | None] | None = None,
) -> int:
    """One LogEntry per (old, new) pair: old None → "create", else "update" with the changed fields, in
    the format django-auditlog's signals use (its include/exclude/mask settings of the model apply).
    `extra(new)` may add keys to an entry's changes and its additional_data. Models it does not register
    are skipped; an update that changes nothing writes nothing. Returns how many entries were written.

    On PostgreSQL the entries are built while the COPY that sends them runs (the server stores one batch
    while the next is built), so neither str() of the objects nor `extra` may query the database: give
    the objects the related rows their __str__ reads (as the imports' bulk services do)."""
    pairs = list(pairs)
    models = {model: _registered(model) for model in {type(new) for _, new in pairs}}
    if not any(models.values()):
        return 0
    return _write(_entries(pairs, models, by=by, extra=extra))


def _entries(
    pairs: list[tuple[Model | None, Model]],
    models: dict[type[Model], _Model | None],
    *,
    by: Any | None,
    extra: Callable[[Model], Extra | None] | None,
) -> Iterator[tuple[Any, ...]]:
    """The rows of the entries, in the order of _COLUMNS."""
    from auditlog.models import LogEntry

    actor_id, actor_email, cid, remote_addr = _context(by)
    now = _timestamp()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    create, update = int(LogEntry.Action.CREATE), int(LogEntry.Action.UPDATE)
    for old, new in pairs:
        registered = models[type(new)]
        if registered is None:
            continue
        changes: dict[str, Any] = _diff(old, new, registered.fields)
        additional = None
        if extra is not None and (more := extra(new)) is not None:
            changes.update(more.changes)
            additional = dumps(more.additional_data) if more.additional_data else None
        if not changes:
            continue
        pk = new.pk
        yield (
            registered.content_type_id, str(pk), pk if isinstance(pk, int) else None, str(new),
            create if old is None else update, "", dumps(changes), actor_id, cid, remote_addr, now,
            additional, actor_email,
        )  # fmt: skip


def _context(by: Any | None) -> tuple[int | None, str | None, str | None, str | None]:
    """(actor_id, actor_email, cid, remote_addr) of the entries. The actor is who the caller says
    (auditlog's request context can outlive its request in this thread); the request's address is
    taken only when that context is about the same user."""
    from auditlog.cid import get_cid
    from auditlog.context import auditlog_value

    try:
        context = auditlog_value.get()
    except LookupError:
        context = {}
    actor = by if by is not None and getattr(by, "pk", None) else None
    actor_id = actor.pk if actor else None
    actor_email = getattr(actor, "email", None) if actor else None
    same_user = actor is not None and getattr(context.get("actor"), "pk", None) == actor_id
    remote_addr = context.get("remote_addr") if same_user else None
    return actor_id, actor_email, get_cid(), remote_addr


def _timestamp() -> Any:
    """Now, as the driver takes it (SQLite's executemany gets the text Django would send)."""
    now = timezone.now()
    return now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)


def _write(rows: Iterable[tuple[Any, ...]]) -> int:
    """INSERT entries given as tuples in the order of _COLUMNS (`changes` and `additional_data` as JSON
    text, the time from _timestamp()): one COPY on PostgreSQL, where the server parses the text into
    jsonb, one executemany on SQLite. The keys come from the table's own sequence. Returns how many."""
    from auditlog.models import LogEntry

    table = connection.ops.quote_name(LogEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(LogEntry._meta.get_field(n).column) for n in _COLUMNS)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        prepared = list(rows)
        if prepared:
            placeholders = ", ".join(["%s"] * len(_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", prepared)
        return len(prepared)
