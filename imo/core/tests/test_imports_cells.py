import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imo.core.imports import cells


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.date(2024, 3, 1), dt.date(2024, 3, 1)),
        (dt.datetime(2024, 3, 1, 12, 30), dt.date(2024, 3, 1)),
        ("01.03.2024", dt.date(2024, 3, 1)),
        ("1.3.2024", dt.date(2024, 3, 1)),
        ("1.3.24", dt.date(2024, 3, 1)),
        ("01.03.75", dt.date(1975, 3, 1)),
        ("01/03/2024", dt.date(2024, 3, 1)),
        ("2024-03-01", dt.date(2024, 3, 1)),
        ("2024-03-01T00:00:00", dt.date(2024, 3, 1)),
        ("01.03.2024 10:15", dt.date(2024, 3, 1)),
        (45352.0, dt.date(2024, 3, 1)),  # Excel's serial number
        (45352, dt.date(2024, 3, 1)),
        ("45352", dt.date(2024, 3, 1)),
        ("  01.03.2024 ", dt.date(2024, 3, 1)),
    ],
)
def test_dates_in_every_listed_form(raw, expected):
    assert cells.to_date(raw) == expected


@pytest.mark.parametrize("raw", ["31.02.2024", "завтра", "2024-13-01", -5.0, True])
def test_bad_dates_get_a_russian_message(raw):
    with pytest.raises(cells.CellError) as error:
        cells.to_date(raw)
    assert "дат" in str(error.value).lower()


def test_calamine_floats_become_what_was_typed():
    assert cells.to_text(1.0) == "1"
    assert cells.to_text(2014001234.0) == "2014001234"
    assert cells.to_text(2.5) == "2.5"
    assert cells.to_int(7.0) == 7
    assert cells.to_int("1 200") == 1200
    assert cells.to_decimal(2.5) == Decimal("2.5")
    assert cells.to_decimal("3,75") == Decimal("3.75")
    with pytest.raises(cells.CellError):
        cells.to_int(2.5)
    with pytest.raises(cells.CellError):
        cells.to_decimal("много")


def test_text_is_trimmed_and_spaces_collapsed():
    assert cells.to_text("  СОШ \u00a0 №\t1  ") == "СОШ № 1"
    assert cells.to_text(dt.date(2024, 3, 1)) == "01.03.2024"


def test_identifiers_get_back_the_leading_zero_excel_dropped():
    assert cells.to_digits(105001234.0, (10,)) == "0105001234"
    assert cells.to_digits("010-500 1234", (10,)) == "0105001234"
    assert cells.to_digits(2014001234.0, (10,)) == "2014001234"
    assert cells.to_digits(12.0, (10,)) == "12"  # far off: left as is, the validator explains


@pytest.mark.parametrize(
    ("raw", "expected"), [("да", True), ("Нет", False), (1.0, True), ("+", True), ("-", False)]
)
def test_booleans(raw, expected):
    assert cells.to_bool(raw) is expected


def test_blank_cells():
    assert cells.is_blank(None) and cells.is_blank("  ") and cells.is_blank(float("nan"))
    assert not cells.is_blank(0.0)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_date_survives_its_written_forms(day):
    serial = (day - dt.date(1899, 12, 30)).days
    for raw in (f"{day:%d.%m.%Y}", day.isoformat(), float(serial), f"{day.day}.{day.month}.{day.year}"):
        assert cells.to_date(raw) == day
