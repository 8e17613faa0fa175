"""Demo library (imo.library.demo) on the demo district built by the real seeds; the text and file
generators it uses (imo.library.textgen, imo.library.filegen)."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from collections import Counter

import pytest
from django.core.files.storage import default_storage

from imo.library import demo, filegen, textgen
from imo.library.models import (
    Access,
    ActStatus,
    Audience,
    DigestSubscription,
    Document,
    DocumentFile,
    FileKind,
    NewsAttachment,
    NewsPost,
    TextStatus,
)
from imo.library.search.query import search_page
from imo.orgs import demo as orgs_demo
from imo.reference import demo as reference_demo

TODAY = dt.date(2026, 11, 25)
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@pytest.fixture
def seeded(db):
    rng = random.Random(11)
    reference_demo.seed(today=TODAY)
    orgs = orgs_demo.seed_organizations(rng=rng, scale="district")
    orgs_demo.seed_users(rng=rng, orgs=orgs)
    return demo.seed(rng=rng, today=TODAY, scale="district"), orgs


# --- generators ------------------------------------------------------------------------------------


def test_texts_are_deterministic_russian_and_sized():
    first = [textgen.document_text(random.Random(5), key) for key in textgen.TOPIC_KEYS]
    again = [textgen.document_text(random.Random(5), key) for key in textgen.TOPIC_KEYS]
    assert first == again
    rng = random.Random(7)
    for key in textgen.KIND_KEYS:
        text = textgen.document_text(rng, rng.choice(textgen.TOPICS), kind=key)
        body = "\n".join(text.paragraphs)
        assert 1500 < len(body.encode()) < 8000
        assert "{" not in body + text.title + text.annotation
        assert text.title[0].isupper() and CYRILLIC.search(text.title)
        assert len(CYRILLIC.findall(body)) > len(body) / 2
        assert text.tags
    news = textgen.news_text(random.Random(3))
    assert news.kind in {"news", "announcement"} and "- " in news.body and "{" not in news.body


def test_files_hold_the_text():
    import docx
    import pypdfium2

    title, paragraphs = (
        "Подготовка к олимпиадам",
        ["Учителя математики обсудили задания «олимпиады» & итоги."],
    )
    assert filegen.docx_bytes(title, paragraphs) == filegen.docx_bytes(title, paragraphs)
    document = docx.Document(io.BytesIO(filegen.docx_bytes(title, paragraphs)))
    assert [p.text for p in document.paragraphs] == [title, *paragraphs]

    odt = zipfile.ZipFile(io.BytesIO(filegen.odt_bytes(title, paragraphs)))
    assert odt.namelist()[0] == "mimetype" and odt.infolist()[0].compress_type == zipfile.ZIP_STORED
    assert odt.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    assert "олимпиады" in odt.read("content.xml").decode()

    pptx = zipfile.ZipFile(io.BytesIO(filegen.pptx_bytes(title, paragraphs * 4)))
    slides = [name for name in pptx.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", name)]
    assert len(slides) == 2 and "Учителя математики" in pptx.read(slides[0]).decode()

    pdf = pypdfium2.PdfDocument(filegen.pdf_bytes(title, paragraphs))
    assert "обсудили" in pdf[0].get_textpage().get_text_range()
    pdf.close()
    scan = pypdfium2.PdfDocument(filegen.scan_pdf_bytes(pages=2))
    assert len(scan) == 2 and scan[0].get_textpage().get_text_range().strip() == ""
    scan.close()


# --- the seed --------------------------------------------------------------------------------------


def _documents_of_every_kind_with_files(seeded):
    result, orgs = seeded
    documents = list(Document.objects.select_related("kind"))
    assert result.documents == len(documents) == demo.DISTRICT_DOCUMENTS
    assert len({d.kind_id for d in documents}) == 7
    assert Counter(d.is_published for d in documents)[False] == demo.DRAFTS == result.drafts
    access = Counter(d.access for d in documents)
    assert access[Access.EDUCATORS] > access[Access.PUBLIC] > access[Access.OFFICE] > 0
    acts = [d for d in documents if d.kind.is_act]
    assert acts and all(d.issuer and d.number and d.issued_on for d in acts)
    lapsed = [d for d in acts if d.act_status == ActStatus.LAPSED]
    assert lapsed and all(d.replaced_by_id for d in lapsed)
    assert {d.organization_id for d in documents} <= {orgs.municipality.pk, orgs.region.pk}
    assert Document.subjects.through.objects.count() > 100
    assert Document.tags.through.objects.count() >= len(documents)
    assert all(d.search_title == d.title.casefold().replace("ё", "е") for d in documents)


def _files_are_stored_readable_and_versioned(seeded):
    result, _ = seeded
    files = list(DocumentFile.objects.all())
    assert result.files == len(files) > demo.DISTRICT_DOCUMENTS
    current = [f for f in files if f.is_current]
    assert len(current) == demo.DISTRICT_DOCUMENTS
    kinds = Counter(f.kind for f in current)
    assert kinds[FileKind.PDF] == demo.PDF_FILES + 1  # and the scan
    assert kinds[FileKind.ODT] == demo.ODT_FILES and kinds[FileKind.PPTX] == demo.PPTX_FILES
    statuses = Counter(f.text_status for f in current)
    assert statuses[TextStatus.NO_TEXT] == 1 and statuses[TextStatus.FAILED] == 1
    assert Counter(f.version for f in files)[2] >= 10
    for item in current[:40]:
        with default_storage.open(item.file.name, "rb") as stored:
            head = stored.read()
        assert len(head) == item.size
        assert head.startswith(b"%PDF" if item.kind == FileKind.PDF else b"PK")
        assert item.original_name.endswith(f".{item.kind}") and item.file.name != item.original_name
    texts = [f.text for f in current if f.text_status == TextStatus.OK]
    assert all(len(CYRILLIC.findall(text)) > 300 for text in texts)


def _news_and_subscriptions(seeded):
    result, _ = seeded
    posts = list(NewsPost.objects.all())
    assert result.news == len(posts) == demo.NEWS
    assert sum(p.pinned for p in posts) == 3
    assert {p.audience for p in posts} == set(Audience.values)
    assert all(p.body_html.startswith("<") and "<script" not in p.body_html for p in posts)
    subject_posts = [p for p in posts if p.audience == Audience.SUBJECT_EDUCATORS]
    assert all(p.subjects.exists() for p in subject_posts)
    assert NewsAttachment.objects.count() == result.attachments > 0
    assert DigestSubscription.objects.filter(user__username="teacher1").exists()
    assert DigestSubscription.objects.count() == result.subscriptions > 3


def _search_finds_a_demo_document_by_a_word_form(seeded):
    result, _ = seeded
    assert result.indexed == demo.DISTRICT_DOCUMENTS
    documents = Document.objects.all()
    # Titles say «олимпиадам» / «олимпиады»; the query's singular finds them.
    page = search_page(documents=documents, text="олимпиада", per_page=50)
    assert page.total > 0
    assert any("олимпиад" in hit.document.title.lower() for hit in page.hits)
    # «учителей» in the text → the query «учитель».
    page = search_page(documents=documents, text="Учитель математики")
    assert page.total > 0 and "<mark>" in page.hits[0].snippet


def test_district_seed(seeded):
    """One seed (it takes seconds), every check against it."""
    _documents_of_every_kind_with_files(seeded)
    _files_are_stored_readable_and_versioned(seeded)
    _news_and_subscriptions(seeded)
    _search_finds_a_demo_document_by_a_word_form(seeded)


def test_same_seed_same_data(db):
    def titles(seed: int) -> list[str]:
        rng = random.Random(seed)
        return [textgen.document_text(rng, textgen.TOPICS[n % 5]).title for n in range(20)]

    assert titles(3) == titles(3) != titles(4)
