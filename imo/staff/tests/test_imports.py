"""The educators import: columns and their variants, matching, re-import, every bad input of issue #4
item 10, potential duplicates, who may import where, the pages, the command line, the round trip."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any, cast

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Field
from django.urls import reverse

from imo.core.imports import engine
from imo.core.imports.models import ImportRun
from imo.core.imports.spec import ColumnType, ImportContext
from imo.core.imports.tests import files
from imo.orgs.models import Membership, Role
from imo.orgs.tests.factories import make_organization
from imo.reference.models import Position, Subject
from imo.staff.bulk import EducatorWrite, EmploymentWrite, educator_import_many
from imo.staff.experience import years_months
from imo.staff.history import describe_history, educator_history_entries
from imo.staff.imports import (
    EDUCATOR_IMPORT,
    EDUCATOR_TEMPLATE,
    parse_education,
    parse_length,
    sex_from_patronymic,
)
from imo.staff.merging import duplicate_groups
from imo.staff.models import EducationRecord, Educator, Employment
from imo.staff.selectors import duplicates_of
from imo.staff.services import education_record_delete
from imo.staff.tests.factories import make_educator, snils_with_check

S1, S2, S3, S4 = (snils_with_check(body) for body in ("112233445", "223344556", "334455667", "445566778"))
HEADER = [
    "Ф.И.О.",
    "Пол",
    "Дата рождения",
    "СНИЛС",
    "Должность",
    "Предмет(ы)",
    "Основное/совместительство",
    "Нагрузка, ч/нед",
    "Дата приёма",
    "Дата увольнения",
    "Стаж пед.",
    "Категория",
]


def row(
    name: str = "Иванова Мария Петровна",
    sex: str = "ж",
    birth: Any = dt.date(1985, 3, 15),
    snils: str = S1,
    position: str = "Учитель",
    subjects: str = "Математика; Информатика",
    work: str = "основное",
    hours: Any = 18,
    starts: Any = dt.date(2010, 9, 1),
    ends: Any = "",
    experience: str = "12 лет",
    category: str = "первая",
) -> list[Any]:
    return [name, sex, birth, snils, position, subjects, work, hours, starts, ends, experience, category]


def _import(tmp_path, rows, *, user=None, organization=None, header=HEADER, **kwargs):
    path = tmp_path / "педагоги.xlsx"
    path.write_bytes(files.xlsx([header, *rows]))
    options = {"organization_id": organization.pk} if organization is not None else {}
    return engine.import_file(EDUCATOR_IMPORT, path, ImportContext(user=user, options=options), **kwargs)


def _errors(analysis) -> dict[tuple[int | None, str | None], str]:
    return {(p.row, p.column): p.message for p in analysis.errors}


@pytest.fixture
def head(district):
    return district.user("head")


# --- the declaration ------------------------------------------------------------------------------


def test_columns_check_what_the_model_checks():
    """The import passes validated=True to the service, so its columns carry the model's checks."""
    for column in EDUCATOR_IMPORT.columns:
        try:
            field = cast(Field, Educator._meta.get_field(column.key))
        except Exception:
            continue
        if getattr(field, "max_length", None) and column.type == ColumnType.TEXT:
            assert column.max_length == field.max_length, column.key
        model_validators = {v for v in field.validators if callable(v) and v.__class__.__name__ == "function"}
        for validator in model_validators:
            assert column.validator is validator, column.key
        if field.choices:
            assert {value for value, _ in column.choices} <= {value for value, _ in field.choices}
    assert EDUCATOR_IMPORT.column("email").type == ColumnType.EMAIL
    assert [c.key for c in EDUCATOR_TEMPLATE.columns][:3] == ["last_name", "first_name", "patronymic"]
    assert EDUCATOR_TEMPLATE.column("last_name").required
    assert not EDUCATOR_IMPORT.column("last_name").required


@pytest.mark.parametrize(
    ("text", "years", "months", "exact"),
    [
        ("12", 12, 0, False),
        ("12 лет", 12, 0, False),
        ("1 год", 1, 0, False),
        ("12 л. 3 мес.", 12, 3, True),
        ("12 лет 3 месяца", 12, 3, True),
        ("3 мес", 0, 3, True),
        ("22 года, 11 мес., 5 дн.", 22, 11, True),
    ],
)
def test_experience_lengths(text, years, months, exact):
    length = parse_length(text)
    assert (length.years, length.months, length.exact) == (years, months, exact)


@pytest.mark.parametrize("text", ["12,5", "12.5", "много", "5 лет 14 мес", "90"])
def test_unreadable_experience(text):
    with pytest.raises(ValidationError):
        parse_length(text)


def test_education_and_sex_helpers():
    assert parse_education("Высшее педагогическое") == (EducationRecord.Level.HIGHER, True)
    assert parse_education("высшее, непедагогическое") == (EducationRecord.Level.HIGHER, False)
    assert parse_education("СПО") == (EducationRecord.Level.SECONDARY_VOCATIONAL, None)
    assert parse_education("среднее специальное") == (EducationRecord.Level.SECONDARY_VOCATIONAL, None)
    assert parse_education("неоконченное высшее") == (EducationRecord.Level.OTHER, None)
    with pytest.raises(ValidationError):
        parse_education("отличное")
    assert sex_from_patronymic("Петровна") == Educator.Sex.FEMALE
    assert sex_from_patronymic("Ильич") == Educator.Sex.MALE
    assert sex_from_patronymic("Магомед оглы") == Educator.Sex.MALE
    assert sex_from_patronymic("") == ""


# --- new rows, re-import, variants -----------------------------------------------------------------


def test_new_rows_and_reimport_changes_nothing(district, head, tmp_path):
    rows = [
        row(),
        row(
            "ПЕТРОВ пётр ильич", "", dt.date(1975, 1, 2), S2, "учитель", "физкультура", "совм.", "6,5", "", ""
        ),
    ]
    analysis = _import(tmp_path, rows, user=head, organization=district.school_a, by=head)
    assert analysis.saved and analysis.saved_counts["created"] == 2, analysis.errors
    assert any("«Категория»" in note for note in analysis.notes)  # accepted, listed as not loaded
    ivanova = Educator.objects.get(snils=S1)
    assert (ivanova.last_name, ivanova.first_name, ivanova.patronymic) == ("Иванова", "Мария", "Петровна")
    assert ivanova.municipality == district.municipality and ivanova.sex == Educator.Sex.FEMALE
    assert ivanova.name_key == "иванова мария петровна"
    assert years_months(ivanova.teaching_experience_start, dt.date.today()) == (12, 0)
    post = ivanova.employments.get()
    assert post.organization == district.school_a and post.position.name == "Учитель"
    assert post.is_main and post.weekly_hours == 18 and post.starts_on == dt.date(2010, 9, 1)
    assert {s.name for s in post.subjects.all()} == {"Математика", "Информатика"}
    petrov = Educator.objects.get(snils=S2)
    assert (petrov.last_name, petrov.first_name, petrov.sex) == ("Петров", "Пётр", Educator.Sex.MALE)
    petrov_post = petrov.employments.get()
    assert not petrov_post.is_main and petrov_post.weekly_hours == Decimal("6.5")
    assert [s.name for s in petrov_post.subjects.all()] == ["Физическая культура"]
    created = LogEntry.objects.get_for_object(ivanova).get()
    assert created.action == LogEntry.Action.CREATE and created.actor == head
    assert created.changes["last_name"] == ["None", "Иванова"]
    assert created.changes["snils"][1] != S1  # masked in the log, as auditlog's settings say
    # One entry per new person: their post, with its subjects, is in it (not an entry of its own).
    school = str(district.school_a)
    assert created.changes["место работы"] == [
        "None",
        f"Учитель — {school} (основное), с 01.09.2010; предметы: Математика, Информатика; 18 ч/нед.",
    ]
    assert created.additional_data == {"created_with": {"staff.employment": [post.pk]}}
    assert not LogEntry.objects.get_for_object(post).exists()
    petrov_entry = LogEntry.objects.get_for_object(petrov).get()
    assert petrov_entry.changes["место работы"][1] == (
        f"Учитель — {school} (совместительство); предметы: Физическая культура; 6,5 ч/нед."
    )
    entries = LogEntry.objects.count()

    again = _import(tmp_path, rows, user=head, organization=district.school_a, by=head)
    assert again.saved_counts == {"created": 0, "updated": 0, "unchanged": 2, "skipped": 0}, again.errors
    assert Educator.objects.count() == 2 and Employment.objects.count() == 2
    assert LogEntry.objects.count() == entries


def test_a_new_persons_history_names_their_post_subjects_and_education(district, head, tmp_path):
    """An imported person has one entry in the change log, and their profile's history reads it: the
    card, the post with its subjects and load, the education. A second load of the file writes none."""
    header = [*HEADER, "Образование"]
    rows = [[*row(), "Высшее педагогическое"]]
    analysis = _import(tmp_path, rows, user=head, organization=district.school_a, header=header, by=head)
    assert analysis.saved_counts["created"] == 1, analysis.errors
    educator = Educator.objects.get(snils=S1)
    record = educator.education_records.get()
    [history] = describe_history(educator_history_entries(educator=educator), show_personal=True)
    assert (history.action, history.what, history.is_create) == ("Добавление", "Карточка педагога", True)
    changes = {change.label: change for change in history.changes}
    assert changes["Фамилия"].new == "Иванова" and changes["Дата рождения"].new == "15.03.1985"
    assert changes["Место работы"].old == "—"
    assert changes["Место работы"].new == (
        f"Учитель — {district.school_a} (основное), с 01.09.2010; предметы: Математика, Информатика; "
        "18 ч/нед."
    )
    assert changes["Образование"].new == "высшее, педагогическое"
    assert set(list(changes)[-2:]) == {"Место работы", "Образование"}  # after the person's own fields
    entry = LogEntry.objects.get_for_object(educator).get()
    assert entry.additional_data == {
        "created_with": {
            "staff.employment": [educator.employments.get().pk],
            "staff.educationrecord": [record.pk],
        }
    }
    entries = LogEntry.objects.count()

    again = _import(tmp_path, rows, user=head, organization=district.school_a, header=header, by=head)
    assert again.saved_counts["unchanged"] == 1, [r.changes for r in again.rows]
    assert LogEntry.objects.count() == entries

    # A row made by the import and deleted since stays in the history, by its deletion's entry.
    education_record_delete(record=record, by=head)
    rows_now = describe_history(educator_history_entries(educator=educator), show_personal=True)
    assert [(r.action, r.what) for r in rows_now] == [
        ("Удаление", "Образование: высшее"),
        ("Добавление", "Карточка педагога"),
    ]


def test_a_new_post_of_a_known_person_is_logged_with_its_subjects(district, head, tmp_path):
    educator = make_educator(
        municipality=district.municipality,
        school=district.school_b,
        last_name="Иванова",
        first_name="Мария",
        patronymic="Петровна",
        birth_date=dt.date(1985, 3, 15),
        snils=S1,
    )
    analysis = _import(tmp_path, [row(work="совм.")], user=head, organization=district.school_a, by=head)
    assert analysis.saved_counts["updated"] == 1, analysis.errors
    post = educator.employments.get(organization=district.school_a)
    [entry] = LogEntry.objects.get_for_object(post)
    assert entry.action == LogEntry.Action.CREATE and entry.object_pk == str(post.pk)
    assert entry.changes["subjects"] == ["None", "Математика, Информатика"]
    assert entry.changes["educator"] == ["None", str(educator.pk)]
    history = describe_history(educator_history_entries(educator=educator), show_personal=True)
    [created] = [
        r for r in history if r.what == f"Место работы: Учитель — {district.school_a} (совместительство)"
    ]
    changes = {change.label: change.new for change in created.changes}
    assert created.is_create and changes["Преподаваемые предметы"] == "Математика, Информатика"


def test_three_name_columns_and_other_headers(district, head, tmp_path):
    header = [
        "№ п/п",
        "Фамилия",
        "Имя",
        "Отчество",
        "пол",
        "Дата рожд.",
        "Номер СНИЛС",
        "ИНН",
        "Тел.",
        "E-mail",
        "Занимаемая должность",
        "Преподаваемые предметы",
        "Вид занятости",
        "Нагрузка",
        "Дата назначения",
        "Педагогический стаж",
        "Общий стаж",
        "Уровень образования",
        "Педагогическое образование",
    ]
    inn = "500100732259"
    rows = [
        [
            1, "Алиева", "Зарема", "", "женский", "01.02.1990", 11223344595, inn, "+7 928 111-22-33",
            "zarema@example.ru", "Педагог-психолог", "", "основное", "", "1.9.2015", "8 лет 2 мес.",
            "10", "высшее", "да",
        ],
    ]  # fmt: skip
    analysis = _import(tmp_path, rows, user=head, organization=district.school_a, header=header, by=head)
    assert analysis.saved_counts["created"] == 1, analysis.errors
    educator = Educator.objects.get()
    assert educator.snils == "11223344595" and educator.inn == inn and educator.patronymic == ""
    assert educator.birth_date == dt.date(1990, 2, 1) and educator.email == "zarema@example.ru"
    assert years_months(educator.teaching_experience_start, dt.date.today()) == (8, 2)
    assert years_months(educator.total_experience_start, dt.date.today())[0] == 10  # type: ignore[index]
    record = educator.education_records.get()
    assert record.level == EducationRecord.Level.HIGHER and record.is_pedagogical
    assert educator.employments.get().position.name == "Педагог-психолог"
    again = _import(tmp_path, rows, user=head, organization=district.school_a, header=header)
    assert again.saved_counts["unchanged"] == 1, [r.changes for r in again.rows]


# --- matching -------------------------------------------------------------------------------------


def test_matching_by_snils_updates_the_person_and_their_post(district, head, tmp_path):
    educator = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Иванова",
        first_name="Мария",
        patronymic="Петровна",
        birth_date=dt.date(1985, 3, 15),
        snils=S1,
        phone="+7 000",
    )
    # The surname changed (marriage), the load and the subjects too; empty cells change nothing.
    rows = [row("Сидорова Мария Петровна", birth="", subjects="Алгебра", hours=20, starts="", experience="")]
    analysis = _import(tmp_path, rows, user=head, organization=district.school_a, by=head)
    assert analysis.saved_counts["updated"] == 1, analysis.errors
    changes = set(analysis.rows[0].changes)
    assert changes == {"last_name", "weekly_hours", "subjects"}
    educator.refresh_from_db()
    assert educator.last_name == "Сидорова" and educator.phone == "+7 000"
    assert educator.name_key == "сидорова мария петровна"
    post = educator.employments.get()
    assert post.weekly_hours == 20 and post.starts_on == dt.date(2015, 9, 1)
    assert [s.name for s in post.subjects.all()] == ["Алгебра"]
    entry = LogEntry.objects.get_for_object(educator).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.changes["last_name"] == ["Иванова", "Сидорова"] and entry.actor == head
    operations = {
        e.changes["subjects"]["operation"]
        for e in LogEntry.objects.get_for_object(post).filter(action=LogEntry.Action.UPDATE)
        if "subjects" in e.changes
    }
    assert operations == {"add"}


def test_subjects_and_education_of_a_known_person_change_in_place(district, head, tmp_path):
    educator = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        subjects=("Математика", "Информатика"),
        last_name="Иванова",
        first_name="Мария",
        patronymic="Петровна",
        birth_date=dt.date(1985, 3, 15),
        snils=S1,
    )
    EducationRecord.objects.create(educator=educator, level=EducationRecord.Level.HIGHER)
    post = educator.employments.get()
    header = [*HEADER, "Образование"]
    rows = [
        [*row(subjects="Информатика, Физика", starts="", experience="", hours=""), "Высшее педагогическое"]
    ]
    analysis = _import(tmp_path, rows, user=head, organization=district.school_a, header=header, by=head)
    assert analysis.saved_counts["updated"] == 1, analysis.errors
    assert set(analysis.rows[0].changes) == {"subjects", "is_pedagogical"}
    assert {s.name for s in post.subjects.all()} == {"Информатика", "Физика"}
    assert educator.education_records.get().is_pedagogical
    entries = LogEntry.objects.get_for_object(post).filter(action=LogEntry.Action.UPDATE)
    operations = {
        (e.changes["subjects"]["operation"], tuple(e.changes["subjects"]["objects"])) for e in entries
    }
    assert ("delete", ("Математика",)) in operations and ("add", ("Физика",)) in operations
    again = _import(tmp_path, rows, user=head, organization=district.school_a, header=header)
    assert again.saved_counts["unchanged"] == 1, [r.changes for r in again.rows]


def test_matching_by_name_and_birth_date_adds_the_snils(district, head, tmp_path):
    educator = make_educator(
        municipality=district.municipality,
        school=district.school_b,
        last_name="Ёлкина",
        first_name="Анна",
        patronymic="Сергеевна",
        birth_date=dt.date(1980, 5, 6),
    )
    # Another school takes her part-time: a second post; her record gets the СНИЛС.
    rows = [row("елкина анна сергеевна", birth=dt.date(1980, 5, 6), snils=S3, work="совместительство")]
    analysis = _import(tmp_path, rows, user=head, organization=district.school_a)
    assert analysis.saved_counts["updated"] == 1, analysis.errors
    educator.refresh_from_db()
    assert educator.snils == S3 and educator.last_name == "Ёлкина"  # ё kept: case/ё alone is no change
    assert educator.employments.count() == 2
    new_post = educator.employments.get(organization=district.school_a)
    assert not new_post.is_main


def test_a_row_without_snils_and_birth_date_finds_the_person_working_here(district, head, tmp_path):
    educator = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        last_name="Орлова",
        first_name="Ольга",
        patronymic="Олеговна",
    )
    rows = [row("Орлова Ольга Олеговна", birth="", snils="", hours=25)]
    analysis = _import(tmp_path, rows, user=head, organization=district.school_a)
    assert analysis.saved_counts["updated"] == 1, analysis.errors
    assert educator.employments.get().weekly_hours == 25


def test_another_position_is_another_post_and_a_rehire_a_new_one(district, head, tmp_path):
    educator = make_educator(
        municipality=district.municipality,
        school=district.school_a,
        birth_date=dt.date(1985, 3, 15),
        snils=S1,
        last_name="Иванова",
        first_name="Мария",
        patronymic="Петровна",
    )
    old_post = educator.employments.get()
    old_post.ends_on = dt.date(2020, 6, 30)
    old_post.save()
    rows = [row(starts=dt.date(2022, 9, 1)), row(snils=S2, name="Петрова Анна Ильинична", birth="")]
    analysis = _import(tmp_path, rows, user=head, organization=district.school_a)
    assert [r.action for r in analysis.rows] == [engine.UPDATE, engine.CREATE], analysis.errors
    assert educator.employments.count() == 2  # the ended post stays as history
    rows = [row(position="Педагог-организатор", subjects="", starts=dt.date(2023, 9, 1))]
    analysis = _import(tmp_path, rows, user=head, organization=district.school_a)
    assert analysis.saved_counts["updated"] == 1
    assert educator.employments.count() == 3


def test_leaving_closes_the_post(district, head, tmp_path):
    make_educator(
        municipality=district.municipality,
        school=district.school_a,
        birth_date=dt.date(1985, 3, 15),
        snils=S1,
        last_name="Иванова",
        first_name="Мария",
        patronymic="Петровна",
    )
    analysis = _import(
        tmp_path, [row(starts="", ends=dt.date(2024, 8, 31))], user=head, organization=district.school_a
    )
    assert analysis.saved_counts["updated"] == 1, analysis.errors
    assert Employment.objects.get().ends_on == dt.date(2024, 8, 31)


# --- bad input (issue #4, item 10) -----------------------------------------------------------------


def _bad(district, head, tmp_path, bad_row, *, before=()):
    """Import a good row and `bad_row`: returns the analysis; checks nothing was saved, then that
    valid-only saves the good row and skips the bad one."""
    for make in before:
        make()
    count = Educator.objects.count()
    rows = [row(name="Хорошая Анна Ивановна", snils=S4, birth=dt.date(1990, 1, 1)), bad_row]
    analysis = _import(tmp_path, rows, user=head, organization=district.school_a)
    assert analysis.has_errors and not analysis.saved
    assert Educator.objects.count() == count
    valid = _import(tmp_path, rows, user=head, organization=district.school_a, valid_only=True)
    assert valid.saved_counts["created"] == 1 and valid.saved_counts["skipped"] == 1
    assert Educator.objects.filter(snils=S4).exists()
    return analysis


def test_invalid_snils_checksum(district, head, tmp_path):
    analysis = _bad(district, head, tmp_path, row(snils="112-233-445 96"))
    assert _errors(analysis)[(3, "СНИЛС")] == "СНИЛС введён с ошибкой: не сходится контрольное число."
    assert analysis.errors[0].cell == "D3"


def test_the_same_snils_twice_in_the_file(district, head, tmp_path):
    rows = [row(), row(name="Другая Анна Ивановна", birth=dt.date(1991, 1, 1))]
    analysis = _import(tmp_path, rows, user=head, organization=district.school_a)
    assert _errors(analysis)[(3, "СНИЛС")].startswith("Повторяет строку 2: тот же СНИЛС")
    assert not Educator.objects.exists()


def test_a_snils_of_another_person(district, head, tmp_path):
    def other():
        make_educator(municipality=district.municipality, first_name="Зоя", snils=S1)

    analysis = _bad(district, head, tmp_path, row(), before=[other])
    message = _errors(analysis)[(3, "СНИЛС")]
    assert "уже записан в базе за другим человеком" in message and S1 not in message


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (dt.date.today() + dt.timedelta(days=3), "в будущем"),
        (dt.date.today().replace(year=dt.date.today().year - 15), "меньше 16 лет"),
    ],
)
def test_birth_date_in_the_future_or_under_16(district, head, tmp_path, birth, expected):
    analysis = _bad(district, head, tmp_path, row(birth=birth, experience=""))
    assert expected in _errors(analysis)[(3, "Дата рождения")]


def test_unknown_position_lists_the_known_ones(district, head, tmp_path):
    analysis = _bad(district, head, tmp_path, row(position="Учитель математики"))
    message = _errors(analysis)[(3, "Должность")]
    assert message.startswith("Должность «Учитель математики» не найдена в справочнике.")
    assert "напишите «Учитель», а предмет — в столбце «Предмет(ы)»" in message
    assert "Педагог-психолог" in message and "Учитель-логопед" in message


def test_unknown_subject_lists_the_known_ones(district, head, tmp_path):
    analysis = _bad(district, head, tmp_path, row(subjects="Математика, Астрология"))
    message = _errors(analysis)[(3, "Предмет(ы)")]
    assert message.startswith("Предмет «Астрология» не найден в справочнике. Известные предметы:")
    assert "Чеченский язык" in message


def test_end_date_before_start(district, head, tmp_path):
    analysis = _bad(district, head, tmp_path, row(starts=dt.date(2020, 9, 1), ends=dt.date(2020, 8, 31)))
    assert _errors(analysis)[(3, "Дата увольнения")] == (
        "Дата увольнения 31.08.2020 раньше даты приёма 01.09.2020."
    )


def test_missing_surname(district, head, tmp_path):
    header = ["Фамилия", "Имя", "Отчество", "Пол", "СНИЛС", "Должность"]
    rows = [["Хорошая", "Анна", "", "ж", S4, "Учитель"], ["", "Мария", "Петровна", "ж", S1, "Учитель"]]
    analysis = _import(tmp_path, rows, user=head, organization=district.school_a, header=header)
    assert _errors(analysis) == {(3, "Фамилия"): "Не указана фамилия."}
    assert not analysis.saved and not Educator.objects.exists()
    one_word = _import(tmp_path, [row(name="Иванова")], user=head, organization=district.school_a)
    assert "Укажите фамилию и имя" in _errors(one_word)[(2, "Ф.И.О.")]


def test_unreadable_date(district, head, tmp_path):
    analysis = _bad(district, head, tmp_path, row(birth="весной 85-го"))
    assert _errors(analysis)[(3, "Дата рождения")] == (
        "Ожидается дата в виде дд.мм.гггг, а в ячейке «весной 85-го»."
    )
    analysis = _import(tmp_path, [row(starts="31.02.2020")], user=head, organization=district.school_a)
    assert _errors(analysis)[(2, "Дата приёма")] == "Такой даты нет: «31.02.2020»."


def test_other_bad_cells(district, head, tmp_path):
    rows = [
        row(sex="", name="Иванова Мария"),  # no patronymic to tell the sex by
        row(snils=S2, hours=61, name="Петрова Анна Ивановна"),
        row(snils=S3, experience="40 лет", name="Сидорова Анна Ивановна"),
        row(snils="", birth="", name="Ивaнова Анна Ивановна"),  # a Latin «a»
    ]
    found = _errors(_import(tmp_path, rows, user=head, organization=district.school_a))
    assert "Укажите пол" in found[(2, "Пол")]
    assert "от 0 до 60" in found[(3, "Нагрузка, ч/нед")]
    assert "больше, чем возможно по возрасту" in found[(4, "Стаж пед.")]
    assert "смешаны русские и латинские буквы" in found[(5, "Ф.И.О.")]


# --- potential duplicates --------------------------------------------------------------------------


def _ivanova(district, *, school=None, birth_date=dt.date(1985, 3, 15), snils=S2):
    return make_educator(
        municipality=district.municipality,
        school=school,
        last_name="Иванова",
        first_name="Мария",
        patronymic="Петровна",
        birth_date=birth_date,
        snils=snils,
    )


def _warnings(analysis) -> dict[tuple[int | None, str | None], engine.Problem]:
    return {(p.row, p.column): p for p in analysis.warnings}


def test_same_name_and_birth_date_under_another_snils_loads_with_a_warning(district, head, tmp_path):
    """Maybe a typo in a СНИЛС, maybe a namesake born the same day: only a human can tell. The row is
    added as a new person, the preview says why to look, and the duplicates page shows the pair."""
    other = _ivanova(district, school=district.school_b)
    analysis = _import(tmp_path, [row()], user=head, organization=district.school_a)
    assert not analysis.errors and analysis.saved_counts["created"] == 1
    warning = _warnings(analysis)[(2, "СНИЛС")]
    assert warning.message.startswith(
        "Возможный дубликат: в базе уже есть Иванова Мария Петровна, 15.03.1985 г. р. (СОШ с. Бельты), "
        "с другим СНИЛС (***-***-*** "
    )
    assert S2 not in warning.message and S2[-2:] in warning.message
    assert "объединить на странице «Возможные дубликаты»" in warning.message
    assert warning.url == reverse("staff:duplicates") and warning.cell == "D2"
    new = Educator.objects.get(snils=S1)
    assert list(duplicates_of(educator=new)) == [other]
    assert any({e.pk for e in group.educators} == {new.pk, other.pk} for group in duplicate_groups(head))
    # Loaded once, the row is the new person: a re-import matches it by СНИЛС and warns no more.
    again = _import(tmp_path, [row()], user=head, organization=district.school_a)
    assert again.saved_counts["unchanged"] == 1 and not again.warnings


def test_a_school_is_not_told_where_someone_outside_it_works(district, tmp_path):
    _ivanova(district, school=district.school_b)
    admin = district.user("school_admin_a")  # may not merge, does not see school B's people
    analysis = _import(tmp_path, [row()], user=admin, organization=district.school_a)
    warning = _warnings(analysis)[(2, "СНИЛС")]
    assert "Иванова Мария Петровна, 15.03.1985 г. р., с другим СНИЛС" in warning.message
    assert "Бельты" not in warning.message and not warning.url
    assert "сообщите в методический кабинет" in warning.message
    assert analysis.saved_counts["created"] == 1


def test_same_name_in_the_same_school_under_another_snils_loads_with_a_warning(district, head, tmp_path):
    other = _ivanova(district, school=district.school_a, birth_date=None)
    analysis = _import(tmp_path, [row(birth="")], user=head, organization=district.school_a)
    assert not analysis.errors and analysis.saved_counts["created"] == 1
    message = _warnings(analysis)[(2, "СНИЛС")].message
    assert message.startswith(
        "Возможный дубликат: в СОШ № 1 г. Курчалой уже работает Иванова Мария Петровна, дата рождения в "
        "записи не указана, с другим СНИЛС (***-***-*** "
    )
    groups = duplicate_groups(head)
    new = Educator.objects.get(snils=S1)
    assert any({e.pk for e in group.educators} == {new.pk, other.pk} for group in groups)


def test_known_and_different_birth_dates_tell_namesakes_apart(district, head, tmp_path):
    _ivanova(district, school=district.school_a, birth_date=dt.date(1970, 1, 1))
    analysis = _import(tmp_path, [row()], user=head, organization=district.school_a)
    assert analysis.saved_counts["created"] == 1 and not analysis.warnings, analysis.errors


def test_a_namesake_here_without_a_birth_date_is_flagged_for_a_row_without_snils(district, head, tmp_path):
    _ivanova(district, school=district.school_a, birth_date=None)
    analysis = _import(tmp_path, [row(snils="")], user=head, organization=district.school_a)
    assert analysis.saved_counts["created"] == 1
    message = _warnings(analysis)[(2, "Ф.И.О.")].message
    assert "уже работает Иванова Мария Петровна, дата рождения в записи не указана, СНИЛС ***" in message


def test_the_preview_shows_possible_duplicates_and_they_do_not_block_the_upload(client, district, tmp_path):
    _ivanova(district, school=district.school_b)
    client.force_login(district.user("methodist"))
    upload = SimpleUploadedFile("педагоги.xlsx", files.xlsx([HEADER, row()]))
    response = client.post(reverse("staff:import"), {"file": upload, "scope": district.school_a.pk})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.READY and not run.has_errors
    preview = client.get(response["Location"]).content.decode()
    assert "Предупреждения: 1" in preview and "Строк с предупреждениями" in preview
    assert "Проверьте</span>" in preview and "Возможный дубликат: в базе уже есть" in preview
    assert f'href="{reverse("staff:duplicates")}"' in preview
    assert "Загрузить только строки без ошибок" not in preview  # nothing to leave out
    warned = client.get(response["Location"], {"show": "warned"}).content.decode()
    assert 'data-testid="warned-row"' in warned
    copy = client.get(reverse("staff:import_errors", args=[run.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(copy.content)).active
    assert sheet.cell(row=1, column=len(HEADER) + 2).value == "Предупреждения"
    assert "Возможный дубликат" in sheet.cell(row=2, column=len(HEADER) + 2).value
    client.post(reverse("staff:import_commit", args=[run.pk]))  # all-or-nothing counts errors only
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and Educator.objects.count() == 2
    result = client.get(response["Location"]).content.decode()
    assert "Загрузка завершена" in result and "Предупреждения: 1" in result
    client.force_login(district.user("school_admin_b"))  # someone else's run
    assert client.get(response["Location"]).status_code == 404


def test_a_report_kept_before_warnings_existed_still_renders(client, district):
    admin = district.user("school_admin_a")
    report = {
        "format": "xlsx",
        "header_row": 1,
        "fatal": "",
        "notes": [],
        "ignored_columns": [],
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "invalid": 0,
        "errors": [],
        "items": [[2, "create", "Иванова Мария Петровна", []]],
        "saved": False,
        "saved_counts": {},
    }
    run = ImportRun.objects.create(
        kind="educators",
        original_name="старый.xlsx",
        file="2025/01/old.xlsx",
        created_by=admin,
        status=ImportRun.Status.READY,
        report=report,
    )
    client.force_login(admin)
    for query in ({}, {"show": "warned"}):
        page = client.get(reverse("staff:import_run", args=[run.pk]), query)
        assert page.status_code == 200
        content = page.content.decode()
        assert "Иванова Мария Петровна" in content and "Предупреждения" not in content


def test_command_line_json_lists_warnings_and_exits_0(district, tmp_path):
    _ivanova(district, school=district.school_b)
    path = tmp_path / "педагоги.xlsx"
    path.write_bytes(files.xlsx([HEADER, row()]))
    args = ("educators", str(path), "--organization", str(district.school_a.pk), "--json")
    code, out, _ = _command(*args, "--dry-run")
    result = json.loads(out)
    assert code == 0 and result["errors"] == [] and result["created"] == 1
    [warning] = result["warnings"]
    assert set(warning) == {"row", "column", "message"}
    assert (warning["row"], warning["column"]) == (2, "СНИЛС")
    assert "Возможный дубликат" in warning["message"] and "СОШ с. Бельты" in warning["message"]
    code, out, _ = _command(*args)
    assert code == 0 and json.loads(out)["created"] == 1 and Educator.objects.count() == 2


def test_existing_duplicates_make_the_match_ambiguous(district, head, tmp_path):
    for _ in range(2):
        make_educator(
            municipality=district.municipality,
            last_name="Иванова",
            first_name="Мария",
            patronymic="Петровна",
            birth_date=dt.date(1985, 3, 15),
        )
    analysis = _import(tmp_path, [row(snils="")], user=head, organization=district.school_a)
    assert "Возможные дубликаты: в базе 2 записи" in _errors(analysis)[(2, "Ф.И.О.")]


def test_two_rows_about_one_person_are_an_error(district, head, tmp_path):
    make_educator(
        municipality=district.municipality,
        last_name="Иванова",
        first_name="Мария",
        patronymic="Петровна",
        birth_date=dt.date(1985, 3, 15),
        snils=S1,
    )
    rows = [row(), row(snils="", experience="", birth=dt.date(1985, 3, 15), position="Педагог-организатор")]
    analysis = _import(tmp_path, rows, user=head, organization=district.school_a)
    found = _errors(analysis)
    assert list(found) == [(3, "Ф.И.О.")]
    assert "Повторяет строку 2: те же ФИО и дата рождения" in found[(3, "Ф.И.О.")]


# --- scope ---------------------------------------------------------------------------------------


def test_a_school_admin_imports_only_into_their_school(district, tmp_path):
    admin_a = district.user("school_admin_a")
    assert EDUCATOR_IMPORT.scope_choices(admin_a) == [(district.school_a.pk, district.school_a.short_name)]
    analysis = _import(tmp_path, [row()], user=admin_a, organization=district.school_b)
    assert _errors(analysis) == {(2, None): "Загружать список в эту организацию вам нельзя: выберите свою."}
    analysis = _import(tmp_path, [row()], user=admin_a, by=admin_a)  # no choice: their school
    assert analysis.saved_counts["created"] == 1, analysis.errors
    assert Employment.objects.get().organization == district.school_a


def test_office_chooses_among_its_schools(district, head, tmp_path):
    choices = dict(EDUCATOR_IMPORT.scope_choices(head))
    assert set(choices) == {district.school_a.pk, district.school_b.pk}
    analysis = _import(tmp_path, [row()], user=head)
    assert _errors(analysis) == {(2, None): "Выберите организацию, для которой этот список."}
    analysis = _import(tmp_path, [row()], user=head, organization=district.municipality)
    assert "вам нельзя" in analysis.errors[0].message


# --- the service ---------------------------------------------------------------------------------


def test_service_checks_what_it_was_not_told_is_valid(district):
    position = Position.objects.get(name="Учитель")

    def person(**data):
        values = {"last_name": "А", "first_name": "Б", "sex": "female", **data}
        return EducatorWrite(educator=None, data=values, employment=EmploymentWrite(None, position))

    with pytest.raises(ValidationError):
        educator_import_many(
            organization=district.school_a,
            municipality=district.municipality,
            rows=[person(snils="123"), person()],
        )
    with pytest.raises(ValidationError):
        educator_import_many(
            organization=district.school_a,
            municipality=district.municipality,
            rows=[person(birth_date=dt.date.today())],
        )
    make_educator(municipality=district.municipality, snils=S1)
    with pytest.raises(ValidationError, match="уже есть в базе"):
        educator_import_many(
            organization=district.school_a,
            municipality=district.municipality,
            rows=[person(snils=S1)],
            validated=True,
        )
    with pytest.raises(ValidationError, match="образовательная организация"):
        educator_import_many(organization=district.municipality, municipality=district.municipality, rows=[])
    assert Educator.objects.count() == 1


# --- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def upload():
    def make(rows, header=HEADER, name="педагоги.xlsx"):
        return SimpleUploadedFile(name, files.xlsx([header, *rows]))

    return make


@pytest.mark.parametrize("key", ["observer", "teacher_a", "no_role"])
def test_roles_that_may_not_import_get_403(client, district, key):
    client.force_login(district.user(key))
    for name in ("staff:import", "staff:import_template"):
        assert client.get(reverse(name)).status_code == 403


def test_anonymous_is_sent_to_login(client, district):
    response = client.get(reverse("staff:import"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_template_download_and_its_round_trip(client, district, tmp_path):
    """The template as downloaded, with the example left in and two rows added, loads as is."""
    client.force_login(district.user("school_admin_a"))
    response = client.get(reverse("staff:import_template"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Педагоги"
    sheet = book["Педагоги"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["Фамилия *", "Имя *", "Отчество"] and "Должность *" in headers
    assert "Ф.И.О." not in headers and "Предмет(ы)" in headers and "Стаж пед." in headers
    lists = {cell.value for r in book["Списки"].iter_rows() for cell in r}
    assert {"Учитель", "Математика", "женский", "высшее педагогическое"} <= lists
    instructions = " ".join(str(c.value) for r in book["Инструкция"].iter_rows() for c in r if c.value)
    assert "«Ф.И.О.»" in instructions
    values = {
        "Фамилия *": "Зубайраева",
        "Имя *": "Хеда",
        "Отчество": "Ахмедовна",
        "Дата рождения": dt.datetime(1992, 4, 1),
        "СНИЛС": S1,
        "Должность *": "Учитель начальных классов",
        "Предмет(ы)": "Начальные классы",
        "Стаж пед.": "5",
    }
    sheet.append([values.get(h) for h in headers])
    path = tmp_path / "template.xlsx"
    book.save(path)
    context = ImportContext(user=district.user("school_admin_a"))
    analysis = engine.import_file(EDUCATOR_IMPORT, path, context)
    assert analysis.saved_counts["created"] == 1, analysis.errors
    assert any("пример из шаблона" in note for note in analysis.notes)
    educator = Educator.objects.get()
    assert educator.sex == Educator.Sex.FEMALE and educator.full_name == "Зубайраева Хеда Ахмедовна"


def test_upload_preview_commit_and_result_as_a_school_admin(client, district, upload):
    admin = district.user("school_admin_a")
    client.force_login(admin)
    page = client.get(reverse("staff:import"))
    assert page.status_code == 200 and "Скачать шаблон" in page.content.decode()
    rows = [row(), row(snils=S2, name="Петрова Анна Ивановна", position="Дворник")]
    # A school admin's form has no choice of organisation: a forged one is ignored.
    response = client.post(reverse("staff:import"), {"file": upload(rows), "scope": district.school_b.pk})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("staff:import_run", args=[run.pk])
    assert run.status == ImportRun.Status.READY
    preview = client.get(response["Location"]).content.decode()
    assert "Ошибки: 1" in preview and "Должность «Дворник» не найдена" in preview
    assert "Будет добавлена" in preview and "Иванова Мария Петровна" in preview
    client.post(reverse("staff:import_commit", args=[run.pk]))
    assert not Educator.objects.exists()  # all or nothing
    errors = client.get(reverse("staff:import_errors", args=[run.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(errors.content)).active
    assert "Должность" in sheet.cell(row=3, column=len(HEADER) + 1).value
    client.post(reverse("staff:import_commit", args=[run.pk]), {"valid_only": "1"})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert Employment.objects.get().organization == district.school_a
    result = client.get(reverse("staff:import_run", args=[run.pk])).content.decode()
    assert "Загрузка завершена" in result
    # The other school's admin sees none of it.
    client.force_login(district.user("school_admin_b"))
    for name in ("staff:import_run", "staff:import_errors", "staff:import_status"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    assert client.post(reverse("staff:import_commit", args=[run.pk])).status_code == 404


def test_office_must_choose_the_organisation(client, district, upload):
    client.force_login(district.user("methodist"))
    page = client.get(reverse("staff:import")).content.decode()
    assert "Организация, чей это список" in page and district.school_b.short_name in page
    response = client.post(reverse("staff:import"), {"file": upload([row()])}, follow=True)
    assert "Выберите организацию" in response.content.decode() and not ImportRun.objects.exists()
    outside = make_organization(parent=make_organization(kind="municipality"), short_name="Чужая")
    response = client.post(reverse("staff:import"), {"file": upload([row()]), "scope": outside.pk})
    assert response.status_code == 200 and not ImportRun.objects.exists()  # not among the choices
    response = client.post(reverse("staff:import"), {"file": upload([row()]), "scope": district.school_b.pk})
    run = ImportRun.objects.get()
    assert run.options == {"organization_id": district.school_b.pk}
    client.post(reverse("staff:import_commit", args=[run.pk]))
    assert Employment.objects.get().organization == district.school_b


def test_a_school_admin_of_two_schools_chooses(client, district, upload):
    second = make_organization(parent=district.municipality, short_name="Гимназия")
    admin = district.user("school_admin_a")
    Membership.objects.create(user=admin, organization=second, role=Role.SCHOOL_ADMIN)
    assert {pk for pk, _ in EDUCATOR_IMPORT.scope_choices(admin)} == {district.school_a.pk, second.pk}
    client.force_login(admin)
    response = client.post(reverse("staff:import"), {"file": upload([row()]), "scope": district.school_b.pk})
    assert response.status_code == 200 and "Выберите корректный вариант" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_large_files_run_as_background_jobs(client, district, upload, settings):
    from imo.core.jobs.testing import run_queued_jobs

    settings.IMO_IMPORT_BACKGROUND_ROWS = 2
    client.force_login(district.user("school_admin_a"))
    rows = [
        row(snils=s, name=f"Иванова {n} Петровна", birth="")
        for n, s in zip(("Анна", "Мария", "Зоя"), (S1, S2, S3), strict=True)
    ]
    client.post(reverse("staff:import"), {"file": upload(rows)})
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.QUEUED
    run_queued_jobs()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.READY and run.report["created"] == 3
    client.post(reverse("staff:import_commit", args=[run.pk]))
    run_queued_jobs()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and Educator.objects.count() == 3


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
    school = str(district.school_a.pk)
    good = tmp_path / "good.xlsx"
    good.write_bytes(files.xlsx([HEADER, row()]))
    code, out, _ = _command("educators", str(good), "--organization", school, "--json")
    assert code == 0
    assert json.loads(out) == {"rows": 1, "created": 1, "updated": 0, "unchanged": 0, "errors": []}
    code, out, _ = _command("educators", str(good), "--organization", school, "--json")
    assert code == 0 and json.loads(out)["unchanged"] == 1

    bad = tmp_path / "bad.csv"
    rows = [
        HEADER,
        row(snils=S2, name="Петрова Анна Ивановна"),
        row(snils="123", name="Сидорова Анна Ивановна"),
    ]
    bad.write_bytes(files.csv_bytes(rows, encoding="cp1251"))
    args = ("educators", str(bad), "--organization", school)
    code, out, _ = _command(*args, "--json")
    result = json.loads(out)
    assert code == 1 and result["errors"][0]["row"] == 3 and result["errors"][0]["column"] == "СНИЛС"
    assert not Educator.objects.filter(snils=S2).exists()
    code, out, _ = _command(*args, "--dry-run")
    assert code == 1 and "Проверка" in out
    code, out, _ = _command(*args, "--valid-only")
    assert code == 1 and Educator.objects.filter(snils=S2).exists()

    assert _command("educators", str(good))[0] == 2  # no --organization
    code, out, _ = _command("educators", str(good), "--organization", str(district.municipality.pk), "--json")
    assert code == 2 and "муниципалитет" in json.loads(out)["errors"][0]["message"]
    assert _command("educators", str(good), "--organization", "999999")[0] == 2
    assert Subject.objects.filter(name="Математика").exists()


def test_the_uploads_catalogues_and_schools_are_kept_until_they_change(district, head, monkeypatch):
    """An upload reads the positions, subjects and the user's schools once; a change shows in the next."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from imo.core import pagecache
    from imo.staff.imports import _reference, organizations_for

    pagecache.forget_own_writes()  # as a request after the setup's transaction would
    _reference(ImportContext(user=head))
    organizations_for(head)
    fresh = get_user_model().objects.get(pk=head.pk)  # the next request's user
    with CaptureQueriesContext(connection) as again:
        reference = _reference(ImportContext(user=fresh))
        schools = organizations_for(fresh)
    assert not again.captured_queries
    assert district.school_a.pk in {school.pk for school in schools} and reference.positions
    Position.objects.create(name="Тьютор по робототехнике")
    school = make_organization(parent=district.municipality, short_name="СОШ № 99")
    pagecache.forget_own_writes()
    monkeypatch.setattr(pagecache, "_in_transaction", lambda: False)
    pagecache.bump("reference", "orgs")
    fresh = get_user_model().objects.get(pk=head.pk)
    assert "Тьютор по робототехнике" in [p.name for p in _reference(ImportContext(user=fresh)).positions]
    assert school.pk in {o.pk for o in organizations_for(fresh)}
