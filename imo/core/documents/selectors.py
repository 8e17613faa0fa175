"""Reads: the register (scoped by the hook the portal layer installs), templates and their versions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from imo.core.documents import hooks
from imo.core.documents.models import IssuedDocument, NumberingRule, TemplateVersion
from imo.core.documents.registry import DocumentKind, get_kind, registered_kinds
from imo.core.text import collapse_spaces

# --- templates ----------------------------------------------------------------------------------------


def active_template(code: str) -> TemplateVersion | None:
    """The office's template in use for this kind, or None when the built-in one is used."""
    return TemplateVersion.objects.filter(code=code, is_active=True).first()


def template_versions(code: str) -> QuerySet[TemplateVersion]:
    return TemplateVersion.objects.filter(code=code).order_by("-uploaded_at", "-pk")


def template_version_get(*, code: str, pk: int) -> TemplateVersion:
    version = TemplateVersion.objects.filter(code=code, pk=pk).first()
    if version is None:
        raise Http404("Такой версии шаблона нет.")
    return version


@dataclass(frozen=True)
class TemplateStatus:
    kind: DocumentKind
    active: TemplateVersion | None
    prefix: str


def template_overview() -> list[TemplateStatus]:
    """Every registered kind with the template in use and its number prefix (two queries)."""
    active = {v.code: v for v in TemplateVersion.objects.filter(is_active=True)}
    prefixes = dict(NumberingRule.objects.values_list("code", "prefix"))
    return [
        TemplateStatus(kind, active.get(kind.code), prefixes.get(kind.code, kind.number_prefix))
        for kind in registered_kinds()
    ]


def numbering_prefix(code: str) -> str:
    rule = NumberingRule.objects.filter(code=code).first()
    return rule.prefix if rule is not None else get_kind(code).number_prefix


# --- the register -------------------------------------------------------------------------------------


def issued_documents_visible_to(*, user: Any) -> QuerySet[IssuedDocument]:
    """The register as the user may see it (the rows of its table, which filters and sorts them)."""
    return hooks.scope_filter()(user, IssuedDocument.objects.all())


def issued_documents_numbered(documents: QuerySet[IssuedDocument], *, query: str) -> QuerySet[IssuedDocument]:
    """Documents whose number holds `query` (the register's «Номер» filter)."""
    query = collapse_spaces(query)
    if not query:
        return documents
    # Numbers are digits, "/" and an optional prefix, usually in capitals; SQLite folds only ASCII.
    return documents.filter(Q(number__contains=query) | Q(number__contains=query.upper()))


def issued_document_get_for(*, user: Any, pk: int) -> IssuedDocument:
    """A document of the register if the user may see it; 404 otherwise (whether or not it exists)."""
    document = issued_documents_visible_to(user=user).filter(pk=pk).first()
    if document is None:
        raise Http404("Документ не найден.")
    return document


def issuers_visible_to(*, user: Any) -> list[tuple[int, str]]:
    """(user id, name) of everyone who issued a document the user may see, for the «Кто выдал» filter."""
    from imo.core.text import russian_sort_key

    rows = (
        issued_documents_visible_to(user=user)
        .exclude(issued_by_id=None)
        .order_by()
        .values_list("issued_by_id", "issued_by_name")
        .distinct()
    )
    names: dict[int, str] = {}
    for user_id, name in rows:
        names.setdefault(user_id, name)
    return sorted(names.items(), key=lambda item: russian_sort_key(item[1]))


def recent_documents(*, user: Any, kind: str, limit: int = 5) -> list[IssuedDocument]:
    return list(
        issued_documents_visible_to(user=user).filter(kind=kind).order_by("-issued_at", "-pk")[:limit]
    )


def with_organization_names(documents: Iterable[IssuedDocument]) -> Sequence[IssuedDocument]:
    """The documents with `organization_name` set, looked up in one query for the lot."""
    items = list(documents)
    names = hooks.organization_names({d.organization_id for d in items if d.organization_id})
    for document in items:
        document.organization_name = names.get(document.organization_id or 0, "")  # type: ignore[attr-defined]
    return items
