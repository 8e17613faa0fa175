"""What an uploaded file of the library is, judged by its content and never by its name or the browser's
content type: a renamed program or web page must not reach the bank as «Положение.pdf».

Accepted: PDF, DOCX, ODT (text document), XLSX, PPTX, JPEG, PNG. The zip-based formats are told apart by
their members: OOXML by the main part ([Content_Types].xml and word/document.xml, xl/workbook.xml or
ppt/presentation.xml), ODF by its `mimetype` entry.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from imo.core.uploads import too_large_message
from imo.library.models import FileKind

ALLOWED_KINDS: tuple[str, ...] = tuple(str(value) for value in FileKind.values)
EXTENSIONS: dict[str, str] = {
    "pdf": "pdf",
    "docx": "docx",
    "odt": "odt",
    "xlsx": "xlsx",
    "pptx": "pptx",
    "jpeg": "jpg",
    "png": "png",
}
CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
_OOXML_MAIN_PARTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

MSG_EMPTY = "Файл пустой."
MSG_EXECUTABLE = "Это исполняемая программа, а не документ. Такие файлы загружать нельзя."
MSG_SCRIPT = "Это сценарий (скрипт), а не документ. Такие файлы загружать нельзя."
MSG_MARKUP = (
    "Это веб-страница (HTML), рисунок SVG или скрипт, а не документ, хотя имя файла может говорить иное. "
    "Такие файлы загружать нельзя."
)
MSG_UNSUPPORTED = "Этот тип файла не принимается. Можно загрузить: PDF, DOCX, ODT, XLSX, PPTX, JPEG или PNG."

# Programs: Windows (MZ), Linux (ELF), macOS (Mach-O, both byte orders and the universal binary).
_EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
# Markup a browser would run if the file were ever shown inline (looked for in the first kilobyte).
_MARKUP_MARKERS = (b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml", b"<head", b"<body", b"<iframe")
_SNIFF_BYTES = 1024


def _head(file: Any, count: int) -> bytes:
    file.seek(0)
    try:
        return bytes(file.read(count))
    finally:
        file.seek(0)


def _zip_kind(file: Any) -> str | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                if archive.read("mimetype").strip() == _ODT_MIMETYPE:
                    return "odt"
                return None
            if "[Content_Types].xml" not in names:
                return None
            for part, kind in _OOXML_MAIN_PARTS.items():
                if part in names:
                    return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError):
        return None
    return None


def file_kind(file: Any) -> str | None:
    """The kind (a FileKind value) of the file by its content, or None. Leaves the file at its start."""
    head = _head(file, 8)
    try:
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head.startswith(b"\xff\xd8\xff"):
            return "jpeg"
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if head.startswith(b"PK\x03\x04"):
            return _zip_kind(file)
        return None
    finally:
        file.seek(0)


def _danger_message(file: Any) -> str:
    """A specific message when the content is a program, a script or markup; else ""."""
    head = _head(file, _SNIFF_BYTES)
    if head.startswith(_EXECUTABLE_MAGIC):
        return MSG_EXECUTABLE
    if head.startswith(b"#!"):
        return MSG_SCRIPT
    # A UTF-8/UTF-16 byte order mark and leading blanks do not hide a web page.
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").replace(b"\x00", b"").lower()
    if text.startswith(b"<") and any(marker in text for marker in _MARKUP_MARKERS):
        return MSG_MARKUP
    return ""


def file_size(file: Any) -> int:
    """The size in bytes: the upload's own `size`, else measured by seeking (the file is left at 0)."""
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    file.seek(0, 2)
    try:
        return int(file.tell())
    finally:
        file.seek(0)


def check_upload(file: Any, *, max_bytes: int, kinds: Iterable[str] | None = None) -> str:
    """The kind of an uploaded file that may go to the library (or a news attachment); else a
    ValidationError with a Russian message saying what is wrong. `kinds` narrows the allowed kinds."""
    size = file_size(file)
    if size == 0:
        raise ValidationError(MSG_EMPTY, code="empty")
    if size > max_bytes:
        raise ValidationError(too_large_message(max_bytes), code="too_large")
    danger = _danger_message(file)
    if danger:
        raise ValidationError(danger, code="dangerous")
    kind = file_kind(file)
    allowed = set(ALLOWED_KINDS if kinds is None else kinds)
    if kind is None or kind not in allowed:
        raise ValidationError(MSG_UNSUPPORTED, code="wrong_type")
    return kind
