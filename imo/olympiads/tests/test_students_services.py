"""Students per year: name keys, duplicates, carry-over, consents (scan by content), deadline, enrolment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from imo.olympiads.models import (
    Enrolment,
    OlympiadSubject,
    Participation,
    StageSubject,
    Student,
    StudentConsent,
)
from imo.olympiads.students.consent import consent_deadline, is_working_day, signed_late
from imo.olympiads.students.selectors import publication_allowed_q, students_visible_to
from imo.olympiads.students.services import (
    consent_save,
    consent_toggle,
    enrolment_save,
    student_delete,
    student_keys,
    student_update,
    students_carry_over,
)
from imo.olympiads.tests.students_fixtures import current_year, make_school_stage, make_student, previous_year

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class _Stage:
    def __init__(self, starts_on: dt.date) -> None:
        self.starts_on = starts_on


# --- keys -------------------------------------------------------------------------------------------


def test_name_and_person_keys_fold_case_and_yo():
    assert student_keys("Ёлкина", "Анна", "Сергеевна") == ("елкина анна сергеевна", "елкина анна сергеевна|")
    key, person = student_keys("  ЁЛКИНА ", "анна", "", dt.date(2012, 3, 14))
    assert key == "елкина анна"
    assert person == "елкина анна|2012-03-14"


def test_create_sets_keys_and_tidies(district):
    student = make_student(district.school_a, last_name=" Ёлкина ", first_name="Анна", class_letter="б")
    assert student.name_key == "елкина анна петровна"
    assert student.person_key == "елкина анна петровна|"
    assert student.class_letter == "Б"
    student_update(student=student, birth_date=dt.date(2013, 1, 2))
    student.refresh_from_db()
    assert student.person_key == "елкина анна петровна|2013-01-02"


def test_duplicate_in_the_same_school_and_year_is_refused(district):
    make_student(district.school_a)
    with pytest.raises(ValidationError, match="уже есть"):
        make_student(district.school_a, last_name="ИВАНОВА")
    make_student(district.school_b)  # another school: fine
    assert Student.objects.count() == 2


def test_grade_out_of_range_is_refused(district):
    with pytest.raises(ValidationError):
        make_student(district.school_a, grade=12)
    assert not Student.objects.exists()


# --- carry-over -------------------------------------------------------------------------------------


def test_carry_over_moves_up_skips_graduates_and_is_idempotent(district):
    old_year, new_year = previous_year(), current_year()
    seventh = make_student(district.school_a, year=old_year, grade=7, class_letter="А")
    make_student(district.school_a, year=old_year, last_name="Петров", first_name="Иван", grade=11)
    make_student(district.school_b, year=old_year, last_name="Сидоров", first_name="Олег", grade=5)
    assert students_carry_over(from_year=old_year, to_year=new_year, school=district.school_a) == 1
    copy = Student.objects.get(academic_year=new_year)
    assert (copy.grade, copy.class_letter, copy.previous_id, copy.school_id) == (
        8,
        "А",
        seventh.pk,
        district.school_a.pk,
    )
    assert copy.person_key == seventh.person_key
    assert students_carry_over(from_year=old_year, to_year=new_year, school=district.school_a) == 0
    assert Student.objects.filter(academic_year=new_year).count() == 1


def test_carry_over_backwards_is_refused(district):
    with pytest.raises(ValidationError):
        students_carry_over(from_year=current_year(), to_year=previous_year(), school=district.school_a)


def test_delete_only_without_participations(district):
    student = make_student(district.school_a)
    student_delete(student=student)
    assert not Student.objects.exists()


# --- consents ---------------------------------------------------------------------------------------


def test_consent_with_pdf_scan(district):
    student = make_student(district.school_a)
    scan = SimpleUploadedFile("заявление.pdf", PDF, content_type="application/pdf")
    consent = consent_save(
        student=student,
        parent_name="Иванова Ольга Петровна",
        rules_accepted=True,
        publication_allowed=False,
        signed_on=dt.date(2026, 9, 1),
        document=scan,
    )
    assert consent.document.name.endswith(".pdf")
    assert not consent.publication_allowed


def test_consent_scan_checked_by_content_not_name(district):
    student = make_student(district.school_a)
    fake = SimpleUploadedFile("заявление.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        consent_save(
            student=student,
            rules_accepted=True,
            publication_allowed=True,
            signed_on=dt.date(2026, 9, 1),
            document=fake,
        )
    assert "PDF, JPEG или PNG" in str(error.value)
    assert not StudentConsent.objects.exists()


def test_consent_in_the_future_is_refused(district):
    student = make_student(district.school_a)
    with pytest.raises(ValidationError):
        consent_save(
            student=student, rules_accepted=True, publication_allowed=True, signed_on=dt.date(2999, 1, 1)
        )


def test_toggle_creates_then_flips(district):
    student = make_student(district.school_a)
    consent_toggle(student=student, field="publication_allowed", value=True)
    assert StudentConsent.objects.get(student=student).publication_allowed
    consent_toggle(student=student, field="publication_allowed", value=False)
    assert not StudentConsent.objects.get(student=student).publication_allowed
    with pytest.raises(ValidationError):
        consent_toggle(student=student, field="signed_on", value=True)


def _stage_subject(district):
    stage = make_school_stage(district.municipality, starts_on=dt.date(current_year().start_year, 9, 21))
    return StageSubject.objects.create(
        stage=stage, subject=OlympiadSubject.objects.order_by("pk")[0], min_grade=5, max_grade=11
    )


def test_publication_allowed_q_keeps_only_students_with_publication_consent(district):
    allowed = make_student(district.school_a)
    refused = make_student(district.school_a, last_name="Петров", first_name="Иван")
    missing = make_student(district.school_a, last_name="Сидоров", first_name="Олег")  # no statement
    consent_toggle(student=allowed, field="publication_allowed", value=True)
    consent_toggle(student=refused, field="rules_accepted", value=True)
    stage_subject = _stage_subject(district)
    for student in (allowed, refused, missing):
        Participation.objects.create(stage_subject=stage_subject, student=student, grade=7)
    shown = Participation.objects.filter(publication_allowed_q())
    assert [p.student_id for p in shown] == [allowed.pk]


def test_delete_refused_with_a_participation(district):
    student = make_student(district.school_a)
    Participation.objects.create(stage_subject=_stage_subject(district), student=student, grade=7)
    with pytest.raises(ValidationError, match="зарегистрирован"):
        student_delete(student=student)
    assert Student.objects.filter(pk=student.pk).exists()


# --- the deadline -----------------------------------------------------------------------------------


def test_deadline_skips_weekends():
    # Stage starts Monday 2026-09-21: ten working days before is Monday 2026-09-07.
    assert consent_deadline(_Stage(dt.date(2026, 9, 21))) == dt.date(2026, 9, 7)


def test_deadline_skips_a_holiday():
    # Stage starts Tuesday 2026-11-17: back 16, 13, 12, 11, 10, 9, 6, 5, (4 November is a holiday), 3, 2.
    # Without the holiday it would be Tuesday 3 November.
    assert not is_working_day(dt.date(2026, 11, 4))
    assert consent_deadline(_Stage(dt.date(2026, 11, 17))) == dt.date(2026, 11, 2)


def test_deadline_over_new_year_holidays():
    # Starts Monday 2027-01-18: working days back are 15, 14, 13, 12, 11 and then 9 Jan is Saturday, 1–8 Jan
    # holidays, so 31, 30, 29, 28, 25 December.
    assert consent_deadline(_Stage(dt.date(2027, 1, 18))) == dt.date(2026, 12, 25)


def test_signed_late():
    deadline = dt.date(2026, 9, 7)
    assert signed_late(dt.date(2026, 9, 8), deadline)
    assert not signed_late(dt.date(2026, 9, 7), deadline)
    assert not signed_late(dt.date(2026, 9, 8), None)


# --- scope and enrolment ----------------------------------------------------------------------------


def test_students_visible_to_by_role(district):
    year = current_year()
    mine = make_student(district.school_a)
    theirs = make_student(district.school_b, last_name="Петров", first_name="Иван")
    assert list(students_visible_to(user=district.user("school_admin_a"), academic_year=year)) == [mine]
    assert set(students_visible_to(user=district.user("observer"), academic_year=year)) == {mine, theirs}
    assert not students_visible_to(user=district.user("teacher_a"), academic_year=year).exists()


def test_enrolment_save_creates_changes_and_removes(district):
    year = current_year()
    assert enrolment_save(school=district.school_a, academic_year=year, counts={5: 25, 6: 30}) == 2
    assert enrolment_save(school=district.school_a, academic_year=year, counts={5: 25, 6: 31}) == 1
    assert enrolment_save(school=district.school_a, academic_year=year, counts={5: None}) == 1
    assert list(Enrolment.objects.values_list("grade", "students")) == [(6, 31)]
    with pytest.raises(ValidationError):
        enrolment_save(school=district.school_a, academic_year=year, counts={6: -1})
    assert Enrolment.objects.get().students == 31
