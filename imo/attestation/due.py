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
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from imo.attestation.models import (
    ConformityAttestation,
    Exemption,
    QualificationCategory,
    add_years,
)
from imo.orgs.selectors import paths_q
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
#
# Each list is a condition on the educator made of `pk IN (SELECT educator_id FROM …)` over one table,
# not correlated with the row: PostgreSQL reads each table once (a hashed subplan) instead of probing it
# per educator, which keeps the whole region (25,000 educators) within the bench target. The columns
# of the rows shown (organisation, position, category) are correlated subqueries, computed for one page.


def _scope_q(paths: Sequence[str], prefix: str = "") -> Q:
    """Employments in the subtrees `paths`; no paths here means the whole database (a superuser)."""
    return paths_q(paths, f"{prefix}organization__") if paths else Q()


def _working(on: dt.date, paths: Sequence[str]) -> QuerySet[Employment]:
    return Employment.objects.filter(active_on(on), _scope_q(paths))


def _ids(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.values("educator_id")


def valid_category_q(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}awarded_on__lte": on}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on})
    )


def _valid(on: dt.date, kind: str | None = None) -> Q:
    queryset = QualificationCategory.objects.filter(valid_category_q(on))
    if kind:
        queryset = queryset.filter(kind=kind)
    return Q(pk__in=_ids(queryset))


def conformity_q(*, on: dt.date, paths: Sequence[str]) -> Q:
    """(a) Mirrors `conformity_due` for each employment in force in the scope: the five years, counted
    from the later of the last attestation and the start in the position, end by 31 August.

    With `deadline` = that 31 August minus five years: no attestation in (deadline, on]; and either a
    position started by the deadline (which also means two years and more in it), or an unknown start
    and an attestation by the deadline. Minus active exemptions and holders of a valid category."""
    deadline = add_years(academic_year_end(on), -CONFORMITY_PERIOD_YEARS)
    attestations = ConformityAttestation.objects.all()
    recent = Q(pk__in=_ids(attestations.filter(date__gt=deadline, date__lte=on)))
    old = Q(pk__in=_ids(attestations.filter(date__lte=deadline)))
    long_in_post = Q(pk__in=_ids(_working(on, paths).filter(starts_on__lte=deadline)))
    start_unknown = Q(pk__in=_ids(_working(on, paths).filter(starts_on__isnull=True)))
    exempt = Q(pk__in=_ids(Exemption.objects.filter(until__gte=on)))
    return (long_in_post | (start_unknown & old)) & ~recent & ~exempt & ~_valid(on)


def expiring_q(*, on: dt.date, months: int) -> Q:
    """(b) A category valid on the date ends within `months` months and no other valid category goes on
    beyond that (open-ended categories never expire)."""
    horizon = add_months(on, months)
    categories = QualificationCategory.objects.filter(awarded_on__lte=on)
    ending = Q(pk__in=_ids(categories.filter(valid_until__gte=on, valid_until__lte=horizon)))
    lasting = Q(pk__in=_ids(categories.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=horizon))))
    return ending & ~lasting


def may_apply_q(*, on: dt.date, kind: str) -> Q:
    """(c) For the highest: anyone working, except holders of a valid highest; for методист / наставник:
    holders of a valid highest without a valid category of that kind."""
    if kind == Kind.HIGHEST:
        return ~_valid(on, Kind.HIGHEST)
    return _valid(on, Kind.HIGHEST) & ~_valid(on, kind)


def lapsed_q(*, on: dt.date) -> Q:
    """(d) A category ended before the date and none is valid on it."""
    ended = QualificationCategory.objects.filter(valid_until__lt=on)
    return Q(pk__in=_ids(ended)) & ~_valid(on)


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


def list_condition(key: str, *, on: dt.date, paths: Sequence[str] = (), months: int = 12) -> Q:
    if key == "conformity":
        return conformity_q(on=on, paths=paths)
    if key == "expiring":
        return expiring_q(on=on, months=months)
    if key in ("highest", "methodist", "mentor"):
        return may_apply_q(on=on, kind=key)
    if key == "lapsed":
        return lapsed_q(on=on)
    raise ValueError(key)


def working_educators(*, user: Any, on: dt.date, paths: Sequence[str] = ()) -> QuerySet[Educator]:
    """Educators the user sees who hold an employment in force in the scope on the date."""
    return educators_visible_to(user=user).filter(pk__in=_ids(_working(on, paths)))


def with_columns(queryset: QuerySet[Educator], *, on: dt.date, paths: Sequence[str] = ()) -> QuerySet[Any]:
    """The columns of the tables (correlated subqueries: meant for a page of rows or an export)."""
    employment = (
        _working(on, paths)
        .filter(educator_id=OuterRef("pk"))
        .order_by("-is_main", F("starts_on").asc(nulls_last=True), "pk")
    )
    latest = QualificationCategory.objects.filter(educator_id=OuterRef("pk"), awarded_on__lte=on).order_by(
        "-awarded_on", "-pk"
    )
    last = (
        ConformityAttestation.objects.filter(educator_id=OuterRef("pk"), date__lte=on)
        .order_by("-date", "-pk")
        .values("date")[:1]
    )
    return queryset.annotate(
        school_name=Subquery(employment.values("organization__short_name")[:1]),
        position_name=Subquery(employment.values("position__name")[:1]),
        position_start=Subquery(employment.values("starts_on")[:1], output_field=DateField()),
        last_conformity=Subquery(last, output_field=DateField()),
        category_kind=Subquery(latest.values("kind")[:1]),
        category_awarded_on=Subquery(latest.values("awarded_on")[:1], output_field=DateField()),
        category_valid_until=Subquery(latest.values("valid_until")[:1], output_field=DateField()),
    )


def due_list(
    key: str, *, user: Any, on: dt.date, paths: Sequence[str] = (), months: int = 12
) -> QuerySet[Any]:
    """The rows of one list, with their columns, in name order (expiring: soonest first)."""
    queryset = working_educators(user=user, on=on, paths=paths).filter(
        list_condition(key, on=on, paths=paths, months=months)
    )
    queryset = with_columns(queryset, on=on, paths=paths)
    if key == "expiring":
        return queryset.order_by("category_valid_until", "last_name", "first_name", "patronymic", "pk")
    return queryset.order_by("last_name", "first_name", "patronymic", "pk")


def list_counts(*, user: Any, on: dt.date, paths: Sequence[str] = (), months: int = 12) -> dict[str, int]:
    """The size of every list, in one query."""
    aggregates = {
        item.key: Count("pk", filter=list_condition(item.key, on=on, paths=paths, months=months))
        for item in LISTS
    }
    return working_educators(user=user, on=on, paths=paths).aggregate(**aggregates)


def counts_per_school(
    key: str, *, user: Any, on: dt.date, paths: Sequence[str] = (), months: int = 12
) -> list[dict[str, Any]]:
    """One query: how many of the list work at each organisation of the scope ([{school_id, school_name,
    count}], by name). A person working at two organisations counts at each."""
    listed = working_educators(user=user, on=on, paths=paths).filter(
        list_condition(key, on=on, paths=paths, months=months)
    )
    return list(
        _working(on, paths)
        .filter(educator_id__in=listed.values("pk"))
        .values(school_id=F("organization_id"), school_name=F("organization__short_name"))
        .annotate(count=Count("educator_id", distinct=True))
        .order_by("school_name", "school_id")
    )


# --- the page: every list at once ---------------------------------------------------------------------
#
# The page shows six list sizes, counts per organisation and one page of rows. Asking the conditions
# above for each would read every table again per list; instead one statement reads each table once
# (grouped per educator, common table expressions), derives the six flags per educator and sums them —
# in all and per organisation — and a second one lists a page of ids of the chosen list. Same rules as
# the conditions above (the tests compare both on every list); the export uses the conditions.

FLAG_KEYS = ("conformity", "expiring", "highest", "methodist", "mentor", "lapsed")


def _flags_sql(*, user: Any, on: dt.date, paths: Sequence[str], months: int) -> tuple[str, list[Any]]:
    """WITH … flags(id, conformity, …, expiring_on): one row per educator working in the scope."""
    deadline = add_years(academic_year_end(on), -CONFORMITY_PERIOD_YEARS)
    horizon = add_months(on, months)
    visible_sql, visible_params = educators_visible_to(user=user).values("pk").query.sql_with_params()
    scope_sql, scope_params = "", []
    if paths and "" not in paths:
        scope_sql = " AND e.organization_id IN (SELECT id FROM orgs_organization WHERE {})".format(
            " OR ".join("path LIKE %s" for _ in paths)
        )
        scope_params = [f"{path}%" for path in paths]
    valid = "awarded_on <= %s AND (valid_until IS NULL OR valid_until >= %s)"
    sql = f"""
WITH work AS (
  SELECT e.educator_id, e.organization_id, e.starts_on FROM staff_employment e
  WHERE (e.starts_on IS NULL OR e.starts_on <= %s) AND (e.ends_on IS NULL OR e.ends_on >= %s)
    AND e.educator_id IN ({visible_sql}){scope_sql}
), post AS (
  SELECT educator_id AS id,
    MAX(CASE WHEN starts_on <= %s THEN 1 ELSE 0 END) AS long_in_post,
    MAX(CASE WHEN starts_on IS NULL THEN 1 ELSE 0 END) AS start_unknown
  FROM work GROUP BY educator_id
), cat AS (
  SELECT educator_id,
    MAX(CASE WHEN {valid} THEN 1 ELSE 0 END) AS valid_any,
    MAX(CASE WHEN kind = 'highest' AND {valid} THEN 1 ELSE 0 END) AS valid_highest,
    MAX(CASE WHEN kind = 'methodist' AND {valid} THEN 1 ELSE 0 END) AS valid_methodist,
    MAX(CASE WHEN kind = 'mentor' AND {valid} THEN 1 ELSE 0 END) AS valid_mentor,
    MIN(CASE WHEN awarded_on <= %s AND valid_until >= %s AND valid_until <= %s THEN valid_until END)
      AS ending_on,
    MAX(CASE WHEN awarded_on <= %s AND (valid_until IS NULL OR valid_until > %s) THEN 1 ELSE 0 END)
      AS lasting,
    MAX(CASE WHEN valid_until < %s THEN 1 ELSE 0 END) AS ended
  FROM attestation_qualificationcategory GROUP BY educator_id
), conf AS (
  SELECT educator_id,
    MAX(CASE WHEN date > %s AND date <= %s THEN 1 ELSE 0 END) AS recent,
    MAX(CASE WHEN date <= %s THEN 1 ELSE 0 END) AS old
  FROM attestation_conformityattestation GROUP BY educator_id
), ex AS (
  SELECT DISTINCT educator_id FROM attestation_exemption WHERE until >= %s
), flags AS (
  SELECT p.id,
    CASE WHEN (p.long_in_post = 1 OR (p.start_unknown = 1 AND COALESCE(c.old, 0) = 1))
      AND COALESCE(c.recent, 0) = 0 AND x.educator_id IS NULL AND COALESCE(k.valid_any, 0) = 0
      THEN 1 ELSE 0 END AS conformity,
    CASE WHEN k.ending_on IS NOT NULL AND k.lasting = 0 THEN 1 ELSE 0 END AS expiring,
    CASE WHEN COALESCE(k.valid_highest, 0) = 0 THEN 1 ELSE 0 END AS highest,
    CASE WHEN k.valid_highest = 1 AND k.valid_methodist = 0 THEN 1 ELSE 0 END AS methodist,
    CASE WHEN k.valid_highest = 1 AND k.valid_mentor = 0 THEN 1 ELSE 0 END AS mentor,
    CASE WHEN k.ended = 1 AND k.valid_any = 0 THEN 1 ELSE 0 END AS lapsed,
    k.ending_on
  FROM post p
  LEFT JOIN cat k ON k.educator_id = p.id
  LEFT JOIN conf c ON c.educator_id = p.id
  LEFT JOIN ex x ON x.educator_id = p.id
)"""
    params: list[Any] = [on, on, *visible_params, *scope_params, deadline]
    params += [on, on] * 4 + [on, on, horizon, on, horizon, on]
    params += [deadline, on, deadline, on]
    return sql, params


def _fetch(sql: str, params: list[Any]) -> list[Any]:
    """Run one statement. On PostgreSQL JIT compilation is switched off for it: the planner cannot know
    that each grouped expression has one row per educator, so its cost estimate is high enough to start
    JIT, which costs more (tens of ms) than it saves on these few thousand rows."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@dataclass(frozen=True)
class SchoolCounts:
    organization_id: int
    name: str
    counts: dict[str, int]


@dataclass(frozen=True)
class DueSummary:
    totals: dict[str, int]
    schools: list[SchoolCounts]
    page_ids: list[int]  # the page asked for (empty when none was)


def _order_sql(key: str) -> str:
    order = "e.last_name, e.first_name, e.patronymic, e.id"
    return f"f.ending_on, {order}" if key == "expiring" else order


def due_summary(
    *,
    user: Any,
    on: dt.date,
    paths: Sequence[str] = (),
    months: int = 12,
    page_of: str | None = None,
    offset: int = 0,
    limit: int = 0,
) -> DueSummary:
    """Every list's size, in all and per organisation of the scope (a person working at two counts at
    each), and — with `page_of` — the ids of one page of that list, in its order: one query."""

    with_sql, params = _flags_sql(user=user, on=on, paths=paths, months=months)
    sums = ", ".join(f"SUM(f.{key})" for key in FLAG_KEYS)
    nulls = ", ".join("NULL" for _ in FLAG_KEYS)
    sql = f"""{with_sql}
SELECT 0, NULL, NULL, {sums}, CAST(NULL AS BIGINT) FROM flags f
UNION ALL
SELECT 1, o.id, o.short_name, {sums}, CAST(NULL AS BIGINT)
FROM (SELECT DISTINCT educator_id, organization_id FROM work) w
JOIN flags f ON f.id = w.educator_id JOIN orgs_organization o ON o.id = w.organization_id
GROUP BY o.id, o.short_name"""
    if page_of is not None:
        if page_of not in FLAG_KEYS:
            raise ValueError(page_of)
        order = _order_sql(page_of)
        sql += f"""
UNION ALL
SELECT 2, t.id, NULL, {nulls}, t.rn FROM (
  SELECT e.id, ROW_NUMBER() OVER (ORDER BY {order}) AS rn
  FROM flags f JOIN staff_educator e ON e.id = f.id WHERE f.{page_of} = 1
  ORDER BY {order} LIMIT %s OFFSET %s
) t"""
        params = [*params, limit, offset]
    rows = _fetch(sql, params)
    totals = dict.fromkeys(FLAG_KEYS, 0)
    schools = []
    ranked = []
    for row in rows:
        if row[0] == 2:
            ranked.append((row[-1], row[1]))
            continue
        counts = {key: int(value or 0) for key, value in zip(FLAG_KEYS, row[3:-1], strict=True)}
        if row[0] == 0:
            totals = counts
        else:
            schools.append(SchoolCounts(row[1], row[2] or "", counts))
    schools.sort(key=lambda s: (s.name, s.organization_id))
    return DueSummary(totals, schools, [pk for _, pk in sorted(ranked)])


def due_page_ids(
    key: str, *, user: Any, on: dt.date, paths: Sequence[str] = (), months: int = 12, offset: int, limit: int
) -> list[int]:
    """The ids of one page of a list, in the order of `due_list`: one query."""

    if key not in FLAG_KEYS:
        raise ValueError(key)
    with_sql, params = _flags_sql(user=user, on=on, paths=paths, months=months)
    sql = f"""{with_sql}
SELECT e.id FROM flags f JOIN staff_educator e ON e.id = f.id
WHERE f.{key} = 1 ORDER BY {_order_sql(key)} LIMIT %s OFFSET %s"""
    return [row[0] for row in _fetch(sql, [*params, limit, offset])]
