"""Records that may be the same person, and merging two of them into one (issue #4, item 6).

Possible duplicates (never merged silently, a person decides):
- the same folded full name and the same birth date;
- the same folded full name among the current employees of one school (their СНИЛС differ or one is
  missing: the same СНИЛС twice cannot exist, it is unique).

Merging keeps one record and moves everything of the other onto it: every row of any model that points at
the removed educator (education, awards, employments with their subjects, consents, change proposals, the
personal-data access log links, and whatever later modules add), then fills the kept record's empty fields
from the removed one (a field both records fill differently keeps the kept value unless the user chose the
other), deletes the removed record and writes one change-log entry on the kept one that tells what happened.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.text import capfirst

from imo.core.identifiers import format_snils
from imo.core.names import short_name
from imo.core.text import russian_sort_key
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on, educators_visible_to, employments_prefetch
from imo.staff.services import educator_update

# The fields a merge compares, in the order the preview shows them.
MERGE_FIELDS: tuple[str, ...] = (
    "last_name",
    "first_name",
    "patronymic",
    "sex",
    "birth_date",
    "snils",
    "inn",
    "phone",
    "email",
    "academic_degree",
    "academic_title",
    "total_experience_start",
    "teaching_experience_start",
    "municipality",
    "user",
)
# additional_data key of the merge's log entry: the removed record's id (erasure follows it to the history).
MERGED_FROM = "merged_from"


# --- possible duplicates ---------------------------------------------------------------------------


@dataclass
class DuplicateGroup:
    """Records that may be one person, oldest first, and why they were put together."""

    educators: list[Educator]
    reasons: list[str] = field(default_factory=list)

    @property
    def first(self) -> Educator:
        return self.educators[0]

    @property
    def others(self) -> list[Educator]:
        return self.educators[1:]


def _group_key(ids: Iterable[int]) -> tuple[int, ...]:
    return tuple(sorted(set(ids)))


def duplicate_groups(user: Any, *, on: dt.date | None = None) -> list[DuplicateGroup]:
    """Groups of records in the user's scope that may be the same person, in Russian order of the name.

    Three queries whatever the data size (plus two for the current employments shown): the pairs by name
    and birth date, the pairs by name at one school, and the records themselves.
    """
    on = on or timezone.localdate()
    visible = educators_visible_to(user=user).exclude(name_key="")

    # 1. Same folded name and birth date.
    twins = visible.filter(name_key=OuterRef("name_key"), birth_date=OuterRef("birth_date")).exclude(
        pk=OuterRef("pk")
    )
    by_birth: dict[tuple[str, dt.date | None], set[int]] = defaultdict(set)
    for pk, key, born in (
        visible.filter(birth_date__isnull=False)
        .filter(Exists(twins))
        .values_list("pk", "name_key", "birth_date")
    ):
        by_birth[(key, born)].add(pk)

    # 2. Same folded name among the current employees of one school.
    current = Employment.objects.filter(active_on(on), educator__in=visible.values("pk"))
    namesakes = current.filter(
        organization_id=OuterRef("organization_id"), educator__name_key=OuterRef("educator__name_key")
    ).exclude(educator_id=OuterRef("educator_id"))
    by_school: dict[tuple[int, str], set[int]] = defaultdict(set)
    school_names: dict[int, str] = {}
    for pk, organization_id, organization_name, key in current.filter(Exists(namesakes)).values_list(
        "educator_id", "organization_id", "organization__short_name", "educator__name_key"
    ):
        by_school[(organization_id, key)].add(pk)
        school_names[organization_id] = organization_name

    reasons: dict[tuple[int, ...], list[str]] = defaultdict(list)
    for (_, born), ids in by_birth.items():
        day = born.strftime("%d.%m.%Y") if born else ""
        reasons[_group_key(ids)].append(f"одинаковые ФИО и дата рождения {day}")
    for (organization_id, _), ids in by_school.items():
        reasons[_group_key(ids)].append(
            f"одинаковые ФИО в одной организации: {school_names[organization_id]}"
        )
    if not reasons:
        return []

    all_ids = {pk for key in reasons for pk in key}
    records = {
        educator.pk: educator
        for educator in visible.filter(pk__in=all_ids)
        .select_related("municipality")
        .prefetch_related(employments_prefetch(on))
    }
    groups = [
        DuplicateGroup([records[pk] for pk in key if pk in records], texts) for key, texts in reasons.items()
    ]
    groups = [group for group in groups if len(group.educators) > 1]
    groups.sort(key=lambda group: (russian_sort_key(str(group.first)), group.first.pk))
    return groups


# --- comparing two records -------------------------------------------------------------------------


def _field(name: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", Educator._meta.get_field(name))


def field_label(name: str) -> str:
    return str(_field(name).verbose_name)


def _raw(educator: Educator, name: str) -> Any:
    """The stored value (the key for a relation)."""
    return getattr(educator, _field(name).attname)


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _text(educator: Educator, name: str) -> str:
    value = getattr(educator, name)
    if _empty(value):
        return ""
    model_field = _field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name == "snils":
        return format_snils(value)
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if name == "user":
        return f"{value} ({value.get_username()})"
    return str(value)


@dataclass(frozen=True)
class FieldComparison:
    name: str
    label: str
    keep_text: str
    remove_text: str
    same: bool
    keep_empty: bool
    remove_empty: bool

    @property
    def conflict(self) -> bool:
        """Both records fill the field, differently: the user chooses."""
        return not self.same and not self.keep_empty and not self.remove_empty

    @property
    def fills(self) -> bool:
        """The kept record has no value and takes the removed one's."""
        return self.keep_empty and not self.remove_empty


def merge_comparison(*, keep: Educator, remove: Educator) -> list[FieldComparison]:
    """Field by field: both values, and whether they agree, fill a gap or conflict."""
    rows = []
    for name in MERGE_FIELDS:
        mine, theirs = _raw(keep, name), _raw(remove, name)
        rows.append(
            FieldComparison(
                name=name,
                label=capfirst(field_label(name)),
                keep_text=_text(keep, name),
                remove_text=_text(remove, name),
                same=mine == theirs or (_empty(mine) and _empty(theirs)),
                keep_empty=_empty(mine),
                remove_empty=_empty(theirs),
            )
        )
    return rows


def _related_relations() -> list[Any]:
    """Every relation that points at Educator: reverse foreign keys, one-to-one and many-to-many, hidden
    ones (related_name="+") too, so no module's rows are lost to the cascade when a record is removed.
    Links of an automatic many-to-many table move through the many-to-many relation (duplicates dropped);
    rows of an explicit `through` model move like any other row that points at the educator."""
    relations = []
    for rel in Educator._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and rel.is_relation and not rel.concrete) or rel.related_model is Educator:
            continue
        rel_any: Any = rel
        if rel_any.many_to_many:
            if rel_any.through._meta.auto_created:
                relations.append(rel_any)
        elif not rel_any.related_model._meta.auto_created:
            relations.append(rel_any)
    return relations


def _relation_label(rel: Any) -> str:
    return capfirst(str(rel.related_model._meta.verbose_name_plural))


def related_counts(educators: Iterable[Educator]) -> dict[int, list[tuple[str, int]]]:
    """How many rows of each kind point at each of the educators (the preview shows what will move)."""
    ids = [educator.pk for educator in educators]
    counts: dict[int, list[tuple[str, int]]] = {pk: [] for pk in ids}
    for rel in _related_relations():
        if rel.many_to_many:
            through = rel.field.remote_field.through
            target = rel.field.m2m_reverse_field_name()
            rows = through.objects.filter(**{f"{target}__in": ids}).values(target).annotate(n=Count("pk"))
            found = {row[target]: row["n"] for row in rows}
        else:
            rows = rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": ids})
            found = {
                row[rel.field.attname]: row["n"]
                for row in rows.values(rel.field.attname).annotate(n=Count("pk"))
            }
        for pk in ids:
            counts[pk].append((_relation_label(rel), found.get(pk, 0)))
    return counts


# --- the merge -------------------------------------------------------------------------------------


def _move_related(*, keep: Educator, remove: Educator) -> dict[str, int]:
    """Point every row of the removed record at the kept one; {label: rows moved}."""
    moved: dict[str, int] = {}
    for rel in _related_relations():
        model = rel.related_model
        if rel.many_to_many:
            through = rel.field.remote_field.through
            source, target = rel.field.m2m_field_name(), rel.field.m2m_reverse_field_name()
            already = through.objects.filter(**{target: keep.pk}).values(source)
            count = (
                through.objects.filter(**{target: remove.pk})
                .exclude(**{f"{source}__in": already})
                .update(**{target: keep.pk})
            )
        elif rel.one_to_one:
            row = model._base_manager.filter(**{rel.field.name: remove.pk}).first()
            count = 0
            if row is not None:
                if model._base_manager.filter(**{rel.field.name: keep.pk}).exists():
                    raise ValidationError(
                        f"У обеих записей есть «{model._meta.verbose_name}»: объединение остановлено, "
                        "удалите одну из них вручную."
                    )
                count = _save_moved(row, rel.field, keep)
        else:
            count = sum(
                _save_moved(row, rel.field, keep)
                for row in model._base_manager.filter(**{rel.field.name: remove.pk}).order_by("pk")
            )
        if count:
            moved[_relation_label(rel)] = moved.get(_relation_label(rel), 0) + count
    return moved


def _save_moved(row: models.Model, link: Any, keep: Educator) -> int:
    """Move one row by saving it, so the change log records the move."""
    setattr(row, link.name, keep)
    update_fields = [link.name]
    if any(f.name == "updated_at" for f in row._meta.concrete_fields):
        update_fields.append("updated_at")
    row.save(update_fields=update_fields)
    return 1


def _describe(educator: Educator) -> str:
    born = f", {educator.birth_date:%d.%m.%Y}" if educator.birth_date else ""
    name = short_name(educator.last_name, educator.first_name, educator.patronymic)
    return f"запись № {educator.pk}: {name}{born}"


@transaction.atomic
def educators_merge(
    *, keep: Educator, remove: Educator, by: Any, take_from_removed: Iterable[str] = ()
) -> Educator:
    """Merge `remove` into `keep` and delete `remove` (all or nothing).

    Empty fields of `keep` take the values of `remove`; a field both fill differently keeps `keep`'s value
    unless it is named in `take_from_removed`. Raises ValidationError (nothing changed) when the result is
    not a valid record.
    """
    if keep.pk == remove.pk:
        raise ValidationError("Нельзя объединить запись саму с собой.")
    chosen = set(take_from_removed)
    unknown = chosen - set(MERGE_FIELDS)
    if unknown:
        raise ValidationError(f"Неизвестные поля: {', '.join(sorted(unknown))}.")
    locked = {
        educator.pk: educator
        for educator in Educator.objects.select_for_update()
        .filter(pk__in=[keep.pk, remove.pk], erased_at__isnull=True)
        .select_related("municipality")  # not the nullable user: FOR UPDATE refuses outer joins
    }
    if len(locked) != 2:
        raise ValidationError("Одна из записей уже объединена с другой или удалена. Обновите страницу.")
    keep, remove = locked[keep.pk], locked[remove.pk]

    values: dict[str, Any] = {}
    filled: list[str] = []
    replaced: list[str] = []
    for comparison in merge_comparison(keep=keep, remove=remove):
        if comparison.same or comparison.remove_empty:
            continue
        if comparison.keep_empty:
            filled.append(comparison.name)
        elif comparison.name in chosen:
            replaced.append(comparison.name)
        else:
            continue
        values[comparison.name] = getattr(remove, comparison.name)

    moved = _move_related(keep=keep, remove=remove)
    removed_pk, removed_text = remove.pk, _describe(remove)
    remove.delete()
    if values:
        educator_update(educator=keep, data=values, by=by)

    labels = {name: field_label(name) for name in MERGE_FIELDS}
    summary = [f"К записи присоединена {removed_text}; она удалена."]
    if moved:
        summary.append(
            "Перенесено: " + ", ".join(f"{label.lower()} — {n}" for label, n in moved.items()) + "."
        )
    if filled:
        summary.append("Заполнены пустые поля: " + ", ".join(labels[name] for name in filled) + ".")
    if replaced:
        summary.append(
            "Взяты значения присоединённой записи: " + ", ".join(labels[name] for name in replaced) + "."
        )
    LogEntry.objects.log_create(
        keep,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={"Объединение записей": [removed_text, " ".join(summary)]},
        changes_text=" ".join(summary),
        actor=by if getattr(by, "pk", None) else None,
        additional_data={
            MERGED_FROM: removed_pk,
            "moved": moved,
            "filled": filled,
            "replaced": replaced,
        },
    )
    return keep


def merged_ids(educator_pk: int) -> set[int]:
    """The record and every record merged into it (and into those, and so on)."""
    found = {educator_pk}
    frontier = [educator_pk]
    while frontier:
        rows = LogEntry.objects.filter(
            content_type__app_label="staff",
            content_type__model="educator",
            object_pk__in=[str(pk) for pk in frontier],
            additional_data__has_key=MERGED_FROM,
        ).values_list("additional_data", flat=True)
        frontier = []
        for data in rows:
            pk = data.get(MERGED_FROM) if isinstance(data, dict) else None
            if isinstance(pk, int) and pk not in found:
                found.add(pk)
                frontier.append(pk)
    return found
