"""Cell normalisation: whatever a reader gives (calamine's floats and dates, CSV text) → one clean value.

Each `to_*` takes a raw cell and returns the value or raises `CellError` with a Russian message. Blank
cells are handled before these are called (`is_blank`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from imo.core.text import collapse_spaces, fold

# Excel's day zero (1899-12-30, so that serial 60 is the fictitious 29.02.1900 as in Excel).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers that are plausible dates: 01.01.1900 … 31.12.2199.
_SERIAL_MIN, _SERIAL_MAX = 1, 109_572
_DATE_DOTTED = re.compile(r"^(\d{1,2})[./\-](\d{1,2})[./\-](\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_TRUE = frozenset({"да", "д", "yes", "y", "true", "истина", "1", "+", "v", "✓", "x", "х"})
_FALSE = frozenset({"нет", "н", "no", "n", "false", "ложь", "0", "-", "—"})


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message is shown to the user."""


def is_blank(value: Any) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def number_text(value: float | int) -> str:
    """1.0 → "1", 2014001234.0 → "2014001234", 2.5 → "2.5": how a person typed the number."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value)


def to_text(value: Any) -> str:
    """Text with trimmed and collapsed spaces; numbers as typed (no ".0"), dates as дд.мм.гггг."""
    if isinstance(value, str):
        # Most cells are already clean: skip the regular expression for them.
        if value.isprintable() and "  " not in value and value == value.strip():
            return value
        return collapse_spaces(value.replace("\x00", ""))
    if isinstance(value, bool):
        text = "да" if value else "нет"
    elif isinstance(value, int | float):
        text = number_text(value)
    elif isinstance(value, dt.datetime):
        text = f"{value:%d.%m.%Y}" if value.time() == dt.time() else f"{value:%d.%m.%Y %H:%M}"
    elif isinstance(value, dt.date):
        text = f"{value:%d.%m.%Y}"
    elif isinstance(value, dt.time):
        text = f"{value:%H:%M}"
    else:
        text = collapse_spaces(str(value))
    return text


def to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("Ожидается целое число.")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(f"Ожидается целое число, а в ячейке {number_text(value)}.")
    text = to_text(value).replace(" ", "").replace("\u202f", "")
    try:
        return int(text)
    except ValueError:
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise CellError(f"Ожидается целое число, а в ячейке «{to_text(value)}».") from None
        if number != number.to_integral_value():
            raise CellError(f"Ожидается целое число, а в ячейке «{to_text(value)}».") from None
        return int(number)


def to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError("Ожидается число.")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = to_text(value).replace(" ", "").replace("\u202f", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"Ожидается число, а в ячейке «{to_text(value)}».") from None
    if not number.is_finite():
        raise CellError(f"Ожидается число, а в ячейке «{to_text(value)}».")
    return number


def _two_digit_year(year: int) -> int:
    """ "75" → 1975, "24" → 2024: years up to ten ahead of today are this century, the rest the last."""
    pivot = (dt.date.today().year + 10) % 100
    return 2000 + year if year <= pivot else 1900 + year


def _make_date(year: int, month: int, day: int, shown: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"Такой даты нет: «{shown}».") from None


def to_date(value: Any) -> dt.date:
    """A real date, an Excel serial number, дд.мм.гггг, д.м.гг, гггг-мм-дд (also with a time part)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError("Ожидается дата в виде дд.мм.гггг.")
    if isinstance(value, int | float):
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellError(f"Ожидается дата в виде дд.мм.гггг, а в ячейке число {number_text(value)}.")
    text = to_text(value)
    match = _DATE_DOTTED.match(text)
    if match:
        day, month, year_text = match.groups()
        year = int(year_text)
        if len(year_text) == 2:
            year = _two_digit_year(year)
        return _make_date(year, int(month), int(day), text)
    match = _DATE_ISO.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return _make_date(year, month, day, text)
    if text.isdecimal() and _SERIAL_MIN <= int(text) <= _SERIAL_MAX:
        # A serial number that arrived as text (CSV saved from a column without a date format).
        return _EXCEL_EPOCH + dt.timedelta(days=int(text))
    raise CellError(f"Ожидается дата в виде дд.мм.гггг, а в ячейке «{text}».")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = fold(to_text(value)).rstrip(".")
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"Ожидается «да» или «нет», а в ячейке «{to_text(value)}».")


def to_digits(value: Any, lengths: tuple[int, ...] = ()) -> str:
    """An identifier (ИНН, ОГРН, СНИЛС) as digits. A number cell lost its leading zeros in Excel: they are
    put back when one more or two more digits make a valid length."""
    from imo.core.identifiers import digits_only

    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = number_text(value)
        if lengths and digits.isdecimal() and len(digits) not in lengths:
            for length in sorted(lengths):
                if 0 < length - len(digits) <= 2:
                    return digits.zfill(length)
        return digits
    return digits_only(to_text(value))
