"""INTERFACE STUB — helper H1 (search) replaces this file. See /tmp/brief/library.md."""

from __future__ import annotations

from collections.abc import Iterable


def index_documents(document_ids: Iterable[int]) -> int:
    """(Re)write the index rows of these documents from their fields and current file's text."""
    raise NotImplementedError


def remove_documents(document_ids: Iterable[int]) -> None:
    raise NotImplementedError


def rebuild_all(*, batch: int = 500) -> int:
    raise NotImplementedError


def clear() -> None:
    raise NotImplementedError
