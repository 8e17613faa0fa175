"""The ranking tool: a protocol of any olympiad or contest in Excel (name, school, grade, score) ranked with
statuses by the same engine as the stages (olympiads.md, 7–10). Used by the page and by
`imo olympiad rank FILE`.

Bad files produce nothing: a missing name or score column is a fatal message; text in a score cell, a score
above the maximum or below zero, a grade that is not a number are errors by row and column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from imo.core.excel import ExportColumn, write_xlsx
from imo.core.imports.cells import CellError, is_blank, to_decimal, to_text
from imo.core.imports.reading import ImportFileError, column_letter, read_table
from imo.core.text import fold
from imo.olympiads.ranking.engine import Entry, QuotaRule, number, rank_entries

STATUS_LABELS = {"winner": "победитель", "prize_winner": "призёр", "participant": "участник"}

# Folded header → the field it names.
ALIASES: dict[str, str] = {}
for _field, _names in {
    "name": (
        "фио",
        "ф.и.о.",
        "ф. и. о.",
        "фамилия имя отчество",
        "фамилия, имя, отчество",
        "фамилия имя",
        "фамилия, имя",
        "участник",
        "обучающийся",
        "фио участника",
        "фамилия и имя",
    ),
    "last_name": ("фамилия",),
    "first_name": ("имя",),
    "patronymic": ("отчество",),
    "school": (
        "школа",
        "оо",
        "образовательная организация",
        "учреждение",
        "организация",
        "оу",
        "наименование оо",
        "место учёбы",
    ),
    "grade": ("класс", "параллель", "класс участия", "класс выполнения", "класс обучения"),
    "score": (
        "балл",
        "баллы",
        "итоговый балл",
        "сумма баллов",
        "итого",
        "результат",
        "сумма",
        "набранный балл",
        "количество баллов",
        "всего баллов",
        "итоговый результат",
    ),
}.items():
    for _name in _names:
        ALIASES[fold(_name)] = _field


class ProtocolError(ValueError):
    """The file cannot be ranked: `messages` say why (one fatal message or errors by row and column)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class ToolSettings:
    max_score: Decimal
    total_share: Decimal = Decimal(45)
    winners_share: Decimal = Decimal(5)
    min_award_share: Decimal = Decimal(50)
    rounding: str = "down"
    group_by: str = "grade"  # "grade" or "none"

    @property
    def rule(self) -> QuotaRule:
        return QuotaRule(self.total_share, self.winners_share, self.min_award_share, self.rounding)


@dataclass
class ProtocolRow:
    row: int
    name: str
    school: str
    grade: int | None
    score: Decimal
    rank: int | None = None
    status: str = ""
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "name": self.name,
            "school": self.school,
            "grade": self.grade,
            "score": _json_number(self.score),
            "rank": self.rank,
            "status": self.status,
            "reason": self.reason,
        }


@dataclass
class RankedProtocol:
    rows: list[ProtocolRow]
    settings: ToolSettings
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_LABELS, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _header_fields(headers: Sequence[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = fold(to_text(header)).strip(" :*")
        field_name = ALIASES.get(key)
        if field_name and field_name not in found:
            found[field_name] = index
    return found


def _score_headers(cells: Sequence[Any]) -> int:
    return len(_header_fields(cells))


_GRADE = re.compile(r"^\s*(\d{1,2})")


def _grade(value: Any) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        grade = int(value)
    else:
        match = _GRADE.match(to_text(value))
        if not match:
            raise CellError(f"Ожидается номер класса, а в ячейке «{to_text(value)}».")
        grade = int(match.group(1))
    if not 1 <= grade <= 11:
        raise CellError(f"Класс должен быть от 1 до 11, а в ячейке {grade}.")
    return grade


def _check_columns(columns: dict[str, int], settings: ToolSettings) -> None:
    if "score" not in columns:
        raise ProtocolError(
            ["В файле нет столбца с баллами. Назовите его «Балл» (или «Итоговый балл», «Сумма баллов»)."]
        )
    if "name" not in columns and "last_name" not in columns:
        raise ProtocolError(["В файле нет столбца с участниками. Назовите его «ФИО» (или «Фамилия», «Имя»)."])
    if settings.group_by == "grade" and "grade" not in columns:
        raise ProtocolError(
            ["В файле нет столбца «Класс». Добавьте его или выберите рейтинг без деления на классы."]
        )


@dataclass
class _Reader:
    headers: list[str]
    columns: dict[str, int]
    settings: ToolSettings

    def header(self, field_name: str) -> str:
        index = self.columns[field_name]
        return f"{column_letter(index)} («{to_text(self.headers[index])}»)"

    def cell(self, cells: Sequence[Any], field_name: str) -> Any:
        index = self.columns.get(field_name)
        return cells[index] if index is not None and index < len(cells) else None

    def name(self, cells: Sequence[Any]) -> str:
        if "name" in self.columns:
            return to_text(self.cell(cells, "name") or "")
        parts = (self.cell(cells, part) for part in ("last_name", "first_name", "patronymic"))
        return " ".join(to_text(part) for part in parts if not is_blank(part))

    def score(self, number_: int, raw: Any) -> Decimal:
        where = f"Строка {number_}, столбец {self.header('score')}"
        if is_blank(raw):
            raise CellError(f"{where}: нет балла.")
        try:
            score = to_decimal(raw)
        except CellError as error:
            raise CellError(f"{where}: {error}") from None
        if score < 0:
            raise CellError(f"{where}: балл не может быть отрицательным ({number(score)}).")
        if score > self.settings.max_score:
            raise CellError(
                f"{where}: балл {number(score)} больше максимального {number(self.settings.max_score)}."
            )
        return score

    def grade(self, number_: int, cells: Sequence[Any]) -> int | None:
        raw = self.cell(cells, "grade")
        if "grade" in self.columns and not is_blank(raw):
            try:
                return _grade(raw)
            except CellError as error:
                raise CellError(f"Строка {number_}, столбец {self.header('grade')}: {error}") from None
        if self.settings.group_by == "grade":
            raise CellError(f"Строка {number_}, столбец {self.header('grade')}: не указан класс.")
        return None


def read_protocol(path: str | Path, settings: ToolSettings) -> list[ProtocolRow]:
    """Read and check the protocol; raise ProtocolError with Russian messages when anything is wrong."""
    try:
        table = read_table(path, header_score=_score_headers)
    except ImportFileError as error:
        raise ProtocolError([str(error)]) from None
    columns = _header_fields(table.headers)
    _check_columns(columns, settings)
    reader = _Reader(table.headers, columns, settings)
    rows: list[ProtocolRow] = []
    errors: list[str] = []
    for source in table.rows:
        cells = source.cells
        name = reader.name(cells)
        raw_score = reader.cell(cells, "score")
        if not name and is_blank(raw_score):
            continue
        try:
            score = reader.score(source.number, raw_score)
            grade = reader.grade(source.number, cells)
        except CellError as error:
            errors.append(str(error))
            continue
        school = to_text(reader.cell(cells, "school") or "")
        rows.append(ProtocolRow(source.number, name, school, grade, score))
    if errors:
        raise ProtocolError(errors)
    if not rows:
        raise ProtocolError(["В файле нет ни одной строки с участником и баллом."])
    return rows


def rank_protocol(rows: list[ProtocolRow], settings: ToolSettings) -> RankedProtocol:
    by_grade = settings.group_by == "grade"
    entries = [
        Entry(index, fold(row.name), row.grade if by_grade else 0, row.score, settings.max_score)
        for index, row in enumerate(rows)
    ]
    outcomes = rank_entries(entries, settings.rule)
    for index, row in enumerate(rows):
        outcome = outcomes[index]
        row.rank, row.status, row.reason = outcome.rank, outcome.status, outcome.reason
    names = {index: entries[index].name_key for index in range(len(rows))}
    order = sorted(
        range(len(rows)),
        key=lambda i: ((rows[i].grade or 0) if by_grade else 0, rows[i].rank or 0, names[i], i),
    )
    return RankedProtocol([rows[i] for i in order], settings)


def rank_file(path: str | Path, settings: ToolSettings) -> RankedProtocol:
    return rank_protocol(read_protocol(path, settings), settings)


def protocol_xlsx(ranked: RankedProtocol) -> bytes:
    columns = [
        ExportColumn("Место", lambda r: r.rank, 8),
        ExportColumn("ФИО", lambda r: r.name, 36),
        ExportColumn("Школа", lambda r: r.school, 30),
        ExportColumn("Класс", lambda r: r.grade, 8),
        ExportColumn("Балл", lambda r: _json_number(r.score), 10),
        ExportColumn("Статус", lambda r: STATUS_LABELS[r.status], 14),
        ExportColumn("Почему такой статус", lambda r: r.reason, 80),
        ExportColumn("Строка файла", lambda r: r.row, 10),
    ]
    return write_xlsx(columns, ranked.rows, sheet_name="Рейтинг")
