"""Ranking services: statuses and reasons stored, overrides, basis, appeals recompute and are final."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from imo.olympiads.models import Appeal, AppealMember, Participation, Work
from imo.olympiads.ranking.services import (
    appeal_decide,
    appeal_file,
    effective_rule,
    rank_stage,
    rank_stage_subject,
)
from imo.olympiads.tests.ranking_fixtures import make_ranked, participant
from imo.staff.tests.factories import make_educator

pytestmark = pytest.mark.django_db
D = Decimal


def _statuses(ranked):
    return {
        name: (p.rank, p.status)
        for name, p in ((n, Participation.objects.get(pk=x.pk)) for n, x in ranked.parts.items())
    }


def test_rank_stage_subject_stores_rank_status_reason(district):
    ranked = make_ranked(district)
    methodist = district.user("methodist")
    assert rank_stage_subject(stage_subject=ranked.math, by=methodist) == 4
    # 4 participants: total 50 % → 2, winners 25 % → 1
    assert _statuses(ranked) == {
        "Андреева Анна": (1, "winner"),
        "Борисов Борис": (2, "prize_winner"),
        "Васильева Вера": (3, "participant"),
        "Григорьев Глеб": (4, "participant"),
    }
    reason = Participation.objects.get(pk=ranked.parts["Григорьев Глеб"].pk).status_reason
    assert reason == "Участник: 40 из 100 — меньше 50 % максимума"
    ranked.math.refresh_from_db()
    assert ranked.math.ranked_at is not None
    assert LogEntry.objects.filter(object_pk=str(ranked.math.pk), actor=methodist).count() == 1


def test_absent_unconfirmed_and_unscored_are_cleared(district):
    ranked = make_ranked(district)
    rank_stage_subject(stage_subject=ranked.math, by=None)
    Participation.objects.filter(pk=ranked.parts["Андреева Анна"].pk).update(absent=True)
    none = participant(ranked, district.school_a, "Дмитриев Денис", None)
    assert rank_stage_subject(stage_subject=ranked.math, by=None) == 3
    got = _statuses(ranked)
    assert got["Андреева Анна"] == (None, "")
    assert got["Дмитриев Денис"] == (None, "")
    assert got["Борисов Борис"] == (1, "prize_winner")  # winners 25 % of 3 → 0
    assert Participation.objects.get(pk=none.pk).status_reason == ""


def test_overrides_of_the_stage_subject(district):
    ranked = make_ranked(district)
    ranked.math.total_share = D(100)
    ranked.math.min_award_share = D(30)
    ranked.math.rounding = "up"
    ranked.math.save()
    rule, basis = effective_rule(ranked.math)
    assert rule.total_share == 100 and rule.winners_share == 25 and rule.rounding == "up" and basis == "grade"
    rank_stage(stage=ranked.stage, by=None)
    got = _statuses(ranked)
    assert got["Григорьев Глеб"] == (4, "prize_winner")


def test_grade_performed_groups(district):
    ranked = make_ranked(district)
    # enrolled in 9, performs 10: ranked with grade 10
    older = participant(ranked, district.school_a, "Егоров Евгений", "55", grade=10, enrolled=9)
    rank_stage_subject(stage_subject=ranked.math, by=None)
    older.refresh_from_db()
    assert older.rank == 1
    ranked.math.quota_basis = "subject"
    ranked.math.save()
    rank_stage_subject(stage_subject=ranked.math, by=None)
    older.refresh_from_db()
    assert older.rank == 4


def test_missing_maximum_explained(district):
    ranked = make_ranked(district)
    odd = participant(ranked, district.school_a, "Жуков Жан", "50", grade=11)
    rank_stage_subject(stage_subject=ranked.math, by=None)
    odd.refresh_from_db()
    assert odd.status == "" and "для 11 класса не задан максимальный балл" in odd.status_reason


def test_appeal_raises_score_and_reranks(district):
    ranked = make_ranked(district)
    member = make_educator(municipality=district.municipality)
    AppealMember.objects.create(stage_subject=ranked.math, educator=member)
    rank_stage_subject(stage_subject=ranked.math, by=None)
    part = ranked.parts["Васильева Вера"]
    work = Work.objects.create(stage_subject=ranked.math, code="МА-9-0001", grade=9, score=D(60))
    Participation.objects.filter(pk=part.pk).update(work=work)
    part.refresh_from_db()
    appeal = appeal_file(participation=part, filed_on=dt.date(2026, 12, 1), reason="Задача 3", by=None)
    assert list(appeal.members.all()) == [member]
    with pytest.raises(ValidationError):
        appeal_decide(
            appeal=appeal, decision="raised", new_score=D(55), decided_on=dt.date(2026, 12, 2), by=None
        )
    with pytest.raises(ValidationError):
        appeal_decide(
            appeal=appeal, decision="raised", new_score=D(101), decided_on=dt.date(2026, 12, 2), by=None
        )
    appeal_decide(appeal=appeal, decision="raised", new_score=D(75), decided_on=dt.date(2026, 12, 2), by=None)
    appeal.refresh_from_db()
    assert (appeal.score_before, appeal.score_after) == (D(60), D(75))
    got = _statuses(ranked)
    assert got["Васильева Вера"] == (2, "prize_winner")
    assert got["Борисов Борис"] == (3, "participant")
    work.refresh_from_db()
    assert work.score == D(75)
    with pytest.raises(ValidationError, match="изменению не подлежит"):
        appeal_decide(
            appeal=appeal, decision="lowered", new_score=D(10), decided_on=dt.date(2026, 12, 3), by=None
        )


def test_appeal_rejected_keeps_score_and_lowered_must_be_lower(district):
    ranked = make_ranked(district)
    part = ranked.parts["Андреева Анна"]
    first = appeal_file(participation=part, filed_on=dt.date(2026, 12, 1), reason="", by=None)
    appeal_decide(appeal=first, decision="rejected", new_score=None, decided_on=dt.date(2026, 12, 1), by=None)
    first.refresh_from_db()
    assert first.decision == Appeal.Decision.REJECTED and first.score_after == D(90)
    second = appeal_file(participation=part, filed_on=dt.date(2026, 12, 1), reason="", by=None)
    with pytest.raises(ValidationError):
        appeal_decide(
            appeal=second, decision="lowered", new_score=D(95), decided_on=dt.date(2026, 12, 1), by=None
        )
    with pytest.raises(ValidationError):
        appeal_decide(
            appeal=second, decision="lowered", new_score=D(-1), decided_on=dt.date(2026, 12, 1), by=None
        )
    appeal_decide(
        appeal=second, decision="lowered", new_score=D(20), decided_on=dt.date(2026, 12, 1), by=None
    )
    assert Participation.objects.get(pk=part.pk).status == "participant"
