"""A small survey with one question of every kind and skip logic, for the answering tests (until H5's
factories exist): `make_survey(district, mode=…, audience=…)`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from imo.orgs.tests.factories import District
from imo.surveys.models import (
    AudienceKind,
    Mode,
    Question,
    QuestionKind,
    RespondentToken,
    Section,
    Survey,
    SurveyVersion,
)


@dataclass
class Made:
    survey: Survey
    version: SurveyVersion
    q: dict[str, Question]


def make_survey(
    district: District,
    *,
    mode: str = Mode.NAMED,
    audience: str = AudienceKind.EDUCATORS,
    allow_edit: bool = True,
    open_now: bool = True,
) -> Made:
    now = timezone.now()
    survey = Survey.objects.create(
        organization=district.municipality,
        title="Профессиональные затруднения педагогов",
        audience=audience,
        mode=mode,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=7) if open_now else now - dt.timedelta(hours=1),
        is_published=True,
        allow_edit=allow_edit,
    )
    version = SurveyVersion.objects.create(survey=survey, number=1)
    first = Section.objects.create(version=version, order=1, title="О вас")
    second = Section.objects.create(version=version, order=2, title="Затруднения")
    specs: list[tuple[Section, str, str, dict[str, Any]]] = [
        (
            first,
            "stage",
            QuestionKind.SINGLE,
            {"required": True, "options": ["до 3 лет", "3–10 лет", "больше 10 лет"], "allow_other": True},
        ),
        (first, "mentor", QuestionKind.SHORT_TEXT, {"required": True}),  # shown only for «до 3 лет»
        (
            first,
            "topics",
            QuestionKind.MULTIPLE,
            {"options": ["ФГОС", "ИКТ", "Воспитание"], "allow_other": True},
        ),
        (second, "stress", QuestionKind.SCALE, {"scale_min": 1, "scale_max": 5}),
        (second, "hours", QuestionKind.NUMBER, {"number_min": 0, "number_max": 72}),
        (second, "story", QuestionKind.LONG_TEXT, {}),
        (second, "course", QuestionKind.DATE, {}),
        (
            second,
            "skills",
            QuestionKind.GRID,
            {"grid_rows": ["Планирование", "Оценивание"], "scale_min": 1, "scale_max": 5},
        ),
        (second, "report", QuestionKind.FILE, {}),
    ]
    questions: dict[str, Question] = {}
    for order, (section, code, kind, extra) in enumerate(specs, start=1):
        questions[code] = Question.objects.create(
            version=version,
            section=section,
            order=order,
            code=code,
            kind=kind,
            text=f"Вопрос {code}",
            **extra,
        )
    mentor = questions["mentor"]
    mentor.show_if = questions["stage"]
    mentor.show_if_values = [0]
    mentor.save()
    return Made(survey=survey, version=version, q=questions)


def token_for(survey: Survey, *, educator: Any = None, school: Any = None) -> RespondentToken:
    return RespondentToken.objects.create(survey=survey, educator=educator, school=school)
