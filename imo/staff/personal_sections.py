"""What the domain apps hold about one educator, for the subject's export and for erasure (152-ФЗ ст. 14
and 21).

Staff must not import the apps above it (attestation, training, olympiads, …), so each of them registers
here from its AppConfig.ready(): a section (a sheet of the subject's export: title, columns and a function
that gives the rows about the educator) and, where it holds something that erasure must destroy, an
eraser called inside the erasure's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from imo.staff.models import Educator

RowsOf = Callable[[Educator], Iterable[Sequence[Any]]]
Eraser = Callable[[Educator], None]


@dataclass(frozen=True)
class PersonalSection:
    title: str  # the sheet's name (≤ 31 characters in Excel)
    columns: tuple[tuple[str, int], ...]  # header and column width
    rows_of: RowsOf
    empty: str = "Сведений нет."


_sections: dict[str, PersonalSection] = {}
_erasers: dict[str, Eraser] = {}


def register_section(
    title: str, columns: Sequence[tuple[str, int]], rows_of: RowsOf, *, empty: str = "Сведений нет."
) -> None:
    """Add (or replace, on a second ready()) a sheet of the educator's subject-access export."""
    if len(title) > 31 or set(title) & set("[]:*?/\\"):
        raise ValueError(f"Not a valid Excel sheet name: {title!r}")
    _sections[title] = PersonalSection(title, tuple(columns), rows_of, empty)


def register_eraser(fn: Eraser) -> None:
    """Add a function that destroys what an app holds about the educator; called in erasure's transaction
    before the educator's own fields are destroyed (so the record still names its account)."""
    _erasers[f"{fn.__module__}.{fn.__qualname__}"] = fn


def sections() -> tuple[PersonalSection, ...]:
    return tuple(_sections.values())


def erasers() -> tuple[Eraser, ...]:
    return tuple(_erasers.values())
