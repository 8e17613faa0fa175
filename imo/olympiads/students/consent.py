"""The deadline of parents' statements (olympiads.md, 6): no later than 10 working days before the school
stage starts. Working days are Monday to Friday without the Russian public holidays of the list below
(Трудовой кодекс, ст. 112; the government's yearly transfers of days off are not modelled)."""

from __future__ import annotations

import datetime as dt
from typing import Any

WORKING_DAYS_BEFORE = 10

#: (month, day) of the non-working public holidays (ТК РФ, ст. 112).
HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {(1, day) for day in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}
)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The working day `count` working days before `day` (`day` itself is not counted)."""
    current = day
    left = count
    while left > 0:
        current -= dt.timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


def consent_deadline(stage: Any) -> dt.date:
    """The last day a parent's statement counts for `stage` (a Stage, or anything with `starts_on`)."""
    starts_on: dt.date = stage.starts_on
    return working_days_before(starts_on, WORKING_DAYS_BEFORE)


def signed_late(signed_on: dt.date | None, deadline: dt.date | None) -> bool:
    """A statement signed after the deadline: shown as a warning, never refused."""
    return bool(signed_on and deadline and signed_on > deadline)
