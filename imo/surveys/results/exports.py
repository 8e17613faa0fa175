"""Excel of a survey's results: every response × question (raw) and the per-question summary.

The raw export streams: responses and answers are read with `.iterator()` in response order and written
row by row by imo.core.xlsx.SheetWriter (the project's streaming writer: ~3× faster than xlsxwriter's
constant_memory mode, see docs/decisions/0010-own-xlsx-writer-for-exports.md), so 25,000 × 30 stays in
flat memory. An anonymous survey's sheet has no name, school or number of the response: only the day.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import F

from imo.core.xlsx import SheetWriter, write_sheet
from imo.surveys.models import AudienceKind, Mode, Question, QuestionKind, Survey
from imo.surveys.results.aggregation import (
    CHOICE_KINDS,
    OTHER_LABEL,
    Filters,
    Results,
    answers_of,
    responses_of,
)

CHUNK = 5000


def _columns(questions: list[Question]) -> tuple[list[str], dict[tuple[str, int | None], int]]:
    """Headers of the question columns and (code, grid row) → column index (a grid: a column per row)."""
    headers: list[str] = []
    index: dict[tuple[str, int | None], int] = {}
    for question in questions:
        if question.kind == QuestionKind.GRID:
            for row, label in enumerate(question.grid_rows):
                index[(question.code, row)] = len(headers)
                headers.append(f"{question.text}: {label}")
        else:
            index[(question.code, None)] = len(headers)
            headers.append(question.text)
    return headers, index


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def raw_xlsx(*, survey: Survey, filters: Filters, questions: list[Question]) -> bytes:
    named = survey.mode == Mode.NAMED
    by_school = survey.audience == AudienceKind.SCHOOLS
    question_headers, column_of = _columns(questions)
    lead = ["Дата отправки"]
    if named:
        lead = ["Организация", "Дата отправки"] if by_school else ["Педагог", "Организация", "Дата отправки"]
    writer = SheetWriter(
        [*lead, *question_headers], [30] * (len(lead) - 1) + [14] + [24] * len(question_headers), "Ответы"
    )
    options = {q.code: [str(o) for o in q.options] for q in questions}
    kinds = {q.code: q.kind for q in questions}
    width = len(question_headers)

    responses = responses_of(survey, filters).order_by("pk")
    if named:
        meta: Iterator[tuple[Any, ...]] = responses.values_list(
            "pk",
            "educator__last_name",
            "educator__first_name",
            "educator__patronymic",
            F("school__short_name"),
            F("school__name"),
            "submitted_on",
        ).iterator(chunk_size=CHUNK)
    else:
        meta = responses.values_list("pk", "submitted_on").iterator(chunk_size=CHUNK)
    answers = (
        answers_of(survey, filters)
        .order_by("response_id", "pk")
        .values_list("response_id", "question__code", "option", "row", "number", "date", "text", "file")
        .iterator(chunk_size=CHUNK)
    )
    pending = next(answers, None)
    for record in meta:
        pk = record[0]
        cells: list[Any] = [None] * width
        while pending is not None and pending[0] < pk:
            pending = next(answers, None)  # an answer of a response the filters left out
        while pending is not None and pending[0] == pk:
            _, code, option, row, number, date, text, file = pending
            column = column_of.get((code, row))
            if column is not None:
                cells[column] = _cell(
                    cells[column],
                    kinds[code],
                    options[code],
                    option=option,
                    number=number,
                    date=date,
                    text=text,
                    file=file,
                )
            pending = next(answers, None)
        if named:
            _, last, first, patronymic, short, name, day = record
            who = " ".join(part for part in (last, first, patronymic) if part)
            start = [short or name or "", day] if by_school else [who, short or name or "", day]
        else:
            start = [record[1]]
        writer.add_row([*start, *cells])
    return writer.close()


def _cell(
    current: Any,
    kind: str,
    options: list[str],
    *,
    option: int | None,
    number: Decimal | None,
    date: Any,
    text: str,
    file: str,
) -> Any:
    """One answer's value in the question's cell; a multiple choice joins its values with «; »."""
    if kind in CHOICE_KINDS:
        if option is not None:
            value = options[option] if 0 <= option < len(options) else str(option)
        else:
            value = f"{OTHER_LABEL}: {text}"
        return f"{current}; {value}" if current else value
    if number is not None:
        return _number(number)
    if date is not None:
        return date
    return file or text


def summary_xlsx(*, results: Results, school_results: Results | None = None, school_label: str = "") -> bytes:
    """Per question and value: count and share (and a school admin's school beside the district)."""
    headers = ["Вопрос", "Вариант / показатель", "Ответов", "Доля ответивших, %"]
    if school_results is not None:
        headers += [f"{school_label}: ответов", f"{school_label}: доля, %"]
    school = school_results.by_code() if school_results is not None else {}
    rows: list[list[Any]] = [["Всего ответов", "", results.total, None]]
    if school_results is not None:
        rows[0] += [school_results.total, None]
    for item in results.questions:
        other = school.get(item.question.code)
        lines: list[tuple[str, Any, Any, Any, Any]] = [
            ("Ответили на вопрос", item.answered, None, other.answered if other else None, None)
        ]
        for index, row in enumerate(item.rows):
            mine = other.rows[index] if other and index < len(other.rows) else None
            lines.append(
                (row.label, row.count, row.share, mine.count if mine else None, mine.share if mine else None)
            )
        for index, grid in enumerate(item.grid):
            mine_grid = other.grid[index] if other and index < len(other.grid) else None
            lines.append(
                (f"{grid.label}: среднее", grid.average, None, mine_grid.average if mine_grid else None, None)
            )
        for label, value, mine_value in (
            ("Среднее", item.average, other.average if other else None),
            ("Наименьшее", item.minimum, other.minimum if other else None),
            ("Наибольшее", item.maximum, other.maximum if other else None),
        ):
            if value is not None:
                lines.append((label, value, None, mine_value, None))
        for label, count, share, mine_count, mine_share in lines:
            line = [item.question.text, label, count, share]
            if school_results is not None:
                line += [mine_count, mine_share]
            rows.append(line)
    widths = [50, 40, 12, 14] + ([14, 14] if school_results is not None else [])
    return write_sheet(headers, widths, rows, "Сводка")
