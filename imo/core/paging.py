"""Pagination with a page-size choice, shared by list pages."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.db.models.query import ModelIterable
from django.http import HttpRequest

PAGE_SIZES = (25, 50, 100)
_TOTAL = "_imo_rows_in_all"


def page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


def paginate(request: HttpRequest, items: Any) -> Page:
    paginator = CountingPaginator(items, page_size(request))
    return paginator.get_page(request.GET.get("page"))


class _TotalTap(ModelIterable):
    """Reads the window count off the first model instance, before a completion (imo.core.batches) may
    replace the instances with other objects."""

    def __iter__(self) -> Any:
        for index, instance in enumerate(super().__iter__()):
            if index == 0:
                self.queryset._imo_total = getattr(instance, _TOTAL, None)  # type: ignore[attr-defined]
            yield instance


def _tapped(queryset: QuerySet[Any]) -> QuerySet[Any]:
    iterable = queryset._iterable_class
    bases = (_TotalTap,) if iterable is ModelIterable else (iterable, _TotalTap)
    tapped = queryset.all()
    tapped._iterable_class = type("TotalTapIterable", bases, {})
    return tapped


class CountingPaginator(Paginator):
    """Reads a page of a queryset and the number of all its rows in one query.

    Django's paginator counts first (a COUNT(*) with every filter and join of the list) and then reads the
    page (the same joins again). On an office's list of 2,000 educators the count cost as much as the page
    (10 of 22 ms on PostgreSQL): here the page's query carries `COUNT(*) OVER ()`, which the database
    computes over the rows it joins and sorts for the page anyway. A page past the end (no rows, so no
    total), a DISTINCT or combined query (where a window would count other rows) and anything but model
    rows take Django's usual way.
    """

    def get_page(self, number: Any) -> Page:
        queryset: Any = self.object_list
        if not _window_countable(queryset):
            return super().get_page(number)
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        if wanted < 1:  # Django answers the last page
            return super().get_page(number)
        bottom = (wanted - 1) * self.per_page
        counted = _tapped(_count_first(queryset.annotate(**{_TOTAL: Window(Count("*"))})))
        page_rows = counted[bottom : bottom + self.per_page]
        rows = list(page_rows)
        total = getattr(page_rows, "_imo_total", None)
        if not rows or total is None:
            return super().get_page(number)
        self.__dict__["count"] = total  # Paginator.count is a cached_property: the total is known now
        return Page(rows, wanted, self)


def _count_first(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The same order with the (constant) total as its first key.

    The window count reads every row of the list before the first one is returned, but PostgreSQL 15's
    planner costs it as if the LIMIT let it stop early: for the largest district's educators it walked
    the name index over the whole region to save a sort (47 ms, against 12 ms for reading the district's
    rows and sorting them). An order that starts with the total cannot come from an index, so the planner
    weighs the plans by what they really read; the rows come in the same order."""
    query = queryset.query
    ordering = list(query.order_by) or (list(queryset.model._meta.ordering) if query.default_ordering else [])
    return queryset.order_by(_TOTAL, *ordering) if ordering else queryset


def _window_countable(items: Any) -> bool:
    if not isinstance(items, QuerySet) or getattr(items, "_fields", None) is not None:  # values() rows
        return False
    query = items.query
    return not (query.distinct or query.combinator or query.is_sliced)
