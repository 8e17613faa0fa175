"""Conditions of the educators list, built in SQL for the date the list is computed for.

Ages and experience are never stored: a band («30–34 лет» on a date) becomes a range of birth or
experience-start dates (imo.staff.experience.start_range), so the database compares indexed dates instead
of computing an age for every row. Employment-based conditions are Exists subqueries on Employment.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from imo.core.identifiers import digits_only
from imo.core.tables import Filter
from imo.core.text import fold
from imo.staff.experience import EARLY_CAREER_YEARS, Band, add_years, start_range
from imo.staff.models import EducationRecord, Employment
from imo.staff.selectors import active_on

if TYPE_CHECKING:
    from imo.core.tables.table import Table

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
YES, NO = "yes", "no"
ACTIVE, LEFT = "active", "left"
MAIN, PART_TIME = "main", "part"
# A query that reads like a СНИЛС: digits with the usual separators («112-233-445 95»).
_SNILS_LIKE = re.compile(r"\d[\d\s\-.]*")


class OnDateFilter(Filter):
    """The date the list is computed for (today unless chosen): current employment, ages, experience and
    early-career status are for that date. It does not narrow the rows by itself, so «Сбросить» keeps it."""

    template = "staff/records/filter_on_date.html"

    def __init__(self, name: str = "on", label: str = "На дату") -> None:
        super().__init__(name, label)

    def form_fields(self, table: Table) -> dict[str, forms.Field]:
        return {
            self.name: forms.DateField(
                label=self.label,
                required=False,
                validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)],
                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
                error_messages={
                    "invalid": "Введите дату в формате дд.мм.гггг.",
                    "min_value": "Выберите дату не раньше 01.01.1900.",
                    "max_value": "Выберите дату не позже 31.12.2100.",
                },
            )
        }

    def fill_defaults(self, data: Any, table: Table) -> None:
        if not data.get(self.name):
            data[self.name] = timezone.localdate().isoformat()

    def clean(self, form: forms.Form) -> None:
        day = form.cleaned_data.get(self.name)
        if isinstance(day, dt.date):
            data: Any = form.data  # the table's own mutable copy: show the date back as ISO
            data[self.name] = day.isoformat()

    def value(self, cleaned: dict[str, Any]) -> dt.date:
        day = cleaned.get(self.name)
        return day if isinstance(day, dt.date) else timezone.localdate()

    def is_narrowing(self, value: Any) -> bool:
        return False

    def params(self, value: Any) -> list[tuple[str, str]]:
        if not isinstance(value, dt.date) or value == timezone.localdate():
            return []
        return [(self.name, value.isoformat())]

    def apply(self, queryset: QuerySet[Any], value: Any, table: Table) -> QuerySet[Any]:
        return queryset  # the table reads the date; the other conditions use it


def search_words(text: str) -> list[str]:
    """The words every row must contain: folded (case, ё); a СНИЛС typed with separators becomes its
    digits («112-233-445 95» → «11223344595»), as the search column keeps them."""
    folded = fold(text)
    if _SNILS_LIKE.fullmatch(folded):
        return [digits_only(folded)]
    return [digits_only(word) if _SNILS_LIKE.fullmatch(word) else word for word in folded.split()]


def bands_q(field: str, bands: Iterable[Band], keys: Iterable[str], on: dt.date) -> Q:
    """Rows whose `field` (a start date) puts them in one of the bands `keys` on `on`; unknown dates never."""
    wanted = set(keys)
    condition = Q(pk__in=[])
    for band in bands:
        if band.key not in wanted:
            continue
        after, not_after = start_range(band, on)
        part = Q(**{f"{field}__isnull": False})
        if after is not None:
            part &= Q(**{f"{field}__gt": after})
        if not_after is not None:
            part &= Q(**{f"{field}__lte": not_after})
        condition |= part
    return condition


def early_career_q(on: dt.date) -> Q:
    """Teaching experience under three years on `on` (unknown experience is not early-career)."""
    return Q(teaching_experience_start__gt=add_years(on, -EARLY_CAREER_YEARS))


def education_q(*, levels: Iterable[str] | None, pedagogical: str | None) -> Q:
    """An education record of one of `levels`; pedagogical «да»: such a record is pedagogical; «нет»: none
    of them is (with no level chosen: no pedagogical education at all)."""
    records = EducationRecord.objects.filter(educator_id=OuterRef("pk"))
    if levels:
        records = records.filter(level__in=list(levels))
    condition = Q()
    if pedagogical == YES:
        condition &= Q(Exists(records.filter(is_pedagogical=True)))
    elif pedagogical == NO:
        condition &= ~Q(Exists(records.filter(is_pedagogical=True)))
        if levels:
            condition &= Q(Exists(records))
    elif levels:
        condition &= Q(Exists(records))
    return condition


def employment_q(
    *,
    on: dt.date,
    scope: Q | None,
    status: str | None,
    organizations: Iterable[int] | None = None,
    positions: Iterable[int] | None = None,
    subjects: Iterable[int] | None = None,
    kind: str | None = None,
) -> Q:
    """The employment conditions as one Exists, so that «учитель математики в СОШ № 1» means one
    employment, not three facts about different ones.

    `scope` narrows employments to the user's organisations (None: every organisation). `status`:
    «active» — an employment in scope in force on `on` matching the other conditions; «left» — no
    employment in scope in force on `on` (and, with other conditions, a former one that matched them);
    None — any matching employment begun by `on`, current or former.
    """
    employments = Employment.objects.filter(educator_id=OuterRef("pk"))
    if scope is not None:
        employments = employments.filter(scope)
    matching = employments
    if organizations:
        matching = matching.filter(organization_id__in=list(organizations))
    if positions:
        matching = matching.filter(position_id__in=list(positions))
    if subjects:
        matching = matching.filter(subjects__in=list(subjects))
    if kind in (MAIN, PART_TIME):
        matching = matching.filter(is_main=kind == MAIN)
    has_criteria = bool(organizations or positions or subjects or kind in (MAIN, PART_TIME))
    begun = Q(starts_on__isnull=True) | Q(starts_on__lte=on)
    if status == ACTIVE:
        return Q(Exists(matching.filter(active_on(on))))
    if status == LEFT:
        condition = ~Q(Exists(employments.filter(active_on(on))))
        if has_criteria:
            condition &= Q(Exists(matching.filter(begun)))
        return condition
    return Q(Exists(matching.filter(begun))) if has_criteria else Q()
