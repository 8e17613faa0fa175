"""Small builders for the builder's and audience's tests: a district's office survey with a few questions,
and a submitted response (the answering part is not needed for these)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from imo.orgs.tests.factories import District
from imo.surveys.builder import services
from imo.surveys.models import Question, Response, ResponseStatus, Survey

OPEN_DAYS = 14


def dates(days: int = OPEN_DAYS) -> dict[str, Any]:
    now = timezone.now()
    return {"opens_at": now - dt.timedelta(days=1), "closes_at": now + dt.timedelta(days=days)}


def make_office_survey(district: District, **data: Any) -> Survey:
    values: dict[str, Any] = {
        "title": "Анкета для проверки",
        "audience": "educators",
        "mode": "named",
        **data,
    }
    return services.survey_create(
        organization=district.municipality, data=values, by=district.user("methodist")
    )


def first_section(survey: Survey) -> Any:
    version = services.newest_version(survey)
    assert version is not None
    return version.sections.order_by("order").first()


def add_choice(survey: Survey, text: str = "Вы ведёте кружок?", **data: Any) -> Question:
    values = {"kind": "single", "text": text, "options": ["Да", "Нет"], **data}
    return services.question_create(section=first_section(survey), data=values, by=None)


def submit_response(survey: Survey, *, educator: Any = None, school: Any = None) -> Response:
    version = services.newest_version(survey)
    assert version is not None
    return Response.objects.create(
        survey=survey,
        version=version,
        educator=educator,
        school=school,
        status=ResponseStatus.SUBMITTED,
        submitted_on=timezone.localdate(),
    )
