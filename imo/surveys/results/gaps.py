"""Gaps found in named answers (issue #9, item 7): which educators answered a gap indicator question with
one of its «затруднение» values, and adding those topics to their individual development plans (ИОМ)
through imo.training.development.services.

Only named educators' surveys: an anonymous response is never tied to a person, so it has no gaps to
carry anywhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from imo.staff.models import Educator
from imo.surveys.models import AudienceKind, Mode, Question, QuestionKind, Survey
from imo.surveys.results.aggregation import CHOICE_KINDS, Filters, answers_of


def gaps_possible(survey: Survey) -> bool:
    return survey.mode == Mode.NAMED and survey.audience == AudienceKind.EDUCATORS


def gap_questions(questions: list[Question]) -> list[Question]:
    return [q for q in questions if q.is_gap_indicator and q.gap_values and q.gap_topic]


def _gap_condition(questions: list[Question]) -> Q:
    """Answers hitting a gap: an indicated option (choices) or scale value, question by question."""
    condition = Q(pk__in=[])
    for question in questions:
        values = [v for v in question.gap_values if isinstance(v, int | float)]
        if question.kind in CHOICE_KINDS:
            condition |= Q(question__code=question.code, option__in=values)
        elif question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
            condition |= Q(question__code=question.code, row__isnull=True, number__in=values)
    return condition


@dataclass
class EducatorGaps:
    educator: Educator
    school: str
    topics: list[str] = field(default_factory=list)


def educators_with_gaps(*, survey: Survey, filters: Filters, questions: list[Question]) -> list[EducatorGaps]:
    """Educators (Russian alphabetical order) whose submitted answers hit gap indicators, with the topics:
    two statements."""
    indicators = gap_questions(questions)
    if not gaps_possible(survey) or not indicators:
        return []
    topic_of = {q.code: q.gap_topic for q in indicators}
    hits = (
        answers_of(survey, filters)
        .filter(_gap_condition(indicators), response__educator__isnull=False)
        .values_list("response__educator_id", "question__code", "response__school__short_name")
        .distinct()
    )
    codes: dict[int, set[str]] = defaultdict(set)
    schools: dict[int, str] = {}
    for educator_id, code, school in hits:
        codes[educator_id].add(code)
        schools[educator_id] = school or ""
    order = [q.code for q in indicators]
    educators = Educator.objects.filter(pk__in=list(codes)).order_by("name_key", "pk")
    return [
        EducatorGaps(
            educator=educator,
            school=schools.get(educator.pk, ""),
            topics=[topic_of[c] for c in order if c in codes[educator.pk]],
        )
        for educator in educators
    ]


@dataclass(frozen=True)
class GapsAdded:
    educators: int  # educators whose plan got at least one new gap
    gaps: int
    refused: int  # educators the user may not change the plan of


def gaps_add_to_plans(*, survey: Survey, rows: list[EducatorGaps], by: Any) -> GapsAdded:
    """Each educator's topics into their ИОМ (a draft plan is made when they have none); repeating adds
    nothing. Educators whose plan `by` may not change are counted, not touched."""
    from imo.training.development.services import gaps_add_from_survey

    source_ref = f"Анкета «{survey.title}»"[:200]
    educators = gaps = refused = 0
    with transaction.atomic():
        for row in rows:
            if not by.has_perm("training.add_development_plan_for", row.educator):
                refused += 1
                continue
            created = gaps_add_from_survey(
                educator=row.educator, texts=row.topics, source_ref=source_ref, by=by
            )
            if created:
                educators += 1
                gaps += len(created)
    return GapsAdded(educators=educators, gaps=gaps, refused=refused)
