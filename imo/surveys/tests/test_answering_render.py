"""The answering page writes its questions in Python (imo.surveys.answering.render): the same markup as the
template _questions.html (the builder's preview still renders it), for every kind of question and state —
values, errors, read-only, skip logic, help texts, required marks, bounds, a file already attached."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from imo.orgs.tests.factories import make_district
from imo.staff.tests.factories import make_educator
from imo.surveys.answering import engine
from imo.surveys.answering.render import questions_html
from imo.surveys.models import Question
from imo.surveys.tests.answering_fixtures import Made, make_survey, token_for
from imo.surveys.tests.test_answering_engine import full, post

TEMPLATE = "surveys/answering/_questions.html"
FILE_VALUE = {"report": {"name": "surveys/2025/01/x.pdf", "label": "отчёт <итог>.pdf"}}


@pytest.fixture
def made(db) -> Made:
    made = make_survey(make_district())
    # help texts, a required mark and characters to escape on a few questions
    Question.objects.filter(pk=made.q["stress"].pk).update(help_text="1 — «совсем нет», 5 — <очень>")
    Question.objects.filter(pk=made.q["hours"].pk).update(help_text="В часах & минутах", required=True)
    Question.objects.filter(pk=made.q["report"].pk).update(required=True, text='Отчёт "за год"')
    Question.objects.filter(pk=made.q["story"].pk).update(help_text="Коротко")
    made.version.sections.filter(order=2).update(description="Строка 1\nСтрока <2>")
    return made


def _same(html: str) -> str:
    """Markup with whitespace runs made one space: HTML shows them alike (no <pre> in the form)."""
    return re.sub(r"\s+", " ", html).strip()


def _both(form: engine.QuestionsForm, **context: Any) -> tuple[str, str]:
    template = render_to_string(TEMPLATE, {"form": form, **context})
    return _same(template), _same(questions_html(form, **context))


def _questions(made: Made) -> list[Question]:
    return engine.questions_of(made.version)


def test_filled_form_is_the_templates_markup(made: Made) -> None:
    values = {**engine.parse(made.version, full(made), {}).values, **FILE_VALUE}
    token = token_for(made.survey, educator=make_educator(municipality=made.survey.organization))
    context = {"token": token, "anonymous": False, "survey": made.survey}
    template, python = _both(engine.questions_form(_questions(made), values=values), **context)
    assert python == template
    assert reverse("surveys:answer_file", args=[made.survey.pk, "report"]) in python
    assert "отчёт &lt;итог&gt;.pdf" in python and "Строка 1<br>Строка &lt;2&gt;" in python


def test_empty_read_only_and_anonymous_forms_are_the_templates_markup(made: Made) -> None:
    questions = _questions(made)
    for form, context in [
        (engine.questions_form(questions), {}),
        (engine.questions_form(questions, readonly=True), {}),
        (
            engine.questions_form(questions, values=FILE_VALUE, readonly=True),
            {"token": None, "anonymous": True, "survey": made.survey},
        ),
        (engine.questions_form([]), {}),
    ]:
        template, python = _both(form, **context)
        assert python == template


def test_form_sent_back_with_errors_is_the_templates_markup(made: Made) -> None:
    data = post(made, stage="0", stress="9", hours="100", course="32.13.2025", topics=["other"])
    parsed = engine.parse(made.version, data, {}, final=True)
    assert parsed.errors  # the case is one with errors
    form = engine.questions_form(_questions(made), data=data, errors=parsed.errors)
    template, python = _both(form)
    assert python == template
    assert python.count("is-invalid") >= 4 and 'aria-describedby="' in python


def test_a_school_admins_file_link_names_the_school(made: Made) -> None:
    token = token_for(made.survey, school=make_district_school(made))
    form = engine.questions_form(_questions(made), values=FILE_VALUE)
    context = {"token": token, "anonymous": False, "survey": made.survey}
    template, python = _both(form, **context)
    assert python == template and f"?school={token.school_id}" in python


def test_long_answer_text_is_kept_exactly(made: Made) -> None:
    story = "Первая строка\n\n  вторая  <b>строка</b>"
    form = engine.questions_form(_questions(made), values={"story": story})
    html = str(questions_html(form))
    assert "  вторая  &lt;b&gt;строка&lt;/b&gt;</textarea>" in html
    assert ">Первая строка\n\n  вторая" in html


def make_district_school(made: Made) -> Any:
    return made.survey.organization.children.first()
