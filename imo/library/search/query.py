"""Full-text search of documents: ranked hits with highlighted snippets, the same on both databases.

The caller scopes and filters the documents (`documents_visible_to(user)` plus kind, subject, …); this
module matches every query word (AND) by its stem in the index written by `imo.library.search.index`
and orders the matches:

1. every word in the title; 2. every word in the title or the annotation/tags/authors/issuer/number;
3. some word there, the rest only in the text; 4. the text only — then the database's relevance
(PostgreSQL ts_rank_cd, SQLite FTS5 bm25, both weighting title > meta > text), then the newest.

The tiers come first so that the top results agree across databases, whose relevance formulas differ.
A page costs three queries whatever the query: the ids of the page with the count of all matches, the
documents, their texts (one more, a count, only for a page number past the end). On PostgreSQL the
ranking itself is shared by every reader and kept in the page cache until a document changes (see
`_ranked_ids`); the first query then only picks the reader's documents out of it.
Snippets are computed here in Python from the same stems, so they are identical on both databases.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Substr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from imo.core import pagecache
from imo.library.models import Document, DocumentFile
from imo.library.search import stemming
from imo.library.search.index import BODY_CHARS

MAX_CHARS = 200
MAX_WORDS = 12
SNIPPET_CHARS = 240
MAX_MATCHES = 40


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
    # The words searched for as the visitor typed them (folded, stop words dropped, no repeats).
    terms: list[str] = field(default_factory=list)


@dataclass
class _Query:
    terms: list[str]
    stems: list[str]
    message: str


def _parse(text: str) -> _Query:
    """The words to search for, or none with a message saying why."""
    text = (text or "").strip()
    notes: list[str] = []
    if len(text) > MAX_CHARS:
        cut = text[:MAX_CHARS]
        # Cut between words when there is a space in the tail, not inside one.
        if not text[MAX_CHARS].isspace() and " " in cut[MAX_CHARS // 2 :]:
            cut = cut[: cut.rindex(" ")]
        text = cut
        notes.append(f"Запрос слишком длинный: искали по первым {MAX_CHARS} символам.")
    words = stemming.words(text)
    if len(words) > MAX_WORDS:
        words = words[:MAX_WORDS]
        notes.append(f"В запросе больше {MAX_WORDS} слов: искали по первым {MAX_WORDS}.")
    if not words:
        return _Query([], [], "В запросе нет слов: введите одно или несколько слов для поиска.")
    terms = list(dict.fromkeys(w for w in words if w not in stemming.STOP_WORDS))
    if not terms:
        return _Query(
            [],
            [],
            "Запрос состоит только из служебных слов (предлогов, союзов, местоимений), поиск их не "
            "учитывает: добавьте слова по существу.",
        )
    stems = list(dict.fromkeys(stemming.stem(w) for w in terms))
    return _Query(terms, stems, " ".join(notes))


# --- SQL ---------------------------------------------------------------------------------------------
# Every term is quoted, so nothing a visitor types is read as FTS5 or tsquery syntax.


def _fts_phrase(stem: str) -> str:
    return '"' + stem.replace('"', '""') + '"'


def _ts_lexeme(stem: str, weights: str = "") -> str:
    quoted = "'" + stem.replace("\\", "\\\\").replace("'", "''") + "'"
    return f"{quoted}:{weights}" if weights else quoted


def _tier_queries(stems: list[str]) -> list[str]:
    """Match expressions of tiers 1–3 (tier 4 is everything else) in the database's syntax."""
    if connection.vendor == "postgresql":
        return [
            " & ".join(_ts_lexeme(s, "A") for s in stems),
            " & ".join(_ts_lexeme(s, "AB") for s in stems),
            " | ".join(_ts_lexeme(s, "AB") for s in stems),
        ]
    phrases = [_fts_phrase(s) for s in stems]
    return [
        "{title} : (" + " AND ".join(phrases) + ")",
        "{title meta} : (" + " AND ".join(phrases) + ")",
        "{title meta} : (" + " OR ".join(phrases) + ")",
    ]


def _match_query(stems: list[str]) -> str:
    if connection.vendor == "postgresql":
        return " & ".join(_ts_lexeme(s) for s in stems)
    return " AND ".join(_fts_phrase(s) for s in stems)


def _scope_sql(documents: QuerySet[Document]) -> tuple[str, tuple[Any, ...]]:
    return documents.order_by().values("pk").query.sql_with_params()


def _count(match: str, scope: str, scope_params: tuple[Any, ...]) -> int:
    if connection.vendor == "postgresql":
        sql = (
            "SELECT count(*) FROM library_document AS d"
            f" WHERE d.search_vector @@ to_tsquery('simple', %s) AND d.id IN ({scope})"
        )
    else:
        # MATERIALIZED: otherwise SQLite hands the scope's ids to FTS5 as a rowid constraint and FTS5
        # evaluates the whole MATCH again for each id (seconds instead of milliseconds).
        sql = (
            "WITH hits AS MATERIALIZED"
            " (SELECT rowid AS id FROM library_document_fts WHERE library_document_fts MATCH %s)"
            f" SELECT count(*) FROM hits WHERE id IN ({scope})"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *scope_params])
        return int(cursor.fetchone()[0])


def _ranked_ids(match: str, tiers: list[str]) -> list[int]:
    """Every document that matches, in rank order, whoever asks (PostgreSQL).

    The tier and the rank of a document depend on its vector and the query only, so the order is shared
    by every reader; the reader's scope and filters are applied to it afterwards (`_page_ids`). Ranking
    reads every matching document's vector, stored out of line (TOAST): ~0.4 s for a common query over a
    region's 20,000 documents, once per query text instead of once per scope. `|| ''` fetches a vector
    once per row for the tier tests and the rank, instead of once per use; tier and rank are computed
    behind an OFFSET 0 fence so the sort runs over narrow rows."""

    def compute() -> list[int]:
        tier = " ".join(f"WHEN h.v @@ to_tsquery('simple', %s) THEN {n}" for n in range(len(tiers)))
        sql = (
            "SELECT r.id FROM"
            f" (SELECT h.id, h.published_at, CASE {tier} ELSE {len(tiers)} END AS tier,"
            " ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', h.v, to_tsquery('simple', %s)) AS rank"
            " FROM (SELECT d.id, d.published_at, d.search_vector || ''::tsvector AS v"
            " FROM library_document AS d WHERE d.search_vector @@ to_tsquery('simple', %s) OFFSET 0) AS h"
            " OFFSET 0) AS r"
            " ORDER BY r.tier, r.rank DESC, r.published_at DESC NULLS LAST, r.id DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*tiers, match, match])
            return [int(row[0]) for row in cursor.fetchall()]

    return pagecache.cached("library.ranked", topics=("library",), parts=(match, *tiers), compute=compute)


def _visible_ids(documents: QuerySet[Document]) -> frozenset[int]:
    """The ids of the documents the caller's scope and filters leave (PostgreSQL): a scan of the
    documents' narrow columns, no vectors (~15 ms at region scale), the same for every query text, so
    kept like the ranking until a document, an organisation or a subject changes."""
    scoped = documents.order_by().values_list("pk", flat=True)
    sql, params = scoped.query.sql_with_params()
    return pagecache.cached(
        "library.visible",
        topics=("library", "orgs", "reference"),
        parts=(sql, params),
        compute=lambda: frozenset(scoped),
    )


def _page_ids(
    documents: QuerySet[Document], match: str, tiers: list[str], *, limit: int, offset: int
) -> tuple[list[int], int]:
    """The ids of one page in rank order and the number of all matches; past the last page no ids (and
    on SQLite no count either)."""
    if connection.vendor == "postgresql":
        # The shared ranking, narrowed to what this reader may see with these filters.
        ranked = _ranked_ids(match, tiers)
        if not ranked:
            return [], 0
        visible = _visible_ids(documents)
        ordered = [pk for pk in ranked if pk in visible]
        return ordered[offset : offset + limit], len(ordered)
    scope, scope_params = _scope_sql(documents)
    # bm25() only works in the query that MATCHes; each tier is the id set of another MATCH,
    # materialized once (see _count for why).
    tier_ctes = "".join(
        f", tier{n} AS MATERIALIZED"
        f" (SELECT rowid AS id FROM library_document_fts WHERE library_document_fts MATCH %s)"
        for n in range(len(tiers))
    )
    tier = " ".join(f"WHEN h.id IN tier{n} THEN {n}" for n in range(len(tiers)))
    sql = (
        "WITH hits AS MATERIALIZED (SELECT rowid AS id,"
        " bm25(library_document_fts, 10.0, 4.0, 1.0) AS score"
        " FROM library_document_fts WHERE library_document_fts MATCH %s)"
        f"{tier_ctes}"
        " SELECT h.id, count(*) OVER () FROM hits AS h JOIN library_document AS d ON d.id = h.id"
        f" WHERE h.id IN ({scope})"
        f" ORDER BY CASE {tier} ELSE {len(tiers)} END, h.score,"
        " d.published_at DESC NULLS LAST, d.id DESC LIMIT %s OFFSET %s"
    )
    params = [match, *tiers, *scope_params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [int(row[0]) for row in rows], int(rows[0][1]) if rows else 0


# --- snippets ----------------------------------------------------------------------------------------


def _candidates(stems: list[str]) -> re.Pattern[str]:
    """Words of the original text that may have one of the stems: a Snowball Russian stem is always a
    prefix of the folded word, so a regular expression finds them without stemming every word."""
    alternatives = "|".join(re.escape(s).replace("е", "[её]") for s in sorted(stems, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE)


def _matches(text: str, stems: set[str], pattern: re.Pattern[str]) -> list[tuple[int, int, str]]:
    """The query words in `text`, from its start, at most MAX_MATCHES: the snippet is one window, and a
    long text full of the words need not be stemmed to its end."""
    found: list[tuple[int, int, str]] = []
    for match in pattern.finditer(text):
        for start, end, stem in stemming.word_spans(match.group()):
            if stem in stems:
                found.append((match.start() + start, match.start() + end, stem))
        if len(found) >= MAX_MATCHES:
            break
    return found


def _window(text: str, matches: list[tuple[int, int, str]]) -> tuple[int, int]:
    """The stretch of about SNIPPET_CHARS characters holding the most different matched words."""
    if not matches:
        return 0, min(len(text), SNIPPET_CHARS)
    best, best_count = 0, 0
    reach = SNIPPET_CHARS * 2 // 3
    for i, (start, _end, _stem) in enumerate(matches):
        seen = {m[2] for m in matches[i:] if m[0] < start + reach}
        if len(seen) > best_count:
            best, best_count = i, len(seen)
    start = max(0, matches[best][0] - SNIPPET_CHARS // 4)
    if start:
        space = text.find(" ", start, matches[best][0])
        start = space + 1 if space != -1 else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > matches[best][1] else end
    return start, end


_SPACES = re.compile(r"\s+")


def _render(text: str, start: int, end: int, matches: list[tuple[int, int, str]]) -> str:
    parts = ["…" if start > 0 else ""]
    position = start
    for m_start, m_end, _stem in matches:
        if m_start < start or m_end > end:
            continue
        parts.append(escape(_SPACES.sub(" ", text[position:m_start])))
        parts.append(f"<mark>{escape(text[m_start:m_end])}</mark>")
        position = m_end
    parts.append(escape(_SPACES.sub(" ", text[position:end])))
    parts.append("…" if end < len(text) else "")
    return "".join(parts).strip()


def snippet(annotation: str, body: str, stems: list[str]) -> SafeString:
    """A piece of the annotation or the text around the query words, HTML-escaped, the words in <mark>.

    The source with more different query words wins; the annotation (short, written by a person) on a tie.
    """
    if not stems:
        return mark_safe("")
    wanted, pattern = set(stems), _candidates(stems)
    best: tuple[int, str, list[tuple[int, int, str]]] | None = None
    for source in (annotation, body):
        if not source:
            continue
        found = _matches(source, wanted, pattern)
        score = len({m[2] for m in found})
        if best is None or score > best[0]:
            best = (score, source, found)
    if best is None:
        return mark_safe("")
    _score, source, found = best
    start, end = _window(source, found)
    # _render escapes every piece of the text; only its own <mark> tags are markup.
    return mark_safe(_render(source, start, end, found))


# --- the page ----------------------------------------------------------------------------------------


def search_page(*, documents: QuerySet[Document], text: str, page: int = 1, per_page: int = 20) -> SearchPage:
    """Rank `documents` (already scoped and filtered by the caller) against the query `text`."""
    query = _parse(text)
    result = SearchPage(page=1, pages=1, message=query.message, terms=query.terms)
    if not query.stems:
        return result
    try:
        documents.query.sql_with_params()  # a scope that can match nothing (an empty id list, say)
    except EmptyResultSet:
        return result
    match = _match_query(query.stems)
    tiers = _tier_queries(query.stems)
    per_page = max(1, per_page)
    page = max(1, page)
    ids, total = _page_ids(documents, match, tiers, limit=per_page, offset=(page - 1) * per_page)
    if not ids and page > 1:
        # Past the last page (an old link): count (PostgreSQL knows it already), then show the last page.
        total = total or _count(match, *_scope_sql(documents))
        page = max(1, math.ceil(total / per_page))
        ids, total = _page_ids(documents, match, tiers, limit=per_page, offset=(page - 1) * per_page)
    result.total = total
    if not total:
        return result
    result.pages = math.ceil(total / per_page)
    result.page = page
    # The caller's queryset again, so its select_related/prefetch_related serve the page's rows.
    by_id = {d.pk: d for d in documents.filter(pk__in=ids).order_by()}
    bodies = dict(
        DocumentFile.objects.filter(document_id__in=ids, is_current=True)
        .annotate(head=Substr("text", 1, BODY_CHARS))
        .values_list("document_id", "head")
    )
    wanted = set(query.stems)
    for pk in ids:
        document = by_id.get(pk)
        if document is None:  # deleted between the two queries
            continue
        result.hits.append(
            Hit(
                document=document,
                snippet=snippet(document.annotation, bodies.get(pk) or "", query.stems),
                in_title=wanted <= set(stemming.stems(document.title)),
            )
        )
    return result
