"""Files for import tests, made in the test: good tables in every format and every kind of bad input.

Nothing here is checked in as a binary: .xls and password-protected workbooks are compound files
(OLE2) written by the small `compound_file` below, .xlsx by xlsxwriter or openpyxl.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import struct
import zipfile
from collections.abc import Sequence
from typing import Any

import openpyxl
import xlsxwriter

Rows = Sequence[Sequence[Any]]


def xlsx(rows: Rows, *, sheet: str = "Лист1", start_row: int = 0, before: Sequence[str] = ()) -> bytes:
    """An .xlsx written by xlsxwriter; `before` adds sheets in front (e.g. an instructions sheet)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date_format = book.add_format({"num_format": "dd.mm.yyyy"})
    for name in before:
        book.add_worksheet(name).write_string(0, 0, "Инструкция: заполните следующий лист.")
    worksheet = book.add_worksheet(sheet)
    for r, row in enumerate(rows, start=start_row):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, dt.date):
                worksheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                worksheet.write_number(r, c, value)
            else:
                worksheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def xlsx_openpyxl(rows: Rows, *, merge: Sequence[str] = ()) -> bytes:
    """An .xlsx written by openpyxl: its formulas ("=A1*2") are saved without a computed value."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    for cells in merge:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_blank_rows(header: Sequence[str], data: Sequence[Any], *, blanks: int) -> bytes:
    """Header, one data row, then `blanks` formatted but empty rows, then another data row."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    fmt = book.add_format({"bold": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    sheet.write_row(1, 0, data)
    for r in range(2, blanks + 2):
        sheet.write_blank(r, 0, None, fmt)
        sheet.write_string(r, 1, "")
    sheet.write_row(blanks + 2, 0, data)
    book.close()
    return buffer.getvalue()


def csv_bytes(rows: Rows, *, encoding: str = "utf-8", delimiter: str = ";", bom: bool = False) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    data = text.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


# --- compound files (OLE2): .xls and password-protected workbooks ------------------------------

_SECTOR = 512
_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _directory_entry(
    name: str, kind: int, start: int, size: int, *, child: int = _NOSTREAM, right: int = _NOSTREAM
) -> bytes:
    raw = name.encode("utf-16-le") + b"\0\0"
    return (
        raw.ljust(64, b"\0")
        + struct.pack("<HBBIII", len(raw), kind, 1, _NOSTREAM, right, child)
        + b"\0" * 16
        + struct.pack("<IQQIQ", 0, 0, 0, start, size)
    )


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding `streams` (each kept in regular sectors, padded to 4 KiB)."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    fat = [_FATSECT, _END]  # sector 0: the FAT, sector 1: the directory
    entries, data = [], []
    next_sector = 2
    for index, name in enumerate(names):
        size = max(len(streams[name]), 4096)
        count = -(-size // _SECTOR)
        payload = streams[name].ljust(count * _SECTOR, b"\0")
        fat.extend([*range(next_sector + 1, next_sector + count), _END])
        entries.append(
            _directory_entry(
                name, 2, next_sector, size, right=index + 2 if index + 1 < len(names) else _NOSTREAM
            )
        )
        next_sector += count
        data.append(payload)
    assert len(fat) <= 128 and len(entries) <= 3
    directory = _directory_entry("Root Entry", 5, _END, 0, child=1 if names else _NOSTREAM) + b"".join(
        entries
    )
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)
        + b"\xff" * 4 * 108
    )
    fat_sector = b"".join(struct.pack("<I", v) for v in fat).ljust(_SECTOR, b"\xff")
    return header + fat_sector + directory.ljust(_SECTOR, b"\0") + b"".join(data)


def _record(kind: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def xls(rows: Rows) -> bytes:
    """A minimal Excel 97–2003 (BIFF8) workbook with one sheet of text and number cells."""
    bof = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 1997, 0, 0))
    sheet_bof = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 1997, 0, 0))
    name = "Лист1"

    def boundsheet(position: int) -> bytes:
        return _record(0x0085, struct.pack("<IBBBB", position, 0, 0, len(name), 1) + name.encode("utf-16-le"))

    globals_ = bof + _record(0x0042, struct.pack("<H", 1200))
    globals_ += boundsheet(len(globals_) + len(boundsheet(0)) + 4) + _record(0x000A)
    cells = b""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and value:
                cells += _record(
                    0x0204, struct.pack("<HHHHB", r, c, 0, len(value), 1) + value.encode("utf-16-le")
                )
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cells += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
    width = max((len(row) for row in rows), default=0)
    sheet = (
        sheet_bof
        + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        + cells
        + _record(0x000A)
    )
    return compound_file({"Workbook": globals_ + sheet})


def password_protected_xlsx() -> bytes:
    """What Excel saves for a workbook with "Encrypt with password": a compound file whose streams
    are EncryptionInfo and EncryptedPackage (the encrypted .xlsx)."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    return compound_file(
        {"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 9000) + b"\x5a" * 9000}
    )


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0" * 64


def truncated(content: bytes) -> bytes:
    return content[: len(content) // 2]
