"""The database's own bulk path for model instances: PostgreSQL COPY, SQLite executemany.

Django's bulk_create spends most of its time in Python per field and, on SQLite, splits 25,000 rows
into hundreds of statements (999 parameters each). Imports of whole lists use these instead:

    ids = reserve_ids(Organization, len(objects))      # keys known before the insert (paths use them)
    for obj, pk in zip(objects, ids): obj.pk = pk
    errors = validate_fields(objects, exclude=["path"])  # the model's field validation, without queries
    insert(objects)                                     # one COPY / one executemany

Call them inside `transaction.atomic()`. Signals are not sent (as with bulk_create); callers that need
an audit trail write it themselves (imo.core.imports.audit).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.core import validators as django_validators
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Model


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` new primary keys for `model`, taken from its sequence (PostgreSQL) or after the highest
    key ever used (SQLite: the caller's transaction holds the write lock, so nobody else takes them)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence's name first: inside the series it would be looked up once per key.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0) FROM {quoted}")
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='sqlite_sequence'")
        if cursor.fetchone():
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            if row and row[0] and row[0] > highest:
                highest = row[0]
    return list(range(highest + 1, highest + 1 + count))


def _converter(field: models.Field) -> Callable[[Any], Any]:
    """How one field's Python value becomes what the driver takes, decided once per field."""
    postgres = connection.vendor == "postgresql"
    if isinstance(field, models.JSONField):
        if postgres:
            from psycopg.types.json import Jsonb

            return lambda value: None if value is None else Jsonb(value)
        return lambda value: None if value is None else json.dumps(value, cls=field.encoder)
    if isinstance(field, models.DateTimeField):
        return (lambda value: value) if postgres else connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return (lambda value: value) if postgres else connection.ops.adapt_datefield_value
    if _is_identity(field):
        return lambda value: value
    return lambda value: field.get_db_prep_save(value, connection)


def insert(objects: Sequence[Model]) -> None:
    """INSERT the objects (their primary keys already set) in one COPY or one executemany."""
    if not objects:
        return
    model = type(objects[0])
    fields = [f for f in model._meta.concrete_fields if f.column]
    for field in fields:  # auto_now / auto_now_add, as save() would set them
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                field.pre_save(obj, add=True)
    attnames = [field.attname for field in fields]
    insert_rows(model, attnames, ([getattr(obj, name) for name in attnames] for obj in objects))


def insert_rows(model: type[Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """INSERT plain rows (values in the order of `attnames`, Python values as the model holds them)
    without making model instances: the audit log's entries, for one."""
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    fields = [by_attname[name] for name in attnames]
    converters = [_converter(field) for field in fields]
    plain = all(_is_identity(field) for field in fields)
    prepared = (
        rows
        if plain
        else ([convert(value) for convert, value in zip(converters, row, strict=True)] for row in rows)
    )
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(prepared))


_IDENTITY_TYPES = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def _is_identity(field: models.Field) -> bool:
    return isinstance(field, _IDENTITY_TYPES) and not isinstance(field, models.GenericIPAddressField)


def _field_checks(field: models.Field) -> tuple[str, bool, int | None, frozenset[Any] | None, list[Any]]:
    choices = frozenset(value for value, _ in field.flatchoices) if field.choices else None
    checks = [v for v in field.validators if not isinstance(v, django_validators.MaxLengthValidator)]
    return field.attname, field.blank, getattr(field, "max_length", None), choices, checks


M = TypeVar("M", bound=Model)


def validate_fields(objects: Iterable[M], *, exclude: Iterable[str] = ()) -> list[tuple[M, list[str]]]:
    """What `clean_fields()` checks for text-like fields (required, length, choices, validators such as
    ИНН, e-mail, URL) without its per-field overhead and without queries. Relations are left to the
    caller (one query for all of them). Returns (object, Russian messages) for the invalid ones."""
    excluded = set(exclude)
    items = list(objects)
    if not items:
        return []
    model = type(items[0])
    checks = [
        _field_checks(field)
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and not field.is_relation and field.name not in excluded
    ]
    labels = {field.attname: str(field.verbose_name) for field in model._meta.concrete_fields}
    problems: list[tuple[M, list[str]]] = []
    for obj in items:
        messages: list[str] = []
        for attname, blank, max_length, choices, validators in checks:
            value = getattr(obj, attname)
            if value is None or value == "":
                if not blank:
                    messages.append(f"{labels[attname]}: обязательное поле.")
                continue
            if max_length is not None and isinstance(value, str) and len(value) > max_length:
                messages.append(f"{labels[attname]}: не больше {max_length} знаков.")
                continue
            if choices is not None and value not in choices:
                messages.append(f"{labels[attname]}: недопустимое значение «{value}».")
                continue
            for validator in validators:
                try:
                    validator(value)
                except ValidationError as error:
                    messages.append(f"{labels[attname]}: {' '.join(error.messages)}")
                    break
        if messages:
            problems.append((obj, messages))
    return problems
