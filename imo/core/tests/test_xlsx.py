"""The export writer (imo.core.xlsx): files read back by openpyxl and by calamine (the import's reader)
hold exactly what was written, typed, with the sheet's furniture."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from imo.core.excel import ExportColumn, write_xlsx
from imo.core.xlsx import column_letter, escape, excel_serial, safe_sheet_name, write_sheet


def _book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def test_values_come_back_typed() -> None:
    rows = [
        ["СОШ № 1", 12, 2.5, dt.date(2026, 9, 1), dt.datetime(2026, 9, 1, 8, 30), True, None, ""],
        [
            "Ёлочка «Звёздочка»",
            -3,
            0.0,
            dt.date(1900, 3, 1),
            dt.datetime(2000, 1, 1),
            False,
            "x",
            Decimal("1.5"),
        ],
    ]
    content = write_sheet(
        ["Название", "Целое", "Дробь", "Дата", "Время", "Да/нет", "Пусто", "Прочее"], [20] * 8, rows
    )
    sheet = _book(content).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0] == [
        "СОШ № 1",
        12,
        2.5,
        dt.datetime(2026, 9, 1),
        dt.datetime(2026, 9, 1, 8, 30),
        "да",
        None,
        None,
    ]
    assert values[1] == [
        "Ёлочка «Звёздочка»",
        -3,
        0,
        dt.datetime(1900, 3, 1),
        dt.datetime(2000, 1, 1),
        "нет",
        "x",
        "1.5",
    ]
    assert sheet["D2"].number_format == "dd.mm.yyyy"
    assert sheet["E2"].number_format == "dd.mm.yyyy hh:mm"
    assert sheet["D2"].is_date


def test_sheet_furniture_header_widths_freeze_filter() -> None:
    content = write_sheet(
        ["Краткое наименование", "ИНН"], [32, 14], [["А", "1"], ["Б", "2"], ["В", "3"]], "Организации"
    )
    book = _book(content)
    sheet = book.active
    assert sheet is not None
    assert sheet.title == "Организации"
    assert [c.value for c in sheet[1]] == ["Краткое наименование", "ИНН"]
    assert sheet["A1"].font.b and sheet["A1"].alignment.wrap_text
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B4"
    assert sheet.column_dimensions["A"].width == pytest.approx(32)
    assert sheet.column_dimensions["B"].width == pytest.approx(14)


def test_text_xml_cannot_hold_survives() -> None:
    tricky = ["a & b < c > d", 'кавычки "и" \'апострофы\'', "  пробелы по краям ", "строка\nдругая",
              "управляющий\x01символ", "_x0041_ как есть", "x" * 40_000]  # fmt: skip
    content = write_sheet([f"h{i}" for i in range(len(tricky))], [10] * len(tricky), [tricky])
    sheet = _book(content).active
    assert sheet is not None
    got = [cell.value for cell in sheet[2]]
    assert got[:4] == tricky[:4]
    # Excel and calamine decode the _xHHHH_ escapes (openpyxl leaves them as they are).
    with CalamineWorkbook.from_filelike(io.BytesIO(content)) as book:
        decoded = book.get_sheet_by_index(0).to_python()[1]
    assert decoded[:6] == tricky[:6]
    assert got[6] == "x" * 32_767  # Excel's limit per cell


def test_calamine_reads_it_like_the_import_does() -> None:
    content = write_sheet(["Имя", "Дата"], [10, 10], [["Иванова", dt.date(2025, 5, 17)]])
    with CalamineWorkbook.from_filelike(io.BytesIO(content)) as book:
        rows = book.get_sheet_by_index(0).to_python()
    assert rows == [["Имя", "Дата"], ["Иванова", dt.date(2025, 5, 17)]]


def test_empty_export_is_a_valid_file_with_headers() -> None:
    content = write_sheet(["Один", "Два"], [10, 10], [])
    sheet = _book(content).active
    assert sheet is not None
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:B1"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        assert "_xlnm._FilterDatabase" in archive.read("xl/workbook.xml").decode()


def test_write_xlsx_reads_export_columns() -> None:
    columns = [ExportColumn("Число", lambda r: r * 2, 8), ExportColumn("Текст", lambda r: f"№ {r}", 12)]
    sheet = _book(write_xlsx(columns, range(3), sheet_name="Лист: с [запретными] знаками?")).active
    assert sheet is not None
    assert sheet.title == "Лист  с  запретными  знаками"
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        [0, "№ 0"],
        [2, "№ 1"],
        [4, "№ 2"],
    ]


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letter(index: int, letters: str) -> None:
    assert column_letter(index) == letters


def test_helpers() -> None:
    assert excel_serial(dt.date(1900, 3, 1)) == 61
    assert excel_serial(dt.datetime(2026, 1, 1, 12)) == pytest.approx(46023.5)
    assert escape("<&>") == "&lt;&amp;&gt;"
    assert safe_sheet_name("") == "Лист1"
    assert len(safe_sheet_name("я" * 40)) == 31
