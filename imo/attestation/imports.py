"""The import of category history from Excel (issue #5, item 7): what the office keeps in its own tables
(`imo import categories FILE`, «Загрузить историю категорий из Excel» on the due page).

One row is one category award of one educator. How a row finds its educator, among the educators the
importing user may edit (the office's editors: their municipalities; a school admin: the people working at
their school now; the command line: everyone):

1. by СНИЛС, when the row has one and an educator in scope holds it. When the row also gives a full name,
   the given name and patronymic must agree with the record (the surname may have changed on marriage, and
   old orders keep the old one), else «СНИЛС и ФИО относятся к разным педагогам»;
2. else by the full name (folded: case, ё, spaces ignored), when exactly one educator in scope has it and
   holds no other СНИЛС than the row's;
3. else the row is an error: «Педагог не найден: …» or, for namesakes, «Найдено несколько педагогов с ФИО
   …; укажите СНИЛС». Nobody is guessed and nobody is created.

A row is the same record as an existing category of the educator with the same kind and award date: a
re-import of the same file changes nothing; a different order number, order date or end date updates it.
The date rules are those of `imo.attestation.services.category_clean`; «педагог-методист» and
«педагог-наставник» need a highest category valid on their award date, in the database or in a valid row of
the same file. Rows are written in bulk by `imo.attestation.category_import.category_import_many`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from imo.attestation.models import QualificationCategory, default_valid_until
from imo.attestation.services import MSG_FUTURE, MSG_NEEDS_HIGHEST, MSG_UNTIL_BEFORE, NEEDS_HIGHEST
from imo.core.identifiers import validate_snils
from imo.core.imports.registry import register
from imo.core.imports.spec import Column, ColumnType, ImportContext, ImportSpec, Progress, RowProblem
from imo.core.names import (
    PersonNameError,
    full_name,
    parsed_full_name,
    validate_full_name,
)
from imo.core.text import fold
from imo.orgs.models import OFFICE_EDITOR_ROLES, Role
from imo.orgs.selectors import paths_q, scope_paths
from imo.staff.display import mask_snils
from imo.staff.models import Educator
from imo.staff.selectors import employed_in
from imo.staff.services import name_key_of

PERMISSION = "attestation.import_categories"  # granted in imo.attestation.rules

Kind = QualificationCategory.Kind
_KIND_LABELS = dict(Kind.choices)
_BATCH = 900  # keys per IN (…): below SQLite's 999 parameters
_READ_ALL_ABOVE = 2000
_UPDATABLE = ("order_number", "order_date", "valid_until")

# How offices write the categories in their tables (compared without case, ё, quotes and extra spaces).
_KIND_SPELLINGS: dict[str, tuple[str, ...]] = {
    Kind.FIRST: (
        "1",
        "I",
        "1 категория",
        "1-я",
        "1-я категория",
        "первая категория",
        "первая квалификационная категория",
        "первая кв. категория",
        "первая кв.категория",
        "ПКК",
    ),
    Kind.HIGHEST: (
        "высш",
        "высш.",
        "высшая категория",
        "высшая квалификационная категория",
        "высшая кв. категория",
        "высшая кв.категория",
        "ВКК",
    ),
    Kind.METHODIST: (
        "методист",
        "педагог методист",
        "педагог - методист",
        "квалификационная категория педагог-методист",
    ),
    Kind.MENTOR: (
        "наставник",
        "педагог наставник",
        "педагог - наставник",
        "квалификационная категория педагог-наставник",
    ),
}


COLUMNS: tuple[Column, ...] = (
    Column(
        "full_name",
        "ФИО",
        aliases=(
            "Ф.И.О.",
            "Фамилия Имя Отчество",
            "Фамилия, имя, отчество",
            "Фамилия, имя, отчество (при наличии)",
            "ФИО педагога",
            "ФИО работника",
            "Педагог",
            "Работник",
        ),
        validator=validate_full_name,
        max_length=300,
        example="Иванова Мария Петровна",
        help="Фамилия, имя и отчество в одной ячейке. Нужны ФИО или СНИЛС (лучше оба).",
        width=32,
    ),
    Column(
        "snils",
        "СНИЛС",
        ColumnType.DIGITS,
        aliases=("Номер СНИЛС", "СНИЛС (11 цифр)", "Страховой номер", "Страховой номер (СНИЛС)"),
        digits=(11,),
        validator=validate_snils,
        example="112-233-445 95",
        help="11 цифр (XXX-XXX-XXX YY). По СНИЛС педагог находится надёжнее, чем по ФИО.",
        width=16,
    ),
    Column(
        "kind",
        "Категория",
        ColumnType.CHOICE,
        required=True,
        aliases=("Квалификационная категория", "Кв. категория", "Присвоенная категория"),
        choices=tuple((value, str(label)) for value, label in Kind.choices),
        choice_aliases=tuple(
            (spelling, kind) for kind, spellings in _KIND_SPELLINGS.items() for spelling in spellings
        ),
        example="высшая",
        help="«первая», «высшая», «педагог-методист» или «педагог-наставник» (понимаются и «1», "
        "«высшая квалификационная категория», «методист», «наставник»).",
        width=20,
    ),
    Column(
        "order_number",
        "Номер приказа",
        aliases=("№ приказа", "Приказ №", "Номер распоряжения", "Приказ"),
        max_length=50,
        example="1234-п",
        help="Номер приказа (распоряжения) о присвоении категории.",
        width=16,
    ),
    Column(
        "order_date",
        "Дата приказа",
        ColumnType.DATE,
        aliases=("Дата приказа (дд.мм.гггг)", "От", "Приказ от", "Дата распоряжения"),
        example=dt.date(2024, 3, 28),
        help="дд.мм.гггг. Если «Дата присвоения» не заполнена, категория считается присвоенной этой датой.",
        width=14,
    ),
    Column(
        "awarded_on",
        "Дата присвоения",
        ColumnType.DATE,
        aliases=("Дата присвоения категории", "Присвоена", "Дата установления"),
        example=dt.date(2024, 3, 28),
        help="дд.мм.гггг. Если пусто — дата приказа.",
        width=14,
    ),
    Column(
        "valid_until",
        "Действует до",
        ColumnType.DATE,
        aliases=("Срок действия", "Срок действия до", "Действительна до", "Дата окончания", "Окончание"),
        example="",
        help="дд.мм.гггг. Если пусто: для категорий, присвоенных с 01.09.2023, срок не ограничен; для "
        "присвоенных раньше — пять лет со дня присвоения.",
        width=14,
    ),
)


# --- who the rows may be --------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """What matching needs of an educator (read once for the whole scope, not per row)."""

    pk: int
    snils: str
    name_key: str
    first_name: str
    patronymic: str
    name: str


@dataclass
class Match:
    person: Person | None = None
    problem: RowProblem | None = None
    surname_differs: bool = False


@dataclass
class Known:
    """The scope's educators and the categories the rows may meet (loaded by `prepare` and `fetch`)."""

    by_snils: dict[str, Person] = field(default_factory=dict)
    by_name: dict[str, list[Person]] = field(default_factory=dict)
    categories: dict[tuple[int, str, dt.date], QualificationCategory] = field(default_factory=dict)
    # educator id → (awarded_on, valid_until) of the highest categories in the database and in the file
    highest: dict[int, list[tuple[dt.date, dt.date | None]]] = field(default_factory=dict)


def educators_in_scope(user: Any | None) -> QuerySet[Educator]:
    """The educators whose categories `user` may load: the office's editors → their municipalities; a
    school admin → those working at their school now; superuser and the command line (None) → all."""
    queryset = Educator.objects.filter(erased_at__isnull=True)
    if user is None or (getattr(user, "is_superuser", False) and user.is_active):
        return queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    condition = Q(pk__in=[])
    office = scope_paths(user, OFFICE_EDITOR_ROLES)
    if office:
        condition |= paths_q(office, "municipality__")
    schools = scope_paths(user, {Role.SCHOOL_ADMIN})
    if schools:
        condition |= Q(employed_in(schools))
    return queryset.filter(condition)


def _chunks(items: Sequence[Any], size: int = _BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _normalise(values: dict[str, Any]) -> None:
    """The row's name parts and key, and its award date (the order's when not given), once per row. Keys
    starting with "_" are the import's own; `save` and `changes` read only the model's fields."""
    if "_ready" in values:
        return
    values["_ready"] = True
    values["_awarded_given"] = "awarded_on" in values
    if "awarded_on" not in values and values.get("order_date"):
        values["awarded_on"] = values["order_date"]
    if values.get("full_name"):
        try:
            name = parsed_full_name(values["full_name"])
        except PersonNameError:
            return
        values["_name"] = name.full
        values["_key"] = name_key_of(name.last_name, name.first_name, name.patronymic)
        values["_first"], values["_patronymic"] = fold(name.first_name), fold(name.patronymic)


def _who(values: dict[str, Any]) -> str:
    parts = []
    if values.get("_name") or values.get("full_name"):
        parts.append(values.get("_name") or values["full_name"])
    if values.get("snils"):
        parts.append(f"СНИЛС {mask_snils(values['snils'])}")
    return ", ".join(parts) or "—"


def _match(known: Known, values: dict[str, Any]) -> Match:
    snils, key = values.get("snils", ""), values.get("_key", "")
    name_column = "full_name" if values.get("full_name") else "snils"
    if snils and snils in known.by_snils:
        person = known.by_snils[snils]
        if not key or person.name_key == key:
            return Match(person)
        patronymic = values.get("_patronymic", "")
        if person.first_name == values.get("_first") and (
            not person.patronymic or not patronymic or person.patronymic == patronymic
        ):
            return Match(person, surname_differs=True)
        return Match(
            problem=RowProblem(
                "full_name",
                f"СНИЛС и ФИО относятся к разным педагогам: СНИЛС {mask_snils(snils)} записан в базе за "
                f"«{person.name}», а в строке — «{values.get('_name') or values.get('full_name')}». "
                "Проверьте СНИЛС и ФИО.",
            )
        )
    if key:
        namesakes = known.by_name.get(key, [])
        fitting = [p for p in namesakes if not (snils and p.snils)]
        if len(fitting) == 1:
            return Match(fitting[0])
        if len(fitting) > 1:
            return Match(
                problem=RowProblem(
                    "full_name",
                    f"Найдено несколько педагогов с ФИО «{values['_name']}» ({len(fitting)}); укажите СНИЛС.",
                )
            )
    where = "среди педагогов, чьи категории вы можете загружать"
    hint = (
        " В базе педагог с этими ФИО записан с другим СНИЛС: проверьте номер."
        if key and known.by_name.get(key)
        else " Сначала добавьте педагога в базу (или загрузите список педагогов школы)."
    )
    return Match(problem=RowProblem(name_column, f"Педагог не найден: {_who(values)} — нет {where}.{hint}"))


def _date_problems(values: dict[str, Any], today: dt.date) -> Iterator[RowProblem]:
    """The date rules of `category_clean`, on a row."""
    awarded, order_date, until = values.get("awarded_on"), values.get("order_date"), values.get("valid_until")
    if order_date and order_date > today:
        yield RowProblem("order_date", "Дата приказа не может быть в будущем.")
    if awarded and awarded > today and (values.get("_awarded_given") or not order_date):
        yield RowProblem("awarded_on", MSG_FUTURE)
    if awarded and until and until < awarded:
        yield RowProblem("valid_until", MSG_UNTIL_BEFORE)


def _has_valid_highest(known: Known, educator_id: int, on: dt.date) -> bool:
    return any(
        awarded <= on and (until is None or until >= on)
        for awarded, until in known.highest.get(educator_id, ())
    )


# --- the declaration ------------------------------------------------------------------------------


class CategoryImport(ImportSpec):
    kind = "categories"
    title = "Квалификационные категории педагогов"
    permission = PERMISSION
    url_base = "attestation:import"
    sheet_name = "Категории"
    columns = COLUMNS

    def prepare(self, context: ImportContext) -> None:
        """Every educator of the user's scope, as (key, СНИЛС, folded name): one query for any file."""
        context.cache.clear()  # a context used for a second analysis starts afresh
        context.cache["today"] = timezone.localdate()
        known = Known()
        context.cache["known"] = known
        if context.user is not None and not context.user.has_perm(PERMISSION):
            context.cache["scope_problem"] = "Загружать квалификационные категории вам нельзя."
            return
        rows = educators_in_scope(context.user).values_list(
            "pk", "snils", "name_key", "last_name", "first_name", "patronymic"
        )
        for pk, snils, key, last, first, patronymic in rows.iterator(chunk_size=5000):
            person = Person(
                pk, snils or "", key, fold(first), fold(patronymic), full_name(last, first, patronymic)
            )
            if person.snils:
                known.by_snils[person.snils] = person
            known.by_name.setdefault(key, []).append(person)

    def keys(self, context: ImportContext, values: dict[str, Any]) -> list[tuple[str, str, Hashable]]:
        """One award of one educator per file: the same educator, category and award date twice."""
        _normalise(values)
        if context.cache.get("scope_problem") or not (values.get("kind") and values.get("awarded_on")):
            return []
        match = _match(context.cache["known"], values)
        values["_match"] = match
        if match.person is None:
            return []
        column = "full_name" if values.get("full_name") else "snils"
        what = "тот же педагог, та же категория и дата присвоения"
        return [(column, what, (match.person.pk, values["kind"], values["awarded_on"]))]

    def fetch(self, context: ImportContext, rows: list[dict[str, Any]]) -> None:
        """The existing categories of the educators the rows found (a few queries), and the highest
        categories of the file's valid rows (for «педагог-методист» and «педагог-наставник»)."""
        known: Known = context.cache["known"]
        today: dt.date = context.cache["today"]
        for values in rows:
            _normalise(values)
            if "_match" not in values and not context.cache.get("scope_problem"):
                values["_match"] = _match(known, values)
        ids = sorted({m.person.pk for v in rows if (m := v.get("_match")) is not None and m.person})
        if not ids:
            return
        queryset = QualificationCategory.objects.order_by("pk")
        if len(ids) > _READ_ALL_ABOVE:
            wanted = set(ids)
            found: Iterable[QualificationCategory] = (
                c
                for c in queryset.filter(educator__in=educators_in_scope(context.user).values("pk")).iterator(
                    chunk_size=5000
                )
                if c.educator_id in wanted
            )
        else:
            found = (c for chunk in _chunks(ids) for c in queryset.filter(educator_id__in=chunk))
        for category in found:
            known.categories[(category.educator_id, category.kind, category.awarded_on)] = category
            if category.kind == Kind.HIGHEST:
                known.highest.setdefault(category.educator_id, []).append(
                    (category.awarded_on, category.valid_until)
                )
        for values in rows:
            match = values.get("_match")
            awarded = values.get("awarded_on")
            if values.get("kind") != Kind.HIGHEST or match is None or match.person is None or not awarded:
                continue
            if any(True for _ in _date_problems(values, today)):
                continue
            until = values["valid_until"] if "valid_until" in values else default_valid_until(awarded)
            known.highest.setdefault(match.person.pk, []).append((awarded, until))

    def find(self, context: ImportContext, values: dict[str, Any]) -> QualificationCategory | None:
        if context.cache.get("scope_problem"):
            raise RowProblem(None, context.cache["scope_problem"])
        if not values.get("full_name") and not values.get("snils"):
            raise RowProblem("full_name", "Укажите ФИО или СНИЛС педагога (лучше оба).")
        if not values.get("awarded_on"):
            raise RowProblem("awarded_on", "Укажите дату присвоения или дату приказа.")
        match: Match = values.get("_match") or _match(context.cache["known"], values)
        if match.problem is not None:
            raise match.problem
        assert match.person is not None
        values["_educator_id"] = match.person.pk
        known: Known = context.cache["known"]
        return known.categories.get((match.person.pk, values["kind"], values["awarded_on"]))

    def complete(self, context: ImportContext, values: dict[str, Any], existing: Any | None) -> None:
        if existing is None and "valid_until" not in values:
            values["valid_until"] = default_valid_until(values["awarded_on"])

    def check(
        self, context: ImportContext, values: dict[str, Any], existing: Any | None
    ) -> Iterable[RowProblem]:
        problems = list(_date_problems(values, context.cache["today"]))
        if (
            existing is None
            and values["kind"] in NEEDS_HIGHEST
            and not _has_valid_highest(context.cache["known"], values["_educator_id"], values["awarded_on"])
        ):
            problems.append(
                RowProblem(
                    "kind",
                    f"{MSG_NEEDS_HIGHEST} У педагога нет такой ни в базе, ни в строках этого файла.",
                )
            )
        return problems

    def warnings(
        self, context: ImportContext, values: dict[str, Any], existing: Any | None
    ) -> Iterable[RowProblem]:
        match: Match | None = values.get("_match")
        if match is not None and match.surname_differs and match.person is not None:
            return [
                RowProblem(
                    "full_name",
                    f"Педагог найден по СНИЛС; в базе он записан как «{match.person.name}» (другая фамилия).",
                )
            ]
        return ()

    def changes(
        self, context: ImportContext, existing: Any, values: dict[str, Any]
    ) -> dict[str, tuple[Any, Any]]:
        """The order's number and date and the end date, where the row gives them and they differ."""
        found: dict[str, tuple[Any, Any]] = {}
        for key in _UPDATABLE:
            if key in values and getattr(existing, key) != values[key]:
                found[key] = (getattr(existing, key), values[key])
        return found

    def describe(self, values: dict[str, Any]) -> str:
        who = _who(values)
        kind = _KIND_LABELS.get(values.get("kind", ""), "")
        awarded = values.get("awarded_on") or values.get("order_date")
        what = f"{kind}, {awarded:%d.%m.%Y}" if kind and awarded else kind
        return f"{who} — {what}" if what else who

    def example_rows(self, context: ImportContext) -> list[dict[str, Any]]:
        return [{column.key: column.example for column in self.columns}]

    def save(
        self,
        context: ImportContext,
        creates: list[dict[str, Any]],
        updates: list[tuple[Any, dict[str, Any]]],
        *,
        by: Any | None,
        progress: Progress,
    ) -> None:
        from imo.attestation.category_import import category_import_many

        category_import_many(
            creates=[
                {key: values.get(key) for key in ("kind", "awarded_on", *_UPDATABLE)}
                | {"educator_id": values["_educator_id"]}
                for values in creates
            ],
            updates=updates,
            by=by,
            progress=progress,
        )


CATEGORY_IMPORT = register(CategoryImport())
