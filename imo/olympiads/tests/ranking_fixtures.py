"""Small data for the ranking tests: a municipal stage with mathematics (grades 9 and 10, maximum 100)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from imo.core.text import fold
from imo.olympiads.models import (
    GradeSetting,
    OlympiadSubject,
    Participation,
    Season,
    Stage,
    StageSubject,
    Student,
)
from imo.reference.models import AcademicYear


@dataclass
class Ranked:
    stage: Stage
    math: StageSubject
    parts: dict[str, Participation] = field(default_factory=dict)


def _year(start: int) -> AcademicYear:
    found, _ = AcademicYear.objects.get_or_create(
        start_year=start, defaults={"starts_on": dt.date(start, 9, 1), "ends_on": dt.date(start + 1, 8, 31)}
    )
    return found


def participant(
    ranked: Ranked, school: Any, name: str, score: str | None, *, grade: int = 9, enrolled: int | None = None
) -> Participation:
    last, first = name.split()
    student = Student.objects.create(
        academic_year=ranked.stage.season.academic_year,
        school=school,
        last_name=last,
        first_name=first,
        grade=enrolled or grade,
        name_key=fold(name),
        person_key=fold(name) + "|",
    )
    part = Participation.objects.create(
        stage_subject=ranked.math,
        student=student,
        grade=grade,
        score=None if score is None else Decimal(score),
    )
    ranked.parts[name] = part
    return part


def make_ranked(district: Any, *, scores: dict[str, str] | None = None, start_year: int = 2026) -> Ranked:
    season = Season.objects.create(municipality=district.municipality, academic_year=_year(start_year))
    stage = Stage.objects.create(
        season=season,
        level=Stage.Level.MUNICIPAL,
        starts_on=dt.date(start_year, 11, 10),
        ends_on=dt.date(start_year, 12, 20),
        total_share=Decimal(50),
        winners_share=Decimal(25),
    )
    math = StageSubject.objects.create(
        stage=stage, subject=OlympiadSubject.objects.get(name="Математика"), min_grade=7, max_grade=11
    )
    for grade in (9, 10):
        GradeSetting.objects.create(stage_subject=math, grade=grade, max_score=Decimal(100))
    ranked = Ranked(stage, math)
    default = {"Андреева Анна": "90", "Борисов Борис": "70", "Васильева Вера": "60", "Григорьев Глеб": "40"}
    for i, (name, score) in enumerate((scores or default).items()):
        participant(ranked, district.school_a if i % 2 == 0 else district.school_b, name, score)
    return ranked
