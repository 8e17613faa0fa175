"""The ranking tool and `imo olympiad rank`: good and bad files, the JSON shape."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from imo.olympiads.ranking.protocol import ProtocolError, ToolSettings, rank_file

HEAD = ["ФИО", "Школа", "Класс", "Балл"]
GOOD = [
    ["Иванова Мария", "СОШ № 1", 9, 78],
    ["Петров Пётр", "СОШ № 2", 9, 40],
    ["Алексеев Алексей", "СОШ № 1", 9, 60],
    ["Сидоров Сидор", "СОШ № 2", 10, "55,5"],
    ["Борисова Белла", "СОШ № 1", 10, 20],
]


def write(path: Path, rows, head=HEAD) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, head)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, row)
    book.close()
    return path


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("olympiad", "rank", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_rank_file_by_grade(tmp_path):
    ranked = rank_file(
        write(tmp_path / "p.xlsx", GOOD),
        ToolSettings(max_score=Decimal(100), total_share=Decimal(70), winners_share=Decimal(34)),
    )
    got = [(r.name, r.grade, r.rank, r.status) for r in ranked.rows]
    assert got == [
        ("Иванова Мария", 9, 1, "winner"),
        ("Алексеев Алексей", 9, 2, "prize_winner"),
        ("Петров Пётр", 9, 3, "participant"),
        ("Сидоров Сидор", 10, 1, "prize_winner"),  # winners 34 % of 2 → 0
        ("Борисова Белла", 10, 2, "participant"),
    ]
    assert ranked.rows[3].score == Decimal("55.5")


def test_cli_json_shape_and_defaults(tmp_path):
    code, out, _ = run(str(write(tmp_path / "p.xlsx", GOOD)), "--max-score", "100", "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data) == 5
    assert set(data[0]) >= {"name", "school", "grade", "score", "rank", "status"}
    assert {row["status"] for row in data} <= {"winner", "prize_winner", "participant"}
    first = data[0]
    # defaults 45 / 5 / 50 per grade: grade 9 has 3 → total 1, winners 0
    assert (first["name"], first["rank"], first["status"], first["score"]) == (
        "Иванова Мария",
        1,
        "prize_winner",
        78,
    )


def test_cli_group_none_and_out(tmp_path):
    out_path = tmp_path / "result.xlsx"
    code, out, _ = run(
        str(write(tmp_path / "p.xlsx", GOOD)),
        "--max-score",
        "100",
        "--group-by",
        "none",
        "--quota-total",
        "40",
        "--quota-winners",
        "20",
        "--out",
        str(out_path),
    )
    assert code == 0 and "Участников: 5" in out
    rows = CalamineWorkbook.from_path(str(out_path)).get_sheet_by_index(0).to_python()
    assert rows[0][:6] == ["Место", "ФИО", "Школа", "Класс", "Балл", "Статус"]
    assert rows[1][1] == "Иванова Мария" and rows[1][5] == "победитель"
    assert rows[2][1] == "Алексеев Алексей" and rows[2][5] == "призёр"


def test_missing_score_column_is_fatal(tmp_path):
    path = write(tmp_path / "p.xlsx", [r[:3] for r in GOOD], head=HEAD[:3])
    with pytest.raises(ProtocolError, match="нет столбца с баллами"):
        rank_file(path, ToolSettings(max_score=Decimal(100)))
    code, out, _ = run(str(path), "--max-score", "100", "--json")
    assert code == 2 and "нет столбца с баллами" in json.loads(out)["error"]


def test_bad_cells_reported_by_row_and_column_nothing_written(tmp_path):
    rows = [
        *GOOD,
        ["Ошибкин Олег", "СОШ № 1", 9, "десять"],
        ["Много Баллов", "СОШ № 1", 9, 120],
        ["Минус Мина", "СОШ № 2", 9, -1],
    ]
    out_path = tmp_path / "r.xlsx"
    code, _, err = run(str(write(tmp_path / "p.xlsx", rows)), "--max-score", "100", "--out", str(out_path))
    assert code == 1
    assert "Строка 7, столбец D («Балл»)" in err and "десять" in err
    assert "Строка 8" in err and "больше максимального 100" in err
    assert "Строка 9" in err and "отрицательным" in err
    assert not out_path.exists()


def test_aliases_and_split_names(tmp_path):
    path = write(
        tmp_path / "p.xlsx",
        [["Иванова", "Мария", "9 А", 50]],
        head=["Фамилия", "Имя", "Параллель", "Итоговый балл"],
    )
    ranked = rank_file(path, ToolSettings(max_score=Decimal(50)))
    assert ranked.rows[0].name == "Иванова Мария" and ranked.rows[0].grade == 9


def test_missing_grade_column_when_grouping_by_grade(tmp_path):
    path = write(tmp_path / "p.xlsx", [["Иванова Мария", 50]], head=["ФИО", "Балл"])
    with pytest.raises(ProtocolError, match="Класс"):
        rank_file(path, ToolSettings(max_score=Decimal(50)))
    assert rank_file(path, ToolSettings(max_score=Decimal(50), group_by="none")).rows[0].rank == 1


def test_cli_bad_arguments(tmp_path):
    path = str(write(tmp_path / "p.xlsx", GOOD))
    assert run(path, "--max-score", "abc")[0] == 2
    assert run(path, "--max-score", "100", "--quota-winners", "50", "--quota-total", "40")[0] == 2
    assert run(str(tmp_path / "missing.xlsx"), "--max-score", "100")[0] == 2
