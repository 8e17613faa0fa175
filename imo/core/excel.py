"""Excel (.xlsx) export shared by every list: Russian headers, real dates, set widths, frozen header,
autofilter. Written with xlsxwriter in constant-memory mode so large lists stream row by row."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.http import HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportColumn:
    header: str
    value: Callable[[Any], Any]
    width: int = 20


def write_xlsx(columns: Sequence[ExportColumn], rows: Iterable[Any], *, sheet_name: str = "Лист1") -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet(sheet_name[:31])
    header_format = workbook.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E9ECEF"}
    )
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    datetime_format = workbook.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, column.header, header_format)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, column in enumerate(columns):
            value = column.value(row)
            if value is None or value == "":
                continue
            if isinstance(value, dt.datetime):
                sheet.write_datetime(count, index, value.replace(tzinfo=None), datetime_format)
            elif isinstance(value, dt.date):
                sheet.write_datetime(count, index, dt.datetime.combine(value, dt.time()), date_format)
            elif isinstance(value, bool):
                sheet.write_string(count, index, "да" if value else "нет")
            elif isinstance(value, int | float):
                sheet.write_number(count, index, value)
            else:
                sheet.write_string(count, index, str(value))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    workbook.close()
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    # RFC 6266: an ASCII fallback plus the UTF-8 Russian name.
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
