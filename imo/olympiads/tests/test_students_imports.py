"""The students import (kind «olympiad_students»): ФИО in one cell or three, matching, re-import, scope."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from imo.core.imports import engine, registry
from imo.core.imports.spec import ImportContext
from imo.core.imports.tests import files
from imo.olympiads.imports import STUDENT_IMPORT
from imo.olympiads.models import Student
from imo.olympiads.tests.students_fixtures import current_year, make_student

HEADER = ["ФИО", "Дата рождения", "Класс", "Литера", "Школа"]


def _import(tmp_path, rows, *, user=None, options=None, dry_run=False):
    path = tmp_path / "file.xlsx"
    path.write_bytes(files.xlsx(rows))
    return engine.import_file(
        STUDENT_IMPORT, path, ImportContext(user=user, options=options or {}), dry_run=dry_run
    )


def _problems(analysis):
    return [problem for row in analysis.rows for problem in row.problems]


def test_registered_under_its_kind():
    assert registry.get("olympiad_students") is STUDENT_IMPORT


def test_import_creates_then_reimport_changes_nothing(district, tmp_path):
    year = current_year()
    user = district.user("school_admin_a")
    rows = [
        HEADER,
        ["иванова мария петровна", "14.03.2013", 7, "а", ""],
        ["Петров Иван", "", 5, "", ""],
    ]
    analysis = _import(tmp_path, rows, user=user)
    assert not _problems(analysis), _problems(analysis)
    assert analysis.saved_counts["created"] == 2
    maria = Student.objects.get(last_name="Иванова")
    assert (maria.first_name, maria.patronymic, maria.grade, maria.class_letter) == (
        "Мария",
        "Петровна",
        7,
        "А",
    )
    assert maria.school == district.school_a and maria.academic_year == year
    assert maria.person_key == "иванова мария петровна|2013-03-14"
    before = list(Student.objects.order_by("pk").values())
    again = _import(tmp_path, rows, user=user)
    assert again.saved_counts["created"] == 0
    assert again.saved_counts["updated"] == 0
    assert again.saved_counts["unchanged"] == 2
    assert list(Student.objects.order_by("pk").values()) == before


def test_separate_name_columns_match_existing_and_update_grade(district, tmp_path):
    existing = make_student(district.school_a, grade=6)
    rows = [["Фамилия", "Имя", "Отчество", "Класс"], ["ИВАНОВА", "Мария", "Петровна", 7]]
    analysis = _import(tmp_path, rows, user=district.user("school_admin_a"))
    assert analysis.saved_counts == {**analysis.saved_counts, "created": 0, "updated": 1}
    existing.refresh_from_db()
    assert existing.grade == 7
    assert Student.objects.count() == 1


def test_birth_date_tells_namesakes_apart(district, tmp_path):
    make_student(district.school_a, birth_date=dt.date(2013, 1, 1))
    rows = [HEADER, ["Иванова Мария Петровна", "02.02.2014", 7, "", ""]]
    analysis = _import(tmp_path, rows, user=district.user("school_admin_a"))
    assert analysis.saved_counts["created"] == 1
    assert Student.objects.count() == 2


def test_office_must_name_the_school_and_cannot_use_unknown(district, tmp_path):
    rows = [
        HEADER,
        ["Иванова Мария Петровна", "", 7, "", ""],
        ["Петров Иван", "", 5, "", "СОШ с. Бельты"],
        ["Сидоров Олег", "", 5, "", "Школа на Луне"],
    ]
    analysis = _import(tmp_path, rows, user=district.user("methodist"), dry_run=True)
    messages = " ".join(problem.message for problem in _problems(analysis))
    assert "Укажите школу" in messages
    assert "Школа на Луне" in messages or "не найден" in messages
    assert not Student.objects.exists()


def test_school_admin_cannot_load_into_another_school(district, tmp_path):
    rows = [HEADER, ["Петров Иван", "", 5, "", "СОШ с. Бельты"]]
    analysis = _import(tmp_path, rows, user=district.user("school_admin_a"))
    assert _problems(analysis)
    assert not Student.objects.exists()


def test_bad_grade_and_name_are_reported(district, tmp_path):
    rows = [HEADER, ["Иванова", "", 12, "", ""]]
    analysis = _import(tmp_path, rows, user=district.user("school_admin_a"))
    assert len(_problems(analysis)) >= 2
    assert not Student.objects.exists()


def test_import_pages_by_role(client, district):
    client.force_login(district.user("school_admin_a"))
    assert client.get(reverse("olympiads:student_import")).status_code == 200
    response = client.get(reverse("olympiads:student_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(district.user("teacher_a"))
    assert client.get(reverse("olympiads:student_import")).status_code == 403
    client.force_login(district.user("observer"))
    assert client.get(reverse("olympiads:student_import")).status_code == 403


def test_upload_then_commit_through_the_pages(client, district):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imo.core.imports.models import ImportRun

    current_year()
    client.force_login(district.user("school_admin_a"))
    content = files.xlsx([HEADER, ["Абдулаева Малика Руслановна", "", 6, "Б", ""]])
    response = client.post(
        reverse("olympiads:student_import"), {"file": SimpleUploadedFile("ученики.xlsx", content)}
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert client.get(reverse("olympiads:student_import_run", args=[run.pk])).status_code == 200
    client.post(reverse("olympiads:student_import_commit", args=[run.pk]))
    student = Student.objects.get()
    assert (student.school, student.grade, student.class_letter) == (district.school_a, 6, "Б")
    client.force_login(district.user("school_admin_b"))
    assert client.get(reverse("olympiads:student_import_run", args=[run.pk])).status_code == 404
