"""The registration list from Excel («olympiad_registration»; `imo import olympiad_registration FILE`).

Columns: ФИО, дата рождения (optional, tells namesakes apart), класс обучения (checked against the school's
list), класс выполнения (empty: the grade performed at the school stage at the municipal stage, else the
grade enrolled), предмет, педагоги (names separated by «;», matched to the school's current educators by
folded name — an unknown name is a warning, the row loads without it), школа (for the office).

The stage is the upload form's choice (scope: the stages of the user's seasons; the command line passes
its pk as the organisation option). A student is found among the school's students of the stage's year by
folded name (+ birth date when given): an unknown one is an error. A student already registered for the
subject, or twice in the file, is an error. Rows are written by `participation_register` (source
«загружен из файла»), so every registration rule applies.
"""

from __future__ import annotations

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
from imo.core.text import fold
from imo.olympiads.models import Participation, Stage, StageSubject, Student
from imo.olympiads.registration import selectors, services
from imo.orgs.models import Organization
from imo.staff.models import Educator

KIND = "olympiad_registration"
PERMISSION = "olympiads.register"


def _check_name(value: str) -> None:
    try:
        parse_full_name(value)
    except PersonNameError as error:
        raise ValidationError(str(error)) from None


def _check_grade(value: int) -> None:
    if not 1 <= value <= 11:
        raise ValidationError("Класс — число от 1 до 11.")


def _subject_options(context: ImportContext) -> Iterable[tuple[Any, list[str]]]:
    if "stage_subjects" not in context.cache:
        REGISTRATION_IMPORT.prepare(context)
    for stage_subject in context.cache["stage_subjects"]:
        names = [stage_subject.subject.name]
        if stage_subject.subject.short_name:
            names.append(stage_subject.subject.short_name)
        yield stage_subject, names


def _school_options(context: ImportContext) -> Iterable[tuple[Any, list[str]]]:
    if "schools" not in context.cache:
        REGISTRATION_IMPORT.prepare(context)
    for school in context.cache["schools"]:
        yield school, [school.short_name, school.name]


def _stage_label(stage: Stage) -> str:
    return f"{stage.get_level_display().capitalize()} этап, {stage.season.academic_year}"


class RegistrationImport(ImportSpec):
    kind = KIND
    title = "Участники олимпиады (регистрация)"
    permission = PERMISSION
    url_base = "olympiads:registration_import"
    sheet_name = "Участники"
    scope_label = "Этап олимпиады"
    row_number_key = "_row"
    columns = (
        Column(
            "full_name",
            "ФИО",
            required=True,
            aliases=("Ф.И.О.", "ФИО обучающегося", "ФИО участника", "Участник", "Фамилия Имя Отчество"),
            validator=_check_name,
            max_length=300,
            example="Иванова Мария Петровна",
            help="Как в списке обучающихся школы.",
            width=32,
        ),
        Column(
            "birth_date",
            "Дата рождения",
            ColumnType.DATE,
            aliases=("Дата рожд.", "Д.р."),
            help="Нужна, если в школе есть однофамильцы с тем же именем и отчеством.",
            width=14,
        ),
        Column(
            "grade_enrolled",
            "Класс обучения",
            ColumnType.INTEGER,
            aliases=("Класс", "Класс (обучения)"),
            validator=_check_grade,
            example=7,
            help="В каком классе учится (для сверки со списком школы).",
            width=10,
        ),
        Column(
            "grade",
            "Класс выполнения",
            ColumnType.INTEGER,
            aliases=("Класс выполнения заданий", "За какой класс выполняет", "Класс участия"),
            validator=_check_grade,
            example=8,
            help="За какой класс выполняет задания: свой или старший. Пусто — свой класс (на муниципальном "
            "этапе — класс, за который выполнял задания на школьном).",
            width=12,
        ),
        Column(
            "stage_subject",
            "Предмет",
            required=True,
            aliases=("Предмет олимпиады",),
            lookup=Lookup(_subject_options, noun="предмет этапа"),
            example="Математика",
            width=24,
        ),
        Column(
            "teachers",
            "Педагоги",
            aliases=("Подготовившие педагоги", "Учитель", "Учителя", "Наставник", "ФИО педагога"),
            max_length=1000,
            example="Петрова Анна Ивановна; Ахмадов Ислам Русланович",
            help="Подготовившие педагоги школы, ФИО через «;».",
            width=40,
        ),
        Column(
            "school",
            "Школа",
            aliases=("Образовательная организация", "ОО"),
            lookup=Lookup(_school_options, noun="школа"),
            help="Заполняют методисты ИМО; администратор школы оставляет пустым.",
            width=28,
        ),
    )

    # --- scope ------------------------------------------------------------------------------------

    def _stages(self, user: Any | None) -> list[Stage]:
        if user is None:
            return list(
                Stage.objects.select_related("season__academic_year", "season__municipality").order_by(
                    "-season__academic_year__start_year", "starts_on"
                )
            )
        return selectors.stages_visible_to(user=user)

    def scope_choices(self, user: Any) -> list[tuple[int, str]]:
        stages = self._stages(user)
        if stages:  # the current season's stages
            current = stages[0].season_id
            stages = [s for s in stages if s.season_id == current]
        return [(stage.pk, _stage_label(stage)) for stage in stages]

    def check_options(self, context: ImportContext) -> str:
        if self._stage(context) is None:
            return "Не выбран этап олимпиады (или он вам недоступен)."
        return ""

    def _stage(self, context: ImportContext) -> Stage | None:
        stages = self._stages(context.user)
        wanted = context.options.get("organization_id") or context.options.get("stage_id")
        if wanted:
            return next((s for s in stages if s.pk == int(wanted)), None)
        if context.user is None:
            return None
        current = [s for s in stages if stages and s.season_id == stages[0].season_id]
        return current[0] if len(current) == 1 else None

    def prepare(self, context: ImportContext) -> None:
        stage = self._stage(context)
        stage_subjects = selectors.stage_subjects_of(stage) if stage else []
        schools: list[Organization] = []
        if stage is not None:
            if context.user is None:
                schools = list(
                    Organization.objects.filter(
                        path__startswith=stage.season.municipality.path, kind=Organization.Kind.SCHOOL
                    ).order_by("short_name", "pk")
                )
            else:
                schools = list(selectors.schools_of_user(user=context.user, stage=stage))
        context.cache.update(
            stage=stage,
            stage_subjects=stage_subjects,
            schools=schools,
            default_school=schools[0] if len(schools) == 1 else None,
        )

    # --- rows -------------------------------------------------------------------------------------

    @staticmethod
    def _key(values: dict[str, Any]) -> str:
        try:
            parsed = parse_full_name(values.get("full_name", ""))
        except PersonNameError:
            return ""
        return name_key(parsed.last_name, parsed.first_name, parsed.patronymic)

    def _school(self, context: ImportContext, values: dict[str, Any]) -> Organization | None:
        school: Organization | None = values.get("school") or context.cache.get("default_school")
        return school

    def keys(self, context: ImportContext, values: dict[str, Any]) -> list[tuple[str, str, Hashable]]:
        key = self._key(values)
        stage_subject = values.get("stage_subject")
        if not key or stage_subject is None:
            return []
        school = self._school(context, values)
        birth = values.get("birth_date")
        identity = (school.pk if school else None, key, birth.isoformat() if birth else "", stage_subject.pk)
        return [("full_name", "тот же обучающийся на тот же предмет", identity)]

    def fetch(self, context: ImportContext, rows: list[dict[str, Any]]) -> None:
        stage: Stage | None = context.cache.get("stage")
        schools = context.cache.get("schools", [])
        by_name: dict[tuple[int, str], list[Student]] = {}
        taken: set[tuple[int, int]] = set()
        kept: dict[tuple[int, int], int] = {}
        educators: dict[int, list[Educator]] = {}
        if stage is not None and schools:
            students = Student.objects.filter(
                academic_year_id=stage.season.academic_year_id, school__in=schools
            ).select_related("school")
            for student in students.order_by("pk"):
                by_name.setdefault((student.school_id, student.name_key), []).append(student)
            taken = set(
                Participation.objects.filter(
                    stage_subject__stage=stage, student__school__in=schools
                ).values_list("student_id", "stage_subject_id")
            )
            if stage.level == Stage.Level.MUNICIPAL:
                for student_id, subject_id, grade in Participation.objects.filter(
                    stage_subject__stage__season_id=stage.season_id,
                    stage_subject__stage__level=Stage.Level.SCHOOL,
                    student__school__in=schools,
                ).values_list("student_id", "stage_subject__subject_id", "grade"):
                    kept[(student_id, subject_id)] = grade
            for school in schools:
                if any(school.pk == row_school.pk for row_school in self._row_schools(context, rows)):
                    educators[school.pk] = list(selectors.school_educators(school))
        context.cache.update(by_name=by_name, taken=taken, kept=kept, educators=educators)

    def _row_schools(self, context: ImportContext, rows: list[dict[str, Any]]) -> list[Organization]:
        found = {id(school): school for row in rows if (school := self._school(context, row)) is not None}
        return list(found.values())

    def _student(self, context: ImportContext, values: dict[str, Any]) -> Student:
        school = self._school(context, values)
        if school is None:
            if not context.cache.get("schools"):
                raise RowProblem("school", "Нет школы, участников которой вы можете регистрировать.")
            raise RowProblem("school", "Укажите школу: вам доступны несколько.")
        candidates = context.cache["by_name"].get((school.pk, self._key(values)), [])
        birth = values.get("birth_date")
        if birth:
            candidates = [s for s in candidates if s.birth_date in (None, birth)]
        if not candidates:
            raise RowProblem(
                "full_name",
                f"«{values.get('full_name', '')}» нет в списке обучающихся школы «{school.short_name}» этого "
                "учебного года. Проверьте ФИО или сначала добавьте обучающегося в список школы.",
            )
        if len(candidates) > 1:
            raise RowProblem(
                "birth_date",
                "В школе несколько обучающихся с таким ФИО: укажите дату рождения, чтобы выбрать.",
            )
        return candidates[0]

    def find(self, context: ImportContext, values: dict[str, Any]) -> Any | None:
        if context.cache.get("stage") is None:
            raise RowProblem(None, "Не выбран этап олимпиады.")
        student = self._student(context, values)
        stage_subject: StageSubject = values["stage_subject"]
        if (student.pk, stage_subject.pk) in context.cache["taken"]:
            raise RowProblem(
                "stage_subject", f"{student} уже зарегистрирован на «{stage_subject.subject}» этого этапа."
            )
        return None

    def _teachers(self, context: ImportContext, values: dict[str, Any]) -> tuple[list[Educator], list[str]]:
        school = self._school(context, values)
        known = context.cache["educators"].get(school.pk, []) if school else []
        by_key: dict[str, list[Educator]] = {}
        for educator in known:
            by_key.setdefault(educator.name_key, []).append(educator)
        found: list[Educator] = []
        missing: list[str] = []
        for part in str(values.get("teachers") or "").split(";"):
            name = part.strip()
            if not name:
                continue
            matches = by_key.get(fold(name), [])
            if len(matches) == 1:
                if matches[0] not in found:
                    found.append(matches[0])
            else:
                missing.append(name)
        return found, missing

    def complete(self, context: ImportContext, values: dict[str, Any], existing: Any | None) -> None:
        student = self._student(context, values)
        values["_student"] = student
        if values.get("grade") is None:
            stage_subject: StageSubject = values["stage_subject"]
            kept = context.cache["kept"].get((student.pk, stage_subject.subject_id))
            values["grade"] = kept if kept is not None else student.grade

    def check(
        self, context: ImportContext, values: dict[str, Any], existing: Any | None
    ) -> Iterable[RowProblem]:
        student: Student = values["_student"]
        stage_subject: StageSubject = values["stage_subject"]
        closed = services.registration_closed_message(stage_subject)
        if closed:
            yield RowProblem("stage_subject", closed)
        kept = context.cache["kept"].get((student.pk, stage_subject.subject_id))
        for message in services.grade_errors(
            stage_subject=stage_subject, student=student, grade=values.get("grade"), kept_grade=kept
        ):
            yield RowProblem("grade", message)

    def warnings(
        self, context: ImportContext, values: dict[str, Any], existing: Any | None
    ) -> Iterable[RowProblem]:
        student: Student = values["_student"]
        enrolled = values.get("grade_enrolled")
        if enrolled is not None and enrolled != student.grade:
            yield RowProblem(
                "grade_enrolled",
                f"В списке школы {student} учится в {student.grade} классе, а в файле — {enrolled}: "
                f"учитывается {student.grade}.",
            )
        _, missing = self._teachers(context, values)
        if missing:
            yield RowProblem(
                "teachers",
                "Не найдены среди педагогов школы: " + ", ".join(missing) + ". Участник будет "
                "зарегистрирован без них; добавьте педагогов на странице регистрации.",
            )

    def changes(
        self, context: ImportContext, existing: Any, values: dict[str, Any]
    ) -> dict[str, tuple[Any, Any]]:
        return {}

    def describe(self, values: dict[str, Any]) -> str:
        stage_subject = values.get("stage_subject")
        name = str(values.get("full_name") or "")
        return f"{name} — {stage_subject.subject}" if stage_subject is not None else name

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
        total = len(creates) or 1
        for number, values in enumerate(creates, start=1):
            teachers, _ = self._teachers(context, values)
            services.participation_register(
                stage_subject=values["stage_subject"],
                student=values["_student"],
                grade=values["grade"],
                teachers=teachers,
                by=by,
                source=Participation.Source.IMPORTED,
            )
            if number % 50 == 0:
                progress(int(number * 100 / total), f"Зарегистрировано {number} из {len(creates)}")


REGISTRATION_IMPORT = register(RegistrationImport())
