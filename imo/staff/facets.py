"""Figures about educators that a higher app owns, shown by the educators list and the staff statistics.

Staff sits below the domain apps and may not import them, so a domain app registers what it knows about an
educator here (in its AppConfig.ready()), and the list and the statistics read the registry:

    register(EducatorFacet(
        key="category",
        label="Квалификационная категория",
        column_label="Категория",
        choices=(("highest", "высшая"), ..., (NONE, "без категории")),
        condition=lambda values, on: ...,   # Q on Educator: any of `values` on the date
        current=lambda on: ...,             # one value per educator, as an SQL expression (NULL = NONE)
    ))

The list gets a multi-choice filter (`?category=highest&category=none`) and an optional column; the
statistics a table «по …» with shares and a chart. Both stay a fixed number of queries:

- the filter is `condition(values, on)`, an Exists on the domain's indexed table inside the list's query;
- the column is `values_for(ids, on)`: one query for a page (or an export chunk) of rows, only when shown;
- `counts(educators, on)` counts people per value in one grouped query; the staff statistics add the value
  to their own grouped query of people instead (no query of its own).

With nothing registered the list and the statistics look as they did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import BaseExpression

from imo.staff.models import Educator

#: The value of an educator the facet says nothing about (no category): `current` gives NULL for them.
NONE = "none"


@dataclass(frozen=True)
class EducatorFacet:
    """One figure about each educator, with a fixed list of values.

    key           the GET parameter of the list filter and the column's name («category»)
    label         the filter's label and the statistics table's subject («Квалификационная категория»)
    column_label  the list column's header («Категория»)
    choices       (value, label) in the order shown, NONE («без …») included
    condition     (values, on) → Q on Educator: holds any of `values` on `on` (an Exists subquery)
    current       on → an expression giving each educator's single value on `on` (NULL for NONE); it is
                  evaluated on Educator rows (use OuterRef("pk") inside a Subquery): used for a page of rows
    current_all   the same value shaped for counting many people at once (e.g. `pk IN (…)` lists the
                  database builds once, not a subquery per row); default: `current`
    title         the statistics table's title («По квалификационным категориям»)
    note          a sentence under the statistics table: how the single value is chosen
    statistics_choices  the statistics table's lines, when their order differs from the filter's
    """

    key: str
    label: str
    column_label: str
    choices: tuple[tuple[str, str], ...]
    condition: Callable[[Sequence[str], dt.date], Q]
    current: Callable[[dt.date], BaseExpression]
    title: str = ""
    note: str = ""
    statistics_choices: tuple[tuple[str, str], ...] = ()
    current_all: Callable[[dt.date], BaseExpression] | None = None

    def counting_expression(self, on: dt.date) -> BaseExpression:
        """The value per educator for counting many people (current_all, else current)."""
        return (self.current_all or self.current)(on)

    @property
    def statistics_lines(self) -> tuple[tuple[str, str], ...]:
        return self.statistics_choices or self.choices

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.choices)

    def label_of(self, value: str | None) -> str:
        """The label of a value (None: the NONE label)."""
        return self.labels.get(value or NONE, "")

    def q(self, values: Iterable[str], on: dt.date) -> Q:
        """Educators holding any of `values` on the date (unknown values are ignored)."""
        known = [value for value in dict.fromkeys(values) if value in self.labels]
        if not known:
            return Q()
        return self.condition(known, on)

    def values_for(self, ids: Iterable[int], on: dt.date) -> dict[int, str]:
        """Each educator's value on the date ({id: value}, NONE included): one query."""
        ids = list(ids)
        if not ids:
            return {}
        rows = (
            Educator.objects.filter(pk__any=ids)
            .order_by()
            .annotate(facet_value=self.current(on))
            .values_list("pk", "facet_value")
        )
        return {pk: value or NONE for pk, value in rows}

    def counts(self, educators: QuerySet[Any], on: dt.date) -> dict[str, int]:
        """How many of `educators` (a queryset of Educator, or of their ids) hold each value on the date,
        every value present (0 when nobody): one grouped query."""
        return {value: total for (value, _), total in self._grouped(educators, on, None).items()}

    def counts_by(self, educators: QuerySet[Any], on: dt.date, field: str) -> dict[tuple[str, Any], int]:
        """The same, split by an Educator field (e.g. "sex"): {(value, field value): people}; one query."""
        return self._grouped(educators, on, field)

    def _grouped(
        self, educators: QuerySet[Any], on: dt.date, field: str | None
    ) -> dict[tuple[str, Any], int]:
        ids = educators if educators.model is not Educator else educators.values("pk")
        names = ["facet_value", field] if field else ["facet_value"]
        rows = (
            Educator.objects.filter(pk__in=ids)
            .order_by()
            .annotate(facet_value=self.counting_expression(on))
            .values(*names)
            .annotate(people=Count("pk"))
        )
        result: dict[tuple[str, Any], int] = {}
        if field is None:
            result = {(value, None): 0 for value, _ in self.choices}
        for row in rows:
            key = (row["facet_value"] or NONE, row[field] if field else None)
            result[key] = result.get(key, 0) + row["people"]
        return result


_registry: dict[str, EducatorFacet] = {}


def register(facet: EducatorFacet) -> None:
    """Add (or replace, by key) a facet; called from a domain app's AppConfig.ready()."""
    _registry[facet.key] = facet


def unregister(key: str) -> None:
    _registry.pop(key, None)


def registered() -> tuple[EducatorFacet, ...]:
    """The facets in the order they were registered."""
    return tuple(_registry.values())


def facet_get(key: str) -> EducatorFacet | None:
    return _registry.get(key)
