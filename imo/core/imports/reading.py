"""Reading an uploaded table: .xlsx/.xlsm/.ods and .xls with python-calamine, .csv in UTF-8 or Windows-1251.

`read_table(path, header_score=…)` returns a `Table`: the header row (found among the first ten
non-blank rows), the non-blank data rows with their row numbers as Excel shows them, and notes for the
user (which sheet was read, merged cells filled, …). Anything that is not a readable table raises
`ImportFileError` with a Russian message that says what the file is and what to do; nothing here
crashes on bad input.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from imo.core.imports.cells import is_blank

HEADER_SEARCH_ROWS = 10
DEFAULT_MAX_MB = 20
DEFAULT_MAX_ROWS = 100_000
# An .xlsx is a zip; more than this many bytes once unpacked is refused (a "zip bomb" or a sheet with
# millions of formatted cells), whatever the size of the upload.
UNPACKED_FACTOR = 25
MAX_CELLS = 20_000_000

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_POWERPOINT_STREAM = "PowerPoint Document".encode("utf-16-le")
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "Файл — документ PDF, а не таблица. Загрузите таблицу Excel (.xlsx) или CSV."),
    (b"\x89PNG", "Файл — изображение, а не таблица. Загрузите таблицу Excel (.xlsx) или CSV."),
    (b"\xff\xd8\xff", "Файл — изображение, а не таблица. Загрузите таблицу Excel (.xlsx) или CSV."),
    (b"GIF8", "Файл — изображение, а не таблица. Загрузите таблицу Excel (.xlsx) или CSV."),
    (b"BM", "Файл — изображение, а не таблица. Загрузите таблицу Excel (.xlsx) или CSV."),
    (b"RIFF", "Файл — изображение или звук, а не таблица. Загрузите таблицу Excel (.xlsx) или CSV."),
    (b"Rar!", "Файл — архив RAR. Распакуйте его и загрузите таблицу Excel (.xlsx) или CSV."),
    (b"7z\xbc\xaf", "Файл — архив 7z. Распакуйте его и загрузите таблицу Excel (.xlsx) или CSV."),
    (b"\x1f\x8b", "Файл — архив gzip. Распакуйте его и загрузите таблицу Excel (.xlsx) или CSV."),
    (b"{\\rtf", "Файл — документ RTF, а не таблица. Загрузите таблицу Excel (.xlsx) или CSV."),
)


# What zipfile raises on a damaged archive: a flipped byte in compressed data is a zlib.error, an unknown
# compression method NotImplementedError; neither is one of its own exceptions.
_ZIP_ERRORS = (KeyError, zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, ValueError)

CORRUPT = (
    "Файл повреждён или загрузился не полностью. Откройте его в Excel, сохраните заново и загрузите ещё раз."
)


class ImportFileError(Exception):
    """A file that cannot be read as a table. `str(error)` is the Russian message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_upload_bytes() -> int:
    """IMO_IMPORT_MAX_MB (setting or environment variable), 20 MB by default."""
    value = getattr(settings, "IMO_IMPORT_MAX_MB", None) or os.environ.get("IMO_IMPORT_MAX_MB")
    try:
        megabytes = float(value) if value else DEFAULT_MAX_MB
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return int(megabytes * 1024 * 1024)


def max_rows() -> int:
    value = getattr(settings, "IMO_IMPORT_MAX_ROWS", None) or os.environ.get("IMO_IMPORT_MAX_ROWS")
    try:
        return int(value) if value else DEFAULT_MAX_ROWS
    except ValueError:
        return DEFAULT_MAX_ROWS


def size_error(size: int) -> str | None:
    """The message for a file over the size limit, or None. Checked before anything is read."""
    limit = max_upload_bytes()
    if size > limit:
        return (
            f"Файл слишком большой: {size / 1024 / 1024:.1f} МБ, а можно не больше "
            f"{limit / 1024 / 1024:.0f} МБ. Удалите лишние листы, картинки и форматирование или разделите "
            "таблицу на несколько файлов."
        )
    return None


@dataclass
class SourceRow:
    number: int  # as Excel shows it (1-based); for CSV, the record's number
    cells: tuple[Any, ...]


@dataclass
class Table:
    format: str  # "xlsx", "xls", "ods", "csv"
    headers: list[str]
    header_row: int
    rows: list[SourceRow]
    notes: list[str] = field(default_factory=list)
    # (row number, column index) of formulas saved without a computed value.
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)
    sheet_name: str = ""


HeaderScore = Callable[[Sequence[Any]], int]


def _zero_score(headers: Sequence[Any]) -> int:
    return 0


def read_table(path: str | Path, *, header_score: HeaderScore = _zero_score) -> Table:
    """Read the table at `path` (the upload, already stored). `header_score(cells)` says how many known
    column headers a row holds; the best of the first ten non-blank rows is taken as the header."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise ImportFileError("Файл не найден или недоступен для чтения.") from None
    message = size_error(size)
    if message:
        raise ImportFileError(message)
    if size == 0:
        raise ImportFileError("Файл пустой. Заполните шаблон и загрузите его снова.")
    with path.open("rb") as handle:
        head = handle.read(4096)
    for signature, text in _SIGNATURES:
        if head.startswith(signature):
            raise ImportFileError(text)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _read_zip_workbook(path, size, header_score)
    if head.startswith(OLE_MAGIC):
        return _read_ole(path, header_score)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
        raise ImportFileError(
            "Файл — веб-страница или XML, сохранённые с расширением таблицы. Откройте его в Excel и "
            "сохраните как «Книга Excel (.xlsx)»."
        )
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError("Формат файла не распознан. Загрузите таблицу Excel (.xlsx, .xls) или CSV.")
    return _read_csv(path, header_score)


# --- workbooks -----------------------------------------------------------------------------------


def _read_zip_workbook(path: Path, size: int, header_score: HeaderScore) -> Table:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except _ZIP_ERRORS:
        raise ImportFileError(CORRUPT) from None
    if "word/document.xml" in names:
        raise ImportFileError("Это документ Word (.docx), а не таблица. Загрузите таблицу Excel (.xlsx).")
    if any(name.startswith("ppt/") for name in names):
        raise ImportFileError("Это презентация PowerPoint, а не таблица. Загрузите таблицу Excel (.xlsx).")
    if mimetype and b"spreadsheet" not in mimetype:
        raise ImportFileError("Это текстовый документ OpenDocument, а не таблица. Загрузите таблицу (.xlsx).")
    is_xlsx = "xl/workbook.xml" in names or "xl/workbook.bin" in names
    if not is_xlsx and not mimetype:
        raise ImportFileError(
            "Это архив ZIP, а не таблица Excel. Распакуйте его и загрузите таблицу (.xlsx)."
        )
    if unpacked > max(size, 1) * 200 or unpacked > max_upload_bytes() * UNPACKED_FACTOR:
        raise ImportFileError(
            "Таблица слишком велика после распаковки (очень много ячеек или форматирования). Скопируйте "
            "нужные строки в новую книгу Excel и загрузите её."
        )
    return _read_with_calamine(path, "xlsx" if is_xlsx else "ods", header_score)


def _read_ole(path: Path, header_score: HeaderScore) -> Table:
    with path.open("rb") as handle:
        # The directory of a compound file is small and near the start in files of this size.
        content = handle.read(min(path.stat().st_size, 8 * 1024 * 1024))
    if _ENCRYPTED_STREAM in content:
        raise ImportFileError(
            "Файл защищён паролем. Откройте его в Excel, снимите пароль (Файл → Сведения → Защита книги) "
            "и загрузите снова."
        )
    if _WORD_STREAM in content:
        raise ImportFileError("Это документ Word (.doc), а не таблица. Загрузите таблицу Excel (.xlsx).")
    if _POWERPOINT_STREAM in content:
        raise ImportFileError("Это презентация PowerPoint, а не таблица. Загрузите таблицу Excel (.xlsx).")
    return _read_with_calamine(path, "xls", header_score)


def _open_failed(file_format: str) -> ImportFileError:
    if file_format == "xls":
        return ImportFileError(
            "Не удалось прочитать файл Excel 97–2003 (.xls): он повреждён или защищён паролем. Откройте его "
            "в Excel и сохраните как «Книга Excel (.xlsx)»."
        )
    return ImportFileError(CORRUPT)


def _calamine_call(file_format: str, call: Callable[[], Any]) -> Any:
    """Run a calamine call; any error of the file (or a Rust panic) becomes ImportFileError."""
    from python_calamine import PasswordError

    try:
        return call()
    except PasswordError:
        raise ImportFileError(
            "Файл защищён паролем. Откройте его в Excel, снимите пароль и загрузите снова."
        ) from None
    except ImportFileError:
        raise
    except BaseException as error:  # calamine raises its own errors and, rarely, a Rust panic
        if isinstance(error, KeyboardInterrupt | SystemExit | MemoryError):
            raise
        raise _open_failed(file_format) from None


def _pick_sheet(
    workbook: Any, path: Path, zip_sheets: dict[str, str], file_format: str, header_score: HeaderScore
) -> tuple[str, int]:
    """The visible worksheet whose first rows look most like our headers (the first one on a tie)."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    candidates = [
        meta.name
        for meta in workbook.sheets_metadata
        if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet
    ] or list(workbook.sheet_names)
    if not candidates:
        raise ImportFileError("В файле нет ни одного листа с таблицей.")
    best_name, best_score = candidates[0], -1
    for name in candidates:
        if zip_sheets.get(name):
            _check_sheet_size(path, zip_sheets[name])
        if len(candidates) == 1:  # nothing to choose: do not parse the sheet twice
            break
        top = _calamine_call(file_format, functools.partial(_top_rows, workbook, name))
        score = max((header_score(row) for row in top), default=0)
        if score > best_score:
            best_name, best_score = name, score
    return best_name, len(candidates)


def _top_rows(workbook: Any, name: str) -> list[list[Any]]:
    rows: list[list[Any]] = workbook.get_sheet_by_name(name).to_python(nrows=HEADER_SEARCH_ROWS)
    return rows


def _read_with_calamine(path: Path, file_format: str, header_score: HeaderScore) -> Table:
    from python_calamine import CalamineWorkbook

    zip_sheets: dict[str, str] = _xlsx_sheet_paths(path) if file_format == "xlsx" else {}
    workbook = _calamine_call(file_format, lambda: CalamineWorkbook.from_path(str(path)))
    with workbook:
        name, sheet_count = _pick_sheet(workbook, path, zip_sheets, file_format, header_score)

        def load() -> tuple[Any, list[Any], list[tuple[int, list[Any]]]]:
            sheet = workbook.get_sheet_by_name(name)
            return sheet.start, sheet.merged_cell_ranges or [], _numbered_rows(sheet, sheet.start, sheet.end)

        start, merged, raw_rows = _calamine_call(file_format, load)
    col_offset = start[1] if start else 0
    notes: list[str] = []
    if sheet_count > 1:
        notes.append(f"Прочитан лист «{name}»; другие листы книги не загружаются.")
    rows_by_number = _fill_merged(raw_rows, merged, col_offset, notes)
    table = _table_from_rows(file_format, rows_by_number, header_score, notes)
    table.sheet_name = name
    if zip_sheets.get(name):
        table.formulas_without_value = _formulas_without_value(path, zip_sheets[name], col_offset)
    return table


def _numbered_rows(sheet: Any, start: Any, end: Any) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of every non-blank row. calamine's iterator begins at the sheet's first row
    in some cases and at the first row with data in others: the count of rows it gives tells which."""
    if start is None or end is None:
        return []
    raw = list(sheet.iter_rows())
    first = start[0] if len(raw) == end[0] - start[0] + 1 and start[0] > 0 else 0
    limit = max_rows()
    numbered = [(first + index + 1, list(cells)) for index, cells in enumerate(raw) if not _blank_row(cells)]
    if len(numbered) > limit + 1:
        raise ImportFileError(
            f"В файле больше {limit:,} строк. Разделите таблицу на несколько файлов.".replace(",", " ")
        )
    return numbered


def _blank_row(cells: Sequence[Any]) -> bool:
    for cell in cells:
        if cell is None or cell == "":
            continue
        if not is_blank(cell):
            return False
    return True


def _fill_merged(
    rows: list[tuple[int, list[Any]]], merged: list[Any], col_offset: int, notes: list[str]
) -> list[tuple[int, list[Any]]]:
    """A value merged down one column (a municipality over its schools) is copied into every row it
    covers; merges across several columns keep their value in the first cell only."""
    if not merged:
        return rows
    by_number = dict(rows)
    filled: list[str] = []
    wide = 0
    for (top, left), (bottom, right) in merged:
        if bottom == top:
            if right > left:
                wide += 1
            continue
        if right != left:
            wide += 1
            continue
        column = left - col_offset
        source = by_number.get(top + 1)
        if source is None or column >= len(source):
            continue
        value = source[column]
        for number in range(top + 2, bottom + 2):
            target = by_number.get(number)
            if target is not None and column < len(target):
                target[column] = value
        filled.append(f"{_column_letter(left)}{top + 1}:{_column_letter(left)}{bottom + 1}")
    if filled:
        shown = ", ".join(filled[:5]) + (" …" if len(filled) > 5 else "")
        notes.append(f"Объединённые ячейки ({shown}): значение подставлено в каждую строку.")
    if wide:
        notes.append(
            "В таблице есть ячейки, объединённые по горизонтали: значение взято только из первой из них."
        )
    return sorted(by_number.items())


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_letter(index: int) -> str:
    """0 → "A", 26 → "AA": the letter Excel shows for a 0-based column index."""
    return _column_letter(index)


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")


def _xlsx_sheet_paths(path: Path) -> dict[str, str]:
    """Sheet name → the path of its XML part inside the .xlsx (for the checks calamine cannot do)."""
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml")
            rels = archive.read("xl/_rels/workbook.xml.rels")
    except _ZIP_ERRORS:
        return {}
    targets: dict[str, str] = {}
    for tag in _REL_TAG.findall(rels):
        attrs = dict(_ATTR.findall(tag))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[attrs.get(b"Id", b"").decode()] = target
    result: dict[str, str] = {}
    import html

    for tag in _SHEET_TAG.findall(workbook):
        attrs = {key.split(b":")[-1]: value for key, value in _ATTR.findall(tag)}
        name = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
        rel = attrs.get(b"id", b"").decode()
        if rel in targets:
            result[name] = targets[rel]
    return result


_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"[A-Z]+\d+:([A-Z]+)(\d+)\"")


def _check_sheet_size(path: Path, part: str) -> None:
    """Refuse a sheet whose used area is huge (a stray value in cell XFD1048576) before calamine would
    allocate every cell of it."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
            head = stream.read(4096)
    except _ZIP_ERRORS:
        return
    match = _DIMENSION.search(head)
    if not match:
        return
    letters, row = match.groups()
    width = 0
    for letter in letters.decode():
        width = width * 26 + ord(letter) - 64
    if width * int(row) > MAX_CELLS:
        raise ImportFileError(
            "Таблица занимает слишком большую область листа (есть заполненные или отформатированные ячейки "
            "далеко от данных). Скопируйте нужные строки в новую книгу Excel и загрузите её."
        )


_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*?)\br=\"([A-Z]{1,3})(\d+)\"([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL
)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")
_STRING_RESULT = re.compile(rb'\bt="str"')


def _formulas_without_value(path: Path, part: str, col_offset: int) -> set[tuple[int, int]]:
    """Cells holding a formula that was never computed (files made by programs, not saved by Excel):
    calamine shows them as empty, but the user did write something there."""
    try:
        with zipfile.ZipFile(path) as archive:
            with archive.open(part) as stream:
                tail = b""
                found = False
                while chunk := stream.read(1 << 20):
                    if _FORMULA.search(tail + chunk):
                        found = True
                        break
                    tail = chunk[-16:]
            if not found:
                return set()
            content = archive.read(part)
    except _ZIP_ERRORS:
        return set()
    missing: set[tuple[int, int]] = set()
    for before, letters, number, after, body in _CELL.findall(content):
        if not body or not _FORMULA.search(body) or _VALUE.search(body):
            continue
        # An empty <v></v> is a computed empty text only when the cell says its result is text.
        if _STRING_RESULT.search(before + after) and b"<v" in body:
            continue
        column = 0
        for letter in letters.decode():
            column = column * 26 + ord(letter) - 64
        missing.add((int(number), column - 1 - col_offset))
    return missing


# --- CSV -----------------------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1251", errors="replace")


def _delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            counts = {sep: line.count(sep) for sep in (";", "\t", ",")}
            best = max(counts.values())
            if best == 0:
                return ";"
            for sep in (";", "\t", ","):  # on a tie the Russian Excel's ";" wins
                if counts[sep] == best:
                    return sep
    return ";"


def _read_csv(path: Path, header_score: HeaderScore) -> Table:
    text = _decode(path.read_bytes())
    if not text.strip():
        raise ImportFileError("Файл пустой. Заполните шаблон и загрузите его снова.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[tuple[int, list[Any]]] = []
    limit = max_rows()
    try:
        for number, cells in enumerate(reader, start=1):
            if _blank_row(cells):
                continue
            rows.append((number, cells))
            if len(rows) > limit + 1:
                raise ImportFileError(
                    f"В файле больше {limit:,} строк. Разделите таблицу на несколько файлов.".replace(
                        ",", " "
                    )
                )
    except csv.Error:
        raise ImportFileError(
            "Не удалось разобрать CSV: проверьте кавычки в ячейках или сохраните таблицу как .xlsx."
        ) from None
    return _table_from_rows("csv", rows, header_score, [])


# --- the header row ------------------------------------------------------------------------------


def _table_from_rows(
    file_format: str, rows: list[tuple[int, list[Any]]], header_score: HeaderScore, notes: list[str]
) -> Table:
    if not rows:
        raise ImportFileError("В файле нет данных: все строки пустые.")
    top = rows[:HEADER_SEARCH_ROWS]
    scores = [header_score(cells) for _, cells in top]
    best = max(range(len(top)), key=lambda i: (scores[i], -i))
    header_number, header_cells = top[best]
    if best > 0:
        notes.append(f"Заголовки столбцов найдены в строке {header_number}; строки выше неё не загружаются.")
    headers = [_header_text(cell) for cell in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    data = [
        SourceRow(number, tuple(cells[:width]) + ("",) * (width - len(cells)))
        for number, cells in rows[best + 1 :]
    ]
    data = [row for row in data if not _blank_row(row.cells)]
    return Table(file_format, headers, header_number, data, notes)


def _header_text(cell: Any) -> str:
    from imo.core.imports.cells import to_text

    return "" if is_blank(cell) else to_text(cell)
