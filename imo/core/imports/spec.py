"""How a module declares an import: its columns and a few hooks (see `ImportSpec`).

    class EducatorImport(ImportSpec):
        kind = "educators"
        title = "Педагогические работники"
        permission = "staff.add_educator"
        url_base = "staff:import"
        columns = (
            Column("last_name", "Фамилия", required=True),
            Column("snils", "СНИЛС", ColumnType.DIGITS, digits=(11,), validator=validate_snils),
            Column("birth_date", "Дата рождения", ColumnType.DATE),
            Column("position", "Должность", lookup=Lookup(positions, noun="должность")),
        )

        def find(self, context, values): ...     # the existing object of a row (natural key), or None
        def warnings(self, context, values, existing): ...  # what a human should look at (optional)
        def save(self, context, creates, updates, *, by, progress): ...   # one call to a bulk service

The framework reads the file, matches headers, normalises and validates cells, detects duplicates in
the file, asks `find`/`check`, computes what would change, and shows it; `save` runs in one transaction.
Errors (`find`, `check`) keep a row out; warnings (`warnings`) are shown on their row and column but the
row loads (e.g. a possible duplicate of a record that only a human can tell apart).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from imo.core.text import fold

Progress = Callable[[int, str], None]


def no_progress(percent: int, message: str) -> None:
    """The progress callback that reports nowhere."""


class ColumnType(enum.StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    EMAIL = "email"
    URL = "url"
    DIGITS = "digits"  # an identifier made of digits: ИНН, ОГРН, СНИЛС


TYPE_HINTS = {
    ColumnType.TEXT: "текст",
    ColumnType.INTEGER: "целое число",
    ColumnType.DECIMAL: "число",
    ColumnType.DATE: "дата: дд.мм.гггг (также д.м.гг, гггг-мм-дд или дата Excel)",
    ColumnType.BOOLEAN: "да / нет",
    ColumnType.CHOICE: "одно значение из списка",
    ColumnType.EMAIL: "адрес электронной почты",
    ColumnType.URL: "адрес сайта",
    ColumnType.DIGITS: "цифры (пробелы и дефисы можно)",
}


@dataclass
class ImportContext:
    """Who imports and with which options; `cache` holds what `prepare`/`fetch` loaded for the rows."""

    user: Any | None  # None when run from the command line
    options: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Lookup:
    """A related object found by one of its names among the objects this import may use.

    `options(context)` yields (object, names); a cell matches a name with case, ё, spaces and quotes
    ignored. `noun` names the object in messages: «Муниципалитет «…» не найден среди доступных».
    """

    options: Callable[[ImportContext], Iterable[tuple[Any, Sequence[str]]]]
    noun: str = "значение"


@dataclass(frozen=True)
class Column:
    key: str  # the name the row's values use (usually the model field)
    header: str  # the Russian header in the template
    type: ColumnType = ColumnType.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()  # other headers people use for this column
    choices: tuple[tuple[str, str], ...] = ()  # CHOICE: (value, label)
    choice_aliases: tuple[tuple[str, str], ...] = ()  # CHOICE: (other label, value)
    lookup: Lookup | None = None
    validator: Callable[[Any], None] | None = None  # raises django ValidationError
    max_length: int | None = None
    digits: tuple[int, ...] = ()  # DIGITS: allowed lengths (for putting back lost leading zeros)
    example: Any = ""
    help: str = ""  # shown on the instructions sheet of the template
    width: int = 20

    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    def allowed(self, context: ImportContext) -> list[str]:
        """Labels a person may type: the choices, or the first name of each lookup option."""
        if self.choices:
            return [label for _, label in self.choices]
        if self.lookup is not None:
            return [str(names[0]) for _, names in self.lookup.options(context) if names]
        return []


class RowProblem(Exception):
    """Raised by `find` (or returned by `check` and `warnings`): a problem of the row, tied to a column key
    or None. `url` (with `url_text`) is a page where the user can act on it, shown next to the message."""

    def __init__(self, column: str | None, message: str, *, url: str = "", url_text: str = "") -> None:
        super().__init__(message)
        self.column = column
        self.message = message
        self.url = url
        self.url_text = url_text


_NOT_WORD = re.compile(r"[^\w]+")
_QUOTES = re.compile(r"[«»\"'“”„`]")


def header_key(text: Any) -> str:
    """Headers compared without case, ё, spaces, punctuation and the required-mark "*"."""
    return _NOT_WORD.sub("", fold(str(text or "")).replace("*", ""))


def name_key(text: Any) -> str:
    """Names (choices, lookups) compared without case, ё, quotes and extra spaces."""
    return fold(_QUOTES.sub("", str(text or "")))


class ImportSpec:
    """Base class of an import declaration. Subclasses set the class attributes and override hooks."""

    kind: ClassVar[str]
    title: ClassVar[str]  # what is imported, for page titles: "Образовательные организации"
    permission: ClassVar[str]  # the rules permission the pages require
    url_base: ClassVar[str] = ""  # "orgs:import" → orgs:import, orgs:import_template, orgs:import_run…
    columns: ClassVar[tuple[Column, ...]]
    sheet_name: ClassVar[str] = "Данные"
    # Asked on the upload form when the user may choose (e.g. the municipality for rows without one).
    scope_label: ClassVar[str] = ""
    # When set (e.g. "_row"), each row's values carry its number in the file under this key, for imports
    # that keep rows aside for a person to resolve. Start it with "_" so that `changes` and `save` skip it.
    row_number_key: ClassVar[str] = ""

    # --- hooks ------------------------------------------------------------------------------------

    def scope_choices(self, user: Any) -> list[tuple[int, str]]:
        """Options of the upload form's scope field; the field is shown only with two or more."""
        return []

    def check_options(self, context: ImportContext) -> str:
        """A Russian message when context.options cannot be used (e.g. no such organisation), else ""."""
        return ""

    def prepare(self, context: ImportContext) -> None:
        """Load what every row needs (scope, defaults) into context.cache: a fixed number of queries."""

    def keys(self, context: ImportContext, values: dict[str, Any]) -> list[tuple[str, str, Hashable]]:
        """Natural keys of a row as (column key, what it is, key); each must be unique in the file.
        The second row with the same key gets «Повторяет строку N: <what it is>»."""
        return []

    def fetch(self, context: ImportContext, rows: list[dict[str, Any]]) -> None:
        """Load the existing objects the valid rows may match, in a few queries, into context.cache."""

    def find(self, context: ImportContext, values: dict[str, Any]) -> Any | None:
        """The existing object this row updates, or None for a new one. May raise RowProblem."""
        return None

    def complete(self, context: ImportContext, values: dict[str, Any], existing: Any | None) -> None:
        """Fill defaults a new row needs (values holds only the non-empty cells)."""

    def check(
        self, context: ImportContext, values: dict[str, Any], existing: Any | None
    ) -> Iterable[RowProblem]:
        """Rules across columns; return the problems."""
        return ()

    def warnings(
        self, context: ImportContext, values: dict[str, Any], existing: Any | None
    ) -> Iterable[RowProblem]:
        """What a human should look at in a row that has no errors (asked after `check`): shown on the
        row and column, counted, but never blocking — the row is saved. E.g. a new person with the name
        and birth date of a record under another СНИЛС (maybe a typo, maybe a namesake)."""
        return ()

    def changes(
        self, context: ImportContext, existing: Any, values: dict[str, Any]
    ) -> dict[str, tuple[Any, Any]]:
        """Fields whose value the row changes: {key: (old, new)}. Empty cells change nothing; keys starting
        with "_" are the import's own (e.g. `row_number_key`), never fields."""
        found: dict[str, tuple[Any, Any]] = {}
        for key, new in values.items():
            if key.startswith("_"):
                continue
            old = getattr(existing, key, None)
            if old != new:
                found[key] = (old, new)
        return found

    def describe(self, values: dict[str, Any]) -> str:
        """How a row is named in the preview."""
        for column in self.columns:
            value = values.get(column.key)
            if isinstance(value, str) and value:
                return value
        return ""

    def save(
        self,
        context: ImportContext,
        creates: list[dict[str, Any]],
        updates: list[tuple[Any, dict[str, Any]]],
        *,
        by: Any | None,
        progress: Progress,
    ) -> None:
        """Write the rows through the domain's services; runs inside one transaction."""
        raise NotImplementedError

    def example_rows(self, context: ImportContext) -> list[dict[str, Any]]:
        """The example row(s) of the template."""
        return [{column.key: column.example for column in self.columns}]

    # --- derived ----------------------------------------------------------------------------------

    def url_name(self, page: str = "") -> str:
        return f"{self.url_base}_{page}" if page else self.url_base

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def header_index(self) -> dict[str, Column]:
        cached: dict[str, Column] | None = self.__dict__.get("_header_index")
        if cached is not None:
            return cached
        index: dict[str, Column] = {}
        for column in self.columns:
            for name in column.names():
                index.setdefault(header_key(name), column)
        self.__dict__["_header_index"] = index
        return index

    def header_score(self, cells: Sequence[Any]) -> int:
        index = self.header_index()
        return len({index[key].key for cell in cells if (key := header_key(cell)) in index})
