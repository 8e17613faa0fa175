"""Reading uploads: every format, tolerant headers, and each bad input with its Russian message."""

import datetime as dt
import os
import time
import tracemalloc
from typing import Any

import pytest

from imo.core.imports.reading import ImportFileError, read_table
from imo.core.imports.spec import Column, ImportSpec
from imo.core.imports.tests import files

HEADER = ["Фамилия", "Дата рождения", "ИНН"]


class PeopleHeaders(ImportSpec):
    kind = "people-headers"
    columns = (
        Column("last_name", "Фамилия", aliases=("ФИО",)),
        Column("birth_date", "Дата рождения"),
        Column("inn", "ИНН"),
    )


score = PeopleHeaders().header_score


@pytest.fixture
def write(tmp_path):
    def write(content: bytes, name: str = "file.xlsx"):
        path = tmp_path / name
        path.write_bytes(content)
        return path

    return write


def _values(table):
    return [list(row.cells) for row in table.rows]


def test_xlsx_with_real_dates_and_calamine_floats(write):
    table = read_table(
        write(files.xlsx([HEADER, ["Ёлкина", dt.date(1980, 5, 4), 2014001234]])), header_score=score
    )
    assert table.format == "xlsx" and table.headers == HEADER and table.header_row == 1
    assert _values(table) == [["Ёлкина", dt.date(1980, 5, 4), 2014001234.0]]
    assert table.rows[0].number == 2


def test_xls_is_read_by_calamine(write):
    table = read_table(
        write(files.xls([HEADER, ["Иванов", "04.05.1980", 2014001234]]), "old.xls"), header_score=score
    )
    assert table.format == "xls"
    assert _values(table) == [["Иванов", "04.05.1980", 2014001234.0]]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom"),
    [
        ("utf-8", ";", False),
        ("utf-8", ",", True),
        ("cp1251", ";", False),
        ("cp1251", ",", False),
        ("utf-8", "\t", False),
    ],
)
def test_csv_in_utf8_or_windows_1251_with_semicolons_or_commas(write, encoding, delimiter, bom):
    rows = [HEADER, ["Ёлкина, Анна", "04.05.1980", "2014001234"], ["", "", ""], ["Щукин", "1.2.90", ""]]
    content = files.csv_bytes(rows, encoding=encoding, delimiter=delimiter, bom=bom)
    table = read_table(write(content, "list.csv"), header_score=score)
    assert table.format == "csv"
    assert table.headers == HEADER
    assert [row.number for row in table.rows] == [2, 4]  # the blank line is skipped, numbers kept
    assert table.rows[0].cells[0] == "Ёлкина, Анна"


def test_header_found_below_a_title_and_columns_in_any_order(write):
    rows = [
        ["Список педагогов на 01.09.2025"],
        [],
        ["инн ", "  ДАТА  рождения", "фамилия*", "Примечание"],
        ["2014001234", "1.1.90", "Ёлкин", "x"],
    ]
    table = read_table(write(files.xlsx(rows)), header_score=score)
    assert table.header_row == 3
    assert table.headers == ["инн", "ДАТА рождения", "фамилия*", "Примечание"]
    assert table.rows[0].number == 4
    assert any("строке 3" in note for note in table.notes)


def test_the_sheet_with_the_headers_is_chosen(write):
    content = files.xlsx([HEADER, ["Иванов", "", ""]], sheet="Данные", before=["Инструкция"])
    table = read_table(write(content), header_score=score)
    assert table.sheet_name == "Данные"
    assert any("Данные" in note for note in table.notes)


def test_merged_cells_down_a_column_fill_every_row(write):
    rows: list[list[Any]] = [
        HEADER,
        ["Иванов", "01.01.1990", "1"],
        [None, "02.01.1990", "2"],
        [None, "03.01.1990", "3"],
    ]
    table = read_table(write(files.xlsx_openpyxl(rows, merge=["A2:A4"])), header_score=score)
    assert [row.cells[0] for row in table.rows] == ["Иванов", "Иванов", "Иванов"]
    assert any("Объединённые ячейки" in note for note in table.notes)


def test_formula_without_a_computed_value_is_reported(write):
    rows = [HEADER, ["Иванов", "01.01.1990", "=1+1"], ["Петров", "01.01.1990", "2014001234"]]
    table = read_table(write(files.xlsx_openpyxl(rows)), header_score=score)
    assert table.formulas_without_value == {(2, 2)}


def test_100000_blank_rows_are_skipped_without_a_memory_blow_up(write):
    path = write(files.xlsx_blank_rows(HEADER, ["Иванов", "01.01.1990", "1"], blanks=100_000))
    tracemalloc.start()
    started = time.perf_counter()
    table = read_table(path, header_score=score)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [row.number for row in table.rows] == [2, 100_003]
    assert peak < 200 * 1024 * 1024, peak  # Python-side memory (generous: the machine is shared)
    assert elapsed >= 0  # no timing assertions; the test finishing at all is the point


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (files.password_protected_xlsx(), "secret.xlsx", "защищён паролем"),
        (files.truncated(files.xlsx([HEADER] * 200)), "cut.xlsx", "повреждён"),
        (b"", "empty.xlsx", "пустой"),
        (files.docx(), "letter.xlsx", "документ Word"),
        (files.png(), "photo.xlsx", "изображение"),
        (b"%PDF-1.7 ...", "scan.xlsx", "PDF"),
        (b"<html><table><tr><td>1</td></tr></table></html>", "report.xls", "веб-страница"),
        (bytes(range(256)) * 4, "random.xlsx", "не распознан"),
        (files.compound_file({"WordDocument": b"x" * 100}), "old.xls", "документ Word"),
        (files.compound_file({"Something": b"x" * 100}), "odd.xls", ".xls"),
    ],
)
def test_bad_files_get_a_clear_russian_message(write, content, name, expected):
    with pytest.raises(ImportFileError) as error:
        read_table(write(content, name), header_score=score)
    assert expected in error.value.message


def test_only_blank_rows_is_an_empty_table(write):
    with pytest.raises(ImportFileError) as error:
        read_table(write(files.csv_bytes([["", ""], ["", ""]]), "blank.csv"))
    assert "пуст" in error.value.message


def test_files_over_the_limit_are_refused_before_reading(write, settings, tmp_path):
    settings.IMO_IMPORT_MAX_MB = 1
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:  # 50 MB, sparse: nothing is written or read
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(ImportFileError) as error:
        read_table(path)
    assert "слишком большой" in error.value.message and "1 МБ" in error.value.message


def test_default_limit_is_20_mb(settings):
    from imo.core.imports.reading import max_upload_bytes

    if hasattr(settings, "IMO_IMPORT_MAX_MB"):
        del settings.IMO_IMPORT_MAX_MB
    os.environ.pop("IMO_IMPORT_MAX_MB", None)
    assert max_upload_bytes() == 20 * 1024 * 1024


def test_too_many_rows_is_refused(write, settings):
    settings.IMO_IMPORT_MAX_ROWS = 5
    with pytest.raises(ImportFileError) as error:
        read_table(write(files.xlsx([HEADER] + [["Иванов", "", ""]] * 10)), header_score=score)
    assert "больше 5 строк" in error.value.message


def _damaged_part(content: bytes, part: str, *, method: int | None = None) -> bytes:
    """The workbook with the compressed bytes of one part overwritten (or its compression method changed):
    the archive's directory is intact, so it opens, and the damage shows only when the part is read."""
    import io
    import zipfile

    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(part)
    if method is not None:  # zipfile trusts the central directory's entry (its name begins at byte 46)
        entry = bytes(data).rfind(part.encode()) - 46
        assert data[entry : entry + 4] == b"PK\x01\x02"
        data[entry + 10 : entry + 12] = method.to_bytes(2, "little")
        return bytes(data)
    offset = info.header_offset
    name_length = int.from_bytes(data[offset + 26 : offset + 28], "little")
    extra_length = int.from_bytes(data[offset + 28 : offset + 30], "little")
    start = offset + 30 + name_length + extra_length
    data[start : start + info.compress_size] = b"\xff" * info.compress_size
    return bytes(data)


@pytest.mark.parametrize("method", [None, 99])
def test_damaged_compressed_data_is_a_corrupt_file_not_a_crash(write, method):
    # Found by tests/fuzz: a flipped byte inside a part raised zlib.error (an unknown compression method,
    # NotImplementedError) out of the reader — a 500 on the upload page.
    content = _damaged_part(
        files.xlsx([HEADER, ["Иванов", "01.01.1980", ""]]), "xl/workbook.xml", method=method
    )
    with pytest.raises(ImportFileError) as error:
        read_table(write(content), header_score=score)
    assert "повреждён" in error.value.message
