"""Small data for the registration tests: a season with a school and a municipal stage, a few students."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from imo.core.text import fold
from imo.olympiads.models import GradeSetting, OlympiadSubject, Season, Stage, StageSubject, Student
from imo.reference.models import AcademicYear


def year(start: int) -> AcademicYear:
    found, _ = AcademicYear.objects.get_or_create(
        start_year=start,
        defaults={"starts_on": dt.date(start, 9, 1), "ends_on": dt.date(start + 1, 8, 31)},
    )
    return found


def make_student(
    school: Any,
    academic_year: AcademicYear,
    last: str,
    first: str,
    patronymic: str = "",
    *,
    grade: int = 8,
    birth_date: dt.date | None = None,
    previous: Student | None = None,
) -> Student:
    key = fold(" ".join(p for p in (last, first, patronymic) if p))
    return Student.objects.create(
        academic_year=academic_year,
        school=school,
        last_name=last,
        first_name=first,
        patronymic=patronymic,
        grade=grade,
        birth_date=birth_date,
        previous=previous,
        name_key=key,
        person_key=f"{key}|{birth_date.isoformat() if birth_date else ''}",
    )


@dataclass
class Olympiad:
    season: Season
    school_stage: Stage
    municipal_stage: Stage
    subject: OlympiadSubject
    school_math: StageSubject
    municipal_math: StageSubject
    extra: dict[str, Any] = field(default_factory=dict)


def make_olympiad(district: Any, start_year: int = 2026) -> Olympiad:
    academic_year = year(start_year)
    season = Season.objects.create(municipality=district.municipality, academic_year=academic_year)
    school_stage = Stage.objects.create(
        season=season,
        level=Stage.Level.SCHOOL,
        starts_on=dt.date(start_year, 9, 20),
        ends_on=dt.date(start_year, 10, 31),
    )
    municipal_stage = Stage.objects.create(
        season=season,
        level=Stage.Level.MUNICIPAL,
        starts_on=dt.date(start_year, 11, 10),
        ends_on=dt.date(start_year, 12, 20),
    )
    subject, _ = OlympiadSubject.objects.get_or_create(
        name="Математика", defaults={"min_grade_school": 4, "online_school_stage": True}
    )
    school_math = StageSubject.objects.create(stage=school_stage, subject=subject, min_grade=4, max_grade=11)
    municipal_math = StageSubject.objects.create(
        stage=municipal_stage, subject=subject, min_grade=7, max_grade=11
    )
    for grade in range(4, 12):
        GradeSetting.objects.create(
            stage_subject=school_math, grade=grade, max_score=Decimal("50"), threshold=Decimal("30")
        )
    return Olympiad(season, school_stage, municipal_stage, subject, school_math, municipal_math)
