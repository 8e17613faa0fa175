"""The educators import: a school's staff list from Excel (`imo import educators FILE --organization ID`,
«Загрузить из Excel» on the educators list).

One row is one post of one person at the organisation the list is for (the school chosen on the upload
form, or `--organization`). How a row finds its person:

1. by СНИЛС, when the row has one and a record holds it (the given name, patronymic and birth date must
   agree: a surname may change on marriage, the rest may not — else «СНИЛС принадлежит другому человеку»);
2. else by the folded full name + birth date (a record without СНИЛС, or the row has none);
3. else, when the row has neither СНИЛС nor birth date, by the full name among the people who work or
   worked at this organisation;
4. else it is a new person in the organisation's municipality database.

Potential duplicates are never merged and never created silently: a new person with the same full name
and birth date as a record with another СНИЛС, and a new person with the same full name as someone working
at this organisation (unless the birth dates or СНИЛС tell them apart) load as new records with a row
WARNING (`EducatorImport.warnings`) that names the other record; the office compares and merges them on
the duplicates page (staff:duplicates), where both records then show. Only a match that cannot be chosen
(two records with the row's name and birth date) is a row error: see docs/user-guide/educators-import.md.

The post at the organisation: the employment with the same position (the current one; a rehire after an
ended one starts a new employment), else a new employment. Experience («Стаж пед.», «Стаж общий») is
taken as of the import date and stored as the date it started; a re-import the next day compares at the
precision the cell was written in, so the same file changes nothing. «Категория» (qualification
category, issue #5) is not loaded yet: the column is listed among the ignored ones.

Rows are written by `imo.staff.bulk.educator_import_many` (COPY / executemany, audit entries in bulk).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from imo.core import pagecache
from imo.core.identifiers import validate_inn, validate_snils
from imo.core.imports.registry import register
from imo.core.imports.spec import (
    Column,
    ColumnType,
    ImportContext,
    ImportSpec,
    Progress,
    RowProblem,
)
from imo.core.imports.spec import (
    name_key as option_key,
)
from imo.core.names import (
    PATRONYMIC_PARTICLES,
    PersonNameError,
    full_name,
    mixed_script_words,
    parsed_full_name,
    validate_full_name,
)
from imo.core.text import fold
from imo.orgs.models import OFFICE_EDITOR_ROLES, Organization, Role
from imo.orgs.selectors import municipality_of, organizations_visible_to
from imo.reference.models import Position, Subject
from imo.reference.selectors import active_items
from imo.staff.bulk import EducationWrite, EducatorWrite, EmploymentWrite, educator_import_many
from imo.staff.display import mask_snils
from imo.staff.experience import add_years, format_length, full_years, start_from_length, years_months
from imo.staff.models import EducationRecord, Educator, Employment
from imo.staff.selectors import active_on, educators_visible_to, for_request
from imo.staff.services import name_key_of

MIN_AGE, MAX_AGE = 16, 100
MAX_WEEKLY_HOURS = Decimal(60)
# Experience cannot have started before this age (swapped columns, a typo in the number of years).
MIN_WORKING_AGE = 14
MAIN, PART = "main", "part"
_BATCH = 900  # keys per IN (…): below SQLite's 999 parameters
_READ_ALL_ABOVE = 2000
_NAMES = ("last_name", "first_name", "patronymic")

# --- cells -----------------------------------------------------------------------------------------

_NAME_PART = re.compile(r"^[^\W\d_]+(?:[\s'’.-]+[^\W\d_]+)*\.?$")
_LENGTH = re.compile(
    r"^(?:(\d{1,2})\s*(?:г|год|года|лет|л)?\.?)?"
    r"\s*,?\s*(?:(\d{1,2})\s*(?:м|мес|месяц|месяца|месяцев)\.?)?"
    r"\s*,?\s*(?:\d{1,2}\s*(?:д|дн|дня|дней|день)\.?)?$"
)
_start = functools.lru_cache(maxsize=4096)(start_from_length)
_LENGTH_HINT = "Напишите число полных лет («12») или «12 лет 3 мес.»."


def _check_name_part(value: str) -> None:
    if not _NAME_PART.match(value):
        raise ValidationError("Допустимы буквы, дефис и апостроф: «%(value)s».", params={"value": value})
    _check_alphabet(value)


_CYRILLIC = re.compile(r"^[А-Яа-яЁё\s'’.-]*$")


def _check_alphabet(value: str) -> None:
    if _CYRILLIC.match(value):  # nearly every name: no need to look at each letter's script
        return
    mixed = mixed_script_words(value)
    if mixed:
        raise ValidationError(
            f"В слове «{mixed[0]}» смешаны русские и латинские буквы: перепечатайте его русскими буквами."
        )


def _check_full_name(value: str) -> None:
    validate_full_name(value)
    _check_alphabet(value)


@dataclass(frozen=True)
class Length:
    """An experience length as written in a cell: years, and months when the cell gave them."""

    years: int
    months: int = 0
    exact: bool = False  # the cell gave months: compared to the month, else to the year

    def __str__(self) -> str:
        return format_length((self.years, self.months))

    def start(self, on: dt.date) -> dt.date:
        return _start(self.years, self.months, on)

    def same_as(self, start: dt.date | None, on: dt.date) -> bool:
        """The stored start date gives this length on `on` (at the cell's precision)."""
        held = years_months(start, on)
        if held is None:
            return False
        return held == (self.years, self.months) if self.exact else held[0] == self.years


@functools.lru_cache(maxsize=4096)
def parse_length(text: str) -> Length:
    """ "12" / "12 лет" / "12 л. 3 мес." / "3 мес." → Length; raises ValidationError otherwise."""
    cleaned = fold(text).replace(",", " ").strip()
    if re.fullmatch(r"\d+[.]\d+|\d+ \d+", cleaned):
        raise ValidationError(
            f"Непонятный стаж «{text}»: это годы с дробью или годы и месяцы? {_LENGTH_HINT}"
        )
    match = _LENGTH.match(cleaned)
    if not cleaned or not match or (match.group(1) is None and match.group(2) is None):
        raise ValidationError(f"Не удалось прочитать стаж «{text}». {_LENGTH_HINT}")
    years, months = int(match.group(1) or 0), int(match.group(2) or 0)
    if months >= 12:
        raise ValidationError(f"Стаж «{text}»: месяцев должно быть меньше 12.")
    if years > 70:
        raise ValidationError(f"Стаж «{text}» больше 70 лет: проверьте число.")
    return Length(years, months, exact=match.group(2) is not None)


def _check_length(value: str) -> None:
    parse_length(value)


# «Образование» holds the level and often whether it is pedagogical: «высшее педагогическое».
_LEVELS: tuple[tuple[str, str], ...] = (
    ("высш", EducationRecord.Level.HIGHER),
    ("во", EducationRecord.Level.HIGHER),
    ("впо", EducationRecord.Level.HIGHER),
    ("бакалавр", EducationRecord.Level.HIGHER),
    ("магистр", EducationRecord.Level.HIGHER),
    ("специалитет", EducationRecord.Level.HIGHER),
    ("аспирантура", EducationRecord.Level.HIGHER),
    ("среднее проф", EducationRecord.Level.SECONDARY_VOCATIONAL),
    ("среднее спец", EducationRecord.Level.SECONDARY_VOCATIONAL),
    ("ср. проф", EducationRecord.Level.SECONDARY_VOCATIONAL),
    ("ср. спец", EducationRecord.Level.SECONDARY_VOCATIONAL),
    ("ср.проф", EducationRecord.Level.SECONDARY_VOCATIONAL),
    ("ср.спец", EducationRecord.Level.SECONDARY_VOCATIONAL),
    ("спо", EducationRecord.Level.SECONDARY_VOCATIONAL),
    ("сред", EducationRecord.Level.OTHER),
    ("нач", EducationRecord.Level.OTHER),
    ("неоконч", EducationRecord.Level.OTHER),
    ("друг", EducationRecord.Level.OTHER),
    ("ино", EducationRecord.Level.OTHER),
)
EDUCATION_VALUES = (
    "высшее",
    "высшее педагогическое",
    "среднее профессиональное",
    "среднее профессиональное педагогическое",
    "другое",
)


@functools.lru_cache(maxsize=1024)
def parse_education(text: str) -> tuple[str, bool | None]:
    """ "высшее педагогическое" → (higher, True); "среднее профессиональное" → (secondary_vocational,
    None): the level, and whether the text says pedagogical or not (None: it does not say)."""
    key = fold(text).replace("ё", "е")
    pedagogical: bool | None = None
    if "непед" in key or "не пед" in key:
        pedagogical = False
    elif "пед" in key:
        pedagogical = True
    if key.startswith("неоконченное высш") or key.startswith("незаконченное высш"):
        return EducationRecord.Level.OTHER, pedagogical
    for prefix, level in _LEVELS:
        if key == prefix or key.startswith(prefix + " ") or (len(prefix) > 3 and key.startswith(prefix)):
            return level, pedagogical
    allowed = ", ".join(f"«{value}»" for value in EDUCATION_VALUES)
    raise ValidationError(f"Не удалось понять уровень образования «{text}». Допустимо: {allowed}.")


def _check_education(value: str) -> None:
    parse_education(value)


class ListColumn(Column):
    """A text column whose template cell offers a drop-down of `options(context)` (the reference data);
    the import resolves the text itself, so that an unknown value gets a message listing the known ones."""

    def allowed(self, context: ImportContext) -> list[str]:
        cached = context.cache.get(f"allowed:{self.key}")
        if cached is None:
            cached = _allowed(context, self.key)
            context.cache[f"allowed:{self.key}"] = cached
        return list(cached)


def _allowed(context: ImportContext, key: str) -> list[str]:
    if key == "position":
        return [position.name for position in _reference(context).positions]
    if key == "subjects":
        return [subject.name for subject in _reference(context).subjects]
    if key == "education_level":
        return list(EDUCATION_VALUES)
    return []


_WORK_LABELS = ((MAIN, "основное"), (PART, "совместительство"))

COLUMNS: tuple[Column, ...] = (
    Column(
        "full_name",
        "Ф.И.О.",
        aliases=(
            "ФИО педагога",
            "ФИО работника",
            "ФИО сотрудника",
            "Фамилия, имя, отчество",
            "Фамилия имя отчество",
            "Фамилия, имя, отчество (при наличии)",
            "Педагог",
            "Работник",
            "Сотрудник",
        ),
        validator=_check_full_name,
        max_length=300,
        example="Иванова Мария Петровна",
        help="Фамилия, имя и отчество в одной ячейке — или вместо этого столбца три: «Фамилия», «Имя», "
        "«Отчество».",
        width=32,
    ),
    Column(
        "last_name",
        "Фамилия",
        validator=_check_name_part,
        max_length=100,
        example="Иванова",
        help="Обязательно. Вместо трёх столбцов «Фамилия», «Имя», «Отчество» можно дать один «Ф.И.О.».",
        width=18,
    ),
    Column("first_name", "Имя", validator=_check_name_part, max_length=100, example="Мария", width=16),
    Column(
        "patronymic",
        "Отчество",
        aliases=("Отчество (при наличии)",),
        validator=_check_name_part,
        max_length=100,
        example="Петровна",
        width=18,
    ),
    Column(
        "sex",
        "Пол",
        ColumnType.CHOICE,
        choices=tuple((value, str(label)) for value, label in Educator.Sex.choices),
        choice_aliases=(
            ("ж", Educator.Sex.FEMALE),
            ("ж.", Educator.Sex.FEMALE),
            ("жен", Educator.Sex.FEMALE),
            ("жен.", Educator.Sex.FEMALE),
            ("женщина", Educator.Sex.FEMALE),
            ("f", Educator.Sex.FEMALE),
            ("м", Educator.Sex.MALE),
            ("м.", Educator.Sex.MALE),
            ("муж", Educator.Sex.MALE),
            ("муж.", Educator.Sex.MALE),
            ("мужчина", Educator.Sex.MALE),
            ("m", Educator.Sex.MALE),
        ),
        example="ж",
        help="«ж» или «м» (можно «женский», «мужской»). Если не заполнено, пол определяется по отчеству.",
        width=10,
    ),
    Column(
        "birth_date",
        "Дата рождения",
        ColumnType.DATE,
        aliases=("Дата рожд.", "Д.р.", "Д/р", "Дата рождения (дд.мм.гггг)", "Число, месяц, год рождения"),
        example=dt.date(1985, 3, 15),
        help="дд.мм.гггг. По ФИО и дате рождения педагог узнаётся, если СНИЛС не указан.",
        width=14,
    ),
    Column(
        "snils",
        "СНИЛС",
        ColumnType.DIGITS,
        aliases=("Номер СНИЛС", "СНИЛС (11 цифр)", "Страховой номер", "Страховой номер (СНИЛС)"),
        digits=(11,),
        validator=validate_snils,
        example="112-233-445 95",
        help="11 цифр (XXX-XXX-XXX YY). По СНИЛС педагог узнаётся при повторной загрузке и в других школах.",
        width=16,
    ),
    Column(
        "inn",
        "ИНН",
        ColumnType.DIGITS,
        aliases=("ИНН работника", "ИНН педагога", "ИНН физического лица"),
        digits=(12,),
        validator=validate_inn,
        help="12 цифр.",
        width=15,
    ),
    Column(
        "phone",
        "Телефон",
        aliases=("Тел.", "Контактный телефон", "Мобильный телефон", "Сотовый телефон", "Номер телефона"),
        max_length=50,
        example="+7 928 000-00-00",
        width=18,
    ),
    Column(
        "email",
        "Эл. почта",
        ColumnType.EMAIL,
        aliases=("Электронная почта", "E-mail", "Email", "Адрес электронной почты", "Почта"),
        max_length=254,
        example="ivanova@example.ru",
        width=24,
    ),
    ListColumn(
        "position",
        "Должность",
        required=True,
        aliases=("Занимаемая должность", "Должность по штатному расписанию", "Наименование должности"),
        example="Учитель",
        help="Из справочника должностей (регистр и «ё» не важны). Предмет пишите в столбце «Предмет(ы)»: "
        "«Учитель» + «Математика», а не «Учитель математики».",
        width=26,
    ),
    ListColumn(
        "subjects",
        "Предмет(ы)",
        aliases=(
            "Предмет",
            "Предметы",
            "Преподаваемый предмет",
            "Преподаваемые предметы",
            "Преподаваемые дисциплины",
            "Дисциплины",
        ),
        example="Математика; Информатика",
        help="Один или несколько через запятую или точку с запятой, из справочника предметов.",
        width=28,
    ),
    Column(
        "work",
        "Основное/совместительство",
        ColumnType.CHOICE,
        aliases=(
            "Основное / совместительство",
            "Основное или совместительство",
            "Вид занятости",
            "Тип занятости",
            "Характер работы",
            "Основное место работы",
            "Основная работа",
        ),
        choices=_WORK_LABELS,
        choice_aliases=(
            ("основная", MAIN),
            ("основной", MAIN),
            ("осн", MAIN),
            ("осн.", MAIN),
            ("основное место работы", MAIN),
            ("основная работа", MAIN),
            ("штатный", MAIN),
            ("да", MAIN),
            ("совместитель", PART),
            ("совм", PART),
            ("совм.", PART),
            ("по совместительству", PART),
            ("внешнее совместительство", PART),
            ("внутреннее совместительство", PART),
            ("внешний совместитель", PART),
            ("внутренний совместитель", PART),
            ("нет", PART),
        ),
        example="основное",
        help="«основное» или «совместительство». Если не заполнено у нового места работы — основное.",
        width=18,
    ),
    Column(
        "weekly_hours",
        "Нагрузка, ч/нед",
        ColumnType.DECIMAL,
        aliases=(
            "Нагрузка",
            "Учебная нагрузка",
            "Педагогическая нагрузка",
            "Часов в неделю",
            "Нагрузка (часов в неделю)",
            "Нагрузка, часов в неделю",
            "Кол-во часов",
        ),
        example=18,
        help="Учебная нагрузка, часов в неделю: от 0 до 60, можно с одним знаком после запятой.",
        width=12,
    ),
    Column(
        "starts_on",
        "Дата приёма",
        ColumnType.DATE,
        aliases=(
            "Дата приёма на работу",
            "Дата назначения",
            "Дата назначения на должность",
            "Дата начала работы",
            "Принят",
            "Работает с",
        ),
        example=dt.date(2010, 9, 1),
        width=14,
    ),
    Column(
        "ends_on",
        "Дата увольнения",
        ColumnType.DATE,
        aliases=("Дата окончания работы", "Дата окончания", "Уволен", "Работал по"),
        help="Заполните, если педагог уволился: место работы закроется этой датой (запись педагога "
        "останется в базе).",
        width=14,
    ),
    Column(
        "teaching_experience",
        "Стаж пед.",
        aliases=(
            "Педагогический стаж",
            "Пед. стаж",
            "Пед стаж",
            "Стаж педагогический",
            "Стаж педагогической работы",
            "Педстаж",
            "Стаж пед. работы",
        ),
        validator=_check_length,
        example="12 лет",
        help="Педагогический стаж на сегодня: число полных лет («12») или «12 лет 3 мес.».",
        width=12,
    ),
    Column(
        "total_experience",
        "Стаж общий",
        aliases=("Общий стаж", "Стаж общ.", "Общий трудовой стаж", "Трудовой стаж", "Стаж работы"),
        validator=_check_length,
        example="15 лет",
        help="Общий трудовой стаж на сегодня: число полных лет или «15 лет 2 мес.».",
        width=12,
    ),
    ListColumn(
        "education_level",
        "Образование",
        aliases=("Уровень образования", "Образование (уровень)"),
        validator=_check_education,
        example="высшее педагогическое",
        help="Уровень: высшее, среднее профессиональное, другое; можно с «педагогическое».",
        width=22,
    ),
    Column(
        "is_pedagogical",
        "Педагогическое",
        ColumnType.BOOLEAN,
        aliases=("Педагогическое образование", "Пед. образование", "Образование педагогическое"),
        help="«да» или «нет»: педагогическое ли образование (если не сказано в столбце «Образование»).",
        width=14,
    ),
)

# --- reference data --------------------------------------------------------------------------------

# Names people write for positions and subjects, beside the catalogue's own (applied when the item
# they point to is in the catalogue).
POSITION_ALIASES = {
    "Учитель": ("Учитель-предметник", "Преподаватель"),
    "Педагог-психолог": ("Психолог", "Педагог психолог"),
    "Социальный педагог": ("Соц. педагог", "Соцпедагог"),
    "Учитель-логопед": ("Логопед", "Учитель логопед"),
    "Учитель-дефектолог": ("Дефектолог", "Учитель дефектолог"),
    "Педагог дополнительного образования": ("Педагог доп. образования", "ПДО"),
    "Советник директора по воспитанию": ("Советник директора", "Советник по воспитанию"),
    "Заместитель директора по учебно-воспитательной работе": (
        "Зам. директора по УВР",
        "Заместитель директора по УВР",
        "Замдиректора по УВР",
    ),
    "Заместитель директора по воспитательной работе": (
        "Зам. директора по ВР",
        "Заместитель директора по ВР",
        "Замдиректора по ВР",
    ),
    "Заместитель директора по научно-методической работе": (
        "Зам. директора по НМР",
        "Заместитель директора по НМР",
        "Зам. директора по методической работе",
    ),
    "Преподаватель-организатор ОБЗР": ("Преподаватель-организатор ОБЖ", "Преподаватель-организатор"),
}
SUBJECT_ALIASES = {
    "Основы безопасности и защиты Родины (ОБЗР)": ("ОБЖ", "Основы безопасности жизнедеятельности"),
    "Физическая культура": ("Физкультура", "Физ. культура", "Физра"),
    "Изобразительное искусство": ("ИЗО",),
    "Основы религиозных культур и светской этики": ("ОРКСЭ",),
    "Труд (технология)": ("Труд", "Технология"),
    "Русский язык": ("Русский", "Рус. яз.", "Русский яз."),
    "Математика": ("Матем.",),
    "Начальные классы": ("Нач. классы", "Начальная школа"),
}
_SEPARATORS = re.compile(r"\s*[;,\n]\s*")
_PARENTHESES = re.compile(r"^(.*?)\s*\((.+)\)\s*$")


@dataclass
class Reference:
    positions: list[Position]
    subjects: list[Subject]
    position_index: dict[str, Position]
    subject_index: dict[str, Subject]


def _names_of(name: str, aliases: dict[str, tuple[str, ...]]) -> list[str]:
    """A catalogue item's own name, its parts around parentheses, «… язык» without «язык», aliases."""
    names = [name, *aliases.get(name, ())]
    match = _PARENTHESES.match(name)
    if match:
        names.extend(match.groups())
    if name.endswith(" язык"):
        names.append(name.removesuffix(" язык"))
    return names


def _reference(context: ImportContext) -> Reference:
    found: Reference | None = context.cache.get("reference")
    if found is None:
        # Kept across uploads until the catalogues change: every upload built the same indexes.
        found = context.cache["reference"] = pagecache.cached(
            "staff.import.reference", topics=("reference",), parts=(), compute=_read_reference
        )
    return found


def _read_reference() -> Reference:
    # The catalogue's active items in Russian order, as every form offers them.
    positions = list(active_items(Position))
    subjects = list(active_items(Subject))
    position_index: dict[str, Position] = {}
    for position in positions:
        for name in _names_of(position.name, POSITION_ALIASES):
            position_index.setdefault(option_key(name), position)
    subject_index: dict[str, Subject] = {}
    for subject in subjects:
        for name in _names_of(subject.name, SUBJECT_ALIASES):
            subject_index.setdefault(option_key(name), subject)
    # Own names win over another item's alias («Технология» would be both, say).
    for position in positions:
        position_index[option_key(position.name)] = position
    for subject in subjects:
        subject_index[option_key(subject.name)] = subject
    return Reference(positions, subjects, position_index, subject_index)


def _known(items: Sequence[Position] | Sequence[Subject]) -> str:
    return ", ".join(item.name for item in items)


# --- the organisation ------------------------------------------------------------------------------

PARENT_KINDS = (Organization.Kind.REGION, Organization.Kind.MUNICIPALITY)
EDUCATIONAL = Q(kind__in=[kind for kind in Organization.Kind if kind not in PARENT_KINDS])


def organizations_for(user: Any) -> list[Organization]:
    """Where `user` may import staff lists: the office's editors → every active educational organisation
    in their scope; a school admin → their school(s)."""
    if user is None:
        return []
    # Asked four times by one upload (the form's choices, its check, the analysis): read once per request,
    # and kept for the user until organisations or memberships change.
    return list(
        for_request(
            user,
            "import_organizations",
            lambda: pagecache.cached(
                "staff.import.organizations",
                topics=("orgs",),
                parts=pagecache.user_parts(user),
                compute=lambda: _organizations_for(user),
            ),
        )
    )


def _organizations_for(user: Any) -> list[Organization]:
    if getattr(user, "is_superuser", False) and user.is_active:
        queryset = Organization.objects.all()
    else:
        roles = {*OFFICE_EDITOR_ROLES, Role.SCHOOL_ADMIN}
        queryset = organizations_visible_to(user=user, roles=roles)
    return list(queryset.filter(EDUCATIONAL, status=Organization.Status.ACTIVE).order_by("path"))


def _duplicates_url(user: Any) -> str:
    """The duplicates page, for those who may merge there (the command line's administrator too)."""
    if user is not None and not user.has_perm("staff.merge_educators"):
        return ""
    try:
        return reverse("staff:duplicates")
    except NoReverseMatch:
        return ""


# --- matching -------------------------------------------------------------------------------------


@dataclass
class Existing:
    """What the database holds for the rows of one file (loaded by `fetch`)."""

    by_snils: dict[str, Educator] = field(default_factory=dict)
    by_person: dict[tuple[str, dt.date], list[Educator]] = field(default_factory=dict)
    here_by_name: dict[str, list[Educator]] = field(default_factory=dict)  # worked here, by name_key
    current_here: set[int] = field(default_factory=set)  # educator ids with a current post here
    employments: dict[int, list[Employment]] = field(default_factory=dict)  # educator id → posts here
    subjects: dict[int, set[int]] = field(default_factory=dict)  # employment id → subject ids
    education: dict[int, list[EducationRecord]] = field(default_factory=dict)  # educator id → records
    claimed: dict[int, dict[str, Any]] = field(default_factory=dict)  # educator id → the row that matched
    # Possible duplicates elsewhere the user may see → where they work now (for the warnings).
    places: dict[int, str] = field(default_factory=dict)


def _chunks(items: Sequence[Any], size: int = _BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_FEMALE_ENDINGS = ("вна", "чна", "кызы", "гызы", "кизи")
_MALE_ENDINGS = ("вич", "ич", "оглы", "оглу", "улы", "уулу")


def sex_from_patronymic(patronymic: str) -> str:
    """«Петровна» → female, «Петрович» / «Магомед оглы» → male, else ""."""
    key = fold(patronymic)
    if key.endswith(_FEMALE_ENDINGS):
        return Educator.Sex.FEMALE
    if key.endswith(_MALE_ENDINGS):
        return Educator.Sex.MALE
    return ""


def _tidy_part(text: str) -> str:
    """«ИВАНОВА» / «иванова» → «Иванова» (each part of a double name too); «Магомед ОГЛЫ» → «Магомед оглы»."""
    words = []
    for word in text.split(" "):
        if fold(word) in PATRONYMIC_PARTICLES:
            words.append(fold(word))
            continue
        words.append("-".join(_capitalised(part) for part in word.split("-")))
    return " ".join(words)


def _capitalised(part: str) -> str:
    if sum(char.isalpha() for char in part) >= 2 and (part.isupper() or part.islower()):
        return part[:1].upper() + part[1:].lower()
    return part


def normalise(values: dict[str, Any]) -> None:
    """Names split and tidied, the name key, experience lengths and the education level, in place. Rows
    are normalised once (by `keys`, the first hook that sees them); keys starting with "_" are ours."""
    if "_key" in values:
        return
    _normalise_names(values)
    last, first = values.get("last_name", ""), values.get("first_name", "")
    values["_key"] = name_key_of(last, first, values.get("patronymic", "")) if last and first else ""
    for key in ("teaching_experience", "total_experience"):
        if isinstance(values.get(key), str):
            try:
                values[key] = parse_length(values[key])
            except ValidationError:
                values.pop(key)
    if isinstance(values.get("education_level"), str):
        try:
            values["_education"] = parse_education(values["education_level"])
        except ValidationError:
            values.pop("education_level")


def _normalise_names(values: dict[str, Any]) -> None:
    """Three name columns tidied, or «Ф.И.О.» split into them; `_name_column` is where names came from."""
    if values.get("last_name") or values.get("first_name") or "full_name" not in values:
        values["_name_column"] = "last_name"
        for key in _NAMES:
            if values.get(key):
                values[key] = _tidy_part(values[key])
        return
    values["_name_column"] = "full_name"
    try:
        name = parsed_full_name(values["full_name"])
    except PersonNameError:
        return
    values["last_name"], values["first_name"] = name.last_name, name.first_name
    if name.patronymic:
        values["patronymic"] = name.patronymic


def _same_person(educator: Educator, values: dict[str, Any]) -> bool:
    """The row and the record holding its СНИЛС describe one person: the given name, the patronymic (when
    both have one) and the birth date (when both have one) agree. The surname may have changed."""
    if fold(educator.first_name) != fold(values.get("first_name", "")):
        return False
    patronymic = values.get("patronymic", "")
    if educator.patronymic and patronymic and fold(educator.patronymic) != fold(patronymic):
        return False
    birth_date = values.get("birth_date")
    return not (educator.birth_date and birth_date and educator.birth_date != birth_date)


def _dated(value: dt.date | None) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


# --- the changes of a row --------------------------------------------------------------------------


@dataclass
class SubjectSet:
    """Subjects of a post as shown in the preview («Математика, Физика») and written."""

    subjects: tuple[Subject, ...]

    def __str__(self) -> str:
        return ", ".join(subject.name for subject in self.subjects)

    @property
    def ids(self) -> set[int]:
        return {subject.pk for subject in self.subjects}


EDUCATOR_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "sex",
    "birth_date",
    "snils",
    "inn",
    "phone",
    "email",
)
EXPERIENCE_FIELDS = {
    "teaching_experience": "teaching_experience_start",
    "total_experience": "total_experience_start",
}
EMPLOYMENT_FIELDS = ("work", "weekly_hours", "starts_on", "ends_on")
_LEVEL_RANK: dict[str, int] = {
    EducationRecord.Level.HIGHER: 0,
    EducationRecord.Level.SECONDARY_VOCATIONAL: 1,
    EducationRecord.Level.OTHER: 2,
}
_LEVEL_LABELS = dict(EducationRecord.Level.choices)


def _shown(key: str, old: Any) -> Any:
    """An old value as the preview shows it: identifiers masked (a matched record may be outside what
    the user otherwise sees)."""
    if key == "snils" and old:
        return mask_snils(old)
    if key == "inn" and old:
        return f"…{old[-2:]}"
    return old


@dataclass
class Plan:
    """What one row writes: shown as `changes`, written by `save`."""

    changes: dict[str, tuple[Any, Any]]
    write: EducatorWrite


def _by_pk(queryset: QuerySet[Educator], pks: Iterable[int]) -> dict[int, Educator]:
    found: dict[int, Educator] = {}
    for chunk in _chunks(sorted(pks)):
        found.update((e.pk, e) for e in queryset.filter(pk__in=chunk))
    return found


def _candidates(live: QuerySet[Educator], rows: list[dict[str, Any]]) -> dict[int, Educator]:
    """The records the rows may be: holders of their СНИЛС, and (for rows whose СНИЛС is not in the
    database) holders of their name. A large file reads the keys of the whole database in one query
    (a region holds tens of thousands) instead of dozens of `IN (…)` statements."""
    snils = {v["snils"] for v in rows if v.get("snils")}
    if len(rows) > _READ_ALL_ABOVE:
        keys = {v["_key"] for v in rows if v.get("_key")}
        wanted = [
            pk
            for pk, number, key in live.values_list("pk", "snils", "name_key").iterator(chunk_size=5000)
            if number in snils or key in keys
        ]
        return _by_pk(live, wanted)
    found: dict[int, Educator] = {}
    for chunk in _chunks(sorted(snils)):
        found.update((e.pk, e) for e in live.filter(snils__in=chunk))
    held = {e.snils for e in found.values()}
    keys = {v["_key"] for v in rows if v.get("_key") and v.get("snils") not in held}
    for chunk in _chunks(sorted(keys)):
        found.update((e.pk, e) for e in live.filter(name_key__in=chunk) if e.pk not in found)
    return found


def _index(
    existing: Existing, educators: dict[int, Educator], posts: list[Employment], today: dt.date
) -> None:
    for post in posts:
        if post.educator_id not in educators:
            continue  # an erased record
        existing.employments.setdefault(post.educator_id, []).append(post)
        if post.ends_on is None or post.ends_on >= today:
            existing.current_here.add(post.educator_id)
    for educator in educators.values():
        if educator.snils:
            existing.by_snils[educator.snils] = educator
        if educator.birth_date:
            existing.by_person.setdefault((educator.name_key, educator.birth_date), []).append(educator)
        if educator.pk in existing.employments:
            existing.here_by_name.setdefault(educator.name_key, []).append(educator)


def _match_by_name(existing: Existing, values: dict[str, Any]) -> tuple[Educator | None, RowProblem | None]:
    """A row not matched by СНИЛС: the record with the same name and birth date (without a birth date
    and СНИЛС: the same name among those who work or worked here) unless it holds another СНИЛС."""
    key, birth_date, snils = values["_key"], values.get("birth_date"), values.get("snils", "")
    if birth_date:
        candidates = existing.by_person.get((key, birth_date), [])
    elif not snils:
        candidates = existing.here_by_name.get(key, [])
    else:
        candidates = []
    fitting = [e for e in candidates if not (snils and e.snils)]
    if len(fitting) == 1:
        return fitting[0], None
    if len(fitting) > 1:
        what = "такими ФИО и датой рождения" if birth_date else "такими ФИО"
        return None, RowProblem(
            values["_name_column"],
            f"Возможные дубликаты: в базе {len(fitting)} записи педагогов с {what}. Укажите СНИЛС, "
            "чтобы выбрать нужную, и сообщите в методический кабинет, чтобы записи объединили.",
        )
    # Namesakes under another СНИЛС: a new person, with a warning (`_possible_duplicates`).
    return None, None


def _namesakes_elsewhere(existing: Existing, values: dict[str, Any]) -> list[Educator]:
    """Records with the row's full name and birth date under another СНИЛС (a new row's possible
    duplicates: a typo in a СНИЛС, or a namesake born the same day)."""
    snils, birth_date = values.get("snils", ""), values.get("birth_date")
    if not (snils and birth_date and values.get("_key")) or snils in existing.by_snils:
        return []
    return [
        e for e in existing.by_person.get((values["_key"], birth_date), []) if e.snils and e.snils != snils
    ]


def _namesakes_here(existing: Existing, values: dict[str, Any]) -> list[Educator]:
    """People working here now under the row's full name whom neither the birth dates nor the СНИЛС
    tell apart from the new row's person."""
    birth_date, snils = values.get("birth_date"), values.get("snils", "")
    found: list[Educator] = []
    if not values.get("_key"):
        return found
    for other in existing.here_by_name.get(values["_key"], []):
        told_apart = other.birth_date and birth_date and other.birth_date != birth_date
        if other.pk in existing.current_here and not told_apart and not (snils and other.snils == snils):
            found.append(other)
    return found


def _possible_duplicates(context: ImportContext, values: dict[str, Any]) -> Iterator[RowProblem]:
    """The warnings of a new row that may be someone already in the database; the row still loads (the
    system cannot tell a typo from a namesake) and the office decides on the duplicates page."""
    existing: Existing = context.cache["existing"]
    organization: Organization = context.cache["organization"]
    url: str = context.cache.get("duplicates_url", "")
    if url:
        after = (
            "После загрузки записи можно сравнить и при необходимости объединить на странице "
            "«Возможные дубликаты»."
        )
    else:
        after = "Если окажется, что это один человек, сообщите в методический кабинет: записи объединят."
    link = {"url": url, "url_text": "Возможные дубликаты"} if url else {}
    snils = values.get("snils", "")
    elsewhere = _namesakes_elsewhere(existing, values)
    if elsewhere:
        shown = "; ".join(
            f"{other.full_name}, {_dated(other.birth_date)} г. р."
            + (f" ({existing.places[other.pk]})" if existing.places.get(other.pk) else "")
            + f", с другим СНИЛС ({mask_snils(other.snils)})"
            for other in elsewhere[:3]
        )
        yield RowProblem(
            "snils",
            f"Возможный дубликат: в базе уже есть {shown}. Если это тот же человек, проверьте СНИЛС в "
            f"файле; если другой — будет добавлена новая запись. {after}",
            **link,
        )
    reported = {other.pk for other in elsewhere}
    for other in _namesakes_here(existing, values):
        if other.pk in reported:
            continue
        born = (
            f", {_dated(other.birth_date)} г. р."
            if other.birth_date
            else ", дата рождения в записи не указана"
        )
        if other.snils and snils:
            number = f", с другим СНИЛС ({mask_snils(other.snils)})"
        elif other.snils:
            number = f", СНИЛС {mask_snils(other.snils)}"
        else:
            number = ", СНИЛС в записи не указан"
        where = "в файле" if not values.get("birth_date") else "в карточке уже работающего педагога"
        yield RowProblem(
            "snils" if snils else values["_name_column"],
            f"Возможный дубликат: в {organization.short_name} уже работает {other.full_name}{born}{number}. "
            "Если это тот же человек, проверьте СНИЛС и дату рождения в файле; если другой — будет добавлена "
            f"новая запись (чтобы система различала их, укажите дату рождения {where}). {after}",
            **link,
        )
        return


def _check_names(values: dict[str, Any]) -> Iterator[RowProblem]:
    if values["_name_column"] == "full_name":
        if not values.get("last_name"):
            yield RowProblem("full_name", "Не заполнены фамилия, имя и отчество.")
        return
    if not values.get("last_name"):
        yield RowProblem("last_name", "Не указана фамилия.")
    if not values.get("first_name"):
        yield RowProblem("first_name", "Не указано имя.")


def _check_birth_date(values: dict[str, Any], today: dt.date) -> Iterator[RowProblem]:
    birth_date = values.get("birth_date")
    if not birth_date:
        return
    age = full_years(birth_date, today) or 0
    if birth_date > today:
        yield RowProblem("birth_date", f"Дата рождения {_dated(birth_date)} — в будущем.")
    elif age < MIN_AGE:
        yield RowProblem(
            "birth_date",
            f"По дате рождения {_dated(birth_date)} педагогу {age} — меньше {MIN_AGE} лет. Проверьте год.",
        )
    elif age > MAX_AGE:
        yield RowProblem(
            "birth_date", f"По дате рождения {_dated(birth_date)} педагогу больше {MAX_AGE} лет."
        )


def _check_position(values: dict[str, Any], reference: Reference) -> Iterator[RowProblem]:
    text = values.get("position", "")
    position = reference.position_index.get(option_key(text))
    if position is not None:
        values["_position"] = position
        return
    hint = ""
    near = reference.position_index.get(option_key(text).split(" ")[0])
    if near is not None:
        hint = (
            f" Если это «{near.name}» с предметом, напишите «{near.name}», а предмет — в столбце "
            "«Предмет(ы)»."
        )
    yield RowProblem(
        "position",
        f"Должность «{text}» не найдена в справочнике.{hint} Известные должности: "
        f"{_known(reference.positions)}.",
    )


def _check_subjects(values: dict[str, Any], reference: Reference) -> Iterator[RowProblem]:
    if not values.get("subjects"):
        return
    found: list[Subject] = []
    unknown: list[str] = []
    for name in _SEPARATORS.split(values["subjects"]):
        subject = reference.subject_index.get(option_key(name)) if name else None
        if name and subject is None:
            unknown.append(name)
        elif subject is not None and subject not in found:
            found.append(subject)
    if not unknown:
        values["_subjects"] = SubjectSet(tuple(found))
        return
    shown = ", ".join(f"«{name}»" for name in unknown)
    what = f"Предмет {shown} не найден" if len(unknown) == 1 else f"Предметы {shown} не найдены"
    yield RowProblem("subjects", f"{what} в справочнике. Известные предметы: {_known(reference.subjects)}.")


def _check_hours(values: dict[str, Any]) -> Iterator[RowProblem]:
    hours = values.get("weekly_hours")
    if hours is None:
        return
    if not Decimal(0) <= hours <= MAX_WEEKLY_HOURS:
        yield RowProblem("weekly_hours", f"Нагрузка {hours} ч: допустимо от 0 до 60 часов в неделю.")
    elif hours != hours.quantize(Decimal("0.1")):
        yield RowProblem("weekly_hours", f"Нагрузка {hours} ч: не больше одного знака после запятой.")


class EducatorImport(ImportSpec):
    kind = "educators"
    title = "Педагогические работники"
    permission = "staff.import_educators"
    url_base = "staff:import"
    sheet_name = "Педагоги"
    scope_label = "Организация, чей это список"
    columns = COLUMNS

    # --- scope ------------------------------------------------------------------------------------

    def scope_choices(self, user: Any) -> list[tuple[int, str]]:
        return [(o.pk, o.short_name) for o in organizations_for(user)]

    def check_options(self, context: ImportContext) -> str:
        organization_id = context.options.get("organization_id")
        if not organization_id:
            return "Укажите организацию, для которой список: --organization ID (код школы)."
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None:
            return f"Организация с кодом {organization_id} не найдена."
        if not organization.is_educational:
            return (
                f"«{organization.short_name}» — муниципалитет или регион. Педагогов загружают в "
                "образовательную организацию: укажите код школы."
            )
        return ""

    def prepare(self, context: ImportContext) -> None:
        """The organisation of the list (checked against the user's scope) and its municipality."""
        context.cache.clear()  # a context used for a second analysis starts afresh
        context.cache["today"] = timezone.localdate()
        organization_id = context.options.get("organization_id")
        organization: Organization | None = None
        problem = ""
        if context.user is not None:
            allowed = organizations_for(context.user)
            if organization_id:
                organization = next((o for o in allowed if o.pk == organization_id), None)
                if organization is None:
                    problem = "Загружать список в эту организацию вам нельзя: выберите свою."
            elif len(allowed) == 1:
                organization = allowed[0]
            elif allowed:
                problem = "Выберите организацию, для которой этот список."
            else:
                problem = "Нет организации, в которую вы можете загружать педагогов."
        elif organization_id:
            organization = Organization.objects.filter(EDUCATIONAL, pk=organization_id).first()
            if organization is None:
                problem = self.check_options(context) or "Организация не найдена."
        else:
            problem = self.check_options(context)
        municipality = municipality_of(organization) if organization is not None else None
        if organization is not None and municipality is None:
            problem = f"«{organization.short_name}» не относится ни к одному муниципалитету."
        if organization is not None and organization.status != Organization.Status.ACTIVE:
            problem = f"«{organization.short_name}» закрыта: списки педагогов в неё не загружаются."
        context.cache.update(
            organization=None if problem else organization,
            municipality=municipality,
            scope_problem=problem,
            duplicates_url=_duplicates_url(context.user),
        )

    # --- in-file keys -----------------------------------------------------------------------------

    def keys(self, context: ImportContext, values: dict[str, Any]) -> list[tuple[str, str, Hashable]]:
        normalise(values)
        found: list[tuple[str, str, Hashable]] = []
        if values.get("snils"):
            found.append(("snils", "тот же СНИЛС (один педагог — одна строка)", ("snils", values["snils"])))
        key = values["_key"]
        if key:
            column = values["_name_column"]
            if values.get("birth_date"):
                found.append((column, "те же ФИО и дата рождения", ("person", key, values["birth_date"])))
            elif not values.get("snils"):
                found.append(
                    (
                        column,
                        "те же ФИО (если это разные люди, укажите дату рождения или СНИЛС)",
                        ("name", key),
                    )
                )
        return found

    # --- what the database holds ------------------------------------------------------------------

    def fetch(self, context: ImportContext, rows: list[dict[str, Any]]) -> None:
        """The records the rows may be (by СНИЛС, by name) and everyone who works or worked at this
        organisation, with their posts here: a few queries whatever the size of the file."""
        for values in rows:
            normalise(values)
        existing = Existing()
        context.cache["existing"] = existing
        organization: Organization | None = context.cache.get("organization")
        if organization is None:
            return
        live = Educator.objects.filter(erased_at__isnull=True)
        educators = _candidates(live, rows)
        posts = list(Employment.objects.filter(organization=organization).order_by("pk"))
        educators.update(_by_pk(live, {p.educator_id for p in posts} - educators.keys()))
        _index(existing, educators, posts, context.cache["today"])
        through = Employment.subjects.through
        pairs = through.objects.filter(employment__organization=organization).values_list(
            "employment_id", "subject_id"
        )
        for employment_id, subject_id in pairs:
            existing.subjects.setdefault(employment_id, set()).add(subject_id)
        self._fetch_places(context, existing, rows)
        if any("_education" in v or "is_pedagogical" in v for v in rows):
            matched = {found.pk for v in rows if (found := self._match(context, v)[0]) is not None}
            for chunk in _chunks(sorted(matched)):
                for record in EducationRecord.objects.filter(educator_id__in=chunk).order_by("pk"):
                    existing.education.setdefault(record.educator_id, []).append(record)

    @staticmethod
    def _fetch_places(context: ImportContext, existing: Existing, rows: list[dict[str, Any]]) -> None:
        """Where the possible duplicates elsewhere work now, for the records the user may see (a school
        does not learn where someone outside it works): no query without such rows, else two or three."""
        others = sorted({other.pk for values in rows for other in _namesakes_elsewhere(existing, values)})
        if not others:
            return
        if context.user is not None:
            visible = educators_visible_to(user=context.user)
            others = [
                pk
                for chunk in _chunks(others)
                for pk in visible.filter(pk__in=chunk).values_list("pk", flat=True)
            ]
        places: dict[int, list[str]] = {}
        for chunk in _chunks(others):
            current = Employment.objects.filter(active_on(context.cache["today"]), educator_id__in=chunk)
            for educator_id, name in current.order_by("pk").values_list(
                "educator_id", "organization__short_name"
            ):
                if name not in places.setdefault(educator_id, []):
                    places[educator_id].append(name)
        existing.places = {pk: ", ".join(names) for pk, names in places.items()}

    def _match(
        self, context: ImportContext, values: dict[str, Any]
    ) -> tuple[Educator | None, RowProblem | None]:
        """The record a row describes, or a problem (a conflict or a potential duplicate)."""
        existing: Existing = context.cache["existing"]
        snils = values.get("snils", "")
        if snils and snils in existing.by_snils:
            holder = existing.by_snils[snils]
            if not _same_person(holder, values):
                return None, RowProblem(
                    "snils",
                    f"СНИЛС {mask_snils(snils)} уже записан в базе за другим человеком (не совпадают имя, "
                    "отчество или дата рождения). Проверьте номер; если ошибка в базе, обратитесь в "
                    "методический кабинет.",
                )
            return holder, None
        if not values.get("_key"):
            return None, None
        return _match_by_name(existing, values)

    def find(self, context: ImportContext, values: dict[str, Any]) -> Educator | None:
        if context.cache.get("scope_problem"):
            raise RowProblem(None, context.cache["scope_problem"])
        educator, problem = self._match(context, values)
        if problem is not None:
            raise problem
        if educator is not None:
            existing: Existing = context.cache["existing"]
            first = existing.claimed.get(educator.pk)
            if first is not None:
                raise RowProblem(
                    values["_name_column"],
                    f"Эта строка о том же педагоге, что и строка «{self.describe(first)}» выше (совпадает "
                    "СНИЛС или ФИО с датой рождения): один педагог — одна строка.",
                )
            existing.claimed[educator.pk] = values
        return educator

    def warnings(
        self, context: ImportContext, values: dict[str, Any], existing: Any | None
    ) -> Iterable[RowProblem]:
        if existing is not None or context.cache.get("organization") is None:
            return ()
        return _possible_duplicates(context, values)

    def complete(self, context: ImportContext, values: dict[str, Any], existing: Any | None) -> None:
        if existing is None and not values.get("sex") and values.get("patronymic"):
            sex = sex_from_patronymic(values["patronymic"])
            if sex:
                values["sex"] = sex

    # --- checks across columns --------------------------------------------------------------------

    def check(
        self, context: ImportContext, values: dict[str, Any], existing: Any | None
    ) -> Iterable[RowProblem]:
        yield from _check_names(values)
        if existing is None and not values.get("sex"):
            yield RowProblem("sex", "Укажите пол («ж» или «м»): по отчеству его определить не удалось.")
        yield from _check_birth_date(values, context.cache["today"])
        reference = _reference(context)
        yield from _check_position(values, reference)
        yield from _check_subjects(values, reference)
        yield from _check_hours(values)
        yield from self._check_dates(context, values, existing)
        yield from self._check_experience(context, values, existing)
        yield from self._check_education(values, existing, context)

    def _check_dates(
        self, context: ImportContext, values: dict[str, Any], existing: Educator | None
    ) -> Iterator[RowProblem]:
        starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
        position: Position | None = values.get("_position")
        if ends_on and position is not None and existing is not None and not starts_on:
            post = self._post_for(context, existing, position, values)
            starts_on = post.starts_on if post is not None else None
        if starts_on and ends_on and ends_on < starts_on:
            yield RowProblem(
                "ends_on",
                f"Дата увольнения {_dated(ends_on)} раньше даты приёма {_dated(starts_on)}.",
            )
        birth_date = values.get("birth_date") or (existing.birth_date if existing is not None else None)
        hired = values.get("starts_on")
        if hired and birth_date and hired < add_years(birth_date, MIN_WORKING_AGE):
            yield RowProblem(
                "starts_on",
                f"Дата приёма {_dated(hired)} раньше, чем педагогу исполнилось {MIN_WORKING_AGE} лет.",
            )

    def _check_experience(
        self, context: ImportContext, values: dict[str, Any], existing: Educator | None
    ) -> Iterator[RowProblem]:
        today: dt.date = context.cache["today"]
        teaching, total = values.get("teaching_experience"), values.get("total_experience")
        if (
            teaching is not None
            and total is not None
            and (teaching.years, teaching.months)
            > (
                total.years,
                total.months,
            )
        ):
            yield RowProblem(
                "teaching_experience", f"Педагогический стаж ({teaching}) больше общего ({total})."
            )
        birth_date = values.get("birth_date") or (existing.birth_date if existing is not None else None)
        if birth_date is None or not birth_date <= today:
            return
        for key in ("teaching_experience", "total_experience"):
            length: Length | None = values.get(key)
            if length is not None and length.start(today) < add_years(birth_date, MIN_WORKING_AGE):
                yield RowProblem(
                    key,
                    f"Стаж {length} больше, чем возможно по возрасту: он начался бы раньше "
                    f"{MIN_WORKING_AGE} лет.",
                )

    @staticmethod
    def _check_education(
        values: dict[str, Any], existing: Educator | None, context: ImportContext
    ) -> Iterator[RowProblem]:
        if "is_pedagogical" in values and "_education" not in values:
            records = context.cache["existing"].education.get(existing.pk, []) if existing else []
            if not records:
                yield RowProblem("is_pedagogical", "Укажите и уровень образования (столбец «Образование»).")

    # --- changes ----------------------------------------------------------------------------------

    def _post_for(
        self, context: ImportContext, educator: Educator, position: Position, values: dict[str, Any]
    ) -> Employment | None:
        """The post at this organisation a row updates: the current one in this position; after posts
        that all ended, the last of them unless the row starts after it ended (a rehire: a new post)."""
        existing: Existing = context.cache["existing"]
        today: dt.date = context.cache["today"]
        posts = [p for p in existing.employments.get(educator.pk, []) if p.position_id == position.pk]
        if not posts:
            return None
        current = [p for p in posts if p.ends_on is None or p.ends_on >= today]
        if current:
            return max(current, key=lambda p: (p.starts_on or dt.date.min, p.pk))
        last = max(posts, key=lambda p: (p.ends_on or dt.date.min, p.pk))
        starts_on = values.get("starts_on")
        if starts_on and last.ends_on and starts_on > last.ends_on:
            return None
        return last

    def _plan(self, context: ImportContext, educator: Educator | None, values: dict[str, Any]) -> Plan:
        today: dt.date = context.cache["today"]
        changes: dict[str, tuple[Any, Any]] = {}
        data: dict[str, Any] = {}
        for key in EDUCATOR_FIELDS:
            if key not in values:
                continue
            new = values[key]
            old = getattr(educator, key) if educator is not None else None
            if educator is not None and (old == new or (key in _NAMES and fold(old) == fold(new))):
                continue  # names: a difference of case or ё alone is not a change
            data[key] = new
            changes[key] = (_shown(key, old), new)
        for key, attname in EXPERIENCE_FIELDS.items():
            length: Length | None = values.get(key)
            if length is None:
                continue
            start = getattr(educator, attname) if educator is not None else None
            if educator is not None and length.same_as(start, today):
                continue
            data[attname] = length.start(today)
            changes[key] = (format_length(years_months(start, today)) if start else None, length)
        if educator is None:
            data.setdefault("patronymic", "")
        employment = self._plan_post(context, educator, values, changes)
        education = self._plan_education(context, educator, values, changes)
        write = EducatorWrite(educator=educator, data=data, employment=employment, education=education)
        return Plan(changes, write)

    def _plan_post(
        self,
        context: ImportContext,
        educator: Educator | None,
        values: dict[str, Any],
        changes: dict[str, tuple[Any, Any]],
    ) -> EmploymentWrite | None:
        position: Position = values["_position"]
        subjects: SubjectSet | None = values.get("_subjects")
        post = self._post_for(context, educator, position, values) if educator is not None else None
        data: dict[str, Any] = {}
        if post is None:
            changes["position"] = (None, position)
            data = {"is_main": values.get("work", MAIN) == MAIN}
            if "work" in values:
                changes["work"] = (None, values["work"])
            for key in ("weekly_hours", "starts_on", "ends_on"):
                if key in values:
                    data[key] = values[key]
                    changes[key] = (None, values[key])
            if subjects is not None and subjects.subjects:
                changes["subjects"] = (None, subjects)
            return EmploymentWrite(
                employment=None,
                position=position,
                data=data,
                subjects=list(subjects.subjects) if subjects is not None else None,
            )
        if "work" in values and post.is_main != (values["work"] == MAIN):
            data["is_main"] = values["work"] == MAIN
            changes["work"] = (MAIN if post.is_main else PART, values["work"])
        for key in ("weekly_hours", "starts_on", "ends_on"):
            if key in values and getattr(post, key) != values[key]:
                data[key] = values[key]
                changes[key] = (getattr(post, key), values[key])
        new_subjects: list[Subject] | None = None
        if subjects is not None:
            held = context.cache["existing"].subjects.get(post.pk, set())
            if held != subjects.ids:
                new_subjects = list(subjects.subjects)
                names = {s.pk: s.name for s in _reference(context).subjects}
                changes["subjects"] = (", ".join(sorted(names.get(pk, str(pk)) for pk in held)), subjects)
        if not data and new_subjects is None:
            return None
        return EmploymentWrite(employment=post, position=position, data=data, subjects=new_subjects)

    def _plan_education(
        self,
        context: ImportContext,
        educator: Educator | None,
        values: dict[str, Any],
        changes: dict[str, tuple[Any, Any]],
    ) -> EducationWrite | None:
        level, pedagogical = values.get("_education", (None, None))
        if "is_pedagogical" in values:
            pedagogical = values["is_pedagogical"]
        if level is None and pedagogical is None:
            return None
        records: list[EducationRecord] = (
            context.cache["existing"].education.get(educator.pk, []) if educator is not None else []
        )
        if level is not None:
            record = next((r for r in records if r.level == level), None)
        else:
            record = min(records, key=lambda r: (_LEVEL_RANK.get(r.level, 9), r.pk), default=None)
        if record is None:
            if level is None:
                return None  # reported by check
            changes["education_level"] = (None, _LEVEL_LABELS[level])
            if pedagogical is not None:
                changes["is_pedagogical"] = (None, pedagogical)
            return EducationWrite(record=None, level=level, is_pedagogical=bool(pedagogical))
        if pedagogical is None or record.is_pedagogical == pedagogical:
            return None
        changes["is_pedagogical"] = (record.is_pedagogical, pedagogical)
        return EducationWrite(record=record, level=record.level, is_pedagogical=pedagogical)

    def changes(
        self, context: ImportContext, existing: Any, values: dict[str, Any]
    ) -> dict[str, tuple[Any, Any]]:
        plan = self._plan(context, existing, values)
        context.cache.setdefault("plans", {})[existing.pk] = plan
        return plan.changes

    def describe(self, values: dict[str, Any]) -> str:
        if values.get("full_name") and not values.get("last_name"):
            return str(values["full_name"])
        return full_name(values.get("last_name"), values.get("first_name"), values.get("patronymic"))

    def example_rows(self, context: ImportContext) -> list[dict[str, Any]]:
        row = {column.key: column.example for column in self.columns if column.key != "full_name"}
        return [row]

    # --- save -------------------------------------------------------------------------------------

    def save(
        self,
        context: ImportContext,
        creates: list[dict[str, Any]],
        updates: list[tuple[Any, dict[str, Any]]],
        *,
        by: Any | None,
        progress: Progress,
    ) -> None:
        organization: Organization = context.cache["organization"]
        plans: dict[int, Plan] = context.cache.get("plans", {})
        writes = [self._plan(context, None, values).write for values in creates]
        writes.extend(plans[educator.pk].write for educator, _ in updates)
        # Every cell went through the model's validators (the columns use the same functions and limits;
        # test_imports checks they stay in step), so the service does not repeat them.
        educator_import_many(
            organization=organization,
            municipality=context.cache["municipality"],
            rows=writes,
            by=by,
            validated=True,
            progress=progress,
        )


class EducatorTemplate(EducatorImport):
    """The template's columns: three name columns (surname and name marked required), no «Ф.И.О.»
    (which the import still reads instead of them)."""

    columns = tuple(
        dataclasses.replace(column, required=True) if column.key in ("last_name", "first_name") else column
        for column in COLUMNS
        if column.key != "full_name"
    )


EDUCATOR_IMPORT = register(EducatorImport())
EDUCATOR_TEMPLATE = EducatorTemplate()
