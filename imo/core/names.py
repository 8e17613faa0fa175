"""Russian person names: «Фамилия Имя Отчество», «Фамилия И. О.», and parsing ФИО from one cell.

Letters are never changed from one alphabet to another: a Latin «a» typed inside «Ивaнов» stays Latin
(silently "fixing" it could merge two different people); `mixed_script_words()` finds such words so an
import or a form can point at them. Ё is kept as typed; comparisons use `name_key()` (folded, ё→е).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from imo.core.text import collapse_spaces, fold

# Turkic patronymic particles written as a separate word: «Алиев Руслан Магомед оглы».
PATRONYMIC_PARTICLES = frozenset({"оглы", "оглу", "улы", "уулу", "кызы", "кизи", "гызы"})

_DASHES = re.compile(r"\s*[-\u2010\u2011\u2012\u2013\u2014\u2212]\s*")
_INITIALS = re.compile(r"^((?:[^\W\d_]\.)+)([^\W\d_]\.?)?$")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "`": "'"})
_ALLOWED = re.compile(r"^[^\W\d_]+(?:['.-][^\W\d_]*)*\.?$")


class PersonNameError(ValueError):
    """The text is not a person's name; `str(error)` is a Russian message for the user."""


@dataclass(frozen=True)
class PersonName:
    last_name: str
    first_name: str = ""
    patronymic: str = ""

    @property
    def full(self) -> str:
        """«Фамилия Имя Отчество» (parts that are empty are left out)."""
        return full_name(self.last_name, self.first_name, self.patronymic)

    @property
    def short(self) -> str:
        """«Фамилия И. О.»"""
        return short_name(self.last_name, self.first_name, self.patronymic)

    @property
    def key(self) -> str:
        """The folded form used to find the same person written differently."""
        return name_key(self.last_name, self.first_name, self.patronymic)


def full_name(last_name: str | None, first_name: str | None = "", patronymic: str | None = "") -> str:
    """«Фамилия Имя Отчество» from its parts; extra spaces are collapsed, empty parts left out."""
    parts = (collapse_spaces(part or "") for part in (last_name, first_name, patronymic))
    return " ".join(part for part in parts if part)


def initial(name: str | None) -> str:
    """«И.» for «Иван», «А.-М.» for «Анна-Мария», «М.» for «Магомед оглы», «» for an empty name."""
    words = collapse_spaces(name or "").split(" ")
    pieces = [piece for piece in words[0].split("-") if piece] if words[0] else []
    letters = [next((char for char in piece if char.isalpha()), "") for piece in pieces]
    return "-".join(f"{letter.upper()}." for letter in letters if letter)


def initials(first_name: str | None, patronymic: str | None = "") -> str:
    """«И. О.» (or «И.» without a patronymic)."""
    return " ".join(part for part in (initial(first_name), initial(patronymic)) if part)


def short_name(last_name: str | None, first_name: str | None = "", patronymic: str | None = "") -> str:
    """«Фамилия И. О.»"""
    return " ".join(
        part for part in (collapse_spaces(last_name or ""), initials(first_name, patronymic)) if part
    )


def name_key(last_name: str | None, first_name: str | None = "", patronymic: str | None = "") -> str:
    """Folded ФИО (case, ё→е, spaces) for duplicate detection: «ЁЛКИНА  анна» and «Елкина Анна» match."""
    return fold(full_name(last_name, first_name, patronymic))


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    if name.startswith("LATIN"):
        return "latin"
    return "other"


def mixed_script_words(text: str | None) -> list[str]:
    """Words that mix Cyrillic and Latin letters («Ивaнов» with a Latin «a»): usually a typing slip."""
    found: list[str] = []
    for word in collapse_spaces(text or "").split(" "):
        scripts = {_script(char) for char in word if char.isalpha()}
        if {"cyrillic", "latin"} <= scripts:
            found.append(word)
    return found


def _fix_case(word: str) -> str:
    """«ИВАНОВ»/«иванов» → «Иванов», each part of «ИВАНОВА-петрова» too; «МакКвин» is left as written."""
    return "-".join(_fix_part_case(part) for part in word.split("-"))


def _fix_part_case(part: str) -> str:
    if sum(char.isalpha() for char in part) < 2 or not (part.isupper() or part.islower()):
        return part
    return part[:1].upper() + part[1:].lower()


def _tidy_case(word: str) -> str:
    if len(word) == 2 and word.endswith("."):  # an initial
        return word.upper()
    return _fix_case(word)


def _words(text: str) -> list[str]:
    cleaned = collapse_spaces(text.replace(",", " ").translate(_APOSTROPHES))
    cleaned = _DASHES.sub("-", cleaned).strip("-")
    words: list[str] = []
    for word in cleaned.split(" "):
        match = _INITIALS.match(word)
        if match and len(word) > 2:  # «И.О.» → «И.», «О.»
            letters = [char for char in word if char.isalpha()]
            words.extend(f"{letter}." for letter in letters)
        elif word:
            letters = [char for char in word if char.isalpha()]
            words.append(word.rstrip(".") if len(letters) > 1 else word)  # «Иванович.» at the end
    return [word for word in words if word]


def parse_full_name(text: str | None, *, fix_case: bool = True) -> PersonName:
    """Split «Фамилия Имя Отчество» from one cell.

    Tolerates extra and non-breaking spaces, commas, spaces around the hyphen of a double surname
    («Иванова - Петрова»), a missing patronymic, patronymics with «оглы»/«кызы», initials written
    together («Иванов И.И.»). With `fix_case` a word typed all upper or all lower case is capitalised.
    Raises `PersonNameError` with a Russian message when the text cannot be a name.
    """
    words = _words(text or "")
    if not words:
        raise PersonNameError("Укажите фамилию, имя и отчество.")
    bad = [word for word in words if not _ALLOWED.match(word)]
    if bad:
        raise PersonNameError(
            f"В ФИО недопустимые символы: «{' '.join(bad)}». Допустимы буквы, дефис и апостроф."
        )
    if len(words) == 1:
        raise PersonNameError(f"Укажите фамилию и имя через пробел: в ФИО одно слово «{words[0]}».")
    if fix_case:
        words = [_tidy_case(word) for word in words]
    if len(words) == 4 and words[3].casefold() in PATRONYMIC_PARTICLES:
        particle = words[3].casefold() if fix_case else words[3]
        return PersonName(words[0], words[1], f"{words[2]} {particle}")
    if len(words) > 3:
        raise PersonNameError(
            f"В ФИО больше трёх слов: «{' '.join(words)}». Ожидается «Фамилия Имя Отчество»; "
            "части двойной фамилии пишутся через дефис."
        )
    return PersonName(*words)


@functools.lru_cache(maxsize=32_768)
def parsed_full_name(text: str) -> PersonName:
    """parse_full_name, once per text: an import's cell validator and its row normalisation both need it."""
    return parse_full_name(text)


def validate_full_name(value: str) -> None:
    """A cell or field validator: ФИО in one cell, with parse_full_name's Russian message when it fails."""
    try:
        parsed_full_name(value)
    except PersonNameError as error:
        raise ValidationError(str(error)) from None
