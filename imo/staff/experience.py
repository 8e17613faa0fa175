"""Ages, experience and early-career status for a chosen date: computed, never stored (statistics.md).

Experience is kept as the date it would have started had it run without interruption; "N years M months
as of a date" converts to that date and back. Bands follow the state forms (statistics.md): teaching
experience under 3, 3–5, 5–10, 10–15, 15–20, 20 and more years; age in full years on 1 January of the
year after the chosen date's, under 25, 25–29, …, 60–64, 65 and more.

The same bands are date ranges of the stored dates (`*_range`), so the database filters and counts them
with indexed comparisons instead of computing an age for every row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

EARLY_CAREER_YEARS = 3


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: int  # full years, inclusive
    high: int | None  # full years, exclusive; None = no upper bound


EXPERIENCE_BANDS = (
    Band("0-3", "до 3 лет", 0, 3),
    Band("3-5", "от 3 до 5 лет", 3, 5),
    Band("5-10", "от 5 до 10 лет", 5, 10),
    Band("10-15", "от 10 до 15 лет", 10, 15),
    Band("15-20", "от 15 до 20 лет", 15, 20),
    Band("20+", "20 лет и более", 20, None),
)
AGE_BANDS = (
    Band("-25", "моложе 25 лет", 0, 25),
    *(Band(f"{a}-{a + 4}", f"{a}–{a + 4}", a, a + 5) for a in range(25, 65, 5)),
    Band("65+", "65 лет и старше", 65, None),
)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def full_years(start: dt.date | None, on: dt.date) -> int | None:
    """Completed years from `start` to `on` (None when start is unknown; 0 before it)."""
    if start is None:
        return None
    years = on.year - start.year - ((on.month, on.day) < (start.month, start.day))
    return max(years, 0)


def years_months(start: dt.date | None, on: dt.date) -> tuple[int, int] | None:
    """(years, months) completed from `start` to `on`."""
    if start is None:
        return None
    months = (on.year - start.year) * 12 + on.month - start.month - (on.day < start.day)
    months = max(months, 0)
    return divmod(months, 12)


def start_from_length(years: int, months: int, as_of: dt.date) -> dt.date:
    """The start date of an experience that was `years` y `months` m long on `as_of`."""
    return add_months(as_of, -(years * 12 + months))


def statistics_age_date(on: dt.date) -> dt.date:
    """Ages in the state forms are counted on 1 January of the year after the chosen date's."""
    return dt.date(on.year + 1, 1, 1)


def age(birth_date: dt.date | None, on: dt.date) -> int | None:
    return full_years(birth_date, on)


def is_early_career(teaching_start: dt.date | None, on: dt.date) -> bool:
    """Teaching experience under three years on `on` (unknown experience is not early-career)."""
    years = full_years(teaching_start, on)
    return years is not None and years < EARLY_CAREER_YEARS


def band_of(bands: tuple[Band, ...], years: int | None) -> Band | None:
    if years is None:
        return None
    for band in bands:
        if years >= band.low and (band.high is None or years < band.high):
            return band
    return None


def start_range(band: Band, on: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """Start dates (birth, experience start) whose full years on `on` fall in `band`: (after, not_after).

    full_years(start, on) ≥ low  ⟺ start ≤ on − low years;
    full_years(start, on) < high ⟺ start > on − high years.
    Returns (exclusive lower bound or None, inclusive upper bound or None).
    """
    not_after = add_years(on, -band.low) if band.low > 0 else None
    after = add_years(on, -band.high) if band.high is not None else None
    return after, not_after


def format_length(value: tuple[int, int] | None) -> str:
    """(12, 3) → "12 лет 3 мес."."""
    if value is None:
        return "—"
    years, months = value
    return f"{years} {_years_word(years)} {months} мес." if months else f"{years} {_years_word(years)}"


def _years_word(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "год"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return "года"
    return "лет"
