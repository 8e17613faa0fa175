"""The import of a provider's list of graduates (issue #6, items 5, 8, 9): `imo import courses FILE`,
«Загрузить список слушателей» (training:import). One row is one completed course of one educator.

How a row finds its educator, among the educators the importing user may load courses for (office editors:
their municipalities; a school admin: the people working at their school now; the command line: everyone,
or the municipality given with --organization):

1. by СНИЛС, when the row has one and an educator in scope holds it; the given name and patronymic must agree
   with the record (the surname may have changed), else the row goes to the resolution page;
2. else by the folded full name (Educator.name_key) among the educators who work, or worked during the
   course, at the row's school (the school as written, matched by folded full or short name);
3. a row without a school (or with a school the system does not know) is matched by its name only when
   exactly one educator in scope has it.

Nothing is guessed silently: a row that found nobody (UNMATCHED) or several people (AMBIGUOUS) is not an
error; the preview shows it as a warning and the commit writes it as a PendingGraduate row, resolved by a
person on training:pending_graduates. A row is the same record as an educator's existing course with the same
provider and document number (or, without a number, the same provider, folded title and end date): a
re-import of the same file changes nothing; changed hours, dates, registration number or date of issue
update it. Rows are written by `imo.training.graduates.bulk.course_records_import_many`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from imo.core.identifiers import validate_snils
from imo.core.imports.registry import register
from imo.core.imports.spec import (
    Column,
    ColumnType,
    ImportContext,
    ImportSpec,
    Progress,
    RowProblem,
    name_key,
)
from imo.core.names import (
    PersonNameError,
    full_name,
    parsed_full_name,
    validate_full_name,
)
from imo.core.text import fold
from imo.orgs.models import OFFICE_EDITOR_ROLES, Organization, Role
from imo.orgs.selectors import paths_q, scope_paths
from imo.staff.display import mask_snils
from imo.staff.models import Educator, Employment
from imo.staff.selectors import employed_in
from imo.staff.services import name_key_of
from imo.training import counting
from imo.training.graduates.bulk import UPDATABLE, course_records_import_many
from imo.training.models import (
    CourseKind,
    CourseRecord,
    PendingGraduate,
    PlanLine,
    Programme,
    Provider,
    TrainingSettings,
)

PERMISSION = "training.import_courses"  # granted in imo.training.graduates.rules

_BATCH = 900  # keys per IN (…): below SQLite's 999 parameters
MSG_UNMATCHED = "не найден — строка попадёт на страницу сопоставления"
MSG_AMBIGUOUS = "найдено {count} педагогов — выберите на странице сопоставления"

_KIND_SPELLINGS: dict[str, tuple[str, ...]] = {
    CourseKind.REFRESHER: (
        "ПК",
        "КПК",
        "повышение квалификации",
        "курсы повышения квалификации",
        "курсы",
        "ДПП ПК",
        "дпп пк",
    ),
    CourseKind.RETRAINING: (
        "ПП",
        "переподготовка",
        "профессиональная переподготовка",
        "проф. переподготовка",
        "проф.переподготовка",
        "ДПП ПП",
    ),
}


def _check_hours(value: int) -> None:
    if value <= 0 or value > 5000:
        raise ValidationError("Объём курса — целое число часов от 1 до 5000.")


COLUMNS: tuple[Column, ...] = (
    Column(
        "full_name",
        "ФИО",
        aliases=(
            "Ф.И.О.",
            "Фамилия Имя Отчество",
            "Фамилия, имя, отчество",
            "Фамилия, имя, отчество (при наличии)",
            "ФИО слушателя",
            "ФИО обучающегося",
            "ФИО выпускника",
            "ФИО педагога",
            "ФИО работника",
            "Слушатель",
            "Обучающийся",
            "Педагог",
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
        aliases=("Номер СНИЛС", "СНИЛС слушателя", "Страховой номер", "Страховой номер (СНИЛС)"),
        digits=(11,),
        validator=validate_snils,
        example="112-233-445 95",
        help="11 цифр. По СНИЛС педагог находится надёжнее, чем по ФИО.",
        width=16,
    ),
    Column(
        "school",
        "Школа",
        aliases=(
            "Место работы",
            "Образовательная организация",
            "ОО",
            "Наименование ОО",
            "Учреждение",
            "Организация (место работы)",
            "Место работы (организация)",
            "Наименование образовательной организации",
        ),
        max_length=500,
        example="МБОУ СОШ № 1",
        help="Где работает слушатель — как написано в списке: полное или краткое наименование. Нужна, "
        "чтобы отличить однофамильцев.",
        width=28,
    ),
    Column(
        "title",
        "Программа",
        required=True,
        aliases=(
            "Наименование программы",
            "Название программы",
            "Дополнительная профессиональная программа",
            "Наименование ДПП",
            "Программа обучения",
            "Наименование курса",
            "Название курса",
            "Курс",
            "Тема курсов",
            "Тема",
        ),
        max_length=500,
        example="Реализация требований обновлённых ФГОС ООО",
        help="Наименование программы, как в документе.",
        width=40,
    ),
    Column(
        "kind",
        "Вид",
        ColumnType.CHOICE,
        aliases=("Вид программы", "Вид обучения", "Вид ДПО", "Тип программы", "Вид курсов"),
        choices=tuple((value, str(label)) for value, label in CourseKind.choices),
        choice_aliases=tuple(
            (spelling, kind) for kind, spellings in _KIND_SPELLINGS.items() for spelling in spellings
        ),
        example="повышение квалификации",
        help="«повышение квалификации» (ПК, КПК) или «профессиональная переподготовка» (ПП). Если пусто — "
        "вид программы из справочника, иначе повышение квалификации.",
        width=22,
    ),
    Column(
        "hours",
        "Часов",
        ColumnType.INTEGER,
        required=True,
        aliases=(
            "Часы",
            "Кол-во часов",
            "Количество часов",
            "Объём",
            "Объем",
            "Объём, ч",
            "Объем, ч",
            "Объём (часов)",
            "Объем (часов)",
            "Объём программы",
            "Объем программы",
            "Объём, часов",
            "Объем, часов",
            "Ак. часов",
        ),
        validator=_check_hours,
        example=36,
        help="Объём программы в часах: повышение квалификации — не меньше 16, переподготовка — не "
        "меньше 250.",
        width=10,
    ),
    Column(
        "starts_on",
        "Дата начала",
        ColumnType.DATE,
        required=True,
        aliases=("Начало", "Начало обучения", "Дата начала обучения", "Дата начала курсов", "Период с", "С"),
        example=dt.date(2025, 3, 10),
        help="дд.мм.гггг",
        width=14,
    ),
    Column(
        "ends_on",
        "Дата окончания",
        ColumnType.DATE,
        required=True,
        aliases=(
            "Окончание",
            "Окончание обучения",
            "Дата окончания обучения",
            "Дата окончания курсов",
            "Дата завершения",
            "Период по",
            "По",
        ),
        example=dt.date(2025, 3, 21),
        help="дд.мм.гггг. Курс должен быть уже окончен.",
        width=14,
    ),
    Column(
        "document_number",
        "Номер документа",
        aliases=(
            "Номер удостоверения",
            "№ удостоверения",
            "Удостоверение №",
            "Удостоверение",
            "Номер диплома",
            "№ диплома",
            "№ документа",
            "Серия и номер",
            "Серия, номер",
            "Серия и номер документа",
            "Номер бланка",
        ),
        max_length=100,
        example="612400012345",
        help="Номер удостоверения (диплома). По нему повторная загрузка узнаёт уже загруженные строки.",
        width=18,
    ),
    Column(
        "registration_number",
        "Регистрационный номер",
        aliases=("Рег. номер", "Рег. №", "Рег.номер", "Регистрационный №", "Регистрационный номер документа"),
        max_length=100,
        example="1234",
        width=16,
    ),
    Column(
        "issued_on",
        "Дата выдачи",
        ColumnType.DATE,
        aliases=(
            "Дата выдачи удостоверения",
            "Дата выдачи диплома",
            "Дата выдачи документа",
            "Выдано",
            "Выдан",
        ),
        example=dt.date(2025, 3, 21),
        help="дд.мм.гггг",
        width=14,
    ),
    Column(
        "provider",
        "Организация",
        aliases=(
            "Организация ДПО",
            "Организация, проводившая обучение",
            "Организация, проводившая курсы",
            "Наименование организации ДПО",
            "Кем выдан",
            "Организатор курсов",
            "ИНН организации",
        ),
        max_length=300,
        example="",
        help="Организация повышения квалификации (наименование из справочника или ИНН). Если пусто — та, "
        "что выбрана при загрузке.",
        width=28,
    ),
)


# --- who the rows may be --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    """What matching needs of an educator (read once for the whole scope, not per row)."""

    pk: int
    snils: str
    name_key: str
    last_name: str
    first_name: str
    patronymic: str
    municipality_id: int

    @property
    def name(self) -> str:
        return full_name(self.last_name, self.first_name, self.patronymic)


@dataclass
class Match:
    person: Person | None = None
    reason: str = ""  # PendingGraduate.Reason when nobody (or several) fit
    candidates: list[int] = field(default_factory=list)
    note: str = ""  # what the warning adds (why)
    surname_differs: bool = False
    school_unknown: bool = False


@dataclass
class Known:
    persons: dict[int, Person] = field(default_factory=dict)
    by_snils: dict[str, Person] = field(default_factory=dict)
    by_name: dict[str, list[Person]] = field(default_factory=dict)
    # educator id → [(organisation id, starts_on, ends_on)]
    jobs: dict[int, list[tuple[int, dt.date | None, dt.date | None]]] = field(default_factory=dict)
    schools: dict[str, set[int]] = field(default_factory=dict)  # folded name → organisation ids
    school_municipality: dict[int, int] = field(default_factory=dict)
    providers: dict[str, list[Provider]] = field(default_factory=dict)  # name key / ИНН → providers
    programmes: dict[tuple[int, str], Programme] = field(default_factory=dict)
    by_document: dict[tuple[int, int, str], CourseRecord] = field(default_factory=dict)
    by_title: dict[tuple[int, int, str, dt.date], CourseRecord] = field(default_factory=dict)
    # (provider id, document key) → educator ids that hold it (any educator, for the duplicate rule)
    documents: dict[tuple[int, str], set[int]] = field(default_factory=dict)
    pending: dict[Hashable, PendingGraduate] = field(default_factory=dict)
    municipality_id: int | None = None  # where rows that found nobody are kept when nothing else tells


def _chunks(items: Sequence[Any], size: int = _BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _school_key(text: str) -> str:
    return name_key(text).replace("№ ", "№").replace(" №", "№")


@dataclass(frozen=True)
class Scope:
    """Whose courses a user may load: everyone (None paths), municipalities, or schools (employed now)."""

    everyone: bool = False
    offices: tuple[str, ...] = ()
    schools: tuple[str, ...] = ()

    def educators(self) -> QuerySet[Educator]:
        queryset = Educator.objects.filter(erased_at__isnull=True)
        if self.everyone:
            return queryset
        condition = Q(pk__in=[])
        if self.offices:
            condition |= paths_q(self.offices, "municipality__")
        if self.schools:
            condition |= Q(employed_in(list(self.schools)))
        return queryset.filter(condition)


def scope_of(user: Any | None, organization_id: int | None = None) -> Scope:
    """The office's editors → their municipalities; a school admin → their school; superuser and the
    command line → everyone (or the subtree of `organization_id` when given)."""
    if user is None or (getattr(user, "is_superuser", False) and user.is_active):
        if organization_id:
            path = Organization.objects.filter(pk=organization_id).values_list("path", flat=True).first()
            return Scope(offices=(path,)) if path else Scope()
        return Scope(everyone=True)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    return Scope(
        offices=tuple(scope_paths(user, OFFICE_EDITOR_ROLES)),
        schools=tuple(scope_paths(user, {Role.SCHOOL_ADMIN})),
    )


def _normalise(values: dict[str, Any]) -> None:
    """Name parts and keys, once per row; keys starting with "_" are the import's own."""
    if "_ready" in values:
        return
    values["_ready"] = True
    if values.get("full_name"):
        try:
            name = parsed_full_name(values["full_name"])
        except PersonNameError:
            pass
        else:
            values["_name"] = name.full
            values["_key"] = name_key_of(name.last_name, name.first_name, name.patronymic)
            values["_first"], values["_patronymic"] = fold(name.first_name), fold(name.patronymic)
    values["_title_key"] = fold(values.get("title", ""))
    values["_doc_key"] = counting.document_key(values.get("document_number", ""))


def _who(values: dict[str, Any]) -> str:
    parts = []
    if values.get("_name") or values.get("full_name"):
        parts.append(values.get("_name") or values["full_name"])
    if values.get("snils"):
        parts.append(f"СНИЛС {mask_snils(values['snils'])}")
    return ", ".join(parts) or "—"


def _provider(context: ImportContext, values: dict[str, Any]) -> Provider | None:
    """The row's provider: its own column (name, short name or ИНН), else the one chosen for the file.
    Sets values["_provider_problem"] when the column names nobody (or several)."""
    if "_provider" in values:
        provider: Provider | None = values["_provider"]
        return provider
    known: Known = context.cache["known"]
    provider = context.cache.get("provider")
    written = values.get("provider", "")
    if written:
        found = known.providers.get(name_key(written)) or known.providers.get(
            "".join(ch for ch in written if ch.isdecimal())
        )
        if not found:
            values["_provider_problem"] = (
                f"Организация «{written}» не найдена в справочнике организаций повышения квалификации: "
                "добавьте её в справочник (с ИНН) или выберите организацию при загрузке."
            )
            provider = None
        elif len(found) > 1:
            values["_provider_problem"] = (
                f"Под названием «{written}» в справочнике несколько организаций: укажите ИНН."
            )
            provider = None
        else:
            provider = found[0]
    values["_provider"] = provider
    return provider


def _works_at(known: Known, pk: int, schools: set[int], values: dict[str, Any], today: dt.date) -> bool:
    """Works at one of `schools` now, or worked there during the course."""
    start, end = values.get("starts_on"), values.get("ends_on")
    for organization, starts, ends in known.jobs.get(pk, ()):
        if organization not in schools:
            continue
        if (ends is None or ends >= today) and (starts is None or starts <= today):
            return True
        if start and end and (starts is None or starts <= end) and (ends is None or ends >= start):
            return True
    return False


def _load_people(known: Known, scope: Scope) -> None:
    """Every educator of the scope (key, СНИЛС, name parts): one query."""
    educators = scope.educators()
    rows = educators.values_list(
        "pk", "snils", "name_key", "last_name", "first_name", "patronymic", "municipality_id"
    )
    for pk, snils, key, last, first, patronymic, municipality_id in rows.iterator(chunk_size=5000):
        person = Person(pk, snils or "", key, last, first, patronymic, municipality_id)
        known.persons[pk] = person
        if person.snils:
            known.by_snils[person.snils] = person
        known.by_name.setdefault(key, []).append(person)


def _load_jobs(known: Known, rows: list[dict[str, Any]]) -> None:
    """The jobs of the namesakes of rows that name a school the scope has (a query per 900 people)."""
    wanted: set[int] = set()
    for values in rows:
        key, school = values.get("_key"), values.get("school")
        if key and school and _school_key(school) in known.schools:
            wanted.update(person.pk for person in known.by_name.get(key, ()))
    jobs = Employment.objects.values_list("educator_id", "organization_id", "starts_on", "ends_on")
    for chunk in _chunks(sorted(wanted)):
        for educator_id, organization_id, starts, ends in jobs.filter(educator_id__in=chunk):
            known.jobs.setdefault(educator_id, []).append((organization_id, starts, ends))


def _load_schools(known: Known, scope: Scope, organization_id: int | None) -> None:
    """Every organisation by folded full and short name, each with its municipality (a row may name a
    school outside the user's scope: its namesakes there are not the user's people), and the municipality
    the rows that found nobody belong to: one query."""
    municipalities: list[tuple[str, int]] = []
    paths: dict[int, str] = {}
    organizations = Organization.objects.values_list("pk", "name", "short_name", "path", "kind")
    for pk, name, short, path, kind in organizations.iterator(chunk_size=5000):
        if kind == Organization.Kind.MUNICIPALITY:
            municipalities.append((path, pk))
            continue
        if kind == Organization.Kind.REGION:
            continue
        for text in (name, short):
            if text:
                known.schools.setdefault(_school_key(text), set()).add(pk)
        paths[pk] = path
    for pk, path in paths.items():
        owner = [m for p, m in municipalities if path.startswith(p)]
        known.school_municipality[pk] = owner[0] if owner else 0
    roots = (*scope.offices, *scope.schools)
    mine = [
        pk
        for path, pk in municipalities
        if scope.everyone or any(path.startswith(root) or root.startswith(path) for root in roots)
    ]
    if organization_id:
        known.municipality_id = organization_id
    elif len(mine) == 1:
        known.municipality_id = mine[0]


def _load_catalogue(known: Known) -> dict[int, Provider]:
    """Providers by folded name, short name and ИНН; programmes by provider and folded title."""
    providers = list(Provider.objects.all())
    for provider in providers:
        for text in {provider.name, provider.short_name}:
            if text:
                found = known.providers.setdefault(name_key(text), [])
                if provider not in found:
                    found.append(provider)
        if provider.inn:
            known.providers.setdefault(provider.inn, []).append(provider)
    for programme in Programme.objects.order_by("-is_active", "pk"):
        known.programmes.setdefault(
            (programme.provider_id, programme.title_key or fold(programme.title)), programme
        )
    return {provider.pk: provider for provider in providers}


def _match_by_snils(known: Known, values: dict[str, Any]) -> Match:
    """The row's СНИЛС is held by an educator in scope: theirs when the names agree (the surname may have
    changed), else a row for the resolution page with them and the row's namesakes as candidates."""
    person = known.by_snils[values["snils"]]
    key = values.get("_key", "")
    if not key or person.name_key == key:
        return Match(person)
    patronymic, own_patronymic = values.get("_patronymic", ""), fold(person.patronymic)
    if fold(person.first_name) == values.get("_first") and (
        not own_patronymic or not patronymic or own_patronymic == patronymic
    ):
        return Match(person, surname_differs=True)
    others = [p.pk for p in known.by_name.get(key, []) if p.pk != person.pk]
    return Match(
        reason=PendingGraduate.Reason.UNMATCHED,
        candidates=[person.pk, *others],
        note=f"СНИЛС записан в базе за «{person.name}», а в строке другое ФИО",
    )


def _among(found: list[Person], **extra: Any) -> Match:
    """One person → theirs; several → AMBIGUOUS with them as candidates; nobody → UNMATCHED."""
    if len(found) == 1:
        return Match(found[0], **extra)
    if found:
        return Match(reason=PendingGraduate.Reason.AMBIGUOUS, candidates=[p.pk for p in found])
    return Match(reason=PendingGraduate.Reason.UNMATCHED)


def _match(known: Known, values: dict[str, Any], today: dt.date) -> Match:
    snils, key = values.get("snils", ""), values.get("_key", "")
    if snils and snils in known.by_snils:
        return _match_by_snils(known, values)
    if not key:
        return Match(reason=PendingGraduate.Reason.UNMATCHED)
    namesakes = [p for p in known.by_name.get(key, []) if not (snils and p.snils)]
    school = values.get("school", "")
    schools = known.schools.get(_school_key(school), set()) if school else set()
    if not schools:
        return _among(namesakes, school_unknown=bool(school))
    at_school = [p for p in namesakes if _works_at(known, p.pk, schools, values, today)]
    if at_school:
        return _among(at_school)
    return Match(
        reason=PendingGraduate.Reason.UNMATCHED,
        candidates=[p.pk for p in namesakes],
        note="в этой школе педагога с такими ФИО нет" + (", есть в других" if namesakes else ""),
    )


def _pending_key(values: dict[str, Any], provider_id: int | None) -> Hashable:
    course: Hashable = values.get("_doc_key") or (values.get("_title_key"), values.get("ends_on"))
    return (values.get("_key") or "", values.get("snils", ""), provider_id, course)


def pending_key_of(pending: PendingGraduate) -> Hashable:
    """The key `_pending_key` gives the row a PendingGraduate was made from (a re-import finds it)."""
    data = pending.data or {}
    values: dict[str, Any] = {"full_name": pending.full_name, "snils": pending.snils, **data}
    values["ends_on"] = dt.date.fromisoformat(data["ends_on"]) if data.get("ends_on") else None
    _normalise(values)
    return _pending_key(values, data.get("provider_id"))


def record_values(values: dict[str, Any], *, provider: Provider, known: Known) -> dict[str, Any]:
    """The CourseRecord fields of a row (programme linked when the title is in the provider's catalogue)."""
    programme = known.programmes.get((provider.pk, values.get("_title_key") or fold(values.get("title"))))
    kind = values.get("kind") or (programme.kind if programme else CourseKind.REFRESHER)
    return {
        "title": values["title"],
        "kind": kind,
        "programme_id": programme.pk if programme else None,
        "provider_id": provider.pk,
        "provider_name": provider.name,
        "provider_kind": provider.kind,
        "provider_key": provider.name_key or fold(provider.name),
        "hours": values["hours"],
        "starts_on": values["starts_on"],
        "ends_on": values["ends_on"],
        "document_number": values.get("document_number", ""),
        "registration_number": values.get("registration_number", ""),
        "issued_on": values.get("issued_on"),
        "document_kind": (
            CourseRecord.DocumentKind.DIPLOMA
            if kind == CourseKind.RETRAINING
            else CourseRecord.DocumentKind.CERTIFICATE
        ),
    }


def course_problems(
    values: dict[str, Any], *, kind: str, settings: TrainingSettings, today: dt.date
) -> Iterator[RowProblem]:
    """The rules of a completed course (training.md 2; issue #6 item 8), on a row or a pending row."""
    hours, starts, ends, issued = (
        values.get("hours"),
        values.get("starts_on"),
        values.get("ends_on"),
        values.get("issued_on"),
    )
    if hours is not None and hours < counting.minimum_hours(kind, settings):
        yield RowProblem("hours", counting.hours_message(kind, settings))
    if starts and ends and ends < starts:
        yield RowProblem("ends_on", counting.MSG_ENDS_BEFORE_START)
    if ends and ends > today:
        yield RowProblem("ends_on", counting.MSG_ENDS_IN_FUTURE)
    if issued and issued > today:
        yield RowProblem("issued_on", "Дата выдачи документа не может быть в будущем.")


# --- the declaration ------------------------------------------------------------------------------


class CourseImport(ImportSpec):
    kind = "courses"
    title = "Списки слушателей курсов"
    permission = PERMISSION
    url_base = "training:import"
    sheet_name = "Слушатели"
    columns = COLUMNS
    row_number_key = "_row"  # PendingGraduate.row_number

    def check_options(self, context: ImportContext) -> str:
        provider_id = context.options.get("provider_id")
        if provider_id and not Provider.objects.filter(pk=provider_id).exists():
            return "Организация повышения квалификации не найдена в справочнике."
        line_id = context.options.get("plan_line_id")
        if line_id and not plan_lines_for(context.user).filter(pk=line_id).exists():
            return "Строка плана повышения квалификации не найдена среди доступных вам."
        return ""

    def prepare(self, context: ImportContext) -> None:
        """The scope's educators, their jobs and schools, the providers and their programmes: a fixed
        number of queries for any file."""
        context.cache.clear()
        context.cache["today"] = timezone.localdate()
        context.cache["settings"] = TrainingSettings.current()
        known = Known()
        context.cache["known"] = known
        if context.user is not None and not context.user.has_perm(PERMISSION):
            context.cache["scope_problem"] = "Загружать списки слушателей курсов вам нельзя."
            return
        scope = scope_of(context.user, context.options.get("organization_id"))
        context.cache["scope"] = scope
        _load_people(known, scope)
        _load_schools(known, scope, context.options.get("organization_id"))
        by_pk = _load_catalogue(known)
        line = None
        if context.options.get("plan_line_id"):
            line = PlanLine.objects.filter(pk=context.options["plan_line_id"]).first()
        context.cache["plan_line"] = line
        provider_id = context.options.get("provider_id") or (line.provider_id if line else None)
        context.cache["provider"] = by_pk.get(provider_id) if provider_id else None

    def keys(self, context: ImportContext, values: dict[str, Any]) -> list[tuple[str, str, Hashable]]:
        """One document number of a provider per file; one course of an educator per file."""
        _normalise(values)
        if context.cache.get("scope_problem"):
            return []
        provider = _provider(context, values)
        found: list[tuple[str, str, Hashable]] = []
        if provider is not None and values["_doc_key"]:
            found.append(
                (
                    "document_number",
                    "тот же номер документа той же организации",
                    (provider.pk, values["_doc_key"]),
                )
            )
        if provider is not None and not values["_doc_key"] and values.get("ends_on"):
            who = values.get("snils") or (values.get("_key"), _school_key(values.get("school", "")))
            found.append(
                (
                    "title",
                    "тот же слушатель, та же программа и дата окончания",
                    (who, provider.pk, values["_title_key"], values["ends_on"]),
                )
            )
        return found

    def fetch(self, context: ImportContext, rows: list[dict[str, Any]]) -> None:
        """The existing courses of the educators the rows found, the document numbers of the rows'
        providers, and the open or decided pending rows (a re-import finds them): a few queries."""
        if context.cache.get("scope_problem"):
            return
        known: Known = context.cache["known"]
        today: dt.date = context.cache["today"]
        providers: set[int] = set()
        for values in rows:
            _normalise(values)
            provider = _provider(context, values)
            if provider is not None:
                providers.add(provider.pk)
        _load_jobs(known, rows)
        for values in rows:
            values["_match"] = _match(known, values, today)
        ids = sorted({m.person.pk for v in rows if (m := v.get("_match")) is not None and m.person})
        for chunk in _chunks(ids if providers else []):
            for record in CourseRecord.objects.filter(
                educator_id__in=chunk, provider_id__in=sorted(providers)
            ):
                assert record.provider_id is not None
                number = counting.document_key(record.document_number)
                if number:
                    known.by_document[(record.educator_id, record.provider_id, number)] = record
                known.by_title.setdefault(
                    (record.educator_id, record.provider_id, fold(record.title), record.ends_on), record
                )
        if providers:
            numbered = (
                CourseRecord.objects.filter(provider_id__in=sorted(providers))
                .exclude(document_number="")
                .values_list("provider_id", "document_number", "educator_id")
            )
            for provider_id, number, educator_id in numbered.iterator(chunk_size=5000):
                known.documents.setdefault((provider_id, counting.document_key(number)), set()).add(
                    educator_id
                )
        if any(m.person is None for v in rows if (m := v.get("_match")) is not None):
            pending = PendingGraduate.objects.all()
            if known.municipality_id and not context.cache["scope"].everyone:
                pending = pending.filter(municipality_id=known.municipality_id)
            for row in pending.iterator(chunk_size=2000):
                known.pending.setdefault(pending_key_of(row), row)

    def find(self, context: ImportContext, values: dict[str, Any]) -> Any | None:
        if context.cache.get("scope_problem"):
            raise RowProblem(None, context.cache["scope_problem"])
        if not values.get("full_name") and not values.get("snils"):
            raise RowProblem("full_name", "Укажите ФИО или СНИЛС слушателя (лучше оба).")
        provider = _provider(context, values)
        if values.get("_provider_problem"):
            raise RowProblem("provider", values["_provider_problem"])
        if provider is None:
            raise RowProblem(
                "provider",
                "Не указана организация повышения квалификации: выберите её при загрузке или заполните "
                "столбец «Организация».",
            )
        known: Known = context.cache["known"]
        match: Match = values["_match"]
        if match.person is None:
            return known.pending.get(_pending_key(values, provider.pk))
        pk = match.person.pk
        if values["_doc_key"]:
            return known.by_document.get((pk, provider.pk, values["_doc_key"]))
        return known.by_title.get((pk, provider.pk, values["_title_key"], values["ends_on"]))

    def check(
        self, context: ImportContext, values: dict[str, Any], existing: Any | None
    ) -> Iterable[RowProblem]:
        if isinstance(existing, PendingGraduate):
            return []
        known: Known = context.cache["known"]
        provider: Provider = values["_provider"]
        kind = record_values(values, provider=provider, known=known)["kind"]
        problems = list(
            course_problems(
                values, kind=kind, settings=context.cache["settings"], today=context.cache["today"]
            )
        )
        doc_key = values["_doc_key"]
        match: Match = values["_match"]
        if doc_key and existing is None:
            holders = known.documents.get((provider.pk, doc_key), set())
            others = holders - ({match.person.pk} if match.person else set())
            if others:
                holder = known.persons.get(min(others))
                who = f"за педагогом {holder.name}" if holder else "за другим педагогом"
                problems.append(
                    RowProblem(
                        "document_number",
                        counting.MSG_DUPLICATE_DOCUMENT.format(number=values["document_number"], who=who),
                    )
                )
        return problems

    def warnings(
        self, context: ImportContext, values: dict[str, Any], existing: Any | None
    ) -> Iterable[RowProblem]:
        if isinstance(existing, PendingGraduate):
            return []
        match: Match = values["_match"]
        found: list[RowProblem] = []
        column = "full_name" if values.get("full_name") else "snils"
        if match.person is None:
            text = (
                MSG_AMBIGUOUS.format(count=len(match.candidates))
                if match.reason == PendingGraduate.Reason.AMBIGUOUS
                else MSG_UNMATCHED
            )
            note = f" ({match.note})" if match.note else ""
            found.append(
                RowProblem(
                    column,
                    f"{_who(values)}: {text}{note}.",
                    url=_pending_url(context),
                    url_text="Страница сопоставления",
                )
            )
        elif match.surname_differs:
            found.append(
                RowProblem(
                    "full_name",
                    f"Педагог найден по СНИЛС; в базе он записан как «{match.person.name}» (другая фамилия).",
                )
            )
        elif match.school_unknown:
            found.append(
                RowProblem(
                    "school",
                    f"Школа «{values['school']}» не найдена в системе; педагог найден по ФИО "
                    "(он один с такими ФИО).",
                )
            )
        settings: TrainingSettings = context.cache["settings"]
        provider: Provider = values["_provider"]
        if counting.provider_not_counting(provider.kind, values.get("ends_on"), settings):
            found.append(
                RowProblem(
                    "provider" if values.get("provider") else "ends_on",
                    counting.MSG_OTHER_PROVIDER.format(until=settings.other_providers_count_until),
                )
            )
        return found

    def changes(
        self, context: ImportContext, existing: Any, values: dict[str, Any]
    ) -> dict[str, tuple[Any, Any]]:
        if isinstance(existing, PendingGraduate):
            return {}
        found: dict[str, tuple[Any, Any]] = {}
        for key in UPDATABLE:
            if key in values and getattr(existing, key) != values[key]:
                found[key] = (getattr(existing, key), values[key])
        return found

    def describe(self, values: dict[str, Any]) -> str:
        who = _who(values)
        title = values.get("title", "")
        ends = values.get("ends_on")
        what = f"{title}, {ends:%d.%m.%Y}" if title and ends else title
        return f"{who} — {what}" if what else who

    def save(
        self,
        context: ImportContext,
        creates: list[dict[str, Any]],
        updates: list[tuple[Any, dict[str, Any]]],
        *,
        by: Any | None,
        progress: Progress,
    ) -> None:
        known: Known = context.cache["known"]
        line: PlanLine | None = context.cache.get("plan_line")
        records: list[dict[str, Any]] = []
        pending: list[dict[str, Any]] = []
        run_id = context.options.get("run_id")
        for values in creates:
            provider: Provider = values["_provider"]
            data = record_values(values, provider=provider, known=known)
            match: Match = values["_match"]
            if match.person is not None:
                # a catalogue provider's record keeps no typed name, as the records service writes it
                records.append(
                    data
                    | {"provider_name": "", "provider_key": ""}
                    | {"educator_id": match.person.pk, "plan_line_id": line.pk if line else None}
                )
                continue
            municipality = _municipality_of(known, match, values)
            pending.append(
                {
                    "run_id": run_id,
                    "municipality_id": municipality,
                    "row_number": values.get("_row", 0),
                    "full_name": values.get("_name") or values.get("full_name", ""),
                    "snils": values.get("snils", ""),
                    "school_name": values.get("school", ""),
                    "data": _json_data(data) | {"plan_line_id": line.pk if line else None},
                    "reason": match.reason,
                    "candidates": match.candidates,
                }
            )
        course_records_import_many(
            creates=records, updates=updates, pending=pending, by=by, progress=progress
        )

    def example_rows(self, context: ImportContext) -> list[dict[str, Any]]:
        return [{column.key: column.example for column in self.columns}]


def _pending_url(context: ImportContext) -> str:
    url: str | None = context.cache.get("pending_url")
    if url is None:
        url = context.cache["pending_url"] = reverse("training:pending_graduates")
    return url


def _municipality_of(known: Known, match: Match, values: dict[str, Any]) -> int | None:
    for pk in match.candidates:
        person = known.persons.get(pk)
        if person is not None:
            return person.municipality_id
    schools = known.schools.get(_school_key(values.get("school", "")), set())
    for school in sorted(schools):
        if known.school_municipality.get(school):
            return known.school_municipality[school]
    return known.municipality_id


def _json_data(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in data.items()}


def plan_lines_for(user: Any | None) -> QuerySet[PlanLine]:
    """Plan lines a file may be tied to: lines of plans of the user's municipalities (office editors);
    the superuser and the command line: all."""
    queryset = PlanLine.objects.select_related("plan", "programme", "provider")
    if user is None or (getattr(user, "is_superuser", False) and user.is_active):
        return queryset
    paths = scope_paths(user, OFFICE_EDITOR_ROLES)
    return queryset.filter(paths_q(paths, "plan__municipality__"))


COURSE_IMPORT = register(CourseImport())
