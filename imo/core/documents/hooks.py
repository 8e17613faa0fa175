"""What the register needs from the layers above core: who sees which documents, organisation names.

Core knows nothing of organisations or roles (imo.orgs is a higher layer), so the layer that does
(`imo/portal/rules_documents.py`) plugs them in at start-up:

    configure(scope=lambda user, queryset: …, organization_names=lambda ids: {id: "СОШ № 1", …})

Until it does, a user sees only the documents they issued (a superuser sees all) and organisations are
shown by number: the safe default.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

if TYPE_CHECKING:
    from imo.core.documents.models import IssuedDocument

ScopeFilter = Callable[[Any, "QuerySet[IssuedDocument]"], "QuerySet[IssuedDocument]"]
NameLookup = Callable[[Collection[int]], dict[int, str]]


def _own_documents(user: Any, queryset: QuerySet[IssuedDocument]) -> QuerySet[IssuedDocument]:
    if getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    return queryset.filter(issued_by_id=user.pk)


def _no_names(ids: Collection[int]) -> dict[int, str]:
    return {}


_hooks: dict[str, Any] = {"scope": _own_documents, "organization_names": _no_names}


def configure(*, scope: ScopeFilter | None = None, organization_names: NameLookup | None = None) -> None:
    if scope is not None:
        _hooks["scope"] = scope
    if organization_names is not None:
        _hooks["organization_names"] = organization_names


def reset() -> None:
    """Back to the defaults (tests)."""
    _hooks.update(scope=_own_documents, organization_names=_no_names)


def scope_filter() -> ScopeFilter:
    return _hooks["scope"]


def organization_names(ids: Collection[int]) -> dict[int, str]:
    if not ids:
        return {}
    return _hooks["organization_names"](ids)
