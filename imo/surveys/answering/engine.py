"""The questionnaire engine: skip logic, parsing a posted form into values, values into Answer rows and
back, and the blocks `templates/surveys/answering/_questions.html` renders.

Values are a JSON-friendly dict keyed by question `code` (stable across versions, so a draft written on
one version is read on the next): single choice {"option": int | None, "other": str}; multiple choice
{"options": [int], "other": str}; scale int; number str (a decimal, "12.5"); texts str; date "YYYY-MM-DD";
grid {"<row index>": int}; file {"name": storage name, "label": original name}. An anonymous draft is
kept in this form on the RespondentToken, so nothing in it may be anything JSON cannot hold.

Form field names use the question's pk: q<pk> (the value, or the radio/checkbox group), q<pk>_other,
q<pk>_r<row>, q<pk>_clear (remove the attached file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from imo.library.files.detect import check_upload
from imo.surveys.models import Answer, Question, QuestionKind, Response, Section, SurveyVersion

MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_KINDS = ("pdf", "docx", "odt", "xlsx", "pptx", "jpeg", "png")
SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 10000
OTHER = "other"
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})

MSG_REQUIRED = "Ответьте на этот вопрос."
MSG_OPTION = "Выберите один из предложенных вариантов."
MSG_OTHER = "Впишите свой вариант ответа."
MSG_NUMBER = "Введите число, например 12 или 3,5."
MSG_DATE = "Введите дату в виде дд.мм.гггг."
MSG_GRID = "Ответьте на каждую строку таблицы."
MSG_FILE_AGAIN = "Выберите файл ещё раз: после ошибки в форме браузер его не сохраняет."


@dataclass
class Parsed:
    """What `parse` made of a posted form: the clean values of the visible questions and the Russian
    errors by question code."""

    values: dict[str, Any]
    errors: dict[str, list[str]]
    # Files chosen in this post (not yet stored): code -> uploaded file. The service stores them.
    uploads: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


# Questions of answered versions, by (version, when it froze): a frozen version never changes (the builder
# edits a copy), and hundreds of people open the same one; read once per process, not on every page.
_FROZEN: dict[tuple[int, dt.datetime], tuple[Question, ...]] = {}
FROZEN_KEPT = 256


def questions_of(version: SurveyVersion) -> list[Question]:
    """The version's questions in the order of the form, with their sections (one query, none for a
    frozen version read before). The same objects go to every page of a frozen version: read them only."""
    if version.frozen_at is None:
        return _read_questions(version)
    key = (version.pk, version.frozen_at)
    kept = _FROZEN.get(key)
    if kept is None:
        if len(_FROZEN) >= FROZEN_KEPT:
            _FROZEN.clear()
        kept = _FROZEN[key] = tuple(_read_questions(version))
    return list(kept)


def _read_questions(version: SurveyVersion) -> list[Question]:
    return list(
        Question.objects.filter(version=version)
        .select_related("section")
        .order_by("section__order", "section__pk", "order", "pk")
    )


def _ints(items: Iterable[Any]) -> set[int]:
    result: set[int] = set()
    for item in items:
        try:
            result.add(int(item))
        except (TypeError, ValueError):
            continue
    return result


def chosen_values(question: Question, value: Any) -> set[int]:
    """The option indexes (choices) or the number (scale) an answer holds — what skip logic compares."""
    if value is None:
        return set()
    if question.kind == QuestionKind.SINGLE and isinstance(value, dict):
        return _ints([value.get("option")])
    if question.kind == QuestionKind.MULTIPLE and isinstance(value, dict):
        return _ints(value.get("options") or [])
    if question.kind == QuestionKind.SCALE:
        return _ints([value])
    return set()


def visible_questions(questions: Sequence[Question], answers: Mapping[str, Any]) -> list[Question]:
    """The questions shown for these answers (values by code). A question with `show_if` is shown only
    when the controlling question is itself shown and its answer is one of `show_if_values`; the
    controller is always earlier, so one pass in order is enough."""
    by_pk = {question.pk: question for question in questions}
    shown: set[int] = set()
    result: list[Question] = []
    for question in questions:
        if question.show_if_id is not None:
            controller = by_pk.get(question.show_if_id)
            if controller is None or controller.pk not in shown:
                continue
            wanted = _ints(question.show_if_values or [])
            if not chosen_values(controller, answers.get(controller.code)) & wanted:
                continue
        shown.add(question.pk)
        result.append(question)
    return result


def _first(data: Any, name: str) -> str:
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def _all(data: Any, name: str) -> list[str]:
    if hasattr(data, "getlist"):
        return [str(item) for item in data.getlist(name)]
    value = data.get(name, [])
    return [str(item) for item in (value if isinstance(value, list) else [value])]


def parse_number(raw: str) -> Decimal | None:
    text = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse_date(raw: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def _number_text(number: Decimal) -> str:
    text = format(number.quantize(Decimal("0.01")).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _parse_choice(question: Question, data: Any, name: str) -> tuple[Any, str]:
    count = len(question.options or [])
    other = _first(data, f"{name}_other")
    raws = _all(data, name) if question.kind == QuestionKind.MULTIPLE else [_first(data, name)]
    raws = [raw for raw in raws if raw]
    options: list[int] = []
    other_chosen = False
    for raw in raws:
        if raw == OTHER and question.allow_other:
            other_chosen = True
        elif raw.isdecimal() and int(raw) < count:
            options.append(int(raw))
        else:
            return None, MSG_OPTION
    if other_chosen and not other:
        return None, MSG_OTHER
    other = other[:SHORT_TEXT_MAX] if other_chosen else ""
    if not options and not other:
        return None, ""
    if question.kind == QuestionKind.SINGLE:
        if len(options) + int(other_chosen) > 1:
            return None, MSG_OPTION
        return {"option": options[0] if options else None, "other": other}, ""
    return {"options": sorted(set(options)), "other": other}, ""


def _scale_error(question: Question) -> str:
    return f"Выберите значение от {question.scale_min} до {question.scale_max}."


def _parse_scale(question: Question, raw: str) -> tuple[Any, str]:
    if not raw:
        return None, ""
    try:
        number = int(raw)
    except ValueError:
        return None, _scale_error(question)
    if not question.scale_min <= number <= question.scale_max:
        return None, _scale_error(question)
    return number, ""


def _parse_number(question: Question, raw: str) -> tuple[Any, str]:
    if not raw:
        return None, ""
    number = parse_number(raw)
    if number is None or abs(number) >= Decimal("1e12"):
        return None, MSG_NUMBER
    if question.number_min is not None and number < question.number_min:
        return None, f"Число должно быть не меньше {_number_text(Decimal(question.number_min))}."
    if question.number_max is not None and number > question.number_max:
        return None, f"Число должно быть не больше {_number_text(Decimal(question.number_max))}."
    return _number_text(number), ""


def _parse_text(question: Question, raw: str) -> tuple[Any, str]:
    limit = SHORT_TEXT_MAX if question.kind == QuestionKind.SHORT_TEXT else LONG_TEXT_MAX
    if len(raw) > limit:
        return None, f"Не больше {limit} знаков (сейчас {len(raw)})."
    return (raw or None), ""


def _parse_date(raw: str) -> tuple[Any, str]:
    if not raw:
        return None, ""
    day = parse_date(raw)
    if day is None or not dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31):
        return None, MSG_DATE
    return day.isoformat(), ""


def _parse_grid(question: Question, data: Any, name: str) -> tuple[Any, str]:
    rows: dict[str, int] = {}
    for index, _label in enumerate(question.grid_rows or []):
        value, error = _parse_scale(question, _first(data, f"{name}_r{index}"))
        if error:
            return None, error
        if value is not None:
            rows[str(index)] = value
    if rows and question.required and len(rows) < len(question.grid_rows or []):
        return None, MSG_GRID
    return (rows or None), ""


def _parse_file(question: Question, data: Any, files: Any, name: str, previous: Any) -> tuple[Any, Any, str]:
    """(kept value, new upload, error)."""
    upload = files.get(name) if files is not None else None
    if upload:
        try:
            check_upload(upload, max_bytes=MAX_FILE_BYTES, kinds=FILE_KINDS)
        except ValidationError as error:
            return None, None, " ".join(error.messages)
        return None, upload, ""
    if _first(data, f"{name}_clear"):
        return None, None, ""
    return (previous if isinstance(previous, dict) and previous.get("name") else None), None, ""


def _parse_one(question: Question, data: Any, files: Any, previous: Any) -> tuple[Any, Any, str]:
    """(value, new upload, error) of one question."""
    name = f"q{question.pk}"
    kind = question.kind
    raw = _first(data, name)
    if kind == QuestionKind.FILE:
        return _parse_file(question, data, files, name, previous)
    if kind in CHOICE_KINDS:
        value, error = _parse_choice(question, data, name)
    elif kind == QuestionKind.SCALE:
        value, error = _parse_scale(question, raw)
    elif kind == QuestionKind.NUMBER:
        value, error = _parse_number(question, raw)
    elif kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        value, error = _parse_text(question, raw)
    elif kind == QuestionKind.DATE:
        value, error = _parse_date(raw)
    elif kind == QuestionKind.GRID:
        value, error = _parse_grid(question, data, name)
    else:
        value, error = None, ""
    return value, None, error


def parse(
    version: SurveyVersion | None,
    data: Any,
    files: Any = None,
    *,
    questions: Sequence[Question] | None = None,
    previous: Mapping[str, Any] | None = None,
    final: bool = True,
) -> Parsed:
    """The values of a posted form, with a Russian message per wrong question. Hidden questions (skip
    logic, judged on the posted values) are neither required nor kept. `final` = sending: required
    questions must be answered (a draft may be incomplete, but what it holds must be valid). `previous`
    holds the values already saved (a file stays attached unless replaced or removed)."""
    items = list(questions) if questions is not None else questions_of(version)  # type: ignore[arg-type]
    previous = previous or {}
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    uploads: dict[str, Any] = {}
    for question in items:
        value, upload, error = _parse_one(question, data, files, previous.get(question.code))
        if upload is not None:
            uploads[question.code] = upload
            value = {"name": "", "label": str(getattr(upload, "name", ""))}
        if error:
            errors[question.code] = [error]
        elif value is not None:
            values[question.code] = value
    shown = visible_questions(items, values)
    shown_codes = {question.code for question in shown}
    # Hidden questions: their answers and errors are dropped (the browser may have kept what was typed).
    values = {code: value for code, value in values.items() if code in shown_codes}
    errors = {code: messages for code, messages in errors.items() if code in shown_codes}
    uploads = {code: upload for code, upload in uploads.items() if code in shown_codes}
    if final:
        for question in shown:
            if question.required and question.code not in values and question.code not in errors:
                errors[question.code] = [MSG_REQUIRED]
    return Parsed(values=values, errors=errors, uploads=uploads)


def answers_for(
    response: Response, values: Mapping[str, Any], questions: Sequence[Question] | None = None
) -> list[Answer]:
    """The Answer rows (unsaved) of these values for the response's version; unknown codes are skipped.
    File values must already be stored (their "name" is the storage name)."""
    items = list(questions) if questions is not None else questions_of(response.version)
    anonymous = response.educator_id is None and response.school_id is None
    rows: list[Answer] = []
    for question in items:
        value = values.get(question.code)
        if value is not None:
            rows.extend(_answer_rows(response, question, value, anonymous=anonymous))
    return rows


def _choice_rows(response: Response, question: Question, value: dict[str, Any]) -> list[Answer]:
    kind = question.kind
    chosen = value.get("options") if kind == QuestionKind.MULTIPLE else [value.get("option")]
    count = len(question.options or [])
    rows = [
        Answer(response=response, question=question, option=option)
        for option in sorted(_ints(chosen or []))
        if option < count
    ]
    if value.get("other") and question.allow_other:
        rows.append(Answer(response=response, question=question, text=str(value["other"])))
    return rows


def _single_fields(kind: str, value: Any) -> dict[str, Any]:
    """The Answer fields of a one-row value (scale, number, text, date)."""
    if kind == QuestionKind.SCALE:
        return {"number": Decimal(int(value))}
    if kind == QuestionKind.NUMBER:
        return {"number": Decimal(str(value))}
    if kind == QuestionKind.DATE:
        return {"date": dt.date.fromisoformat(str(value))}
    return {"text": str(value)}


def _answer_rows(response: Response, question: Question, value: Any, *, anonymous: bool) -> list[Answer]:
    kind = question.kind
    if kind in CHOICE_KINDS:
        return _choice_rows(response, question, value) if isinstance(value, dict) else []
    if kind == QuestionKind.GRID:
        return [
            Answer(response=response, question=question, row=int(row), number=Decimal(int(number)))
            for row, number in sorted(value.items(), key=lambda item: int(item[0]))
            if int(row) < len(question.grid_rows or [])
        ]
    if kind == QuestionKind.FILE:
        if not (isinstance(value, dict) and value.get("name")):
            return []
        # An anonymous response keeps no original file name: it may well carry the author's name.
        label = "" if anonymous else str(value.get("label") or "")
        return [Answer(response=response, question=question, file=value["name"], text=label)]
    return [Answer(response=response, question=question, **_single_fields(kind, value))]


def values_from_answers(answers: Iterable[Answer]) -> dict[str, Any]:
    """The values of saved answers (their `question` loaded), keyed by code — the inverse of answers_for."""
    values: dict[str, Any] = {}
    for answer in answers:
        if answer.question.kind in CHOICE_KINDS:
            _add_choice(values, answer)
        else:
            _add_value(values, answer)
    return values


def _add_choice(values: dict[str, Any], answer: Answer) -> None:
    question = answer.question
    if question.kind == QuestionKind.SINGLE:
        value = values.setdefault(question.code, {"option": None, "other": ""})
        if answer.option is not None:
            value["option"] = answer.option
        else:
            value["other"] = answer.text
        return
    value = values.setdefault(question.code, {"options": [], "other": ""})
    if answer.option is not None:
        value["options"].append(answer.option)
    else:
        value["other"] = answer.text


def _add_value(values: dict[str, Any], answer: Answer) -> None:
    code = answer.question.code
    kind = answer.question.kind
    if kind == QuestionKind.SCALE and answer.number is not None:
        values[code] = int(answer.number)
    elif kind == QuestionKind.NUMBER and answer.number is not None:
        values[code] = _number_text(answer.number)
    elif kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        values[code] = answer.text
    elif kind == QuestionKind.DATE and answer.date is not None:
        values[code] = answer.date.isoformat()
    elif kind == QuestionKind.GRID and answer.row is not None and answer.number is not None:
        values.setdefault(code, {})[str(answer.row)] = int(answer.number)
    elif kind == QuestionKind.FILE and answer.file:
        values[code] = {"name": answer.file.name, "label": answer.text or "файл"}


def values_to_data(questions: Sequence[Question], values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Saved values as the form would post them (what the blocks render)."""
    data: dict[str, list[str]] = {}
    for question in questions:
        value = values.get(question.code)
        if value is None:
            continue
        name = f"q{question.pk}"
        kind = question.kind
        if kind in CHOICE_KINDS and isinstance(value, dict):
            chosen = value.get("options") if kind == QuestionKind.MULTIPLE else [value.get("option")]
            data[name] = [str(option) for option in chosen or [] if option is not None]
            if value.get("other"):
                data[name].append(OTHER)
                data[f"{name}_other"] = [str(value["other"])]
        elif kind == QuestionKind.GRID and isinstance(value, dict):
            for row, number in value.items():
                data[f"{name}_r{row}"] = [str(number)]
        elif kind == QuestionKind.FILE:
            continue
        elif kind == QuestionKind.NUMBER:
            data[name] = [str(value).replace(".", ",")]  # the Russian decimal comma, as people type it
        else:
            data[name] = [str(value)]
    return data


# --- What the template renders ---------------------------------------------------------------------------


@dataclass
class Choice:
    value: str
    label: str
    checked: bool
    id: str


@dataclass
class GridRow:
    label: str
    name: str
    choices: list[Choice]


@dataclass
class Item:
    """One question as the template shows it."""

    question: Question
    name: str
    number: int
    hidden: bool
    errors: list[str]
    text: str = ""
    choices: list[Choice] = field(default_factory=list)
    other_checked: bool = False
    other_text: str = ""
    rows: list[GridRow] = field(default_factory=list)
    file_label: str = ""
    show_if: str = ""
    show_if_values: str = ""

    @property
    def kind(self) -> str:
        return str(self.question.kind)


@dataclass
class Block:
    section: Section
    items: list[Item]


@dataclass
class QuestionsForm:
    """The context of `_questions.html` (its `form`): sections with their question items."""

    sections: list[Block]
    readonly: bool = False
    has_errors: bool = False


def _scale_choices(question: Question, name: str, current: set[str]) -> list[Choice]:
    return [
        Choice(str(n), str(n), str(n) in current, f"{name}_{n}")
        for n in range(question.scale_min, question.scale_max + 1)
    ]


def _item(
    question: Question, number: int, data: Any, values: Mapping[str, Any], *, hidden: bool, errors: list[str]
) -> Item:
    name = f"q{question.pk}"
    item = Item(question=question, name=name, number=number, hidden=hidden, errors=errors)
    current = set(_all(data, name))
    kind = question.kind
    if kind in CHOICE_KINDS:
        item.choices = [
            Choice(str(index), str(label), str(index) in current, f"{name}_{index}")
            for index, label in enumerate(question.options or [])
        ]
        item.other_checked = OTHER in current
        item.other_text = _first(data, f"{name}_other")
    elif kind == QuestionKind.SCALE:
        item.choices = _scale_choices(question, name, current)
    elif kind == QuestionKind.GRID:
        item.rows = [
            GridRow(
                str(label),
                f"{name}_r{index}",
                _scale_choices(question, f"{name}_r{index}", {_first(data, f"{name}_r{index}")}),
            )
            for index, label in enumerate(question.grid_rows or [])
        ]
    elif kind == QuestionKind.FILE:
        value = values.get(question.code)
        item.file_label = (
            str(value.get("label") or "") if isinstance(value, dict) and value.get("name") else ""
        )
    else:
        item.text = _first(data, name)
    if question.show_if_id is not None:
        item.show_if = f"q{question.show_if_id}"
        item.show_if_values = ",".join(str(value) for value in sorted(_ints(question.show_if_values or [])))
    return item


def questions_form(
    questions: Sequence[Question],
    *,
    values: Mapping[str, Any] | None = None,
    data: Any = None,
    errors: Mapping[str, list[str]] | None = None,
    readonly: bool = False,
) -> QuestionsForm:
    """The blocks to render: from saved `values`, or from the posted `data` when a form comes back with
    errors (what was typed is shown again). The builder's preview calls `questions_form(questions)`."""
    values = dict(values or {})
    errors = dict(errors or {})
    if data is None:
        data = values_to_data(questions, values)
        shown_on = values
    else:
        shown_on = parse(None, data, None, questions=questions, previous=values, final=False).values
    visible = {question.pk for question in visible_questions(questions, shown_on)}
    blocks: list[Block] = []
    for number, question in enumerate(questions, start=1):
        if not blocks or blocks[-1].section.pk != question.section_id:
            blocks.append(Block(section=question.section, items=[]))
        blocks[-1].items.append(
            _item(
                question,
                number,
                data,
                values,
                hidden=question.pk not in visible,
                errors=errors.get(question.code, []),
            )
        )
    return QuestionsForm(sections=blocks, readonly=readonly, has_errors=bool(errors))
