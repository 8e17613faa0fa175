"""The bulk write of a provider's list of graduates: new course records and pending rows inserted in one
statement each (COPY / executemany), changed records in bulk_update, one audit entry per created or changed
row as django-auditlog's signals would write it (imo.core.imports.audit)."""

from __future__ import annotations

import functools
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imo.core.imports.audit import log_bulk_changes
from imo.core.imports.bulk import insert, reserve_ids, validate_fields
from imo.core.imports.spec import Progress, no_progress
from imo.training import counting
from imo.training.models import CourseRecord, PendingGraduate, TrainingSettings

_UPDATE_BATCH = 500
#: What an import may change on an existing record.
UPDATABLE = ("hours", "starts_on", "ends_on", "registration_number", "issued_on")
_TEXT = ("document_number", "registration_number", "provider_name", "provider_key")


def _new_record(
    data: dict[str, Any], *, by_id: int | None, now: Any, settings: TrainingSettings
) -> CourseRecord:
    if not _KNOWN.issuperset(data):
        raise ValueError(f"Неизвестные поля курса: {sorted(set(data) - _KNOWN)}")
    values = _defaults() | data
    values.update(
        status=CourseRecord.Status.CONFIRMED,
        source=CourseRecord.Source.IMPORT,
        confirmed_by_id=by_id,
        confirmed_at=now,
    )
    for name in _TEXT:
        if values[name] is None:
            values[name] = ""
    values["counts"] = counting.counts_for_rule(
        status=values["status"],
        provider_kind=values["provider_kind"],
        ends_on=values["ends_on"],
        settings=settings,
    )
    # Positional: Model.__init__'s fast path (no keyword matching per field), ~2x at 5,000 rows. Called
    # through Any: django-stubs' plugin may check the starred list as the value of the first field (id).
    model: Any = CourseRecord
    return cast(CourseRecord, model(*[values[name] for name in _ATTNAMES]))


_ATTNAMES = [field.attname for field in CourseRecord._meta.concrete_fields]
_KNOWN = frozenset(_ATTNAMES)


@functools.cache
def _defaults() -> dict[str, Any]:
    """The fields' defaults (plain values: None, "", False, choice values), read once."""
    return {field.attname: field.get_default() for field in CourseRecord._meta.concrete_fields}


@transaction.atomic
def course_records_import_many(
    *,
    creates: list[dict[str, Any]],
    updates: list[tuple[CourseRecord, dict[str, Any]]],
    pending: list[dict[str, Any]],
    by: Any | None = None,
    progress: Progress = no_progress,
) -> tuple[list[CourseRecord], list[CourseRecord], list[PendingGraduate]]:
    """Create confirmed course records from a provider's list (`educator_id` and the CourseRecord fields),
    change existing ones ({field: new value}, fields of UPDATABLE) and keep the rows that found nobody or
    several people (PendingGraduate fields). The rules (hours, dates, duplicate documents) are the caller's;
    the model's field checks and its date constraint run here, and a broken row saves nothing.
    Returns (created, changed, pending)."""
    settings = TrainingSettings.current()
    now = timezone.now()
    by_id = by.pk if by is not None and getattr(by, "pk", None) else None
    new = [_new_record(data, by_id=by_id, now=now, settings=settings) for data in creates]
    pairs: list[tuple[CourseRecord | None, Any]] = [(None, record) for record in new]
    concrete = CourseRecord._meta.concrete_fields
    changed: list[CourseRecord] = []
    names: set[str] = set()
    for record, data in updates:
        old = CourseRecord(**{f.attname: getattr(record, f.attname) for f in concrete})
        for key, value in data.items():
            if key not in UPDATABLE:
                raise ValueError(f"Поле {key} загрузкой не меняется.")
            setattr(record, key, "" if key == "registration_number" and value is None else value)
            names.add(key)
        record.counts = counting.counts_for_rule(
            status=record.status,
            provider_kind=record.provider_kind,
            ends_on=record.ends_on,
            settings=settings,
        )
        record.updated_at = now
        changed.append(record)
        pairs.append((old, record))
    rows = [PendingGraduate(**data, status=PendingGraduate.Status.OPEN) for data in pending]
    errors = [
        f"{record}: {' '.join(messages)}"
        for record, messages in validate_fields(
            [*new, *changed], exclude=["educator", "programme", "provider", "plan_line", "confirmed_by"]
        )
    ]
    errors.extend(
        f"{record}: {counting.MSG_ENDS_BEFORE_START}"
        for record in (*new, *changed)
        if record.ends_on < record.starts_on
    )
    errors.extend(
        f"{row}: {' '.join(messages)}"
        for row, messages in validate_fields(rows, exclude=["run", "municipality", "educator", "record"])
    )
    if errors:
        raise ValidationError(errors[:20])
    progress(20, f"Сохранение курсов: новых {len(new)}…")
    for record, pk in zip(new, reserve_ids(CourseRecord, len(new)), strict=True):
        record.pk = pk
    insert(new)
    for record in new:
        record._state.adding = False
        record._state.db = "default"
    if changed:
        progress(50, f"Изменение курсов: {len(changed)}…")
        CourseRecord.objects.bulk_update(
            changed, sorted(names | {"counts", "updated_at"}), batch_size=_UPDATE_BATCH
        )
    if rows:
        progress(65, f"Строки для сопоставления: {len(rows)}…")
        for row, pk in zip(rows, reserve_ids(PendingGraduate, len(rows)), strict=True):
            row.pk = pk
        insert(rows)
        for row in rows:
            row._state.adding = False
            row._state.db = "default"
        pairs.extend((None, row) for row in rows)
    progress(85, "Запись в журнал изменений…")
    log_bulk_changes(pairs, by=by)
    progress(100, "Сохранено")
    return new, changed, rows
