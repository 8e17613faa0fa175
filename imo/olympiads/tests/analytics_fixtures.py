"""A tiny hand-made olympiad data set for the analytics tests: 2 schools, 2 subjects, 2 years.

School stage 2025/2026 (math grades 4–11, physics 7–11):
  school A: Иванов — math winner, physics prize-winner; Петрова — math participant; Сидоров — math absent
            (not counted); enrolment grades 7 and 8: 10 + 10 → share 2 / 20 = 10,0 %.
  school B: Алиев — math prize-winner; Бекова — physics participant; no enrolment → «—».
School stage 2024/2025: A: Иванов (last year) math winner (enrolment grade 7: 8 → 12,5 %); B: Бекова physics
  participant. Municipal stage 2025/2026: A: Иванов math prize-winner.
Teachers: Учителева (school A, the user teacher_a) prepared Иванов and Петрова (2025) and Иванов (2024);
  Бельтоева (school B) prepared Алиев; Пустова (school B) prepared Бекова only (no awards).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from imo.olympiads.models import (
    Enrolment,
    OlympiadSubject,
    Participation,
    Season,
    Stage,
    StageSubject,
    Student,
)
from imo.orgs.tests.factories import District
from imo.reference.services import academic_year_ensure
from imo.staff.models import Educator
from imo.staff.tests.factories import make_educator

W = Participation.Status.WINNER
P = Participation.Status.PRIZE_WINNER
PART = Participation.Status.PARTICIPANT


@dataclass
class Olympiad:
    district: District
    math: OlympiadSubject
    physics: OlympiadSubject
    years: dict[int, Any] = field(default_factory=dict)
    subjects: dict[str, StageSubject] = field(default_factory=dict)  # "2025-school-math"
    teachers: dict[str, Educator] = field(default_factory=dict)


def _stage_subjects(season: Season, year: int, math: OlympiadSubject, physics: OlympiadSubject) -> dict:
    school = Stage.objects.create(
        season=season, level=Stage.Level.SCHOOL, starts_on=dt.date(year, 10, 1), ends_on=dt.date(year, 10, 30)
    )
    municipal = Stage.objects.create(
        season=season,
        level=Stage.Level.MUNICIPAL,
        starts_on=dt.date(year, 11, 10),
        ends_on=dt.date(year, 12, 20),
    )
    return {
        f"{year}-school-math": StageSubject.objects.create(
            stage=school, subject=math, min_grade=4, max_grade=11
        ),
        f"{year}-school-physics": StageSubject.objects.create(
            stage=school, subject=physics, min_grade=7, max_grade=11
        ),
        f"{year}-municipal-math": StageSubject.objects.create(
            stage=municipal, subject=math, min_grade=7, max_grade=11
        ),
    }


def _student(year: Any, school: Any, last: str, first: str, grade: int) -> Student:
    return Student.objects.create(
        academic_year=year,
        school=school,
        last_name=last,
        first_name=first,
        patronymic="Ахмедович",
        grade=grade,
    )


def _take(
    stage_subject: StageSubject,
    student: Student,
    status: str,
    teachers: list[Educator],
    *,
    score: str = "10",
    absent: bool = False,
) -> Participation:
    participation = Participation.objects.create(
        stage_subject=stage_subject,
        student=student,
        grade=student.grade,
        absent=absent,
        score=None if absent else Decimal(score),
        status="" if absent else status,
    )
    participation.teachers.set(teachers)
    return participation


def make_olympiad(district: District) -> Olympiad:
    math = OlympiadSubject.objects.get(name="Математика")
    physics = OlympiadSubject.objects.get(name="Физика")
    data = Olympiad(district, math, physics)
    a, b = district.school_a, district.school_b
    teacher = make_educator(
        municipality=district.municipality, school=a, last_name="Учителева", first_name="Анна"
    )
    Educator.objects.filter(pk=teacher.pk).update(user=district.user("teacher_a"))
    teacher.refresh_from_db()
    other = make_educator(
        municipality=district.municipality, school=b, last_name="Бельтоева", first_name="Зара"
    )
    idle = make_educator(
        municipality=district.municipality, school=b, last_name="Пустова", first_name="Ирина"
    )
    data.teachers = {"a": teacher, "b": other, "idle": idle}
    for start in (2024, 2025):
        year = academic_year_ensure(on=dt.date(start, 10, 1))
        data.years[start] = year
        season = Season.objects.create(municipality=district.municipality, academic_year=year)
        data.subjects.update(_stage_subjects(season, start, math, physics))
    y24, y25 = data.years[2024], data.years[2025]
    s = data.subjects

    ivanov24 = _student(y24, a, "Иванов", "Иван", 7)
    bekova24 = _student(y24, b, "Бекова", "Амина", 8)
    _take(s["2024-school-math"], ivanov24, W, [teacher], score="40")
    _take(s["2024-school-physics"], bekova24, PART, [idle], score="5")

    ivanov = _student(y25, a, "Иванов", "Иван", 8)
    petrova = _student(y25, a, "Петрова", "Мария", 7)
    sidorov = _student(y25, a, "Сидоров", "Пётр", 7)
    aliev = _student(y25, b, "Алиев", "Ахмед", 8)
    bekova = _student(y25, b, "Бекова", "Амина", 9)
    _take(s["2025-school-math"], ivanov, W, [teacher], score="45.5")
    _take(s["2025-school-physics"], ivanov, P, [teacher], score="30")
    _take(s["2025-school-math"], petrova, PART, [teacher], score="12")
    _take(s["2025-school-math"], sidorov, "", [teacher], absent=True)
    _take(s["2025-school-math"], aliev, P, [other], score="33")
    _take(s["2025-school-physics"], bekova, PART, [idle], score="8")
    _take(s["2025-municipal-math"], ivanov, P, [teacher], score="25")

    Enrolment.objects.create(academic_year=y25, school=a, grade=7, students=10)
    Enrolment.objects.create(academic_year=y25, school=a, grade=8, students=10)
    Enrolment.objects.create(academic_year=y24, school=a, grade=7, students=8)
    return data
