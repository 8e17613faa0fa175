"""Writes of olympiads/students: students per academic year, parents' statements (consents), enrolment.

Every function is keyword-only and atomic; bad input raises ValidationError with a Russian message and
nothing is saved. Access is checked by the views (selectors scope the objects); services trust them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imo.core.names import name_key
from imo.core.text import collapse_spaces
from imo.core.uploads import check_document
from imo.olympiads.models import Enrolment, Student, StudentConsent
from imo.orgs.models import Organization
from imo.reference.models import AcademicYear

SCAN_KINDS = ("pdf", "jpeg", "png")
MSG_SCAN_TYPE = "Приложите скан заявления: PDF, JPEG или PNG."
MSG_DUPLICATE = "Такой обучающийся уже есть в списке школы на этот учебный год."
MSG_HAS_PARTICIPATIONS = (
    "Обучающегося нельзя удалить: он уже зарегистрирован на олимпиаду. Сначала отмените регистрацию."
)
MSG_NOT_SCHOOL = "Обучающиеся вносятся только в списки школ."
STUDENT_FIELDS = ("last_name", "first_name", "patronymic", "birth_date", "grade", "class_letter")
MAX_GRADE = 11


def student_keys(
    last_name: str, first_name: str, patronymic: str = "", birth_date: Any = None
) -> tuple[str, str]:
    """(name_key, person_key): fold("last first patronymic") and name_key + "|" + birth date ISO or ""."""
    key = name_key(last_name, first_name, patronymic)
    return key, f"{key}|{birth_date.isoformat() if birth_date else ''}"


def _tidy(values: Mapping[str, Any]) -> dict[str, Any]:
    tidy = dict(values)
    for field in ("last_name", "first_name", "patronymic", "class_letter"):
        if field in tidy:
            tidy[field] = collapse_spaces(str(tidy[field] or ""))
    if tidy.get("class_letter"):
        tidy["class_letter"] = tidy["class_letter"].upper()
    return tidy


def _set_keys(student: Student) -> None:
    student.name_key, student.person_key = student_keys(
        student.last_name, student.first_name, student.patronymic, student.birth_date
    )


def _check_unique(student: Student) -> None:
    twins = Student.objects.filter(
        academic_year_id=student.academic_year_id, school_id=student.school_id, name_key=student.name_key
    ).exclude(pk=student.pk)
    if student.birth_date:
        twins = twins.filter(person_key__in=[student.person_key, f"{student.name_key}|"])
    if twins.exists():
        raise ValidationError(MSG_DUPLICATE)


@transaction.atomic
def student_create(
    *,
    academic_year: AcademicYear,
    school: Organization,
    last_name: str,
    first_name: str,
    grade: int,
    patronymic: str = "",
    birth_date: Any = None,
    class_letter: str = "",
    previous: Student | None = None,
    by: Any | None = None,
) -> Student:
    if school.kind != Organization.Kind.SCHOOL:
        raise ValidationError({"school": MSG_NOT_SCHOOL})
    values = _tidy(
        {
            "last_name": last_name,
            "first_name": first_name,
            "patronymic": patronymic,
            "birth_date": birth_date,
            "grade": grade,
            "class_letter": class_letter,
        }
    )
    student = Student(academic_year=academic_year, school=school, previous=previous, **values)
    _set_keys(student)
    student.full_clean()
    _check_unique(student)
    student.save()
    return student


@transaction.atomic
def student_update(*, student: Student, by: Any | None = None, **fields: Any) -> Student:
    unknown = set(fields) - set(STUDENT_FIELDS)
    if unknown:
        raise TypeError(f"student_update: unknown fields {sorted(unknown)}")
    for field, value in _tidy(fields).items():
        setattr(student, field, value)
    _set_keys(student)
    student.full_clean()
    _check_unique(student)
    student.save()
    return student


@transaction.atomic
def student_delete(*, student: Student, by: Any | None = None) -> None:
    if student.participations.exists():
        raise ValidationError(MSG_HAS_PARTICIPATIONS)
    student.delete()


@transaction.atomic
def students_carry_over(
    *, from_year: AcademicYear, to_year: AcademicYear, school: Organization, by: Any | None = None
) -> int:
    """Copy the school's students of `from_year` into `to_year` one grade up (11th-graders have left);
    `previous` links the copies. A student already in `to_year` (by `previous` or by person_key) is not
    copied again, so running it twice changes nothing. Returns how many were copied."""
    if from_year.start_year >= to_year.start_year:
        raise ValidationError("Перенести список можно только в следующий учебный год.")
    present = Student.objects.filter(academic_year=to_year, school=school)
    taken_previous = set(present.exclude(previous=None).values_list("previous_id", flat=True))
    taken_keys = set(present.values_list("person_key", flat=True))
    created = []
    for old in Student.objects.filter(academic_year=from_year, school=school, grade__lt=MAX_GRADE).order_by(
        "name_key", "pk"
    ):
        if old.pk in taken_previous or old.person_key in taken_keys:
            continue
        new = Student(
            academic_year=to_year,
            school=school,
            last_name=old.last_name,
            first_name=old.first_name,
            patronymic=old.patronymic,
            birth_date=old.birth_date,
            grade=old.grade + 1,
            class_letter=old.class_letter,
            previous=old,
            name_key=old.name_key,
            person_key=old.person_key,
        )
        created.append(new)
        taken_keys.add(old.person_key)
    Student.objects.bulk_create(created, batch_size=500)
    return len(created)


def students_import_many(
    *,
    academic_year: AcademicYear,
    creates: list[dict[str, Any]],
    updates: list[tuple[Student, dict[str, Any]]],
    by: Any | None = None,
) -> None:
    """The Excel import's writes (the framework runs them in one transaction); values already validated
    by the import's columns."""
    new = []
    for row in creates:
        values = _tidy({key: value for key, value in row.items() if key in STUDENT_FIELDS})
        student = Student(academic_year=academic_year, school=row["school"], **values)
        _set_keys(student)
        new.append(student)
    Student.objects.bulk_create(new, batch_size=500)
    for student, values in updates:
        clean = {key: value for key, value in values.items() if key in STUDENT_FIELDS}
        student_update(student=student, by=by, **clean)


# --- consents ---------------------------------------------------------------------------------------


def check_scan(document: Any) -> None:
    """PDF, JPEG or PNG by content (imo.core.uploads), else a Russian message."""
    try:
        check_document(document, kinds=SCAN_KINDS)
    except ValidationError as error:
        if getattr(error, "code", "") == "wrong_type":
            raise ValidationError({"document": MSG_SCAN_TYPE}) from None
        raise ValidationError({"document": error.messages}) from None


@transaction.atomic
def consent_save(
    *,
    student: Student,
    signed_on: Any,
    rules_accepted: bool,
    publication_allowed: bool,
    parent_name: str = "",
    document: Any | None = None,
    by: Any | None = None,
) -> StudentConsent:
    """Record (or correct) the parent's statement of the student for the year."""
    if not signed_on:
        raise ValidationError({"signed_on": "Укажите дату заявления."})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "Дата заявления не может быть в будущем."})
    if document:
        check_scan(document)
    consent = StudentConsent.objects.filter(student=student).first() or StudentConsent(student=student)
    consent.parent_name = collapse_spaces(parent_name or "")
    consent.rules_accepted = bool(rules_accepted)
    consent.publication_allowed = bool(publication_allowed)
    consent.signed_on = signed_on
    if document:
        consent.document = document
    consent.recorded_by = by if getattr(by, "pk", None) else None
    consent.full_clean()
    consent.save()
    return consent


TOGGLES = ("rules_accepted", "publication_allowed")


@transaction.atomic
def consent_toggle(*, student: Student, field: str, value: bool, by: Any | None = None) -> StudentConsent:
    """The register's quick switch: set one mark; a student without a statement gets one dated today."""
    if field not in TOGGLES:
        raise ValidationError("Неизвестная отметка.")
    consent = StudentConsent.objects.filter(student=student).first()
    if consent is None:
        consent = StudentConsent(student=student, signed_on=timezone.localdate())
    setattr(consent, field, bool(value))
    consent.recorded_by = by if getattr(by, "pk", None) else None
    consent.save()
    return consent


@transaction.atomic
def consent_delete(*, student: Student, by: Any | None = None) -> None:
    StudentConsent.objects.filter(student=student).delete()


# --- enrolment --------------------------------------------------------------------------------------


@transaction.atomic
def enrolment_save(
    *,
    school: Organization,
    academic_year: AcademicYear,
    counts: Mapping[int, int | None],
    by: Any | None = None,
) -> int:
    """Store the number of students per grade (None or an empty cell removes the grade). Returns how many
    grades changed."""
    errors = {}
    for grade, count in counts.items():
        if not 1 <= grade <= MAX_GRADE:
            errors[f"grade_{grade}"] = "Класс — от 1 до 11."
        elif count is not None and (count < 0 or count > 10_000):
            errors[f"grade_{grade}"] = "Число обучающихся — от 0 до 10 000."
    if errors:
        raise ValidationError(errors)
    existing = {
        row.grade: row for row in Enrolment.objects.filter(school=school, academic_year=academic_year)
    }
    changed = 0
    for grade, count in sorted(counts.items()):
        row = existing.get(grade)
        if count is None:
            if row is not None:
                row.delete()
                changed += 1
        elif row is None:
            Enrolment.objects.create(school=school, academic_year=academic_year, grade=grade, students=count)
            changed += 1
        elif row.students != count:
            row.students = count
            row.save(update_fields=["students", "updated_at"])
            changed += 1
    return changed
