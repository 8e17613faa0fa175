"""Helpers of the course-record tests: catalogue rows, valid form data, small scan files."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from imo.training.models import CourseKind, Programme, Provider, ProviderKind

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def pdf_file(name: str = "scan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png_file(name: str = "scan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def make_provider(
    kind: str = ProviderKind.STATE, name: str = "ГАУ ДПО «Институт развития образования ЧР»"
) -> Provider:
    return Provider.objects.create(name=name, kind=kind)


def make_programme(provider: Provider, *, hours: int = 72, kind: str = CourseKind.REFRESHER) -> Programme:
    return Programme.objects.create(
        title="Реализация обновлённых ФГОС", provider=provider, hours=hours, kind=kind
    )


def course_data(**changes: Any) -> dict[str, Any]:
    """Valid data of a typed course (no catalogue), as the form's cleaned data."""
    data: dict[str, Any] = {
        "programme": None,
        "title": "Формирование функциональной грамотности",
        "kind": CourseKind.REFRESHER,
        "hours": 36,
        "provider": None,
        "provider_name": "ГБУ ДПО «ИРО ЧР»",
        "provider_kind": ProviderKind.STATE,
        "starts_on": dt.date(2024, 3, 1),
        "ends_on": dt.date(2024, 3, 15),
        "form": "",
        "document_kind": "",
        "document_number": "",
        "registration_number": "",
        "issued_on": None,
        "funding": "",
    }
    data.update(changes)
    return data
