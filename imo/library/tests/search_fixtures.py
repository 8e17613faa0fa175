"""Small builders of indexed documents for the search tests (no files on disk: the text is set as
extraction would)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from imo.library.models import Access, Document, DocumentFile, DocumentKind, Tag, TextStatus
from imo.library.search.index import index_documents
from imo.orgs.models import Organization
from imo.orgs.tests.factories import make_organization

_day = {"n": 0}


def office() -> Organization:
    existing = Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY).first()
    return existing or make_organization(kind=Organization.Kind.MUNICIPALITY, name="Управление образования")


def make_document(
    title: str,
    *,
    body: str = "",
    annotation: str = "",
    tags: tuple[str, ...] = (),
    kind: DocumentKind | None = None,
    access: str = Access.PUBLIC,
    published: bool = True,
    days_ago: int | None = None,
    index: bool = True,
    **fields: Any,
) -> Document:
    """A document with a current file holding `body`; published `days_ago` (default: each new one a
    day newer than the previous, so «newest» is the creation order)."""
    if days_ago is None:
        _day["n"] += 1
        published_at = timezone.now() - datetime.timedelta(days=1000 - _day["n"])
    else:
        published_at = timezone.now() - datetime.timedelta(days=days_ago)
    document = Document.objects.create(
        organization=fields.pop("organization", None) or office(),
        title=title,
        kind=kind or DocumentKind.objects.order_by("order", "pk")[0],
        annotation=annotation,
        access=access,
        is_published=published,
        published_at=published_at if published else None,
        **fields,
    )
    for name in tags:
        tag, _ = Tag.objects.get_or_create(search_name=name.casefold(), defaults={"name": name})
        document.tags.add(tag)
    if body:
        DocumentFile.objects.create(
            document=document,
            version=1,
            file=f"library/test/{document.pk}.docx",
            original_name="file.docx",
            kind="docx",
            size=len(body),
            sha256="0" * 64,
            text=body,
            text_status=TextStatus.OK,
        )
    if index:
        index_documents([document.pk])
    return document
