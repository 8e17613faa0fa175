"""The import framework with a small declaration of its own (auth groups as the stored objects)."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from imo.core.imports import engine
from imo.core.imports.spec import Column, ColumnType, ImportContext, ImportSpec, Lookup, RowProblem, name_key
from imo.core.imports.tests import files
from imo.core.imports.workbooks import write_error_copy, write_template

HEADERS = [
    "Название",
    "Код",
    "Дата",
    "Действует",
    "Вид",
    "Основная группа",
    "Сумма",
    "Эл. почта",
    "Сайт",
    "Количество",
]


def _code(value):
    if value.startswith("0000"):
        raise ValidationError("Код 0000 не выдаётся.")


def _groups(context):
    for group in Group.objects.order_by("pk"):
        yield group, [group.name]


class GroupImport(ImportSpec):
    kind = "test-groups"
    title = "Группы"
    permission = "auth.add_group"
    columns = (
        Column(
            "name",
            "Название",
            required=True,
            aliases=("Наименование группы",),
            max_length=150,
            example="Пример",
        ),
        Column("code", "Код", ColumnType.DIGITS, digits=(4,), validator=_code, example="0123"),
        Column("day", "Дата", ColumnType.DATE, example=dt.date(2025, 9, 1)),
        Column("active", "Действует", ColumnType.BOOLEAN, example="да"),
        Column(
            "kind",
            "Вид",
            ColumnType.CHOICE,
            choices=(("a", "Первый"), ("b", "Второй")),
            choice_aliases=(("1-й", "a"),),
        ),
        Column("main", "Основная группа", lookup=Lookup(_groups, noun="группа")),
        Column("amount", "Сумма", ColumnType.DECIMAL),
        Column("email", "Эл. почта", ColumnType.EMAIL, aliases=("E-mail",)),
        Column("site", "Сайт", ColumnType.URL),
        Column("count", "Количество", ColumnType.INTEGER),
    )
    fail_after: int | None = None

    def keys(self, context, values):
        return [("name", "то же название", ("name", name_key(values["name"])))] if values.get("name") else []

    def fetch(self, context, rows):
        context.cache["existing"] = {name_key(g.name): g for g in Group.objects.all()}

    def find(self, context, values):
        if values.get("name") == "Запрещённая":
            raise RowProblem("name", "Такую группу создавать нельзя.")
        return context.cache["existing"].get(name_key(values["name"]))

    def changes(self, context, existing, values):
        return {"name": (existing.name, values["name"])} if existing.name != values["name"] else {}

    def warnings(self, context, values, existing):
        if values["name"].startswith("Похожая"):
            yield RowProblem("code", "Похоже на другую группу: проверьте.", url="/groups/", url_text="Группы")

    def save(self, context, creates, updates, *, by, progress):
        for number, values in enumerate(creates, start=1):
            if self.fail_after is not None and number > self.fail_after:
                raise RuntimeError("disk full")
            Group.objects.create(name=values["name"])
        for group, changes in updates:
            group.name = changes["name"]
            group.save()


@pytest.fixture
def spec():
    return GroupImport()


@pytest.fixture
def path(tmp_path):
    def write(rows, name="groups.xlsx", maker=files.xlsx):
        target = tmp_path / name
        target.write_bytes(maker(rows))
        return target

    return write


def _context():
    return ImportContext(user=None)


@pytest.mark.django_db
def test_every_column_type_is_normalised(spec, path):
    Group.objects.create(name="Старшая")
    row = [
        "  Новая   группа ",
        123.0,
        "01.09.2025",
        "да",
        "1-й",
        "старшая",
        "12,50",
        "Info@Example.ru",
        "example.ru",
        3.0,
    ]
    analysis = engine.analyse_file(spec, path([HEADERS, row]), _context())
    assert not analysis.has_errors, analysis.errors
    values = analysis.rows[0].values
    assert values["name"] == "Новая группа"
    assert values["code"] == "0123"  # the leading zero Excel dropped is back
    assert values["day"] == dt.date(2025, 9, 1)
    assert values["active"] is True
    assert values["kind"] == "a"
    assert values["main"].name == "Старшая"
    assert values["amount"] == Decimal("12.50")
    assert values["email"] == "Info@Example.ru"
    assert values["site"] == "https://example.ru"
    assert values["count"] == 3
    assert analysis.rows[0].action == engine.CREATE


@pytest.mark.django_db
def test_every_problem_has_its_row_column_and_a_russian_message(spec, path):
    rows = [
        HEADERS,
        [
            "",
            "0000",
            "31.02.2025",
            "может быть",
            "Третий",
            "Нет такой",
            "много",
            "не почта",
            "не сайт",
            "2,5",
        ],
        ["Группа", "", "", "", "", "", "", "", "", ""],
        ["группа", "", "", "", "", "", "", "", "", ""],
        ["Запрещённая", "", "", "", "", "", "", "", "", ""],
    ]
    analysis = engine.analyse_file(spec, path(rows), _context())
    found = {(p.row, p.column): p.message for p in analysis.errors}
    assert found[(2, "Название")] == "Обязательная ячейка не заполнена."
    assert found[(2, "Код")] == "Код 0000 не выдаётся."
    assert "Такой даты нет" in found[(2, "Дата")]
    assert "да" in found[(2, "Действует")]
    assert "«Первый», «Второй»" in found[(2, "Вид")]
    assert "не найден" in found[(2, "Основная группа")]
    assert "число" in found[(2, "Сумма")]
    assert "почты" in found[(2, "Эл. почта")]
    assert "сайта" in found[(2, "Сайт")]
    assert "целое число" in found[(2, "Количество")]
    assert found[(4, "Название")] == "Повторяет строку 3: то же название."
    assert found[(5, "Название")] == "Такую группу создавать нельзя."
    cells = {p.cell for p in analysis.errors if p.row == 2}
    assert "B2" in cells and "J2" in cells
    assert [row.action for row in analysis.rows] == [engine.ERROR, engine.CREATE, engine.ERROR, engine.ERROR]


@pytest.mark.django_db
def test_missing_and_doubled_columns_stop_the_file(spec, path):
    analysis = engine.analyse_file(spec, path([["Код", "Код", "Прочее"], ["1", "2", "3"]]), _context())
    messages = [p.message for p in analysis.problems]
    assert any("нет обязательного столбца «Название»" in m for m in messages)
    assert any("встречается дважды" in m for m in messages)
    assert analysis.rows == []


@pytest.mark.django_db
def test_all_or_nothing_by_default_and_valid_rows_when_asked(spec, path):
    file = path([HEADERS[:1], ["Первая"], ["Запрещённая"], ["Вторая"]])
    analysis = engine.import_file(spec, file, _context())
    assert not analysis.saved and Group.objects.count() == 0
    analysis = engine.import_file(spec, file, _context(), valid_only=True)
    assert analysis.saved and analysis.saved_counts == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
    }
    assert sorted(Group.objects.values_list("name", flat=True)) == ["Вторая", "Первая"]
    # Importing the same file again changes nothing.
    again = engine.import_file(spec, file, _context(), valid_only=True)
    assert again.saved_counts == {"created": 0, "updated": 0, "unchanged": 2, "skipped": 1}
    assert Group.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_saving_saves_nothing(spec, path):
    spec.fail_after = 2
    with pytest.raises(RuntimeError):
        engine.import_file(spec, path([HEADERS[:1], ["А"], ["Б"], ["В"]]), _context())
    assert Group.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_saves_nothing(spec, path):
    analysis = engine.import_file(spec, path([HEADERS[:1], ["А"]]), _context(), dry_run=True)
    assert analysis.summary() == {"rows": 1, "created": 1, "updated": 0, "unchanged": 0, "errors": []}
    assert Group.objects.count() == 0


@pytest.mark.django_db
def test_the_template_example_row_left_in_place_is_skipped(spec, path):
    rows = [HEADERS[:4], ["Пример", "0123", dt.date(2025, 9, 1), "да"], ["Настоящая", "", "", ""]]
    analysis = engine.analyse_file(spec, path(rows), _context())
    assert [row.values["name"] for row in analysis.rows] == ["Настоящая"]
    assert any("пример из шаблона" in note for note in analysis.notes)


@pytest.mark.django_db
def test_unreadable_file_is_fatal_not_an_exception(spec, tmp_path):
    target = tmp_path / "x.xlsx"
    target.write_bytes(files.password_protected_xlsx())
    analysis = engine.analyse_file(spec, target, _context())
    assert "паролем" in analysis.fatal
    assert analysis.summary()["errors"][0]["message"] == analysis.fatal


@pytest.mark.django_db
def test_template_has_headers_example_drop_downs_and_instructions(spec):
    Group.objects.create(name="Старшая")
    book = openpyxl.load_workbook(io.BytesIO(write_template(spec, _context())))
    assert book.sheetnames == ["Данные", "Списки", "Инструкция"]
    sheet = book["Данные"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[0] == "Название *" and headers[1] == "Код"
    assert sheet["A2"].value == "Пример"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > 0
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert "'Списки'!$A$1:$A$2" in validations["E2"]  # Вид: Первый, Второй
    assert "'Списки'!$B$1:$B$1" in validations["F2"]  # groups this user may choose
    assert [c.value for c in book["Списки"]["A"]] == ["Первый", "Второй"]
    assert book["Списки"].sheet_state == "hidden"
    instructions = [row[0] for row in book["Инструкция"].iter_rows(values_only=True)]
    assert "Эл. почта" in instructions
    # The template itself imports cleanly: its example row is recognised and skipped.


@pytest.mark.django_db
def test_error_copy_keeps_rows_in_place_and_adds_an_error_column(spec, path):
    rows = [["Список групп"], HEADERS[:3], ["Хорошая", "0123", dt.date(2025, 1, 2)], ["", "0000", "завтра"]]
    file = path(rows)
    analysis = engine.analyse_file(spec, file, _context())
    content = write_error_copy(spec, file, analysis.report(spec))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[2]] == ["Название", "Код", "Дата", "Ошибки"]
    assert sheet["A3"].value == "Хорошая" and sheet["D3"].value is None
    assert sheet["C3"].value == dt.datetime(2025, 1, 2)  # dates stay dates
    assert "Название: Обязательная ячейка не заполнена." in sheet["D4"].value
    assert "Дата:" in sheet["D4"].value
    assert sheet["B4"].fill.fgColor.rgb.endswith("F8D7DA")


# --- warnings ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_warnings_are_shown_on_their_row_and_column_and_never_block(spec, path):
    rows = [HEADERS[:2], ["Похожая", "0123"], ["Обычная", ""], ["Похожая с ошибкой", "0000"]]
    analysis = engine.analyse_file(spec, path(rows), _context())
    [warning] = analysis.warnings  # asked only for rows without errors
    assert (warning.row, warning.column, warning.cell) == (2, "Код", "B2")
    assert (warning.url, warning.url_text) == ("/groups/", "Группы")
    assert [row.action for row in analysis.rows] == [engine.CREATE, engine.CREATE, engine.ERROR]
    assert [p.row for p in analysis.errors] == [4]  # a warning is no error
    report = analysis.report(spec)
    assert report["warned"] == 1 and report["invalid"] == 1
    assert report["warnings"] == [
        {
            "row": 2,
            "column": "Код",
            "message": "Похоже на другую группу: проверьте.",
            "cell": "B2",
            "url": "/groups/",
            "url_text": "Группы",
        }
    ]
    assert "url" not in report["errors"][0]  # errors keep their shape
    engine.commit_analysis(spec, analysis, _context(), valid_only=True)
    assert analysis.saved_counts["created"] == 2 and Group.objects.filter(name="Похожая").exists()


@pytest.mark.django_db
def test_a_file_with_only_warnings_loads_all_or_nothing_and_the_json_lists_them(spec, path):
    file = path([HEADERS[:1], ["Похожая"], ["Обычная"]])
    analysis = engine.import_file(spec, file, _context())
    assert not analysis.has_errors and analysis.saved and Group.objects.count() == 2
    assert analysis.summary() == {
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
        "warnings": [{"row": 2, "column": "Код", "message": "Похоже на другую группу: проверьте."}],
    }
    # The column of a warning may be missing from the file: its template header names it, no cell.
    assert analysis.warnings[0].cell == ""


@pytest.mark.django_db
def test_error_copy_carries_warnings_in_their_own_column(spec, path):
    file = path([HEADERS[:2], ["Похожая", "0123"], ["", "0123"]])
    report = engine.analyse_file(spec, file, _context()).report(spec)
    sheet = openpyxl.load_workbook(io.BytesIO(write_error_copy(spec, file, report))).active
    assert [c.value for c in sheet[1]] == ["Название", "Код", "Ошибки", "Предупреждения"]
    assert sheet["D2"].value == "Код: Похоже на другую группу: проверьте." and sheet["C2"].value is None
    assert sheet["B2"].fill.fgColor.rgb.endswith("FFF3CD")
    assert "Обязательная" in sheet["C3"].value and sheet["D3"].value is None
    assert sheet["A3"].fill.fgColor.rgb.endswith("F8D7DA")
    # Reports kept before warnings existed have no such key: no column.
    del report["warnings"], report["warned"]
    sheet = openpyxl.load_workbook(io.BytesIO(write_error_copy(spec, file, report))).active
    assert [c.value for c in sheet[1]] == ["Название", "Код", "Ошибки"]


# --- the fast paths for e-mail and web addresses agree with Django's validators -----------------


@settings(max_examples=300, deadline=None)
@given(st.from_regex(engine._PLAIN_EMAIL, fullmatch=True).filter(lambda v: len(v) <= 254))
def test_plain_email_pattern_accepts_only_what_django_accepts(value: str) -> None:
    engine._EMAIL_VALIDATOR(value)  # raises ValidationError if the fast path were too lenient


@settings(max_examples=300, deadline=None)
@given(st.from_regex(engine._PLAIN_URL, fullmatch=True).filter(lambda v: len(v) <= 253))
def test_plain_url_pattern_accepts_only_what_django_accepts(value: str) -> None:
    engine._URL_VALIDATOR(value)


@pytest.mark.parametrize(
    "value",
    ["school1@example.ru", "a.b+c@mail.example.com", "ivanova_m@sch-12.chechnya.ru"],
)
def test_plain_email_pattern_takes_common_addresses(value: str) -> None:
    assert engine._PLAIN_EMAIL.fullmatch(value)


@pytest.mark.parametrize(
    "value",
    ["https://school1.example.ru", "http://sch-12.edu.ru/about?x=1", "https://kurchaloy.ru/"],
)
def test_plain_url_pattern_takes_common_addresses(value: str) -> None:
    assert engine._PLAIN_URL.fullmatch(value)
