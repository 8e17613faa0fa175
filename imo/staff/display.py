"""How personal data look to someone who may not see them in full: lists mask СНИЛС and birth date."""

from __future__ import annotations

import datetime as dt

from imo.core.identifiers import format_snils


def mask_snils(digits: str) -> str:
    """ "11223344595" → "***-***-*** 95" (the check number alone identifies no one)."""
    if not digits:
        return ""
    return f"***-***-*** {digits[-2:]}"


def mask_birth_date(value: dt.date | None) -> str:
    return "**.**.****" if value else ""


def snils_shown(digits: str, *, full: bool) -> str:
    return format_snils(digits) if full and digits else mask_snils(digits)
