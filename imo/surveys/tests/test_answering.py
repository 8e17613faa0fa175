"""Answering: drafts, sending, one response per respondent (named and anonymous), anonymity of the
anonymous rows, closing, editing until closing, the pages and who may open them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from imo.orgs.tests.factories import District, make_district
from imo.staff.models import Educator
from imo.staff.tests.factories import make_educator
from imo.surveys.answering import engine, selectors, services
from imo.surveys.models import (
    Answer,
    AudienceKind,
    Mode,
    RespondentToken,
    Response,
    ResponseStatus,
    SurveyVersion,
)
from imo.surveys.tests.answering_fixtures import Made, make_survey, token_for


@dataclass
class World:
    district: District
    teacher: Any
    educator: Educator
    other: Educator
    other_user: Any


@pytest.fixture
def world(db) -> World:
    district = make_district()
    teacher = district.user("teacher_a")
    educator = make_educator(municipality=district.municipality, school=district.school_a)
    Educator.objects.filter(pk=educator.pk).update(user=teacher)
    educator.refresh_from_db()
    other_user = district.user("school_admin_b")
    other = make_educator(municipality=district.municipality, school=district.school_b)
    Educator.objects.filter(pk=other.pk).update(user=other_user)
    other.refresh_from_db()
    return World(district, teacher, educator, other, other_user)


def values(made: Made, **extra: Any) -> dict[str, Any]:
    return {"stage": {"option": 1, "other": ""}, "stress": 3, **extra}


def field(made: Made, code: str, suffix: str = "") -> str:
    return f"q{made.q[code].pk}" + (f"_{suffix}" if suffix else "")


# --- services ------------------------------------------------------------------------------------------


def test_named_draft_then_submit_one_response(world: World) -> None:
    made = make_survey(world.district)
    token = token_for(made.survey, educator=world.educator)
    services.response_save_draft(survey=made.survey, respondent=token, values=values(made), by=world.teacher)
    response = Response.objects.get(survey=made.survey)
    assert response.status == ResponseStatus.DRAFT and response.educator_id == world.educator.pk
    assert response.school_id == world.district.school_a.pk
    made.version.refresh_from_db()
    assert made.version.frozen_at is None  # a draft does not freeze the questions
    services.response_submit(survey=made.survey, respondent=token, values=values(made), by=world.teacher)
    response.refresh_from_db()
    token.refresh_from_db()
    made.version.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_on == timezone.localdate()
    assert token.responded and made.version.frozen_at is not None
    # Editing until closing replaces the answers of the same single response.
    services.response_submit(
        survey=made.survey, respondent=token, values=values(made, stress=5), by=world.teacher
    )
    assert Response.objects.filter(survey=made.survey).count() == 1
    assert Answer.objects.get(response=response, question=made.q["stress"]).number == 5


def test_named_without_edit_second_response_refused(world: World) -> None:
    made = make_survey(world.district, allow_edit=False)
    token = token_for(made.survey, educator=world.educator)
    services.response_submit(survey=made.survey, respondent=token, values=values(made), by=world.teacher)
    with pytest.raises(ValidationError, match="Повторный ответ не принимается"):
        services.response_submit(survey=made.survey, respondent=token, values=values(made), by=world.teacher)
    with pytest.raises(ValidationError, match="изменять ответы"):
        services.response_save_draft(
            survey=made.survey, respondent=token, values=values(made), by=world.teacher
        )


def test_anonymous_draft_on_token_and_submit_holds_nothing_identifying(world: World) -> None:
    made = make_survey(world.district, mode=Mode.ANONYMOUS)
    token = token_for(made.survey, educator=world.educator)
    services.response_save_draft(survey=made.survey, respondent=token, values=values(made), by=world.teacher)
    token.refresh_from_db()
    assert token.draft == values(made)
    assert not Response.objects.filter(survey=made.survey).exists()
    response = services.response_submit(
        survey=made.survey, respondent=token, values=values(made), by=world.teacher
    )
    token.refresh_from_db()
    assert token.responded and token.draft == {}
    row = Response.objects.get(pk=response.pk)
    assert row.educator_id is None and row.school_id is None
    assert row.submitted_on == timezone.localdate()
    # No field of the row or of its answers holds a person, a school, a user or a time of day.
    assert {f.name for f in Response._meta.concrete_fields} == {
        "id",
        "survey",
        "version",
        "educator",
        "school",
        "status",
        "submitted_on",
    }
    assert {f.name for f in Answer._meta.concrete_fields} == {
        "id",
        "response",
        "question",
        "option",
        "row",
        "number",
        "date",
        "text",
        "file",
    }
    for answer in Answer.objects.filter(response=row):
        assert answer.file.name == ""  # no file in these values
    # The token has no link to the response (no foreign key, no time) — nothing to join on.
    token_fields = {f.name for f in RespondentToken._meta.concrete_fields}
    assert token_fields == {
        "id",
        "survey",
        "educator",
        "school",
        "token",
        "responded",
        "draft",
        "reminded_on",
    }
    # A second response is refused; the first stays the only one.
    with pytest.raises(ValidationError, match="анонимный ответ"):
        services.response_submit(survey=made.survey, respondent=token, values=values(made), by=world.teacher)
    assert Response.objects.filter(survey=made.survey).count() == 1


def test_anonymous_file_keeps_no_original_name(world: World) -> None:
    made = make_survey(world.district, mode=Mode.ANONYMOUS)
    token = token_for(made.survey, educator=world.educator)
    file_value = {"name": "surveys/2025/01/abc.pdf", "label": "Иванова_отчёт.pdf"}
    response = services.response_submit(
        survey=made.survey, respondent=token, values=values(made, report=file_value), by=world.teacher
    )
    answer = Answer.objects.get(response=response, question=made.q["report"])
    assert answer.text == "" and answer.file.name == "surveys/2025/01/abc.pdf"


def test_closed_survey_refuses(world: World) -> None:
    made = make_survey(world.district, open_now=False)
    token = token_for(made.survey, educator=world.educator)
    with pytest.raises(ValidationError, match="Приём ответов закончился"):
        services.response_submit(survey=made.survey, respondent=token, values=values(made), by=world.teacher)
    with pytest.raises(ValidationError, match="Приём ответов закончился"):
        services.response_save_draft(
            survey=made.survey, respondent=token, values=values(made), by=world.teacher
        )


def test_newest_version_answered_and_draft_carried_by_code(world: World) -> None:
    made = make_survey(world.district)
    token = token_for(made.survey, educator=world.educator)
    services.response_save_draft(survey=made.survey, respondent=token, values=values(made), by=world.teacher)
    # The builder made version 2 (a copy with the same codes).
    v2 = SurveyVersion.objects.create(survey=made.survey, number=2)
    for question in engine.questions_of(made.version):
        section = question.section
        question.pk = None
        question.version = v2
        section.pk = None
        section.version = v2
        section.save()
        question.section = section
        question.show_if = None
        question.save()
    services.response_submit(survey=made.survey, respondent=token, values=values(made), by=world.teacher)
    response = Response.objects.get(survey=made.survey)
    assert response.version == v2
    assert set(Answer.objects.filter(response=response).values_list("question__version", flat=True)) == {
        v2.pk
    }


def test_school_monitoring_answered_for_the_school(world: World) -> None:
    made = make_survey(world.district, audience=AudienceKind.SCHOOLS)
    token = token_for(made.survey, school=world.district.school_a)
    zam = world.district.user("school_admin_a")
    assert [row.survey for row in selectors.surveys_to_answer(zam)] == [made.survey]
    services.response_submit(survey=made.survey, respondent=token, values=values(made), by=zam)
    response = Response.objects.get(survey=made.survey)
    assert response.school == world.district.school_a and response.educator is None
    assert selectors.surveys_to_answer(zam) == []


# --- pages ---------------------------------------------------------------------------------------------


def test_my_page_and_home_selector(client, world: World) -> None:
    made = make_survey(world.district)
    token_for(made.survey, educator=world.educator)
    client.force_login(world.teacher)
    page = client.get(reverse("surveys:my"))
    assert page.status_code == 200 and made.survey.title in page.content.decode()
    assert [row.survey for row in selectors.surveys_to_answer(world.teacher)] == [made.survey]


def test_answer_page_draft_and_submit(client, world: World) -> None:
    made = make_survey(world.district)
    token = token_for(made.survey, educator=world.educator)
    client.force_login(world.teacher)
    url = reverse("surveys:answer", args=[made.survey.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Сохранить черновик" in body and "Отправить" in body and "js/surveys.js" in body
    draft = client.post(url, {field(made, "stage"): "0", field(made, "hours"): "5", "draft": "1"})
    assert draft.status_code == 302
    assert Response.objects.get(survey=made.survey).status == ResponseStatus.DRAFT
    # Sending without the shown required question: Russian message, typed values shown back.
    missing = client.post(url, {field(made, "stage"): "0", field(made, "hours"): "7", "submit": "1"})
    assert missing.status_code == 400
    text = missing.content.decode()
    assert "Ответьте на этот вопрос." in text and 'value="7"' in text
    sent = client.post(
        url, {field(made, "stage"): "0", field(made, "mentor"): "Петрова", "submit": "1"}, follow=True
    )
    assert "Спасибо! Ваш ответ отправлен." in sent.content.decode()
    token.refresh_from_db()
    assert token.responded


def test_after_closing_typed_values_shown_back(client, world: World) -> None:
    made = make_survey(world.district)
    token_for(made.survey, educator=world.educator)
    client.force_login(world.teacher)
    url = reverse("surveys:answer", args=[made.survey.pk])
    made.survey.closes_at = timezone.now() - dt.timedelta(minutes=1)
    made.survey.save()
    page = client.post(
        url, {field(made, "stage"): "1", field(made, "story"): "Мой длинный ответ", "submit": "1"}
    )
    text = page.content.decode()
    assert "Приём ответов закончился" in text and "Мой длинный ответ" in text
    assert not Response.objects.exists()


def test_personal_link_only_for_its_owner(client, world: World) -> None:
    made = make_survey(world.district)
    token = token_for(made.survey, educator=world.educator)
    url = reverse("surveys:answer_by_link", args=[token.token])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(world.other_user)
    assert client.get(url).status_code == 404
    client.force_login(world.teacher)
    page = client.get(url)
    assert page.status_code == 200 and str(world.educator) in page.content.decode()


def test_survey_not_addressed_to_user_is_404(client, world: World) -> None:
    made = make_survey(world.district)
    token_for(made.survey, educator=world.other)
    client.force_login(world.teacher)
    assert client.get(reverse("surveys:answer", args=[made.survey.pk])).status_code == 404
    client.force_login(world.district.user("no_role"))
    assert client.get(reverse("surveys:my")).status_code == 403


def test_anonymous_sent_page_shows_no_answers(client, world: World) -> None:
    made = make_survey(world.district, mode=Mode.ANONYMOUS)
    token = token_for(made.survey, educator=world.educator)
    client.force_login(world.teacher)
    url = reverse("surveys:answer", args=[made.survey.pk])
    client.post(url, {field(made, "stage"): "1", field(made, "story"): "Секрет", "submit": "1"})
    token.refresh_from_db()
    assert token.responded
    page = client.get(url).content.decode()
    assert "Ваш анонимный ответ получен" in page and "Секрет" not in page
    again = client.post(url, {field(made, "stage"): "1", "submit": "1"})
    assert "Ответ не принят" in again.content.decode()
    assert Response.objects.filter(survey=made.survey).count() == 1


def test_a_frozen_versions_questions_are_read_once_an_open_ones_every_time(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = make_survey(world.district)
    version = SurveyVersion.objects.get(pk=made.version.pk)
    # Not answered yet: the builder may still change it, so every page reads it afresh.
    with CaptureQueriesContext(connection) as open_reads:
        engine.questions_of(version)
        engine.questions_of(version)
    assert len(open_reads) == 2
    token = token_for(made.survey, educator=world.educator)
    services.response_submit(survey=made.survey, respondent=token, values=values(made), by=world.teacher)
    version.refresh_from_db()
    assert version.frozen_at is not None
    first = engine.questions_of(version)
    with CaptureQueriesContext(connection) as frozen_reads:
        again = engine.questions_of(version)
    assert len(frozen_reads) == 0
    assert [q.pk for q in again] == [q.pk for q in first] == [q.pk for q in engine._read_questions(version)]
    again.pop()  # each caller gets its own list
    assert len(engine.questions_of(version)) == len(first)
