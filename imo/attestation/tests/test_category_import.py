"""The category history import (issue #5 items 7 and 9): matching by СНИЛС and name within the user's scope,
every bad row listed by row and column (never guessed), the rules of category_clean, re-import, bulk
queries, the command line, the pages and who may use them."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.attestation.category_import import category_import_many
from imo.attestation.imports import CATEGORY_IMPORT, PERMISSION, educators_in_scope
from imo.attestation.models import QualificationCategory
from imo.attestation.services import MSG_FUTURE, MSG_NEEDS_HIGHEST, MSG_UNTIL_BEFORE, category_save
from imo.core.imports import engine, registry
from imo.core.imports.models import ImportRun
from imo.core.imports.spec import ImportContext
from imo.core.imports.tests import files
from imo.orgs.tests.factories import make_organization
from imo.staff.tests.factories import make_educator, snils_with_check

S1, S2, S3, S4 = (snils_with_check(body) for body in ("212233445", "323344556", "434455667", "545566778"))
HEADER = ["ФИО", "СНИЛС", "Категория", "Номер приказа", "Дата приказа", "Дата присвоения", "Действует до"]
Kind = QualificationCategory.Kind


def row(
    name="Исаева Малика Ахмедовна",
    snils=S1,
    kind="высшая",
    number="12-п",
    order_date=dt.date(2024, 3, 28),
    awarded="",
    until="",
):
    return [name, snils, kind, number, order_date, awarded, until]


def _import(tmp_path, rows, *, user=None, header=HEADER, **kwargs):
    path = tmp_path / "категории.xlsx"
    path.write_bytes(files.xlsx([header, *rows]))
    return engine.import_file(CATEGORY_IMPORT, path, ImportContext(user=user), by=user, **kwargs)


def _errors(analysis) -> dict[tuple[int | None, str | None], str]:
    return {(p.row, p.column): p.message for p in analysis.errors}


@pytest.fixture
def people(district):
    """Исаева (СНИЛС S1, school A), Хасанов (no СНИЛС, school A), Бисултанова (S3, school B)."""
    return {
        "isaeva": make_educator(
            municipality=district.municipality,
            school=district.school_a,
            last_name="Исаева",
            first_name="Малика",
            patronymic="Ахмедовна",
            snils=S1,
        ),
        "khasanov": make_educator(
            municipality=district.municipality,
            school=district.school_a,
            last_name="Хасанов",
            first_name="Ислам",
            patronymic="Русланович",
        ),
        "bisultanova": make_educator(
            municipality=district.municipality,
            school=district.school_b,
            last_name="Бисултанова",
            first_name="Зарема",
            patronymic="Саидовна",
            snils=S3,
        ),
    }


# --- the declaration -----------------------------------------------------------------------------


def test_registered_under_its_kind():
    assert registry.get("categories") is CATEGORY_IMPORT
    assert CATEGORY_IMPORT.title == "Квалификационные категории педагогов"
    assert CATEGORY_IMPORT.column("kind").required


# --- a good file ---------------------------------------------------------------------------------


def test_good_file_imports_with_the_rules_for_the_end_date(district, people, tmp_path):
    methodist = district.user("methodist")
    rows = [
        row(),  # by СНИЛС; awarded on the order's date; no end date (from 01.09.2023)
        row(name="Хасанов Ислам Русланович", snils="", kind="первая", order_date=dt.date(2019, 12, 20),
            awarded=dt.date(2019, 12, 25)),  # by name; five years (before 01.09.2023)
        row(name="", snils=S3, kind="первая", order_date=dt.date(2020, 5, 1), until=dt.date(2026, 1, 1)),
    ]  # fmt: skip
    analysis = _import(tmp_path, rows, user=methodist)
    assert not analysis.errors, analysis.errors
    assert analysis.saved_counts == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 0}
    isaeva = QualificationCategory.objects.get(educator=people["isaeva"])
    assert (isaeva.kind, isaeva.order_number, isaeva.order_date) == (
        Kind.HIGHEST,
        "12-п",
        dt.date(2024, 3, 28),
    )
    assert isaeva.awarded_on == dt.date(2024, 3, 28) and isaeva.valid_until is None
    khasanov = QualificationCategory.objects.get(educator=people["khasanov"])
    assert khasanov.awarded_on == dt.date(2019, 12, 25) and khasanov.valid_until == dt.date(2024, 12, 25)
    given = QualificationCategory.objects.get(educator=people["bisultanova"])
    assert given.valid_until == dt.date(2026, 1, 1)
    entries = LogEntry.objects.filter(content_type__model="qualificationcategory")
    assert entries.count() == 3
    assert {e.actor_id for e in entries} == {methodist.pk}
    assert all(e.action == LogEntry.Action.CREATE for e in entries)
    assert json.loads(json.dumps(entries.get(object_pk=str(isaeva.pk)).changes))["kind"] == [
        "None",
        "highest",
    ]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("высшая", Kind.HIGHEST),
        ("Высшая квалификационная категория", Kind.HIGHEST),
        ("ВЫСШАЯ КАТЕГОРИЯ", Kind.HIGHEST),
        ("ВКК", Kind.HIGHEST),
        ("1", Kind.FIRST),
        (1, Kind.FIRST),
        ("Первая категория", Kind.FIRST),
        ("первая квалификационная категория", Kind.FIRST),
        ("Педагог-методист", Kind.METHODIST),
        ("методист", Kind.METHODIST),
        ("Наставник", Kind.MENTOR),
        ("педагог – наставник".replace("–", "-"), Kind.MENTOR),
        ("педагог наставник", Kind.MENTOR),
    ],
)
def test_category_spelled_variously(district, people, tmp_path, text, kind):
    category_save(
        educator=people["isaeva"], kind=Kind.HIGHEST, awarded_on=dt.date(2023, 1, 10), default_term=True
    )
    analysis = _import(tmp_path, [row(kind=text)], dry_run=True)
    assert not analysis.errors, analysis.errors
    assert analysis.rows[0].values["kind"] == kind


def test_unknown_spelling_is_a_cell_error(district, people, tmp_path):
    analysis = _import(tmp_path, [row(kind="вторая")])
    message = _errors(analysis)[(2, "Категория")]
    assert "«вторая» не из списка" in message and "«педагог-методист»" in message
    assert not QualificationCategory.objects.exists()


# --- rows that cannot be loaded ------------------------------------------------------------------


def test_unknown_educator_is_listed_and_nothing_is_saved(district, people, tmp_path):
    rows = [row(), row(name="Неизвестная Анна Петровна", snils="")]
    analysis = _import(tmp_path, rows, user=district.user("methodist"))
    assert _errors(analysis) == {
        (3, "ФИО"): "Педагог не найден: Неизвестная Анна Петровна — нет среди педагогов, чьи категории вы "
        "можете загружать. Сначала добавьте педагога в базу (или загрузите список педагогов школы)."
    }
    assert not analysis.saved and not QualificationCategory.objects.exists()  # all or nothing
    assert analysis.errors[0].cell == "A3"
    saved = _import(tmp_path, rows, user=district.user("methodist"), valid_only=True)
    assert saved.saved_counts["created"] == 1 and saved.saved_counts["skipped"] == 1
    assert QualificationCategory.objects.get().educator == people["isaeva"]


def test_unknown_snils_without_name(district, people, tmp_path):
    analysis = _import(tmp_path, [row(name="", snils=S4)])
    assert _errors(analysis)[(2, "СНИЛС")].startswith("Педагог не найден: СНИЛС ***-***-*** ")


def test_neither_name_nor_snils(district, people, tmp_path):
    analysis = _import(tmp_path, [row(name="", snils="")])
    assert _errors(analysis) == {(2, "ФИО"): "Укажите ФИО или СНИЛС педагога (лучше оба)."}


def test_ambiguous_name_needs_the_snils(district, people, tmp_path):
    make_educator(
        municipality=district.municipality,
        school=district.school_b,
        last_name="Хасанов",
        first_name="Ислам",
        patronymic="Русланович",
    )
    analysis = _import(tmp_path, [row(name="ХАСАНОВ Ислам Русланович", snils="")])
    assert _errors(analysis) == {
        (2, "ФИО"): "Найдено несколько педагогов с ФИО «Хасанов Ислам Русланович» (2); укажите СНИЛС."
    }
    assert not QualificationCategory.objects.exists()


def test_name_is_folded_and_a_namesake_with_another_snils_is_not_taken(district, people, tmp_path):
    analysis = _import(tmp_path, [row(name="хасанов  ислам русланович", snils="")], dry_run=True)
    assert not analysis.errors and analysis.rows[0].action == engine.CREATE
    # Исаева holds S1; a row with her name and another СНИЛС is not her.
    analysis = _import(tmp_path, [row(snils=S2)])
    message = _errors(analysis)[(2, "ФИО")]
    assert message.startswith("Педагог не найден") and "с другим СНИЛС" in message


def test_wrong_snils_checksum(district, people, tmp_path):
    analysis = _import(tmp_path, [row(snils=S1[:-2] + f"{(int(S1[-2:]) + 1) % 100:02d}")])
    assert _errors(analysis) == {(2, "СНИЛС"): "СНИЛС введён с ошибкой: не сходится контрольное число."}


def test_snils_and_name_of_different_people(district, people, tmp_path):
    analysis = _import(tmp_path, [row(name="Бисултанова Зарема Саидовна", snils=S1)])
    message = _errors(analysis)[(2, "ФИО")]
    assert message.startswith("СНИЛС и ФИО относятся к разным педагогам")
    assert "«Исаева Малика Ахмедовна»" in message and S1 not in message  # masked


def test_snils_with_a_former_surname_loads_with_a_warning(district, people, tmp_path):
    analysis = _import(tmp_path, [row(name="Умарова Малика Ахмедовна")])
    assert not analysis.errors and analysis.saved
    assert "другая фамилия" in analysis.warnings[0].message
    assert QualificationCategory.objects.get().educator == people["isaeva"]


def test_future_dates(district, people, tmp_path):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    analysis = _import(
        tmp_path,
        [row(order_date=dt.date(2024, 1, 1), awarded=tomorrow), row(kind="первая", order_date=tomorrow)],
    )
    errors = _errors(analysis)
    assert errors[(2, "Дата присвоения")] == MSG_FUTURE
    assert errors[(3, "Дата приказа")] == "Дата приказа не может быть в будущем."
    assert (3, "Дата присвоения") not in errors  # taken from the order: one message is enough
    assert not QualificationCategory.objects.exists()


def test_valid_until_before_award(district, people, tmp_path):
    analysis = _import(tmp_path, [row(until=dt.date(2024, 3, 1))])
    assert _errors(analysis) == {(2, "Действует до"): MSG_UNTIL_BEFORE}


def test_no_date_at_all(district, people, tmp_path):
    analysis = _import(tmp_path, [row(order_date="")])
    assert _errors(analysis) == {(2, "Дата присвоения"): "Укажите дату присвоения или дату приказа."}


def test_methodist_needs_a_valid_highest(district, people, tmp_path):
    analysis = _import(tmp_path, [row(kind="педагог-методист")])
    assert _errors(analysis)[(2, "Категория")].startswith(MSG_NEEDS_HIGHEST)
    # An expired highest in the database does not count…
    category_save(
        educator=people["isaeva"], kind=Kind.HIGHEST, awarded_on=dt.date(2015, 1, 10), default_term=True
    )
    analysis = _import(tmp_path, [row(kind="наставник")])
    assert (2, "Категория") in _errors(analysis)
    # …a highest awarded later in the same file (listed below the methodist row) does.
    rows = [
        row(kind="методист", order_date=dt.date(2024, 5, 1)),
        row(kind="высшая", order_date=dt.date(2022, 4, 1)),
    ]
    analysis = _import(tmp_path, rows)
    assert not analysis.errors, analysis.errors
    assert set(QualificationCategory.objects.values_list("kind", flat=True)) == {Kind.HIGHEST, Kind.METHODIST}


def test_methodist_does_not_lean_on_an_invalid_highest_row(district, people, tmp_path):
    rows = [
        row(kind="высшая", order_date=dt.date(2022, 4, 1), until=dt.date(2021, 1, 1)),
        row(kind="методист", order_date=dt.date(2024, 5, 1)),
    ]
    analysis = _import(tmp_path, rows, valid_only=True)
    errors = _errors(analysis)
    assert (2, "Действует до") in errors and (3, "Категория") in errors
    assert not QualificationCategory.objects.exists()


def test_same_award_twice_in_a_file(district, people, tmp_path):
    analysis = _import(tmp_path, [row(), row(name="", number="13-п")])
    assert _errors(analysis) == {
        (3, "СНИЛС"): "Повторяет строку 2: тот же педагог, та же категория и дата присвоения."
    }


# --- re-import -----------------------------------------------------------------------------------


def test_reimport_changes_nothing_and_a_new_order_number_is_a_change(district, people, tmp_path):
    rows = [row(), row(name="Хасанов Ислам Русланович", snils="", kind="1", order_date=dt.date(2019, 12, 20))]
    first = _import(tmp_path, rows)
    assert first.saved_counts["created"] == 2
    stored = {
        c.pk: (c.order_number, c.valid_until, c.updated_at) for c in QualificationCategory.objects.all()
    }
    entries = LogEntry.objects.count()
    again = _import(tmp_path, rows)
    assert again.saved_counts == {"created": 0, "updated": 0, "unchanged": 2, "skipped": 0}
    assert {
        c.pk: (c.order_number, c.valid_until, c.updated_at) for c in QualificationCategory.objects.all()
    } == stored
    assert LogEntry.objects.count() == entries

    rows[0] = row(number="12-п/1", until=dt.date(2030, 1, 1))
    changed = _import(tmp_path, rows, dry_run=True)
    assert changed.rows[0].action == engine.UPDATE
    assert changed.rows[0].changes == {
        "order_number": ("12-п", "12-п/1"),
        "valid_until": (None, dt.date(2030, 1, 1)),
    }
    report = changed.report(CATEGORY_IMPORT)
    assert ["Номер приказа", "12-п", "12-п/1"] in report["items"][0][3]
    _import(tmp_path, rows)
    category = QualificationCategory.objects.get(educator=people["isaeva"])
    assert (category.order_number, category.valid_until) == ("12-п/1", dt.date(2030, 1, 1))
    assert QualificationCategory.objects.count() == 2
    update = LogEntry.objects.filter(object_pk=str(category.pk), action=LogEntry.Action.UPDATE).get()
    assert update.changes == {"order_number": ["12-п", "12-п/1"], "valid_until": ["None", "2030-01-01"]}


def test_an_empty_end_date_keeps_the_stored_one(district, people, tmp_path):
    category_save(
        educator=people["isaeva"],
        kind=Kind.HIGHEST,
        awarded_on=dt.date(2024, 3, 28),
        order_number="12-п",
        order_date=dt.date(2024, 3, 28),
        valid_until=dt.date(2029, 3, 28),
    )
    analysis = _import(tmp_path, [row()], dry_run=True)
    assert analysis.rows[0].action == engine.UNCHANGED


def test_bulk_service_refuses_a_broken_row(district, people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        category_import_many(
            creates=[
                {
                    "educator_id": people["isaeva"].pk,
                    "kind": Kind.FIRST,
                    "awarded_on": dt.date(2024, 1, 1),
                    "valid_until": dt.date(2023, 1, 1),
                },
            ],
            updates=[],
        )
    assert not QualificationCategory.objects.exists()


# --- scope ---------------------------------------------------------------------------------------


def test_scope_of_each_role(district, people, tmp_path):
    assert set(educators_in_scope(district.user("methodist"))) == set(people.values())
    assert set(educators_in_scope(district.user("school_admin_a"))) == {people["isaeva"], people["khasanov"]}
    assert not educators_in_scope(district.user("observer")).exists()
    assert not educators_in_scope(district.user("teacher_a")).exists()
    # A school admin loads their school's staff only: another school's educator is "not found".
    analysis = _import(tmp_path, [row(), row(name="", snils=S3)], user=district.user("school_admin_a"))
    assert list(_errors(analysis)) == [(3, "СНИЛС")]
    # An office of another municipality finds nobody here.
    other = make_organization(parent=district.region, kind="municipality", short_name="Другой район")
    from imo.orgs.models import Role
    from imo.orgs.tests.factories import make_user_with_role

    stranger = make_user_with_role(Role.METHODIST, other, username="stranger")
    analysis = _import(tmp_path, [row()], user=stranger)
    assert _errors(analysis)[(2, "ФИО")].startswith("Педагог не найден")


def test_a_user_without_the_permission_gets_nothing_loaded(district, people, tmp_path):
    analysis = _import(tmp_path, [row()], user=district.user("observer"))
    assert _errors(analysis) == {(2, None): "Загружать квалификационные категории вам нельзя."}


@pytest.mark.parametrize(
    ("key", "allowed"),
    [
        ("head", True),
        ("methodist", True),
        ("secretary", True),
        ("admin", True),
        ("school_admin_a", True),
        ("observer", False),
        ("teacher_a", False),
        ("no_role", False),
    ],
)
def test_permission(district, key, allowed):
    assert district.user(key).has_perm(PERMISSION) is allowed


# --- speed: the queries do not grow with the file ------------------------------------------------


def test_queries_do_not_grow_with_the_rows(district, tmp_path):
    educators = [
        make_educator(
            municipality=district.municipality,
            school=district.school_a,
            last_name=f"Тестов{'а' * n}",
            first_name="Анна",
            patronymic="Ивановна",
            snils=snils_with_check(f"{300000000 + n * 7919:09d}"),
        )
        for n in range(1, 31)
    ]
    rows = [
        row(
            name=e.full_name,
            snils=e.snils if n % 2 else "",
            kind="первая",
            order_date=dt.date(2020, 1, 1 + n % 20),
        )
        for n, e in enumerate(educators)
    ]

    def count(rows_):
        with CaptureQueriesContext(connection) as queries:
            analysis = _import(tmp_path, rows_, user=district.user("methodist"), dry_run=True)
        assert not analysis.errors, analysis.errors
        return len(queries)

    count(rows[:3])  # the user's roles and permissions are read once
    small = count(rows[:3])
    with CaptureQueriesContext(connection) as queries:
        _import(tmp_path, rows, user=district.user("methodist"), dry_run=True)
    assert len(queries) == small, [q["sql"][:200] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        analysis = _import(tmp_path, rows, user=district.user("methodist"))
    assert analysis.saved_counts["created"] == 30
    assert len(queries) <= 20


# --- the command line ----------------------------------------------------------------------------


def _command(*args):
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_command_line_dry_run_json(district, people, tmp_path):
    path = tmp_path / "категории.xlsx"
    path.write_bytes(files.xlsx([HEADER, row(), row(name="Неизвестная Анна Петровна", snils="")]))
    code, out, _ = _command("categories", str(path), "--dry-run", "--json")
    assert code == 1
    result = json.loads(out)
    assert (result["rows"], result["created"], result["updated"], result["unchanged"]) == (2, 1, 0, 0)
    assert result["errors"] == [
        {"row": 3, "column": "ФИО", "message": result["errors"][0]["message"]},
    ]
    assert result["errors"][0]["message"].startswith("Педагог не найден: Неизвестная Анна Петровна")
    assert not QualificationCategory.objects.exists()
    good = tmp_path / "good.xlsx"
    good.write_bytes(files.xlsx([HEADER, row()]))
    code, out, _ = _command("categories", str(good), "--json")
    assert code == 0 and json.loads(out) == {
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
    }
    code, out, _ = _command("categories", str(good), "--json")
    assert code == 0 and json.loads(out)["unchanged"] == 1


# --- pages ---------------------------------------------------------------------------------------


def _upload(rows, name="категории.xlsx"):
    return SimpleUploadedFile(name, files.xlsx([HEADER, *rows]))


@pytest.mark.parametrize("key", ["observer", "teacher_a", "no_role"])
def test_roles_that_may_not_import_get_403(client, district, key):
    client.force_login(district.user(key))
    for name in ("attestation:import", "attestation:import_template"):
        assert client.get(reverse(name)).status_code == 403


def test_anonymous_is_sent_to_login(client, district):
    response = client.get(reverse("attestation:import"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_due_page_links_to_the_import_for_those_who_may(client, district):
    client.force_login(district.user("methodist"))
    page = client.get(reverse("attestation:due")).content.decode()
    assert "Загрузить историю категорий из Excel" in page and reverse("attestation:import") in page
    client.force_login(district.user("observer"))
    page = client.get(reverse("attestation:due")).content.decode()
    assert "Загрузить историю категорий из Excel" not in page


def test_template_has_the_headers_and_an_example_that_is_skipped(client, district, people, tmp_path):
    client.force_login(district.user("methodist"))
    response = client.get(reverse("attestation:import_template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Категории"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["ФИО", "СНИЛС", "Категория *"]
    assert "Номер приказа" in headers and "Действует до" in headers
    assert sheet.cell(row=2, column=1).value == "Иванова Мария Петровна"
    sheet.append(["Исаева Малика Ахмедовна", S1, "высшая", "5-к", dt.datetime(2024, 2, 1)])
    path = tmp_path / "из шаблона.xlsx"
    book.save(path)
    analysis = engine.import_file(CATEGORY_IMPORT, path, ImportContext(user=district.user("methodist")))
    assert not analysis.errors, analysis.errors
    assert any("пример из шаблона" in note for note in analysis.notes)
    assert QualificationCategory.objects.get().order_number == "5-к"


def test_upload_preview_commit_valid_rows_and_result(client, district, people):
    client.force_login(district.user("methodist"))
    page = client.get(reverse("attestation:import"))
    assert page.status_code == 200
    assert "Загрузка из Excel: квалификационные категории педагогов" in page.content.decode()
    rows = [row(), row(name="Неизвестная Анна Петровна", snils="")]
    response = client.post(reverse("attestation:import"), {"file": _upload(rows)})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "attestation:import_run", args=[run.pk]
    )
    preview = client.get(response["Location"]).content.decode()
    assert "Педагог не найден: Неизвестная Анна Петровна" in preview and "Будет добавлена" in preview
    client.post(reverse("attestation:import_commit", args=[run.pk]))
    assert not QualificationCategory.objects.exists()  # all or nothing
    errors = client.get(reverse("attestation:import_errors", args=[run.pk]))
    assert errors.status_code == 200
    client.post(reverse("attestation:import_commit", args=[run.pk]), {"valid_only": "1"})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert QualificationCategory.objects.get().educator == people["isaeva"]
    # Another user's run is not found.
    client.force_login(district.user("head"))
    for name in ("attestation:import_run", "attestation:import_errors", "attestation:import_status"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404


def test_school_admin_uploads_for_their_school(client, district, people):
    client.force_login(district.user("school_admin_a"))
    response = client.post(reverse("attestation:import"), {"file": _upload([row(), row(name="", snils=S3)])})
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.report["created"] == 1 and run.report["invalid"] == 1
