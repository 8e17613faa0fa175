"""Change-log entries for rows written in bulk (bulk_create/bulk_update send no signals, so django-auditlog
would not see them): the same entries its signals would make, inserted in one statement per batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import DateTimeField, Model
from django.utils import timezone
from django.utils.encoding import smart_str


def _text(field: Any, obj: Model) -> str:
    """A field's value as django-auditlog stores it: text, "None" for None, keys for relations,
    naive UTC for date-times."""
    value = getattr(obj, field.attname)
    kind = type(value)
    if kind is str:  # most values: smart_str would return them unchanged, at a cost per call
        return value
    if value is None:
        return "None"
    if kind is int or kind is bool:
        return str(value)
    if isinstance(field, DateTimeField) and settings.USE_TZ and not timezone.is_naive(value):
        value = timezone.make_naive(value, timezone=dt.UTC)
    return smart_str(value)


def _diff(old: Model | None, new: Model, fields: list[Any], masked: set[str]) -> dict[str, list[str]]:
    """{field: [old, new]} of the fields that differ (all of them, from "None", for a new object)."""
    from auditlog.diff import mask_str

    changes: dict[str, list[str]] = {}
    for field in fields:
        value = getattr(new, field.attname)
        after = value if type(value) is str else _text(field, new)  # inlined for the common case
        before = "None" if old is None else _text(field, old)
        if before != after:
            if field.name in masked:
                before, after = mask_str(before), mask_str(after)
            changes[field.name] = [before, after]
    return changes


_COLUMNS = (
    "id", "content_type_id", "object_pk", "object_id", "object_repr", "serialized_data", "action",
    "changes_text", "changes", "actor_id", "cid", "remote_addr", "remote_port", "timestamp",
    "additional_data", "actor_email",
)  # fmt: skip


def log_bulk_changes(pairs: Iterable[tuple[Model | None, Model]], *, by: Any | None) -> int:
    """One LogEntry per (old, new) pair: old None → "create", else "update" with the changed fields, in
    the format django-auditlog's signals use (its include/exclude/mask settings of the model apply).
    Models it does not register are skipped. Returns how many entries were written."""
    from auditlog.cid import get_cid
    from auditlog.context import auditlog_value
    from auditlog.models import LogEntry
    from auditlog.registry import auditlog
    from django.contrib.contenttypes.models import ContentType

    from imo.core.imports.bulk import insert_rows, reserve_ids

    try:
        context = auditlog_value.get()
    except LookupError:
        context = {}
    # The actor is who the caller says (auditlog's request context can outlive its request in this
    # thread); the request's address is taken only when that context is about the same user.
    actor = by if by is not None and getattr(by, "pk", None) else None
    actor_id = actor.pk if actor else None
    actor_email = getattr(actor, "email", None) if actor else None
    same_user = actor is not None and getattr(context.get("actor"), "pk", None) == actor_id
    remote_addr = context.get("remote_addr") if same_user else None
    cid = get_cid()
    now = timezone.now()
    rows: list[list[Any]] = []
    models: dict[type[Model], tuple[int, list[Any], set[str]]] = {}
    for old, new in pairs:
        model = type(new)
        if model not in models:
            if not auditlog.contains(model):
                continue
            registered = auditlog.get_model_fields(model)
            include, exclude = registered["include_fields"], registered["exclude_fields"]
            fields = [
                field
                for field in model._meta.concrete_fields
                if (not include or field.name in include) and field.name not in exclude
            ]
            content_type = ContentType.objects.get_for_model(model)
            models[model] = (content_type.pk, fields, set(registered["mask_fields"]))
        content_type_id, fields, masked = models[model]
        changes = _diff(old, new, fields, masked)
        if not changes:
            continue
        pk = new.pk
        rows.append(
            [
                None, content_type_id, str(pk), pk if isinstance(pk, int) else None, str(new), None,
                LogEntry.Action.CREATE if old is None else LogEntry.Action.UPDATE, "", changes, actor_id,
                cid, remote_addr, None, now, None, actor_email,
            ]
        )  # fmt: skip
    for row, pk in zip(rows, reserve_ids(LogEntry, len(rows)), strict=True):
        row[0] = pk
    insert_rows(LogEntry, _COLUMNS, rows)
    return len(rows)
