"""Versions of a document's file: upload (checked by content, stored under a generated name), text
extraction for the search (in the background), and the download response.

Extraction is a job: `file_version_add` queues it when its transaction commits, the job extracts the
text and updates the search index. Files left PENDING (the worker stopped mid-way, the queue was lost)
are picked up by the chore of setup.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse
from django.utils import timezone

from imo.core.documents.downloads import stored_file_attachment
from imo.core.jobs.services import JobContext, JobOutcome, job_start
from imo.library.files.detect import CONTENT_TYPES, EXTENSIONS, check_upload, file_size
from imo.library.files.extraction import Extracted, extract_text
from imo.library.models import Document, DocumentFile, LibrarySettings, TextStatus

logger = logging.getLogger("imo.library")

MB = 1024 * 1024
# Files extracted per round of `files_extract`: their texts (up to 1M characters each, usually ~10 KB)
# are held together, and their documents are indexed in one call per round.
BATCH = 50
_NAME_LENGTH = DocumentFile._meta.get_field("original_name").max_length or 255
_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
# Images carry no text to search: they are NOT_APPLICABLE at once, without a job.
_EXTRACTABLE = frozenset({"pdf", "docx", "odt", "pptx", "xlsx"})


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def clean_file_name(name: str, *, default: str = "файл") -> str:
    """The uploaded name as shown to people: no folders, no control or reserved characters, at most
    255 characters with the extension kept."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE_NAME_CHARS.sub(" ", base)
    base = re.sub(r"\s+", " ", base).strip(" .") or default
    if len(base) > _NAME_LENGTH:
        stem, dot, extension = base.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            base = f"{stem[: _NAME_LENGTH - len(extension) - 1].rstrip()}.{extension}"
        else:
            base = base[:_NAME_LENGTH]
    return base


def _digest(upload: Any) -> str:
    sha = hashlib.sha256()
    upload.seek(0)
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(MB), b"")
    for chunk in chunks:
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


@transaction.atomic
def file_version_add(*, document: Document, upload: Any, by: Any, comment: str = "") -> DocumentFile:
    """A new current version of the document's file from an upload (raises ValidationError with a Russian
    message when the file may not be stored). The text is extracted in the background."""
    max_bytes = LibrarySettings.current().max_file_mb * MB
    kind = check_upload(upload, max_bytes=max_bytes)
    # The document row is locked so two uploads at once cannot both take the same version number.
    Document.objects.select_for_update().filter(pk=document.pk).values_list("pk").first()
    previous = DocumentFile.objects.filter(document=document).aggregate(last=Max("version"))["last"] or 0
    DocumentFile.objects.filter(document=document, is_current=True).update(is_current=False)
    version = DocumentFile(
        document=document,
        version=previous + 1,
        original_name=clean_file_name(getattr(upload, "name", "") or ""),
        kind=kind,
        size=file_size(upload),
        sha256=_digest(upload),
        uploaded_by=_user(by),
        comment=(comment or "").strip()[:300],
        is_current=True,
        text_status=TextStatus.NOT_APPLICABLE if kind not in _EXTRACTABLE else TextStatus.PENDING,
    )
    content = upload if isinstance(upload, File) else File(upload)
    version.file.save(f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}", content, save=False)
    try:
        version.save()
    except Exception:
        version.file.storage.delete(version.file.name)
        raise
    if version.text_status == TextStatus.PENDING:
        transaction.on_commit(lambda: _queue_extraction(version, by))
    else:
        # The previous version's text must leave the index now; there is no extraction to do it.
        transaction.on_commit(lambda: _index([document.pk]))
    return version


def _queue_extraction(version: DocumentFile, by: Any) -> None:
    if _user(by) is None:
        # A job belongs to a user; an upload by the system itself (a script, the demo) is extracted here.
        files_extract([version.pk])
        return
    job_start(
        kind="library.extract",
        title=f"Извлечение текста: {version.document.title}"[:200],
        function=extract_job,
        params={"file_ids": [version.pk]},
        by=by,
        organization_id=version.document.organization_id,
    )


def extract_job(job: JobContext, *, file_ids: list[int]) -> JobOutcome:
    """The background job queued by `file_version_add`."""
    done = files_extract(file_ids)
    return JobOutcome(f"Текст извлечён из файлов: {done}.")


def _index(document_ids: list[int]) -> None:
    from imo.library.search.index import index_documents

    index_documents(document_ids)


def _extract_one(document_file: DocumentFile) -> Extracted:
    try:
        with document_file.file.storage.open(document_file.file.name, "rb") as handle:
            return extract_text(handle, document_file.kind)
    except FileNotFoundError:
        return Extracted(TextStatus.FAILED, "", "Файл не найден в хранилище.")
    except OSError:
        logger.exception("Library file %s could not be read", document_file.pk)
        return Extracted(TextStatus.FAILED, "", "Файл не удалось прочитать из хранилища.")


def files_extract(file_ids: Iterable[int]) -> int:
    """Extract (again) the text of these files, save it and index the documents whose current file
    changed; `BATCH` files per round, one index call per round. Returns how many were extracted."""
    ids = list(dict.fromkeys(file_ids))
    done = 0
    for start in range(0, len(ids), BATCH):
        files = list(
            DocumentFile.objects.filter(pk__in=ids[start : start + BATCH]).only(
                "pk", "document_id", "file", "kind", "is_current"
            )
        )
        for document_file in files:
            extracted = _extract_one(document_file)
            document_file.text = extracted.text
            document_file.text_status = extracted.status
            document_file.text_error = extracted.error[:300]
        DocumentFile.objects.bulk_update(files, ["text", "text_status", "text_error"])
        current = {document_file.document_id for document_file in files if document_file.is_current}
        if current:
            _index(sorted(current))
        done += len(files)
    return done


def file_extract(*, file_id: int) -> None:
    """Extract the text of one file, save it, and index its document when the file is current."""
    files_extract([file_id])


def files_extract_pending(*, limit: int | None = None, older_than: dt.timedelta | None = None) -> int:
    """Extract every PENDING file (at most `limit`), oldest first, in batches; `older_than` leaves alone
    files uploaded more recently (their own job is about to run). Returns how many were extracted."""
    pending = DocumentFile.objects.filter(text_status=TextStatus.PENDING)
    if older_than is not None:
        pending = pending.filter(uploaded_at__lt=timezone.now() - older_than)
    done = 0
    last_pk = 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        ids = list(pending.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            break
        done += files_extract(ids)
        last_pk = ids[-1]
    return done


def extract_pending_chore() -> int:
    """The chore: files still PENDING ten minutes after upload lost their job (e.g. a crash)."""
    return files_extract_pending(older_than=dt.timedelta(minutes=10))


def download_name(document_file: DocumentFile) -> str:
    """«Положение о конкурсе (версия 2).docx»: the document's title, not the uploaded name."""
    title = _UNSAFE_NAME_CHARS.sub(" ", document_file.document.title)
    title = re.sub(r"\s+", " ", title).strip(" .")[:150].rstrip() or "Документ"
    return f"{title} (версия {document_file.version}).{EXTENSIONS.get(document_file.kind, 'bin')}"


def file_response(document_file: DocumentFile) -> FileResponse:
    """The file as a download (never shown inline), streamed from the storage, not kept by shared
    caches (office-only documents must not leak through a proxy)."""
    return stored_file_attachment(
        document_file.file.storage.open(document_file.file.name, "rb"),
        file_name=download_name(document_file),
        content_type=CONTENT_TYPES.get(document_file.kind, "application/octet-stream"),
    )
