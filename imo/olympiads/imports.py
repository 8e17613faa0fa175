"""Excel imports of the olympiads app (the registry autodiscovers this module).

«olympiad_students» (`imo import olympiad_students FILE`, «Загрузить из Excel» on the students list): the
students of a school for the current academic year. ФИО in one cell or in three columns, birth date, grade,
class letter; the school column is for the office (a school admin loads into their own school; an upload
form option gives the school for rows without one). A row is the same student as an existing one of the
same year and school with the same folded name (Student.name_key) and, when the row gives a birth date, the
same birth date or none recorded: re-importing the same file changes nothing. Rows are written by
`imo.olympiads.students.services.students_import_many`.

Other parts of the app declare their imports in their own modules, imported at the bottom.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Hashable, Iterable
from typing import Any

from django.core.exceptions import ValidationError

from imo.core.imports.registry import register
from imo.core.imports.spec import (
    Column,
    ColumnType,
    ImportContext,
    ImportSpec,
    Lookup,
    Progress,
    RowProblem,
)
from imo.core.names import PersonNameError, name_key, parse_full_name
from imo.olympiads.models import Student
from imo.olympiads.students.selectors import schools_visible_to
from imo.olympiads.students.services import STUDENT_FIELDS, students_import_many
from imo.orgs.models import Organization
from imo.reference.models import AcademicYear
from imo.reference.selectors import academic_year_current

STUDENT_IMPORT_PERMISSION = "olympiads.register"


def _check_name(value: str) -> None:
    try:
        parse_full_name(value)
    except PersonNameError as error:
        raise ValidationError(str(error)) from None


def _check_grade(value: int) -> None:
    if not 1 <= value <= 11:
        raise ValidationError("Класс — число от 1 до 11.")


def _school_options(context: ImportContext) -> Iterable[tuple[Any, list[str]]]:
    if "schools" not in context.cache:
        STUDENT_IMPORT.prepare(context)
    for school in context.cache["schools"]:
        yield school, [school.short_name, school.name]


class StudentImport(ImportSpec):
    kind = "olympiad_students"
    title = "Обучающиеся (олимпиады)"
    permission = STUDENT_IMPORT_PERMISSION
    url_base = "olympiads:student_import"
    sheet_name = "Обучающиеся"
    scope_label = "Школа для строк, где она не указана"
    columns = (
        Column(
            "full_name",
            "ФИО",
            aliases=(
                "Ф.И.О.",
                "Фамилия Имя Отчество",
                "Фамилия, имя, отчество",
                "ФИО обучающегося",
                "Ученик",
            ),
            validator=_check_name,
            max_length=300,
            example="Иванова Мария Петровна",
            help="Фамилия, имя и отчество в одной ячейке — или заполните три отдельных столбца.",
            width=32,
        ),
        Column("last_name", "Фамилия", max_length=100, width=18),
        Column("first_name", "Имя", max_length=100, width=16),
        Column("patronymic", "Отчество", max_length=100, width=18),
        Column(
            "birth_date",
            "Дата рождения",
            ColumnType.DATE,
            aliases=("Дата рожд.", "Д.р."),
            example="14.03.2012",
            help="Помогает отличить однофамильцев и найти ребёнка в списке следующего года.",
            width=14,
        ),
        Column(
            "grade",
            "Класс",
            ColumnType.INTEGER,
            required=True,
            aliases=("Класс обучения", "Параллель"),
            validator=_check_grade,
            example=7,
            help="Число от 1 до 11: в каком классе учится.",
            width=8,
        ),
        Column(
            "class_letter",
            "Литера",
            aliases=("Буква", "Литера класса", "Буква класса"),
            max_length=4,
            example="А",
            width=8,
        ),
        Column(
            "school",
            "Школа",
            aliases=("Образовательная организация", "ОО", "Наименование ОО"),
            lookup=Lookup(_school_options, noun="школа"),
            help="Для загрузки методистами по нескольким школам: краткое или полное наименование, как в "
            "системе. Администратор школы этот столбец не заполняет.",
            width=28,
        ),
    )

    # --- scope ------------------------------------------------------------------------------------

    def _schools(self, user: Any | None, organization_id: int | None) -> list[Organization]:
        if user is not None:
            return list(schools_visible_to(user=user, write=True))
        queryset = Organization.objects.filter(
            kind=Organization.Kind.SCHOOL, status=Organization.Status.ACTIVE
        ).order_by("short_name", "pk")
        if organization_id:
            root = Organization.objects.filter(pk=organization_id).first()
            queryset = queryset.filter(path__startswith=root.path) if root else queryset.none()
        return list(queryset)

    def scope_choices(self, user: Any) -> list[tuple[int, str]]:
        return [(school.pk, school.short_name) for school in self._schools(user, None)]

    def check_options(self, context: ImportContext) -> str:
        organization_id = context.options.get("organization_id")
        if organization_id and not Organization.objects.filter(pk=organization_id).exists():
            return f"Организация с кодом {organization_id} не найдена."
        if self._year(context) is None:
            return "Не заведён текущий учебный год: добавьте его в справочнике учебных лет."
        return ""

    @staticmethod
    def _year(context: ImportContext) -> AcademicYear | None:
        wanted = context.options.get("academic_year")
        if wanted:
            return AcademicYear.objects.filter(start_year=wanted).first()
        return academic_year_current() or AcademicYear.objects.order_by("-start_year").first()

    def prepare(self, context: ImportContext) -> None:
        organization_id = context.options.get("organization_id")
        schools = self._schools(context.user, organization_id)
        default = next((s for s in schools if s.pk == organization_id), None) if organization_id else None
        if default is None and len(schools) == 1:
            default = schools[0]
        context.cache.update(schools=schools, default_school=default, year=self._year(context))

    # --- rows -------------------------------------------------------------------------------------

    @staticmethod
    def _parts(values: dict[str, Any]) -> tuple[str, str, str] | None:
        if values.get("full_name"):
            try:
                name = parse_full_name(values["full_name"])
            except PersonNameError:
                return None
            return name.last_name, name.first_name, name.patronymic
        if values.get("last_name") and values.get("first_name"):
            return values["last_name"], values["first_name"], values.get("patronymic", "")
        return None

    def _school(self, context: ImportContext, values: dict[str, Any]) -> Organization | None:
        school: Organization | None = values.get("school") or context.cache.get("default_school")
        return school

    def keys(self, context: ImportContext, values: dict[str, Any]) -> list[tuple[str, str, Hashable]]:
        parts = self._parts(values)
        if parts is None:
            return []
        school = self._school(context, values)
        birth = values.get("birth_date")
        key = ("student", school.pk if school else None, name_key(*parts), birth.isoformat() if birth else "")
        column = "full_name" if values.get("full_name") else "last_name"
        return [(column, "тот же обучающийся", key)]

    def fetch(self, context: ImportContext, rows: list[dict[str, Any]]) -> None:
        year = context.cache.get("year")
        schools = context.cache.get("schools", [])
        by_name: dict[tuple[int, str], list[Student]] = {}
        if year is not None and schools:
            for student in Student.objects.filter(academic_year=year, school__in=schools).order_by("pk"):
                by_name.setdefault((student.school_id, student.name_key), []).append(student)
        context.cache["by_name"] = by_name

    def find(self, context: ImportContext, values: dict[str, Any]) -> Student | None:
        parts = self._parts(values)
        if parts is None:
            raise RowProblem(
                "full_name", "Укажите ФИО (одной ячейкой) или фамилию и имя в отдельных столбцах."
            )
        school = self._school(context, values)
        if school is None:
            if not context.cache.get("schools"):
                raise RowProblem("school", "Нет школы, в список которой вы можете загружать обучающихся.")
            raise RowProblem("school", "Укажите школу: вам доступны несколько.")
        candidates = context.cache["by_name"].get((school.pk, name_key(*parts)), [])
        birth = values.get("birth_date")
        if birth:
            candidates = [s for s in candidates if s.birth_date in (None, birth)]
        if len(candidates) > 1:
            raise RowProblem(
                "birth_date",
                "В списке школы несколько обучающихся с таким ФИО: укажите дату рождения, чтобы выбрать.",
            )
        return candidates[0] if candidates else None

    def complete(self, context: ImportContext, values: dict[str, Any], existing: Any | None) -> None:
        parts = self._parts(values)
        values.pop("full_name", None)
        if parts is not None:
            values["last_name"], values["first_name"] = parts[0], parts[1]
            if parts[2]:
                values["patronymic"] = parts[2]
        if "school" not in values or values.get("school") is None:
            values["school"] = self._school(context, values)

    def check(
        self, context: ImportContext, values: dict[str, Any], existing: Any | None
    ) -> Iterable[RowProblem]:
        if context.cache.get("year") is None:
            yield RowProblem(None, "Не заведён текущий учебный год.")

    def changes(
        self, context: ImportContext, existing: Any, values: dict[str, Any]
    ) -> dict[str, tuple[Any, Any]]:
        found: dict[str, tuple[Any, Any]] = {}
        for key in STUDENT_FIELDS:
            if key not in values:
                continue
            old, new = getattr(existing, key), values[key]
            if key == "class_letter":
                new = str(new).strip().upper()
            if old != new:
                found[key] = (old, new)
        return found

    def describe(self, values: dict[str, Any]) -> str:
        if values.get("full_name"):
            return str(values["full_name"])
        return " ".join(
            str(values.get(key) or "") for key in ("last_name", "first_name", "patronymic")
        ).strip()

    def example_rows(self, context: ImportContext) -> list[dict[str, Any]]:
        rows = super().example_rows(context)
        default = context.cache.get("default_school")
        if default is not None:
            rows[0]["school"] = default.short_name
        return rows

    def save(
        self,
        context: ImportContext,
        creates: list[dict[str, Any]],
        updates: list[tuple[Any, dict[str, Any]]],
        *,
        by: Any | None,
        progress: Progress,
    ) -> None:
        students_import_many(academic_year=context.cache["year"], creates=creates, updates=updates, by=by)


STUDENT_IMPORT = register(StudentImport())


# other parts' imports ------------------------------------------------------------------------------
# Each part of the app declares its ImportSpec in its own module; importing it here registers it. A part
# that has not been built yet is skipped (find_spec), so a missing module never breaks the registry.
for _module in ("imo.olympiads.registration.importing", "imo.olympiads.scoring.importing"):
    if importlib.util.find_spec(_module) is not None:
        importlib.import_module(_module)
