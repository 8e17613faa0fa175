"""Writes of the jury's work (issue #7, item 4): codes, scores, closing the protocol, matching the codes.

The order of a stage subject's checking:
1. the office issues codes (`codes_issue`): one Work per confirmed participation, a random code such as
   «МА-07-4821» (subject prefix, grade, four random digits), so a code says nothing about the student;
2. the jury scores the works (`work_score`, `work_absent_set`) — jury pages see only Work rows;
3. the chair closes the protocol (`scoring_close`): every work is scored or marked «не явился»;
   only the office may reopen it, with a reason (`scoring_reopen`), until the codes are matched;
4. the office matches the codes (`codes_match`): Work.score → Participation.score, absent works →
   Participation.absent. Online subjects («Сириус.Курсы») skip codes: `online_scores_save` writes the
   imported scores straight to the participations.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imo.olympiads.models import GradeSetting, JuryMember, Participation, StageSubject, Work

CODE_DIGITS = 4
_ATTEMPTS = 200

CLOSED = "Проверка по предмету закрыта: баллы менять нельзя."
MATCHED = "Шифры уже сопоставлены с участниками: протокол изменить нельзя."


def code_prefix(stage_subject: StageSubject) -> str:
    """Two capital letters of the subject («Математика» → «МА»)."""
    name = stage_subject.subject.short_name or stage_subject.subject.name
    letters = [char for char in name if char.isalpha()]
    return ("".join(letters[:2]) or "ОЛ").upper()


def _new_code(prefix: str, grade: int, taken: set[str]) -> str:
    for _ in range(_ATTEMPTS):
        code = f"{prefix}-{grade:02d}-{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if code not in taken:
            taken.add(code)
            return code
    # 10 000 codes per grade are not enough only for absurd numbers of works: widen the number.
    while True:
        code = f"{prefix}-{grade:02d}-{secrets.randbelow(10**8):08d}"
        if code not in taken:
            taken.add(code)
            return code


@transaction.atomic
def codes_issue(*, stage_subject: StageSubject, by: Any) -> int:
    """One Work with a random code for each confirmed participation that has none yet; returns how many.
    Issuing again after late registrations codes only the new ones."""
    stage_subject = (
        StageSubject.objects.select_for_update().select_related("subject").get(pk=stage_subject.pk)
    )
    if stage_subject.online:
        raise ValidationError(
            "Результаты этого предмета загружаются из «Сириус.Курсы»: шифры для него не выдаются."
        )
    if stage_subject.scoring_closed_at is not None:
        raise ValidationError("Проверка по предмету закрыта: новые шифры выдать нельзя.")
    waiting = list(
        Participation.objects.filter(stage_subject=stage_subject, confirmed=True, work__isnull=True).only(
            "pk", "grade"
        )
    )
    if not waiting:
        raise ValidationError("Все подтверждённые участники уже получили шифры.")
    secrets.SystemRandom().shuffle(waiting)  # creation order tells nothing either
    taken = set(Work.objects.filter(stage_subject=stage_subject).values_list("code", flat=True))
    prefix = code_prefix(stage_subject)
    for participation in waiting:
        work = Work.objects.create(
            stage_subject=stage_subject,
            code=_new_code(prefix, participation.grade, taken),
            grade=participation.grade,
        )
        participation.work = work
        participation.save(update_fields=["work", "updated_at"])
    stage_subject.codes_issued_at = timezone.now()
    stage_subject.save(update_fields=["codes_issued_at", "updated_at"])
    return len(waiting)


def parse_score(raw: Any) -> Decimal | None:
    """A typed score: «12», «12,5», «12.5»; empty → None. Raises ValueError for text."""
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int | float):
        return Decimal(str(raw))
    text = str(raw).strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not value.is_finite():
        raise ValueError(text)
    return value


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def score_bounds_message(maximum: Decimal, task: int | None = None) -> str:
    what = f"Балл за задание {task}" if task is not None else "Балл"
    return f"{what} должен быть числом от 0 до {_number(maximum)}."


def grade_setting_for(work: Work) -> GradeSetting:
    setting = GradeSetting.objects.filter(stage_subject_id=work.stage_subject_id, grade=work.grade).first()
    if setting is None:
        raise ValidationError(
            f"Для {work.grade} класса не задан максимальный балл: обратитесь к организаторам олимпиады."
        )
    return setting


def _check_open(stage_subject: StageSubject) -> None:
    if stage_subject.codes_matched_at is not None:
        raise ValidationError(MATCHED)
    if stage_subject.scoring_closed_at is not None:
        raise ValidationError(CLOSED)


def clean_task_scores(
    setting: GradeSetting, raw: Sequence[Any]
) -> tuple[list[Decimal | None], dict[int, str]]:
    """The typed cells checked against the maxima: (values, {cell index: Russian error})."""
    maxima = [Decimal(str(m)) for m in (setting.task_max or [])] or [setting.max_score]
    per_task = bool(setting.task_max)
    values: list[Decimal | None] = []
    errors: dict[int, str] = {}
    cells = list(raw) + [None] * (len(maxima) - len(raw))
    if len(cells) > len(maxima):
        raise ValidationError("Заданий в работе больше, чем задано для класса.")
    for index, (cell, maximum) in enumerate(zip(cells, maxima, strict=True)):
        message = score_bounds_message(maximum, index + 1 if per_task else None)
        try:
            value = parse_score(cell)
        except ValueError:
            errors[index] = message
            values.append(None)
            continue
        if value is not None and (value < 0 or value > maximum or value != value.quantize(Decimal("0.01"))):
            errors[index] = message
        values.append(value)
    return values, errors


@transaction.atomic
def work_score(*, work: Work, task_scores: Sequence[Any], by: Any) -> Work:
    """Store a work's scores per task (or its total when the grade keeps no tasks). The total is the sum
    once every task has a score. A score out of 0..maximum (or text) → ValidationError, nothing saved;
    `error.error_dict` is not used: the message names the task."""
    work = Work.objects.select_for_update().get(pk=work.pk)
    stage_subject = StageSubject.objects.get(pk=work.stage_subject_id)
    _check_open(stage_subject)
    if work.absent:
        raise ValidationError("Работа отмечена «не явился»: сначала снимите отметку.")
    setting = grade_setting_for(work)
    values, errors = clean_task_scores(setting, task_scores)
    if errors:
        raise ValidationError(list(errors.values()))
    work.task_scores = [None if value is None else str(value) for value in values]
    if all(value is not None for value in values):
        total = sum((value for value in values if value is not None), Decimal("0"))
        if total > setting.max_score:
            raise ValidationError(score_bounds_message(setting.max_score))
        work.score = total
    else:
        work.score = None
    work.scored_by = by if getattr(by, "pk", None) else None
    work.save(update_fields=["task_scores", "score", "scored_by", "updated_at"])
    return work


@transaction.atomic
def work_absent_set(*, work: Work, absent: bool, by: Any) -> Work:
    """Mark a work «не явился» (its scores are cleared) or take the mark off."""
    work = Work.objects.select_for_update().get(pk=work.pk)
    _check_open(StageSubject.objects.get(pk=work.stage_subject_id))
    work.absent = absent
    if absent:
        work.task_scores = []
        work.score = None
    work.scored_by = by if getattr(by, "pk", None) else None
    work.save(update_fields=["absent", "task_scores", "score", "scored_by", "updated_at"])
    return work


def is_chair(user: Any, stage_subject: StageSubject) -> bool:
    return JuryMember.objects.filter(
        stage_subject=stage_subject, educator__user_id=getattr(user, "pk", None) or 0, is_chair=True
    ).exists()


def unscored_codes(stage_subject: StageSubject) -> list[str]:
    return list(
        Work.objects.filter(stage_subject=stage_subject, absent=False, score__isnull=True)
        .order_by("grade", "code")
        .values_list("code", flat=True)
    )


@transaction.atomic
def scoring_close(*, stage_subject: StageSubject, by: Any) -> StageSubject:
    """The chair closes the protocol: every work must be scored or marked «не явился»."""
    stage_subject = StageSubject.objects.select_for_update().get(pk=stage_subject.pk)
    if not is_chair(by, stage_subject):
        raise ValidationError("Закрыть проверку может только председатель жюри.")
    if stage_subject.scoring_closed_at is not None:
        raise ValidationError("Проверка уже закрыта.")
    if not Work.objects.filter(stage_subject=stage_subject).exists():
        raise ValidationError("Работ пока нет: шифры ещё не выданы.")
    missing = unscored_codes(stage_subject)
    if missing:
        shown = ", ".join(missing[:10]) + (f" и ещё {len(missing) - 10}" if len(missing) > 10 else "")
        raise ValidationError(
            f"Не все работы проверены ({len(missing)}): {shown}. Поставьте баллы по всем заданиям "
            "или отметьте «не явился»."
        )
    stage_subject.scoring_closed_at = timezone.now()
    stage_subject.scoring_closed_by = by if getattr(by, "pk", None) else None
    stage_subject.save(update_fields=["scoring_closed_at", "scoring_closed_by", "updated_at"])
    return stage_subject


@transaction.atomic
def scoring_reopen(*, stage_subject: StageSubject, reason: str, by: Any) -> StageSubject:
    """The office reopens a closed protocol (before the codes are matched); the reason goes to the log."""
    stage_subject = StageSubject.objects.select_for_update().get(pk=stage_subject.pk)
    reason = (reason or "").strip()
    if stage_subject.scoring_closed_at is None:
        raise ValidationError("Проверка не закрыта.")
    if stage_subject.codes_matched_at is not None:
        raise ValidationError(MATCHED)
    if not reason:
        raise ValidationError("Укажите причину, по которой проверка открывается снова.")
    stage_subject.scoring_closed_at = None
    stage_subject.scoring_closed_by = None
    stage_subject.save(update_fields=["scoring_closed_at", "scoring_closed_by", "updated_at"])
    LogEntry.objects.log_create(
        stage_subject,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"Проверка открыта снова": ["закрыта", reason]},
        changes_text=f"Проверка открыта снова: {reason}",
        actor=by if getattr(by, "pk", None) else None,
        additional_data={"scoring_reopened": reason},
    )
    return stage_subject


@transaction.atomic
def codes_match(*, stage_subject: StageSubject, by: Any) -> int:
    """Copy each work's score to its participation (absent works → Participation.absent); returns how many."""
    stage_subject = StageSubject.objects.select_for_update().get(pk=stage_subject.pk)
    if stage_subject.scoring_closed_at is None:
        raise ValidationError("Сначала председатель жюри закрывает проверку.")
    if stage_subject.codes_matched_at is not None:
        raise ValidationError("Шифры уже сопоставлены.")
    participations = list(
        Participation.objects.filter(stage_subject=stage_subject, work__isnull=False).select_related("work")
    )
    for participation in participations:
        work = participation.work
        assert work is not None
        participation.absent = work.absent
        participation.score = None if work.absent else work.score
    Participation.objects.bulk_update(participations, ["absent", "score"])
    stage_subject.codes_matched_at = timezone.now()
    stage_subject.save(update_fields=["codes_matched_at", "updated_at"])
    return len(participations)


@transaction.atomic
def online_scores_save(*, stage_subject: StageSubject, scores: Iterable[tuple[int, Decimal]], by: Any) -> int:
    """Scores of an online subject («Сириус.Курсы»), by participation pk, straight to the participations;
    the subject is then scored (closed and matched)."""
    stage_subject = StageSubject.objects.select_for_update().get(pk=stage_subject.pk)
    if not stage_subject.online:
        raise ValidationError("Этот предмет проверяет жюри: результаты из файла не загружаются.")
    if stage_subject.ranked_at is not None and stage_subject.published_at is not None:
        raise ValidationError("Результаты предмета уже опубликованы: загрузка изменила бы их.")
    by_pk = dict(scores)
    participations = list(Participation.objects.filter(stage_subject=stage_subject, pk__in=list(by_pk)))
    for participation in participations:
        participation.score = by_pk[participation.pk]
        participation.absent = False
    Participation.objects.bulk_update(participations, ["score", "absent"])
    now = timezone.now()
    stage_subject.scoring_closed_at = stage_subject.scoring_closed_at or now
    stage_subject.scoring_closed_by = stage_subject.scoring_closed_by or (
        by if getattr(by, "pk", None) else None
    )
    stage_subject.codes_matched_at = now
    stage_subject.save(
        update_fields=["scoring_closed_at", "scoring_closed_by", "codes_matched_at", "updated_at"]
    )
    return len(participations)
