"""The import of a provider's list of graduates (issue #6 items 5, 8): matching by СНИЛС, then by name and
school, nothing guessed (rows that found nobody or several people go to the resolution page), the course
rules by row and column, re-import, the 2025 provider rule, the command line."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from imo.core.imports import registry
from imo.core.imports.tests import files
from imo.training import counting
from imo.training.imports import COURSE_IMPORT, MSG_UNMATCHED
from imo.training.models import CourseKind, CourseRecord, PendingGraduate, ProviderKind
from imo.training.tests.graduates_fixtures import (
    END,
    HEADER,
    S2,
    START,
    errors_of,
    make_people,
    make_programme,
    make_provider,
    row,
    run_import,
    warnings_of,
)

SCHOOL_A = "МБОУ «СОШ № 1 г. Курчалой»"
SCHOOL_B = "СОШ с. Бельты"


@pytest.fixture
def people(district):
    return make_people(district)


@pytest.fixture
def provider(db):
    return make_provider()


@pytest.fixture
def programme(provider):
    return make_programme(provider)


def test_registered_under_its_kind():
    assert registry.get("courses") is COURSE_IMPORT
    assert COURSE_IMPORT.url_name("run") == "training:import_run"


def test_match_by_snils_creates_a_confirmed_import_record(district, people, provider, programme, tmp_path):
    methodist = district.user("methodist")
    analysis = run_import(
        tmp_path, [row(number="6124 0001", registration="77", issued=END)], user=methodist, provider=provider
    )
    assert analysis.saved and analysis.saved_counts["created"] == 1, analysis.summary()
    record = CourseRecord.objects.get()
    assert record.educator == people["isaeva"]
    assert (record.source, record.status, record.counts) == (
        CourseRecord.Source.IMPORT,
        CourseRecord.Status.CONFIRMED,
        True,
    )
    assert (record.provider, record.provider_kind, record.programme) == (
        provider,
        ProviderKind.STATE,
        programme,
    )
    assert (record.hours, record.starts_on, record.ends_on) == (36, START, END)
    assert (record.document_number, record.registration_number, record.issued_on) == ("6124 0001", "77", END)
    assert record.kind == CourseKind.REFRESHER and record.confirmed_by == methodist
    assert LogEntry.objects.filter(object_pk=str(record.pk), action=LogEntry.Action.CREATE).exists()
    assert not PendingGraduate.objects.exists()


def test_match_by_name_and_school(district, people, provider, tmp_path):
    rows = [
        row(name="ХАСАНОВ  Ислам Русланович", snils="", school=SCHOOL_A, number="1"),  # two at school A
        row(name="Алиева Хеда Магомедовна", snils="", school=SCHOOL_B, number="2"),
        row(name="Алиева Хеда Магомедовна", snils="", school=SCHOOL_A, number="3"),  # works at B only
    ]
    analysis = run_import(tmp_path, rows, user=district.user("methodist"), provider=provider)
    assert not analysis.errors, analysis.summary()
    assert analysis.saved
    assert list(CourseRecord.objects.values_list("educator_id", flat=True)) == [people["alieva"].pk]
    pending = {p.row_number: p for p in PendingGraduate.objects.all()}
    assert set(pending) == {2, 4}
    assert pending[2].reason == PendingGraduate.Reason.AMBIGUOUS
    assert sorted(pending[2].candidates) == sorted([people["khasanov1"].pk, people["khasanov2"].pk])
    assert pending[4].reason == PendingGraduate.Reason.UNMATCHED
    assert pending[4].candidates == [people["alieva"].pk]
    assert pending[2].municipality == district.municipality and pending[2].school_name == SCHOOL_A
    assert pending[2].data["ends_on"] == END.isoformat() and pending[2].data["provider_id"] == provider.pk
    warnings = warnings_of(analysis)
    assert "найдено 2 педагогов — выберите на странице сопоставления" in warnings[(2, "ФИО")]
    assert MSG_UNMATCHED in warnings[(4, "ФИО")]


def test_former_school_during_the_course_counts(district, people, provider, tmp_path):
    from imo.staff.services import employment_end

    job = people["alieva"].employments.get()
    employment_end(employment=job, ends_on=dt.date(2025, 1, 31), reason="перевод")
    analysis = run_import(
        tmp_path, [row(name="Алиева Хеда Магомедовна", snils="", school=SCHOOL_B)], provider=provider
    )
    assert analysis.saved_counts["created"] == 1
    assert CourseRecord.objects.get().educator == people["alieva"]


def test_unique_name_without_school_matches_namesakes_do_not(district, people, provider, tmp_path):
    rows = [
        row(name="Алиева Хеда Магомедовна", snils="", number="1"),
        row(name="Хасанов Ислам Русланович", snils="", number="2"),
        row(name="Неизвестная Анна Петровна", snils="", number="3"),
        row(name="Неизвестная Анна Петровна", snils=S2, number="4"),
    ]
    analysis = run_import(tmp_path, rows, provider=provider)
    assert not analysis.errors and analysis.saved
    assert CourseRecord.objects.get().educator == people["alieva"]
    reasons = dict(PendingGraduate.objects.values_list("row_number", "reason"))
    assert reasons == {
        3: PendingGraduate.Reason.AMBIGUOUS,
        4: PendingGraduate.Reason.UNMATCHED,
        5: PendingGraduate.Reason.UNMATCHED,
    }


def test_snils_with_another_persons_name_is_not_guessed(district, people, provider, tmp_path):
    analysis = run_import(tmp_path, [row(name="Алиева Хеда Магомедовна")], provider=provider)
    assert not CourseRecord.objects.exists() and analysis.saved
    pending = PendingGraduate.objects.get()
    assert pending.candidates == [people["isaeva"].pk, people["alieva"].pk]


def test_surname_changed_is_matched_by_snils_with_a_warning(district, people, provider, tmp_path):
    analysis = run_import(tmp_path, [row(name="Мусаева Малика Ахмедовна")], provider=provider)
    assert CourseRecord.objects.get().educator == people["isaeva"]
    assert "другая фамилия" in warnings_of(analysis)[(2, "ФИО")]


def test_scope_of_a_school_admin(district, people, provider, tmp_path):
    analysis = run_import(
        tmp_path,
        [row(name="Бисултанова Зарема Саидовна", snils="")],
        user=district.user("school_admin_a"),
        provider=provider,
    )
    assert not CourseRecord.objects.exists()
    pending = PendingGraduate.objects.get()
    assert pending.reason == PendingGraduate.Reason.UNMATCHED
    assert pending.municipality == district.municipality
    assert analysis.saved


def test_a_school_outside_the_scope_is_not_a_guess(district, people, provider, tmp_path):
    """School A's admin loads a row of school B with the name of a school A teacher: not theirs."""
    rows = [row(name="Исаева Малика Ахмедовна", snils="", school=SCHOOL_B)]
    analysis = run_import(tmp_path, rows, user=district.user("school_admin_a"), provider=provider)
    assert analysis.saved and not CourseRecord.objects.exists()
    assert PendingGraduate.objects.get().candidates == [people["isaeva"].pk]


def test_unknown_school_and_a_unique_name_matches_with_a_warning(district, people, provider, tmp_path):
    analysis = run_import(
        tmp_path, [row(name="Алиева Хеда Магомедовна", snils="", school="Гимназия № 77")], provider=provider
    )
    assert CourseRecord.objects.get().educator == people["alieva"]
    assert "не найдена в системе" in warnings_of(analysis)[(2, "Школа")]


def test_reimport_changes_nothing(district, people, provider, tmp_path):
    rows = [
        row(number="A-1"),
        row(name="Алиева Хеда Магомедовна", snils="", school=SCHOOL_B),  # no number: title + end date
        row(name="Хасанов Ислам Русланович", snils="", school=SCHOOL_A, number="A-2"),  # pending
        row(name="Неизвестная Анна Петровна", snils="", number=""),  # pending without a number
    ]
    first = run_import(tmp_path, rows, provider=provider)
    assert first.saved_counts["created"] == 4
    assert (CourseRecord.objects.count(), PendingGraduate.objects.count()) == (2, 2)
    logged = LogEntry.objects.count()
    second = run_import(tmp_path, rows, provider=provider)
    assert not second.errors
    assert second.saved_counts == {"created": 0, "updated": 0, "unchanged": 4, "skipped": 0}
    assert (CourseRecord.objects.count(), PendingGraduate.objects.count()) == (2, 2)
    assert LogEntry.objects.count() == logged
    # Changed hours update the same record.
    rows[0] = row(number="A-1", hours=72)
    third = run_import(tmp_path, rows, provider=provider)
    assert third.saved_counts["updated"] == 1 and third.saved_counts["created"] == 0
    assert CourseRecord.objects.get(document_number="A-1").hours == 72


def test_duplicate_document_of_another_educator_is_an_error(district, people, provider, tmp_path):
    run_import(tmp_path, [row(number="№ 555")], provider=provider)
    analysis = run_import(
        tmp_path, [row(name="Алиева Хеда Магомедовна", snils="", number="555")], provider=provider
    )
    assert not analysis.saved
    message = errors_of(analysis)[(2, "Номер документа")]
    assert message == counting.MSG_DUPLICATE_DOCUMENT.format(
        number="555", who="за педагогом Исаева Малика Ахмедовна"
    )
    # The same number of another provider is another document.
    other = make_provider(name="АНО ДПО «Учитель»", kind=ProviderKind.OTHER)
    assert run_import(
        tmp_path, [row(name="Алиева Хеда Магомедовна", snils="", number="555")], provider=other
    ).saved


def test_document_number_twice_in_the_file(district, people, provider, tmp_path):
    rows = [row(number="12 34"), row(name="Алиева Хеда Магомедовна", snils="", number="1234")]
    analysis = run_import(tmp_path, rows, provider=provider)
    assert errors_of(analysis)[(3, "Номер документа")].startswith("Повторяет строку 2")
    assert not CourseRecord.objects.exists()


def test_hours_and_dates_are_checked_by_row_and_column(district, people, provider, tmp_path):
    future = dt.date.today() + dt.timedelta(days=30)
    rows = [
        row(hours=8, number="1"),
        row(kind="переподготовка", hours=72, number="2"),
        row(starts=END, ends=START, number="3"),
        row(ends=future, number="4"),
        row(starts="31.02.2024", number="5"),
        row(snils="123-456-789 00", number="6"),
        row(number="7"),
    ]
    analysis = run_import(tmp_path, rows, provider=provider)
    errors = errors_of(analysis)
    assert errors[(2, "Часов")] == counting.hours_message(CourseKind.REFRESHER, _settings())
    assert errors[(3, "Часов")] == counting.hours_message(CourseKind.RETRAINING, _settings())
    assert errors[(4, "Дата окончания")] == counting.MSG_ENDS_BEFORE_START
    assert errors[(5, "Дата окончания")] == counting.MSG_ENDS_IN_FUTURE
    assert (6, "Дата начала") in errors and (7, "СНИЛС") in errors
    assert (8, "Часов") not in errors and not analysis.saved
    assert not CourseRecord.objects.exists() and not PendingGraduate.objects.exists()
    saved = run_import(tmp_path, rows, provider=provider, valid_only=True)
    assert saved.saved_counts["created"] == 1 and CourseRecord.objects.count() == 1


def _settings():
    from imo.training.models import TrainingSettings

    return TrainingSettings.current()


def test_other_provider_after_the_cut_off_loads_with_a_warning(district, people, tmp_path):
    other = make_provider(name="ООО «Инфоурок»", kind=ProviderKind.OTHER, inn="")
    rows = [
        row(starts=dt.date(2025, 8, 20), ends=dt.date(2025, 8, 31), number="1"),
        row(starts=dt.date(2025, 8, 25), ends=dt.date(2025, 9, 1), number="2"),
    ]
    analysis = run_import(tmp_path, rows, provider=other)
    assert analysis.saved
    warnings = warnings_of(analysis)
    assert (2, "Дата окончания") not in warnings
    assert warnings[(3, "Дата окончания")].startswith("Курс окончен после 31.08.2025")
    counts = dict(CourseRecord.objects.values_list("document_number", "counts"))
    assert counts == {"1": True, "2": False}


def test_provider_column_by_name_or_inn(district, people, provider, tmp_path):
    provider.inn = "7707083893"
    provider.save()
    header = [*HEADER, "Организация ДПО"]
    rows = [
        [*row(number="1"), "гбу дпо «институт развития образования»"],
        [*row(number="2"), "7707083893"],
        [*row(number="3"), "Неизвестный институт"],
        [*row(number="4"), ""],
    ]
    analysis = run_import(tmp_path, rows, header=header)
    errors = errors_of(analysis)
    assert set(errors) == {(4, "Организация ДПО"), (5, "Организация ДПО")}
    assert "не найдена в справочнике" in errors[(4, "Организация ДПО")]
    assert "Не указана организация" in errors[(5, "Организация ДПО")]


def test_spellings_of_the_kind_and_headers(district, people, provider, tmp_path):
    header = ["Ф.И.О.", "СНИЛС", "Место работы", "Наименование программы", "Вид программы",
              "Кол-во часов", "Начало обучения", "Окончание обучения", "№ удостоверения", "Рег. номер",
              "Дата выдачи"]  # fmt: skip
    rows = [row(kind="профессиональная переподготовка", hours=260, number="1"), row(kind="КПК", number="2")]
    analysis = run_import(tmp_path, rows, header=header, provider=provider)
    assert analysis.saved, analysis.summary()
    kinds = dict(CourseRecord.objects.values_list("document_number", "kind"))
    assert kinds == {"1": CourseKind.RETRAINING, "2": CourseKind.REFRESHER}
    assert CourseRecord.objects.get(document_number="1").document_kind == CourseRecord.DocumentKind.DIPLOMA


def test_plan_line_option(district, people, provider, tmp_path):
    from imo.reference.models import AcademicYear
    from imo.training.models import PlanLine, TrainingPlan

    year, _ = AcademicYear.objects.get_or_create(
        start_year=2024, defaults={"starts_on": dt.date(2024, 9, 1), "ends_on": dt.date(2025, 8, 31)}
    )
    plan = TrainingPlan.objects.create(municipality=district.municipality, academic_year=year)
    line = PlanLine.objects.create(plan=plan, topic="ФГОС", provider=provider)
    analysis = run_import(
        tmp_path,
        [row(), row(name="Неизвестная Анна Петровна", snils="", number="9")],
        user=district.user("methodist"),
        options={"plan_line_id": line.pk},
    )
    assert analysis.saved
    record = CourseRecord.objects.get()
    assert (record.plan_line, record.provider) == (line, provider)
    assert PendingGraduate.objects.get().data["plan_line_id"] == line.pk
    assert COURSE_IMPORT.check_options(_context(district.user("school_admin_a"), line.pk))


def _context(user, line_id):
    from imo.core.imports.spec import ImportContext

    return ImportContext(user=user, options={"plan_line_id": line_id})


def test_teacher_may_not_import(district, people, provider, tmp_path):
    analysis = run_import(tmp_path, [row()], user=district.user("teacher_a"), provider=provider)
    assert not analysis.saved and analysis.errors


# --- the command line ----------------------------------------------------------------------------


def _command(*args):
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_command_line_dry_run_and_json(district, people, provider, tmp_path):
    path = tmp_path / "слушатели.xlsx"
    header = [*HEADER, "Организация"]
    rows = [
        [*row(number="1"), provider.name],
        [*row(name="Неизвестная Анна Петровна", snils="", number="2"), provider.name],
        [*row(hours=4, number="3"), provider.name],
    ]
    path.write_bytes(files.xlsx([header, *rows]))
    code, out, _ = _command("courses", str(path), "--dry-run", "--json")
    assert code == 1
    result = json.loads(out)
    assert (result["rows"], result["created"], result["unchanged"]) == (3, 2, 0)
    assert result["errors"] == [{"row": 4, "column": "Часов", "message": result["errors"][0]["message"]}]
    assert any(MSG_UNMATCHED in w["message"] for w in result["warnings"])
    assert not CourseRecord.objects.exists()
    code, out, _ = _command(
        "courses", str(path), "--valid-only", "--organization", str(district.municipality.pk)
    )
    assert code == 1 and "Сохранено" in out
    assert CourseRecord.objects.count() == 1 and PendingGraduate.objects.count() == 1
    assert PendingGraduate.objects.get().municipality == district.municipality


def test_pending_row_number_and_bulk_audit(district, people, provider, tmp_path):
    rows = [row(number="1"), row(name="Неизвестная Анна Петровна", snils="", number="2")]
    run_import(tmp_path, rows, provider=provider)
    pending = PendingGraduate.objects.get()
    assert pending.row_number == 3 and pending.status == PendingGraduate.Status.OPEN
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(PendingGraduate)
    assert LogEntry.objects.filter(content_type=kind, object_pk=str(pending.pk)).count() == 1


@pytest.mark.parametrize("count", [3, 30])
def test_fixed_number_of_queries(district, people, provider, tmp_path, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [row(number=str(n)) for n in range(count)]
    with CaptureQueriesContext(connection) as queries:
        run_import(tmp_path, rows, provider=provider, dry_run=True)
    assert len(queries) <= 15, [q["sql"][:120] for q in queries]


def test_throughput_entry_runs(district, people, provider, monkeypatch):
    """bench/throughput.py's `training.import_rows_per_s` on a few rows (no timing asserted)."""
    throughput = pytest.importorskip("bench.throughput")
    monkeypatch.setattr(throughput, "COURSE_ROWS", 20)
    monkeypatch.setattr(throughput, "COURSE_NAIVE_ROWS", 5)
    measured = throughput.course_import_rows("sqlite")
    assert measured.value > 0 and measured.baseline and measured.baseline > 0
    assert measured.extra["created"] == 20 and measured.extra["errors"] == 0
    assert not CourseRecord.objects.exists()  # measured inside a transaction that is rolled back
