"""Pages of olympiads/students for the roles that may and may not: lists, forms, register, enrolment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imo.olympiads.models import Enrolment, Student, StudentConsent
from imo.olympiads.students.consent import consent_deadline
from imo.olympiads.students.services import consent_save
from imo.olympiads.tests.students_fixtures import current_year, make_school_stage, make_student

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def students(district):
    year = current_year()
    mine = make_student(district.school_a, year=year)
    theirs = make_student(
        district.school_b, year=year, last_name="Петров", first_name="Иван", patronymic="Сергеевич"
    )
    return mine, theirs


def test_school_admin_sees_only_own_school(client, district, students):
    _mine, theirs = students
    client.force_login(district.user("school_admin_a"))
    response = client.get(reverse("olympiads:students"))
    assert response.status_code == 200
    assert "Иванова Мария Петровна" in response.text
    assert "Петров Иван" not in response.text
    assert client.get(reverse("olympiads:student_edit", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("olympiads:student_consent", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("olympiads:student_delete", args=[theirs.pk])).status_code == 404
    assert Student.objects.filter(pk=theirs.pk).exists()


def test_office_sees_all_and_filters_by_school(client, district, students):
    client.force_login(district.user("observer"))
    response = client.get(reverse("olympiads:students"))
    assert "Иванова Мария Петровна" in response.text and "Петров Иван" in response.text
    response = client.get(reverse("olympiads:students"), {"school": district.school_b.pk})
    assert "Петров Иван" in response.text and "Иванова Мария" not in response.text
    response = client.get(reverse("olympiads:students"), {"q": "СЕРГЕЕВИЧ петров"})
    assert "Петров Иван" in response.text and "Иванова Мария" not in response.text
    # observers read, never write
    assert client.get(reverse("olympiads:student_create")).status_code == 403


def test_excel_export(client, district, students):
    client.force_login(district.user("methodist"))
    response = client.get(reverse("olympiads:student_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("key", ["teacher_a", "no_role"])
def test_denied_roles(client, district, students, key):
    client.force_login(district.user(key))
    for name in (
        "olympiads:students",
        "olympiads:consents",
        "olympiads:enrolment",
        "olympiads:student_create",
    ):
        assert client.get(reverse(name)).status_code == 403, name


def test_anonymous_goes_to_login(client, district):
    response = client.get(reverse("olympiads:students"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_school_admin_adds_a_student_to_own_school(client, district):
    year = current_year()
    client.force_login(district.user("school_admin_a"))
    response = client.post(
        reverse("olympiads:student_create"),
        {
            "school": district.school_a.pk,
            "last_name": "Сидоров",
            "first_name": "Олег",
            "grade": "8",
            "class_letter": "в",
        },
    )
    assert response.status_code == 302
    student = Student.objects.get()
    assert (student.school, student.academic_year, student.class_letter) == (district.school_a, year, "В")


def test_school_admin_cannot_add_to_another_school(client, district):
    current_year()
    client.force_login(district.user("school_admin_a"))
    response = client.post(
        reverse("olympiads:student_create"),
        {"school": district.school_b.pk, "last_name": "Сидоров", "first_name": "Олег", "grade": "8"},
    )
    assert response.status_code == 200
    assert not Student.objects.exists()


def test_duplicate_shows_a_russian_message(client, district, students):
    client.force_login(district.user("school_admin_a"))
    response = client.post(
        reverse("olympiads:student_create"),
        {
            "school": district.school_a.pk,
            "last_name": "иванова",
            "first_name": "мария",
            "patronymic": "Петровна",
            "grade": "7",
        },
    )
    assert response.status_code == 200
    assert "уже есть в списке" in response.text
    assert Student.objects.count() == 2


def test_edit_and_delete(client, district, students):
    mine, _ = students
    client.force_login(district.user("school_admin_a"))
    response = client.post(
        reverse("olympiads:student_edit", args=[mine.pk]),
        {"last_name": "Иванова", "first_name": "Мария", "patronymic": "Петровна", "grade": "8"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.grade == 8
    client.post(reverse("olympiads:student_delete", args=[mine.pk]))
    assert not Student.objects.filter(pk=mine.pk).exists()


def test_consent_form_with_scan_and_refused_publication(client, district, students):
    mine, _ = students
    client.force_login(district.user("school_admin_a"))
    response = client.post(
        reverse("olympiads:student_consent", args=[mine.pk]),
        {
            "parent_name": "Иванова Ольга",
            "signed_on": "2026-09-01",
            "rules_accepted": "on",
            "document": SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    consent = StudentConsent.objects.get(student=mine)
    assert consent.rules_accepted and not consent.publication_allowed
    scan = client.get(reverse("olympiads:student_consent_scan", args=[mine.pk]))
    assert scan.status_code == 200
    assert b"".join(scan.streaming_content if scan.streaming else [scan.content]).startswith(b"%PDF")


def test_consent_form_refuses_a_fake_scan(client, district, students):
    mine, _ = students
    client.force_login(district.user("school_admin_a"))
    response = client.post(
        reverse("olympiads:student_consent", args=[mine.pk]),
        {
            "signed_on": "2026-09-01",
            "rules_accepted": "on",
            "document": SimpleUploadedFile("scan.pdf", b"<html>nope</html>", content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "PDF, JPEG или PNG" in response.text
    assert not StudentConsent.objects.exists()


def test_register_shows_deadline_and_late_flag(client, district, students):
    mine, _theirs = students
    year = current_year()
    stage = make_school_stage(district.municipality, year=year, starts_on=dt.date(year.start_year, 9, 21))
    consent_save(
        student=mine, rules_accepted=True, publication_allowed=True, signed_on=dt.date(year.start_year, 9, 15)
    )
    client.force_login(district.user("school_admin_a"))
    response = client.get(reverse("olympiads:consents"))
    assert response.status_code == 200
    assert f"не позднее {consent_deadline(stage):%d.%m.%Y}" in response.text
    assert "позже срока" in response.text
    assert "Петров Иван" not in response.text
    response = client.get(reverse("olympiads:consents"), {"consent": "none"})
    assert "Иванова Мария" not in response.text
    export = client.get(reverse("olympiads:consent_export"))
    assert export.status_code == 200


def test_quick_toggle_htmx(client, district, students):
    mine, theirs = students
    client.force_login(district.user("school_admin_a"))
    url = reverse("olympiads:student_consent_toggle", args=[mine.pk])
    response = client.post(url, {"field": "publication_allowed", "value": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.text
    assert StudentConsent.objects.get(student=mine).publication_allowed
    other = reverse("olympiads:student_consent_toggle", args=[theirs.pk])
    assert client.post(other, {"field": "publication_allowed", "value": "1"}).status_code == 404
    client.force_login(district.user("observer"))
    assert client.post(url, {"field": "publication_allowed", "value": "0"}).status_code == 403
    assert StudentConsent.objects.get(student=mine).publication_allowed


def test_enrolment_by_role(client, district):
    year = current_year()
    client.force_login(district.user("school_admin_a"))
    url = reverse("olympiads:enrolment_edit", args=[district.school_a.pk]) + f"?year={year.start_year}"
    response = client.post(url, {"year": year.start_year, "grade_5": "25", "grade_6": ""})
    assert response.status_code == 302
    assert list(Enrolment.objects.values_list("school", "grade", "students")) == [
        (district.school_a.pk, 5, 25)
    ]
    other = reverse("olympiads:enrolment_edit", args=[district.school_b.pk])
    assert client.get(other).status_code == 404
    client.force_login(district.user("methodist"))
    response = client.get(reverse("olympiads:enrolment"))
    assert response.status_code == 200
    assert "СОШ с. Бельты" in response.text
    export = client.get(reverse("olympiads:enrolment"), {"export": "1"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_carry_over_page(client, district):
    from imo.olympiads.tests.students_fixtures import previous_year

    old = previous_year()
    year = current_year()
    make_student(district.school_a, year=old, grade=4)
    client.force_login(district.user("school_admin_a"))
    url = reverse("olympiads:students_carry_over") + f"?year={year.start_year}"
    assert client.post(url, {"school": district.school_a.pk}).status_code == 302
    assert Student.objects.get(academic_year=year).grade == 5


@pytest.mark.parametrize("name", ["olympiads:students", "olympiads:consents"])
def test_queries_do_not_grow_with_rows(client, district, django_assert_num_queries, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    year = current_year()
    make_student(district.school_a, year=year)
    client.force_login(district.user("methodist"))
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    for index, last_name in enumerate(("Петров", "Сидоров", "Юсупов")):
        student = make_student(district.school_a, year=year, last_name=last_name, first_name="Иван")
        if index:
            consent_save(
                student=student, rules_accepted=True, publication_allowed=True, signed_on=year.starts_on
            )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(name))
    assert len(many.captured_queries) == len(few.captured_queries), "\n".join(
        q["sql"][:200] for q in many.captured_queries
    )
