"""Reads of the documents part: the filtered list, counts for browsing, a document's page.

Every read starts from `imo.library.selectors.documents_visible_to(user)` (or `documents_editable_by`),
so what a user cannot see is never counted, listed or related. Lists run a fixed number of queries:
the rows join their kind and office and prefetch subjects, grades and the current file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Max, Min, Prefetch, Q, QuerySet, Value, When

from imo.core import pagecache
from imo.core.collation import russian
from imo.library.models import ActStatus, Document, DocumentFile, DocumentKind
from imo.reference.models import Grade, Subject
from imo.reference.selectors import active_items

SORTS = {
    "new": "Сначала новые",
    "popular": "Самые скачиваемые",
    "title": "По названию",
}
DEFAULT_SORT = "new"
RELATED_LIMIT = 6


@dataclass(frozen=True)
class DocumentFilters:
    """The browse filters of the list (None: not narrowing)."""

    kind: int | None = None
    subject: int | None = None
    grade: int | None = None
    year: int | None = None
    status: str | None = None  # an ActStatus value, or "draft" (office editors only)
    sort: str = DEFAULT_SORT


def current_file_prefetch() -> Prefetch:
    return Prefetch(
        "files",
        queryset=DocumentFile.objects.filter(is_current=True).only(
            "pk", "document_id", "version", "kind", "size", "original_name", "text_status", "is_current"
        ),
        to_attr="current_files",
    )


def with_list_data(documents: QuerySet[Document]) -> QuerySet[Document]:
    """What a row of the list shows: kind, office, subjects, grades, the current file (4 queries a page)."""
    return documents.select_related("kind", "organization").prefetch_related(
        Prefetch("subjects", queryset=Subject.objects.order_by("name")),
        Prefetch("grades", queryset=Grade.objects.order_by("number")),
        current_file_prefetch(),
    )


def _year_condition(year: int) -> Q:
    # An act's year is the year it was adopted; other documents count from their publication.
    start = dt.date(year, 1, 1)
    end = dt.date(year + 1, 1, 1)
    return Q(issued_on__gte=start, issued_on__lt=end) | Q(
        issued_on__isnull=True, published_at__date__gte=start, published_at__date__lt=end
    )


def documents_filtered(
    documents: QuerySet[Document], filters: DocumentFilters, *, skip_kind: bool = False
) -> QuerySet[Document]:
    """`documents` narrowed by the filters (not yet ordered). `skip_kind` leaves the kind out: the
    counts beside the kind tabs are of everything else the user chose."""
    if filters.kind and not skip_kind:
        documents = documents.filter(kind_id=filters.kind)
    if filters.subject:
        documents = documents.filter(
            pk__in=Document.subjects.through.objects.filter(subject_id=filters.subject).values("document_id")
        )
    if filters.grade:
        documents = documents.filter(
            pk__in=Document.grades.through.objects.filter(grade_id=filters.grade).values("document_id")
        )
    if filters.year:
        documents = documents.filter(_year_condition(filters.year))
    if filters.status == "draft":
        documents = documents.filter(is_published=False)
    elif filters.status in ActStatus.values:
        documents = documents.filter(act_status=filters.status)
    return documents


def documents_ordered(documents: QuerySet[Document], sort: str) -> QuerySet[Document]:
    if sort == "popular":
        return documents.order_by("-download_count", F("published_at").desc(nulls_last=True), "-pk")
    if sort == "title":
        return documents.order_by(russian("title"), "pk")
    return documents.order_by(F("published_at").desc(nulls_last=True), "-created_at", "-pk")


def kind_counts(documents: QuerySet[Document]) -> dict[int, int]:
    """How many of `documents` each kind holds (one query)."""
    rows = documents.order_by().values("kind_id").annotate(n=Count("pk"))
    return {row["kind_id"]: row["n"] for row in rows}


def kinds_for_browse(counts: dict[int, int]) -> list[tuple[DocumentKind, int]]:
    """Active kinds and the archived ones that still hold documents, each with its count."""
    kinds = DocumentKind.objects.order_by("order", "name")
    return [(kind, counts.get(kind.pk, 0)) for kind in kinds if not kind.is_archived or counts.get(kind.pk)]


# The search form's lists, on every library page: kept until the reference catalogues change.
def subject_choices() -> list[tuple[int, str]]:
    return pagecache.cached(
        "library.subject_choices",
        topics=("reference",),
        parts=(),
        compute=lambda: [(s.pk, s.name) for s in active_items(Subject)],
    )


def grade_choices() -> list[tuple[int, str]]:
    return pagecache.cached(
        "library.grade_choices",
        topics=("reference",),
        parts=(),
        compute=lambda: [(g.pk, str(g)) for g in active_items(Grade)],
    )


def year_choices(documents: QuerySet[Document]) -> list[int]:
    """The years from the oldest to the newest document the user sees, newest first: one aggregate
    query (distinct truncated dates would run a date function on every visible row — 20,000 at region
    scale); a year in between with no document simply finds nothing."""
    bounds = documents.aggregate(
        issued_min=Min("issued_on"),
        issued_max=Max("issued_on"),
        published_min=Min("published_at"),
        published_max=Max("published_at"),
    )
    years = [
        value.year
        for value in (
            bounds["issued_min"],
            bounds["issued_max"],
            bounds["published_min"],
            bounds["published_max"],
        )
        if value is not None
    ]
    if not years:
        return []
    return list(range(max(years), min(years) - 1, -1))


def document_for_page(documents: QuerySet[Document], pk: int) -> Document | None:
    """The document with everything its page shows besides versions and related documents."""
    return (
        documents.select_related("kind", "organization", "created_by", "replaced_by")
        .prefetch_related(
            Prefetch("subjects", queryset=Subject.objects.order_by("name")),
            Prefetch("grades", queryset=Grade.objects.order_by("number")),
            "tags",
        )
        .filter(pk=pk)
        .first()
    )


def document_versions(document: Document) -> list[DocumentFile]:
    return list(
        DocumentFile.objects.filter(document=document)
        .select_related("uploaded_by")
        .defer("text")
        .order_by("-version")
    )


def related_documents(visible: QuerySet[Document], document: Document) -> list[Document]:
    """Up to six documents the reader may open that share tags or subjects with this one (more shared
    first), then ones of the same kind; the newest first among equals. The acts it replaces and the one
    that replaces it are shown apart (see `replacement_links`)."""
    tag_ids = [tag.pk for tag in document.tags.all()]
    subject_ids = [subject.pk for subject in document.subjects.all()]
    score = (
        Count("tags", filter=Q(tags__in=tag_ids), distinct=True) * 2
        + Count("subjects", filter=Q(subjects__in=subject_ids), distinct=True)
        + Case(When(kind_id=document.kind_id, then=Value(1)), default=Value(0), output_field=IntegerField())
    )
    rows = (
        visible.exclude(pk=document.pk)
        .filter(Q(tags__in=tag_ids) | Q(subjects__in=subject_ids) | Q(kind_id=document.kind_id))
        .annotate(score=score)
        .filter(score__gt=0)
        .select_related("kind")
        .order_by("-score", F("published_at").desc(nulls_last=True), "-pk")
    )
    return list(rows[:RELATED_LIMIT])


def replacement_links(
    visible: QuerySet[Document], document: Document
) -> tuple[Document | None, list[Document]]:
    """The act that replaced this one and the acts this one replaced — only those the reader may see."""
    replaced_by = None
    if document.replaced_by_id:
        replaced_by = visible.filter(pk=document.replaced_by_id).only("pk", "title").first()
    replaces = list(
        visible.filter(replaced_by_id=document.pk).only("pk", "title").order_by("-issued_on", "pk")
    )
    return replaced_by, replaces


def replaced_by_choices(editable: QuerySet[Document], document: Document | None) -> QuerySet[Document]:
    """Acts an editor may name as the replacement: acts in force of their scope, not the act itself."""
    rows = editable.filter(kind__is_act=True).exclude(act_status=ActStatus.LAPSED)
    if document is not None and document.pk:
        rows = rows.exclude(pk=document.pk)
    return rows.order_by(F("issued_on").desc(nulls_last=True), "title")


def export_rows(documents: QuerySet[Document]) -> Any:
    """The Excel file's rows: the list's joins without the per-page file prefetch of whole rows."""
    return with_list_data(documents)
