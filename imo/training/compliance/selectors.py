"""The three-year rule (issue #6, items 3 and 9): who is overdue, who falls due this academic year, the
forecast for the next one and the coverage per school — for a chosen date, scope and filters.

Definition (mirrors imo.training.counting, tested against it):
- population: educators the user sees (not erased) holding an employment in force on the date in the
  chosen scope (the office: its municipalities; a school admin: their school), optionally with a subject
  and / or a position of that employment;
- last counting course: the latest `CourseRecord.ends_on` with `counts` set, ended by the date;
- due: `counting.due_on(last course, teaching_experience_start)` = `rule_years` after the later of both;
- status: overdue (due unknown or before the date), due this academic year (due by 31 August of the
  current academic year), forecast (due within the next academic year), later.

Region scale (25,000 educators, 100,000 courses): the page is one SQL statement (`compliance_summary`)
returning the counts per status, the per-school aggregates and one page of the chosen list. `add_years`
(29 February) is not done in SQL: it is non-decreasing, so "due < T" is "start < threshold(T)" where
threshold(T) is the first day whose due day is T or later; the statement compares start dates with
thresholds computed here. Names are ordered by `Educator.name_key` (folded full name), as staff lists are.

Public reads for other parts:
- `due_counts_by_school(*, user, by_date, on=None) -> {school id: how many working educators are overdue
  by `by_date`}` (the plans part: quotas for an academic year, by_date = its 31 August);
- `educator_due(*, educator, on) -> EducatorDue(last_course_end, due, status)` (profile, home);
- `home_summary(*, user, on) -> {"working", "overdue", "due_this_year", "forecast", "coverage"}` (the
  home-page card; coverage in % or None).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from imo.reference.models import academic_year_start
from imo.staff.models import Educator, Employment
from imo.staff.selectors import educators_visible_to
from imo.staff.statistics import statistics_scope
from imo.training.counting import add_years, due_on, is_overdue
from imo.training.models import CourseRecord, TrainingSettings

OVERDUE, DUE_THIS_YEAR, FORECAST, LATER = "overdue", "due_this_year", "forecast", "later"
STATUSES = (OVERDUE, DUE_THIS_YEAR, FORECAST, LATER)
STATUS_LABELS = {
    OVERDUE: "Срок истёк",
    DUE_THIS_YEAR: "Срок наступает в этом учебном году",
    FORECAST: "Срок наступает в следующем учебном году",
    LATER: "Срок позже",
}
_CODES = {status: code for code, status in enumerate(STATUSES)}
SORTS = ("name", "-name", "due", "-due", "last", "-last")


# --- pure rules -------------------------------------------------------------------------------------


def academic_year_end(on: dt.date) -> dt.date:
    """31 August that ends the academic year containing `on`."""
    return dt.date(academic_year_start(on) + 1, 8, 31)


def next_academic_year_end(on: dt.date) -> dt.date:
    return dt.date(academic_year_start(on) + 2, 8, 31)


def status_of(due: dt.date | None, on: dt.date) -> str:
    """The status on `on` of an educator whose next course is due on `due` (None: nothing known)."""
    if is_overdue(due, on):
        return OVERDUE
    assert due is not None
    if due <= academic_year_end(on):
        return DUE_THIS_YEAR
    if due <= next_academic_year_end(on):
        return FORECAST
    return LATER


def threshold(target: dt.date, years: int) -> dt.date:
    """The first day `s` with add_years(s, years) ≥ target: due < target ⇔ start < threshold(target)."""
    day = add_years(target, -years) - dt.timedelta(days=3)
    while add_years(day, years) < target:
        day += dt.timedelta(days=1)
    return day


# --- the statement ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    on: dt.date
    paths: tuple[str, ...] = ()  # organisation subtrees; () = nobody, ("",) = everything (superuser)
    subject_id: int | None = None
    position_id: int | None = None


def _work_where(filters: Filters, *, per_row: bool = False) -> tuple[str, list[Any]]:
    """The condition on an employment `e` of the population: in force on the date, in the scope, with the
    position and subject asked for (the visibility of the educator is checked once, in `people`).

    `per_row`: the employments are reached by educator (the per-school counts), so the subject is checked
    per row; as `e.id IN (list)` SQLite would probe every id of the list for every educator."""
    subjects = Employment.subjects.through._meta.db_table
    where = "(e.starts_on IS NULL OR e.starts_on <= %s) AND (e.ends_on IS NULL OR e.ends_on >= %s)"
    params: list[Any] = [filters.on, filters.on]
    paths = list(filters.paths)
    if not paths:
        where += " AND 1 = 0"
    elif "" not in paths:
        where += " AND e.organization_id IN (SELECT id FROM orgs_organization WHERE {})".format(
            " OR ".join("path LIKE %s" for _ in paths)
        )
        params += [f"{path}%" for path in paths]
    if filters.position_id is not None:
        where += " AND e.position_id = %s"
        params.append(filters.position_id)
    if filters.subject_id is not None:
        if per_row:
            where += f" AND EXISTS (SELECT 1 FROM {subjects} es WHERE es.employment_id = e.id"
            where += " AND es.subject_id = %s)"
        else:
            where += f" AND e.id IN (SELECT employment_id FROM {subjects} WHERE subject_id = %s)"
        params.append(filters.subject_id)
    return where, params


def _last_course_sql() -> str:
    """lastc(id, last_end): the latest counting course ended by the date, per person of `people`.

    PostgreSQL: one grouped pass over the courses of `people` (the planner probes the index per person
    for a district's few thousand, and hashes the whole table for a region's 25,000; without the IN it
    grouped every course of the region for a district too: 100 of a district dashboard's 200 ms).
    SQLite: an index probe per person (training_record_rule is covering); SQLite gets no index for a
    join with a grouped subquery and would scan it once per person."""
    table = CourseRecord._meta.db_table
    if connection.vendor == "postgresql":
        return f"""
  SELECT p.id, p.teaching_experience_start, p.name_key, g.last_end FROM people p LEFT JOIN (
    SELECT r.educator_id, MAX(r.ends_on) AS last_end FROM {table} r
    WHERE r.counts = %s AND r.ends_on <= %s AND r.educator_id IN (SELECT id FROM people)
    GROUP BY r.educator_id
  ) g ON g.educator_id = p.id"""
    return f"""
  SELECT p.id, p.teaching_experience_start, p.name_key, (
    SELECT MAX(r.ends_on) FROM {table} r WHERE r.educator_id = p.id AND r.counts = %s AND r.ends_on <= %s
  ) AS last_end FROM people p"""


def _base_sql(*, user: Any, filters: Filters) -> tuple[str, list[Any]]:
    """WITH people(id, teaching_experience_start, name_key), lastc(… + last_end), st(id, last_end,
    teaching_start, name_key, start): one row of `st` per educator of the population; `start` is the later
    of the last counting course and the start of teaching (the due day is `rule_years` after it; NULL:
    nothing known).

    MATERIALIZED (SQLite ≥ 3.35, PostgreSQL ≥ 12): inlined, the correlated MAX would be evaluated once
    per mention of `last_end` / `start` in the expressions that follow."""
    visible_sql, visible_params = educators_visible_to(user=user).values("pk").query.sql_with_params()
    where, params = _work_where(filters)
    sql = f"""
WITH people AS MATERIALIZED (
  SELECT d.id, d.teaching_experience_start, d.name_key FROM {Educator._meta.db_table} d
  WHERE d.id IN (SELECT e.educator_id FROM {Employment._meta.db_table} e WHERE {where})
    AND d.id IN ({visible_sql})
), lastc AS MATERIALIZED ({_last_course_sql()}
), st AS (
  SELECT l.id, l.last_end, l.teaching_experience_start AS teaching_start, l.name_key,
    CASE WHEN l.last_end IS NULL
           OR (l.teaching_experience_start IS NOT NULL AND l.teaching_experience_start > l.last_end)
         THEN l.teaching_experience_start ELSE l.last_end END AS start
  FROM lastc l
)"""
    return sql, [*params, *visible_params, True, filters.on]


def _places_sql(filters: Filters, source: str) -> tuple[str, list[Any]]:
    """(id, status-or-start…, organization_id) once per organisation where a person of `source` works: the
    join goes through the employment table's educator index (a join of two derived tables may get no
    index on SQLite and scan one per row of the other)."""
    where, params = _work_where(filters, per_row=True)
    sql = f"""(SELECT DISTINCT x.*, e.organization_id FROM {source} x
  JOIN {Employment._meta.db_table} e ON e.educator_id = x.id WHERE {where})"""
    return sql, params


def _status_sql(on: dt.date, years: int) -> tuple[str, list[Any]]:
    """The status code (0 overdue, 1 this year, 2 forecast, 3 later) of a row of `st` as SQL."""
    one = dt.timedelta(days=1)
    limits = [
        threshold(on, years),
        threshold(academic_year_end(on) + one, years),
        threshold(next_academic_year_end(on) + one, years),
    ]
    sql = (
        "CASE WHEN st.start IS NULL OR st.start < %s THEN 0 WHEN st.start < %s THEN 1 "
        "WHEN st.start < %s THEN 2 ELSE 3 END"
    )
    return sql, limits


def _order_sql(sort: str) -> str:
    name = "s.name_key, s.id"
    key = sort.lstrip("-")
    direction = "DESC" if sort.startswith("-") else "ASC"
    if key == "name":
        return f"s.name_key {direction}, s.id {direction}"
    column = "s.start" if key == "due" else "s.last_end"
    # Unknown dates first when ascending (the longest overdue), last when descending, on both databases.
    nulls = "0" if direction == "ASC" else "1"
    return f"CASE WHEN {column} IS NULL THEN {nulls} ELSE 1 - {nulls} END, {column} {direction}, {name}"


def _fetch(sql: str, params: list[Any]) -> list[Any]:
    """Run one statement (JIT off on PostgreSQL: see imo.attestation.due._fetch)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class SchoolCoverage:
    organization_id: int
    name: str
    working: int
    counts: dict[str, int]

    @property
    def compliant(self) -> int:
        return self.working - self.counts[OVERDUE]

    @property
    def coverage(self) -> float | None:
        return round(100 * self.compliant / self.working, 1) if self.working else None


@dataclass(frozen=True)
class DueRow:
    """One educator of a list: the dates the table shows (school and position are read for the page)."""

    educator_id: int
    last_course_end: dt.date | None
    teaching_start: dt.date | None
    due: dt.date | None


@dataclass(frozen=True)
class ComplianceSummary:
    on: dt.date
    working: int
    totals: dict[str, int]
    schools: list[SchoolCoverage]
    rows: list[DueRow]  # the page of the list asked for (empty when none was)

    @property
    def compliant(self) -> int:
        return self.working - self.totals[OVERDUE]

    @property
    def coverage(self) -> float | None:
        return round(100 * self.compliant / self.working, 1) if self.working else None


def compliance_summary(
    *,
    user: Any,
    filters: Filters,
    page_of: str | None = None,
    sort: str = "name",
    offset: int = 0,
    limit: int | None = None,
    settings: TrainingSettings | None = None,
) -> ComplianceSummary:
    """Counts per status (in all and per organisation of the scope: a person working at two counts at
    each) and — with `page_of` — the rows of that status from `offset` (`limit` None: all): one query."""
    settings = settings or TrainingSettings.current()
    years = settings.rule_years
    with_sql, params = _base_sql(user=user, filters=filters)
    status_sql, limits = _status_sql(filters.on, years)
    sums = ", ".join(f"SUM(CASE WHEN s.status = {code} THEN 1 ELSE 0 END)" for code in range(4))
    nulls = ", ".join("CAST(NULL AS BIGINT)" for _ in range(4))
    places, places_params = _places_sql(filters, "(SELECT id, status FROM s)")
    sql = f"""{with_sql}, s AS MATERIALIZED (
  SELECT st.id, st.last_end, st.teaching_start, st.start, st.name_key, {status_sql} AS status FROM st
)
SELECT 0, CAST(NULL AS BIGINT), NULL, COUNT(*), {sums}, CAST(NULL AS DATE), CAST(NULL AS DATE),
  CAST(NULL AS BIGINT) FROM s
UNION ALL
SELECT 1, o.id, o.short_name, COUNT(*), {sums}, CAST(NULL AS DATE), CAST(NULL AS DATE), CAST(NULL AS BIGINT)
FROM {places} s JOIN orgs_organization o ON o.id = s.organization_id
GROUP BY o.id, o.short_name"""
    params = [*params, *limits, *places_params]
    if page_of is not None:
        if page_of not in _CODES or sort not in SORTS:
            raise ValueError(page_of)
        order = _order_sql(sort)
        sql += f"""
UNION ALL
SELECT 2, t.id, NULL, NULL, {nulls}, t.last_end, t.teaching_start, t.rn FROM (
  SELECT s.id, s.last_end, s.teaching_start, ROW_NUMBER() OVER (ORDER BY {order}) AS rn
  FROM s WHERE s.status = %s
  ORDER BY {order} LIMIT %s OFFSET %s
) t"""
        params += [_CODES[page_of], limit if limit is not None else 10**9, offset]
    totals = dict.fromkeys(STATUSES, 0)
    working = 0
    schools: list[SchoolCoverage] = []
    ranked: list[tuple[int, DueRow]] = []
    for row in _fetch(sql, params):
        if row[0] == 2:
            last_end, teaching_start = _as_date(row[8]), _as_date(row[9])
            due = due_on(last_counting_end=last_end, teaching_start=teaching_start, settings=settings)
            ranked.append((row[10], DueRow(row[1], last_end, teaching_start, due)))
            continue
        counts = {status: int(value or 0) for status, value in zip(STATUSES, row[4:8], strict=True)}
        if row[0] == 0:
            working, totals = int(row[3] or 0), counts
        else:
            schools.append(SchoolCoverage(row[1], row[2] or "", int(row[3]), counts))
    return ComplianceSummary(filters.on, working, totals, schools, [r for _, r in sorted(ranked)])


def educators_due_by(*, user: Any, filters: Filters, by_date: dt.date) -> dict[int, int]:
    """Per organisation id: how many of the population will be overdue by `by_date` (due before it or
    unknown), counting the courses ended by `filters.on`: one query."""
    settings = TrainingSettings.current()
    with_sql, params = _base_sql(user=user, filters=filters)
    places, places_params = _places_sql(filters, "(SELECT id FROM st WHERE start IS NULL OR start < %s)")
    sql = f"""{with_sql}
SELECT p.organization_id, COUNT(*) FROM {places} p GROUP BY p.organization_id"""
    rows = _fetch(sql, [*params, threshold(by_date, settings.rule_years), *places_params])
    return {int(pk): int(count) for pk, count in rows}


# --- reads for other parts ----------------------------------------------------------------------------


def user_filters(*, user: Any, on: dt.date | None = None) -> Filters:
    """The user's whole scope (the office's municipalities, a school admin's school) on `on` (today)."""
    scope = statistics_scope(user=user)
    return Filters(on=on or timezone.localdate(), paths=tuple(scope.paths))


def due_counts_by_school(*, user: Any, by_date: dt.date, on: dt.date | None = None) -> dict[int, int]:
    """Per school id in the user's scope: how many educators working on `on` (today) will be overdue by
    `by_date` — their due day is before it or unknown. The plans part proposes quotas with it."""
    return educators_due_by(user=user, filters=user_filters(user=user, on=on), by_date=by_date)


@dataclass(frozen=True)
class EducatorDue:
    last_course_end: dt.date | None
    due: dt.date | None
    status: str  # one of STATUSES

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def educator_due(*, educator: Educator, on: dt.date | None = None) -> EducatorDue:
    """One educator's last counting course, due day and status on `on` (today): one or two queries."""
    on = on or timezone.localdate()
    settings = TrainingSettings.current()
    last = CourseRecord.objects.filter(educator=educator, counts=True, ends_on__lte=on).aggregate(
        last=Max("ends_on")
    )["last"]
    due = due_on(last_counting_end=last, teaching_start=educator.teaching_experience_start, settings=settings)
    return EducatorDue(last, due, status_of(due, on))


def home_summary(*, user: Any, on: dt.date | None = None) -> dict[str, Any]:
    """The home-page card: working educators in the user's scope, how many are overdue, due this
    academic year and in the forecast, and the coverage in % (None without anyone working)."""
    summary = compliance_summary(user=user, filters=user_filters(user=user, on=on))
    return {
        "working": summary.working,
        "overdue": summary.totals[OVERDUE],
        "due_this_year": summary.totals[DUE_THIS_YEAR],
        "forecast": summary.totals[FORECAST],
        "coverage": summary.coverage,
    }


def rows_sorted_schools(schools: Sequence[SchoolCoverage], sort: str) -> list[SchoolCoverage]:
    """The coverage table's order: by % (lowest first by default), name, working, overdue, forecast."""
    from imo.core.text import russian_sort_key

    key = sort.lstrip("-")
    reverse = sort.startswith("-")

    def value(school: SchoolCoverage) -> Any:
        if key == "name":
            return russian_sort_key(school.name)
        if key == "working":
            return school.working
        if key == "overdue":
            return school.counts[OVERDUE]
        if key == "forecast":
            return school.counts[FORECAST]
        return school.coverage if school.coverage is not None else -1.0

    by_name = sorted(schools, key=lambda s: (russian_sort_key(s.name), s.organization_id))
    return sorted(by_name, key=value, reverse=reverse)
