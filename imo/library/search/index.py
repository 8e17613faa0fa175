"""Writes the full-text index of documents (created by migration 0002), one form per database:

- PostgreSQL: `library_document.search_vector`, weights A (title), B (annotation, tags, authors, issuer,
  number), C (the current file's text), built with the `simple` configuration from the stems of
  `imo.library.search.stemming` — not with `russian`: the words are stemmed already in Python, and
  stemming a stem again may shorten it further, so PostgreSQL would index other lexemes than SQLite;
- SQLite: the FTS5 table `library_document_fts(title, meta, body)`, rowid = document id, the same stems.

Drafts are indexed too: who may see what is decided at query time by the caller's queryset.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection
from django.db.models.functions import Substr

from imo.library.models import Document, DocumentFile
from imo.library.search.stemming import stemmed_text

# The part of a file's text that is indexed. Methodical documents are a few pages; a 500-page PDF
# would give a tsvector close to PostgreSQL's 1 MB limit and only slow the ranking down, while its
# first 300,000 characters (about 100 pages) already say what it is about.
BODY_CHARS = 300_000


def _batches(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    batch: list[int] = []
    for pk in ids:
        batch.append(int(pk))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _rows(ids: list[int]) -> list[tuple[int, str, str, str]]:
    """(id, title, meta, body) stems of the documents among `ids` that exist: three queries."""
    documents = Document.objects.filter(pk__in=ids).values_list(
        "pk", "title", "annotation", "authors", "issuer", "number"
    )
    tags: dict[int, list[str]] = defaultdict(list)
    for document_id, name in Document.tags.through.objects.filter(document_id__in=ids).values_list(
        "document_id", "tag__name"
    ):
        tags[document_id].append(name)
    bodies = dict(
        DocumentFile.objects.filter(document_id__in=ids, is_current=True)
        .annotate(head=Substr("text", 1, BODY_CHARS))
        .values_list("document_id", "head")
    )
    rows = []
    for pk, title, annotation, authors, issuer, number in documents:
        meta = " ".join([annotation, *tags.get(pk, []), authors, issuer, number])
        rows.append((pk, stemmed_text(title), stemmed_text(meta), stemmed_text(bodies.get(pk) or "")))
    return rows


def _write_postgresql(rows: list[tuple[int, str, str, str]]) -> None:
    values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    params = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE library_document AS d SET search_vector ="
            " setweight(to_tsvector('simple', v.title), 'A')"
            " || setweight(to_tsvector('simple', v.meta), 'B')"
            " || setweight(to_tsvector('simple', v.body), 'C')"
            f" FROM (VALUES {values}) AS v(id, title, meta, body) WHERE d.id = v.id",
            params,
        )


def _write_sqlite(ids: list[int], rows: list[tuple[int, str, str, str]]) -> None:
    with connection.cursor() as cursor:
        _delete_sqlite(cursor, ids)
        cursor.executemany(
            "INSERT INTO library_document_fts (rowid, title, meta, body) VALUES (%s, %s, %s, %s)", rows
        )


def _delete_sqlite(cursor: object, ids: list[int]) -> None:
    marks = ", ".join(["%s"] * len(ids))
    cursor.execute(f"DELETE FROM library_document_fts WHERE rowid IN ({marks})", ids)  # type: ignore[attr-defined]


def index_documents(document_ids: Iterable[int], *, batch: int = 500) -> int:
    """(Re)write the index entries of these documents from their title, annotation, tags, authors,
    issuer, number and the current file's text. Ids of deleted documents are dropped from the index.
    Four queries per `batch` documents. Returns the number of documents indexed."""
    count = 0
    for ids in _batches(dict.fromkeys(document_ids), batch):
        rows = _rows(ids)
        if connection.vendor == "postgresql":
            if rows:
                _write_postgresql(rows)
        elif connection.vendor == "sqlite":
            _write_sqlite(ids, rows)
        count += len(rows)
    return count


def remove_documents(document_ids: Iterable[int]) -> None:
    """Drop these documents from the index (on PostgreSQL the vector goes with the row; a document
    that stays, e.g. one being replaced, is emptied)."""
    for ids in _batches(dict.fromkeys(document_ids), 500):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("UPDATE library_document SET search_vector = NULL WHERE id = ANY(%s)", [ids])
            elif connection.vendor == "sqlite":
                _delete_sqlite(cursor, ids)


def clear() -> None:
    """Empty the index."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("UPDATE library_document SET search_vector = NULL WHERE search_vector IS NOT NULL")
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM library_document_fts")


def rebuild_all(*, batch: int = 500) -> int:
    """Index every document from scratch (after a bulk load, or to repair). Returns the count."""
    clear()
    ids = Document.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=batch * 4)
    count = index_documents(ids, batch=batch)
    if connection.vendor == "sqlite":
        # Many batches leave FTS5 with many small segments (each query reads them all): merge them
        # into one, which makes a search over 20,000 documents several times faster.
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO library_document_fts (library_document_fts) VALUES ('optimize')")
    return count
