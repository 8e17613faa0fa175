"""Uploaded documents checked by their content, never by their name: PDF, DOCX, JPEG, PNG, up to a size.

Used by every form or service that accepts a scan or a document (mentoring reports, attestation portfolios).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_KINDS = frozenset({"pdf", "docx", "jpeg", "png"})
MSG_WRONG_TYPE = "Приложите документ PDF или DOCX либо изображение JPEG или PNG."
MSG_EMPTY = "Файл пустой."


def too_large_message(max_bytes: int = MAX_BYTES) -> str:
    return f"Файл больше {max_bytes // (1024 * 1024)} МБ."


def document_kind(file: Any) -> str | None:
    """What the file is by its content: "pdf", "docx", "jpeg", "png" — or None. Leaves the file at its
    start."""
    file.seek(0)
    head = file.read(8)
    try:
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head.startswith(b"\xff\xd8\xff"):
            return "jpeg"
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if head.startswith(b"PK\x03\x04"):
            file.seek(0)
            try:
                with zipfile.ZipFile(file) as archive:
                    if "word/document.xml" in archive.namelist():
                        return "docx"
            except (zipfile.BadZipFile, OSError, EOFError):
                return None
        return None
    finally:
        file.seek(0)


def check_document(file: Any, *, max_bytes: int = MAX_BYTES, kinds: Iterable[str] = DOCUMENT_KINDS) -> str:
    """The file's kind if it is one of `kinds` and not larger than `max_bytes`; else a ValidationError
    with a Russian message."""
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(too_large_message(max_bytes), code="too_large")
    if size == 0:
        raise ValidationError(MSG_EMPTY, code="empty")
    kind = document_kind(file)
    if kind is None or kind not in set(kinds):
        raise ValidationError(MSG_WRONG_TYPE, code="wrong_type")
    return kind
