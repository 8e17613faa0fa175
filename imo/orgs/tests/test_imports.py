"""The organisations import: natural key, scope, pages per role, the command line, the round trip."""

from __future__ import annotations

import io
import json
from typing import cast

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Field
from django.urls import reverse

from imo.core.excel import write_xlsx
from imo.core.imports import engine
from imo.core.imports.models import ImportRun
from imo.core.imports.spec import ColumnType, ImportContext
from imo.core.imports.tests import files
from imo.orgs.exports import ORGANIZATION_COLUMNS
from imo.orgs.imports import ORGANIZATION_IMPORT
from imo.orgs.models import Organization
from imo.orgs.services import organization_upsert_many
from imo.orgs.tests.factories import make_district, make_organization

HEADER = [
    "Полное наименование",
    "Краткое наименование",
    "Тип",
    "Муниципалитет",
    "ИНН",
    "Эл. почта",
    "Телефон",
]


def inn(number: int) -> str:
    digits = f"{200000000 + number:09d}"
    check = sum(int(d) * w for d, w in zip(digits, (2, 4, 10, 3, 5, 9, 4, 6, 8), strict=True)) % 11 % 10
    return f"{digits}{check}"


@pytest.fixture
def district(db):
    return make_district()


@pytest.fixture
def upload():
    def make(rows, name="школы.xlsx", maker=files.xlsx):
        return SimpleUploadedFile(name, maker(rows))

    return make


def _import(tmp_path, rows, *, user=None, options=None, **kwargs):
    path = tmp_path / "file.xlsx"
    path.write_bytes(files.xlsx(rows))
    return engine.import_file(
        ORGANIZATION_IMPORT, path, ImportContext(user=user, options=options or {}), **kwargs
    )


def _rows(*data):
    return [HEADER, *data]


# --- the declaration ------------------------------------------------------------------------------


def test_columns_check_what_the_model_checks():
    """The import passes validated=True to the service, so its columns must carry the model's checks."""
    for column in ORGANIZATION_IMPORT.columns:
        field = cast(Field, Organization._meta.get_field(column.key))
        if column.lookup is not None:
            continue
        assert column.max_length is None or column.max_length == field.max_length, column.key
        if getattr(field, "max_length", None) and column.type in (ColumnType.TEXT,):
            assert column.max_length == field.max_length, column.key
        if not field.blank:
            assert column.required, column.key
        model_validators = {v for v in field.validators if callable(v) and v.__class__.__name__ == "function"}
        for validator in model_validators:
            assert column.validator is validator, column.key
        if field.choices:
            assert {value for value, _ in column.choices} <= {value for value, _ in field.choices}
    assert ORGANIZATION_IMPORT.column("email").type == ColumnType.EMAIL
    assert ORGANIZATION_IMPORT.column("website").type == ColumnType.URL


# --- natural key, re-import, scope ---------------------------------------------------------------


def test_new_rows_go_to_the_users_municipality_and_reimport_changes_nothing(district, tmp_path):
    head = district.user("head")
    rows = _rows(
        ["МБОУ «СОШ № 7»", "СОШ № 7", "Школа", "", inn(7), "sch7@example.ru", 79281112233],
        ["МБДОУ «Детский сад № 2»", "Д/с № 2", "ДОУ", "Курчалоевский район", "", "", ""],
    )
    analysis = _import(tmp_path, rows, user=head, by=head)
    assert analysis.saved and analysis.saved_counts["created"] == 2, analysis.errors
    school = Organization.objects.get(inn=inn(7))
    assert school.parent == district.municipality
    assert school.path == f"{district.municipality.path}{school.pk:06d}/"
    assert school.phone == "79281112233" and school.search_text
    kindergarten = Organization.objects.get(short_name="Д/с № 2")
    assert kindergarten.kind == Organization.Kind.KINDERGARTEN
    entry = LogEntry.objects.get_for_object(school).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == head
    assert entry.changes["short_name"] == ["None", "СОШ № 7"]

    again = _import(tmp_path, rows, user=head, by=head)
    assert again.saved_counts == {"created": 0, "updated": 0, "unchanged": 2, "skipped": 0}
    assert Organization.objects.count() == 6
    assert LogEntry.objects.get_for_object(school).count() == 1


def test_rows_match_by_inn_else_by_short_name_in_the_municipality(district, tmp_path):
    head = district.user("head")
    rows = _rows(
        # school A has no ИНН yet: matched by its short name, the ИНН is added
        [district.school_a.name, district.school_a.short_name.upper(), "Школа", "", inn(1), "", "+7 000"],
    )
    analysis = _import(tmp_path, rows, user=head)
    assert analysis.saved_counts["updated"] == 1
    district.school_a.refresh_from_db()
    assert district.school_a.inn == inn(1) and district.school_a.phone == "+7 000"
    # Now matched by ИНН even with another short name.
    renamed = _rows(["Новое полное имя", "Школа № 1", "Школа", "", inn(1), "", ""])
    analysis = _import(tmp_path, renamed, user=head)
    assert analysis.saved_counts["updated"] == 1
    district.school_a.refresh_from_db()
    assert (
        district.school_a.short_name == "Школа № 1" and district.school_a.phone == "+7 000"
    )  # empty cell kept
    update = LogEntry.objects.get_for_object(district.school_a).filter(action=LogEntry.Action.UPDATE).first()
    assert update.changes["short_name"] == ["СОШ № 1 Г. КУРЧАЛОЙ", "Школа № 1"]


def test_conflicts_and_duplicates_are_row_errors(district, tmp_path):
    head = district.user("head")
    organization_upsert_many(
        creates=[
            {
                "parent": district.municipality,
                "kind": "school",
                "name": "А",
                "short_name": "Гимназия",
                "inn": inn(2),
            }
        ],
        updates=[],
    )
    other_region = make_organization(kind=Organization.Kind.REGION, name="Другой регион", short_name="ДР")
    make_organization(parent=other_region, short_name="Чужая", inn=inn(3))
    rows = _rows(
        ["Гимназия", "Гимназия", "Школа", "", inn(4), "", ""],  # same short name, other ИНН
        ["Чужая школа", "Чужая", "Школа", "", inn(3), "", ""],  # ИНН of another region's school
        ["Новая", "Новая", "Школа", "Нет такого района", "", "", ""],
        ["Новая", "Новая", "Школа", "", "", "", ""],  # same as the row above
        ["Ещё", "Ещё", "Школа", "", district.municipality.inn or inn(5), "", ""],
        ["Ещё", "Ещё 2", "Школа", "", inn(5), "", ""],  # same ИНН as the row above
    )
    analysis = _import(tmp_path, rows, user=head)
    found = {(p.row, p.column): p.message for p in analysis.errors}
    assert "с ИНН" in found[(2, "ИНН")] and "Проверьте ИНН" in found[(2, "ИНН")]
    assert "не в вашем муниципалитете" in found[(3, "ИНН")]
    assert "не найден" in found[(4, "Муниципалитет")]
    assert found[(5, "Краткое наименование")].startswith("Повторяет строку 4")
    assert found[(7, "ИНН")] == "Повторяет строку 6: тот же ИНН."
    assert not analysis.saved
    assert not Organization.objects.filter(short_name="Ещё").exists()


def test_a_region_admin_must_name_the_municipality(district, tmp_path, django_user_model):
    second = make_organization(
        parent=district.region, kind=Organization.Kind.MUNICIPALITY, short_name="Второй район"
    )
    admin = django_user_model.objects.create_superuser("root", "root@example.ru", "x")
    rows = _rows(["А", "А", "Школа", "", "", "", ""], ["Б", "Б", "Школа", "Второй район", "", "", ""])
    analysis = _import(tmp_path, rows, user=admin)
    assert [p.message for p in analysis.errors] == ["Укажите муниципалитет: вам доступны несколько."]
    analysis = _import(tmp_path, rows, user=admin, options={"organization_id": second.pk})
    assert not analysis.has_errors
    assert {row.values["parent"] for row in analysis.rows} == {second}


def test_closed_organisations_are_not_changed(district, tmp_path):
    from imo.orgs.services import organization_close

    organization_close(organization=district.school_b, closed_on=district.school_b.created_at.date())
    rows = _rows([district.school_b.name, district.school_b.short_name, "Школа", "", "", "", "+7 1"])
    analysis = _import(tmp_path, rows, user=district.user("head"))
    assert "закрыта" in analysis.errors[0].message


def test_service_validates_rows_it_was_not_told_are_valid(district):
    with pytest.raises(ValidationError):
        organization_upsert_many(
            creates=[
                {
                    "parent": district.municipality,
                    "kind": "school",
                    "name": "А",
                    "short_name": "А",
                    "inn": "123",
                },
                {"parent": district.municipality, "kind": "school", "name": "Б", "short_name": "Б"},
            ],
            updates=[],
        )
    assert not Organization.objects.filter(short_name__in=["А", "Б"]).exists()


def test_export_then_import_changes_nothing(district, tmp_path):
    make_organization(
        parent=district.municipality,
        short_name="Лицей",
        inn=inn(9),
        ogrn="1022000123452",
        email="licey@example.ru",
        website="https://licey.example.ru",
        phone="+7 (8714) 22-33-44",
        director="Ёлкина Анна",
        address="ул. Мира, 1",
    )
    rows = Organization.objects.filter(parent=district.municipality).select_related("parent")
    content = write_xlsx(ORGANIZATION_COLUMNS, rows, sheet_name="Организации")
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    analysis = engine.import_file(ORGANIZATION_IMPORT, path, ImportContext(user=district.user("head")))
    assert not analysis.has_errors, analysis.errors
    assert analysis.saved_counts == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 0}
    assert any("Статус" in note for note in analysis.notes)  # columns the import does not load are listed


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["school_admin_a", "observer", "teacher_a", "no_role"])
def test_roles_that_may_not_import_get_403(client, district, key):
    client.force_login(district.user(key))
    assert client.get(reverse("orgs:import")).status_code == 403
    assert client.get(reverse("orgs:import_template")).status_code == 403


def test_anonymous_is_sent_to_login(client, district):
    response = client.get(reverse("orgs:import"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_template_download(client, district):
    client.force_login(district.user("methodist"))
    response = client.get(reverse("orgs:import_template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Организации"
    assert book["Организации"]["D2"].value == district.municipality.short_name


def test_upload_preview_commit_valid_rows_and_result(client, district, upload):
    client.force_login(district.user("head"))
    page = client.get(reverse("orgs:import"))
    assert page.status_code == 200 and "Скачать шаблон" in page.content.decode()
    rows = _rows(
        ["МБОУ «СОШ № 8»", "СОШ № 8", "Школа", "", inn(8), "", ""],
        ["МБОУ «СОШ № 9»", "СОШ № 9", "Школа", "", "123", "не почта", ""],
    )
    response = client.post(reverse("orgs:import"), {"file": upload(rows)})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("orgs:import_run", args=[run.pk])
    assert run.status == ImportRun.Status.READY and run.created_by == district.user("head")
    preview = client.get(response["Location"]).content.decode()
    assert "Ошибки: 2" in preview and "ИНН организации должен состоять из 10 цифр." in preview
    assert "Загрузить только строки без ошибок (1)" in preview
    # All-or-nothing unless asked.
    client.post(reverse("orgs:import_commit", args=[run.pk]))
    assert not Organization.objects.filter(short_name="СОШ № 8").exists()
    errors = client.get(reverse("orgs:import_errors", args=[run.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(errors.content)).active
    assert sheet.cell(row=1, column=len(HEADER) + 1).value == "Ошибки"
    assert "ИНН" in sheet.cell(row=3, column=len(HEADER) + 1).value
    response = client.post(reverse("orgs:import_commit", args=[run.pk]), {"valid_only": "1"})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert Organization.objects.filter(short_name="СОШ № 8").exists()
    assert not Organization.objects.filter(short_name="СОШ № 9").exists()
    result = client.get(reverse("orgs:import_run", args=[run.pk])).content.decode()
    assert "Загрузка завершена" in result and "пропущено строк с ошибками" in result
    # A second commit of the same run does nothing.
    client.post(reverse("orgs:import_commit", args=[run.pk]), {"valid_only": "1"})
    assert Organization.objects.filter(short_name="СОШ № 8").count() == 1


def test_unreadable_upload_is_refused_on_the_form(client, district, upload):
    client.force_login(district.user("head"))
    response = client.post(
        reverse("orgs:import"), {"file": SimpleUploadedFile("x.xlsx", files.password_protected_xlsx())}
    )
    assert response.status_code == 200 and "защищён паролем" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_upload_over_the_limit_is_refused(client, district, settings):
    settings.IMO_IMPORT_MAX_MB = 0.01
    client.force_login(district.user("head"))
    big = SimpleUploadedFile("big.xlsx", b"PK" + b"0" * 20_000)
    response = client.post(reverse("orgs:import"), {"file": big})
    assert "Файл слишком большой" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_another_users_run_is_404(client, district, upload):
    client.force_login(district.user("head"))
    client.post(reverse("orgs:import"), {"file": upload(_rows(["А", "А", "Школа", "", "", "", ""]))})
    run = ImportRun.objects.get()
    client.force_login(district.user("methodist"))
    for name in ("orgs:import_run", "orgs:import_errors", "orgs:import_status"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    assert client.post(reverse("orgs:import_commit", args=[run.pk])).status_code == 404


def test_large_files_run_as_background_jobs(client, district, upload, settings):
    from imo.core.jobs.models import Job
    from imo.core.jobs.testing import run_queued_jobs

    settings.IMO_IMPORT_BACKGROUND_ROWS = 2
    client.force_login(district.user("head"))
    rows = _rows(*[[f"Школа {n}", f"Школа {n}", "Школа", "", inn(100 + n), "", ""] for n in range(3)])
    response = client.post(reverse("orgs:import"), {"file": upload(rows)})
    run = ImportRun.objects.get()
    assert run.job_id and run.status == ImportRun.Status.QUEUED
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-progress"' in page and "<progress" in page
    status = client.get(reverse("orgs:import_status", args=[run.pk]), headers={"HX-Request": "true"})
    assert status.status_code == 200 and "<progress" in status.content.decode()
    run_queued_jobs()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.READY and run.report["created"] == 3
    status = client.get(reverse("orgs:import_status", args=[run.pk]), headers={"HX-Request": "true"})
    assert status["HX-Refresh"] == "true"
    client.post(reverse("orgs:import_commit", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTING
    run_queued_jobs()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert Organization.objects.filter(short_name__startswith="Школа ").count() == 3
    assert Job.objects.filter(state=Job.State.SUCCEEDED).count() == 2


# --- the command line ----------------------------------------------------------------------------


def _command(*args):
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_command_line_exit_codes_and_json(district, tmp_path):
    good = tmp_path / "good.xlsx"
    good.write_bytes(files.xlsx(_rows(["А", "А", "Школа", "", inn(11), "", ""])))
    code, out, _ = _command(
        "organizations", str(good), "--organization", str(district.municipality.pk), "--json"
    )
    assert code == 0
    assert json.loads(out) == {"rows": 1, "created": 1, "updated": 0, "unchanged": 0, "errors": []}
    code, out, _ = _command(
        "organizations", str(good), "--organization", str(district.municipality.pk), "--json"
    )
    assert code == 0 and json.loads(out)["unchanged"] == 1

    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        files.csv_bytes(
            _rows(["Б", "Б", "Школа", "", "", "", ""], ["В", "В", "Завод", "", "", "", ""]), encoding="cp1251"
        )
    )
    args = ("organizations", str(bad), "--organization", str(district.municipality.pk))
    code, out, _ = _command(*args, "--json")
    result = json.loads(out)
    assert code == 1 and result["errors"][0]["row"] == 3 and result["errors"][0]["column"] == "Тип"
    assert not Organization.objects.filter(short_name="Б").exists()
    code, out, _ = _command(*args, "--dry-run")
    assert code == 1 and "Ничего не сохранено" not in out and "Проверка" in out
    code, out, _ = _command(*args, "--valid-only")
    assert code == 1 and Organization.objects.filter(short_name="Б").exists()

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(files.truncated(files.xlsx(_rows(*[["x"] * 7] * 100))))
    code, out, _ = _command("organizations", str(broken), "--json")
    assert code == 2 and "повреждён" in json.loads(out)["errors"][0]["message"]
    assert _command("organizations", str(tmp_path / "missing.xlsx"))[0] == 2
    assert _command("nothing", str(good))[0] == 2
    assert _command("organizations", str(good), "--organization", "999999")[0] == 2
