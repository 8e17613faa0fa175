"""The registration list from Excel: rows matched to the school's students and educators, errors by row and
column, duplicates in the file and in the database, warnings for unknown teachers, the upload page's roles."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imo.core.imports import engine
from imo.core.imports import registry as import_registry
from imo.core.imports.spec import ImportContext
from imo.core.imports.tests import files
from imo.olympiads.models import Participation
from imo.olympiads.registration import services
from imo.olympiads.registration.importing import KIND, REGISTRATION_IMPORT
from imo.olympiads.tests.registration_fixtures import make_olympiad, make_student
from imo.staff.tests.factories import make_educator

pytestmark = pytest.mark.django_db

HEADER = ["ФИО", "Класс обучения", "Класс выполнения", "Предмет", "Педагоги"]


@pytest.fixture
def olympiad(district):
    return make_olympiad(district)


@pytest.fixture
def students(district, olympiad):
    year = olympiad.season.academic_year
    return {
        "alieva": make_student(district.school_a, year, "Алиева", "Зарема", "Ахмедовна", grade=7),
        "baraev": make_student(district.school_a, year, "Бараев", "Ислам", "Русланович", grade=9),
        "gaziev": make_student(district.school_a, year, "Газиев", "Магомед", "Алиевич", grade=8),
        "other": make_student(district.school_b, year, "Чужаев", "Адам", "Исаевич", grade=9),
    }


def _import(tmp_path, district, olympiad, rows, *, user_key="school_admin_a", dry_run=False):
    path = tmp_path / "участники.xlsx"
    path.write_bytes(files.xlsx([HEADER, *rows]))
    context = ImportContext(
        user=district.user(user_key), options={"organization_id": olympiad.school_stage.pk}
    )
    return engine.import_file(REGISTRATION_IMPORT, path, context, dry_run=dry_run, by=context.user)


def test_registered_from_file_with_teachers(tmp_path, district, olympiad, students):
    teacher = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Петрова",
        first_name="Анна",
        patronymic="Ивановна",
    )
    analysis = _import(
        tmp_path,
        district,
        olympiad,
        [
            [
                "Алиева Зарема Ахмедовна",
                7,
                8,
                "Математика",
                "Петрова Анна Ивановна; Неизвестная Мария Ивановна",
            ],
            ["бараев ислам русланович", 9, "", "математика", ""],
        ],
    )
    assert not analysis.has_errors, analysis.errors
    warned = [w for row in analysis.rows for w in row.warnings]
    assert len(warned) == 1 and warned[0].column == "Педагоги" and "Неизвестная" in warned[0].message
    rows = {p.student_id: p for p in Participation.objects.all()}
    alieva = rows[students["alieva"].pk]
    assert alieva.grade == 8 and alieva.source == Participation.Source.IMPORTED
    assert list(alieva.teachers.all()) == [teacher]
    assert rows[students["baraev"].pk].grade == 9  # empty: the grade enrolled


def test_errors_by_row_and_column_save_nothing(tmp_path, district, olympiad, students):
    services.participation_register(
        stage_subject=olympiad.school_math, student=students["baraev"], grade=9, teachers=[], by=None
    )
    analysis = _import(
        tmp_path,
        district,
        olympiad,
        [
            ["Неизвестнов Иван Иванович", 7, 7, "Математика", ""],  # row 2: unknown student
            ["Газиев Магомед Алиевич", 8, 7, "Математика", ""],  # row 3: below grade enrolled
            ["Бараев Ислам Русланович", 9, 9, "Математика", ""],  # row 4: already registered
            ["Чужаев Адам Исаевич", 9, 9, "Математика", ""],  # row 5: another school's child
            ["Алиева Зарема Ахмедовна", 7, 7, "Математика", ""],  # row 6: fine
            ["Алиева Зарема Ахмедовна", 7, 8, "Математика", ""],  # row 7: the same as row 6
            ["Алиева Зарема Ахмедовна", 7, 7, "Астрономия", ""],  # row 8: no such subject at the stage
        ],
        dry_run=True,
    )
    by_row = {(p.row, p.column): p.message for p in analysis.errors}
    assert "нет в списке обучающихся школы" in by_row[(2, "ФИО")]
    assert "более младший класс" in by_row[(3, "Класс выполнения")]
    assert "уже зарегистрирован" in by_row[(4, "Предмет")]
    assert "нет в списке обучающихся школы" in by_row[(5, "ФИО")]
    assert (6, "ФИО") not in by_row
    assert "Повторяет строку 6" in by_row[(7, "ФИО")]
    assert (8, "Предмет") in by_row
    assert Participation.objects.count() == 1


def test_office_needs_the_school_column(tmp_path, district, olympiad, students):
    analysis = _import(
        tmp_path,
        district,
        olympiad,
        [["Алиева Зарема Ахмедовна", 7, 7, "Математика", ""]],
        user_key="methodist",
    )
    assert any(p.column == "Школа" for p in analysis.errors)
    assert not Participation.objects.exists()


def test_kind_registered():
    spec = import_registry.get(KIND)
    assert spec is not None and spec.kind == KIND


def test_upload_pages_by_role(client, district, olympiad, students):
    client.force_login(district.user("teacher_a"))
    assert client.get(reverse("olympiads:registration_import")).status_code == 403
    client.force_login(district.user("school_admin_a"))
    assert client.get(reverse("olympiads:registration_import")).status_code == 200
    template = client.get(reverse("olympiads:registration_import_template"))
    assert template.status_code == 200
    upload = SimpleUploadedFile(
        "участники.xlsx", files.xlsx([HEADER, ["Алиева Зарема Ахмедовна", 7, 7, "Математика", ""]])
    )
    response = client.post(
        reverse("olympiads:registration_import"), {"file": upload, "scope": olympiad.school_stage.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    run_page = client.get(response["Location"])
    assert run_page.status_code == 200
