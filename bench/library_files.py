"""Text extraction and indexing of uploaded library files (issue #8; bench name
`library.index_files_per_s`).

`index_files(db)` is called in bench/run.py's child with Django set up, like bench/throughput.py's.
Set-up (not timed): 1,000 files of Russian methodical text (imo.library.textgen), 70 % DOCX and 30 % PDF
(imo.library.filegen; a PDF costs WeasyPrint ~0.08 s, so 60 distinct PDFs and 200 distinct DOCX are
generated and each of the 1,000 documents stores its own copy under a generated name, as uploads are),
written to the storage; 1,000 documents with one PENDING file each, inside a transaction rolled back.

Timed: `files_extract_pending()` — what the extraction job and the chore run: read each file from the
storage, extract its text, save it, and index the documents (batches of 50). The value is files per
second. No target (the issue gives none); `extra` splits the time: the bare extraction of the same bytes
in memory (no database, no storage) and the rest (reading the storage, saving, indexing).
"""

from __future__ import annotations

import io
import random
import time
import uuid

from bench.throughput import Measured, _rolled_back

FILES = 1_000
PDF_SHARE = 0.3
DISTINCT_PDF = 60
DISTINCT_DOCX = 200


def _contents(rng: random.Random) -> list[tuple[str, str, bytes]]:
    """(kind, title, bytes) of FILES files: a realistic DOCX/PDF mix of readable Russian text."""
    from imo.library import filegen, textgen

    def text(index: int) -> textgen.DemoText:
        topic = textgen.TOPICS[index % len(textgen.TOPICS)]
        return textgen.document_text(rng, topic, paragraphs=(4, 8))

    pdfs = []
    for index in range(DISTINCT_PDF):
        demo = text(index)
        pdfs.append((demo.title, filegen.pdf_bytes(demo.title, demo.paragraphs)))
    docxs = []
    for index in range(DISTINCT_DOCX):
        demo = text(index)
        docxs.append((demo.title, filegen.docx_bytes(demo.title, demo.paragraphs)))
    contents = []
    for number in range(FILES):
        if rng.random() < PDF_SHARE:
            title, data = pdfs[number % DISTINCT_PDF]
            contents.append(("pdf", title, data))
        else:
            title, data = docxs[number % DISTINCT_DOCX]
            contents.append(("docx", title, data))
    return contents


def _store(contents: list[tuple[str, str, bytes]]) -> list[str]:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    return [
        default_storage.save(f"library/bench/{uuid.uuid4().hex}.{kind}", ContentFile(data))
        for kind, _, data in contents
    ]


def _documents(contents: list[tuple[str, str, bytes]], names: list[str]) -> None:
    import hashlib

    from imo.library.models import Access, Document, DocumentFile, DocumentKind, TextStatus
    from imo.orgs.models import Organization

    municipality = Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY).order_by("pk").first()
    kind = DocumentKind.objects.order_by("order", "pk").first()
    if municipality is None or kind is None:
        raise RuntimeError("no municipality or document kind in the data set")
    documents = Document.objects.bulk_create(
        Document(
            organization=municipality,
            title=f"{title} (бенчмарк {number})",
            kind=kind,
            access=Access.EDUCATORS,
            is_published=True,
        )
        for number, (_, title, _) in enumerate(contents)
    )
    DocumentFile.objects.bulk_create(
        DocumentFile(
            document=document,
            version=1,
            file=name,
            original_name=f"Документ {number}.{file_kind}",
            kind=file_kind,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            text_status=TextStatus.PENDING,
        )
        for number, (document, name, (file_kind, _, data)) in enumerate(
            zip(documents, names, contents, strict=True)
        )
    )


def index_files(db: str) -> Measured:
    from django.core.files.storage import default_storage

    from imo.library.files.extraction import extract_text
    from imo.library.files.services import files_extract_pending
    from imo.library.models import DocumentFile, TextStatus

    rng = random.Random(8)
    contents = _contents(rng)
    names = _store(contents)
    seconds = 0.0
    statuses: dict[str, int] = {}
    try:
        with _rolled_back():
            # Files other runs left PENDING would be extracted too and skew the count.
            DocumentFile.objects.filter(text_status=TextStatus.PENDING).update(text_status=TextStatus.FAILED)
            _documents(contents, names)
            started = time.perf_counter()
            done = files_extract_pending()
            seconds = time.perf_counter() - started
            if done != FILES:
                raise RuntimeError(f"extracted {done} files, expected {FILES}")
            for status in DocumentFile.objects.filter(file__in=names).values_list("text_status", flat=True):
                statuses[status] = statuses.get(status, 0) + 1
            if statuses.get(TextStatus.OK, 0) != FILES:
                raise RuntimeError(f"not every file gave its text: {statuses}")
    finally:
        for name in names:
            default_storage.delete(name)
    started = time.perf_counter()
    for kind, _, data in contents:
        extract_text(io.BytesIO(data), kind)
    bare = time.perf_counter() - started
    pdf = sum(1 for kind, _, _ in contents if kind == "pdf")
    return Measured(
        value=FILES / seconds,
        extra={
            "files": FILES,
            "pdf": pdf,
            "docx": FILES - pdf,
            "seconds": round(seconds, 2),
            "extract_only_seconds": round(bare, 2),
            "storage_save_index_seconds": round(seconds - bare, 2),
        },
    )
