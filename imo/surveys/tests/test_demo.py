"""Demo surveys (imo.surveys.demo) on a small demo district built by the real seeds; the test factories."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.utils import timezone

from imo.orgs import demo as orgs_demo
from imo.orgs.tests.factories import make_district
from imo.reference import demo as reference_demo
from imo.staff import demo as staff_demo
from imo.staff.tests.factories import make_educator
from imo.surveys import demo
from imo.surveys.models import (
    Answer,
    AudienceKind,
    Mode,
    QuestionKind,
    RespondentToken,
    Response,
    ResponseStatus,
    Survey,
)
from imo.surveys.tests.factories import (
    CODES,
    make_response,
    make_survey,
    make_token,
    questions_of,
    sample_values,
)

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def seeded(db):
    rng = random.Random(11)
    reference_demo.seed(today=TODAY)
    orgs = orgs_demo.seed_organizations(rng=rng, scale="district")
    orgs_demo.seed_users(rng=rng, orgs=orgs)
    staff_demo.seed(rng=rng, orgs=orgs, today=TODAY, district_count=300)
    started = time.monotonic()
    result = demo.seed(rng=rng, today=TODAY)
    return result, orgs, time.monotonic() - started


def _rate(survey: Survey) -> float:
    tokens = Counter(RespondentToken.objects.filter(survey=survey).values_list("responded", flat=True))
    return tokens[True] / (tokens[True] + tokens[False])


def _needs_survey(result):
    needs = Survey.objects.get(pk=result.needs_id)
    assert needs.title == demo.NEEDS_TITLE and needs.is_published and needs.mode == Mode.NAMED
    assert needs.opens_at and needs.closes_at and needs.opens_at < timezone.now() < needs.closes_at
    tokens = RespondentToken.objects.filter(survey=needs)
    assert tokens.count() > 250 and not tokens.filter(educator__isnull=True).exists()
    assert 0.65 <= _rate(needs) <= 0.75
    submitted = Response.objects.filter(survey=needs, status=ResponseStatus.SUBMITTED)
    answered = set(tokens.filter(responded=True).values_list("educator_id", flat=True))
    assert set(submitted.values_list("educator_id", flat=True)) == answered
    assert not submitted.filter(school__isnull=True).exists()
    drafts = Response.objects.filter(survey=needs, status=ResponseStatus.DRAFT)
    assert drafts.count() == demo.NEEDS_DRAFTS and not drafts.filter(submitted_on__isnull=False).exists()
    assert not tokens.filter(responded=True, educator_id__in=drafts.values("educator_id")).exists()
    assert all(
        day is not None and TODAY - dt.timedelta(days=14) <= day <= TODAY
        for day in submitted.values_list("submitted_on", flat=True)
    )
    version = needs.versions.get()
    assert version.frozen_at is not None
    questions = list(version.questions.all())
    assert {q.kind for q in questions} >= {QuestionKind.SINGLE, QuestionKind.SCALE, QuestionKind.LONG_TEXT}
    assert sum(q.is_gap_indicator for q in questions) >= 3

    # Every answer fits its question: options in range, scales inside the scale, grid rows known.
    for answer in Answer.objects.filter(response__survey=needs).select_related("question"):
        question = answer.question
        if answer.option is not None:
            assert 0 <= answer.option < len(question.options)
        elif question.kind == QuestionKind.SCALE:
            assert answer.number is not None
            assert question.scale_min <= answer.number <= question.scale_max
        elif question.kind == QuestionKind.GRID:
            assert answer.row is not None and 0 <= answer.row < len(question.grid_rows)
        elif question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            assert answer.text
    # Skip logic: a conditional question is answered only when its condition holds.
    given: defaultdict[tuple[int, int | None], set[Any]] = defaultdict(set)
    for response_id, question_id, option, number in Answer.objects.filter(response__survey=needs).values_list(
        "response_id", "question_id", "option", "number"
    ):
        given[(response_id, question_id)].add(option if option is not None else number)
    for question in [q for q in questions if q.show_if_id]:
        for response_id, _ in [key for key in given if key[1] == question.pk]:
            assert given[(response_id, question.show_if_id)] & set(question.show_if_values)
    # Early-career educators name more gaps than the experienced ones.
    assert _gap_share(needs, "0-3") > _gap_share(needs, "10+") + 0.1


def _gap_share(survey: Survey, band: str) -> float:
    """Share of (submitted response, gap-indicator scale or single question) pairs hitting a gap value."""
    from imo.staff.experience import full_years

    hits = total = 0
    answers = Answer.objects.filter(
        response__survey=survey,
        response__status=ResponseStatus.SUBMITTED,
        question__is_gap_indicator=True,
        question__kind__in=(QuestionKind.SCALE, QuestionKind.SINGLE),
    ).values_list("question__gap_values", "option", "number", "response__educator__teaching_experience_start")
    for gap_values, option, number, start in answers:
        years = full_years(start, TODAY)
        if years is None or (band == "0-3" and years >= 3) or (band == "10+" and years < 10):
            continue
        value = option if option is not None else int(number or 0)
        total += 1
        hits += value in gap_values
    assert total > 20
    return hits / total


def _ict_monitoring(result, orgs):
    ict = Survey.objects.get(pk=result.ict_id)
    assert ict.audience == AudienceKind.SCHOOLS
    tokens = RespondentToken.objects.filter(survey=ict)
    assert (
        not tokens.filter(school__isnull=True).exists() and not tokens.filter(educator__isnull=False).exists()
    )
    assert tokens.count() == len([s for s in orgs.schools if s.kind == "school"])
    assert _rate(ict) >= 0.7
    responses = Response.objects.filter(survey=ict, status=ResponseStatus.SUBMITTED)
    assert responses.count() == tokens.filter(responded=True).count()
    assert not responses.filter(school__isnull=True).exists()
    numbers = Answer.objects.filter(response__survey=ict, question__kind=QuestionKind.NUMBER).select_related(
        "question"
    )
    assert numbers.exists()
    for answer in numbers:
        question = answer.question
        assert answer.number is not None
        assert question.number_min is None or answer.number >= question.number_min
        assert question.number_max is None or answer.number <= question.number_max


def _anonymous_satisfaction(result):
    survey = Survey.objects.get(pk=result.satisfaction_id)
    assert survey.mode == Mode.ANONYMOUS
    assert 0.35 <= _rate(survey) <= 0.45
    responses = Response.objects.filter(survey=survey)
    assert responses.count() == RespondentToken.objects.filter(survey=survey, responded=True).count()
    # No person, school or time on the anonymous rows; only the day; drafts none.
    assert not responses.filter(educator__isnull=False).exists()
    assert not responses.filter(school__isnull=False).exists()
    assert not responses.exclude(status=ResponseStatus.SUBMITTED).exists()
    fields = {f.name for f in Response._meta.concrete_fields}
    assert fields == {"id", "survey", "version", "educator", "school", "status", "submitted_on"}
    assert all(isinstance(day, dt.date) for day in responses.values_list("submitted_on", flat=True))
    assert not RespondentToken.objects.filter(survey=survey).exclude(draft={}).exists()
    assert not Answer.objects.filter(response__survey=survey).exclude(file="").exists()


def _closed_and_draft(result):
    closed = Survey.objects.get(pk=result.closed_id)
    assert closed.closes_at is not None and closed.closes_at < timezone.now() and closed.is_published
    days = {d for d in Response.objects.filter(survey=closed).values_list("submitted_on", flat=True) if d}
    assert days and max(days) <= timezone.localtime(closed.closes_at).date() < TODAY
    draft = Survey.objects.get(pk=result.draft_id)
    assert not draft.is_published and draft.versions.get().questions.exists()
    assert not RespondentToken.objects.filter(survey=draft).exists()
    assert not Response.objects.filter(survey=draft).exists()


def test_district_seed(seeded):
    """One seed, every check against it."""
    result, orgs, seconds = seeded
    assert seconds < 10
    assert result.region_id is None
    assert result.responses == Response.objects.filter(status=ResponseStatus.SUBMITTED).count()
    assert result.drafts == demo.NEEDS_DRAFTS
    assert result.answers == Answer.objects.count()
    assert result.tokens == RespondentToken.objects.count()
    _needs_survey(result)
    _ict_monitoring(result, orgs)
    _anonymous_satisfaction(result)
    _closed_and_draft(result)


def test_region_scale_adds_the_big_anonymous_survey(db, monkeypatch):
    monkeypatch.setattr(demo, "REGION_RESPONSES", 150)
    rng = random.Random(5)
    reference_demo.seed(today=TODAY)
    orgs = orgs_demo.seed_organizations(rng=rng, scale="district")
    staff_demo.seed(rng=rng, orgs=orgs, today=TODAY, district_count=80)
    result = demo.seed(rng=rng, today=TODAY, scale="region")
    assert result.region_id is not None
    survey = Survey.objects.get(pk=result.region_id)
    assert survey.organization_id == orgs.region.pk and survey.mode == Mode.ANONYMOUS
    assert survey.closes_at is not None and survey.closes_at < timezone.now()
    assert survey.versions.get().questions.count() >= demo.REGION_QUESTIONS
    responses = Response.objects.filter(survey=survey)
    assert responses.count() == 150
    assert not responses.filter(educator__isnull=False).exists()
    assert Answer.objects.filter(response__survey=survey).count() > 150 * 20


# --- factories -------------------------------------------------------------------------------------


def test_factories_make_every_kind_and_responses(db):
    district = make_district()
    survey = make_survey(organization=district.municipality)
    questions = questions_of(survey)
    assert set(questions) == set(CODES) and {q.kind for q in questions.values()} == set(QuestionKind.values)
    assert questions["why"].show_if == questions["single"]
    educator = make_educator(municipality=district.municipality, school=district.school_a)
    token = make_token(survey, educator=educator)
    response = make_response(
        survey=survey, educator=educator, school=district.school_a, values=sample_values()
    )
    token.refresh_from_db()
    assert token.responded and response.status == ResponseStatus.SUBMITTED
    assert response.version.frozen_at is not None
    kinds = Counter(a.question.code for a in response.answers.select_related("question"))
    assert kinds["multiple"] == 3 and kinds["grid"] == 3 and kinds["single"] == 1

    anonymous = make_survey(organization=district.municipality, mode=Mode.ANONYMOUS)
    token = make_token(anonymous, educator=educator)
    response = make_response(survey=anonymous, educator=educator, token=token, values={"scale": 2})
    assert response.educator_id is None and response.school_id is None
    assert RespondentToken.objects.get(pk=token.pk).responded
