"""The ranking engine: places and statuses by the quota rules (shared/domain/olympiads.md, 7–10). Pure Python.

Within a group (a grade, or the whole subject) the entries with a score are ranked by score descending, equal
scores in alphabetical order (name_key), with competition places 1, 2, 2, 4. When the maxima differ inside a
group (a subject ranked as a whole with different maxima per grade) the order is by the share of the maximum.

Quotas count the ranked participants n of the group: total = n × total_share / 100 (winners and prize-winners
together), winners = n × winners_share / 100, rounded down, to nearest (half up) or up.

- An award needs at least min_award_share % of the maximum; a winner needs more than half of the maximum (8).
- Winners are the first `winners` places among those who may win; prize-winners follow up to `total`.
- Tie at a quota boundary (10): the participants with the same score as the last one inside the quota all get
  the status when that score is more than half of the maximum (the quota is exceeded), none of them when it is
  half or less (the quota is undershot).

Entries without a score (None) are not ranked and get no outcome.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

WINNER = "winner"
PRIZE_WINNER = "prize_winner"
PARTICIPANT = "participant"

ROUNDING_MODES = {"down": ROUND_FLOOR, "nearest": ROUND_HALF_UP, "up": ROUND_CEILING}
ROUNDING_WORDS = {
    "down": "округление вниз",
    "nearest": "округление по правилам арифметики",
    "up": "округление вверх",
}
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class QuotaRule:
    total_share: Decimal
    winners_share: Decimal
    min_award_share: Decimal
    rounding: str = "down"


class Entry(NamedTuple):
    key: Hashable
    name_key: str
    group: Hashable
    score: Decimal | None
    max_score: Decimal


class Outcome(NamedTuple):
    rank: int | None
    status: str
    reason: str


@lru_cache(maxsize=4096)
def number(value: Decimal | int) -> str:
    """A score or share as people write it: «78», «78,5», «12,25»."""
    if isinstance(value, int):
        return str(value)
    text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def quota(n: int, share: Decimal, rounding: str) -> tuple[int, str]:
    """The quota of n participants and its explanation: «5 % от 40 = 2 (округление вниз)»."""
    raw = Decimal(n) * share / HUNDRED
    count = int(raw.to_integral_value(rounding=ROUNDING_MODES.get(rounding, ROUND_FLOOR)))
    shown = f"{number(share)} % от {n} = {number(raw)}"
    if raw != count:
        shown += f" → {count}"
    return count, f"{shown} ({ROUNDING_WORDS.get(rounding, rounding)})"


def rank_entries(entries: Iterable[Entry], rule: QuotaRule) -> dict[Hashable, Outcome]:
    groups: dict[Hashable, list[Entry]] = defaultdict(list)
    for entry in entries:
        if entry.score is not None:
            groups[entry.group].append(entry)
    result: dict[Hashable, Outcome] = {}
    for members in groups.values():
        _rank_group(members, rule, result)
    return result


@dataclass(slots=True)
class _Group:
    """One group being ranked: the order, the places, the quotas and how far each status reaches."""

    members: list[Entry]
    shares: list[Decimal | Fraction]
    half: Decimal | Fraction
    order: list[int]
    ranks: list[int]
    total: int = 0
    total_text: str = ""
    winners: int = 0
    winners_text: str = ""
    eligible: int = 0
    may_win: int = 0
    winners_count: int = 0
    winners_tie: str = ""
    awarded_count: int = 0
    total_tie: str = ""

    def cut(self, limit: int, available: int) -> tuple[int, str]:
        """How many of the first `available` get the status under the quota `limit`, with the tie rule."""
        if limit <= 0 or available == 0:
            return 0, ""
        if limit >= available:
            return available, ""
        shares, order = self.shares, self.order
        boundary = shares[order[limit - 1]]
        if shares[order[limit]] != boundary:
            return limit, ""
        if boundary > self.half:
            end = limit
            while end < len(order) and shares[order[end]] == boundary:
                end += 1
            return end, "exceeded"
        start = limit - 1
        while start > 0 and shares[order[start - 1]] == boundary:
            start -= 1
        return start, "undershot"


def _prepare(members: list[Entry], rule: QuotaRule) -> _Group:
    maxima = {entry.max_score for entry in members}
    shares: list[Decimal | Fraction]
    if len(maxima) == 1:
        # One maximum: the score itself orders and compares (the usual case, and fast).
        maximum = next(iter(maxima))
        shares = [entry.score for entry in members]  # type: ignore[misc]
        half: Decimal | Fraction = maximum / 2
        award_min: Decimal | Fraction = maximum * rule.min_award_share / HUNDRED
    else:
        shares = [Fraction(entry.score) / Fraction(entry.max_score) for entry in members]  # type: ignore[arg-type]
        half = Fraction(1, 2)
        award_min = Fraction(rule.min_award_share) / 100
    order = sorted(range(len(members)), key=lambda i: (-shares[i], members[i].name_key))
    n = len(order)
    ranks = [0] * n
    for position, i in enumerate(order):
        if position and shares[i] == shares[order[position - 1]]:
            ranks[position] = ranks[position - 1]
        else:
            ranks[position] = position + 1
    group = _Group(members, shares, half, order, ranks)
    group.total, group.total_text = quota(n, rule.total_share, rule.rounding)
    group.winners, group.winners_text = quota(n, rule.winners_share, rule.rounding)
    # Eligibility is monotone in the share, so the eligible form a prefix of the order.
    while group.eligible < n and shares[order[group.eligible]] >= award_min:
        group.eligible += 1
    while group.may_win < group.eligible and shares[order[group.may_win]] > half:
        group.may_win += 1
    group.winners_count, group.winners_tie = group.cut(group.winners, group.may_win)
    awarded, group.total_tie = group.cut(group.total, group.eligible)
    group.awarded_count = max(awarded, group.winners_count)
    return group


EXCEEDED = "; квота превышена: равные баллы на границе квоты больше половины максимума"


def _rank_group(members: list[Entry], rule: QuotaRule, result: dict[Hashable, Outcome]) -> None:
    g = _prepare(members, rule)
    min_text = number(rule.min_award_share)
    for position, i in enumerate(g.order):
        entry = members[i]
        result[entry.key] = _outcome(g, position, entry, min_text)


def _outcome(g: _Group, position: int, entry: Entry, min_text: str) -> Outcome:
    score = entry.score
    assert score is not None
    of = f"{number(score)} из {number(entry.max_score)}"
    rank = g.ranks[position]
    place = f"{rank}-е место"
    if position < g.winners_count:
        reason = f"Победитель: {place}, {of} (больше половины максимума); квота победителей {g.winners_text}"
        if g.winners_tie == "exceeded" and position >= g.winners:
            reason += EXCEEDED
        return Outcome(rank, WINNER, reason)
    if position < g.awarded_count:
        reason = (
            f"Призёр: {place}, {of} (не меньше {min_text} % максимума); "
            f"квота победителей и призёров {g.total_text}"
        )
        if g.total_tie == "exceeded" and position >= g.total:
            reason += EXCEEDED
        if g.may_win == 0 and g.winners > 0:
            reason += "; победителей нет: никто не набрал больше половины максимума"
        elif position < g.may_win and g.winners_tie == "undershot":
            reason += (
                f"; не победитель: равные баллы на границе квоты победителей — никто из набравших "
                f"{number(score)} не признан победителем"
            )
        return Outcome(rank, PRIZE_WINNER, reason)
    if position >= g.eligible:
        return Outcome(rank, PARTICIPANT, f"Участник: {of} — меньше {min_text} % максимума")
    if g.total_tie == "undershot" and g.shares[g.order[position]] == g.shares[g.order[g.total - 1]]:
        return Outcome(
            rank,
            PARTICIPANT,
            f"Участник: {place}, {of}; равные баллы на границе квоты не больше половины "
            f"максимума — никто из набравших {number(score)} не награждён "
            f"(квота победителей и призёров {g.total_text})",
        )
    return Outcome(
        rank,
        PARTICIPANT,
        f"Участник: {place}, {of} — за пределами квоты победителей и призёров {g.total_text}",
    )
