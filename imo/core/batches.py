"""Querysets whose rows are completed after they are read, a batch at a time.

Some rows need more than a join to be shown: the audit log reads the names behind the ids in its changes,
the register of documents reads organisation names from a higher layer. Looking them up row by row would
cost a query per row; `completed_in_batches` looks them up once per batch of rows instead, wherever the
queryset is read: a page of a data table (one batch), or an Excel export (`iterator(chunk_size=…)`, one
batch per chunk). The queryset stays a queryset, so filters, ordering, counting and slicing still work:

    entries = completed_in_batches(LogEntry.objects.all(), describe_entries)  # rows are LogRow objects
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar, TypeVar

from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable

M = TypeVar("M", bound=Model)
Complete = Callable[[list[Any]], Iterable[Any]]


class _CompletingIterable(ModelIterable):
    """Django's model iterable, with each batch of model instances handed to `complete`. A batch is the
    fetch's chunk: 100 rows for a plain read (a page is one batch), `chunk_size` for `iterator()`."""

    complete: ClassVar[Complete]

    def __iter__(self) -> Iterator[Any]:
        batch: list[Any] = []
        for row in super().__iter__():
            batch.append(row)
            if len(batch) >= self.chunk_size:
                yield from type(self).complete(batch)
                batch = []
        if batch:
            yield from type(self).complete(batch)


def completed_in_batches(queryset: QuerySet[M], complete: Complete) -> QuerySet[Any]:
    """A copy of `queryset` whose rows come out as `complete(batch)` gives them: `complete` takes a list
    of model instances and returns the rows to show (the same objects with attributes set, or new ones,
    hence `QuerySet[Any]`). Filters and ordering applied to the copy keep the completion."""
    clone = queryset.all()
    clone._iterable_class = type(
        "CompletingIterable", (_CompletingIterable,), {"complete": staticmethod(complete)}
    )
    return clone
