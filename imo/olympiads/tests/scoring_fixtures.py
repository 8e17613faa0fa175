"""Small data for the scoring tests: one stage subject, a few students, a jury of two."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from imo.core.text import fold
from imo.olympiads.models import (
    GradeSetting,
    JuryMember,
    OlympiadSubject,
    Participation,
    Season,
    Stage,
    StageSubject,
    Student,
)
from imo.orgs.models import Role
from imo.orgs.tests.factories import make_user_with_role
from imo.reference.models import AcademicYear
from imo.staff.tests.factories import make_educator

STUDENTS = (
    ("Абдулаева", "Зарема", "Руслановна", 7, "a"),
    ("Багаев", "Ислам", "Ахмедович", 7, "b"),
    ("Вагапова", "Ася", "", 8, "a"),
)


@dataclass
class Scoring:
    stage_subject: StageSubject
    participations: list[Participation]
    chair: Any  # users
    member: Any
    outsider: Any  # a teacher on no jury
    extra: dict[str, Any] = field(default_factory=dict)


def make_student(
    school: Any, year: AcademicYear, last: str, first: str, patronymic: str, grade: int
) -> Student:
    key = fold(" ".join(p for p in (last, first, patronymic) if p))
    return Student.objects.create(
        academic_year=year,
        school=school,
        last_name=last,
        first_name=first,
        patronymic=patronymic,
        grade=grade,
        name_key=key,
        person_key=f"{key}|",
    )


def jury_user(
    district: Any, username: str, *, stage_subject: StageSubject | None, chair: bool = False
) -> Any:
    user = make_user_with_role(Role.TEACHER, district.school_a, username=username)
    educator = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Жюриева"
    )
    educator.user = user
    educator.save(update_fields=["user"])
    if stage_subject is not None:
        JuryMember.objects.create(stage_subject=stage_subject, educator=educator, is_chair=chair)
    return user


def make_scoring(
    district: Any, *, subject: str = "Математика", online: bool = False, tasks: bool = True
) -> Scoring:
    year, _ = AcademicYear.objects.get_or_create(
        start_year=2026, defaults={"starts_on": dt.date(2026, 9, 1), "ends_on": dt.date(2027, 8, 31)}
    )
    season, _ = Season.objects.get_or_create(municipality=district.municipality, academic_year=year)
    stage, _ = Stage.objects.get_or_create(
        season=season,
        level=Stage.Level.SCHOOL,
        defaults={"starts_on": dt.date(2026, 9, 20), "ends_on": dt.date(2026, 10, 25)},
    )
    stage_subject = StageSubject.objects.create(
        stage=stage,
        subject=OlympiadSubject.objects.get(name=subject),
        min_grade=7,
        max_grade=8,
        held_on=dt.date(2026, 10, 1),
        online=online,
    )
    for grade in (7, 8):
        GradeSetting.objects.create(
            stage_subject=stage_subject,
            grade=grade,
            max_score=Decimal("30"),
            task_max=[10, 10, 10] if tasks else [],
        )
    schools = {"a": district.school_a, "b": district.school_b}
    participations = [
        Participation.objects.create(
            stage_subject=stage_subject,
            student=make_student(schools[school], year, last, first, patronymic, grade),
            grade=grade,
        )
        for last, first, patronymic, grade, school in STUDENTS
    ]
    suffix = subject[:3]
    return Scoring(
        stage_subject=stage_subject,
        participations=participations,
        chair=jury_user(district, f"chair_{suffix}_{online}", stage_subject=stage_subject, chair=True),
        member=jury_user(district, f"member_{suffix}_{online}", stage_subject=stage_subject),
        outsider=jury_user(district, f"outsider_{suffix}_{online}", stage_subject=None),
    )
