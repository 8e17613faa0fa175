"""Small ranked results for the publication tests: a municipal stage of mathematics with a few students
at two schools, statuses set directly (the ranking part's job in real life)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from imo.olympiads.models import (
    JuryMember,
    OlympiadSubject,
    Participation,
    Season,
    Stage,
    StageSubject,
    Student,
    StudentConsent,
    Work,
)
from imo.reference.models import AcademicYear
from imo.staff.tests.factories import make_educator

# (last, first, patronymic, school key, grade, score, rank, status, consent to publish)
STUDENTS = (
    ("Иванова", "Мадина", "Руслановна", "a", 7, "42.5", 1, "winner", True),
    ("Асхабов", "Ислам", "Магомедович", "b", 7, "31", 2, "prize_winner", False),
    ("Дадаева", "Хеда", "Ахмедовна", "a", 7, "12", 3, "participant", True),
    ("Садулаев", "Ахмед", "", "b", 8, "28", 1, "prize_winner", True),
)


@dataclass
class Results:
    stage_subject: StageSubject
    participations: dict[str, Participation] = field(default_factory=dict)

    @property
    def stage(self) -> Stage:
        return self.stage_subject.stage


def academic_year(start: int = 2026) -> AcademicYear:
    year, _ = AcademicYear.objects.get_or_create(
        start_year=start, defaults={"starts_on": dt.date(start, 9, 1), "ends_on": dt.date(start + 1, 8, 31)}
    )
    return year


def make_stage_subject(
    district: Any, *, subject: str = "Математика", level: str = "municipal"
) -> StageSubject:
    year = academic_year()
    season, _ = Season.objects.get_or_create(municipality=district.municipality, academic_year=year)
    stage, _ = Stage.objects.get_or_create(
        season=season,
        level=level,
        defaults={"starts_on": dt.date(2026, 11, 10), "ends_on": dt.date(2026, 12, 15)},
    )
    return StageSubject.objects.create(
        stage=stage,
        subject=OlympiadSubject.objects.get(name=subject),
        min_grade=7,
        max_grade=11,
        held_on=dt.date(2026, 11, 18),
        venue="СОШ № 1",
    )


def add_student(
    results: Results,
    district: Any,
    *,
    last: str,
    first: str,
    patronymic: str = "",
    school: str = "a",
    grade: int = 7,
    score: str = "10",
    rank: int = 1,
    status: str = "participant",
    consent: bool = True,
) -> Participation:
    stage_subject = results.stage_subject
    student = Student.objects.create(
        academic_year=stage_subject.stage.season.academic_year,
        school=district.school_a if school == "a" else district.school_b,
        last_name=last,
        first_name=first,
        patronymic=patronymic,
        grade=grade,
        name_key=f"{last} {first} {patronymic}".lower(),
    )
    StudentConsent.objects.create(
        student=student, rules_accepted=True, publication_allowed=consent, signed_on=dt.date(2026, 10, 1)
    )
    number = len(results.participations) + 1
    work = Work.objects.create(
        stage_subject=stage_subject, code=f"МА-{grade}-{number:04d}", grade=grade, score=Decimal(score)
    )
    participation = Participation.objects.create(
        stage_subject=stage_subject,
        student=student,
        grade=grade,
        work=work,
        score=Decimal(score),
        rank=rank,
        status=status,
    )
    results.participations[last] = participation
    return participation


def make_results(district: Any, *, published: bool = False, jury: bool = True) -> Results:
    results = Results(make_stage_subject(district))
    for last, first, patronymic, school, grade, score, rank, status, consent in STUDENTS:
        add_student(
            results,
            district,
            last=last,
            first=first,
            patronymic=patronymic,
            school=school,
            grade=grade,
            score=score,
            rank=rank,
            status=status,
            consent=consent,
        )
    stage_subject = results.stage_subject
    if jury:
        chair = make_educator(
            municipality=district.municipality,
            last_name="Хасанова",
            first_name="Аминат",
            patronymic="Ибрагимовна",
        )
        JuryMember.objects.create(stage_subject=stage_subject, educator=chair, is_chair=True)
    stage_subject.ranked_at = timezone.now()
    stage_subject.save(update_fields=["ranked_at"])
    if published:
        from imo.olympiads.publication.services import results_publish

        results_publish(stage_subject=stage_subject, by=None)
    return results
