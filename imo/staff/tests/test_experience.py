"""Ages, experience and bands for a chosen date (statistics.md), and the date ranges the database uses."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imo.staff.experience import (
    AGE_BANDS,
    EXPERIENCE_BANDS,
    add_years,
    band_of,
    format_length,
    full_years,
    is_early_career,
    start_from_length,
    start_range,
    statistics_age_date,
    years_months,
)

dates = st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2040, 12, 31))


def test_full_years_counts_completed_years():
    assert full_years(dt.date(1990, 5, 17), dt.date(2026, 5, 16)) == 35
    assert full_years(dt.date(1990, 5, 17), dt.date(2026, 5, 17)) == 36
    assert full_years(dt.date(2000, 2, 29), dt.date(2026, 2, 28)) == 25
    assert full_years(dt.date(2000, 2, 29), dt.date(2026, 3, 1)) == 26
    assert full_years(None, dt.date(2026, 1, 1)) is None
    assert full_years(dt.date(2027, 1, 1), dt.date(2026, 1, 1)) == 0


def test_length_as_of_a_date_round_trips():
    start = start_from_length(12, 3, dt.date(2025, 9, 1))
    assert start == dt.date(2013, 6, 1)
    assert years_months(start, dt.date(2025, 9, 1)) == (12, 3)
    # it keeps accruing after the date it was given for
    assert years_months(start, dt.date(2026, 9, 1)) == (13, 3)
    assert format_length((12, 3)) == "12 лет 3 мес."
    assert format_length((1, 0)) == "1 год"
    assert format_length((22, 0)) == "22 года"


def test_early_career_is_under_three_years_of_teaching():
    on = dt.date(2026, 11, 25)
    assert is_early_career(dt.date(2024, 9, 1), on)
    assert not is_early_career(dt.date(2023, 11, 25), on)
    assert not is_early_career(None, on)


def test_age_for_statistics_is_counted_on_1_january_next_year():
    assert statistics_age_date(dt.date(2026, 11, 25)) == dt.date(2027, 1, 1)


def test_bands_cover_every_age_once():
    for years in range(0, 100):
        matching = [b for b in AGE_BANDS if years >= b.low and (b.high is None or years < b.high)]
        assert len(matching) == 1
        assert band_of(AGE_BANDS, years) == matching[0]
    assert band_of(EXPERIENCE_BANDS, 2) == EXPERIENCE_BANDS[0]
    assert band_of(EXPERIENCE_BANDS, 20) == EXPERIENCE_BANDS[-1]


@pytest.mark.parametrize("band", [*AGE_BANDS, *EXPERIENCE_BANDS], ids=lambda b: b.key)
def test_start_range_matches_band_of_on_edges(band):
    on = dt.date(2026, 3, 1)
    after, not_after = start_range(band, on)
    if not_after is not None:
        assert band_of((band,), full_years(not_after, on)) == band
        assert band_of((band,), full_years(not_after + dt.timedelta(days=1), on)) != band
    if after is not None:
        assert band_of((band,), full_years(after, on)) != band
        assert band_of((band,), full_years(after + dt.timedelta(days=1), on)) == band


@given(start=dates, on=dates)
def test_start_range_agrees_with_full_years(start, on):
    years = full_years(start, on)
    for band in AGE_BANDS:
        after, not_after = start_range(band, on)
        in_range = (after is None or start > after) and (not_after is None or start <= not_after)
        assert in_range == (band_of(AGE_BANDS, years) == band)


def test_add_years_on_29_february():
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
