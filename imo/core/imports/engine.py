"""The import itself, as plain functions: `analyse` (what would happen) and `commit` (do it).

Both take a progress callback `progress(percent, message)`; the web pages, the background job and the
command line pass their own. Nothing here knows about requests or jobs.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction

from imo.core.imports import cells
from imo.core.imports.collector import collector_paused
from imo.core.imports.reading import ImportFileError, Table, column_letter, read_table
from imo.core.imports.spec import (
    Column,
    ImportContext,
    ImportSpec,
    Progress,
    RowProblem,
    header_key,
    name_key,
    no_progress,
)

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTION_LABELS = {
    CREATE: "Будет добавлена",
    UPDATE: "Будет изменена",
    UNCHANGED: "Без изменений",
    ERROR: "Ошибка",
}
_PROGRESS_EVERY = 500
_EMAIL_VALIDATOR = EmailValidator()
_URL_VALIDATOR = URLValidator(schemes=["http", "https"])
# Plain addresses (nearly all of them) matched by patterns that accept only what Django's validators
# accept too; anything else goes to those validators. Django's URL pattern alone costs ~30 µs a cell.
_PLAIN_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PLAIN_EMAIL = re.compile(
    rf"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:{_PLAIN_LABEL}\.)+[a-z]{{2,63}}", re.IGNORECASE
)
_PLAIN_URL = re.compile(rf"https?://(?:{_PLAIN_LABEL}\.)+[a-z]{{2,63}}\.?(?:/[^\s]*)?", re.IGNORECASE)


@dataclass
class Problem:
    row: int | None
    column: str | None  # the header as written in the file (or the template's, for a missing column)
    message: str
    cell: str = ""  # "F7"
    url: str = ""  # a page where the user can act on it (warnings: e.g. the duplicates page)
    url_text: str = ""

    def as_dict(self) -> dict[str, Any]:
        found = {"row": self.row, "column": self.column, "message": self.message, "cell": self.cell}
        if self.url:
            found.update(url=self.url, url_text=self.url_text)
        return found


@dataclass
class RowResult:
    number: int
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)  # errors: the row is not saved
    warnings: list[Problem] = field(default_factory=list)  # for a human to look at: the row is saved
    existing: Any = None
    action: str = ""
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    label: str = ""


@dataclass
class Analysis:
    """What an import would do (and, after `commit`, what it did)."""

    rows: list[RowResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # file-level: missing columns, …
    notes: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    fatal: str = ""  # the file could not be read at all
    format: str = ""
    header_row: int = 0
    saved: bool = False
    saved_counts: dict[str, int] = field(default_factory=dict)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def errors(self) -> list[Problem]:
        found = list(self.problems)
        for row in self.rows:
            found.extend(row.problems)
        return found

    @property
    def has_errors(self) -> bool:
        return bool(self.fatal or self.problems or any(row.problems for row in self.rows))

    @property
    def warnings(self) -> list[Problem]:
        """Problems that do not keep their rows out (never counted by `has_errors`)."""
        return [warning for row in self.rows for warning in row.warnings]

    def summary(self) -> dict[str, Any]:
        """The command line's --json: {"rows", "created", "updated", "unchanged", "errors"}, and
        "warnings" (same shape as "errors") when there are any."""
        counts = (
            self.saved_counts
            if self.saved
            else {
                "created": self.count(CREATE),
                "updated": self.count(UPDATE),
                "unchanged": self.count(UNCHANGED),
            }
        )
        errors: list[dict[str, Any]] = (
            [{"row": None, "column": None, "message": self.fatal}] if self.fatal else []
        )
        errors += [{"row": p.row, "column": p.column, "message": p.message} for p in self.errors]
        found: dict[str, Any] = {
            "rows": len(self.rows),
            "created": counts.get("created", 0),
            "updated": counts.get("updated", 0),
            "unchanged": counts.get("unchanged", 0),
            "errors": errors,
        }
        warnings = self.warnings
        if warnings:
            found["warnings"] = [{"row": p.row, "column": p.column, "message": p.message} for p in warnings]
        return found

    def report(self, spec: ImportSpec) -> dict[str, Any]:
        """Everything the preview page shows, as JSON-ready data (kept on the ImportRun)."""
        return {
            "format": self.format,
            "header_row": self.header_row,
            "fatal": self.fatal,
            "notes": self.notes,
            "ignored_columns": self.ignored_columns,
            "rows": len(self.rows),
            "created": self.count(CREATE),
            "updated": self.count(UPDATE),
            "unchanged": self.count(UNCHANGED),
            "invalid": self.count(ERROR),
            "errors": [problem.as_dict() for problem in self.errors],
            # Reports kept before warnings existed have neither key: readers use .get(…, []).
            "warnings": [problem.as_dict() for problem in self.warnings],
            "warned": sum(1 for row in self.rows if row.warnings),
            "items": [
                [row.number, row.action, row.label, _changes_for_display(spec, row.changes)]
                for row in self.rows
            ],
            "saved": self.saved,
            "saved_counts": self.saved_counts,
        }


def display(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _changes_for_display(spec: ImportSpec, changes: dict[str, tuple[Any, Any]]) -> list[list[str]]:
    shown = []
    for key, (old, new) in changes.items():
        column = spec.column(key) if any(c.key == key for c in spec.columns) else None
        label = column.header if column else key
        labels = dict(column.choices) if column is not None and column.choices else {}
        shown.append([label, display(labels.get(old, old)), display(labels.get(new, new))])
    return shown


# --- headers -------------------------------------------------------------------------------------


@dataclass
class HeaderMap:
    positions: dict[str, int]  # column key → index in the row
    file_headers: dict[str, str]  # column key → the header as written in the file
    ignored: list[str]
    problems: list[Problem]


def map_headers(spec: ImportSpec, headers: list[str]) -> HeaderMap:
    index = spec.header_index()
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for position, header in enumerate(headers):
        if not header:
            continue
        column = index.get(header_key(header))
        if column is None:
            ignored.append(header)
        elif column.key in positions:
            problems.append(
                Problem(
                    None,
                    header,
                    f"Столбец «{column.header}» встречается дважды (столбцы "
                    f"{column_letter(positions[column.key])} и {column_letter(position)}). Оставьте один.",
                )
            )
        else:
            positions[column.key] = position
            written[column.key] = header
    for column in spec.columns:
        if column.required and column.key not in positions:
            problems.append(
                Problem(
                    None,
                    column.header,
                    f"В файле нет обязательного столбца «{column.header}». Возьмите заголовки из шаблона.",
                )
            )
    return HeaderMap(positions, written, ignored, problems)


# --- cells ---------------------------------------------------------------------------------------


def _choice_index(column: Column) -> dict[str, str]:
    index: dict[str, str] = {}
    for value, label in column.choices:
        index[name_key(label)] = value
        index[name_key(value)] = value
    for label, value in column.choice_aliases:
        index.setdefault(name_key(label), value)
    return index


def _lookup_index(column: Column, context: ImportContext) -> dict[str, list[Any]]:
    assert column.lookup is not None
    index: dict[str, list[Any]] = {}
    for obj, names in column.lookup.options(context):
        for name in names:
            key = name_key(name)
            if key and obj not in index.setdefault(key, []):
                index[key].append(obj)
    return index


class _CellReader:
    """Normalises and validates the cells of one column."""

    def __init__(self, column: Column, context: ImportContext) -> None:
        self.column = column
        self.choices = _choice_index(column) if column.choices else {}
        self.lookup = _lookup_index(column, context) if column.lookup else {}
        self.convert: Any = (
            (lambda raw: self._lookup(cells.to_text(raw)))
            if column.lookup is not None
            else getattr(self, f"_{column.type.value}")
        )
        self.max_length = column.max_length or 0
        self.validator = column.validator

    def read(self, raw: Any) -> Any:
        value = self.convert(raw)
        if self.max_length and isinstance(value, str) and len(value) > self.max_length:
            raise cells.CellError(
                f"Слишком длинное значение: {len(value)} знаков, можно не больше {self.max_length}."
            )
        if self.validator is not None:
            try:
                self.validator(value)
            except ValidationError as error:
                raise cells.CellError(" ".join(error.messages)) from None
        return value

    _text = staticmethod(cells.to_text)
    _integer = staticmethod(cells.to_int)
    _decimal = staticmethod(cells.to_decimal)
    _date = staticmethod(cells.to_date)
    _boolean = staticmethod(cells.to_bool)

    def _digits(self, raw: Any) -> str:
        return cells.to_digits(raw, self.column.digits)

    def _choice(self, raw: Any) -> str:
        text = cells.to_text(raw)
        value = self.choices.get(name_key(text))
        if value is None:
            allowed = ", ".join(f"«{label}»" for _, label in self.column.choices)
            raise cells.CellError(f"Значение «{text}» не из списка. Допустимо: {allowed}.")
        return value

    def _email(self, raw: Any) -> str:
        value = cells.to_text(raw).replace(" ", "")
        if len(value) <= 254 and _PLAIN_EMAIL.fullmatch(value):
            return value
        try:
            _EMAIL_VALIDATOR(value)
        except ValidationError:
            raise cells.CellError(f"«{value}» — не адрес электронной почты.") from None
        return value

    def _url(self, raw: Any) -> str:
        value = cells.to_text(raw).replace(" ", "")
        if "://" not in value:
            value = f"https://{value}"
        if len(value) <= 253 and _PLAIN_URL.fullmatch(value):
            return value
        try:
            _URL_VALIDATOR(value)
        except ValidationError:
            raise cells.CellError(f"«{cells.to_text(raw)}» — не адрес сайта.") from None
        return value

    def _lookup(self, text: str) -> Any:
        found = self.lookup.get(name_key(text), [])
        noun = self.column.lookup.noun if self.column.lookup else "значение"
        if not found:
            raise cells.CellError(f"{noun.capitalize()} «{text}» не найден среди доступных вам.")
        if len(found) > 1:
            raise cells.CellError(f"Под названием «{text}» несколько объектов ({noun}): уточните название.")
        return found[0]


# --- analyse and commit --------------------------------------------------------------------------


def analyse_table(
    spec: ImportSpec, table: Table, context: ImportContext, progress: Progress = no_progress
) -> Analysis:
    analysis = Analysis(notes=list(table.notes), format=table.format, header_row=table.header_row)
    headers = map_headers(spec, table.headers)
    analysis.ignored_columns = headers.ignored
    analysis.problems = headers.problems
    if headers.problems:
        return analysis
    if headers.ignored:
        analysis.notes.append(
            "Столбцы не загружаются (их нет в шаблоне): " + ", ".join(f"«{h}»" for h in headers.ignored) + "."
        )
    spec.prepare(context)
    readers = [
        (
            column,
            headers.positions[column.key],
            headers.file_headers[column.key],
            _CellReader(column, context),
        )
        for column in spec.columns
        if column.key in headers.positions
    ]
    examples = _example_signatures(spec, context, headers)
    total = len(table.rows) or 1
    progress(5, "Проверка строк…")
    for done, source in enumerate(table.rows, start=1):
        if examples and _is_example(source.cells, headers, examples):
            analysis.notes.append(f"Строка {source.number} — пример из шаблона — пропущена.")
            continue
        analysis.rows.append(_read_row(spec, source.number, source.cells, readers, table))
        if done % _PROGRESS_EVERY == 0:
            progress(5 + 35 * done // total, f"Проверено строк: {done} из {len(table.rows)}")
    _mark_duplicates(spec, context, analysis, headers)
    progress(42, "Поиск совпадений с уже загруженными данными…")
    spec.fetch(context, [row.values for row in analysis.rows if not row.problems])
    for done, row in enumerate(analysis.rows, start=1):
        _match_row(spec, context, row, headers)
        if done % _PROGRESS_EVERY == 0:
            progress(45 + 5 * done // total, f"Сопоставлено строк: {done} из {len(analysis.rows)}")
    progress(50, "Проверка завершена")
    return analysis


def _example_signatures(spec: ImportSpec, context: ImportContext, headers: HeaderMap) -> list[dict[str, str]]:
    """The template's example rows as text by column, to skip them when a user leaves one in."""
    signatures = []
    for row in spec.example_rows(context):
        signature = {
            key: cells.to_text(value)
            for key, value in row.items()
            if key in headers.positions and not cells.is_blank(value)
        }
        if len(signature) >= 3:
            signatures.append(signature)
    return signatures


def _is_example(raw_cells: tuple[Any, ...], headers: HeaderMap, examples: list[dict[str, str]]) -> bool:
    for signature in examples:
        if all(cells.to_text(raw_cells[headers.positions[key]]) == text for key, text in signature.items()):
            return True
    return False


def _read_row(
    spec: ImportSpec,
    number: int,
    raw_cells: tuple[Any, ...],
    readers: list[tuple[Column, int, str, _CellReader]],
    table: Table,
) -> RowResult:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for column, position, written, reader in readers:
        raw = raw_cells[position]
        blank = raw is None or raw == "" or (type(raw) is str and not raw.strip())
        if blank or (type(raw) is float and math.isnan(raw)):
            cell = f"{column_letter(position)}{number}"
            if (number, position) in table.formulas_without_value:
                problems.append(
                    Problem(
                        number,
                        written,
                        "В ячейке формула без вычисленного значения: откройте файл в Excel, сохраните его "
                        "и загрузите снова (или замените формулу значением).",
                        cell,
                    )
                )
            elif column.required:
                problems.append(Problem(number, written, "Обязательная ячейка не заполнена.", cell))
            continue
        try:
            values[column.key] = reader.read(raw)
        except cells.CellError as error:
            problems.append(Problem(number, written, str(error), f"{column_letter(position)}{number}"))
    if spec.row_number_key:
        values[spec.row_number_key] = number
    result = RowResult(number, values, problems)
    result.label = spec.describe(values) or f"Строка {number}"
    return result


def _mark_duplicates(
    spec: ImportSpec, context: ImportContext, analysis: Analysis, headers: HeaderMap
) -> None:
    seen: dict[Hashable, int] = {}
    for row in analysis.rows:
        problem_columns = {p.column for p in row.problems}
        for key_column, what, key in spec.keys(context, row.values):
            written = headers.file_headers.get(key_column, key_column)
            if written in problem_columns:
                continue
            first = seen.setdefault(key, row.number)
            if first != row.number:
                row.problems.append(
                    Problem(
                        row.number,
                        written,
                        f"Повторяет строку {first}: {what}.",
                        _cell(headers, key_column, row.number),
                    )
                )


def _cell(headers: HeaderMap, key: str | None, number: int) -> str:
    if key is None or key not in headers.positions:
        return ""
    return f"{column_letter(headers.positions[key])}{number}"


def _match_row(spec: ImportSpec, context: ImportContext, row: RowResult, headers: HeaderMap) -> None:
    def problem(error: RowProblem) -> Problem:
        column = headers.file_headers.get(error.column, None) if error.column else None
        if error.column and column is None:
            column = (
                spec.column(error.column).header if any(c.key == error.column for c in spec.columns) else None
            )
        return Problem(
            row.number,
            column,
            error.message,
            _cell(headers, error.column, row.number),
            error.url,
            error.url_text,
        )

    if row.problems:
        row.action = ERROR
        return
    try:
        row.existing = spec.find(context, row.values)
    except RowProblem as error:
        row.problems.append(problem(error))
        row.action = ERROR
        return
    spec.complete(context, row.values, row.existing)
    row.problems.extend(problem(error) for error in spec.check(context, row.values, row.existing))
    if row.problems:
        row.action = ERROR
        return
    row.warnings.extend(problem(warning) for warning in spec.warnings(context, row.values, row.existing))
    if row.existing is None:
        row.action = CREATE
        return
    row.changes = spec.changes(context, row.existing, row.values)
    row.action = UPDATE if row.changes else UNCHANGED


def analyse_file(
    spec: ImportSpec, path: str | Path, context: ImportContext, progress: Progress = no_progress
) -> Analysis:
    """Read and analyse; an unreadable file gives an Analysis with `fatal` set (never an exception)."""
    progress(1, "Чтение файла…")
    with collector_paused():
        try:
            table = read_table(path, header_score=spec.header_score)
        except ImportFileError as error:
            return Analysis(fatal=error.message)
        return analyse_table(spec, table, context, progress)


def commit_analysis(
    spec: ImportSpec,
    analysis: Analysis,
    context: ImportContext,
    *,
    valid_only: bool = False,
    by: Any | None = None,
    progress: Progress = no_progress,
) -> Analysis:
    """Save what `analysis` found: everything, or (valid_only) the rows without problems. With problems
    and without valid_only nothing is saved. One transaction: a failure saves nothing."""
    if analysis.fatal or analysis.problems:
        return analysis
    if analysis.has_errors and not valid_only:
        return analysis
    creates = [row.values for row in analysis.rows if row.action == CREATE]
    updates = [
        (row.existing, {key: new for key, (_, new) in row.changes.items()})
        for row in analysis.rows
        if row.action == UPDATE
    ]

    def saving(fraction: float, message: str = "") -> None:
        progress(50 + int(49 * fraction), message or "Сохранение…")

    progress(50, f"Сохранение: новых {len(creates)}, изменённых {len(updates)}…")
    if creates or updates:
        with collector_paused(), transaction.atomic():
            spec.save(context, creates, updates, by=by, progress=lambda p, m: saving(p / 100, m))
    analysis.saved = True
    analysis.saved_counts = {
        "created": len(creates),
        "updated": len(updates),
        "unchanged": analysis.count(UNCHANGED),
        "skipped": analysis.count(ERROR),
    }
    progress(100, "Готово")
    return analysis


def import_file(
    spec: ImportSpec,
    path: str | Path,
    context: ImportContext,
    *,
    dry_run: bool = False,
    valid_only: bool = False,
    by: Any | None = None,
    progress: Progress = no_progress,
) -> Analysis:
    """Read, check and (unless dry_run) save a file in one call: the command line and the benchmark."""
    analysis = analyse_file(spec, path, context, progress)
    if dry_run:
        return analysis
    return commit_analysis(spec, analysis, context, valid_only=valid_only, by=by, progress=progress)
