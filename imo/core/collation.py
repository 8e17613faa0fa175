"""Russian alphabetical ordering on both databases.

PostgreSQL clusters often use C.UTF-8, so ordering uses an ICU collation `imo_ru` (ru-RU); on SQLite a
collation named `ru` is registered on every connection. `russian(field)` picks the right one.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import F, Value
from django.db.models.functions import Collate, Replace

from imo.core.text import russian_sort_key

POSTGRES_COLLATION = "imo_ru"  # created by core migration 0001 (ICU, ru-RU)
SQLITE_COLLATION = "ru"


@functools.lru_cache(maxsize=65536)
def _cached_key(value: str) -> tuple[Any, ...]:
    return russian_sort_key(value)


def _sqlite_compare(left: str | None, right: str | None) -> int:
    left, right = left or "", right or ""
    a, b = _cached_key(left), _cached_key(right)
    if a == b:  # equal when folded: fall back to code points so the order is total and stable
        a, b = left, right  # type: ignore[assignment]
    return (a > b) - (a < b)


def _register(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _sqlite_compare)


def connect() -> None:
    connection_created.connect(_register, dispatch_uid="imo.core.collation")


def russian(field: str) -> Collate:
    """An expression ordering `field` in Russian alphabetical order (Ё with Е) on the current database."""
    if connection.vendor == "postgresql":
        # ICU reads «№» as the Latin "No" (after Cyrillic); as «#» it sorts as a sign, before letters, the
        # way people expect «СОШ № 1» before «СОШ с. …» and the way the SQLite key orders it.
        return Collate(Replace(F(field), Value("№"), Value("#")), POSTGRES_COLLATION)
    return Collate(F(field), SQLITE_COLLATION)
