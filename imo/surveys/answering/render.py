"""The answering form's questions written in Python: the same markup as
templates/surveys/answering/_questions.html, which stays the readable reference (and the builder's preview).

A survey of thirty questions through the template's nested conditions cost half of the answer page (a teacher
opens it again and again while answering); joining strings here costs a fraction of that. Whitespace between
tags may differ from the template's (HTML collapses it); the markup, attributes and texts do not:
imo/surveys/tests/test_answering_render.py compares both over every kind of question and state.
"""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import floatformat, linebreaksbr
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from imo.core.markup import escaped as _e
from imo.surveys.answering.engine import CHOICE_KINDS, Block, Item, QuestionsForm
from imo.surveys.models import QuestionKind

REQUIRED_MARK = (
    ' <span class="text-danger" aria-hidden="true">*</span>'
    '<span class="visually-hidden">(обязательный вопрос)</span>'
)
FILE_ACCEPT = ".pdf,.docx,.odt,.xlsx,.pptx,.jpg,.jpeg,.png"
FIELDSET_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE, QuestionKind.GRID}


def questions_html(
    form: QuestionsForm, *, token: Any = None, anonymous: bool = False, survey: Any = None
) -> SafeString:
    """The questions block of the answering page. `token`, `anonymous` and `survey` are what the template
    reads from the page's context: the link to a file already attached (named surveys only)."""
    disabled = " disabled" if form.readonly else ""
    parts = [f"<div data-survey-questions{' data-readonly' if form.readonly else ''}>\n"]
    for block in form.sections:
        parts.append(_section(block, disabled, token=token, anonymous=anonymous, survey=survey))
    if not form.sections:
        parts.append('<p class="text-body-secondary">В анкете пока нет вопросов.</p>\n')
    parts.append("</div>")
    return mark_safe("".join(parts))  # every value escaped by _e (or made safe by Django's filters)


def _section(block: Block, disabled: str, **context: Any) -> str:
    section = block.section
    parts = [
        f'<section class="mb-4" aria-labelledby="section-{section.pk}">\n'
        f'<h2 class="h5 border-bottom pb-2" id="section-{section.pk}">{_e(section.title)}</h2>\n'
    ]
    if section.description:
        description = linebreaksbr(section.description, autoescape=True)
        parts.append(f'<p class="text-body-secondary">{description}</p>\n')
    for item in block.items:
        parts.append(_item(item, disabled, **context))
    parts.append("</section>\n")
    return "".join(parts)


def _described_by(item: Item) -> str:
    """aria-describedby of the question's control: its help text and its errors, when there are any."""
    if not (item.errors or item.question.help_text):
        return ""
    ids = (f"{item.name}_help " if item.question.help_text else "") + (
        f"{item.name}_errors" if item.errors else ""
    )
    return f' aria-describedby="{ids}"'


def _item(item: Item, disabled: str, **context: Any) -> str:
    question = item.question
    opening = (
        f'<div class="survey-question mb-4{" is-invalid" if item.errors else ""}" data-question="{item.name}"'
    )
    if item.show_if:
        opening += f' data-show-if="{item.show_if}" data-show-if-values="{_e(item.show_if_values)}"'
    parts = [opening, " hidden>\n" if item.hidden else ">\n"]
    title = f"{item.number}. {_e(question.text)}{REQUIRED_MARK if question.required else ''}"
    if item.kind in FIELDSET_KINDS:
        parts.append(f"<fieldset{_described_by(item)}>\n")
        parts.append(f'<legend class="fs-6 fw-semibold">{title}</legend>\n')
        if question.help_text:
            parts.append(
                f'<div class="form-text mb-2" id="{item.name}_help">{_e(question.help_text)}</div>\n'
            )
        if item.kind in CHOICE_KINDS:
            parts.append(_choices(item, disabled))
        elif item.kind == QuestionKind.SCALE:
            parts.append(_scale(item, disabled))
        else:
            parts.append(_grid(item, disabled))
        parts.append("</fieldset>\n")
    else:
        parts.append(f'<label class="form-label fw-semibold" for="{item.name}">{title}</label>\n')
        if question.help_text:
            parts.append(
                f'<div class="form-text mt-0 mb-1" id="{item.name}_help">{_e(question.help_text)}</div>\n'
            )
        parts.append(_text_control(item, disabled, **context))
    if item.errors:
        errors = " ".join(_e(error) for error in item.errors)
        parts.append(f'<div class="invalid-feedback d-block" id="{item.name}_errors">{errors}</div>\n')
    parts.append("</div>\n")
    return "".join(parts)


def _choices(item: Item, disabled: str) -> str:
    kind = "radio" if item.kind == QuestionKind.SINGLE else "checkbox"
    parts = []
    for choice in item.choices:
        parts.append(
            f'<div class="form-check">\n<input class="form-check-input" type="{kind}" name="{item.name}"'
            f' id="{choice.id}" value="{_e(choice.value)}"{" checked" if choice.checked else ""}{disabled}>\n'
            f'<label class="form-check-label" for="{choice.id}">{_e(choice.label)}</label>\n</div>\n'
        )
    if item.question.allow_other:
        parts.append(
            f'<div class="form-check">\n<input class="form-check-input" type="{kind}" name="{item.name}"'
            f' id="{item.name}_o" value="other"{" checked" if item.other_checked else ""}{disabled}>\n'
            f'<label class="form-check-label" for="{item.name}_o">Другое</label>\n</div>\n'
            f'<label class="visually-hidden" for="{item.name}_other">Другое: впишите свой вариант</label>\n'
            f'<input class="form-control form-control-sm mt-1" type="text" maxlength="500"'
            f' name="{item.name}_other" id="{item.name}_other" value="{_e(item.other_text)}"'
            f' placeholder="Свой вариант"{disabled}>\n'
        )
    return "".join(parts)


def _buttons(name: str, choices: list[Any], disabled: str, size: str) -> str:
    """The radio buttons of a scale (or of a grid's row) drawn as a row of buttons."""
    return "".join(
        f'<input class="btn-check" type="radio" name="{name}" id="{choice.id}" value="{_e(choice.value)}"'
        f' autocomplete="off"{" checked" if choice.checked else ""}{disabled}>\n'
        f'<label class="btn{size} btn-outline-primary survey-scale-btn" for="{choice.id}">'
        f"{_e(choice.label)}</label>\n"
        for choice in choices
    )


def _scale(item: Item, disabled: str) -> str:
    question = item.question
    return (
        f'<div class="d-flex flex-wrap gap-1">\n{_buttons(item.name, item.choices, disabled, "")}</div>\n'
        f'<div class="d-flex justify-content-between small text-body-secondary mt-1">'
        f"<span>{_e(question.scale_min)} — минимум</span>"
        f"<span>{_e(question.scale_max)} — максимум</span></div>\n"
    )


def _grid(item: Item, disabled: str) -> str:
    question = item.question
    parts = [
        f'<fieldset class="mb-2 ps-2 border-start">\n<legend class="fs-6 mb-1">{_e(row.label)}</legend>\n'
        f'<div class="d-flex flex-wrap gap-1">\n'
        f"{_buttons(row.name, row.choices, disabled, ' btn-sm')}</div>\n"
        f"</fieldset>\n"
        for row in item.rows
    ]
    parts.append(
        f'<div class="small text-body-secondary">Шкала: {_e(question.scale_min)} — минимум,'
        f" {_e(question.scale_max)} — максимум.</div>\n"
    )
    return "".join(parts)


def _text_control(item: Item, disabled: str, *, token: Any, anonymous: bool, survey: Any) -> str:
    """The control of a question answered by typing or attaching: number, text, date, file."""
    question, name = item.question, item.name
    invalid = " is-invalid" if item.errors else ""
    required = ' aria-required="true"' if question.required else ""
    tail = f"{required}{_described_by(item)}{disabled}>\n"
    kind = item.kind
    if kind == QuestionKind.NUMBER:
        html = (
            f'<input class="form-control{invalid}" type="text" inputmode="decimal" name="{name}" id="{name}"'
            f' value="{_e(item.text)}"{tail}'
        )
        return html + _number_bounds(question)
    if kind == QuestionKind.SHORT_TEXT:
        return (
            f'<input class="form-control{invalid}" type="text" maxlength="500" name="{name}" id="{name}"'
            f' value="{_e(item.text)}"{tail}'
        )
    if kind == QuestionKind.LONG_TEXT:
        return (
            f'<textarea class="form-control{invalid}" rows="4" maxlength="10000" name="{name}" id="{name}"'
            f"{required}{_described_by(item)}{disabled}>{_e(item.text)}</textarea>\n"
        )
    if kind == QuestionKind.DATE:
        return (
            f'<input class="form-control survey-date{invalid}" type="date" name="{name}" id="{name}"'
            f' value="{_e(item.text)}"{tail}'
        )
    if kind == QuestionKind.FILE:
        return _file_control(item, disabled, invalid, token=token, anonymous=anonymous, survey=survey)
    return ""


def _number_bounds(question: Any) -> str:
    low, high = question.number_min, question.number_max
    if low is None and high is None:
        return ""
    text = f"не меньше {floatformat(low, '-2')}" if low is not None else ""
    if low is not None and high is not None:
        text += ", "
    if high is not None:
        text += f"не больше {floatformat(high, '-2')}"
    return f'<div class="form-text">{text}</div>\n'


def _file_control(
    item: Item, disabled: str, invalid: str, *, token: Any, anonymous: bool, survey: Any
) -> str:
    question, name = item.question, item.name
    parts = []
    if item.file_label:
        label = f"<strong>{_e(item.file_label)}</strong>"
        if token and not anonymous:
            url = reverse("surveys:answer_file", args=[survey.pk, question.code])
            school = f"?school={_e(token.school_id)}" if token.school_id else ""
            label = f'<a href="{_e(url)}{school}" download>{label}</a>'
        parts.append(
            f'<p class="mb-1 small">Приложен файл: {label}</p>\n<div class="form-check mb-1">\n'
            f'<input class="form-check-input" type="checkbox" name="{name}_clear" id="{name}_clear"'
            f' value="1"{disabled}>\n'
            f'<label class="form-check-label" for="{name}_clear">Удалить приложенный файл</label>\n</div>\n'
        )
    required = ' aria-required="true"' if question.required and not item.file_label else ""
    parts.append(
        f'<input class="form-control{invalid}" type="file" name="{name}" id="{name}" accept="{FILE_ACCEPT}"'
        f"{required}{_described_by(item)}{disabled}>\n"
        '<div class="form-text">PDF, DOCX, ODT, XLSX, PPTX, JPEG или PNG, не больше 10 МБ.</div>\n'
    )
    return "".join(parts)
