"""Writes of answering: saving a draft and sending a response.

Named surveys: one Response per educator (or per school for a monitoring); a draft is that row in the
draft state; once sent it may be changed until closing when the survey allows it. Anonymous surveys: the
draft sits on the respondent's token; sending creates a Response with no educator, no school and only the
day, marks the token as answered and empties the draft — in one transaction, so that either all of it
happens or none. The answered version is the survey's newest; the first response freezes it.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from imo.library.files.detect import EXTENSIONS, file_kind
from imo.staff.selectors import employments_of
from imo.surveys import tallies
from imo.surveys.answering import engine
from imo.surveys.answering.selectors import closed_message
from imo.surveys.models import (
    Answer,
    Mode,
    RespondentToken,
    Response,
    ResponseStatus,
    Survey,
    SurveyVersion,
)

MSG_ALREADY = "Вы уже ответили на эту анкету. Повторный ответ не принимается."
MSG_ANONYMOUS_SENT = "Вы уже отправили анонимный ответ. Изменить его нельзя: он не связан с вашим именем."
MSG_NO_EDIT = "Ответ уже отправлен, а изменять ответы в этой анкете нельзя."
MSG_SENT_NO_DRAFT = "Ответ уже отправлен. Чтобы изменить его, нажмите «Отправить»."
MSG_NOT_RESPONDENT = "Эта анкета адресована не вам."
MSG_NO_QUESTIONS = "В анкете нет вопросов."


def _check_open(survey: Survey) -> None:
    message = closed_message(survey)
    if message:
        raise ValidationError(message, code="closed")


def _check_respondent(survey: Survey, respondent: RespondentToken) -> None:
    if respondent.survey_id != survey.pk:
        raise ValidationError(MSG_NOT_RESPONDENT, code="not_respondent")


def _newest_version(survey: Survey, *, lock: bool) -> SurveyVersion:
    versions = SurveyVersion.objects.filter(survey=survey).order_by("-number")
    version = (versions.select_for_update() if lock else versions).first()
    if version is None:
        raise ValidationError(MSG_NO_QUESTIONS, code="no_questions")
    return version


def _current_school_id(respondent: RespondentToken) -> int | None:
    """The educator's school now (main place of work first), kept on a named response for breakdowns."""
    if respondent.educator is None:
        return respondent.school_id
    today = timezone.localdate()
    for employment in employments_of(respondent.educator):
        if employment.ends_on is None or employment.ends_on >= today:
            return employment.organization_id
    return None


def store_uploads(values: Mapping[str, Any], uploads: Mapping[str, Any]) -> dict[str, Any]:
    """The values with this post's files stored. Stored under a random name with the extension of
    their real kind: the original name (which may name its author) is kept only in the value's label."""
    stored = dict(values)
    for code, upload in uploads.items():
        kind = file_kind(upload) or "bin"
        month = timezone.localdate().strftime("%Y/%m")
        name = default_storage.save(
            f"surveys/{month}/{secrets.token_hex(12)}.{EXTENSIONS.get(kind, kind)}", upload
        )
        stored[code] = {"name": name, "label": str(getattr(upload, "name", "") or "файл")[:200]}
    return stored


def _named_response(survey: Survey, respondent: RespondentToken) -> Response | None:
    responses = Response.objects.select_for_update().filter(survey=survey)
    if respondent.educator_id is not None:
        return responses.filter(educator_id=respondent.educator_id).first()
    return responses.filter(school_id=respondent.school_id, educator__isnull=True).first()


def _replace_answers(response: Response, values: Mapping[str, Any]) -> list[Answer]:
    """The response's answer rows replaced by `values`. A file no longer answered (replaced by another or
    removed) is deleted from storage once the transaction commits, so a rolled-back send loses nothing."""
    old_files = set(Answer.objects.filter(response=response).exclude(file="").values_list("file", flat=True))
    Answer.objects.filter(response=response).delete()
    made = Answer.objects.bulk_create(
        engine.answers_for(response, values, engine.questions_of(response.version))
    )
    gone = sorted(old_files - {answer.file.name for answer in made if answer.file})
    if gone:
        transaction.on_commit(lambda: _delete_files(gone))
    return made


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _lock_token(respondent: RespondentToken) -> RespondentToken:
    """The token row locked: two sends at once (two tabs) are taken one after the other, and the second
    sees `responded`. Only the token's own row is locked (the educator is a nullable join)."""
    return (
        RespondentToken.objects.select_for_update(of=("self",))
        .select_related("survey", "educator")
        .get(pk=respondent.pk)
    )


@transaction.atomic
def response_save_draft(
    *, survey: Survey, respondent: RespondentToken, values: Mapping[str, Any], by: Any
) -> None:
    """Keep unsent answers: on the named response (draft state) or, anonymous, on the token."""
    _check_respondent(survey, respondent)
    _check_open(survey)
    token = _lock_token(respondent)
    if survey.mode == Mode.ANONYMOUS:
        if token.responded:
            raise ValidationError(MSG_ANONYMOUS_SENT, code="already")
        token.draft = dict(values)
        token.save(update_fields=["draft"])
        return
    response = _named_response(survey, token)
    if response is not None and response.status == ResponseStatus.SUBMITTED:
        raise ValidationError(MSG_SENT_NO_DRAFT if survey.allow_edit else MSG_NO_EDIT, code="already")
    version = _newest_version(survey, lock=False)
    if response is None:
        response = Response.objects.create(
            survey=survey,
            version=version,
            educator_id=token.educator_id,
            school_id=_current_school_id(token),
            status=ResponseStatus.DRAFT,
        )
    elif response.version_id != version.pk:
        response.version = version
        response.save(update_fields=["version"])
    _replace_answers(response, values)


def _freeze(version: SurveyVersion) -> None:
    if version.frozen_at is None:
        version.frozen_at = timezone.now()
        version.save(update_fields=["frozen_at"])


@transaction.atomic
def response_submit(
    *, survey: Survey, respondent: RespondentToken, values: Mapping[str, Any], by: Any
) -> Response:
    """Send the response (values already parsed by `engine.parse`). Named: creates or updates the one
    response of the respondent; anonymous: a new response holding nothing about who sent it."""
    _check_respondent(survey, respondent)
    _check_open(survey)
    token = _lock_token(respondent)
    version = _newest_version(survey, lock=True)
    today = timezone.localdate()
    known = tallies.known_questions(survey)
    deltas: tallies.Deltas = Counter()
    if survey.mode == Mode.ANONYMOUS:
        if token.responded:
            raise ValidationError(MSG_ANONYMOUS_SENT, code="already")
        response = Response.objects.create(
            survey=survey, version=version, status=ResponseStatus.SUBMITTED, submitted_on=today
        )
        token.responded = True
        token.draft = {}
        token.save(update_fields=["responded", "draft"])
    else:
        response_or_none = _named_response(survey, token)
        sent = response_or_none is not None and response_or_none.status == ResponseStatus.SUBMITTED
        if sent and not survey.allow_edit:
            raise ValidationError(MSG_ALREADY, code="already")
        if sent:  # an edit of a sent response: its old answers leave the tallies
            assert response_or_none is not None
            deltas.update(tallies.response_deltas(tallies.stored_answer_values(response_or_none), known, -1))
        if response_or_none is None:
            response = Response(
                survey=survey, educator_id=token.educator_id, school_id=_current_school_id(token)
            )
        else:
            response = response_or_none
        response.version = version
        response.status = ResponseStatus.SUBMITTED
        response.submitted_on = today
        response.save()
        if not token.responded:
            token.responded = True
            token.save(update_fields=["responded"])
    _freeze(version)
    answers = _replace_answers(response, values)
    deltas.update(tallies.response_deltas(tallies.answer_values(answers), known, 1))
    tallies.tallies_apply(survey.pk, deltas)
    return response
