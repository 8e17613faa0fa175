"""Checks of Russian identifiers (../shared/domain/validation.md): СНИЛС, ИНН, ОГРН, ОГРНИП, КПП.

Each `normalize_*` accepts any common formatting (spaces, hyphens) and returns the bare digits; each
validator raises ValidationError with a Russian message.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

_NON_DIGITS = re.compile(r"[\s\-‐‑–—.]")


def digits_only(value: str | int | None) -> str:
    """Strip separators people type (spaces, hyphens, dots); letters are kept so that they fail checks."""
    if value is None:
        return ""
    return _NON_DIGITS.sub("", str(value)).strip()


def _ascii_digits(value: str) -> bool:
    """Only 0–9: `str.isdigit()` also takes "²" and "١", which `int()` rejects or a register cannot read."""
    return value.isascii() and value.isdigit()


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False))


def inn_is_valid(value: str) -> bool:
    if not _ascii_digits(value) or len(value) not in (10, 12):
        return False
    if len(value) == 10:
        check = _weighted(value, (2, 4, 10, 3, 5, 9, 4, 6, 8)) % 11 % 10
        return check == int(value[9])
    first = _weighted(value, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) % 11 % 10
    second = _weighted(value, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) % 11 % 10
    return first == int(value[10]) and second == int(value[11])


def ogrn_is_valid(value: str) -> bool:
    if not _ascii_digits(value):
        return False
    if len(value) == 13:
        return int(value[:12]) % 11 % 10 == int(value[12])
    if len(value) == 15:  # ОГРНИП
        return int(value[:14]) % 13 % 10 == int(value[14])
    return False


def snils_is_valid(value: str) -> bool:
    if not _ascii_digits(value) or len(value) != 11:
        return False
    number, check = value[:9], int(value[9:])
    if int(number) <= 1001998:  # the checksum applies only above 001-001-998
        return True
    total = _weighted(number, (9, 8, 7, 6, 5, 4, 3, 2, 1))
    if total < 100:
        expected = total
    elif total in (100, 101):
        expected = 0
    else:
        expected = total % 101
        if expected == 100:
            expected = 0
    return expected == check


_KPP = re.compile(r"^\d{4}[0-9A-Z]{2}\d{3}$", re.ASCII)  # \d would take "١" too


def kpp_is_valid(value: str) -> bool:
    return bool(_KPP.match(value))


def validate_inn(value: str) -> None:
    digits = digits_only(value)
    if not _ascii_digits(digits) or len(digits) not in (10, 12):
        raise ValidationError("ИНН должен состоять из 10 цифр (организация) или 12 цифр (физическое лицо).")
    if not inn_is_valid(digits):
        raise ValidationError("ИНН введён с ошибкой: не сходится контрольное число.")


def validate_organization_inn(value: str) -> None:
    digits = digits_only(value)
    if len(digits) != 10:
        raise ValidationError("ИНН организации должен состоять из 10 цифр.")
    validate_inn(digits)


def validate_ogrn(value: str) -> None:
    digits = digits_only(value)
    if not _ascii_digits(digits) or len(digits) not in (13, 15):
        raise ValidationError("ОГРН должен состоять из 13 цифр (ОГРНИП — из 15).")
    if not ogrn_is_valid(digits):
        raise ValidationError("ОГРН введён с ошибкой: не сходится контрольное число.")


def validate_snils(value: str) -> None:
    digits = digits_only(value)
    if not _ascii_digits(digits) or len(digits) != 11:
        raise ValidationError("СНИЛС должен состоять из 11 цифр: XXX-XXX-XXX YY.")
    if not snils_is_valid(digits):
        raise ValidationError("СНИЛС введён с ошибкой: не сходится контрольное число.")


def validate_kpp(value: str) -> None:
    if not kpp_is_valid(digits_only(value).upper()):
        raise ValidationError("КПП должен иметь вид 9 знаков: 4 цифры, 2 цифры или латинские буквы, 3 цифры.")


def format_snils(digits: str) -> str:
    """11 digits → `XXX-XXX-XXX YY`, the form people read."""
    if len(digits) != 11:
        return digits
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:]}"
