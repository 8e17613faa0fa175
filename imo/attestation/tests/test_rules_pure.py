import datetime as dt
from typing import Any

import pytest

from imo.attestation.due import academic_year_end, add_months, conformity_due, expires_within, lapsed
from imo.attestation.models import add_years, default_valid_until

ON = dt.date(2026, 11, 25)


def test_term_before_and_after_1_september_2023():
    assert default_valid_until(dt.date(2023, 8, 31)) == dt.date(2028, 8, 31)
    assert default_valid_until(dt.date(2023, 9, 1)) is None
    assert default_valid_until(dt.date(2020, 2, 29)) == dt.date(2025, 2, 28)
    assert default_valid_until(None) is None


def test_calendar_helpers():
    assert academic_year_end(dt.date(2026, 9, 1)) == dt.date(2027, 8, 31)
    assert academic_year_end(dt.date(2026, 8, 31)) == dt.date(2026, 8, 31)
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 25), 12) == dt.date(2027, 11, 25)
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


@pytest.mark.parametrize(
    ("last", "start", "due"),
    [
        (dt.date(2022, 8, 31), dt.date(2010, 9, 1), True),  # five years end within the academic year
        (dt.date(2022, 9, 1), dt.date(2010, 9, 1), False),  # the next academic year
        (None, dt.date(2021, 5, 1), True),  # never attested, five years in the position
        (None, dt.date(2023, 1, 1), False),  # under five years in the position
        (dt.date(2015, 1, 1), dt.date(2024, 9, 1), False),  # new position, under two years
        (dt.date(2015, 1, 1), None, True),  # overdue
        (None, None, False),  # nothing known
    ],
)
def test_conformity_due(last, start, due):
    assert conformity_due(on=ON, last_conformity=last, position_start=start) is due


def test_conformity_due_exclusions():
    base: dict[str, Any] = {"on": ON, "last_conformity": None, "position_start": dt.date(2010, 9, 1)}
    assert conformity_due(**base) is True
    assert conformity_due(**base, holds_category=True) is False
    assert conformity_due(**base, exempt_until=ON) is False
    assert conformity_due(**base, exempt_until=ON - dt.timedelta(days=1)) is True
    assert conformity_due(**{**base, "position_start": dt.date(2024, 11, 26)}) is False  # under two years
    assert conformity_due(**{**base, "position_start": dt.date(2024, 11, 25)}) is False  # two years, < five


def test_expiry_helpers():
    assert expires_within(dt.date(2027, 2, 25), on=ON, months=3)
    assert not expires_within(dt.date(2027, 2, 26), on=ON, months=3)
    assert expires_within(dt.date(2027, 5, 25), on=ON, months=6)
    assert not expires_within(None, on=ON, months=12)
    assert lapsed(dt.date(2026, 11, 24), on=ON) and not lapsed(None, on=ON) and not lapsed(ON, on=ON)
