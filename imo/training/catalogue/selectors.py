"""Reads of the course catalogue: providers and programmes with their usage counts, topics, choices for
other parts' forms, the programme picker's search.

The catalogue belongs to the whole installation (like the reference lists): who may read it is decided by
the `training.view_catalogue` permission, not by scope. Every list reads a fixed number of queries: the
counts are correlated subqueries, the tags of a page of programmes are prefetched.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from imo.core.collation import russian
from imo.core.identifiers import digits_only
from imo.core.text import fold
from imo.reference.models import Subject
from imo.reference.selectors import item_in_use
from imo.training.models import CourseRecord, Programme, Provider, Topic

#: How many programmes the picker (training:programme_options) answers with at most.
OPTIONS_LIMIT = 20


def _count(model: type[Model], field: str) -> Coalesce:
    """The number of `model` rows pointing at the outer row through `field`, as one subquery."""
    rows = (
        model._default_manager.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


# --- providers ---------------------------------------------------------------------------------------


def provider_rows() -> QuerySet[Provider]:
    """Every provider (inactive ones too) with `programme_count` and `record_count`: the rows of the list."""
    return Provider.objects.annotate(
        programme_count=_count(Programme, "provider"), record_count=_count(CourseRecord, "provider")
    )


def provider_get(*, pk: int) -> Provider:
    """A provider or 404, with its counts. Call after the view's access check."""
    provider = provider_rows().filter(pk=pk).first()
    if provider is None:
        raise Http404("Организация не найдена в справочнике.")
    return provider


def provider_in_use(provider: Provider) -> bool:
    """Whether a programme, a course record or a plan line names the provider (then it is only
    deactivated, never deleted)."""
    return item_in_use(provider)


def provider_choices(*, keep: Provider | int | None = None) -> QuerySet[Provider]:
    """Active providers in Russian order, plus `keep` (the value a form already holds)."""
    condition = Q(is_active=True)
    if keep is not None:
        condition |= Q(pk=keep.pk if isinstance(keep, Provider) else keep)
    return Provider.objects.filter(condition).order_by(russian("name"), "pk")


def provider_find(*, name: str = "", inn: str = "") -> Provider | None:
    """The catalogue's provider for a typed or imported provider: by ИНН when given, else by the name
    folded for case, ё and spaces (either the full or the short name). None when nothing or several match."""
    digits = digits_only(inn)
    if digits:
        return Provider.objects.filter(inn=digits).first()
    key = fold(name)
    if not key:
        return None
    matches = list(Provider.objects.filter(name_key=key)[:2])
    if not matches:
        matches = [p for p in Provider.objects.exclude(short_name="") if fold(p.short_name) == key][:2]
    return matches[0] if len(matches) == 1 else None


# --- programmes --------------------------------------------------------------------------------------


def programme_rows() -> QuerySet[Programme]:
    """Every programme (inactive ones too) with its provider, `record_count`, and its topics and subjects
    prefetched for the page being shown."""
    return (
        Programme.objects.select_related("provider")
        .annotate(record_count=_count(CourseRecord, "programme"))
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.order_by("order", "name")),
            Prefetch("subjects", queryset=Subject.objects.order_by("order", "name")),
        )
    )


def programme_get(*, pk: int) -> Programme:
    """A programme or 404. Call after the view's access check."""
    programme = programme_rows().filter(pk=pk).first()
    if programme is None:
        raise Http404("Программа не найдена в справочнике.")
    return programme


def programme_in_use(programme: Programme) -> bool:
    """Whether a course record, a plan line or a development plan refers to the programme."""
    return item_in_use(programme)


def programme_search(
    *,
    q: str = "",
    provider: int | None = None,
    kind: str = "",
    keep: int | None = None,
    limit: int = OPTIONS_LIMIT,
) -> list[Programme]:
    """Active programmes of active providers whose title contains every word of `q` (case and ё folded),
    narrowed by provider and kind, in Russian order, at most `limit`; `keep` (a programme a form already
    holds) comes first even when inactive or not matching. One query (two with `keep`)."""
    rows = Programme.objects.select_related("provider").filter(is_active=True, provider__is_active=True)
    for word in fold(q).split():
        rows = rows.filter(title_key__contains=word)
    if provider:
        rows = rows.filter(provider_id=provider)
    if kind:
        rows = rows.filter(kind=kind)
    found = list(rows.order_by(russian("title"), "pk")[:limit])
    if keep and all(programme.pk != keep for programme in found):
        kept = Programme.objects.select_related("provider").filter(pk=keep).first()
        if kept is not None:
            found = [kept, *found[: max(limit - 1, 0)]]
    return found


def programme_choices(*, keep: Programme | int | None = None) -> QuerySet[Programme]:
    """Active programmes of active providers in Russian order, plus `keep`: for a plain select."""
    condition = Q(is_active=True, provider__is_active=True)
    if keep is not None:
        condition |= Q(pk=keep.pk if isinstance(keep, Programme) else keep)
    return Programme.objects.filter(condition).select_related("provider").order_by(russian("title"), "pk")


# --- topics ------------------------------------------------------------------------------------------


def topic_rows() -> QuerySet[Topic]:
    """Every topic with `programme_count` and `record_count`, in the office's order."""
    through_programmes: Any = Programme.topics.through
    through_records: Any = CourseRecord.topics.through
    return Topic.objects.annotate(
        programme_count=_count(through_programmes, "topic"),
        record_count=_count(through_records, "topic"),
    ).order_by("order", "name")


def topic_get(*, pk: int) -> Topic:
    topic = topic_rows().filter(pk=pk).first()
    if topic is None:
        raise Http404("Тема не найдена.")
    return topic


def topic_in_use(topic: Topic) -> bool:
    """Whether a programme or a course record is tagged with the topic."""
    return item_in_use(topic)


def topic_choices() -> QuerySet[Topic]:
    return Topic.objects.order_by("order", "name")
