"""Ranking and statuses of stage subjects, appeals (olympiads.md, 7–10 and 13).

Who is ranked: confirmed, present participations with a score. The maximum is the GradeSetting of the grade
performed. Groups: per grade performed (quota basis «grade») or the whole subject («subject»); with the basis
«subject» and different maxima per grade the engine orders by the share of each grade's maximum (the reason
still shows «N из M» with the participant's own maximum).

Speed: a municipal stage of 50,000 participations is read with one values_list, ranked in Python and written
in one statement (PostgreSQL: COPY into a temporary table and UPDATE … FROM it; SQLite: UPDATE … FROM
json_each), only the rows whose place, status or reason changed. Audit: one summary entry per stage
subject ranked (not one per row), and individual entries for appeals.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from imo.olympiads.models import (
    Appeal,
    GradeSetting,
    Participation,
    QuotaBasis,
    Stage,
    StageSubject,
    Student,
    Work,
)
from imo.olympiads.ranking.engine import Entry, QuotaRule, rank_entries

NO_MAXIMUM = "Не ранжирован: для {grade} класса не задан максимальный балл"


def effective_rule(stage_subject: StageSubject) -> tuple[QuotaRule, str]:
    """The stage's quota settings with the stage subject's overrides (an empty override = the stage's)."""
    stage = stage_subject.stage

    def pick(name: str) -> Any:
        own = getattr(stage_subject, name)
        return getattr(stage, name) if own in (None, "") else own

    rule = QuotaRule(
        total_share=Decimal(pick("total_share")),
        winners_share=Decimal(pick("winners_share")),
        min_award_share=Decimal(pick("min_award_share")),
        rounding=pick("rounding"),
    )
    return rule, pick("quota_basis")


def _rows(ids: list[int]) -> list[tuple[Any, ...]]:
    """The participations of the stage subjects with the student's name key, in one statement without
    the ORM's per-value converters (50,000 rows of a municipal stage)."""
    if not ids:
        return []
    part, student = Participation._meta.db_table, Student._meta.db_table
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, p.stage_subject_id, p.grade, p.score, s.name_key, p.confirmed, p.absent, p.rank, "
            f"p.status, p.status_reason FROM {part} p JOIN {student} s ON s.id = p.student_id "
            f"WHERE p.stage_subject_id IN ({placeholders})",
            ids,
        )
        return cursor.fetchall()


class _Read:
    """What one read of the stage subjects' participations gives: new outcomes, old ones, subjects."""

    def __init__(self) -> None:
        self.new: dict[int, tuple[int | None, str, str]] = {}
        self.old: dict[int, tuple[int | None, str, str]] = {}
        self.subject_of: dict[int, int] = {}
        self.ranked = 0


def _outcomes(stage_subjects: list[StageSubject]) -> _Read:
    """New (rank, status, reason) per participation of the stage subjects (cleared for the unconfirmed, the
    absent and those without a score), with the stored ones to compare."""
    ids = [ss.pk for ss in stage_subjects]
    maxima: dict[tuple[int, int], Decimal] = {
        (ss_id, grade): max_score
        for ss_id, grade, max_score in GradeSetting.objects.filter(stage_subject_id__in=ids).values_list(
            "stage_subject_id", "grade", "max_score"
        )
    }
    rows = _rows(ids)
    read = _Read()
    by_subject: dict[int, list[Entry]] = defaultdict(list)
    rules = {ss.pk: effective_rule(ss) for ss in stage_subjects}
    cleared = (None, "", "")
    sqlite = connection.vendor == "sqlite"
    for pk, ss_id, grade, score, name_key, confirmed, absent, rank, status, reason in rows:
        read.old[pk] = (rank, status, reason)
        if sqlite and score is not None and not isinstance(score, Decimal):
            score = Decimal(str(score))  # noqa: PLW2901  (SQLite keeps decimals as numbers)
        read.subject_of[pk] = ss_id
        if not confirmed or absent or score is None:
            read.new[pk] = cleared
            continue
        maximum = maxima.get((ss_id, grade))
        if maximum is None:
            read.new[pk] = (None, "", NO_MAXIMUM.format(grade=grade))
            continue
        group = grade if rules[ss_id][1] == QuotaBasis.GRADE else 0
        by_subject[ss_id].append(Entry(pk, name_key, group, score, maximum))
    for ss_id, entries in by_subject.items():
        outcomes = rank_entries(entries, rules[ss_id][0])
        read.ranked += len(outcomes)
        for key, outcome in outcomes.items():
            read.new[key] = (outcome.rank, outcome.status, outcome.reason)  # type: ignore[index]
    return read


def _write(changed: list[tuple[int, int | None, str, str]]) -> None:
    """Store (pk, rank, status, reason) rows in one statement."""
    if not changed:
        return
    table = Participation._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY into a temporary table, then one UPDATE joining it: COPY streams the rows without
            # quoting or parsing them as one big parameter, and the planner, told the table's size by
            # ANALYZE, joins by hash instead of 50,000 index lookups.
            cursor.execute(
                "CREATE TEMPORARY TABLE olympiads_ranked_rows"
                " (id bigint, rank integer, status text, reason text)"
            )
            with cursor.copy("COPY olympiads_ranked_rows (id, rank, status, reason) FROM STDIN") as copy:
                for row in changed:
                    copy.write_row(row)
            cursor.execute("ANALYZE olympiads_ranked_rows")
            cursor.execute(
                f"UPDATE {table} AS p SET rank = v.rank, status = v.status, status_reason = v.reason, "
                "updated_at = %s FROM olympiads_ranked_rows AS v WHERE p.id = v.id",
                [now],
            )
            # Dropped at once, not at commit: a transaction may rank several times (an appeal, then another).
            cursor.execute("DROP TABLE olympiads_ranked_rows")
        else:
            # One statement: the rows travel as one JSON array (executemany costs a statement per row).
            stamp = connection.ops.adapt_datetimefield_value(now)
            cursor.execute(
                f"UPDATE {table} SET rank = v.rank, status = v.status, status_reason = v.reason, "
                "updated_at = %s FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') "
                "AS rank, json_extract(value, '$[2]') AS status, json_extract(value, '$[3]') AS reason "
                f"FROM json_each(%s)) AS v WHERE {table}.id = v.id",
                [stamp, json.dumps(changed, ensure_ascii=False)],
            )


def _log_summary(stage_subject: StageSubject, *, by: Any, counts: dict[str, int], changed: int) -> None:
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        stage_subject,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={
            "рейтинг": ["", f"рассчитан: изменено записей {changed}"],
            "победителей": ["", str(counts.get("winner", 0))],
            "призёров": ["", str(counts.get("prize_winner", 0))],
            "участников": ["", str(counts.get("participant", 0))],
        },
        actor=by if getattr(by, "pk", None) else None,
    )


def _rank(stage_subjects: list[StageSubject], *, by: Any) -> int:
    if not stage_subjects:
        return 0
    read = _outcomes(stage_subjects)
    changed = [(pk, *new) for pk, new in read.new.items() if read.old[pk] != new]
    _write(changed)
    now = timezone.now()
    StageSubject.objects.filter(pk__in=[ss.pk for ss in stage_subjects]).update(ranked_at=now)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    changes: dict[int, int] = defaultdict(int)
    for pk, (_, status, _) in read.new.items():
        if status:
            counts[read.subject_of[pk]][status] += 1
    for row in changed:
        changes[read.subject_of[row[0]]] += 1
    for ss in stage_subjects:
        ss.ranked_at = now
        _log_summary(ss, by=by, counts=counts[ss.pk], changed=changes[ss.pk])
    return read.ranked


@transaction.atomic
def rank_stage_subject(*, stage_subject: StageSubject, by: Any) -> int:
    """Rank one stage subject and store place, status and reason; returns how many were ranked."""
    stage_subject = StageSubject.objects.select_related("stage__season__academic_year", "subject").get(
        pk=stage_subject.pk
    )
    return _rank([stage_subject], by=by)


@transaction.atomic
def rank_stage(*, stage: Stage, by: Any) -> int:
    """Rank every subject of a stage (one read, one write); returns how many participations were ranked."""
    subjects = list(
        StageSubject.objects.filter(stage=stage).select_related("stage__season__academic_year", "subject")
    )
    return _rank(subjects, by=by)


# Appeals ---------------------------------------------------------------------------------------------------


def _max_score(participation: Participation) -> Decimal | None:
    return (
        GradeSetting.objects.filter(
            stage_subject_id=participation.stage_subject_id, grade=participation.grade
        )
        .values_list("max_score", flat=True)
        .first()
    )


@transaction.atomic
def appeal_file(
    *,
    participation: Participation,
    filed_on: dt.date,
    reason: str,
    members: Iterable[Any] | None = None,
    by: Any,
) -> Appeal:
    """Record an appeal (pending). The commission defaults to the stage subject's appeal commission."""
    if participation.score is None:
        raise ValidationError("Апелляцию можно подать только на проверенную работу с баллом.")
    appeal = Appeal(participation=participation, filed_on=filed_on, reason=reason.strip())
    appeal.full_clean()
    appeal.save()
    if members is None:
        from imo.staff.models import Educator

        members = Educator.objects.filter(
            pk__in=participation.stage_subject.appeal_commission.values("educator_id")
        )
    appeal.members.set(list(members))
    return appeal


@transaction.atomic
def appeal_decide(
    *,
    appeal: Appeal,
    decision: str,
    new_score: Decimal | None,
    decided_on: dt.date,
    by: Any,
    members: Iterable[Any] | None = None,
) -> Appeal:
    """Decide an appeal: the decision is final. Raised / lowered change the score (of the participation and
    its work) and re-rank the stage subject."""
    appeal = Appeal.objects.select_for_update().select_related("participation").get(pk=appeal.pk)
    if appeal.decision != Appeal.Decision.PENDING:
        raise ValidationError("Решение по апелляции уже принято и изменению не подлежит.")
    participation = Participation.objects.select_for_update().get(pk=appeal.participation_id)
    before = participation.score
    if before is None:
        raise ValidationError("У участника нет балла: решение по апелляции внести нельзя.")
    if decision not in (Appeal.Decision.REJECTED, Appeal.Decision.RAISED, Appeal.Decision.LOWERED):
        raise ValidationError({"decision": "Выберите решение комиссии."})
    if decided_on < appeal.filed_on:
        raise ValidationError({"decided_on": "Дата решения не может быть раньше даты подачи."})
    after = before
    if decision != Appeal.Decision.REJECTED:
        if new_score is None:
            raise ValidationError({"new_score": "Укажите новый балл."})
        maximum = _max_score(participation)
        if new_score < 0 or (maximum is not None and new_score > maximum):
            limit = f" (максимум {maximum.normalize():f})" if maximum is not None else ""
            raise ValidationError({"new_score": f"Балл должен быть от 0 до максимального{limit}."})
        if decision == Appeal.Decision.RAISED and new_score <= before:
            raise ValidationError({"new_score": "При повышении новый балл должен быть больше прежнего."})
        if decision == Appeal.Decision.LOWERED and new_score >= before:
            raise ValidationError({"new_score": "При понижении новый балл должен быть меньше прежнего."})
        after = new_score
    appeal.decision = decision
    appeal.score_before = before
    appeal.score_after = after
    appeal.decided_on = decided_on
    appeal.decided_by = by if getattr(by, "pk", None) else None
    appeal.save()
    if members is not None:
        appeal.members.set(list(members))
    if after != before:
        participation.score = after
        participation.save(update_fields=["score", "updated_at"])
        if participation.work_id:
            work = Work.objects.get(pk=participation.work_id)
            work.score = after
            work.save(update_fields=["score", "updated_at"])
    rank_stage_subject(stage_subject=participation.stage_subject, by=by)
    return appeal
