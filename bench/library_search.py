"""`library.search` (bench/entries.py THROUGHPUT): the document search page at region scale.

The value is the median time (ms) of the bank's page `/library/?q=<two Russian words>` as the head with
the widest scope (django.test.Client, force_login), or of `imo.library.search.query.search_page` over
`documents_visible_to(head)` while the page is not wired yet (extra "measured" says which). Baselines in
the same run, on the same rows and the same scope:

- baseline: the naive search a quick build would do — `icontains` of every word over the title and the
  current file's text, count + first page of 20 by date (no word forms, a full scan);
- limit: the bare full-text SQL (count + the first 20 ids by relevance, no scope, no tiers, no
  snippets, no rendering) — the practical floor of any page on this index.

Data: the region data set's documents (built by `imo.library.demo`). When it holds fewer than
DOCUMENTS, this function makes its own DOCUMENTS documents with Russian text inside a transaction it
rolls back (set-up, not timed), so the measurement never depends on another part being ready.
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.throughput import Measured, _rolled_back

DOCUMENTS = 20_000
QUERY = "функциональная грамотность"
WARMUP = 2
REQUESTS = 15


def _median_ms(work: Callable[[], Any], *, warmup: int = WARMUP, requests: int = REQUESTS) -> float:
    for _ in range(warmup):
        work()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _head() -> Any:
    """The head with the widest scope (most organisations at or below theirs); None without one."""
    from imo.orgs.models import Membership, Organization, Role

    memberships = list(
        Membership.objects.filter(role=Role.HEAD, user__is_active=True).select_related("user", "organization")
    )
    best = max(
        memberships,
        key=lambda m: Organization.objects.filter(path__startswith=m.organization.path).count(),
        default=None,
    )
    return best.user if best else None


# --- synthetic documents (only when the data set has none) -------------------------------------------

_TOPICS = [
    ("функциональной грамотности", "функциональная грамотность"),
    ("подготовки к ОГЭ", "ОГЭ"),
    ("подготовки к ЕГЭ", "ЕГЭ"),
    ("олимпиадного движения", "олимпиады"),
    ("наставничества", "наставничество"),
    ("аттестации педагогов", "аттестация"),
    ("цифровой образовательной среды", "цифровая образовательная среда"),
    ("обновлённых ФГОС", "ФГОС"),
    ("воспитательной работы", "воспитание"),
    ("инклюзивного образования", "инклюзия"),
]
_SUBJECTS = [
    "математики", "русского языка", "литературы", "истории", "обществознания", "физики", "химии",
    "биологии", "географии", "информатики", "английского языка", "чеченского языка",
]  # fmt: skip
_SENTENCES = [
    "Учителя {subject} используют задания на формирование {topic} на уроках и во внеурочной деятельности.",
    "В рамках методического объединения обсуждались вопросы {topic} и результаты диагностики.",
    "Рекомендуется включать в рабочие программы учителей {subject} практико-ориентированные задания.",
    "Педагоги делятся опытом организации проектной деятельности обучающихся.",
    "Анализ результатов показал, что обучающиеся испытывают трудности при решении контекстных задач.",
    "Для мониторинга {topic} используются материалы открытого банка заданий.",
    "Школам района предложено провести серию открытых уроков {subject}.",
    "Особое внимание уделяется развитию читательской, математической и естественнонаучной грамотности.",
    "Заместителям директоров по учебно-воспитательной работе следует обеспечить участие педагогов.",
    "Материалы размещены в банке документов управления образования.",
    "Курсы повышения квалификации по вопросам {topic} пройдены большинством учителей {subject}.",
    "Методист проводит консультации для молодых специалистов по вопросам {topic}.",
]


def _text(rng: random.Random) -> tuple[str, str, str]:
    topic, short = rng.choice(_TOPICS)
    subject = rng.choice(_SUBJECTS)
    title = rng.choice([
        f"Методические рекомендации по вопросам {topic}",
        f"Материалы семинара учителей {subject}: вопросы {topic}",
        f"План работы по направлению «{short}» на учебный год",
        f"Сборник заданий по {subject} для подготовки обучающихся",
        f"Анализ результатов диагностики: {short}",
    ])  # fmt: skip
    annotation = f"Материалы для учителей {subject}. Направление: {short}."
    # A document is about one topic; now and then it mentions another one in passing.
    sentences = [
        rng.choice(_SENTENCES).format(topic=topic, subject=subject) for _ in range(rng.randint(20, 35))
    ]
    if rng.random() < 0.3:
        sentences.append(f"Связанное направление: вопросы {rng.choice(_TOPICS)[0]}.")
    body = " ".join(sentences)
    return title, annotation, body


def _make_documents(count: int) -> None:
    """`count` published documents for educators, spread over the offices, each with a text file."""
    from django.utils import timezone

    from imo.library.models import Access, Document, DocumentFile, DocumentKind, TextStatus
    from imo.library.search.index import rebuild_all
    from imo.orgs.models import Organization

    rng = random.Random(2026)
    offices = list(
        Organization.objects.filter(
            kind__in=[Organization.Kind.MUNICIPALITY, Organization.Kind.REGION]
        ).order_by("pk")
    )
    if not offices:
        raise RuntimeError("no municipality or region in the data set")
    kinds = list(DocumentKind.objects.all())
    now = timezone.now()
    documents = []
    texts = []
    for n in range(count):
        title, annotation, body = _text(rng)
        published = now - datetime.timedelta(days=rng.randint(0, 1500), minutes=n)
        documents.append(
            Document(
                organization=offices[n % len(offices)],
                title=title,
                search_title=title.casefold().replace("ё", "е"),
                kind=kinds[n % len(kinds)],
                annotation=annotation,
                access=Access.PUBLIC if n % 10 == 0 else Access.EDUCATORS,
                is_published=n % 50 != 0,
                published_at=published if n % 50 != 0 else None,
            )
        )
        texts.append(body)
    created = Document.objects.bulk_create(documents, batch_size=2000)
    DocumentFile.objects.bulk_create(
        [
            DocumentFile(
                document=document,
                version=1,
                file="library/bench/shared.docx",
                original_name="документ.docx",
                kind="docx",
                size=len(text.encode()),
                sha256="0" * 64,
                text=text,
                text_status=TextStatus.OK,
            )
            for document, text in zip(created, texts, strict=True)
        ],
        batch_size=2000,
    )
    rebuild_all()


# --- the three measurements --------------------------------------------------------------------------


def _naive(documents: Any, words: list[str]) -> Callable[[], Any]:
    from django.db.models import Q

    def run() -> Any:
        found = documents
        for word in words:
            found = found.filter(
                Q(title__icontains=word) | Q(files__is_current=True, files__text__icontains=word)
            )
        found = found.distinct()
        return found.count(), list(found.order_by("-published_at")[:20])

    return run


def _bare(db: str, stems: list[str]) -> Callable[[], Any]:
    from django.db import connection

    if db == "postgresql":
        query = " & ".join(f"'{s}'" for s in stems)
        count_sql = "SELECT count(*) FROM library_document WHERE search_vector @@ to_tsquery('simple', %s)"
        page_sql = (
            "SELECT id FROM library_document WHERE search_vector @@ to_tsquery('simple', %s)"
            " ORDER BY ts_rank_cd(search_vector, to_tsquery('simple', %s)) DESC LIMIT 20"
        )
        page_params = [query, query]
    else:
        query = " AND ".join(f'"{s}"' for s in stems)
        count_sql = "SELECT count(*) FROM library_document_fts WHERE library_document_fts MATCH %s"
        page_sql = (
            "SELECT rowid FROM library_document_fts WHERE library_document_fts MATCH %s"
            " ORDER BY rank LIMIT 20"
        )
        page_params = [query]

    def run() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(count_sql, [query])
            total = cursor.fetchone()[0]
            cursor.execute(page_sql, page_params)
            return total, cursor.fetchall()

    return run


def search(db: str) -> Measured:
    """Median ms of the search page; the naive icontains search as the baseline; the bare SQL as the limit."""
    from urllib.parse import quote

    from django.contrib.auth.models import AnonymousUser
    from django.test import Client

    from imo.library.models import Document
    from imo.library.search.query import search_page
    from imo.library.search.stemming import stems
    from imo.library.selectors import documents_visible_to

    extra: dict[str, Any] = {"query": QUERY}
    with _rolled_back():
        existing = Document.objects.count()
        if existing < DOCUMENTS // 2:
            _make_documents(DOCUMENTS)
            extra["documents_made_by_bench"] = DOCUMENTS
        extra["documents"] = Document.objects.count()
        head = _head()
        user = head or AnonymousUser()
        visible = documents_visible_to(user)
        extra["visible_to_head"] = visible.count()
        extra["found"] = search_page(documents=visible, text=QUERY).total

        client = Client()
        if head is not None:
            client.force_login(head)
        url = f"/library/?q={quote(QUERY)}"
        if client.get(url).status_code == 200:
            extra["measured"] = f"page {url}"
            value = _median_ms(lambda: client.get(url))
        else:
            extra["measured"] = "selector search_page (the page is not wired yet)"
            value = _median_ms(lambda: search_page(documents=documents_visible_to(user), text=QUERY))

        baseline = _median_ms(_naive(visible, QUERY.split()), warmup=1, requests=5)
        limit = _median_ms(_bare(db, stems(QUERY)))
    extra.update({
        "baseline_name": "naive: icontains over title + current file text, count + first 20",
        "baseline_ms": round(baseline, 1),
        "limit_name": "bare full-text SQL (count + first 20 ids by relevance)",
        "limit_ms": round(limit, 1),
        "target_ms": {"postgresql": 100, "sqlite": 200}[db],
    })  # fmt: skip
    return Measured(value=value, baseline=baseline, extra=extra)
