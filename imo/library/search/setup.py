"""Registrations of library/search; run from ready()."""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models.signals import post_delete, post_migrate


def _clear_stale_fts(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After `flush` (tests, `imo demo --reset`) the documents are gone but the FTS5 table, which no
    model owns, is not flushed: empty it when `library_document` is empty, so no stale rows remain
    (on PostgreSQL the index is a column of the documents' table and goes with them)."""
    if getattr(sender, "label", None) != "library":
        return
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if not {"library_document", "library_document_fts"} <= tables:
            return
        cursor.execute("SELECT EXISTS (SELECT 1 FROM library_document)")
        if not cursor.fetchone()[0]:
            cursor.execute("DELETE FROM library_document_fts")


def _forget_deleted(sender: Any, instance: Any, using: str = "default", **kwargs: Any) -> None:
    """A document deleted by any path (service, admin, cascade) leaves no FTS5 row behind."""
    if connections[using].vendor == "sqlite":
        with connections[using].cursor() as cursor:
            cursor.execute("DELETE FROM library_document_fts WHERE rowid = %s", [instance.pk])


def ready() -> None:
    from imo.library.models import Document

    post_migrate.connect(_clear_stale_fts, dispatch_uid="library.search.clear_stale_fts")
    post_delete.connect(_forget_deleted, sender=Document, dispatch_uid="library.search.forget_deleted")
