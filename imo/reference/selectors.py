"""Reads of the catalogues: the rows of the lists, choices for other sections' forms, the current
academic year, and whether a row is used elsewhere.

Reference data belongs to the whole installation, not to an organisation: who may read it is decided by
the `reference.view_reference` permission, not by scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, Max, Model, Q, QuerySet
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.http import Http404
from django.utils import timezone

from imo.core.collation import russian
from imo.reference.catalogues import ALL_CATALOGUES
from imo.reference.models import AcademicYear, Grade, Position, ReferenceItem, Subject, academic_year_start

# A named catalogue (subjects, positions) and any catalogue of the section.
N = TypeVar("N", Subject, Position)
T = TypeVar("T", Subject, Position, Grade, AcademicYear)


def catalogue_rows(*, model: type[T]) -> QuerySet[T]:
    """Every row of a catalogue, archived ones included: the rows of its list, whose table
    (imo/reference/tables.py) filters, searches and sorts them. One query per page."""
    return model._default_manager.all()


def item_get(*, model: type[T], pk: int) -> T:
    """A row of a catalogue, or 404. Call after the view's access check."""
    item = model.objects.filter(pk=pk).first()
    if item is None:
        raise Http404("Запись справочника не найдена.")
    return item


def active_items(model: type[T], *, keep: T | None = None) -> QuerySet[T]:
    """Choices for other sections' forms: rows not in the archive, plus `keep` (the value a record being
    edited already holds, so archiving an item never blanks it on old records)."""
    condition = Q(is_archived=False)
    if keep is not None:
        condition |= Q(pk=keep.pk)
    queryset = model.objects.filter(condition)
    if issubclass(model, ReferenceItem):
        return queryset.order_by(russian("name"), "pk")
    return queryset  # grades and years keep their model ordering (1…11; latest year first)


@dataclass(frozen=True)
class CatalogueCount:
    active: int
    archived: int


def catalogue_counts() -> dict[str, CatalogueCount]:
    """Active and archived rows per catalogue, for the index page: one query per catalogue."""
    counts: dict[str, CatalogueCount] = {}
    for catalogue in ALL_CATALOGUES:
        row = catalogue.model._default_manager.aggregate(
            active=Count("pk", filter=Q(is_archived=False)),
            archived=Count("pk", filter=Q(is_archived=True)),
        )
        counts[catalogue.key] = CatalogueCount(active=row["active"], archived=row["archived"])
    return counts


# --- Academic years -----------------------------------------------------------------------------------


def current_academic_year_start(on: dt.date | None = None) -> int:
    """The year in which the academic year containing `on` (default: today) began; years start 1 September."""
    return academic_year_start(on or timezone.localdate())


def academic_year_current(on: dt.date | None = None) -> AcademicYear | None:
    """The academic year containing `on` (default: today), or None when it has not been added."""
    day = on or timezone.localdate()
    return AcademicYear.objects.filter(starts_on__lte=day, ends_on__gte=day).order_by("-start_year").first()


def academic_year_next_start(on: dt.date | None = None) -> int:
    """The year to offer for "add the next academic year": the current one while it is missing,
    otherwise the one after the latest added."""
    current = current_academic_year_start(on)
    latest = AcademicYear.objects.aggregate(latest=Max("start_year"))["latest"]
    return current if latest is None or latest < current else latest + 1


# --- Whether a row is in use --------------------------------------------------------------------------


def reverse_relations(model: type[Model]) -> list[ForeignObjectRel]:
    """Every relation pointing at `model` from another table: foreign keys, one-to-one and many-to-many,
    including hidden ones (related_name="+") and auto-created many-to-many tables."""
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if isinstance(field, ForeignObjectRel) and field.auto_created and not field.concrete
    ]


def item_in_use(item: Model) -> bool:
    """Whether any row of any model refers to `item`. Generic: later sections add their PROTECT foreign
    keys to subjects, positions, grades and years and this sees them without changes. One EXISTS query per
    relation."""
    for relation in reverse_relations(type(item)):
        related: Any = relation.related_model
        if related._base_manager.filter(**{relation.field.name: item}).exists():
            return True
    return False
