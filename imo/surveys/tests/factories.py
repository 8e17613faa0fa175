"""Surveys for tests: `make_survey(organization=…)` builds a published survey whose current version has two
sections and a question of every kind (codes in `CODES`), one with skip logic and two gap indicators;
`make_response(survey=…, values={code: value})` stores a response the way the answering part does (one
Answer row per value), straight into the tables, so tests of tracking and results need not go through the
answering pages.

Values by kind: single — an option index or a str (the «другое» text); multiple — a list of indexes and/or
one str; scale, number — an int/Decimal; grid — {row index: scale value}; date — a date; short/long text —
a str; file — a stored file name (str).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone

from imo.orgs.models import Organization
from imo.staff.models import Educator
from imo.surveys.models import (
    Answer,
    AudienceKind,
    Mode,
    Question,
    QuestionKind,
    RespondentToken,
    Response,
    ResponseStatus,
    Section,
    Survey,
    SurveyVersion,
)
from imo.surveys.tallies import tallies_rebuild

_counter = {"n": 0}

# Code → kind of the questions `make_survey` creates, in order. "why" is shown only when "single" is 1.
CODES: dict[str, str] = {
    "single": QuestionKind.SINGLE,
    "why": QuestionKind.SHORT_TEXT,
    "multiple": QuestionKind.MULTIPLE,
    "scale": QuestionKind.SCALE,
    "number": QuestionKind.NUMBER,
    "long": QuestionKind.LONG_TEXT,
    "date": QuestionKind.DATE,
    "grid": QuestionKind.GRID,
    "file": QuestionKind.FILE,
}

SINGLE_OPTIONS = ["Да, регулярно", "Иногда", "Нет"]
MULTIPLE_OPTIONS = ["Курсы повышения квалификации", "Вебинары", "Наставничество", "Самообразование"]
GRID_ROWS = ["Интерактивная доска", "Электронный журнал", "Платформа «Сферум»"]


def _question_specs() -> list[dict[str, Any]]:
    return [
        {
            "section": 0,
            "code": "single",
            "kind": QuestionKind.SINGLE,
            "text": "Испытываете ли вы затруднения при подготовке к урокам?",
            "required": True,
            "options": SINGLE_OPTIONS,
            "is_gap_indicator": True,
            "gap_values": [0],
            "gap_topic": "Планирование и подготовка уроков",
        },
        {
            "section": 0,
            "code": "why",
            "kind": QuestionKind.SHORT_TEXT,
            "text": "Какие именно затруднения?",
            "required": True,
            "show_if": "single",
            "show_if_values": [1],
        },
        {
            "section": 0,
            "code": "multiple",
            "kind": QuestionKind.MULTIPLE,
            "text": "Какие формы повышения квалификации вам удобны?",
            "options": MULTIPLE_OPTIONS,
            "allow_other": True,
        },
        {
            "section": 0,
            "code": "scale",
            "kind": QuestionKind.SCALE,
            "text": "Оцените свою готовность работать по обновлённым ФГОС",
            "required": True,
            "scale_min": 1,
            "scale_max": 5,
            "is_gap_indicator": True,
            "gap_values": [1, 2],
            "gap_topic": "Работа по обновлённым ФГОС",
        },
        {
            "section": 1,
            "code": "number",
            "kind": QuestionKind.NUMBER,
            "text": "Сколько часов в неделю вы тратите на проверку тетрадей?",
            "number_min": Decimal(0),
            "number_max": Decimal(60),
        },
        {"section": 1, "code": "long", "kind": QuestionKind.LONG_TEXT, "text": "Ваши предложения"},
        {"section": 1, "code": "date", "kind": QuestionKind.DATE, "text": "Дата последних курсов"},
        {
            "section": 1,
            "code": "grid",
            "kind": QuestionKind.GRID,
            "text": "Как часто вы используете на уроках",
            "grid_rows": GRID_ROWS,
            "scale_min": 1,
            "scale_max": 5,
        },
        {"section": 1, "code": "file", "kind": QuestionKind.FILE, "text": "Приложите план самообразования"},
    ]


def make_survey(
    *,
    organization: Organization,
    title: str | None = None,
    audience: str = AudienceKind.EDUCATORS,
    mode: str = Mode.NAMED,
    is_published: bool = True,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    with_questions: bool = True,
    created_by: Any = None,
    **fields: Any,
) -> Survey:
    """A survey open from a week ago for two weeks (unless dates are given), with version 1 holding the
    questions of `CODES` (none when `with_questions` is False)."""
    _counter["n"] += 1
    now = timezone.now()
    survey = Survey.objects.create(
        organization=organization,
        title=title or f"Анкета № {_counter['n']}",
        audience=audience,
        mode=mode,
        is_published=is_published,
        opens_at=opens_at if opens_at is not None else now - dt.timedelta(days=7),
        closes_at=closes_at if closes_at is not None else now + dt.timedelta(days=14),
        created_by=created_by,
        **fields,
    )
    version = SurveyVersion.objects.create(survey=survey, number=1)
    if with_questions:
        add_questions(version, _question_specs())
    return survey


def add_questions(version: SurveyVersion, specs: Iterable[Mapping[str, Any]]) -> list[Question]:
    """Questions from dicts of Question fields plus `section` (an index; sections are made as needed) and
    `show_if` (the code of an earlier question)."""
    sections: dict[int, Section] = {s.order: s for s in version.sections.all()}
    by_code: dict[str, Question] = {q.code: q for q in version.questions.all()}
    created: list[Question] = []
    for spec in specs:
        data = dict(spec)
        index = int(data.pop("section", 0))
        if index not in sections:
            sections[index] = Section.objects.create(
                version=version, order=index, title=f"Раздел {index + 1}"
            )
        show_if = data.pop("show_if", None)
        question = Question.objects.create(
            version=version,
            section=sections[index],
            order=len(by_code),
            show_if=by_code[show_if] if show_if else None,
            **data,
        )
        by_code[question.code] = question
        created.append(question)
    return created


def current_version(survey: Survey) -> SurveyVersion:
    return survey.versions.order_by("-number").first() or SurveyVersion.objects.create(
        survey=survey, number=1
    )


def questions_of(survey: Survey) -> dict[str, Question]:
    """The current version's questions by code."""
    return {q.code: q for q in current_version(survey).questions.all()}


def make_token(
    survey: Survey,
    *,
    educator: Educator | None = None,
    school: Organization | None = None,
    responded: bool = False,
) -> RespondentToken:
    return RespondentToken.objects.create(
        survey=survey, educator=educator, school=school, responded=responded
    )


def answers_from(
    response: Response, questions: Mapping[str, Question], values: Mapping[str, Any]
) -> list[Answer]:
    """Answer rows (unsaved) for `values` by question code; None values are skipped."""
    rows: list[Answer] = []
    for code, value in values.items():
        if value is None:
            continue
        question = questions[code]
        kind = question.kind
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            items = value if isinstance(value, list | tuple) else [value]
            for item in items:
                if isinstance(item, str):
                    rows.append(Answer(response=response, question=question, text=item))
                else:
                    rows.append(Answer(response=response, question=question, option=int(item)))
        elif kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
            rows.append(Answer(response=response, question=question, number=Decimal(value)))
        elif kind == QuestionKind.GRID:
            rows.extend(
                Answer(response=response, question=question, row=int(row), number=Decimal(number))
                for row, number in dict(value).items()
            )
        elif kind == QuestionKind.DATE:
            rows.append(Answer(response=response, question=question, date=value))
        elif kind == QuestionKind.FILE:
            rows.append(Answer(response=response, question=question, file=str(value)))
        else:
            rows.append(Answer(response=response, question=question, text=str(value)))
    return rows


def make_response(
    *,
    survey: Survey,
    values: Mapping[str, Any] | None = None,
    educator: Educator | None = None,
    school: Organization | None = None,
    status: str = ResponseStatus.SUBMITTED,
    submitted_on: dt.date | None = None,
    version: SurveyVersion | None = None,
    token: RespondentToken | None = None,
) -> Response:
    """A response to the survey's current version (frozen by it), with Answer rows for `values`.

    Anonymous surveys: the response holds no educator or school (they are ignored) — pass the respondent's
    `token` instead and it is marked as answered. Named: the educator's (or the school's) token is marked
    as answered when it exists and the response is submitted."""
    version = version or current_version(survey)
    if version.frozen_at is None:
        version.frozen_at = timezone.now()
        version.save(update_fields=["frozen_at"])
    submitted = status == ResponseStatus.SUBMITTED
    anonymous = survey.mode == Mode.ANONYMOUS
    response = Response.objects.create(
        survey=survey,
        version=version,
        educator=None if anonymous else educator,
        school=None if anonymous else school,
        status=status,
        submitted_on=(submitted_on or timezone.localdate()) if submitted else None,
    )
    if values:
        questions = {q.code: q for q in version.questions.all()}
        Answer.objects.bulk_create(answers_from(response, questions, values))
    if submitted:
        if token is not None:
            RespondentToken.objects.filter(pk=token.pk).update(responded=True)
        elif not anonymous and (educator is not None or school is not None):
            tokens = RespondentToken.objects.filter(survey=survey)
            tokens = (
                tokens.filter(educator=educator) if educator else tokens.filter(school=school, educator=None)
            )
            tokens.update(responded=True)
        tallies_rebuild(survey)  # as sending does: the results page reads the running tallies
    return response


def sample_values(**overrides: Any) -> dict[str, Any]:
    """A complete answer to `make_survey`'s questions ("why" shown: "single" is 1)."""
    values: dict[str, Any] = {
        "single": 1,
        "why": "Не хватает времени на подготовку",
        "multiple": [0, 2, "Стажировки в других школах"],
        "scale": 4,
        "number": 6,
        "long": "Больше практических семинаров в районе",
        "date": dt.date(2025, 3, 14),
        "grid": {0: 5, 1: 3, 2: 1},
    }
    values.update(overrides)
    return values
