"""Registration of students for a stage subject, withdrawal, and the municipal stage's proposed list
(olympiads.md 3, 11). Every rule answers in Russian and saves nothing when broken."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imo.olympiads.models import GradeSetting, Participation, Season, Stage, StageSubject, Student
from imo.staff.models import Educator
from imo.staff.selectors import employed_in

Source = Participation.Source
AWARDED = (Participation.Status.WINNER, Participation.Status.PRIZE_WINNER)


def _number(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def registration_closed_message(stage_subject: StageSubject) -> str:
    if stage_subject.codes_issued_at is None:
        return ""
    return (
        f"По предмету «{stage_subject.subject}» шифры уже выданы "
        f"({timezone.localtime(stage_subject.codes_issued_at):%d.%m.%Y}): "
        "список участников больше не меняется."
    )


def school_stage_grade(*, stage_subject: StageSubject, student: Student) -> int | None:
    """The grade the student performed at this season's school stage in the same subject (municipal only)."""
    stage = stage_subject.stage
    if stage.level != Stage.Level.MUNICIPAL:
        return None
    grade: int | None = (
        Participation.objects.filter(
            stage_subject__stage__season_id=stage.season_id,
            stage_subject__stage__level=Stage.Level.SCHOOL,
            stage_subject__subject_id=stage_subject.subject_id,
            student=student,
        )
        .values_list("grade", flat=True)
        .first()
    )
    return grade


def grade_errors(
    *, stage_subject: StageSubject, student: Student, grade: int | None, kept_grade: int | None = None
) -> list[str]:
    """The grade rules (olympiads.md 2, 3): within the stage subject's grades, never below the grade enrolled,
    at the municipal stage never below the grade performed at the school stage."""
    if grade is None:
        return ["Укажите класс, за который обучающийся выполняет задания."]
    errors: list[str] = []
    if not stage_subject.min_grade <= grade <= stage_subject.max_grade:
        errors.append(
            f"Класс {grade} не входит в классы предмета «{stage_subject.subject}» на этом этапе "
            f"({stage_subject.min_grade}–{stage_subject.max_grade})."
        )
    if grade < student.grade:
        errors.append(
            f"{student} учится в {student.grade} классе: выполнять задания за более младший класс ({grade}) "
            "нельзя, только за свой или старший."
        )
    if kept_grade is not None and grade < kept_grade:
        errors.append(
            f"{student} на школьном этапе выполнял задания за {kept_grade} класс и сохраняет его на "
            f"муниципальном этапе: класс {grade} ниже."
        )
    return errors


def registration_errors(
    *, stage_subject: StageSubject, student: Student, grade: int | None, kept_grade: int | None = None
) -> list[str]:
    """Every rule a registration breaks (empty: it may be saved)."""
    errors: list[str] = []
    closed = registration_closed_message(stage_subject)
    if closed:
        errors.append(closed)
    season = stage_subject.stage.season
    if student.academic_year_id != season.academic_year_id:
        errors.append(f"{student} — обучающийся другого учебного года.")
    errors.extend(
        grade_errors(stage_subject=stage_subject, student=student, grade=grade, kept_grade=kept_grade)
    )
    if grade is None:
        return errors
    if Participation.objects.filter(stage_subject=stage_subject, student=student).exists():
        errors.append(f"{student} уже зарегистрирован на «{stage_subject.subject}» этого этапа.")
    return errors


def _check_teachers(student: Student, teachers: Iterable[Educator]) -> list[Educator]:
    chosen = list(teachers)
    if not chosen:
        return chosen
    working = set(
        Educator.objects.filter(
            employed_in([student.school.path], on=timezone.localdate()), pk__in=[t.pk for t in chosen]
        ).values_list("pk", flat=True)
    )
    strangers = [str(t) for t in chosen if t.pk not in working]
    if strangers:
        raise ValidationError(
            "Подготовившим педагогом можно указать только педагога школы обучающегося: "
            + ", ".join(strangers)
            + "."
        )
    return chosen


@transaction.atomic
def participation_register(
    *,
    stage_subject: StageSubject,
    student: Student,
    grade: int | None,
    teachers: Iterable[Educator],
    by: Any,
    source: str = Source.REGISTERED,
    confirmed: bool = True,
) -> Participation:
    """Register a student for a stage subject with the grade performed and the teachers who prepared them."""
    stage_subject = (
        StageSubject.objects.select_for_update()
        .select_related("stage__season", "subject")
        .get(pk=stage_subject.pk)
    )
    kept = school_stage_grade(stage_subject=stage_subject, student=student)
    if grade is None and kept is not None:
        grade = kept
    errors = registration_errors(stage_subject=stage_subject, student=student, grade=grade, kept_grade=kept)
    if errors:
        raise ValidationError(errors)
    chosen = _check_teachers(student, teachers)
    assert grade is not None
    participation = Participation.objects.create(
        stage_subject=stage_subject, student=student, grade=grade, source=source, confirmed=confirmed
    )
    if chosen:
        participation.teachers.set(chosen)
    return participation


@transaction.atomic
def participation_withdraw(*, participation: Participation, by: Any) -> None:
    """Take a student off the list (only before the codes are issued)."""
    stage_subject = StageSubject.objects.select_related("subject").get(pk=participation.stage_subject_id)
    closed = registration_closed_message(stage_subject)
    if closed:
        raise ValidationError(closed)
    participation.delete()


@transaction.atomic
def participation_teachers_set(
    *, participation: Participation, teachers: Iterable[Educator], by: Any
) -> None:
    participation.teachers.set(_check_teachers(participation.student, teachers))


# --- the municipal stage's proposed list (olympiads.md, 11) ----------------------------------------


@dataclass
class Proposal:
    student: Student
    stage_subject: StageSubject
    grade: int
    reasons: list[str] = field(default_factory=list)
    teachers: list[int] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _previous_season(season: Season) -> Season | None:
    return (
        Season.objects.filter(
            municipality_id=season.municipality_id,
            academic_year__start_year=season.academic_year.start_year - 1,
        )
        .select_related("academic_year")
        .first()
    )


def municipal_proposals(*, stage: Stage, include_registered: bool = False) -> list[Proposal]:
    """Who should go to the municipal stage and why: this season's school-stage participants with a score
    at or above the threshold of their grade, and last year's municipal winners and prize-winners — except
    those already on the list (with `include_registered`, those too: the reasons of the proposed rows).
    Sorted by subject, grade and name."""
    if stage.level != Stage.Level.MUNICIPAL:
        return []
    season = Season.objects.select_related("academic_year").get(pk=stage.season_id)
    subjects = {ss.subject_id: ss for ss in stage.subjects.select_related("subject")}
    taken = (
        set()
        if include_registered
        else set(
            Participation.objects.filter(stage_subject__stage=stage).values_list(
                "student_id", "stage_subject_id"
            )
        )
    )
    found: dict[tuple[int, int], Proposal] = {}

    def add(student: Student, ss: StageSubject, grade: int, reason: str, teachers: list[int]) -> None:
        if (student.pk, ss.pk) in taken or not ss.min_grade <= grade <= ss.max_grade:
            return
        proposal = found.get((student.pk, ss.pk))
        if proposal is None:
            found[(student.pk, ss.pk)] = Proposal(student, ss, grade, [reason], teachers)
        else:
            proposal.reasons.append(reason)
            proposal.grade = max(proposal.grade, grade)

    # 1. this season's school stage at or above the threshold
    thresholds = {
        (stage_subject_id, grade): threshold
        for stage_subject_id, grade, threshold in GradeSetting.objects.filter(
            stage_subject__stage__season=season,
            stage_subject__stage__level=Stage.Level.SCHOOL,
            threshold__isnull=False,
        ).values_list("stage_subject_id", "grade", "threshold")
    }
    school_rows = (
        Participation.objects.filter(
            stage_subject__stage__season=season,
            stage_subject__stage__level=Stage.Level.SCHOOL,
            stage_subject__subject_id__in=list(subjects),
            confirmed=True,
            absent=False,
            score__isnull=False,
        )
        .select_related("student__school", "stage_subject")
        .prefetch_related("teachers")
    )
    for row in school_rows:
        threshold = thresholds.get((row.stage_subject_id, row.grade))
        assert row.score is not None
        if threshold is None or row.score < threshold:
            continue
        add(
            row.student,
            subjects[row.stage_subject.subject_id],
            row.grade,
            f"балл {_number(row.score)} ≥ проходного {_number(threshold)}",
            [t.pk for t in row.teachers.all()],
        )

    # 2. last year's municipal winners and prize-winners, found among this year's students
    previous = _previous_season(season)
    if previous is not None:
        awarded = list(
            Participation.objects.filter(
                stage_subject__stage__season=previous,
                stage_subject__stage__level=Stage.Level.MUNICIPAL,
                stage_subject__subject_id__in=list(subjects),
                status__in=AWARDED,
            ).select_related("student", "stage_subject")
        )
        if awarded:
            this_year = Student.objects.filter(academic_year_id=season.academic_year_id).select_related(
                "school"
            )
            old_ids = [row.student_id for row in awarded]
            keys = {row.student.person_key for row in awarded if row.student.person_key}
            by_previous: dict[int, Student] = {}
            by_key: dict[str, list[Student]] = {}
            for student in this_year.filter(previous_id__in=old_ids):
                by_previous[student.previous_id or 0] = student
            for student in this_year.filter(person_key__in=keys):
                by_key.setdefault(student.person_key, []).append(student)
            for row in awarded:
                student_now = by_previous.get(row.student_id)
                if student_now is None:
                    namesakes = by_key.get(row.student.person_key, [])
                    student_now = namesakes[0] if len(namesakes) == 1 else None
                if student_now is None:
                    continue
                label = "победитель" if row.status == Participation.Status.WINNER else "призёр"
                add(
                    student_now,
                    subjects[row.stage_subject.subject_id],
                    max(min(row.grade + 1, 11), student_now.grade),
                    f"{label} муниципального этапа прошлого года",
                    [],
                )
    return sorted(
        found.values(),
        key=lambda p: (
            p.stage_subject.subject.order,
            p.stage_subject.subject.name,
            p.grade,
            p.student.name_key,
        ),
    )


@transaction.atomic
def proposals_create(*, stage: Stage, by: Any) -> int:
    """Add the proposed students to the municipal stage as unconfirmed participations (no codes until the
    office confirms them). Running it again adds only the new ones."""
    created = 0
    for proposal in municipal_proposals(stage=stage):
        if proposal.stage_subject.codes_issued_at is not None:
            continue
        participation = Participation.objects.create(
            stage_subject=proposal.stage_subject,
            student=proposal.student,
            grade=proposal.grade,
            source=Source.PROPOSED,
            confirmed=False,
            status_reason="",
        )
        if proposal.teachers:
            participation.teachers.set(proposal.teachers)
        created += 1
    return created


@transaction.atomic
def proposal_confirm(*, participation: Participation, by: Any) -> None:
    if participation.confirmed:
        return
    stage_subject = StageSubject.objects.select_related("subject").get(pk=participation.stage_subject_id)
    closed = registration_closed_message(stage_subject)
    if closed:
        raise ValidationError(closed)
    participation.confirmed = True
    participation.save(update_fields=["confirmed", "updated_at"])


@transaction.atomic
def proposals_confirm(*, participations: Iterable[Participation], by: Any) -> int:
    count = 0
    for participation in participations:
        if not participation.confirmed:
            proposal_confirm(participation=participation, by=by)
            count += 1
    return count
