"""Small settings data for the setup tests: a season with a school stage and one subject."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from imo.olympiads.models import OlympiadSubject, Season, Stage, StageSubject
from imo.olympiads.setup import services
from imo.reference.models import AcademicYear
from imo.reference.services import academic_year_ensure


def year(start: int) -> AcademicYear:
    return academic_year_ensure(on=dt.date(start, 10, 1))


def subject(name: str = "Математика") -> OlympiadSubject:
    return OlympiadSubject.objects.get(name=name)


def make_season(municipality: Any, start: int = 2026) -> Season:
    return services.season_create(municipality=municipality, academic_year=year(start))


def make_stage(season: Season, level: str = Stage.Level.SCHOOL, **quota: Any) -> Stage:
    start = season.academic_year.start_year
    if level == Stage.Level.SCHOOL:
        starts_on, ends_on = dt.date(start, 9, 20), dt.date(start, 10, 25)
    else:
        starts_on, ends_on = dt.date(start, 11, 10), dt.date(start, 12, 20)
    return services.stage_save(season=season, level=level, starts_on=starts_on, ends_on=ends_on, **quota)


def make_stage_subject(stage: Stage, name: str = "Математика", **data: Any) -> StageSubject:
    return services.stage_subject_save(stage=stage, subject=subject(name), **data)


def max_row(grade: int, score: str) -> services.GradeRow:
    return services.GradeRow(grade=grade, max_score=Decimal(score))
