"""Querysets compiled once: a hot statement's SQL kept per database, only its values bound on each call.

Django builds and compiles a queryset's SQL afresh every time it runs: under the load test that was
about a third of a web worker's time (`filter()` chains, then the compiler), more than the database took
to answer. A page that reads a dozen small things by key (the educator card's sections) spends most of
its time there. `prepared` keeps the compiled statement of a queryset whose shape never changes — only
the values of a few named arguments do:

    _AWARDS = prepared(lambda educator: Award.objects.filter(educator_id=educator).order_by("pk"),
                       educator=int)
    awards = _AWARDS(educator=educator.pk)          # a list of Award, as list(queryset) gives
    _AWARDS.exists(educator=educator.pk)            # as queryset.exists() answers

How: on the first call for a database the queryset is built with markers — values of the declared types
that no real call passes (a key near -2³¹, a date in year 1, an odd string) — and
compiled; each marker is then looked up among the statement's parameters, which gives the slots the real
values go into. Later calls copy the parameters, put the values in their slots and run the kept SQL
through Django's own result machinery (model instances, select_related, prefetch_related, values()).

What the builder must respect, checked where it can be:
- it reads nothing but its arguments (no `timezone.localdate()` inside: pass the date in);
- every argument reaches the SQL as it is (not through a transform, a LIKE pattern or a year lookup):
  an argument that is not found among the parameters is an error on the first call;
- a list argument (`ids=list`) is kept only where it stays one parameter (`field__any` on PostgreSQL);
  elsewhere, or for a value that is not of its declared type (None, a string for a key), the call simply
  builds and runs the queryset the ordinary way, which is always correct.
The result is a list, never a queryset: a kept statement cannot be filtered further.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.sql import Query

M = TypeVar("M")

# The kinds an argument may have, and how a value of each reaches the database's parameters.
KINDS = (int, str, dt.date, list)


def _marker(kind: type, index: int) -> Any:
    """A value of `kind` that no real call passes, different for each argument of one statement."""
    if kind is int:
        # Inside a 32-bit integer's range: Django finds nothing, without asking, for a value outside it.
        return -(2**31) + 7919 * (index + 1)
    if kind is str:
        return f"\u2063imo-prepared-{index}\u2063"
    if kind is dt.date:
        return dt.date(1, 1, 2 + index)
    if kind is list:
        return [-(2**31) + 104_729 * (index + 1)]
    raise ImproperlyConfigured(
        f"prepared(): an argument of type {kind!r} cannot be kept (int, str, date, list)"
    )


def _fits(kind: type, value: Any) -> bool:
    """The value binds as the marker did: exactly the declared type (a bool is not a key, a datetime is
    not a date), a list of keys for a list."""
    if kind is list:
        return type(value) is list and all(type(item) is int for item in value)
    return type(value) is kind


def _adapter(connection: Any, kind: type) -> Callable[[Any], Any]:
    """How the ORM turned a value of `kind` into a parameter on this database (SQLite gets dates as text)."""
    if kind is dt.date:
        return connection.ops.adapt_datefield_value
    return lambda value: value


@dataclass(frozen=True)
class _Kept:
    """One statement compiled for one database."""

    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, Callable[[Any], Any]], ...]  # (position, argument, adapter)
    query: Query  # the compiled query: what the result machinery reads (values' names, the model)
    compiler_class: type
    compiler_state: dict[str, Any]  # the compiler after as_sql(): select, klass_info, col_count, …
    queryset_class: type[QuerySet[Any]]
    iterable_class: type
    fields: tuple[str, ...] | None
    prefetch: tuple[Any, ...]

    def bind(self, values: dict[str, Any]) -> tuple[Any, ...]:
        params = list(self.params)
        for position, name, adapt in self.slots:
            params[position] = adapt(values[name])
        return tuple(params)


class _KeptCompiler:
    """Mixed into the database's own compiler class: the SQL is the kept one, the setup already done."""

    query: _BoundQuery

    def setup_query(self, with_col_aliases: bool = False) -> None:
        pass  # select, klass_info and col_count came with the kept state

    def pre_sql_setup(self, with_col_aliases: bool = False) -> None:
        pass

    def as_sql(self, *args: Any, **kwargs: Any) -> tuple[str, tuple[Any, ...]]:
        return self.query.kept.sql, self.query.bound


_COMPILER_CLASSES: dict[type, type] = {}


def _kept_compiler_class(base: type) -> type:
    found = _COMPILER_CLASSES.get(base)
    if found is None:
        found = _COMPILER_CLASSES[base] = type(f"Kept{base.__name__}", (_KeptCompiler, base), {})
    return found


class _BoundQuery(Query):
    """The kept query with one call's values: compiles to the kept SQL, and cannot be changed."""

    kept: _Kept
    bound: tuple[Any, ...]

    def get_compiler(self, using: str | None = None, connection: Any = None, elide_empty: bool = True) -> Any:
        if connection is None:
            connection = connections[using or "default"]
        compiler = self.kept.compiler_class(self, connection, using, elide_empty)
        compiler.__dict__.update(self.kept.compiler_state)
        compiler.query, compiler.connection, compiler.using = self, connection, using
        return compiler

    def chain(self, klass: Any = None) -> Query:
        raise TypeError("A prepared statement runs as it was kept: build a queryset to change it.")

    clone = chain


def _bound(kept: _Kept, values: dict[str, Any]) -> _BoundQuery:
    query = _BoundQuery.__new__(_BoundQuery)
    query.__dict__.update(kept.query.__dict__)
    query.kept, query.bound = kept, kept.bind(values)
    return query


class Prepared(Generic[M]):
    """See the module's docstring; made by `prepared`."""

    def __init__(
        self, build: Callable[..., QuerySet[Any, M]], kinds: dict[str, type], *, exists: bool
    ) -> None:
        for name, kind in kinds.items():
            if kind not in KINDS:
                raise ImproperlyConfigured(f"prepared(): {name} has type {kind!r}; int, str, date or list")
        self._build = build
        self._kinds = kinds
        self._exists = exists
        self._model: type[Model] | None = None
        # Per database alias: the kept statement, or None where it cannot be kept (a list on SQLite).
        self._kept: dict[str, _Kept | None] = {}
        self._lock = threading.Lock()

    def __call__(self, **values: Any) -> list[M]:
        kept, alias = self._kept_for(values)
        if kept is None:
            return list(self._build(**values))
        queryset = kept.queryset_class(model=kept.query.model, query=_bound(kept, values), using=alias)
        queryset._iterable_class = kept.iterable_class
        queryset._fields = kept.fields  # type: ignore[attr-defined]
        queryset._prefetch_related_lookups = kept.prefetch  # type: ignore[attr-defined]
        return list(queryset)

    def first(self, **values: Any) -> M | None:
        """The first row, or None: the builder orders and slices ([:1]) as it needs."""
        rows = self(**values)
        return rows[0] if rows else None

    def exists(self, **values: Any) -> bool:
        kept, alias = self._kept_for(values, exists=True)
        if kept is None:
            return self._build(**values).exists()
        return bool(_bound(kept, values).get_compiler(using=alias).has_results())

    # --- compiling ---------------------------------------------------------------------------------

    def _kept_for(self, values: dict[str, Any], *, exists: bool = False) -> tuple[_Kept | None, str]:
        if exists != self._exists:
            raise TypeError("Use prepared(..., exists=True) for exists() and a plain prepared() for rows.")
        if values.keys() != self._kinds.keys():
            raise TypeError(f"prepared statement takes {sorted(self._kinds)}, got {sorted(values)}")
        if self._model is None:
            self._model = self._build(**self._markers()).model
        alias = router.db_for_read(self._model)
        if not all(_fits(self._kinds[name], value) for name, value in values.items()):
            return None, alias
        if alias not in self._kept:
            with self._lock:
                if alias not in self._kept:
                    self._kept[alias] = self._compile(alias)
        return self._kept[alias], alias

    def _markers(self) -> dict[str, Any]:
        return {name: _marker(kind, index) for index, (name, kind) in enumerate(self._kinds.items())}

    def _compile(self, alias: str) -> _Kept | None:
        connection = connections[alias]
        markers = self._markers()
        queryset = self._build(**markers)
        query = queryset.query.exists(limit=True) if self._exists else queryset.query.chain()
        compiler = query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet as error:  # a marker out of a small column's range, say
            raise ImproperlyConfigured(f"prepared(): the markers match nothing in {query}") from error
        slots: list[tuple[int, str, Callable[[Any], Any]]] = []
        for name, marker in markers.items():
            kind = self._kinds[name]
            adapt = _adapter(connection, kind)
            wanted = adapt(marker)
            positions = [index for index, param in enumerate(params) if param == wanted]
            if not positions:
                if kind is list:
                    return None  # the list was written out (IN on SQLite): not one parameter here
                raise ImproperlyConfigured(
                    f"prepared(): {name} does not reach the SQL as it is (a transform, a pattern?): {sql}"
                )
            slots.extend((position, name, adapt) for position in positions)
        state = {
            key: value
            for key, value in compiler.__dict__.items()
            if key not in ("query", "connection", "using", "elide_empty")
        }
        return _Kept(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            query=query,
            compiler_class=_kept_compiler_class(type(compiler)),
            compiler_state=state,
            queryset_class=type(queryset),
            iterable_class=queryset._iterable_class,
            fields=queryset._fields,  # type: ignore[attr-defined]
            prefetch=tuple(queryset._prefetch_related_lookups),  # type: ignore[attr-defined]
        )


def prepared(build: Callable[..., QuerySet[Any, M]], *, exists: bool = False, **kinds: type) -> Prepared[M]:
    """A statement compiled once per database from `build(**arguments)`; `kinds` names each argument's
    type (int, str, date, or list of keys). `exists=True` for one asked only whether it finds a row."""
    return Prepared(build, kinds, exists=exists)
