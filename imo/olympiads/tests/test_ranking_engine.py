"""Worked examples of the ranking rules (shared/domain/olympiads.md, 7–10)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from imo.olympiads.ranking.engine import (
    PARTICIPANT,
    PRIZE_WINNER,
    WINNER,
    Entry,
    QuotaRule,
    number,
    quota,
    rank_entries,
)

D = Decimal
RULE = QuotaRule(D(45), D(5), D(50), "down")


HUNDRED = D(100)


def entries(scores, *, group=9, max_score=HUNDRED, prefix="s"):
    return [
        Entry(
            key=f"{prefix}{i:03d}",
            name_key=f"{prefix}{i:03d}",
            group=group,
            score=None if s is None else D(s),
            max_score=max_score,
        )
        for i, s in enumerate(scores)
    ]


def statuses(result, items):
    return [result[e.key].status if e.key in result else "" for e in items]


def test_ranks_competition_style_ties_alphabetical():
    items = [
        Entry("b", "борисов", 9, D(70), D(100)),
        Entry("a", "александров", 9, D(70), D(100)),
        Entry("c", "васильев", 9, D(90), D(100)),
        Entry("d", "григорьев", 9, D(40), D(100)),
    ]
    result = rank_entries(items, RULE)
    assert [result[k].rank for k in ("c", "a", "b", "d")] == [1, 2, 2, 4]


def test_unscored_are_not_ranked():
    items = entries([80, None])
    result = rank_entries(items, RULE)
    assert set(result) == {"s000"}


def test_basic_quota_20_participants():
    # 20 participants: total 45 % → 9, winners 5 % → 1.
    items = entries([100 - i * 2 for i in range(20)])
    result = rank_entries(items, RULE)
    got = statuses(result, items)
    assert got[:1] == [WINNER]
    assert got[1:9] == [PRIZE_WINNER] * 8
    assert got[9:] == [PARTICIPANT] * 11
    assert "квота победителей 5 % от 20 = 1 (округление вниз)" in result["s000"].reason
    assert result["s000"].reason.startswith("Победитель: 1-е место, 100 из 100")


def test_tie_at_total_boundary_above_half_all_awarded():
    # 10 participants: total 45 % of 10 = 4.5 → 4. Places 4 and 5 tie at 60 (> 50): both prize-winners.
    items = entries([95, 80, 70, 60, 60, 40, 30, 20, 10, 5])
    result = rank_entries(items, RULE)
    got = statuses(result, items)
    assert got[:5] == [PRIZE_WINNER] * 5 or got[0] == WINNER
    assert got[3] == got[4] == PRIZE_WINNER
    assert got[5] == PARTICIPANT
    assert "квота превышена" in result["s004"].reason


def test_tie_at_total_boundary_at_exactly_half_none_awarded():
    # total 4; places 4 and 5 tie at exactly 50 (= half): neither is awarded, the quota is undershot.
    items = entries([95, 80, 70, 50, 50, 40, 30, 20, 10, 5])
    result = rank_entries(items, RULE)
    got = statuses(result, items)
    assert got[3] == got[4] == PARTICIPANT
    assert got[2] == PRIZE_WINNER
    assert "никто из набравших 50 не награждён" in result["s003"].reason


def test_tie_inside_quota_is_not_a_boundary():
    # total 4: places 3 and 4 tie at 50, place 5 has 45: the tie is inside the quota, both awarded.
    items = entries([95, 80, 50, 50, 45, 40, 30, 20, 10, 5])
    got = statuses(rank_entries(items, RULE), items)
    assert got[2] == got[3] == PRIZE_WINNER
    assert got[4] == PARTICIPANT


def test_nobody_above_half_no_winners():
    items = entries([50, 50, 49, 45, 30, 20, 10, 10, 5, 0] * 2)
    rule = QuotaRule(D(45), D(10), D(20), "down")
    result = rank_entries(items, rule)
    got = statuses(result, items)
    assert WINNER not in got
    top = result["s000"]
    assert top.status == PRIZE_WINNER
    assert "победителей нет" in top.reason


def test_winner_needs_more_than_half_even_inside_the_quota():
    # winners 50 % of 4 = 2, but the second has exactly half: only one winner, the second a prize-winner.
    items = entries([80, 50, 30, 10])
    rule = QuotaRule(D(100), D(50), D(0), "down")
    got = statuses(rank_entries(items, rule), items)
    assert got == [WINNER, PRIZE_WINNER, PRIZE_WINNER, PRIZE_WINNER]


def test_tie_at_winners_boundary_above_half_all_winners():
    # 20 participants, winners 5 % = 1; two tie at 90: both winners.
    items = entries([90, 90] + [60 - i for i in range(18)])
    result = rank_entries(items, RULE)
    got = statuses(result, items)
    assert got[:2] == [WINNER, WINNER]
    assert got[2] == PRIZE_WINNER
    assert result["s001"].rank == 1


def test_minimum_share_for_award():
    items = entries([90, 70, 49, 48])
    rule = QuotaRule(D(100), D(25), D(50), "down")
    result = rank_entries(items, rule)
    got = statuses(result, items)
    assert got == [WINNER, PRIZE_WINNER, PARTICIPANT, PARTICIPANT]
    assert result["s003"].reason == "Участник: 48 из 100 — меньше 50 % максимума"


def test_beyond_quota_reason():
    items = entries([90, 80, 70, 60])
    result = rank_entries(items, RULE)  # total 45 % of 4 = 1.8 → 1
    assert result["s001"].status == PARTICIPANT
    assert "за пределами квоты" in result["s001"].reason
    assert "1,8 → 1" in result["s001"].reason


def test_rounding_down_nearest_up():
    assert quota(10, D(45), "down")[0] == 4
    assert quota(10, D(45), "nearest")[0] == 5  # 4.5 half up
    assert quota(10, D(44), "nearest")[0] == 4
    assert quota(10, D(41), "up")[0] == 5
    assert quota(10, D(40), "up")[0] == 4
    items = entries([95, 90, 85, 80, 75, 40, 30, 20, 10, 5])
    down = statuses(rank_entries(items, QuotaRule(D(45), D(5), D(50), "down")), items)
    nearest = statuses(rank_entries(items, QuotaRule(D(45), D(5), D(50), "nearest")), items)
    up = statuses(rank_entries(items, QuotaRule(D(45), D(5), D(50), "up")), items)
    assert down.count(PARTICIPANT) == 6
    assert nearest.count(PARTICIPANT) == 5
    assert up.count(PARTICIPANT) == 5
    assert down[0] == PRIZE_WINNER  # winners 5 % of 10 = 0.5 → 0
    assert up[0] == WINNER  # → 1
    assert nearest[0] == WINNER  # 0.5 half up → 1


def test_quota_per_grade_vs_per_subject():
    grade9 = entries([90, 80, 70, 60], group=9, prefix="a")
    grade10 = entries([90, 80, 70, 60], group=10, prefix="b")
    rule = QuotaRule(D(50), D(25), D(50), "down")
    per_grade = rank_entries(grade9 + grade10, rule)
    # per grade: 4 participants, 2 awarded, 1 winner in each grade
    assert [per_grade[e.key].status for e in grade9] == [WINNER, PRIZE_WINNER, PARTICIPANT, PARTICIPANT]
    assert [per_grade[e.key].status for e in grade10] == [WINNER, PRIZE_WINNER, PARTICIPANT, PARTICIPANT]
    whole = [Entry(e.key, e.name_key, "subject", e.score, e.max_score) for e in grade9 + grade10]
    per_subject = rank_entries(whole, rule)
    # per subject: 8 participants, 4 awarded, 2 winners — the two 90s (and the two 80s prize-winners)
    assert [per_subject[k].status for k in ("a000", "b000", "a001", "b001", "a002")] == [
        WINNER,
        WINNER,
        PRIZE_WINNER,
        PRIZE_WINNER,
        PARTICIPANT,
    ]
    assert per_subject["b000"].rank == 1 and per_subject["a001"].rank == 3


def test_per_subject_with_different_maxima_compares_shares():
    items = [
        Entry("x", "икс", "subj", D(40), D(50)),  # 80 %
        Entry("y", "игрек", "subj", D(70), D(100)),  # 70 %
        Entry("z", "зет", "subj", D(30), D(60)),  # 50 %
    ]
    result = rank_entries(items, QuotaRule(D(100), D(34), D(50), "down"))
    assert [result[k].rank for k in ("x", "y", "z")] == [1, 2, 3]
    assert result["x"].status == WINNER
    assert result["z"].status == PRIZE_WINNER
    assert "30 из 60" in result["z"].reason


def test_grade_performed_is_the_group():
    # The engine groups by whatever group the caller gives: services pass the grade performed.
    a = Entry("a", "а", 10, D(90), D(100))  # enrolled in 9, performed 10
    b = Entry("b", "б", 10, D(80), D(100))
    c = Entry("c", "в", 9, D(70), D(100))
    result = rank_entries([a, b, c], QuotaRule(D(50), D(50), D(50), "down"))
    assert result["a"].rank == 1 and result["b"].rank == 2 and result["c"].rank == 1


def test_number_format():
    assert number(D("78.00")) == "78"
    assert number(D("78.50")) == "78,5"
    assert number(D("100")) == "100"
    assert number(D("1E+2")) == "100"


@settings(max_examples=150, deadline=None)
@given(
    scores=st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=40),
    total=st.integers(min_value=0, max_value=100),
    winners=st.integers(min_value=0, max_value=100),
    min_share=st.integers(min_value=0, max_value=100),
    rounding=st.sampled_from(["down", "nearest", "up"]),
)
def test_invariants(scores, total, winners, min_share, rounding):
    winners = min(winners, total)
    maximum = D(20)
    items = entries(scores, max_score=maximum)
    result = rank_entries(items, QuotaRule(D(total), D(winners), D(min_share), rounding))
    by_score: dict[Decimal, set[str]] = {}
    for entry in items:
        outcome = result[entry.key]
        assert entry.score is not None
        by_score.setdefault(entry.score, set()).add(outcome.status)
        if outcome.status == WINNER:
            assert entry.score > maximum / 2
        if outcome.status in (WINNER, PRIZE_WINNER):
            assert entry.score * 100 >= maximum * min_share
        # places: one more than the number of better scores
        assert outcome.rank == 1 + sum(
            1 for other in items if other.score is not None and other.score > entry.score
        )
    # equal scores, equal status
    assert all(len(statuses_) == 1 for statuses_ in by_score.values())
    # better scores never get a lower status
    order = {PARTICIPANT: 0, PRIZE_WINNER: 1, WINNER: 2}
    ranked = sorted(items, key=lambda e: e.score if e.score is not None else Decimal(-1), reverse=True)
    levels = [order[result[e.key].status] for e in ranked]
    assert levels == sorted(levels, reverse=True)
