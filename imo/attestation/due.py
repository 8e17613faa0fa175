"""What the office must act on (issue #5, item 2): pure rules and the SQL selectors that mirror them.

Every list is a queryset of educators in the chosen scope who hold an employment in force on the date
(`scope` = organisation paths; empty = everyone the user sees), annotated with the columns the tables
show. The figures are computed in SQL: a fixed number of queries whatever the number of educators.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest

from imo.attestation.models import (
    ConformityAttestation,
    Exemption,
    QualificationCategory,
    add_years,
)
from imo.reference.models import academic_year_start
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on, educators_visible_to

Kind = QualificationCategory.Kind
CONFORMITY_PERIOD_YEARS = 5
MIN_YEARS_IN_POSITION = 2
HORIZONS = (3, 6, 12)


# --- pure rules -------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months (the 31st → the last day of a shorter month)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def academic_year_end(on: dt.date) -> dt.date:
    """31 August that ends the academic year containing `on`."""
    return dt.date(academic_year_start(on) + 1, 8, 31)


def conformity_anchor(last_conformity: dt.date | None, position_start: dt.date | None) -> dt.date | None:
    """The date the five years are counted from: the later of the last attestation and the start in the
    current position (a new position starts the count again)."""
    dates = [d for d in (last_conformity, position_start) if d is not None]
    return max(dates) if dates else None


def conformity_due(
    *,
    on: dt.date,
    last_conformity: dt.date | None,
    position_start: dt.date | None,
    exempt_until: dt.date | None = None,
    holds_category: bool = False,
) -> bool:
    """Conformity attestation falls due by the end of this academic year (overdue ones included)."""
    if holds_category:
        return False
    if exempt_until is not None and exempt_until >= on:
        return False
    if position_start is not None and position_start > add_years(on, -MIN_YEARS_IN_POSITION):
        return False
    anchor = conformity_anchor(last_conformity, position_start)
    if anchor is None:
        return False
    return add_years(anchor, CONFORMITY_PERIOD_YEARS) <= academic_year_end(on)


def expires_within(valid_until: dt.date | None, *, on: dt.date, months: int) -> bool:
    """The term ends between the date and `months` months later (never for open-ended categories)."""
    return valid_until is not None and on <= valid_until <= add_months(on, months)


def lapsed(valid_until: dt.date | None, *, on: dt.date) -> bool:
    return valid_until is not None and valid_until < on


# --- SQL --------------------------------------------------------------------------------------------


def _scope_q(paths: Sequence[str], prefix: str = "") -> Q:
    condition = Q()
    if paths:
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(**{f"{prefix}organization__path__startswith": path})
    return condition


def _employment(on: dt.date, paths: Sequence[str]) -> QuerySet[Employment]:
    """The educator's employment in force in the scope that counts: the main one first, then the oldest."""
    return Employment.objects.filter(active_on(on), _scope_q(paths), educator_id=OuterRef("pk")).order_by(
        "-is_main", F("starts_on").asc(nulls_last=True), "pk"
    )


def valid_category_q(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}awarded_on__lte": on}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on})
    )


def _valid(on: dt.date, kind: str | None = None) -> Exists:
    queryset = QualificationCategory.objects.filter(valid_category_q(on), educator_id=OuterRef("pk"))
    if kind:
        queryset = queryset.filter(kind=kind)
    return Exists(queryset)


def _latest_category(on: dt.date) -> QuerySet[QualificationCategory]:
    return QualificationCategory.objects.filter(educator_id=OuterRef("pk"), awarded_on__lte=on).order_by(
        "-awarded_on", "-pk"
    )


def base_queryset(*, user: Any, on: dt.date, paths: Sequence[str] = ()) -> QuerySet[Educator]:
    """Educators the user sees, working in the scope on the date, with the columns every table shows."""
    employment = _employment(on, paths)
    return (
        educators_visible_to(user=user)
        .filter(Exists(Employment.objects.filter(active_on(on), _scope_q(paths), educator_id=OuterRef("pk"))))
        .annotate(
            school_id=Subquery(employment.values("organization_id")[:1], output_field=IntegerField()),
            school_name=Subquery(employment.values("organization__short_name")[:1]),
            position_name=Subquery(employment.values("position__name")[:1]),
            position_start=Subquery(employment.values("starts_on")[:1], output_field=DateField()),
            category_kind=Subquery(_latest_category(on).values("kind")[:1]),
            category_awarded_on=Subquery(
                _latest_category(on).values("awarded_on")[:1], output_field=DateField()
            ),
            category_valid_until=Subquery(
                _latest_category(on).values("valid_until")[:1], output_field=DateField()
            ),
        )
        .order_by("last_name", "first_name", "patronymic", "pk")
    )


def conformity_due_list(queryset: Any, *, on: dt.date) -> QuerySet[Educator]:
    """(a) Conformity attestation due by the end of this academic year; mirrors `conformity_due`."""
    last = (
        ConformityAttestation.objects.filter(educator_id=OuterRef("pk"), date__lte=on)
        .values("educator_id")
        .annotate(last=Max("date"))
        .values("last")
    )
    exempt = Exemption.objects.filter(educator_id=OuterRef("pk"), until__gte=on)
    deadline = add_years(academic_year_end(on), -CONFORMITY_PERIOD_YEARS)
    two_years_ago = add_years(on, -MIN_YEARS_IN_POSITION)
    queryset = queryset.annotate(last_conformity=Subquery(last[:1], output_field=DateField()))
    anchor = Greatest(
        Coalesce("last_conformity", "position_start"),
        Coalesce("position_start", "last_conformity"),
        output_field=DateField(),
    )
    return (
        queryset.annotate(anchor=anchor)
        .filter(anchor__isnull=False, anchor__lte=deadline)
        .exclude(Q(position_start__gt=two_years_ago))
        .exclude(Exists(exempt))
        .exclude(_valid(on))
    )


def expiring_list(queryset: Any, *, on: dt.date, months: int = 12) -> QuerySet[Educator]:
    """(b) The latest category's term ends within `months` months (only where a term is set)."""
    return queryset.filter(category_valid_until__gte=on, category_valid_until__lte=add_months(on, months))


def may_apply_list(queryset: Any, *, on: dt.date, kind: str) -> QuerySet[Educator]:
    """(c) Who may apply: for the highest, anyone working (except holders of a valid highest); for
    методист / наставник, holders of a valid highest without a valid category of that kind."""
    if kind == Kind.HIGHEST:
        return queryset.exclude(_valid(on, Kind.HIGHEST))
    return queryset.filter(_valid(on, Kind.HIGHEST)).exclude(_valid(on, kind))


def lapsed_list(queryset: Any, *, on: dt.date) -> QuerySet[Educator]:
    """(d) The latest category's term ended before the date and no category is valid on it."""
    return queryset.filter(category_valid_until__lt=on).exclude(_valid(on))


@dataclass(frozen=True)
class DueList:
    key: str
    title: str


LISTS = (
    DueList("conformity", "Аттестация на соответствие в этом учебном году"),
    DueList("expiring", "Истекает срок категории"),
    DueList("highest", "Могут претендовать на высшую категорию"),
    DueList("methodist", "Могут претендовать на категорию «педагог-методист»"),
    DueList("mentor", "Могут претендовать на категорию «педагог-наставник»"),
    DueList("lapsed", "Срок категории истёк"),
)
LIST_KEYS = {item.key for item in LISTS}


def due_list(
    key: str, *, user: Any, on: dt.date, paths: Sequence[str] = (), months: int = 12
) -> QuerySet[Educator]:
    queryset = base_queryset(user=user, on=on, paths=paths)
    if key == "conformity":
        return conformity_due_list(queryset, on=on)
    if key == "expiring":
        return expiring_list(queryset, on=on, months=months).order_by(
            "category_valid_until", "last_name", "pk"
        )
    if key in ("highest", "methodist", "mentor"):
        return may_apply_list(queryset, on=on, kind=key)
    if key == "lapsed":
        return lapsed_list(queryset, on=on)
    raise ValueError(key)


def counts_per_school(queryset: Any) -> list[dict[str, Any]]:
    """One query: [{school_id, school_name, count}] in Russian name order, largest lists first on ties."""
    rows = (
        queryset.order_by()
        .values("school_id", "school_name")
        .annotate(count=Count("pk", distinct=True))
        .order_by("school_name")
    )
    return list(rows)


def list_counts(*, user: Any, on: dt.date, paths: Sequence[str] = (), months: int = 12) -> dict[str, int]:
    """The size of every list: one COUNT query per list (a fixed number)."""
    return {
        item.key: due_list(item.key, user=user, on=on, paths=paths, months=months).order_by().count()
        for item in LISTS
    }
