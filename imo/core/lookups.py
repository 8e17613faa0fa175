"""`field__any=[ids]`: rows whose field is one of many integer keys, as one array parameter.

A list page completes its page of rows with their related rows (a hundred educators' posts, their
subjects) by key. `field__in=ids` writes a placeholder per key, so the statement's text changes with
the number of keys: Django prepares each key on its own, and psycopg parses the long text afresh on every
page because it keeps parsed statements only by their text. On PostgreSQL `field = ANY(%s)` with the
list as one array is one short statement whatever the count; elsewhere (SQLite) it is written as IN.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field, Lookup
from django.db.models.fields.related import ForeignObject


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        # Keys only: int() refuses anything else, as the database would.
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        keys: list[int] = self.rhs
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, keys]
        if not keys:
            return "0 = 1", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(keys))})", [*lhs_params, *keys]


def install() -> None:
    """Called once, from CoreConfig.ready: every field (and every foreign key) gets `__any`."""
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(AnyOf)
