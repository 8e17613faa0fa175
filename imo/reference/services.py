"""Every write to the catalogues.

Subjects and positions share one set of functions parameterised by the model (`item_*`); archiving works
for every catalogue. A row that other sections refer to is never deleted, only archived: archived rows
leave choice lists but stay on the records that use them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from imo.core.text import collapse_spaces, fold
from imo.reference.models import AcademicYear, academic_year_start
from imo.reference.selectors import N, T, current_academic_year_start, item_in_use

IN_USE_MESSAGE = "Запись используется в других разделах: её можно только отправить в архив."
FIRST_ACADEMIC_YEAR = 1990
LAST_ACADEMIC_YEAR = 2100
# The fields of a named catalogue a person edits; the model decides which of them it has.
_ITEM_FIELDS = ("name", "order", "is_olympiad")


def _item_values(model: type[N], data: Mapping[str, Any]) -> dict[str, Any]:
    names = {field.name for field in model._meta.get_fields()}
    values = {key: data[key] for key in _ITEM_FIELDS if key in data and key in names}
    if "name" in values:
        values["name"] = collapse_spaces(values["name"] or "")
    return values


def _check_name_free(item: N) -> None:
    """Names are unique ignoring case, ё/е and extra spaces: «Русский язык» and «русский  язык» clash."""
    clash = type(item).objects.filter(search_text=item.search_text).exclude(pk=item.pk).first()
    if clash is not None:
        raise ValidationError({"name": f"В справочнике уже есть «{clash.name}»."}, code="unique")


def _save_item(item: N) -> N:
    item.search_text = fold(item.name)
    item.full_clean(validate_unique=False)
    _check_name_free(item)
    item.save()
    return item


@transaction.atomic
def item_create(*, model: type[N], data: Mapping[str, Any], by: Any | None = None) -> N:
    """A new subject or position: `data` holds name, order and (subjects) is_olympiad."""
    return _save_item(model(**_item_values(model, data)))


@transaction.atomic
def item_update(*, item: N, data: Mapping[str, Any], by: Any | None = None) -> N:
    for key, value in _item_values(type(item), data).items():
        setattr(item, key, value)
    return _save_item(item)


@transaction.atomic
def item_archive(*, item: T, by: Any | None = None) -> T:
    """Send a row of any catalogue to the archive: it leaves choice lists, records keep it."""
    if item.is_archived:
        raise ValidationError("Запись уже в архиве.")
    if isinstance(item, AcademicYear) and item.start_year == current_academic_year_start():
        raise ValidationError("Текущий учебный год нельзя отправить в архив.")
    item.is_archived = True
    item.save(update_fields=["is_archived"])
    return item


@transaction.atomic
def item_unarchive(*, item: T, by: Any | None = None) -> T:
    if not item.is_archived:
        raise ValidationError("Запись не в архиве.")
    item.is_archived = False
    item.save(update_fields=["is_archived"])
    return item


def item_delete(*, item: T, by: Any | None = None) -> None:
    """Delete a row nothing refers to; a row in use is refused with the advice to archive it.

    The check runs first so the answer is the same whatever the `on_delete` of the referring foreign key;
    the delete runs in its own transaction so a reference added in the meantime (PROTECT, RESTRICT, or a
    database-level foreign key) rolls it back with the same message.
    """
    if item_in_use(item):
        raise ValidationError(IN_USE_MESSAGE, code="in_use")
    try:
        with transaction.atomic():
            item.delete()
    except (ProtectedError, RestrictedError, IntegrityError) as error:
        raise ValidationError(IN_USE_MESSAGE, code="in_use") from error


# --- Academic years -----------------------------------------------------------------------------------


def _academic_year_values(start_year: int) -> dict[str, Any]:
    return {"starts_on": dt.date(start_year, 9, 1), "ends_on": dt.date(start_year + 1, 8, 31)}


@transaction.atomic
def academic_year_create(*, start_year: int, by: Any | None = None) -> AcademicYear:
    """The academic year start_year/start_year+1: 1 September to 31 August."""
    if not FIRST_ACADEMIC_YEAR <= start_year <= LAST_ACADEMIC_YEAR:
        raise ValidationError(
            {"start_year": f"Укажите год начала от {FIRST_ACADEMIC_YEAR} до {LAST_ACADEMIC_YEAR}."}
        )
    if AcademicYear.objects.filter(start_year=start_year).exists():
        raise ValidationError({"start_year": f"Учебный год {start_year}/{start_year + 1} уже есть."})
    year = AcademicYear(start_year=start_year, **_academic_year_values(start_year))
    year.full_clean()
    year.save()
    return year


@transaction.atomic
def academic_year_ensure(*, on: dt.date, by: Any | None = None) -> AcademicYear:
    """The academic year containing `on`, added when missing (the demo and yearly start-up use it)."""
    start_year = academic_year_start(on)
    year, _ = AcademicYear.objects.get_or_create(
        start_year=start_year, defaults=_academic_year_values(start_year)
    )
    return year
