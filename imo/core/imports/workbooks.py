"""The two workbooks an import hands out: the template to fill in, and the user's file with its errors."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import xlsxwriter

from imo.core.imports.cells import is_blank
from imo.core.imports.reading import ImportFileError, read_table
from imo.core.imports.spec import TYPE_HINTS, ColumnType, ImportContext, ImportSpec

LISTS_SHEET = "Списки"
_LAST_ROW = 1_048_575  # 0-based last row of a sheet
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def write_template(spec: ImportSpec, context: ImportContext) -> bytes:
    """Headers (required ones marked *), an example row, drop-downs for list columns, an instructions
    sheet. Identifier columns are text-formatted so that Excel keeps their leading zeros."""
    spec.prepare(context)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E9ECEF", "border": 1}
    )
    required_header = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#FFF3CD", "border": 1}
    )
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "dd.mm.yyyy"})
    example = book.add_format({"italic": True, "font_color": "#6C757D"})
    example_text = book.add_format({"italic": True, "font_color": "#6C757D", "num_format": "@"})
    example_date = book.add_format({"italic": True, "font_color": "#6C757D", "num_format": "dd.mm.yyyy"})
    sheet = book.add_worksheet(spec.sheet_name)
    lists = book.add_worksheet(LISTS_SHEET)
    list_column = 0
    for index, column in enumerate(spec.columns):
        shown = f"{column.header} *" if column.required else column.header
        cell_format = None
        if column.type in (ColumnType.TEXT, ColumnType.DIGITS, ColumnType.CHOICE):
            cell_format = text
        elif column.type == ColumnType.DATE:
            cell_format = date
        sheet.set_column(index, index, column.width, cell_format)
        sheet.write_string(0, index, shown, required_header if column.required else header)
        hint = column.help or TYPE_HINTS[column.type]
        sheet.write_comment(0, index, hint, {"x_scale": 2, "y_scale": 1.5})
        allowed = column.allowed(context)
        if allowed:
            for offset, label in enumerate(allowed):
                lists.write_string(offset, list_column, label)
            letter = xlsxwriter.utility.xl_col_to_name(list_column)
            sheet.data_validation(
                1,
                index,
                _LAST_ROW,
                index,
                {
                    "validate": "list",
                    "source": f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(allowed)}",
                    "error_type": "warning",
                    "error_title": column.header,
                    "error_message": "Значения нет в списке. Выберите значение из списка.",
                },
            )
            list_column += 1
    for offset, row in enumerate(spec.example_rows(context), start=1):
        for index, column in enumerate(spec.columns):
            value = row.get(column.key, "")
            if is_blank(value):
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(offset, index, dt.datetime.combine(value, dt.time()), example_date)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(offset, index, value, example)
            else:
                sheet.write_string(offset, index, str(value), example_text)
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 32)
    lists.hide()
    _write_instructions(book, spec, context)
    sheet.activate()
    book.close()
    return buffer.getvalue()


def _write_instructions(book: Any, spec: ImportSpec, context: ImportContext) -> None:
    sheet = book.add_worksheet("Инструкция")
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E9ECEF", "border": 1}
    )
    wrap = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 44)
    sheet.set_column(3, 3, 44)
    sheet.set_column(4, 4, 36)
    sheet.write_string(0, 0, f"Как заполнить шаблон: {spec.title}", title)
    steps = [
        f"1. Заполните лист «{spec.sheet_name}»: одна строка — одна запись. Строку-пример замените своими "
        "данными (если её оставить, она будет пропущена).",
        "2. Столбцы со звёздочкой (*) обязательны. Порядок столбцов можно менять, лишние столбцы "
        "не загружаются.",
        "3. Даты пишите как дд.мм.гггг. Значения столбцов со списком выбирайте из выпадающего списка.",
        "4. Перед загрузкой система покажет, какие строки будут добавлены, изменены или останутся без "
        "изменений, и все ошибки с номерами строк. Пока вы не нажмёте «Загрузить», ничего не сохраняется.",
        "5. Повторная загрузка того же файла ничего не меняет: уже загруженные записи узнаются. Пустая "
        "ячейка не стирает уже заполненное значение.",
    ]
    for offset, step in enumerate(steps, start=2):
        sheet.write_string(offset, 0, step)
    start = len(steps) + 3
    for index, label in enumerate(
        ("Столбец", "Обязательный", "Что вписать", "Допустимые значения", "Другие названия столбца")
    ):
        sheet.write_string(start, index, label, bold)
    for offset, column in enumerate(spec.columns, start=start + 1):
        allowed = column.allowed(context)
        shown_allowed = "; ".join(allowed[:30]) + (" …" if len(allowed) > 30 else "")
        sheet.write_string(offset, 0, column.header, wrap)
        sheet.write_string(offset, 1, "да" if column.required else "нет", wrap)
        sheet.write_string(offset, 2, column.help or TYPE_HINTS[column.type], wrap)
        sheet.write_string(offset, 3, shown_allowed, wrap)
        sheet.write_string(offset, 4, "; ".join(column.aliases), wrap)


def _cell_position(reference: str) -> tuple[int, int] | None:
    match = _CELL_REF.match(reference or "")
    if not match:
        return None
    letters, number = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(number) - 1, column - 1


def _problems_by_row(
    report: dict[str, Any], key: str = "errors"
) -> tuple[dict[int | None, list[str]], set[tuple[int, int]]]:
    by_row: dict[int | None, list[str]] = defaultdict(list)
    marked: set[tuple[int, int]] = set()
    for problem in report.get(key, []):
        prefix = f"{problem['column']}: " if problem.get("column") and problem.get("row") else ""
        by_row[problem.get("row")].append(prefix + problem["message"])
        position = _cell_position(problem.get("cell", ""))
        if position:
            marked.add(position)
    return by_row, marked


ERROR_COLOUR, WARNING_COLOUR = "#F8D7DA", "#FFF3CD"


class _CellWriter:
    """Writes a cell keeping its type (dates as dates), red when it holds an error, yellow when it holds
    a warning."""

    def __init__(self, book: Any, sheet: Any) -> None:
        self.sheet = sheet
        self.date = book.add_format({"num_format": "dd.mm.yyyy"})
        self.formats = {
            colour: (
                book.add_format({"bg_color": colour}),
                book.add_format({"bg_color": colour, "num_format": "dd.mm.yyyy"}),
            )
            for colour in (ERROR_COLOUR, WARNING_COLOUR)
        }

    def write(self, row: int, column: int, value: Any, colour: str = "") -> None:
        """`colour`: ERROR_COLOUR, WARNING_COLOUR or "" (not marked)."""
        plain, dated = self.formats[colour] if colour else (None, self.date)
        if is_blank(value):
            if colour:
                self.sheet.write_blank(row, column, None, plain)
        elif isinstance(value, dt.datetime | dt.date):
            moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
            self.sheet.write_datetime(row, column, moment, dated)
        elif isinstance(value, bool):
            self.sheet.write_boolean(row, column, value, plain)
        elif isinstance(value, int | float):
            self.sheet.write_number(row, column, value, plain)
        else:
            self.sheet.write_string(row, column, str(value), plain)


def write_error_copy(spec: ImportSpec, path: str | Path, report: dict[str, Any]) -> bytes:
    """The user's rows where they were, with a column «Ошибки» and the cells with problems marked red;
    with warnings, also a column «Предупреждения» and their cells marked yellow."""
    by_row, marked = _problems_by_row(report)
    warned_rows, warned = _problems_by_row(report, "warnings")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(spec.sheet_name)
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E9ECEF"})
    error_header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#F8D7DA"})
    error_text = book.add_format({"text_wrap": True, "valign": "top", "font_color": "#842029"})
    warning_header = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": WARNING_COLOUR}
    )
    warning_text = book.add_format({"text_wrap": True, "valign": "top", "font_color": "#664D03"})
    try:
        table = read_table(path, header_score=spec.header_score)
    except ImportFileError as error:
        sheet.write_string(0, 0, "Ошибки", error_header)
        sheet.write_string(1, 0, error.message, error_text)
        book.close()
        return buffer.getvalue()
    header_row = table.header_row - 1
    width = len(table.headers)
    for index, title in enumerate(table.headers):
        sheet.write_string(header_row, index, title, header)
        sheet.set_column(index, index, 20)
    general = by_row.get(None, [])
    title = "Ошибки" + (" (в файле: " + "; ".join(general) + ")" if general else "")
    sheet.write_string(header_row, width, title, error_header)
    sheet.set_column(width, width, 60)
    last_column = width
    if warned_rows:
        last_column = width + 1
        sheet.write_string(header_row, last_column, "Предупреждения", warning_header)
        sheet.set_column(last_column, last_column, 60)
    writer = _CellWriter(book, sheet)
    for row in table.rows:
        target = row.number - 1
        for index, value in enumerate(row.cells):
            position = (target, index)
            colour = ERROR_COLOUR if position in marked else WARNING_COLOUR if position in warned else ""
            writer.write(target, index, value, colour)
        messages = by_row.get(row.number)
        if messages:
            sheet.write_string(target, width, "; ".join(messages), error_text)
        notes = warned_rows.get(row.number)
        if notes:
            sheet.write_string(target, last_column, "; ".join(notes), warning_text)
    sheet.freeze_panes(header_row + 1, 0)
    last = table.rows[-1].number - 1 if table.rows else header_row + 1
    sheet.autofilter(header_row, 0, max(header_row + 1, last), last_column)
    book.close()
    return buffer.getvalue()
