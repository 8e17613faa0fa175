"""The builder's services: the ready templates (data migration, historical models), validation in Russian,
versions once answered (never a silent change), copying with codes kept, publishing with the audience's
tokens, deleting only without responses."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from imo.orgs.tests.factories import District, make_district
from imo.staff.tests.factories import make_educator
from imo.surveys.builder import services
from imo.surveys.models import Question, RespondentToken, Survey, SurveyVersion
from imo.surveys.templates_data import TEMPLATES, create_templates
from imo.surveys.tests.builder_fixtures import (
    add_choice,
    dates,
    first_section,
    make_office_survey,
    submit_response,
)


@pytest.fixture
def district(db) -> District:
    return make_district()


def messages_of(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


# --- templates -------------------------------------------------------------------------------------


def test_template_data_is_complete():
    titles = [data["title"] for data in TEMPLATES]
    assert titles == [
        "Профессиональные потребности и затруднения педагогов",
        "Оснащённость ИКТ и цифровая образовательная среда школы",
        "Методическая работа школы за учебный год",
        "Удовлетворённость районным мероприятием",
    ]
    needs = TEMPLATES[0]
    questions = [q for section in needs["sections"] for q in section["questions"]]
    assert 25 <= len(questions) <= 30
    gaps = [q for q in questions if q.get("is_gap_indicator")]
    assert len(gaps) >= 5 and all(q["gap_topic"] and q["gap_values"] for q in gaps)
    ict = [q for section in TEMPLATES[1]["sections"] for q in section["questions"]]
    assert {"number", "grid", "file"} <= {q["kind"] for q in ict}
    assert TEMPLATES[3]["mode"] == "anonymous"


def test_create_templates_with_historical_models(district):
    state_apps = MigrationExecutor(connection).loader.project_state().apps
    assert create_templates(state_apps) == 4  # one top office: the region
    assert create_templates(state_apps) == 0  # only what is missing
    templates = Survey.objects.filter(is_template=True, organization=district.region)
    assert templates.count() == 4
    needs = templates.get(title=TEMPLATES[0]["title"])
    questions = Question.objects.filter(version__survey=needs)
    assert questions.count() == 29
    shown = questions.get(code="n21")
    assert shown.show_if is not None and shown.show_if.code == "n20" and shown.show_if_values == [0, 1]


def test_every_template_question_passes_the_builders_checks(district):
    create_templates()
    for template in Survey.objects.filter(is_template=True):
        for question in Question.objects.filter(version__survey=template).select_related(
            "section", "show_if"
        ):
            values = services._normalise_question(
                {name: getattr(question, name) for name in services.QUESTION_FIELDS}
            )
            services._validate_question(
                values,
                survey=template,
                show_if=question.show_if,
                before=services._question_position(question),
            )


# --- surveys and questions -------------------------------------------------------------------------


def test_create_makes_a_version_and_a_section(district):
    survey = make_office_survey(district)
    assert SurveyVersion.objects.filter(survey=survey, number=1).exists()
    assert first_section(survey).title == "Раздел 1"


def test_survey_validation(district):
    with pytest.raises(ValidationError) as error:
        make_office_survey(district, title=" ")
    assert "Укажите название" in messages_of(error)
    d = dates()
    with pytest.raises(ValidationError) as error:
        make_office_survey(district, opens_at=d["closes_at"], closes_at=d["opens_at"])
    assert "позже начала" in messages_of(error)
    with pytest.raises(ValidationError) as error:
        make_office_survey(district, audience="schools", mode="anonymous")
    assert "не бывает анонимным" in messages_of(error)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "single", "text": "Вопрос", "options": ["Один"]}, "хотя бы два варианта"),
        ({"kind": "multiple", "text": "Вопрос", "options": ["А", "А"]}, "повторяются"),
        ({"kind": "number", "text": "Сколько?", "number_min": 10, "number_max": 5}, "больше наименьшего"),
        ({"kind": "scale", "text": "Оцените", "scale_max": 7}, "от 1 до 5 или от 1 до 10"),
        ({"kind": "grid", "text": "Оцените", "grid_rows": []}, "строки таблицы"),
        ({"kind": "file", "text": "Приложите"}, "только в мониторинге организаций"),
        ({"kind": "short_text", "text": ""}, "Введите текст"),
        (
            {"kind": "single", "text": "Трудно?", "options": ["Да", "Нет"], "is_gap_indicator": True},
            "Отметьте ответы",
        ),
    ],
)
def test_question_validation(district, data, message):
    survey = make_office_survey(district)
    with pytest.raises(ValidationError) as error:
        services.question_create(section=first_section(survey), data=data, by=None)
    assert message in messages_of(error)


def test_gap_indicators_only_in_named_educator_surveys(district):
    survey = make_office_survey(district, mode="anonymous")
    data = {
        "kind": "single",
        "text": "Трудно?",
        "options": ["Да", "Нет"],
        "is_gap_indicator": True,
        "gap_values": [0],
        "gap_topic": "Тема",
    }
    with pytest.raises(ValidationError) as error:
        services.question_create(section=first_section(survey), data=data, by=None)
    assert "только в именных анкетах педагогов" in messages_of(error)


def test_codes_are_given_and_unique(district):
    survey = make_office_survey(district)
    first = add_choice(survey)
    second = add_choice(survey, "Ещё вопрос")
    assert (first.code, second.code) == ("q1", "q2")
    with pytest.raises(ValidationError) as error:
        add_choice(survey, "Третий", code="q1")
    assert "уже есть" in messages_of(error)


def test_skip_logic_only_on_earlier_choice_or_scale_questions(district):
    survey = make_office_survey(district)
    section = first_section(survey)
    text = services.question_create(
        section=section, data={"kind": "short_text", "text": "Имя кружка"}, by=None
    )
    with pytest.raises(ValidationError) as error:
        add_choice(survey, "Зависимый", show_if=text, show_if_values=[0])
    assert "с выбором варианта или шкалой" in messages_of(error)
    choice = add_choice(survey)
    with pytest.raises(ValidationError) as error:
        add_choice(survey, "Зависимый", show_if=choice, show_if_values=[5])
    assert "Такого ответа" in messages_of(error)
    dependant = add_choice(survey, "Сколько лет?", show_if=choice, show_if_values=[0])
    assert dependant.show_if == choice
    # Moving the condition below the question it shows is refused, and nothing moves.
    with pytest.raises(ValidationError) as error:
        services.question_move(question=choice, direction="down", by=None)
    assert "более ранний" in messages_of(error)
    assert list(Question.objects.filter(section=section).order_by("order").values_list("pk", flat=True)) == [
        text.pk,
        choice.pk,
        dependant.pk,
    ]
    # Deleting the condition's question is refused too (no silent loss of the logic).
    with pytest.raises(ValidationError):
        services.question_delete(question=choice, by=None)


def test_moving_questions(district):
    survey = make_office_survey(district)
    a, b = add_choice(survey, "А?"), add_choice(survey, "Б?")
    services.question_move(question=b, direction="up", by=None)
    ordered = list(
        Question.objects.filter(section=a.section).order_by("order").values_list("text", flat=True)
    )
    assert ordered == ["Б?", "А?"]


def test_sections(district):
    survey = make_office_survey(district)
    second = services.section_create(survey=survey, data={"title": "Второй"}, by=None)
    assert second.order == 2
    services.section_move(section=second, direction="up", by=None)
    assert first_section(survey).pk == second.pk
    services.section_delete(section=second, by=None)
    with pytest.raises(ValidationError) as error:
        services.section_delete(section=first_section(survey), by=None)
    assert "единственный раздел" in messages_of(error)


# --- versions --------------------------------------------------------------------------------------


def test_editing_after_responses_makes_a_new_version(district):
    survey = make_office_survey(district)
    condition = add_choice(survey)
    dependant = add_choice(survey, "Какой?", show_if=condition, show_if_values=[0])
    assert services.version_for_edit(survey=survey).number == 1  # unanswered: edited in place
    submit_response(survey, educator=make_educator(municipality=district.municipality))

    edited = services.question_update(
        question=dependant,
        data={"kind": "single", "text": "Какой кружок?", "options": ["Шахматы", "Робототехника"],
              "show_if": condition, "show_if_values": [0]},
        by=None,
    )  # fmt: skip
    assert edited.version.number == 2 and edited.pk != dependant.pk
    assert edited.code == dependant.code
    assert edited.show_if is not None
    assert edited.show_if.version_id == edited.version_id and edited.show_if.code == condition.code
    dependant.refresh_from_db()
    assert dependant.text == "Какой?"  # the answered version is untouched
    # Further edits stay in version 2 until it is answered.
    services.question_update(
        question=edited, data={"kind": "single", "text": "Кружок", "options": ["А", "Б"]}, by=None
    )
    assert SurveyVersion.objects.filter(survey=survey).count() == 2


def test_adding_a_question_after_responses(district):
    survey = make_office_survey(district)
    add_choice(survey)
    submit_response(survey, educator=make_educator(municipality=district.municipality))
    added = add_choice(survey, "Новый вопрос")
    assert added.version.number == 2
    assert Question.objects.filter(version=added.version).count() == 2


# --- copy, publish, delete -------------------------------------------------------------------------


def test_copy_keeps_codes_and_conditions(district):
    survey = make_office_survey(district, **dates())
    condition = add_choice(survey, code="club")
    add_choice(survey, "Какой?", show_if=condition, show_if_values=[0])
    copy = services.survey_copy(survey=survey, by=district.user("methodist"))
    assert copy.title == "Анкета для проверки (копия)" and copy.copied_from == survey
    assert not copy.is_published and copy.opens_at is None
    questions = {q.code: q for q in Question.objects.filter(version__survey=copy)}
    assert set(questions) == {"club", "q1"}
    assert questions["q1"].show_if == questions["club"]
    template = services.survey_copy(survey=survey, by=None, as_template=True)
    assert template.is_template


def test_copy_of_a_template_takes_its_title(district):
    create_templates()
    template = Survey.objects.get(is_template=True, title=TEMPLATES[0]["title"])
    copy = services.survey_copy(survey=template, by=None, organization=district.municipality)
    assert copy.title == template.title and not copy.is_template
    assert copy.organization == district.municipality
    assert Question.objects.filter(version__survey=copy).count() == 29


def test_publish_checks_and_tokens(district):
    survey = make_office_survey(district)
    with pytest.raises(ValidationError) as error:
        services.survey_publish(survey=survey, by=None)
    assert "нет ни одного вопроса" in messages_of(error)
    assert "даты" in messages_of(error)
    add_choice(survey)
    services.survey_update(survey=survey, data=dates(), by=None)
    with pytest.raises(ValidationError) as error:
        services.survey_publish(survey=survey, by=None)
    assert "ни одного педагога" in messages_of(error)

    first = make_educator(municipality=district.municipality, school=district.school_a)
    assert services.survey_publish(survey=survey, by=None) == 1
    survey.refresh_from_db()
    assert survey.is_published
    newcomer = make_educator(municipality=district.municipality, school=district.school_b)
    assert services.survey_publish(survey=survey, by=None) == 1  # re-publishing adds newcomers only
    assert set(RespondentToken.objects.filter(survey=survey).values_list("educator_id", flat=True)) == {
        first.pk,
        newcomer.pk,
    }


def test_monitoring_asks_schools(district):
    survey = make_office_survey(district, audience="schools", **dates())
    add_choice(survey)
    assert services.survey_publish(survey=survey, by=None) == 2
    schools = set(RespondentToken.objects.filter(survey=survey).values_list("school_id", flat=True))
    assert schools == {district.school_a.pk, district.school_b.pk}


def test_delete_only_without_responses(district):
    survey = make_office_survey(district)
    add_choice(survey)
    submit_response(survey, educator=make_educator(municipality=district.municipality))
    with pytest.raises(ValidationError) as error:
        services.survey_delete(survey=survey, by=None)
    assert "нельзя удалить" in messages_of(error)
    other = make_office_survey(district)
    add_choice(other)
    services.survey_delete(survey=other, by=None)
    assert not Survey.objects.filter(pk=other.pk).exists()


def test_mode_cannot_change_after_responses(district):
    survey = make_office_survey(district)
    submit_response(survey, educator=make_educator(municipality=district.municipality))
    with pytest.raises(ValidationError) as error:
        services.survey_update(survey=survey, data={"mode": "anonymous"}, by=None)
    assert "режим" in messages_of(error)
