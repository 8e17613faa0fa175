"""The results of an online stage subject from «Сириус.Курсы» (issue #7, item 4): kind
"olympiad_sirius_results", page olympiads:scoring_sirius (?subject=<stage subject pk>).

The platform's files name their columns in several ways («Балл», «Итоговый балл», «Сумма баллов»…): the
aliases below accept them. A row is matched to a confirmed participation of the chosen stage subject by the
folded surname and name (and patronymic when given) and the grade; when that still leaves several, by the
school as written. A row that finds nobody, or a score that is text, negative or above the grade's maximum,
is an error on its row and column; a file without a score column is refused as a whole. The commit writes
the scores straight to the participations (online subjects have no codes) and marks the subject scored
(`imo.olympiads.scoring.services.online_scores_save`).

Registered here (`register`) and imported at the bottom of `imo/olympiads/imports.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from decimal import Decimal
from typing import Any

from imo.core.imports.registry import register
from imo.core.imports.spec import (
    Column,
    ColumnType,
    ImportContext,
    ImportSpec,
    Progress,
    RowProblem,
    name_key,
)
from imo.core.names import PersonNameError, parse_full_name
from imo.core.text import fold
from imo.olympiads.models import GradeSetting, Participation, StageSubject
from imo.olympiads.scoring.services import parse_score, score_bounds_message

SUBJECT = "stage_subject_id"


def _person(values: dict[str, Any]) -> tuple[str, str, str]:
    """(last, first, patronymic) folded, from the split columns or from «ФИО»."""
    last, first, patronymic = (
        fold(values.get(key) or "") for key in ("last_name", "first_name", "patronymic")
    )
    if (not last or not first) and values.get("full_name"):
        try:
            name = parse_full_name(str(values["full_name"]))
        except PersonNameError:
            parts = str(values["full_name"]).split()
            return (
                fold(parts[0]) if parts else "",
                fold(parts[1]) if len(parts) > 1 else "",
                fold(" ".join(parts[2:])),
            )
        return fold(name.last_name), fold(name.first_name), fold(name.patronymic or "")
    return last, first, patronymic


class SiriusResultsImport(ImportSpec):
    kind = "olympiad_sirius_results"
    title = "Результаты олимпиады из «Сириус.Курсы»"
    permission = "olympiads.manage_scoring"
    url_base = "olympiads:scoring_sirius"
    columns = (
        Column("login", "Логин", aliases=("Логин участника", "Login", "Идентификатор"), width=16),
        Column("last_name", "Фамилия", aliases=("Фамилия участника",), example="Иванова"),
        Column("first_name", "Имя", aliases=("Имя участника",), example="Мария"),
        Column("patronymic", "Отчество", aliases=("Отчество участника",), example="Петровна"),
        Column(
            "full_name",
            "ФИО",
            aliases=("Фамилия Имя Отчество", "Участник", "ФИО участника"),
            help="Можно вместо столбцов «Фамилия», «Имя», «Отчество».",
            width=32,
        ),
        Column(
            "grade",
            "Класс",
            ColumnType.INTEGER,
            required=True,
            aliases=("Класс участия", "Класс, за который выполнялись задания", "Параллель"),
            example=7,
            width=8,
        ),
        Column(
            "school",
            "Школа",
            aliases=("Образовательная организация", "Наименование ОО", "ОО", "Организация"),
            example="СОШ № 1",
            width=32,
        ),
        Column(
            "score",
            "Балл",
            required=True,
            aliases=("Итоговый балл", "Сумма баллов", "Баллы", "Результат", "Итого", "Итоговый результат"),
            example="23,5",
            help="Число от 0 до максимального балла класса.",
            width=10,
        ),
    )
    sheet_name = "Результаты"

    def check_options(self, context: ImportContext) -> str:
        if not context.options.get(SUBJECT):
            return "Выберите предмет этапа, результаты которого в файле."
        return ""

    def prepare(self, context: ImportContext) -> None:
        stage_subject = (
            StageSubject.objects.filter(pk=context.options.get(SUBJECT) or 0, online=True)
            .select_related("subject")
            .first()
        )
        context.cache["stage_subject"] = stage_subject
        index: dict[tuple[str, str, int], list[Participation]] = defaultdict(list)
        maxima: dict[int, Decimal] = {}
        if stage_subject is not None:
            for participation in Participation.objects.filter(
                stage_subject=stage_subject, confirmed=True
            ).select_related("student", "student__school"):
                student = participation.student
                index[(fold(student.last_name), fold(student.first_name), participation.grade)].append(
                    participation
                )
            maxima = {s.grade: s.max_score for s in GradeSetting.objects.filter(stage_subject=stage_subject)}
        context.cache["index"] = index
        context.cache["maxima"] = maxima

    def keys(self, context: ImportContext, values: dict[str, Any]) -> list[tuple[str, str, Hashable]]:
        last, first, patronymic = _person(values)
        if not last:
            return []
        school = name_key(values.get("school") or "")
        return [("last_name", "тот же участник", (last, first, patronymic, values.get("grade"), school))]

    def find(self, context: ImportContext, values: dict[str, Any]) -> Any | None:
        if context.cache.get("stage_subject") is None:
            raise RowProblem(None, "Не выбран предмет этапа с результатами на платформе «Сириус.Курсы».")
        last, first, patronymic = _person(values)
        if not last or not first:
            raise RowProblem("last_name", "Укажите фамилию и имя участника (или столбец «ФИО»).")
        grade = values.get("grade")
        candidates = list(context.cache["index"].get((last, first, grade), []))
        if patronymic:
            candidates = [p for p in candidates if fold(p.student.patronymic) in ("", patronymic)]
        school = name_key(values.get("school") or "")
        if len(candidates) > 1 and school:
            candidates = [
                p
                for p in candidates
                if school in (name_key(p.student.school.name), name_key(p.student.school.short_name))
                or school in name_key(p.student.school.name)
            ]
        if not candidates:
            raise RowProblem(
                "last_name",
                f"Участник не найден среди зарегистрированных на этот предмет ({grade} класс). "
                "Проверьте фамилию, имя и класс или зарегистрируйте участника.",
            )
        if len(candidates) > 1:
            raise RowProblem(
                "last_name",
                "Под этой фамилией и именем в классе несколько участников: укажите отчество или школу.",
            )
        participation = candidates[0]
        maximum = context.cache["maxima"].get(participation.grade)
        if maximum is None:
            raise RowProblem("grade", f"Для {participation.grade} класса не задан максимальный балл.")
        try:
            score = parse_score(values.get("score"))
        except ValueError:
            score = None
            bad = True
        else:
            bad = score is None or score < 0 or score > maximum or score != score.quantize(Decimal("0.01"))
        if bad:
            raise RowProblem("score", score_bounds_message(maximum))
        values["score"] = score
        return participation

    def changes(
        self, context: ImportContext, existing: Any, values: dict[str, Any]
    ) -> dict[str, tuple[Any, Any]]:
        if existing.score == values["score"] and not existing.absent:
            return {}
        return {"score": (existing.score, values["score"])}

    def describe(self, values: dict[str, Any]) -> str:
        last, first, _ = _person(values)
        name = values.get("full_name") or " ".join(
            str(values.get(key) or "") for key in ("last_name", "first_name", "patronymic")
        )
        return f"{name.strip() or (last + ' ' + first).strip()}, {values.get('grade')} класс"

    def save(
        self,
        context: ImportContext,
        creates: list[dict[str, Any]],
        updates: list[tuple[Any, dict[str, Any]]],
        *,
        by: Any | None,
        progress: Progress,
    ) -> None:
        from imo.olympiads.scoring.services import online_scores_save

        online_scores_save(
            stage_subject=context.cache["stage_subject"],
            scores=[(participation.pk, change["score"]) for participation, change in updates],
            by=by,
        )
        progress(100, "Баллы записаны")


SIRIUS_IMPORT = register(SiriusResultsImport())
