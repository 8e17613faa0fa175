"""INTERFACE STUB — helper H1 (search) replaces this file. See /tmp/brief/library.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.safestring import SafeString

from imo.library.models import Document


@dataclass
class Hit:
    document: Document
    snippet: SafeString
    in_title: bool


@dataclass
class SearchPage:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    message: str = ""  # Russian; set when the query was refused or shortened
    terms: list[str] = field(default_factory=list)


def search_page(*, documents: QuerySet[Document], text: str, page: int = 1, per_page: int = 20) -> SearchPage:
    """Rank `documents` (already scoped and filtered by the caller) against the query `text`."""
    raise NotImplementedError


def _unused(*args: Any) -> None:
    pass
