"""The attestation figures the educators list and statistics show (registered in AppConfig.ready()).

«Квалификационная категория» on a date D (imo.staff.facets):

- a category is in force on D when awarded_on <= D and (valid_until is empty or valid_until >= D): old
  five-year categories stop counting the day after their term, those awarded from 01.09.2023 never do;
- the single current category of a person (the list's column, the statistics table, whose lines add up to
  the headcount) is the most senior one in force: педагог-методист > педагог-наставник > высшая > первая
  («методист» and «наставник» are held on top of the highest; a person holding both is counted once, as
  методист, the first of the two in the order of Минпросвещения № 196);
- the list filter: «высшая» matches everyone holding the highest, including holders of методист or
  наставник (who hold it too); «педагог-методист», «педагог-наставник» — holders of that category;
  «первая» — those whose current category is the first (not the holders of a higher one too);
  «без категории» — nobody in force on D.

The filter's conditions are `pk IN (holders in force on D)` lists, built once per statement (as the due
lists do: on PostgreSQL a hashed subplan, not a probe per educator; a correlated Exists under OR / NOT made
the region's filtered list several times slower). The list's column reads a page's rows by a subquery per
row on the (educator, awarded_on) index; the statistics count with the `pk IN` form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Case, CharField, IntegerField, OuterRef, Q, Subquery, Value, When

from imo.attestation.due import valid_category_q
from imo.attestation.models import QualificationCategory
from imo.staff.facets import NONE, EducatorFacet, register

Kind = QualificationCategory.Kind
KEY = "category"
#: Seniority of the categories for the single current category (higher wins).
SENIORITY: dict[str, int] = {Kind.METHODIST: 4, Kind.MENTOR: 3, Kind.HIGHEST: 2, Kind.FIRST: 1}
#: Categories that mean the person holds the highest (the filter «высшая» matches them all).
HIGHEST_OR_ABOVE = (Kind.HIGHEST, Kind.METHODIST, Kind.MENTOR)
CHOICES = (
    (str(Kind.HIGHEST), "высшая"),
    (str(Kind.FIRST), "первая"),
    (str(Kind.METHODIST), "педагог-методист"),
    (str(Kind.MENTOR), "педагог-наставник"),
    (NONE, "без категории"),
)
# Statistics show the senior categories first.
STATISTICS_ORDER = (Kind.METHODIST, Kind.MENTOR, Kind.HIGHEST, Kind.FIRST, NONE)


def _in_force(on: dt.date, kinds: Sequence[str] | None = None) -> Q:
    """Educators holding a category of `kinds` (any kind: None) in force on the date, as `pk IN (…)`: the
    list is built once per statement (a hashed subplan on PostgreSQL), not probed per educator."""
    categories = QualificationCategory.objects.filter(valid_category_q(on))
    if kinds is not None:
        categories = categories.filter(kind__in=list(kinds))
    return Q(pk__in=categories.values("educator_id"))


def category_condition(values: Sequence[str], on: dt.date) -> Q:
    """Educators matching any of the chosen values on the date (see the module's doc)."""
    condition = Q(pk__in=[])
    for value in values:
        if value == Kind.HIGHEST:
            condition |= _in_force(on, HIGHEST_OR_ABOVE)
        elif value in (Kind.METHODIST, Kind.MENTOR):
            condition |= _in_force(on, [value])
        elif value == Kind.FIRST:
            condition |= _in_force(on, [Kind.FIRST]) & ~_in_force(on, HIGHEST_OR_ABOVE)
        elif value == NONE:
            condition |= ~_in_force(on)
    return condition


def _senior_first() -> list[str]:
    return sorted(SENIORITY, key=lambda kind: -SENIORITY[kind])


def current_category(on: dt.date) -> Subquery:
    """The most senior category in force on the date, for a page of rows: a subquery per educator on the
    (educator, awarded_on) index (NULL without one)."""
    rank = Case(
        *(When(kind=kind, then=Value(order)) for kind, order in SENIORITY.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    return Subquery(
        QualificationCategory.objects.filter(valid_category_q(on), educator_id=OuterRef("pk"))
        .annotate(seniority=rank)
        .order_by("-seniority", "-awarded_on", "-pk")
        .values("kind")[:1],
        output_field=CharField(),
    )


def current_category_for_counting(on: dt.date) -> Case:
    """The same value for counting a whole district or region: each kind is `pk IN (holders in force)`,
    a list built once per statement instead of a subquery per person."""
    in_force = QualificationCategory.objects.filter(valid_category_q(on))
    return Case(
        *(
            When(pk__in=in_force.filter(kind=kind).values("educator_id"), then=Value(str(kind)))
            for kind in _senior_first()
        ),
        default=Value(None),
        output_field=CharField(),
    )


def category_facet() -> EducatorFacet:
    labels = dict(CHOICES)
    return EducatorFacet(
        key=KEY,
        label="Квалификационная категория",
        column_label="Категория",
        choices=CHOICES,
        condition=category_condition,
        current=current_category,
        current_all=current_category_for_counting,
        title="По квалификационным категориям",
        note=(
            "Каждый педагог учтён один раз — по старшей из действующих на дату категорий: "
            "педагог-методист, затем педагог-наставник, высшая, первая. Категории, присвоенные до "
            "01.09.2023, действуют пять лет; присвоенные позже — бессрочно."
        ),
        statistics_choices=tuple((str(value), labels[str(value)]) for value in STATISTICS_ORDER),
    )


def ready() -> None:
    register(category_facet())
