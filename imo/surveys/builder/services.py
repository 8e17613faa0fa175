"""Writes of the survey builder: surveys, their sections and questions, copying, publishing.

Editing after responses (issue #9, item 9): every change of sections and questions goes through
`version_for_edit`. While the newest version has no responses it is edited in place; once answered (frozen)
the first change makes a new version — a copy with the same question codes — and the change lands there.
Old answers keep the questions they were given; results count versions together by code.

Validation raises ValidationError with Russian messages keyed by the form's field names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from imo.core.conflicts import ensure_unchanged
from imo.orgs.models import Organization
from imo.surveys import audience
from imo.surveys.models import (
    AudienceKind,
    Mode,
    Question,
    QuestionKind,
    Response,
    Section,
    Survey,
    SurveyVersion,
)

CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
#: Kinds whose answer can drive skip logic and mark a gap: a chosen option or a scale value.
CONDITION_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE})
SCALE_KINDS = frozenset({QuestionKind.SCALE, QuestionKind.GRID})
SCALE_MAXIMA = (5, 10)
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

SURVEY_FIELDS = (
    "title",
    "description",
    "audience",
    "mode",
    "opens_at",
    "closes_at",
    "allow_edit",
    "reminder_every_days",
    "categories",
    "early_career_only",
)
SURVEY_M2M = ("schools", "subjects", "positions")
QUESTION_FIELDS = (
    "kind",
    "text",
    "help_text",
    "required",
    "options",
    "allow_other",
    "scale_min",
    "scale_max",
    "grid_rows",
    "number_min",
    "number_max",
    "show_if_values",
    "is_gap_indicator",
    "gap_values",
    "gap_topic",
)


# --- surveys ---------------------------------------------------------------------------------------


def has_responses(survey: Survey) -> bool:
    return Response.objects.filter(survey=survey).exists()


def _validate_survey(data: dict[str, Any], *, survey: Survey | None) -> None:
    errors: dict[str, list[str]] = {}
    if not (data.get("title") or "").strip():
        errors.setdefault("title", []).append("Укажите название анкеты.")
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if opens and closes and closes <= opens:
        errors.setdefault("closes_at", []).append("Окончание приёма ответов должно быть позже начала.")
    if survey is not None and has_responses(survey):
        if data.get("mode", survey.mode) != survey.mode:
            errors.setdefault("mode", []).append(
                "На анкету уже есть ответы: режим (именная или анонимная) изменить нельзя."
            )
        if data.get("audience", survey.audience) != survey.audience:
            errors.setdefault("audience", []).append(
                "На анкету уже есть ответы: кто отвечает (педагоги или организации), изменить нельзя."
            )
    if data.get("mode") == Mode.ANONYMOUS and data.get("audience") == AudienceKind.SCHOOLS:
        errors.setdefault("mode", []).append(
            "Мониторинг организаций не бывает анонимным: ответ заполняет ответственный за свою школу."
        )
    if errors:
        raise ValidationError(errors)


def _apply_survey_data(survey: Survey, data: dict[str, Any]) -> None:
    for name in SURVEY_FIELDS:
        if name in data:
            setattr(survey, name, data[name])
    survey.title = survey.title.strip()


def _set_m2m(survey: Survey, data: dict[str, Any]) -> None:
    for name in SURVEY_M2M:
        if name in data:
            getattr(survey, name).set(data[name] or [])


@transaction.atomic
def survey_create(*, organization: Organization, data: dict[str, Any], by: Any) -> Survey:
    """A draft survey with its first version and an empty first section."""
    _validate_survey(data, survey=None)
    survey = Survey(organization=organization, created_by=by if getattr(by, "pk", None) else None)
    _apply_survey_data(survey, data)
    survey.save()
    _set_m2m(survey, data)
    version = SurveyVersion.objects.create(survey=survey, number=1)
    Section.objects.create(version=version, order=1, title="Раздел 1")
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, data: dict[str, Any], by: Any, version: str | None = None) -> Survey:
    ensure_unchanged(survey, version)
    current = {name: getattr(survey, name) for name in SURVEY_FIELDS}
    _validate_survey({**current, **data}, survey=survey)
    _apply_survey_data(survey, data)
    survey.save()
    _set_m2m(survey, data)
    return survey


def newest_version(survey: Survey) -> SurveyVersion | None:
    return SurveyVersion.objects.filter(survey=survey).order_by("-number").first()


def is_frozen(version: SurveyVersion) -> bool:
    return version.frozen_at is not None or Response.objects.filter(version=version).exists()


@dataclass
class VersionCopy:
    version: SurveyVersion
    sections: dict[int, Section]  # old section pk → its copy
    questions: dict[int, Question]  # old question pk → its copy


def _copy_version_into(source: SurveyVersion, target: SurveyVersion) -> VersionCopy:
    """Copy the sections and questions of `source` into the empty `target` (codes and skip logic kept)."""
    sections: dict[int, Section] = {}
    for section in Section.objects.filter(version=source).order_by("order", "pk"):
        sections[section.pk] = Section.objects.create(
            version=target, order=section.order, title=section.title, description=section.description
        )
    questions: dict[int, Question] = {}
    # Earlier questions first, so a condition's question is copied before the question it shows.
    for question in Question.objects.filter(version=source).order_by(
        "section__order", "section_id", "order", "pk"
    ):
        copy = Question(
            version=target,
            section=sections[question.section_id],
            order=question.order,
            code=question.code,
            show_if=questions.get(question.show_if_id) if question.show_if_id else None,
            **{name: getattr(question, name) for name in QUESTION_FIELDS},
        )
        copy.save()
        questions[question.pk] = copy
    return VersionCopy(target, sections, questions)


@transaction.atomic
def version_for_edit(*, survey: Survey) -> SurveyVersion:
    """The version the builder changes: the newest one while unanswered, else a new copy of it."""
    return _version_for_edit(survey).version


def _version_for_edit(survey: Survey) -> VersionCopy:
    Survey.objects.select_for_update().filter(pk=survey.pk).first()  # one new version at a time
    current = newest_version(survey)
    if current is None:
        return VersionCopy(SurveyVersion.objects.create(survey=survey, number=1), {}, {})
    if not is_frozen(current):
        return VersionCopy(current, {}, {})
    new = SurveyVersion.objects.create(survey=survey, number=current.number + 1)
    return _copy_version_into(current, new)


def _editable_section(section: Section) -> Section:
    """The section to change: itself, or its copy in the new version made for editing."""
    copy = _version_for_edit(section.version.survey)
    if copy.version.pk == section.version_id:
        return section
    if section.pk in copy.sections:
        return copy.sections[section.pk]
    raise ValidationError("Этот раздел относится к прежней версии анкеты. Обновите страницу.")


def _editable_question(question: Question) -> Question:
    copy = _version_for_edit(question.version.survey)
    if copy.version.pk == question.version_id:
        return question
    if question.pk in copy.questions:
        return copy.questions[question.pk]
    raise ValidationError("Этот вопрос относится к прежней версии анкеты. Обновите страницу.")


def survey_copy(
    *, survey: Survey, by: Any, as_template: bool = False, organization: Organization | None = None
) -> Survey:
    """A new draft (or template) with a copy of the newest version's questions, codes kept; no dates,
    not published. `organization`: the office that gets the copy (default: the source's)."""
    with transaction.atomic():
        copy = Survey(
            organization=organization or survey.organization,
            title=survey.title if survey.is_template and not as_template else f"{survey.title} (копия)",
            is_template=as_template,
            copied_from=survey,
            created_by=by if getattr(by, "pk", None) else None,
        )
        for name in SURVEY_FIELDS:
            if name not in ("title", "opens_at", "closes_at"):
                setattr(copy, name, getattr(survey, name))
        copy.save()
        if copy.organization_id == survey.organization_id:
            _set_m2m(copy, {name: list(getattr(survey, name).all()) for name in SURVEY_M2M})
        else:
            # Schools of another office's tree are not this office's to ask.
            _set_m2m(copy, {name: list(getattr(survey, name).all()) for name in ("subjects", "positions")})
        target = SurveyVersion.objects.create(survey=copy, number=1)
        source = newest_version(survey)
        if source is not None:
            _copy_version_into(source, target)
        return copy


def survey_from_template_data(*, organization: Organization, key: str, by: Any) -> Survey:
    """A draft made straight from a built-in template (when its stored copy is not in the user's tree)."""
    from imo.surveys.templates_data import TEMPLATES_BY_KEY, build_survey

    if key not in TEMPLATES_BY_KEY:
        raise ValidationError("Такого шаблона нет.")
    with transaction.atomic():
        survey: Survey = build_survey(
            TEMPLATES_BY_KEY[key],
            organization_id=organization.pk,
            is_template=False,
            created_by_id=getattr(by, "pk", None),
        )
        return survey


def publish_problems(survey: Survey) -> list[str]:
    """Why the survey cannot be published yet (empty: it can)."""
    problems = []
    if survey.is_template:
        problems.append("Шаблон не публикуют: создайте по нему анкету.")
    version = newest_version(survey)
    if version is None or not Question.objects.filter(version=version).exists():
        problems.append("В анкете нет ни одного вопроса.")
    if not survey.opens_at or not survey.closes_at:
        problems.append("Укажите даты начала и окончания приёма ответов.")
    elif survey.closes_at <= timezone.now():
        problems.append("Дата окончания приёма ответов уже прошла — перенесите её.")
    return problems


@transaction.atomic
def survey_publish(*, survey: Survey, by: Any) -> int:
    """Publish: create the RespondentToken rows of the audience (re-publishing adds newcomers). Returns
    how many respondents were added."""
    problems = publish_problems(survey)
    if problems:
        raise ValidationError(problems)
    added = audience.tokens_sync(survey)
    if not survey.tokens.exists():
        noun = "ни одной организации" if survey.audience == AudienceKind.SCHOOLS else "ни одного педагога"
        raise ValidationError(f"В аудиторию анкеты не попало {noun}: проверьте условия отбора.")
    if not survey.is_published:
        survey.is_published = True
        survey.save(update_fields=["is_published", "updated_at"])
    return added


def survey_unpublish(*, survey: Survey, by: Any) -> None:
    """Hide from respondents; tokens, drafts and responses stay (publishing again continues)."""
    survey.is_published = False
    survey.save(update_fields=["is_published", "updated_at"])


@transaction.atomic
def survey_delete(*, survey: Survey, by: Any) -> None:
    if has_responses(survey):
        raise ValidationError("На анкету уже есть ответы — её нельзя удалить. Снимите её с публикации.")
    Question.objects.filter(version__survey=survey).update(show_if=None)
    survey.delete()


# --- sections ----------------------------------------------------------------------------------------


def _validate_section(data: dict[str, Any]) -> None:
    if not (data.get("title") or "").strip():
        raise ValidationError({"title": "Укажите название раздела."})


@transaction.atomic
def section_create(*, survey: Survey, data: dict[str, Any], by: Any) -> Section:
    _validate_section(data)
    version = _version_for_edit(survey).version
    last = Section.objects.filter(version=version).aggregate(last=Max("order"))["last"] or 0
    return Section.objects.create(
        version=version,
        order=last + 1,
        title=data["title"].strip(),
        description=(data.get("description") or "").strip(),
    )


@transaction.atomic
def section_update(*, section: Section, data: dict[str, Any], by: Any) -> Section:
    _validate_section(data)
    section = _editable_section(section)
    section.title = data["title"].strip()
    section.description = (data.get("description") or "").strip()
    section.save()
    return section


@transaction.atomic
def section_delete(*, section: Section, by: Any) -> None:
    section = _editable_section(section)
    inside = Question.objects.filter(section=section)
    outside = Question.objects.filter(show_if__in=inside).exclude(section=section).first()
    if outside is not None:
        raise ValidationError(
            f"Вопрос «{outside.text}» другого раздела показывается по ответу на вопрос этого раздела. "
            "Сначала уберите у него условие показа."
        )
    if Section.objects.filter(version=section.version).count() == 1:
        raise ValidationError("Это единственный раздел анкеты: его нельзя удалить.")
    inside.update(show_if=None)
    section.delete()


def _question_position(question: Question) -> tuple[int, int, int, int]:
    section = question.section
    return (section.order, section.pk, question.order, question.pk)


def _check_order_keeps_conditions(version: SurveyVersion) -> None:
    """Skip logic must point to earlier questions: after a move, check every condition of the version."""
    questions = list(Question.objects.filter(version=version).select_related("section"))
    position = {question.pk: _question_position(question) for question in questions}
    for question in questions:
        if question.show_if_id and position[question.show_if_id] >= position[question.pk]:
            raise ValidationError(
                f"Вопрос «{question.text}» показывается по ответу на вопрос, который окажется ниже него. "
                "Условие может ссылаться только на более ранний вопрос."
            )


@transaction.atomic
def section_move(*, section: Section, direction: str, by: Any) -> None:
    section = _editable_section(section)
    _swap(list(Section.objects.filter(version=section.version).order_by("order", "pk")), section, direction)
    _check_order_keeps_conditions(section.version)


def _swap(items: Sequence[Any], item: Any, direction: str) -> None:
    """Move `item` one place up or down among `items` (renumbering them 1..n)."""
    ordered = list(items)
    index = next(i for i, other in enumerate(ordered) if other.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for number, row in enumerate(ordered, start=1):
        if row.order != number:
            row.order = number
            row.save(update_fields=["order"])


# --- questions -------------------------------------------------------------------------------------


def _next_code(version: SurveyVersion) -> str:
    numbers = [
        int(code[1:])
        for code in Question.objects.filter(version=version).values_list("code", flat=True)
        if code.startswith("q") and code[1:].isdecimal()
    ]
    return f"q{max(numbers, default=0) + 1}"


def _clean_list(values: Sequence[Any] | None) -> list[str]:
    return [str(value).strip() for value in values or [] if str(value).strip()]


def _valid_values(kind: str, options: list[str], scale_min: int, scale_max: int) -> set[int]:
    if kind in CHOICE_KINDS:
        return set(range(len(options)))
    return set(range(scale_min, scale_max + 1))


def _normalise_question(data: dict[str, Any]) -> dict[str, Any]:
    """The question's values with the fields its kind does not use emptied (a single-choice question
    keeps no grid rows left from when it was a grid)."""
    kind = data.get("kind")
    values = {name: data.get(name) for name in QUESTION_FIELDS if name in data}
    values["text"] = (data.get("text") or "").strip()
    values["help_text"] = (data.get("help_text") or "").strip()
    values["required"] = bool(data.get("required"))
    values["options"] = _clean_list(data.get("options")) if kind in CHOICE_KINDS else []
    values["allow_other"] = bool(data.get("allow_other")) and kind in CHOICE_KINDS
    values["grid_rows"] = _clean_list(data.get("grid_rows")) if kind == QuestionKind.GRID else []
    if kind in SCALE_KINDS:
        values["scale_min"] = int(data.get("scale_min") or 1)
        values["scale_max"] = int(data.get("scale_max") or 5)
    else:
        values["scale_min"], values["scale_max"] = 1, 5
    if kind == QuestionKind.NUMBER:
        values["number_min"] = data.get("number_min")
        values["number_max"] = data.get("number_max")
    else:
        values["number_min"] = values["number_max"] = None
    values["is_gap_indicator"] = bool(data.get("is_gap_indicator")) and kind in CONDITION_KINDS
    if values["is_gap_indicator"]:
        values["gap_values"] = sorted({int(v) for v in data.get("gap_values") or []})
        values["gap_topic"] = (data.get("gap_topic") or "").strip()
    else:
        values["gap_values"], values["gap_topic"] = [], ""
    values["show_if_values"] = sorted({int(v) for v in data.get("show_if_values") or []})
    return values


Add = Callable[[str, str], None]


def _validate_question(
    values: dict[str, Any], *, survey: Survey, show_if: Question | None, before: tuple[int, ...] | None
) -> None:
    """`before`: the position the question will take (a condition must come earlier)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    _validate_shape(values, survey=survey, add=add)
    if values["is_gap_indicator"]:
        _validate_gap(values, survey=survey, add=add)
    if show_if is not None:
        _validate_condition(values, show_if=show_if, before=before, add=add)
    elif values["show_if_values"]:
        add("show_if", "Выберите вопрос, от ответа на который зависит показ.")
    if errors:
        raise ValidationError(errors)


def _validate_shape(values: dict[str, Any], *, survey: Survey, add: Add) -> None:
    """What each kind needs: options, scale, rows, limits."""
    kind = values.get("kind")
    if kind not in QuestionKind.values:
        add("kind", "Выберите вид вопроса.")
    if not values["text"]:
        add("text", "Введите текст вопроса.")
    options = values["options"]
    if kind in CHOICE_KINDS and len(options) < 2:
        add("options", "Укажите хотя бы два варианта ответа, каждый с новой строки.")
    if len(set(options)) != len(options):
        add("options", "Варианты ответа повторяются.")
    if kind in SCALE_KINDS and (values["scale_min"] != 1 or values["scale_max"] not in SCALE_MAXIMA):
        add("scale_max", "Шкала бывает от 1 до 5 или от 1 до 10.")
    if kind == QuestionKind.GRID and not values["grid_rows"]:
        add("grid_rows", "Укажите строки таблицы, каждую с новой строки.")
    low, high = values["number_min"], values["number_max"]
    if low is not None and high is not None and Decimal(low) >= Decimal(high):
        add("number_max", "Наибольшее значение должно быть больше наименьшего.")
    if kind == QuestionKind.FILE and survey.audience != AudienceKind.SCHOOLS:
        add("kind", "Файл можно запросить только в мониторинге организаций.")


def _validate_gap(values: dict[str, Any], *, survey: Survey, add: Add) -> None:
    valid = _valid_values(values["kind"], values["options"], values["scale_min"], values["scale_max"])
    if not values["gap_values"]:
        add("gap_values", "Отметьте ответы, которые означают затруднение.")
    elif not set(values["gap_values"]) <= valid:
        add("gap_values", "Ответы, означающие затруднение, должны быть из вариантов этого вопроса.")
    if not values["gap_topic"]:
        add("gap_topic", "Укажите тему затруднения — она попадёт в ИОМ педагога.")
    if survey.mode != Mode.NAMED or survey.audience != AudienceKind.EDUCATORS:
        add("is_gap_indicator", "Показатели затруднений бывают только в именных анкетах педагогов.")


def _validate_condition(values: dict[str, Any], *, show_if: Question, before: Any, add: Add) -> None:
    if show_if.kind not in CONDITION_KINDS:
        add("show_if", "Условие показа может зависеть только от вопроса с выбором варианта или шкалой.")
        return
    if before is not None and _question_position(show_if) >= before:
        add("show_if", "Условие показа может ссылаться только на более ранний вопрос анкеты.")
    if not values["show_if_values"]:
        add("show_if_values", "Выберите ответы, при которых вопрос показывается.")
    elif not set(values["show_if_values"]) <= _valid_values(
        show_if.kind, show_if.options, show_if.scale_min, show_if.scale_max
    ):
        add("show_if_values", "Такого ответа у выбранного вопроса нет.")


def _condition_in(version: SurveyVersion, show_if: Question | None, copy: VersionCopy) -> Question | None:
    """The condition's question in the version being edited (its copy after a new version was made)."""
    if show_if is None:
        return None
    if show_if.version_id == version.pk:
        return show_if
    if show_if.pk in copy.questions:
        return copy.questions[show_if.pk]
    raise ValidationError({"show_if": "Этот вопрос относится к другой версии анкеты."})


@transaction.atomic
def question_create(*, section: Section, data: dict[str, Any], by: Any) -> Question:
    copy = _version_for_edit(section.version.survey)
    section = section if copy.version.pk == section.version_id else copy.sections[section.pk]
    survey = section.version.survey
    values = _normalise_question(data)
    show_if = _condition_in(copy.version, data.get("show_if"), copy)
    last = Question.objects.filter(section=section).aggregate(last=Max("order"))["last"] or 0
    position = (section.order, section.pk, last + 1, 2**62)
    _validate_question(values, survey=survey, show_if=show_if, before=position)
    code = _code_for(copy.version, data.get("code"), exclude=None)
    question = Question(
        version=copy.version, section=section, order=last + 1, code=code, show_if=show_if, **values
    )
    question.save()
    return question


def _code_for(version: SurveyVersion, wanted: str | None, *, exclude: int | None) -> str:
    code = (wanted or "").strip()
    if not code:
        return _next_code(version)
    if not CODE_PATTERN.match(code):
        raise ValidationError({"code": "Код — латинские буквы, цифры и «_», начинается с буквы."})
    taken = Question.objects.filter(version=version, code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"code": "Такой код уже есть у другого вопроса анкеты."})
    return code


@transaction.atomic
def question_update(*, question: Question, data: dict[str, Any], by: Any) -> Question:
    copy = _version_for_edit(question.version.survey)
    question = _in_copy(question, copy)
    survey = question.version.survey
    values = _normalise_question({"kind": question.kind, **data})
    show_if = _condition_in(copy.version, data.get("show_if"), copy)
    section = data.get("section")
    if section is not None:
        section = section if section.version_id == copy.version.pk else copy.sections.get(section.pk)
        if section is None or section.version_id != copy.version.pk:
            raise ValidationError({"section": "Раздел относится к другой версии анкеты."})
        if section.pk != question.section_id:
            last = Question.objects.filter(section=section).aggregate(last=Max("order"))["last"] or 0
            question.section, question.order = section, last + 1
    if show_if is not None and show_if.pk == question.pk:
        raise ValidationError({"show_if": "Вопрос не может зависеть от самого себя."})
    _validate_question(values, survey=survey, show_if=show_if, before=_question_position(question))
    _check_dependants(question, values)
    if "code" in data:
        question.code = _code_for(copy.version, data.get("code"), exclude=question.pk)
    for name, value in values.items():
        setattr(question, name, value)
    question.show_if = show_if
    question.save()
    _check_order_keeps_conditions(copy.version)
    return question


def _in_copy(question: Question, copy: VersionCopy) -> Question:
    if copy.version.pk == question.version_id:
        return question
    if question.pk in copy.questions:
        return copy.questions[question.pk]
    raise ValidationError("Этот вопрос относится к прежней версии анкеты. Обновите страницу.")


def _check_dependants(question: Question, values: dict[str, Any]) -> None:
    """Questions shown by this one's answer must still find their values among its answers."""
    valid = _valid_values(values["kind"], values["options"], values["scale_min"], values["scale_max"])
    for dependant in Question.objects.filter(show_if=question):
        if values["kind"] not in CONDITION_KINDS or not set(dependant.show_if_values) <= valid:
            raise ValidationError(
                f"От ответа на этот вопрос зависит показ вопроса «{dependant.text}». "
                "Сначала измените или уберите его условие показа."
            )


@transaction.atomic
def question_delete(*, question: Question, by: Any) -> None:
    question = _editable_question(question)
    dependant = Question.objects.filter(show_if=question).first()
    if dependant is not None:
        raise ValidationError(
            f"От ответа на этот вопрос зависит показ вопроса «{dependant.text}». "
            "Сначала уберите у него условие показа."
        )
    question.delete()


@transaction.atomic
def question_move(*, question: Question, direction: str, by: Any) -> None:
    question = _editable_question(question)
    _swap(
        list(Question.objects.filter(section=question.section).order_by("order", "pk")), question, direction
    )
    _check_order_keeps_conditions(question.version)
