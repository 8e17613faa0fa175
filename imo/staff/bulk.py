"""Writes of many educators at once (a school's staff list): people, their posts at one organisation, the
subjects of those posts, education records — in a few statements, with the audit trail single saves
would leave.

`educator_import_many` is to the staff import what `organization_upsert_many` is to the organisations
import: keys are reserved and new rows inserted with COPY (PostgreSQL) or one executemany (SQLite);
changed rows go through bulk_update. The audit log gets one entry per new person, naming the post and
the education record created with them, one per other created or changed object, and one per change of
an existing post's subjects, as django-auditlog's m2m signal would write it
(docs/decisions/0011-audit-of-bulk-imports.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.base import ModelState
from django.utils import timezone

from imo.core.imports.audit import Extra, log_bulk_changes
from imo.core.imports.collector import collector_paused
from imo.core.imports.spec import Progress, no_progress
from imo.orgs.models import Organization
from imo.reference.models import Position, Subject
from imo.staff.experience import full_years
from imo.staff.models import EducationRecord, Educator, Employment
from imo.staff.services import clean_educator_values, refresh_derived

MIN_AGE = 16
MAX_WEEKLY_HOURS = Decimal(60)
_BATCH = 900  # keys per IN (…): below SQLite's 999 parameters
_UPDATE_BATCH = 500
_SEXES = frozenset(Educator.Sex.values)
# Above this many numbers one query reads every СНИЛС of the database (a region holds tens of
# thousands) instead of dozens of `IN (…)` statements (SQLite; PostgreSQL takes them as one array).
_READ_ALL_ABOVE = 2000


@dataclass
class EmploymentWrite:
    """A post at the import's organisation: a new one (`employment` None) or changes to one."""

    employment: Employment | None
    position: Position
    data: dict[str, Any] = field(default_factory=dict)  # is_main, weekly_hours, starts_on, ends_on
    subjects: list[Subject] | None = None  # None: leave the subjects as they are


@dataclass
class EducationWrite:
    """An education record: a new one (`record` None) or a new «pedagogical» flag for one."""

    record: EducationRecord | None
    level: str
    is_pedagogical: bool


@dataclass
class EducatorWrite:
    """One row of a list: a new person (`educator` None) or changed fields of one, and their post."""

    educator: Educator | None
    data: dict[str, Any] = field(default_factory=dict)
    employment: EmploymentWrite | None = None
    education: EducationWrite | None = None


@dataclass(frozen=True)
class ImportResult:
    created: list[Educator]
    updated: list[Educator]
    employments_created: int
    employments_updated: int


@collector_paused()
@transaction.atomic
def educator_import_many(
    *,
    organization: Organization,
    municipality: Organization,
    rows: Sequence[EducatorWrite],
    by: Any | None = None,
    validated: bool = False,
    progress: Progress = no_progress,
) -> ImportResult:
    """Write the rows of a staff list of `organization`; new people go to `municipality`'s database.

    Checked for every row, as the single-record services check them: names, sex, age ≥ 16, СНИЛС unique
    (one query for the batch), weekly load 0–60, a post's end not before its start. `validated=True`
    skips the model's field validation (length, choices, СНИЛС/ИНН checksums, e-mail) for values that
    already went through the same validators (the import's columns use them); any problem raises
    ValidationError and nothing is saved.
    """
    if not organization.is_educational:
        raise ValidationError("Место работы — образовательная организация, не муниципалитет.")
    today = timezone.localdate()
    errors: list[str] = []
    progress(5, "Подготовка записей…")
    new_people = _prepare_new(rows, municipality, today, errors, validate=not validated)
    changed_people = _prepare_changed(rows, today, errors, validate=not validated)
    posts_new, posts_changed = _prepare_posts(rows, new_people, organization, errors)
    if errors:
        raise ValidationError(errors[:20])
    _check_snils_unique([*new_people.values(), *(new for _, new in changed_people)])

    progress(25, f"Сохранение педагогов: новых {len(new_people)}…")
    _insert(list(new_people.values()))
    if changed_people:
        _update(changed_people)
    progress(50, f"Сохранение мест работы: новых {len(posts_new)}…")
    _insert(posts_new)
    if posts_changed:
        _update(posts_changed)
    subject_changes = _write_subjects(rows, posts_new)
    records_new, records_changed = _write_education(rows, new_people)

    progress(75, "Запись в журнал изменений…")
    folded = _Folded(new_people.values(), posts_new, records_new)
    pairs: list[tuple[Model | None, Model]] = [(None, e) for e in new_people.values()]
    pairs.extend(changed_people)
    pairs.extend((None, e) for e in posts_new if e.educator_id not in folded.people)
    pairs.extend(posts_changed)
    pairs.extend((None, r) for r in records_new if r.educator_id not in folded.people)
    pairs.extend(records_changed)
    log_bulk_changes(pairs, by=by, extra=folded.extra)
    _log_subject_changes(subject_changes, by=by)
    progress(100, "Сохранено")
    return ImportResult(
        created=list(new_people.values()),
        updated=[new for _, new in changed_people],
        employments_created=len(posts_new),
        employments_updated=len(posts_changed),
    )


# --- instances -------------------------------------------------------------------------------------


class _Maker:
    """New model instances without Model.__init__ (several times faster for thousands of rows): every
    concrete field's default, then the values given by attname; related objects go to the instance's
    cache, so that __str__ (the audit log's object_repr) reads no rows."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.defaults: dict[str, Any] = {}
        self.factories: dict[str, Any] = {}
        for f in model._meta.concrete_fields:
            if f.has_default() and callable(f.default):
                self.factories[f.attname] = f.default
            else:
                self.defaults[f.attname] = f.get_default()

    def __call__(self, values: dict[str, Any], related: dict[str, Model] | None = None) -> Any:
        obj = self.model.__new__(self.model)
        state = ModelState()
        obj._state = state
        attributes = obj.__dict__
        attributes.update(self.defaults)
        for attname, factory in self.factories.items():
            attributes[attname] = factory()
        attributes.update(values)
        if related:
            for name, related_obj in related.items():
                attributes[f"{name}_id"] = related_obj.pk
                state.fields_cache[name] = related_obj
        return obj


# --- people ----------------------------------------------------------------------------------------


def _name(educator: Educator) -> str:
    return str(educator) or "(без имени)"


def _check_person(educator: Educator, today: dt.date, errors: list[str]) -> None:
    if not educator.last_name or not educator.first_name:
        errors.append(f"{_name(educator)}: нужны фамилия и имя.")
    if educator.sex not in _SEXES:
        errors.append(f"{_name(educator)}: не указан пол.")
    if educator.birth_date is not None:
        if educator.birth_date > today:
            errors.append(f"{_name(educator)}: дата рождения в будущем.")
        elif (full_years(educator.birth_date, today) or 0) < MIN_AGE:
            errors.append(f"{_name(educator)}: педагогу не может быть меньше {MIN_AGE} лет.")


def _validate_fields(objects: Iterable[Model], errors: list[str], exclude: list[str]) -> None:
    from imo.core.imports.bulk import validate_fields

    for obj, messages in validate_fields(objects, exclude=exclude):
        errors.append(f"{obj}: {' '.join(messages)}")


def _prepare_new(
    rows: Sequence[EducatorWrite],
    municipality: Organization,
    today: dt.date,
    errors: list[str],
    *,
    validate: bool,
) -> dict[int, Educator]:
    """New people by the index of their row."""
    people: dict[int, Educator] = {}
    make = _Maker(Educator)
    for index, row in enumerate(rows):
        if row.educator is not None:
            continue
        data = clean_educator_values(row.data) if validate else row.data
        educator: Educator = make({"municipality_id": municipality.pk, **data})
        refresh_derived(educator)
        _check_person(educator, today, errors)
        people[index] = educator
    if validate:
        _validate_fields(people.values(), errors, exclude=["municipality", "user"])
    return people


def _copy(obj: Model) -> Model:
    return type(obj)(**{f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields})


def _prepare_changed(
    rows: Sequence[EducatorWrite], today: dt.date, errors: list[str], *, validate: bool
) -> list[tuple[Model, Educator]]:
    changed: list[tuple[Model, Educator]] = []
    for row in rows:
        if row.educator is None or not row.data:
            continue
        educator = row.educator
        old = _copy(educator)
        data = clean_educator_values(row.data) if validate else row.data
        for key, value in data.items():
            setattr(educator, key, value)
        refresh_derived(educator)
        _check_person(educator, today, errors)
        changed.append((old, educator))
    if validate:
        _validate_fields((new for _, new in changed), errors, exclude=["municipality", "user"])
    return changed


def _check_snils_unique(people: list[Educator]) -> None:
    """СНИЛС is unique among educators: one query per batch of numbers instead of one per row."""
    seen: dict[str, Educator] = {}
    for educator in people:
        if not educator.snils:
            continue
        if educator.snils in seen:
            raise ValidationError(f"СНИЛС {educator.snils[-2:]}… указан у двух педагогов в одной загрузке.")
        seen[educator.snils] = educator
    for pk, snils in _snils_holders(sorted(seen)):
        if snils in seen and seen[snils].pk != pk:
            raise ValidationError(
                f"Педагог со СНИЛС, оканчивающимся на {snils[-2:]}, уже есть в базе (возможно, его "
                "добавили после проверки файла). Проверьте файл ещё раз."
            )


def _snils_holders(numbers: list[str]) -> Iterator[tuple[int, str]]:
    """(pk, СНИЛС) of the educators holding any of `numbers`: on PostgreSQL one statement with the
    numbers as an array (the unique index answers it); on SQLite one `IN (…)` per batch, or one read of
    every СНИЛС when there are many numbers."""
    if not numbers:
        return
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Educator._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, snils FROM {table} WHERE snils <> '' AND snils = ANY(%s)", [numbers])
            yield from cursor.fetchall()
        return
    holders = Educator.objects.exclude(snils="")
    chunks = [numbers[i : i + _BATCH] for i in range(0, len(numbers), _BATCH)]
    if len(numbers) > _READ_ALL_ABOVE:
        chunks = [[]]
    for chunk in chunks:
        queryset = holders.filter(snils__in=chunk) if chunk else holders
        yield from queryset.values_list("pk", "snils").iterator(chunk_size=5000)


# --- posts -----------------------------------------------------------------------------------------


def _check_post(employment: Employment, person: Educator, errors: list[str]) -> None:
    hours = employment.weekly_hours
    if hours is not None and not Decimal(0) <= hours <= MAX_WEEKLY_HOURS:
        errors.append(f"{_name(person)}: нагрузка — от 0 до 60 часов в неделю.")
    if employment.starts_on and employment.ends_on and employment.ends_on < employment.starts_on:
        errors.append(f"{_name(person)}: дата окончания работы раньше даты начала.")


def _prepare_posts(
    rows: Sequence[EducatorWrite],
    new_people: dict[int, Educator],
    organization: Organization,
    errors: list[str],
) -> tuple[list[Employment], list[tuple[Model, Employment]]]:
    created: list[Employment] = []
    changed: list[tuple[Model, Employment]] = []
    make = _Maker(Employment)
    for index, row in enumerate(rows):
        write = row.employment
        if write is None:
            continue
        person = row.educator if row.educator is not None else new_people[index]
        if write.employment is None:
            # The educator's key is set after the insert (`_insert` reserves it): linked then.
            employment: Employment = make(
                write.data, {"organization": organization, "position": write.position}
            )
            employment._import_person = person  # type: ignore[attr-defined]
            employment._import_subjects = write.subjects or []  # type: ignore[attr-defined]
            _check_post(employment, person, errors)
            created.append(employment)
            continue
        employment = write.employment
        old = _copy(employment)
        for key, value in write.data.items():
            setattr(employment, key, value)
        # Instances for __str__ in the audit log, so that it reads no rows.
        employment.organization = organization
        employment.position = write.position
        old.organization, old.position = organization, write.position  # type: ignore[attr-defined]
        _check_post(employment, person, errors)
        if write.data:
            changed.append((old, employment))
    return created, changed


def _write_subjects(
    rows: Sequence[EducatorWrite], posts_new: list[Employment]
) -> list[tuple[Employment, str, list[Subject]]]:
    """The subjects of new posts and the new subject lists of existing ones (rows of the through
    table: inserted in one statement, removed in one per batch); returns (post, "add"/"delete",
    subjects) of the existing posts for the audit log (a new post's entry names its subjects)."""
    from imo.core.imports.bulk import insert_rows

    through = Employment.subjects.through
    log: list[tuple[Employment, str, list[Subject]]] = []
    inserted: list[tuple[int, int]] = []
    for post in posts_new:
        subjects: list[Subject] = getattr(post, "_import_subjects", [])
        inserted.extend((post.pk, subject.pk) for subject in subjects)
    changed = {
        row.employment.employment.pk: (row.employment.employment, row.employment.subjects)
        for row in rows
        if row.employment is not None
        and row.employment.employment is not None
        and row.employment.subjects is not None
    }
    held: dict[int, dict[int, int]] = {}  # post → subject → through row
    ids = sorted(changed)
    for start in range(0, len(ids), _BATCH):
        pairs = through.objects.filter(employment_id__in=ids[start : start + _BATCH])
        for pk, employment_id, subject_id in pairs.values_list("pk", "employment_id", "subject_id"):
            held.setdefault(employment_id, {})[subject_id] = pk
    gone_rows: list[int] = []
    gone_by_post: dict[int, list[int]] = {}
    for pk, (_, subjects) in changed.items():
        before = held.get(pk, {})
        wanted = {s.pk for s in subjects}
        added = [s for s in subjects if s.pk not in before]
        inserted.extend((pk, s.pk) for s in added)
        gone = sorted(set(before) - wanted)
        gone_rows.extend(before[subject_id] for subject_id in gone)
        if gone:
            gone_by_post[pk] = gone
        if added:
            log.append((changed[pk][0], "add", added))
    if gone_by_post:
        names = Subject.objects.in_bulk({i for gone in gone_by_post.values() for i in gone})
        log.extend((changed[pk][0], "delete", [names[i] for i in gone]) for pk, gone in gone_by_post.items())
    for start in range(0, len(gone_rows), _BATCH):
        through.objects.filter(pk__in=gone_rows[start : start + _BATCH]).delete()
    insert_rows(through, ["employment_id", "subject_id"], inserted)
    return log


# --- education -------------------------------------------------------------------------------------


def _write_education(
    rows: Sequence[EducatorWrite], new_people: dict[int, Educator]
) -> tuple[list[EducationRecord], list[tuple[Model, EducationRecord]]]:
    created: list[EducationRecord] = []
    changed: list[tuple[Model, EducationRecord]] = []
    make = _Maker(EducationRecord)
    for index, row in enumerate(rows):
        write = row.education
        if write is None:
            continue
        person = row.educator if row.educator is not None else new_people[index]
        if write.record is None:
            values = {"educator_id": person.pk, "level": write.level, "is_pedagogical": write.is_pedagogical}
            created.append(make(values))
        elif write.record.is_pedagogical != write.is_pedagogical:
            old = _copy(write.record)
            write.record.is_pedagogical = write.is_pedagogical
            changed.append((old, write.record))
    _insert(created)
    if changed:
        _update(changed)
    return created, changed


# --- statements ------------------------------------------------------------------------------------


def _insert(objects: Sequence[Model]) -> None:
    """Reserve keys, link new posts to their new people, INSERT (COPY / executemany)."""
    from imo.core.imports.bulk import insert, reserve_ids

    if not objects:
        return
    for obj, pk in zip(objects, reserve_ids(type(objects[0]), len(objects)), strict=True):
        obj.pk = pk
        person = getattr(obj, "_import_person", None)
        if person is not None:
            obj.educator_id = person.pk  # type: ignore[attr-defined]
    insert(objects)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = "default"


def _update(pairs: Sequence[tuple[Model, Model]]) -> None:
    """bulk_update of the fields that differ from the copies kept before the change (for the rows
    together), and updated_at."""
    now = timezone.now()
    model = type(pairs[0][1])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.name != "updated_at"]
    names = {"updated_at"}
    for old, new in pairs:
        names.update(f.name for f in fields if getattr(old, f.attname) != getattr(new, f.attname))
        new.updated_at = now  # type: ignore[attr-defined]
    model._default_manager.bulk_update([new for _, new in pairs], sorted(names), batch_size=_UPDATE_BATCH)


# --- audit ---------------------------------------------------------------------------------------


class _Folded:
    """The audit entries of what the import created: one per new person, whose changes also hold, as
    readable text, the post and the education record created with them ({"место работы": ["None",
    "Учитель — СОШ № 1 (основное), с 01.09.2015; предметы: Математика; 18 ч/нед."]}) and, in
    additional_data, their keys. A new post of someone already in the database keeps its own entry, with
    its subjects in it. See docs/decisions/0011-audit-of-bulk-imports.md."""

    def __init__(
        self, people: Iterable[Educator], posts: Iterable[Employment], records: Iterable[EducationRecord]
    ) -> None:
        post_key, record_key = str(Employment._meta.verbose_name), str(EducationRecord._meta.verbose_name)
        post_label, record_label = Employment._meta.label_lower, EducationRecord._meta.label_lower
        self.subjects_key = Employment._meta.get_field("subjects").name
        self.people: dict[int, Extra | None] = {person.pk: None for person in people}
        texts: dict[int, dict[str, list[str]]] = {}
        created: dict[int, dict[str, list[int]]] = {}
        names = _PostNames()
        for post in posts:  # a row of the list makes at most one post and one education record
            if post.educator_id in self.people:
                texts[post.educator_id] = {post_key: ["None", names.text(post)]}
                created[post.educator_id] = {post_label: [post.pk]}
        levels = {str(value): str(label) for value, label in EducationRecord.Level.choices}
        for record in records:
            if record.educator_id in self.people:
                level = levels.get(record.level, record.level)
                text = f"{level}, педагогическое" if record.is_pedagogical else level
                texts.setdefault(record.educator_id, {})[record_key] = ["None", text]
                created.setdefault(record.educator_id, {})[record_label] = [record.pk]
        for pk, changes in texts.items():
            self.people[pk] = Extra(changes, {"created_with": created[pk]})

    def extra(self, obj: Model) -> Extra | None:
        if type(obj) is Employment:
            subjects = getattr(obj, "_import_subjects", None)
            return Extra({self.subjects_key: ["None", _names(subjects)]}) if subjects else None
        return self.people.get(obj.pk) if type(obj) is Educator else None


def _names(subjects: Iterable[Subject]) -> str:
    return ", ".join(subject.name for subject in subjects)


class _PostNames:
    """A new post as a line of text: «Учитель — СОШ № 1 (основное), с 01.09.2015; предметы: Математика,
    Физика; 18 ч/нед.» (str() of the post, its dates, subjects and load)."""

    def __init__(self) -> None:
        self.titles: dict[tuple[int, int, bool], str] = {}

    def text(self, post: Employment) -> str:
        key = (post.position_id, post.organization_id, post.is_main)
        text = self.titles.get(key)
        if text is None:
            text = self.titles[key] = str(post)
        if post.starts_on:
            text += f", с {post.starts_on:%d.%m.%Y}"
        if post.ends_on:
            text += f" по {post.ends_on:%d.%m.%Y}"
        if post.end_reason:
            text += f" ({post.end_reason})"
        subjects = getattr(post, "_import_subjects", None)
        if subjects:
            text += f"; предметы: {_names(subjects)}"
        if post.weekly_hours is not None:
            hours = format(post.weekly_hours, "f")
            hours = hours.rstrip("0").rstrip(".") if "." in hours else hours
            text += f"; {hours.replace('.', ',')} ч/нед."
        return text


# --- audit of subjects of existing posts ------------------------------------------------------------


def _log_subject_changes(changes: list[tuple[Employment, str, list[Subject]]], *, by: Any | None) -> int:
    """One «update» entry per post whose subjects were added or removed, as auditlog's m2m signal
    writes it: {"subjects": {"type": "m2m", "operation": "add", "objects": [names]}}."""
    if not changes:
        return 0
    from auditlog.cid import get_cid
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from imo.core.imports.bulk import insert_rows, reserve_ids

    content_type_id = ContentType.objects.get_for_model(Employment).pk
    actor_id = by.pk if by is not None and getattr(by, "pk", None) else None
    actor_email = getattr(by, "email", None) if actor_id else None
    cid, now = get_cid(), timezone.now()
    columns = (
        "id", "content_type_id", "object_pk", "object_id", "object_repr", "action", "changes_text",
        "changes", "actor_id", "cid", "timestamp", "actor_email",
    )  # fmt: skip
    ids = reserve_ids(LogEntry, len(changes))
    rows = [
        [
            pk, content_type_id, str(post.pk), post.pk, str(post), LogEntry.Action.UPDATE, "",
            {"subjects": {"type": "m2m", "operation": operation, "objects": [s.name for s in subjects]}},
            actor_id, cid, now, actor_email,
        ]
        for pk, (post, operation, subjects) in zip(ids, changes, strict=True)
    ]  # fmt: skip
    insert_rows(LogEntry, columns, rows)
    return len(rows)
