"""Reads of answering: which surveys a user is asked to answer (through their RespondentToken as an
educator, or their school's as its school admin), the state of their answer, and the saved values.

For an anonymous survey the state comes from the token alone (`responded`, `draft`): the response row
cannot be found from the person, by design.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from imo.core.prepared import prepared
from imo.staff.selectors import educator_of_user
from imo.surveys.models import (
    AudienceKind,
    Mode,
    RespondentToken,
    Response,
    ResponseStatus,
    Survey,
    SurveyVersion,
)
from imo.surveys.selectors import school_admin_schools


class State:
    NEW = "new"
    DRAFT = "draft"
    SUBMITTED = "submitted"


STATE_LABELS = {State.NEW: "не начата", State.DRAFT: "черновик", State.SUBMITTED: "ответ отправлен"}


@dataclass
class ToAnswer:
    """A survey the user is asked to answer, as listed on «Мои анкеты» and the home page."""

    survey: Survey
    token: RespondentToken
    state: str
    is_open: bool
    can_edit: bool

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def url(self) -> str:
        return reverse("surveys:answer_by_link", args=[self.token.token])

    @property
    def respondent_label(self) -> str:
        return str(self.token.school) if self.token.school_id else ""


def is_open(survey: Survey, now: Any = None) -> bool:
    """Published, not a template, and between its dates."""
    now = now or timezone.now()
    if not survey.is_published or survey.is_template:
        return False
    if survey.opens_at and survey.opens_at > now:
        return False
    return not (survey.closes_at and survey.closes_at <= now)


def closed_message(survey: Survey, now: Any = None) -> str:
    """Why the survey takes no answers now (Russian), or ""."""
    now = now or timezone.now()
    if not survey.is_published or survey.is_template:
        return "Анкета не опубликована: ответы не принимаются."
    if survey.opens_at and survey.opens_at > now:
        start = timezone.localtime(survey.opens_at).strftime("%d.%m.%Y %H:%M")
        return f"Приём ответов ещё не начался: он откроется {start}."
    if survey.closes_at and survey.closes_at <= now:
        end = timezone.localtime(survey.closes_at).strftime("%d.%m.%Y %H:%M")
        return f"Приём ответов закончился {end}. Изменить или отправить ответ уже нельзя."
    return ""


def tokens_of(user: Any) -> QuerySet[RespondentToken]:
    """The user's respondent tokens: their own (educators' surveys) and their schools' (monitorings),
    of published surveys."""
    condition = Q(pk__in=[])
    educator = educator_of_user(user)
    if educator is not None:
        condition |= Q(educator=educator, survey__audience=AudienceKind.EDUCATORS)
    schools = [school.pk for school in school_admin_schools(user)]
    if schools:
        condition |= Q(school_id__in=schools, educator__isnull=True, survey__audience=AudienceKind.SCHOOLS)
    return (
        RespondentToken.objects.filter(condition, survey__is_published=True, survey__is_template=False)
        .select_related("survey", "school", "educator")
        .order_by(F("survey__closes_at").asc(nulls_last=True), "survey__pk", "pk")
    )


def token_for_link(user: Any, secret: str) -> RespondentToken:
    """The token of a personal link when it is the user's own; else 404 (another person's link reveals
    nothing, not even that it exists)."""
    token = tokens_of(user).filter(token=secret).first()
    if token is None:
        raise Http404("Анкета не найдена.")
    return token


def token_for_survey(user: Any, survey_pk: int, *, school_pk: int | None = None) -> RespondentToken:
    """The user's token for a survey (for a school admin of several schools: the chosen school's)."""
    # One survey: the list's order by closing date is the same for every token, so by key alone.
    tokens = tokens_of(user).filter(survey_id=survey_pk).order_by("pk")
    if school_pk is not None:
        tokens = tokens.filter(school_id=school_pk)
    token = tokens.first()
    if token is None:
        raise Http404("Анкета не найдена.")
    return token


def named_response_of(token: RespondentToken) -> Response | None:
    """The named response of the token's respondent (draft or sent); None for anonymous surveys."""
    survey = token.survey
    if survey.mode == Mode.ANONYMOUS:
        return None
    if token.educator_id is not None:
        return _EDUCATORS_RESPONSE.first(survey=survey.pk, educator=token.educator_id)
    return _SCHOOLS_RESPONSE.first(survey=survey.pk, school=token.school_id)


# Read for every answer page and save (imo/core/prepared.py).
_EDUCATORS_RESPONSE = prepared(
    lambda survey, educator: (
        Response.objects.filter(survey_id=survey, educator_id=educator)
        .select_related("version")
        .order_by("pk")[:1]
    ),
    survey=int,
    educator=int,
)
_SCHOOLS_RESPONSE = prepared(
    lambda survey, school: (
        Response.objects.filter(survey_id=survey, school_id=school, educator__isnull=True)
        .select_related("version")
        .order_by("pk")[:1]
    ),
    survey=int,
    school=int,
)


def state_of(token: RespondentToken, response: Response | None) -> str:
    if token.survey.mode == Mode.ANONYMOUS:
        if token.responded:
            return State.SUBMITTED
        return State.DRAFT if token.draft else State.NEW
    if response is None:
        return State.NEW
    return State.SUBMITTED if response.status == ResponseStatus.SUBMITTED else State.DRAFT


def newest_version(survey: Survey) -> SurveyVersion | None:
    return _NEWEST_VERSION.first(survey=survey.pk)


_NEWEST_VERSION = prepared(
    lambda survey: SurveyVersion.objects.filter(survey_id=survey).order_by("-number")[:1], survey=int
)


def _responses_by_token(tokens: list[RespondentToken]) -> dict[int, Response]:
    """Named responses of these tokens in one query."""
    named = [token for token in tokens if token.survey.mode == Mode.NAMED]
    if not named:
        return {}
    survey_ids = {token.survey_id for token in named}
    educator_ids = {token.educator_id for token in named if token.educator_id}
    school_ids = {token.school_id for token in named if token.school_id and not token.educator_id}
    responses = Response.objects.filter(survey_id__in=survey_ids).filter(
        Q(educator_id__in=educator_ids) | Q(school_id__in=school_ids, educator__isnull=True)
    )
    by_key: dict[tuple[int, str, int], Response] = {}
    for response in responses.only("pk", "survey_id", "educator_id", "school_id", "status"):
        if response.educator_id:
            by_key[(response.survey_id, "e", response.educator_id)] = response
        elif response.school_id:
            by_key[(response.survey_id, "s", response.school_id)] = response
    result: dict[int, Response] = {}
    for token in named:
        key = (
            (token.survey_id, "e", token.educator_id)
            if token.educator_id
            else (token.survey_id, "s", token.school_id or 0)
        )
        if key in by_key:
            result[token.pk] = by_key[key]
    return result


def surveys_of(user: Any, *, now: Any = None) -> list[ToAnswer]:
    """Every survey the user is asked to answer (open or not) with the state of their answer, in two
    queries whatever their number."""
    now = now or timezone.now()
    tokens = list(tokens_of(user))
    responses = _responses_by_token(tokens)
    rows: list[ToAnswer] = []
    for token in tokens:
        survey = token.survey
        state = state_of(token, responses.get(token.pk))
        open_now = is_open(survey, now)
        can_edit = open_now and state == State.SUBMITTED and survey.allow_edit and survey.mode == Mode.NAMED
        rows.append(ToAnswer(survey=survey, token=token, state=state, is_open=open_now, can_edit=can_edit))
    return rows


def surveys_to_answer(user: Any, *, limit: int = 5) -> list[ToAnswer]:
    """For the home page: open surveys the user has not sent an answer to yet (drafts included), the
    soonest to close first."""
    rows = [row for row in surveys_of(user) if row.is_open and row.state != State.SUBMITTED]
    return rows[:limit]
