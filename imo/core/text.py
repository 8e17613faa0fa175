"""Russian text normalisation shared by search, duplicate detection and sorting.

SQLite's LIKE/lower() fold only ASCII, so searchable models keep a column normalised by `fold()` and
queries are folded the same way: the result is identical on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")


def collapse_spaces(value: str) -> str:
    """Trim and collapse every run of whitespace (including non-breaking spaces) to one space."""
    return _SPACES.sub(" ", value.replace("\u00a0", " ")).strip()


def fold(value: str | None) -> str:
    """Case-fold, ё→е, collapsed spaces: the one form used for search and duplicate detection."""
    if not value:
        return ""
    # Most values are already clean (isprintable() is False for tabs, newlines and non-ASCII spaces):
    # skip the regular expression for them.
    if not (value.isprintable() and "  " not in value and value == value.strip()):
        value = collapse_spaces(value)
    return value.casefold().replace("ё", "е")


def search_text(*parts: str | None) -> str:
    """The normalised text a model stores for searching across several of its fields."""
    return " ".join(fold(part) for part in parts if part)


# Russian alphabet order with Ё beside Е (ICU's Russian collation treats ё as е at the primary level).
_ALPHABET = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}


def russian_sort_key(value: str | None) -> tuple[tuple[int, int | str], ...]:
    """A sort key that orders Cyrillic alphabetically, Ё as Е, digits and Latin after Cyrillic by code."""
    key: list[tuple[int, int | str]] = []
    # «№» sorts as a sign, before letters («СОШ № 1» before «СОШ с. …»); imo.core.collation.russian()
    # makes PostgreSQL agree (ICU alone would read it as the Latin "No", after Cyrillic).
    for char in fold(value).replace("№", "#"):
        rank = _RANK.get(char)
        if rank is not None:
            key.append((1, rank))
        elif char.isdigit():
            key.append((0, char))
        elif char.isalpha():
            key.append((2, char))
        else:
            key.append((0, " " if char == " " else char))
    return tuple(key)
