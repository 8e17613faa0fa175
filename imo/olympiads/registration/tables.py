"""The participation list (imo.core.tables): filters by stage, subject, school, grade, source and
confirmation; sorting; pages; Excel. The office sees its municipality, a school admin their school."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from imo.core.tables import ChoiceFilter, Column, SearchFilter, Table, label_order, russian
from imo.olympiads.models import OlympiadSubject, Participation
from imo.olympiads.registration import selectors


def _stages(table: Table) -> list[tuple[int, str]]:
    def compute() -> list[tuple[int, str]]:
        return [(stage.pk, str(stage)) for stage in selectors.stages_visible_to(user=table.user)]

    return table.cached("stages", compute)


def _subjects(table: Table) -> list[tuple[int, str]]:
    return list(OlympiadSubject.objects.order_by("order", "name").values_list("pk", "name"))


def _schools(table: Table) -> list[tuple[int, str]]:
    def compute() -> list[tuple[int, str]]:
        stages = selectors.stages_visible_to(user=table.user)
        if not stages:
            return []
        schools = selectors.schools_of_user(user=table.user, stage=stages[0])
        return [(school.pk, school.short_name or school.name) for school in schools]

    return table.cached("schools", compute)


def _grades(table: Table) -> list[tuple[int, str]]:
    return [(grade, f"{grade} класс") for grade in range(4, 12)]


def _teachers(row: Participation) -> str:
    return ", ".join(teacher.full_name for teacher in row.teachers.all())


class ParticipationTable(Table):
    columns = [
        Column(
            "student",
            "Обучающийся",
            display=lambda r: str(r.student),
            export=lambda r: str(r.student),
            sort=russian,
            sort_fields=("student__name_key",),
            hideable=False,
            width=36,
        ),
        Column(
            "school",
            "Школа",
            display=lambda r: r.student.school.short_name,
            export=lambda r: r.student.school.short_name,
            sort=russian,
            sort_fields=("student__school__short_name",),
            width=30,
        ),
        Column(
            "grade_enrolled",
            "Класс обучения",
            display=lambda r: r.student.grade,
            export=lambda r: r.student.grade,
            sort=True,
            sort_fields=("student__grade",),
            width=10,
        ),
        Column("grade", "Класс выполнения", sort=True, width=10),
        Column(
            "subject",
            "Предмет",
            display=lambda r: r.stage_subject.subject.name,
            export=lambda r: r.stage_subject.subject.name,
            sort=True,
            sort_fields=("stage_subject__subject__order", "stage_subject__subject__name"),
            width=24,
        ),
        Column(
            "stage",
            "Этап",
            display=lambda r: r.stage_subject.stage.get_level_display(),
            export=lambda r: r.stage_subject.stage.get_level_display(),
            width=16,
        ),
        Column("teachers", "Подготовившие педагоги", display=_teachers, export=_teachers, width=40),
        Column("source", "Источник", sort=label_order(Participation.Source.choices), width=24),
        Column(
            "confirmed",
            "Подтверждён",
            display=lambda r: "да" if r.confirmed else "нет",
            export=lambda r: "да" if r.confirmed else "нет",
            sort=True,
            width=12,
        ),
    ]
    filters = [
        SearchFilter("q", "Поиск", fields=("student__name_key",), placeholder="ФИО обучающегося"),
        ChoiceFilter("stage", "Этап", field="stage_subject__stage_id", choices=_stages, coerce=int),
        ChoiceFilter("subject", "Предмет", field="stage_subject__subject_id", choices=_subjects, coerce=int),
        ChoiceFilter(
            "school", "Школа", field="student__school_id", choices=_schools, coerce=int, min_choices=2
        ),
        ChoiceFilter("grade", "Класс выполнения", field="grade", choices=_grades, coerce=int),
        ChoiceFilter("source", "Источник", choices=Participation.Source.choices),
        ChoiceFilter(
            "confirmed",
            "Подтверждение",
            choices=[("1", "подтверждённые"), ("0", "ждут подтверждения")],
            method="filter_confirmed",
        ),
    ]
    default_sort = "student"
    noun = "участник,участника,участников"
    caption = "Участники олимпиады"
    export_url_name = "olympiads:participations_export"
    export_filename = "участники олимпиады"
    sheet_name = "Участники"
    empty_text = "Участников пока нет."
    empty_filtered_text = "Участников не найдено. Измените фильтры или сбросьте их."

    def filter_confirmed(self, queryset: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return queryset.filter(confirmed=value == "1")
