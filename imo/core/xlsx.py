"""A streaming writer of one-sheet .xlsx files: what every list's export needs and nothing more.

Why not xlsxwriter (still used for import templates and error copies, which need data validation and
comments): its per-cell bookkeeping costs ~8 µs a cell, so 25,000 rows × 14 columns took ~3 s. Here a
row is one string join, strings are written inline (no shared-string table to build) and the sheet is
compressed as it is written: the same export takes about a third of that. See
docs/decisions/0010-own-xlsx-writer-for-exports.md.

The file holds: a bold, wrapped, shaded header row; column widths; dates and date-times as real Excel
dates (with dd.mm.yyyy formats); numbers as numbers; the header frozen; an autofilter over the data.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

# Excel's day zero (so that 01.01.1900 is 1 and the fictitious 29.02.1900 is 60).
_EPOCH = dt.datetime(1899, 12, 30)
_MAX_CELL_TEXT = 32_767  # Excel's limit; longer text is cut rather than making a file Excel rejects
_MAX_SHEET_NAME = 31
_FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
# XML 1.0 forbids these; Excel reads them back from its own _xHHHH_ escapes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
# Style indexes in _STYLES' cellXfs.
HEADER_STYLE, DATE_STYLE, DATETIME_STYLE = 1, 2, 3

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    _XML + f"<styleSheet {_NS}>"
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd.mm.yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd.mm.yyyy hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE9ECEF"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def escape(text: str) -> str:
    """Text as the content of an XML element, with what XML cannot hold written as Excel's escapes."""
    if len(text) > _MAX_CELL_TEXT:
        text = text[:_MAX_CELL_TEXT]
    if "_x" in text:  # a literal "_x0041_" would otherwise be read back as "A"
        text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if not text.isprintable():
        text = _CONTROL.sub(lambda match: f"_x{ord(match.group()):04X}_", text)
    return text


def _attribute(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def safe_sheet_name(name: str) -> str:
    """A name Excel accepts: no []:*?/\\, at most 31 characters, not empty."""
    return _FORBIDDEN_IN_SHEET_NAME.sub(" ", name).strip().strip("'")[:_MAX_SHEET_NAME] or "Лист1"


def excel_serial(value: dt.date) -> float:
    """A date or (naive) date-time as Excel's serial number."""
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return delta.days + delta.seconds / 86_400 + delta.microseconds / 86_400_000_000
    return float((value - _EPOCH.date()).days)


def _text_cell(ref: str, text: str, style: str = "") -> str:
    preserve = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{preserve}>{escape(text)}</t></is></c>'


class SheetWriter:
    """Writes the rows of the one sheet as they come: `add_row(values)` per row, then `close()`.

    Values: str (empty and None leave the cell empty), int/float, date/datetime (naive, as local
    time), bool ("да"/"нет"); anything else is written as its text.
    """

    _FLUSH_EVERY = 500  # rows per write to the compressor

    def __init__(self, headers: Sequence[str], widths: Sequence[float], sheet_name: str = "Лист1") -> None:
        self._buffer = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheet_name = safe_sheet_name(sheet_name)
        self._letters = [column_letter(index) for index in range(len(headers))]
        self._width = len(headers)
        self._rows = 1
        self._pending: list[str] = []
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
            for i, width in enumerate(widths, start=1)
        )
        header = "".join(
            _text_cell(f"{letter}1", text, f' s="{HEADER_STYLE}"') if text else ""
            for letter, text in zip(self._letters, headers, strict=True)
        )
        self._write(
            f'{_XML}<worksheet {_NS} {_NS_R}><sheetViews><sheetView tabSelected="1" workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData><row r="1">{header}</row>'
        )

    def _write(self, text: str) -> None:
        self._sheet.write(text.encode("utf-8"))

    def add_row(self, values: Sequence[Any]) -> None:
        self._rows += 1
        number = str(self._rows)
        cells = []
        for letter, value in zip(self._letters, values, strict=False):
            kind = type(value)
            if kind is str:  # by far the most common cell: tested first, exactly
                if value:
                    cells.append(_text_cell(letter + number, value))
            elif value is None:
                continue
            elif kind is bool:
                cells.append(_text_cell(letter + number, "да" if value else "нет"))
            elif kind is int or kind is float:
                cells.append(f'<c r="{letter}{number}"><v>{value!r}</v></c>')
            elif isinstance(value, dt.datetime):
                cells.append(
                    f'<c r="{letter}{number}" s="{DATETIME_STYLE}"><v>{excel_serial(value)!r}</v></c>'
                )
            elif isinstance(value, dt.date):
                cells.append(f'<c r="{letter}{number}" s="{DATE_STYLE}"><v>{excel_serial(value)!r}</v></c>')
            elif isinstance(value, int | float):  # Decimal is not here: written as its text below
                cells.append(f'<c r="{letter}{number}"><v>{float(value)!r}</v></c>')
            else:
                text = str(value)
                if text:
                    cells.append(_text_cell(letter + number, text))
        self._pending.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(self._pending) >= self._FLUSH_EVERY:
            self._write("".join(self._pending))
            self._pending.clear()

    def close(self) -> bytes:
        """Finish the file and return its bytes."""
        last_column = self._letters[-1] if self._letters else "A"
        self._pending.append(f'</sheetData><autoFilter ref="A1:{last_column}{self._rows}"/></worksheet>')
        self._write("".join(self._pending))
        self._pending.clear()
        self._sheet.close()
        quoted = self._sheet_name.replace("'", "''")
        filter_range = f"'{quoted}'!$A$1:${last_column}${self._rows}"
        workbook = (
            f"{_XML}<workbook {_NS} {_NS_R}><bookViews><workbookView/></bookViews><sheets>"
            f'<sheet name="{_attribute(self._sheet_name)}" sheetId="1" r:id="rId1"/></sheets>'
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"{escape(filter_range)}</definedName></definedNames></workbook>"
        )
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        core = (
            f"{_XML}<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>ИМО</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created></cp:coreProperties>'
        )
        for name, content in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/styles.xml", _STYLES),
            ("docProps/core.xml", core),
        ):
            self._zip.writestr(name, content)
        self._zip.close()
        return self._buffer.getvalue()


def write_sheet(
    headers: Sequence[str], widths: Sequence[float], rows: Iterable[Sequence[Any]], sheet_name: str = "Лист1"
) -> bytes:
    """The whole file at once: a header row, then `rows` (sequences of values, in header order)."""
    writer = SheetWriter(headers, widths, sheet_name)
    for row in rows:
        writer.add_row(row)
    return writer.close()
