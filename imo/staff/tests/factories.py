"""Educators for tests: `make_educator(district, school=…)` makes a person employed at a school."""

from __future__ import annotations

import datetime as dt
from typing import Any

from imo.orgs.models import Organization
from imo.reference.models import Position, Subject
from imo.staff.models import Educator, Employment
from imo.staff.services import educator_create, employment_start

_counter = {"n": 0}

# Valid СНИЛС numbers (checksums per validation.md) for tests that need several distinct ones.
VALID_SNILS = ("11223344595", "12345678964", "98765432183", "11122233345", "20030040050")


def snils_with_check(body: str) -> str:
    """A valid СНИЛС from its first nine digits (body > 001001998)."""
    total = sum(int(digit) * weight for digit, weight in zip(body, range(9, 0, -1), strict=True))
    if total < 100:
        check = total
    elif total in (100, 101):
        check = 0
    else:
        check = total % 101
        check = 0 if check == 100 else check
    return f"{body}{check:02d}"


def make_educator(
    *,
    municipality: Organization,
    school: Organization | None = None,
    position: str = "Учитель",
    subjects: tuple[str, ...] = (),
    is_main: bool = True,
    starts_on: dt.date | None = dt.date(2015, 9, 1),
    **data: Any,
) -> Educator:
    _counter["n"] += 1
    n = _counter["n"]
    values: dict[str, Any] = {
        "last_name": data.pop("last_name", f"Тестова{'ё' if n % 2 else ''}"),
        "first_name": data.pop("first_name", "Мария"),
        "patronymic": data.pop("patronymic", f"Ивановна{n}".rstrip("0123456789")),
        "sex": data.pop("sex", Educator.Sex.FEMALE),
        "birth_date": data.pop("birth_date", dt.date(1980, 1, 1) + dt.timedelta(days=n)),
        **data,
    }
    educator = educator_create(municipality=municipality, data=values)
    if school is not None:
        make_employment(
            educator, school, position=position, subjects=subjects, is_main=is_main, starts_on=starts_on
        )
    return educator


def make_employment(
    educator: Educator,
    organization: Organization,
    *,
    position: str = "Учитель",
    subjects: tuple[str, ...] = (),
    is_main: bool = True,
    starts_on: dt.date | None = dt.date(2015, 9, 1),
) -> Employment:
    position_obj, _ = Position.objects.get_or_create(name=position)
    subject_objs = [Subject.objects.get_or_create(name=name)[0] for name in subjects]
    return employment_start(
        educator=educator,
        organization=organization,
        position=position_obj,
        subjects=subject_objs,
        is_main=is_main,
        starts_on=starts_on,
    )
