"""Demo library (issue #8, item 6): documents with real files, news and announcements, digest subscriptions.

District: ~300 documents of every kind kept by the demo district's office (some by the region's): acts with
issuer, number and date (some lapsed and replaced by a newer act), subjects, grades, tags, authors; access
mostly «педагогам района», some public, a few office-only; a few drafts. Each has a real file made by
`imo.library.filegen` from the text of `imo.library.textgen` and stored through default_storage under a
generated name: mostly DOCX, ~60 PDF, a few ODT and PPTX, one scan-like PDF without text and one corrupt
DOCX; some documents have 2–3 versions. The text is put into DocumentFile.text directly from the generated
paragraphs (status OK) instead of running the extraction: the same words, and seconds instead of a minute.
About 50 news items for every audience (3 pinned, a few scheduled or drafts, some with attachments), their
Markdown rendered by `imo.library.news.sanitize.render_markdown`; digest subscriptions for some teachers
and school admins.

Region scale adds documents of the other municipalities up to 20,000 with text (a few stored files shared:
no per-document files). Then the search index is rebuilt. Everything goes in with bulk_create; the same rng
state and `today` give the same data (file names too).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from importlib import import_module

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from imo.accounts.demo import random_person
from imo.core.text import fold
from imo.library import filegen, textgen
from imo.library.models import (
    Access,
    ActStatus,
    Audience,
    DigestSubscription,
    Document,
    DocumentFile,
    DocumentKind,
    FileKind,
    NewsAttachment,
    NewsKind,
    NewsPost,
    Tag,
    TextStatus,
)
from imo.orgs.models import Membership, Organization, Role
from imo.reference.models import Grade, Subject

BATCH = 2000
DISTRICT_DOCUMENTS = 300
REGION_DOCUMENTS = 20_000
PDF_FILES = 30
ODT_FILES = 5
PPTX_FILES = 4
DRAFTS = 8
NEWS = 50
REGION_OFFICE_SHARE = 0.1  # of the district's documents kept by the region's office

# Kind keys of textgen.TITLES by the first word of the kind names of migration 0003; weights of each.
_KIND_BY_PREFIX = (
    ("нормативн", "act", 40),
    ("научно", "research", 20),
    ("методическ", "methodical", 100),
    ("новое издание", "publication", 40),
    ("материал из опыта", "practice", 50),
    ("шаблон", "template", 30),
)
_OTHER = ("other", 20)

DISTRICT_ISSUERS = ("Управление образования Курчалоевского муниципального района",)
REGION_ISSUERS = (
    "Министерство образования и науки Чеченской Республики",
    "Институт развития образования Чеченской Республики",
)
VERSION_COMMENTS = (
    "Исправлены опечатки",
    "Обновлены приложения",
    "Уточнены сроки",
    "Добавлены задания для 9 класса",
    "Новая редакция после обсуждения на методическом совете",
)


@dataclass(frozen=True)
class DemoLibrary:
    documents: int
    files: int
    drafts: int
    public: int
    office_only: int
    news: int
    attachments: int
    subscriptions: int
    indexed: int
    sample_document_ids: list[int] = field(default_factory=list)


@dataclass
class _Doc:
    document: Document
    text: textgen.DemoText
    subject_ids: list[int]
    grade_ids: list[int]
    tag_names: list[str]
    file_kind: str = FileKind.DOCX
    versions: int = 1


def _kinds() -> list[tuple[DocumentKind, str, int]]:
    """(kind, textgen key, weight); the starting list of migration 0003 is put back when missing (`imo demo
    --reset` flushes the table that migration filled)."""
    if not DocumentKind.objects.exists():
        starting = import_module("imo.library.migrations.0003_kinds").KINDS
        DocumentKind.objects.bulk_create(
            DocumentKind(name=name, is_act=is_act, order=order * 10)
            for order, (name, is_act) in enumerate(starting, start=1)
        )
    result = []
    for kind in DocumentKind.objects.filter(is_archived=False).order_by("order", "pk"):
        key, weight = _OTHER
        for prefix, prefix_key, prefix_weight in _KIND_BY_PREFIX:
            if fold(kind.name).startswith(prefix):
                key, weight = prefix_key, prefix_weight
        if kind.is_act:
            key = "act"
        result.append((kind, key, weight))
    return result


def _moment(rng: random.Random, today: dt.date, days_back: int) -> dt.datetime:
    day = today - dt.timedelta(days=rng.randint(0, days_back))
    return dt.datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(9, 17),
        rng.randint(0, 59),
        tzinfo=timezone.get_current_timezone(),
    )


def _grade_ids(rng: random.Random, grades: dict[int, int]) -> list[int]:
    if rng.random() < 0.3 or not grades:
        return []
    first = rng.choice((1, 5, 5, 7, 8, 9, 10))
    last = min(11, first + rng.choice((0, 1, 3, 4)))
    return [grades[n] for n in range(first, last + 1) if n in grades]


def _build(
    rng: random.Random,
    *,
    today: dt.date,
    count: int,
    offices: Sequence[Organization],
    office_weights: Sequence[float],
    kinds: list[tuple[DocumentKind, str, int]],
    subjects: dict[str, int],
    grades: dict[int, int],
    created_by: Sequence[int | None],
    drafts: int,
) -> list[_Doc]:
    """Documents in memory (no files yet), the newest first; acts of a municipality's office are issued
    by its education department, the region's by the ministry."""
    weights = [weight for _, _, weight in kinds]
    subject_names = [name for name in textgen.SUBJECTS if name in subjects]
    docs: list[_Doc] = []
    for index in range(count):
        kind, key, _ = rng.choices(kinds, weights)[0]
        office = rng.choices(offices, office_weights)[0]
        topic = rng.choice(textgen.TOPICS)
        subject = rng.choice(subject_names) if subject_names and rng.random() < 0.75 else None
        published = _moment(rng, today, 730 if index > 40 else 10)
        year = published.year if published.month >= 9 else published.year - 1
        text = textgen.document_text(rng, topic, kind=key, subject=subject, year=year)
        roll = rng.random()
        access = Access.PUBLIC if roll < 0.18 else Access.OFFICE if roll > 0.93 else Access.EDUCATORS
        is_draft = index < drafts
        document = Document(
            organization=office,
            title=text.title,
            kind=kind,
            annotation=text.annotation,
            access=access,
            is_published=not is_draft,
            published_at=None if is_draft else published,
            download_count=0 if is_draft else min(int(rng.paretovariate(1.3) * 3) - 3, 950),
            created_by_id=rng.choice(created_by) if created_by else None,
            search_title=fold(text.title),
        )
        if key == "act":
            is_region = office.kind == Organization.Kind.REGION
            document.issuer = rng.choice(REGION_ISSUERS if is_region else DISTRICT_ISSUERS)
            document.number = f"{rng.randint(12, 980)}{rng.choice(('', '-п', '-од', '/01-07'))}"
            document.issued_on = (published - dt.timedelta(days=rng.randint(1, 20))).date()
            document.act_status = ActStatus.IN_FORCE
        else:
            person = random_person(rng)
            document.authors = (
                f"{person.last_name} {person.first_name[:1]}. {person.patronymic[:1]}.".replace(" .", "")
            )
        tag_names = list(text.tags)
        docs.append(
            _Doc(
                document=document,
                text=text,
                subject_ids=[subjects[subject]] if subject else [],
                grade_ids=_grade_ids(rng, grades),
                tag_names=tag_names,
            )
        )
    return docs


def _lapse_acts(rng: random.Random, docs: list[_Doc]) -> list[tuple[_Doc, _Doc]]:
    """About a fifth of the published acts lapsed, each replaced by a newer act of the same office."""
    acts = [d for d in docs if d.document.act_status and d.document.is_published]
    acts.sort(key=lambda d: d.document.issued_on or dt.date.min)
    pairs: list[tuple[_Doc, _Doc]] = []
    for index, old in enumerate(acts[:-1]):
        if rng.random() < 0.22:
            newer = [
                d
                for d in acts[index + 1 :]
                if d.document.organization.pk == old.document.organization.pk
                and d.document.act_status == ActStatus.IN_FORCE
            ]
            if newer:
                old.document.act_status = ActStatus.LAPSED
                pairs.append((old, rng.choice(newer)))
    return pairs


def _tags(names: set[str]) -> dict[str, int]:
    """Tag ids by fold(name); the missing ones are created."""
    existing = dict(Tag.objects.values_list("search_name", "pk"))
    new = {fold(name): name for name in names if fold(name) not in existing}
    Tag.objects.bulk_create(
        [Tag(name=name, search_name=key) for key, name in sorted(new.items())], ignore_conflicts=True
    )
    return dict(Tag.objects.values_list("search_name", "pk"))


def _save_documents(docs: list[_Doc]) -> None:
    Document.objects.bulk_create([d.document for d in docs], batch_size=BATCH)
    tag_ids = _tags({name for d in docs for name in d.tag_names})
    Document.subjects.through.objects.bulk_create(
        [
            Document.subjects.through(document_id=d.document.pk, subject_id=s)
            for d in docs
            for s in d.subject_ids
        ],
        batch_size=BATCH * 5,
    )
    Document.grades.through.objects.bulk_create(
        [Document.grades.through(document_id=d.document.pk, grade_id=g) for d in docs for g in d.grade_ids],
        batch_size=BATCH * 5,
    )
    Document.tags.through.objects.bulk_create(
        [
            Document.tags.through(document_id=d.document.pk, tag_id=tag_ids[key])
            for d in docs
            for key in dict.fromkeys(fold(name) for name in d.tag_names)
        ],
        batch_size=BATCH * 5,
    )


def _store(rng: random.Random, folder: str, extension: str, content: bytes) -> str:
    """Save under a generated name (never a user's): `<folder>/<yyyy>/<mm>/<random hex>.<ext>`."""
    now = timezone.now()
    name = f"{folder}/{now:%Y}/{now:%m}/{rng.getrandbits(80):020x}.{extension}"
    return default_storage.save(name, ContentFile(content))


_MAKERS: dict[str, Callable[[str, Sequence[str]], bytes]] = {
    FileKind.DOCX: filegen.docx_bytes,
    FileKind.PDF: filegen.pdf_bytes,
    FileKind.ODT: filegen.odt_bytes,
    FileKind.PPTX: filegen.pptx_bytes,
}


def _file_name(title: str, extension: str) -> str:
    cleaned = "".join(ch for ch in title[:80] if ch.isalnum() or ch in " -_").strip()
    return f"{cleaned or 'document'}.{extension}"


def _district_files(rng: random.Random, docs: list[_Doc], today: dt.date) -> list[DocumentFile]:
    """A real file for every district document (older versions for some): the kinds spread over the
    list, the scan and the corrupt file at fixed places so the demo always shows both statuses."""
    order = list(range(len(docs)))
    rng.shuffle(order)
    kinds: dict[int, str] = {}
    plan: list[str] = (
        [FileKind.PDF.value] * PDF_FILES
        + [FileKind.ODT.value] * ODT_FILES
        + [FileKind.PPTX.value] * PPTX_FILES
    )
    for position, kind in zip(order, plan, strict=False):
        kinds[position] = kind
    scan = order[len(plan)] if len(order) > len(plan) else None
    corrupt = order[len(plan) + 1] if len(order) > len(plan) + 1 else None
    rows: list[DocumentFile] = []
    for index, doc in enumerate(docs):
        kind = kinds.get(index, FileKind.DOCX)
        if index == scan:
            kind = FileKind.PDF
        doc.file_kind = kind
        if kind == FileKind.PDF:
            # WeasyPrint lays out ~0.1–0.2 s a page: PDFs hold a one-page text so the district stays fast.
            doc.text = replace(doc.text, paragraphs=doc.text.paragraphs[:3])
        versions = rng.choice((2, 2, 3)) if rng.random() < 0.1 else 1
        uploaded = doc.document.published_at or _moment(rng, today, 30)
        for version in range(1, versions + 1):
            current = version == versions
            # Earlier versions lacked the last paragraphs: what the next upload added.
            paragraphs = doc.text.paragraphs[: len(doc.text.paragraphs) - (versions - version)]
            status, text, error = TextStatus.OK, "\n\n".join([doc.text.title, *paragraphs]), ""
            if index == scan and current:
                content = filegen.scan_pdf_bytes(pages=2)
                status, text = TextStatus.NO_TEXT, ""
            elif index == corrupt and current:
                content = filegen.docx_bytes(doc.text.title, paragraphs)[:700]  # cut short: a broken zip
                status, text, error = TextStatus.FAILED, "", "Файл повреждён: не удалось прочитать DOCX."
            elif kind == FileKind.PDF and not current:
                content = filegen.docx_bytes(doc.text.title, paragraphs)  # the draft was in Word
            else:
                content = _MAKERS[kind](doc.text.title, paragraphs)
            file_kind = kind if current or kind != FileKind.PDF else FileKind.DOCX
            when = uploaded - dt.timedelta(days=(versions - version) * rng.randint(3, 40))
            rows.append(
                DocumentFile(
                    document=doc.document,
                    version=version,
                    file=_store(rng, "library", file_kind, content),
                    original_name=_file_name(doc.text.title, file_kind),
                    kind=file_kind,
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    uploaded_by_id=doc.document.created_by_id,
                    uploaded_at=when,
                    comment="" if version == 1 else rng.choice(VERSION_COMMENTS),
                    is_current=current,
                    text=text,
                    text_status=status,
                    text_error=error,
                )
            )
    return rows


def _shared_files(rng: random.Random, docs: list[_Doc]) -> list[DocumentFile]:
    """Region scale: one version per document whose stored file is one of a few shared DOCX files, the
    document's own text in DocumentFile.text (what the search reads)."""
    shared: list[tuple[str, bytes]] = []
    for number in range(4):
        sample = textgen.document_text(rng, textgen.TOPICS[number])
        content = filegen.docx_bytes(sample.title, sample.paragraphs)
        shared.append((_store(rng, "library", FileKind.DOCX, content), content))
    digests = [hashlib.sha256(content).hexdigest() for _, content in shared]
    rows = []
    for index, doc in enumerate(docs):
        name, content = shared[index % len(shared)]
        rows.append(
            DocumentFile(
                document=doc.document,
                version=1,
                file=name,
                original_name=_file_name(doc.text.title, FileKind.DOCX),
                kind=FileKind.DOCX,
                size=len(content),
                sha256=digests[index % len(shared)],
                uploaded_by_id=doc.document.created_by_id,
                uploaded_at=doc.document.published_at or timezone.now(),
                is_current=True,
                text="\n\n".join([doc.text.title, *doc.text.paragraphs]),
                text_status=TextStatus.OK,
            )
        )
    return rows


# --- news ------------------------------------------------------------------------------------------

_AUDIENCES = (
    [Audience.PUBLIC] * 18
    + [Audience.EVERYONE] * 14
    + [Audience.SUBJECT_EDUCATORS] * 10
    + [Audience.SCHOOL_ADMINS] * 8
)


def _news(
    rng: random.Random,
    *,
    today: dt.date,
    municipality: Organization,
    region: Organization | None,
    authors: Sequence[int | None],
    subjects: dict[str, int],
) -> tuple[int, int]:
    from imo.library.news.sanitize import render_markdown

    audiences = list(_AUDIENCES)
    rng.shuffle(audiences)
    now = timezone.now()
    subject_ids = list(subjects.values())
    posts: list[tuple[NewsPost, list[int], textgen.DemoNewsText]] = []
    for index in range(NEWS):
        text = textgen.news_text(rng, year=today.year)
        audience = audiences[index % len(audiences)]
        if index < 3:
            publish_at = now - dt.timedelta(days=rng.randint(1, 20))
        elif index < 6:
            publish_at = now + dt.timedelta(days=rng.randint(2, 14))  # scheduled
        else:
            publish_at = now - dt.timedelta(days=rng.randint(0, 180), hours=rng.randint(0, 20))
        office = region if region is not None and rng.random() < 0.15 else municipality
        post = NewsPost(
            organization=office,
            kind=NewsKind.ANNOUNCEMENT if text.kind == "announcement" else NewsKind.NEWS,
            title=text.title,
            body=text.body,
            body_html=render_markdown(text.body),
            search_title=fold(text.title),
            audience=audience,
            publish_at=publish_at,
            is_draft=index in (6, 7),
            pinned=index < 3,
            author_id=rng.choice(authors) if authors else None,
        )
        chosen = rng.sample(subject_ids, min(len(subject_ids), rng.randint(1, 3)))
        posts.append((post, chosen if audience == Audience.SUBJECT_EDUCATORS else [], text))
    NewsPost.objects.bulk_create([post for post, _, _ in posts])
    NewsPost.subjects.through.objects.bulk_create(
        [NewsPost.subjects.through(newspost_id=post.pk, subject_id=s) for post, ids, _ in posts for s in ids]
    )
    attachments: list[NewsAttachment] = []
    for post, _, text in posts:
        if rng.random() < 0.2:
            paragraphs = [line.strip("-* ") for line in text.body.splitlines() if line.strip()]
            kind = FileKind.PDF if rng.random() < 0.3 else FileKind.DOCX
            content = _MAKERS[kind](text.title, paragraphs)
            attachments.append(
                NewsAttachment(
                    post=post,
                    file=_store(rng, "news", kind, content),
                    original_name=_file_name(text.title, kind),
                    kind=kind,
                    size=len(content),
                    uploaded_at=post.publish_at,
                )
            )
    NewsAttachment.objects.bulk_create(attachments)
    return len(posts), len(attachments)


def _subscriptions(
    rng: random.Random, *, municipality: Organization, today: dt.date, subjects: dict[str, int]
) -> int:
    """Some teachers (the first demo teacher always) and about half the school admins of the district."""
    users = list(
        Membership.objects.filter(
            role__in=(Role.TEACHER, Role.SCHOOL_ADMIN), organization__path__startswith=municipality.path
        )
        .exclude(user__digest__isnull=False)
        .order_by("pk")
        .values_list("user_id", "role", "user__username")
        .distinct()
    )
    seen: set[int] = set()
    rows: list[tuple[DigestSubscription, list[int]]] = []
    subject_ids = list(subjects.values())
    week_ago = timezone.now() - dt.timedelta(days=rng.randint(3, 7))
    for user_id, role, username in users:
        if user_id in seen:
            continue
        seen.add(user_id)
        share = 0.5 if role == Role.SCHOOL_ADMIN else 0.3
        if username != "teacher1" and rng.random() >= share:
            continue
        chosen = (
            [] if rng.random() < 0.3 else rng.sample(subject_ids, min(len(subject_ids), rng.randint(1, 2)))
        )
        subscription = DigestSubscription(
            user_id=user_id,
            is_active=rng.random() < 0.92,
            last_sent_at=week_ago if rng.random() < 0.6 else None,
        )
        rows.append((subscription, chosen))
    DigestSubscription.objects.bulk_create([s for s, _ in rows])
    through = DigestSubscription.subjects.through
    through.objects.bulk_create(
        [through(digestsubscription_id=s.pk, subject_id=subject) for s, ids in rows for subject in ids]
    )
    return len(rows)


# --- the whole data set ----------------------------------------------------------------------------


def _office_users(municipality: Organization) -> tuple[list[int | None], list[int | None]]:
    """(document authors: the methodists and the head; news authors: the head and the secretary)."""
    staff = list(
        Membership.objects.filter(
            organization=municipality, role__in=(Role.HEAD, Role.METHODIST, Role.SECRETARY)
        )
        .order_by("pk")
        .values_list("user_id", "role")
    )
    documents: list[int | None] = [pk for pk, role in staff if role in (Role.HEAD, Role.METHODIST)]
    news: list[int | None] = [pk for pk, role in staff if role in (Role.HEAD, Role.SECRETARY)]
    return documents or [None], news or [None]


def seed(*, rng: random.Random, today: dt.date, scale: str = "district") -> DemoLibrary:
    """The library of the demo district (and, at region scale, of the other municipalities up to 20,000
    documents). Run after the organisations and users seeds; adds to what is there."""
    from imo.library.search.index import rebuild_all

    municipality = Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY).order_by("pk").first()
    if municipality is None:
        return DemoLibrary(0, 0, 0, 0, 0, 0, 0, 0, 0)
    region = Organization.objects.filter(kind=Organization.Kind.REGION).order_by("pk").first()
    kinds = _kinds()
    subjects = dict(Subject.objects.filter(is_archived=False).values_list("name", "pk"))
    grades = dict(Grade.objects.filter(is_archived=False).values_list("number", "pk"))
    doc_authors, news_authors = _office_users(municipality)

    offices = [municipality] + ([region] if region else [])
    district = _build(
        rng,
        today=today,
        count=DISTRICT_DOCUMENTS,
        offices=offices,
        office_weights=[1 - REGION_OFFICE_SHARE, REGION_OFFICE_SHARE][: len(offices)],
        kinds=kinds,
        subjects=subjects,
        grades=grades,
        created_by=doc_authors,
        drafts=DRAFTS,
    )
    pairs = _lapse_acts(rng, district)
    _save_documents(district)
    for old, new in pairs:
        old.document.replaced_by = new.document
    Document.objects.bulk_update([old.document for old, _ in pairs], ["replaced_by"])
    files = _district_files(rng, district, today)
    DocumentFile.objects.bulk_create(files, batch_size=BATCH)
    documents, file_count = len(district), len(files)
    drafts = sum(1 for d in district if not d.document.is_published)
    public = sum(1 for d in district if d.document.access == Access.PUBLIC)
    office_only = sum(1 for d in district if d.document.access == Access.OFFICE)

    if scale == "region":
        others = list(
            Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY)
            .exclude(pk=municipality.pk)
            .order_by("pk")
        )
        rest = REGION_DOCUMENTS - DISTRICT_DOCUMENTS
        if rest > 0 and (others or region):
            far = others + ([region] if region else [])
            weights = [1.0] * len(others) + ([0.5 * len(others) or 1.0] if region else [])
            region_docs = _build(
                rng,
                today=today,
                count=rest,
                offices=far,
                office_weights=weights,
                kinds=kinds,
                subjects=subjects,
                grades=grades,
                created_by=[None],
                drafts=0,
            )
            _save_documents(region_docs)
            region_files = _shared_files(rng, region_docs)
            DocumentFile.objects.bulk_create(region_files, batch_size=BATCH)
            documents += len(region_docs)
            file_count += len(region_files)

    news, attachments = _news(
        rng, today=today, municipality=municipality, region=region, authors=news_authors, subjects=subjects
    )
    subscriptions = _subscriptions(rng, municipality=municipality, today=today, subjects=subjects)
    indexed = rebuild_all()
    return DemoLibrary(
        documents=documents,
        files=file_count,
        drafts=drafts,
        public=public,
        office_only=office_only,
        news=news,
        attachments=attachments,
        subscriptions=subscriptions,
        indexed=indexed,
        sample_document_ids=[d.document.pk for d in district[:10]],
    )
