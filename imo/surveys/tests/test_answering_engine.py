"""The engine: every kind parsed, Russian messages, skip logic (a hidden required question is not
required; a hidden answer is dropped), values ↔ answers round trip, and the blocks the template renders."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.template.loader import render_to_string

from imo.library.tests.files_fixtures import pdf_bytes
from imo.orgs.tests.factories import make_district
from imo.surveys.answering import engine
from imo.surveys.models import Response, ResponseStatus
from imo.surveys.tests.answering_fixtures import Made, make_survey


@pytest.fixture
def made(db) -> Made:
    return make_survey(make_district())


def post(made: Made, **fields: Any) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        code, _, suffix = key.partition("__")
        name = f"q{made.q[code].pk}" + (f"_{suffix}" if suffix else "")
        for item in value if isinstance(value, list) else [value]:
            data.appendlist(name, str(item))
    return data


def full(made: Made) -> QueryDict:
    return post(
        made,
        stage="0",
        mentor="Иванова А. П.",
        topics=["0", "2", "other"],
        topics__other="Работа с родителями",
        stress="4",
        hours="12,5",
        story="Не хватает времени\nна подготовку.",
        course="01.03.2025",
        skills__r0="3",
        skills__r1="5",
    )


def test_every_kind_parsed(made: Made) -> None:
    parsed = engine.parse(made.version, full(made), {})
    assert parsed.errors == {}
    assert parsed.values == {
        "stage": {"option": 0, "other": ""},
        "mentor": "Иванова А. П.",
        "topics": {"options": [0, 2], "other": "Работа с родителями"},
        "stress": 4,
        "hours": "12.5",
        "story": "Не хватает времени\nна подготовку.",
        "course": "2025-03-01",
        "skills": {"0": 3, "1": 5},
    }


def test_iso_date_from_the_browser_picker(made: Made) -> None:
    assert engine.parse(made.version, post(made, stage="1", course="2025-03-01"), {}).values["course"] == (
        "2025-03-01"
    )


def test_messages_in_russian(made: Made) -> None:
    data = post(
        made, stage="7", stress="9", hours="100", course="32.13.2025", topics=["other"], skills__r0="0"
    )
    errors = engine.parse(made.version, data, {}).errors
    assert errors["stage"] == ["Выберите один из предложенных вариантов."]
    assert errors["stress"] == ["Выберите значение от 1 до 5."]
    assert errors["hours"] == ["Число должно быть не больше 72."]
    assert errors["course"] == ["Введите дату в виде дд.мм.гггг."]
    assert errors["topics"] == ["Впишите свой вариант ответа."]
    assert errors["skills"] == ["Выберите значение от 1 до 5."]
    assert engine.parse(made.version, post(made, stage="1", hours="двенадцать"), {}).errors["hours"] == [
        "Введите число, например 12 или 3,5."
    ]
    below = engine.parse(made.version, post(made, stage="1", hours="-1"), {}).errors
    assert below["hours"] == ["Число должно быть не меньше 0."]


def test_required_only_when_sending(made: Made) -> None:
    assert engine.parse(made.version, post(made), {}).errors == {"stage": ["Ответьте на этот вопрос."]}
    assert engine.parse(made.version, post(made), {}, final=False).errors == {}


def test_hidden_required_question_is_not_required(made: Made) -> None:
    # «mentor» is required but shown only for the first option of «stage».
    parsed = engine.parse(made.version, post(made, stage="2"), {})
    assert parsed.errors == {}
    shown = engine.parse(made.version, post(made, stage="0"), {}).errors
    assert shown == {"mentor": ["Ответьте на этот вопрос."]}


def test_hidden_answer_is_dropped(made: Made) -> None:
    parsed = engine.parse(made.version, post(made, stage="1", mentor="осталось от прежнего выбора"), {})
    assert "mentor" not in parsed.values


def test_visible_questions_chain(made: Made) -> None:
    questions = engine.questions_of(made.version)
    codes = [q.code for q in engine.visible_questions(questions, {"stage": {"option": 0, "other": ""}})]
    assert "mentor" in codes
    assert "mentor" not in [q.code for q in engine.visible_questions(questions, {})]


def test_file_checked_by_content(made: Made) -> None:
    fake = SimpleUploadedFile("отчёт.pdf", b"MZ\x90\x00 not a pdf at all")
    parsed = engine.parse(made.version, post(made, stage="1"), {f"q{made.q['report'].pk}": fake})
    assert "исполняемая программа" in parsed.errors["report"][0]
    good = SimpleUploadedFile("отчёт.pdf", pdf_bytes("Отчёт"))
    parsed = engine.parse(made.version, post(made, stage="1"), {f"q{made.q['report'].pk}": good})
    assert parsed.errors == {}
    assert parsed.uploads["report"] is good


def test_file_kept_unless_removed(made: Made) -> None:
    previous = {"report": {"name": "surveys/2025/01/x.pdf", "label": "отчёт.pdf"}}
    kept = engine.parse(made.version, post(made, stage="1"), {}, previous=previous)
    assert kept.values["report"] == previous["report"]
    removed = engine.parse(made.version, post(made, stage="1", report__clear="1"), {}, previous=previous)
    assert "report" not in removed.values


def test_answers_round_trip(made: Made) -> None:
    values = engine.parse(made.version, full(made), {}).values
    response = Response.objects.create(
        survey=made.survey, version=made.version, status=ResponseStatus.SUBMITTED
    )
    rows = engine.answers_for(response, values)
    # one row per value: 1 option + 1 text + 2 options + other + scale + number + text + date + 2 grid rows
    assert len(rows) == 11
    for row in rows:
        row.save()
    saved = response.answers.select_related("question")
    assert engine.values_from_answers(saved) == values


def test_template_renders_every_kind_with_values_and_skip_attributes(made: Made) -> None:
    questions = engine.questions_of(made.version)
    values = engine.parse(made.version, full(made), {}).values
    html = render_to_string(
        "surveys/answering/_questions.html", {"form": engine.questions_form(questions, values=values)}
    )
    assert "О вас" in html and "Затруднения" in html
    assert f'data-show-if="q{made.q["stage"].pk}" data-show-if-values="0"' in html
    assert 'value="Иванова А. П."' in html
    assert 'value="Работа с родителями"' in html
    assert 'value="2025-03-01"' in html
    assert 'value="12,5"' in html
    assert html.count("checked") == 7  # stage, two topics + other, stress, two grid rows
    # The builder's preview: no values, read-only; the dependent question starts hidden.
    preview = render_to_string(
        "surveys/answering/_questions.html", {"form": engine.questions_form(questions, readonly=True)}
    )
    assert "data-readonly" in preview and " hidden>" in preview
