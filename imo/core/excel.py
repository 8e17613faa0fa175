"""Excel (.xlsx) export shared by every list: Russian headers, real dates, set widths, frozen header,
autofilter (written by imo.core.xlsx, streaming row by row)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse

from imo.core.xlsx import SheetWriter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportColumn:
    header: str
    value: Callable[[Any], Any]
    width: int = 20


def write_xlsx(columns: Sequence[ExportColumn], rows: Iterable[Any], *, sheet_name: str = "Лист1") -> bytes:
    """Write `rows` (any iterable: pass a queryset's .iterator() to keep memory flat) as one sheet."""
    writer = SheetWriter([c.header for c in columns], [c.width for c in columns], sheet_name)
    getters = [column.value for column in columns]
    for row in rows:
        writer.add_row([getter(row) for getter in getters])
    return writer.close()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    # RFC 6266: an ASCII fallback plus the UTF-8 Russian name.
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
