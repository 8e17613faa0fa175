"""Helpers of the students tests: academic years, a student, a school stage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from imo.olympiads.models import Season, Stage, Student
from imo.olympiads.students.services import student_create
from imo.reference.models import AcademicYear
from imo.reference.services import academic_year_ensure


def current_year() -> AcademicYear:
    return academic_year_ensure(on=timezone.localdate())


def previous_year() -> AcademicYear:
    current = current_year()
    return academic_year_ensure(on=dt.date(current.start_year - 1, 10, 1))


def make_student(school: Any, *, year: AcademicYear | None = None, **values: Any) -> Student:
    data: dict[str, Any] = {
        "last_name": "Иванова",
        "first_name": "Мария",
        "patronymic": "Петровна",
        "grade": 7,
    }
    data.update(values)
    return student_create(academic_year=year or current_year(), school=school, **data)


def make_school_stage(municipality: Any, *, year: AcademicYear | None = None, starts_on: dt.date) -> Stage:
    season = Season.objects.create(municipality=municipality, academic_year=year or current_year())
    return Stage.objects.create(
        season=season,
        level=Stage.Level.SCHOOL,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=30),
    )
