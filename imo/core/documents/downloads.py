"""File downloads as attachments with a safe name: an ASCII fallback and the Russian name (RFC 6266)."""

from __future__ import annotations

import re
from typing import BinaryIO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

_LATIN = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"
_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN.split(), strict=True))


def ascii_file_name(name: str) -> str:
    """«Справка № 3-2026.docx» → "Spravka 3-2026.docx": for clients that ignore filename*."""
    letters = []
    for char in name:
        lower = char.lower()
        if lower in _TRANSLIT:
            latin = _TRANSLIT[lower].replace("-", "")
            letters.append(latin.capitalize() if char != lower else latin)
        else:
            letters.append(char)
    text = re.sub(r"[^A-Za-z0-9._ -]+", "", "".join(letters))
    return re.sub(r"\s+", " ", text).strip() or "document"


def content_disposition(name: str) -> str:
    return f"attachment; filename=\"{ascii_file_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def attachment(content: bytes, *, file_name: str, content_type: str) -> HttpResponse:
    """A download (never shown inline), not cached by shared caches: documents may hold personal data.
    Documents and templates are small (a few MB at most), so they are sent from memory."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(file_name)
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file_attachment(handle: BinaryIO, *, file_name: str, content_type: str) -> FileResponse:
    """A stored file streamed as a download (never inline), its type not sniffed, not kept by shared
    caches: the library's, news attachments' and survey answers' files may be restricted."""
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
