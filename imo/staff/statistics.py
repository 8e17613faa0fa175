"""Staff statistics for a chosen date and organisation scope, counted in the database (issue #4, item 7).

    scope = statistics_scope(user=request.user, organization_ids=[12, 15])  # [] = the user's whole scope
    stats = staff_statistics(scope=scope, on=dt.date(2026, 9, 1))
    stats.headcount, stats.women, stats.ages, stats.teaching, stats.education, stats.organizations

Who is counted: every educator holding an employment in force on the chosen date (selectors.active_on) in
one of the chosen organisations, once, however many employments they hold. The figures follow
../shared/domain/statistics.md and the staff section of the state form ОО-1:

- age in full years on 1 January of the year after the chosen date's (experience.statistics_age_date),
  in AGE_BANDS; teaching and total experience in full years on the chosen date, in EXPERIENCE_BANDS;
  each with women apart; an unknown birth date or experience start is counted as «не указано»;
- education by each person's highest level (higher > secondary vocational > other), «of which
  pedagogical» meaning a pedagogical record at that highest level;
- early-career: teaching experience under three years (the first experience band);
- part-timers: people whose employments in scope on the date are all part-time; and the count of
  part-time employments.

Everything is counted in SQL (see "counting" below): bands are date ranges of the stored dates
(experience.start_range), so no age is computed per row; one grouped query counts the people of the
whole scope, one the per-organisation table, one reads the organisations' names. The page therefore runs
the same handful of queries for one school or for a region of 25,000 educators.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value, When

from imo.core.collation import russian
from imo.core.templatetags.imo import plural_ru
from imo.core.text import russian_sort_key
from imo.orgs.models import OFFICE_ROLES, Organization, Role
from imo.orgs.selectors import memberships_of, paths_q
from imo.staff.experience import (
    AGE_BANDS,
    EXPERIENCE_BANDS,
    Band,
    start_range,
    statistics_age_date,
)
from imo.staff.facets import NONE, EducatorFacet, registered
from imo.staff.models import EducationRecord, Educator, Employment
from imo.staff.selectors import active_on

UNKNOWN_LABEL = "не указано"
EARLY_CAREER_BAND = EXPERIENCE_BANDS[0]  # under 3 years: "early-career" (statistics.md, item 4)
STATISTICS_ROLES = frozenset(OFFICE_ROLES | {Role.SCHOOL_ADMIN})
# Organisations whose staff are counted (the municipality and the region are the office, not a school).
EDUCATIONAL_KINDS = (
    Organization.Kind.SCHOOL,
    Organization.Kind.KINDERGARTEN,
    Organization.Kind.ADDITIONAL_EDUCATION,
    Organization.Kind.OTHER,
)

# The highest education as one code per person: level × 2 + pedagogical at that level.
HIGHER_PEDAGOGICAL, HIGHER = 5, 4
VOCATIONAL_PEDAGOGICAL, VOCATIONAL = 3, 2
OTHER_PEDAGOGICAL, OTHER = 1, 0


# --- scope ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatisticsScope:
    """Which organisations are counted: tree paths (a path covers the organisation and its subtree)."""

    paths: tuple[str, ...]
    label: str  # «Курчалоевский муниципальный район», «СОШ № 1», «3 организации: …»
    organization_id: int | None  # the organisation a report is about (the register's organisation)
    selected_ids: tuple[int, ...] = ()  # the organisations the user chose; () = the whole scope

    @property
    def is_whole(self) -> bool:
        return not self.selected_ids

    @property
    def is_single(self) -> bool:
        return len(self.selected_ids) == 1


def _is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def _roots(user: Any) -> list[Organization]:
    """The organisations at the top of the user's statistics scope (widest first), without any that lies
    inside another (a school admin of a school their office role already covers)."""
    organizations = {
        m.organization.path: m.organization for m in memberships_of(user) if m.role in STATISTICS_ROLES
    }
    paths = sorted(organizations, key=lambda path: (len(path), path))
    return [organizations[p] for p in paths if not any(p != q and p.startswith(q) for q in paths)]


def _root_paths(user: Any) -> list[str]:
    if _is_superuser(user):
        return [""]
    return [organization.path for organization in _roots(user)]


def statistics_organizations(*, user: Any) -> QuerySet[Organization]:
    """The organisations the user may count (the choices of the scope picker), in Russian order."""
    return (
        Organization.objects.filter(paths_q(_root_paths(user)), kind__in=EDUCATIONAL_KINDS)
        .only("pk", "name", "short_name", "path", "status", "kind")
        .order_by(russian("short_name"), "pk")
    )


def _name(organization: Organization) -> str:
    return organization.short_name or organization.name


def scope_label(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    shown = ", ".join(names[:3])
    more = f" и ещё {len(names) - 3}" if len(names) > 3 else ""
    return f"{len(names)} {plural_ru(len(names), 'организация,организации,организаций')}: {shown}{more}"


def statistics_scope(
    *,
    user: Any,
    organization_ids: Iterable[int] = (),
    organizations: Iterable[Organization] | None = None,
) -> StatisticsScope:
    """The scope the user asked for, cut to what they may see.

    An empty choice means the user's whole scope: the office's municipality (or region), a school admin's
    school. Chosen organisations outside the user's scope are ignored (a school admin passing another
    school's id still sees only their own school). `organizations` may pass the already-read choices.
    """
    wanted = {int(pk) for pk in organization_ids}
    if wanted:
        available = (
            list(organizations) if organizations is not None else list(statistics_organizations(user=user))
        )
        chosen = sorted((o for o in available if o.pk in wanted), key=lambda o: russian_sort_key(_name(o)))
        if chosen:
            return StatisticsScope(
                paths=tuple(o.path for o in chosen),
                label=scope_label([_name(o) for o in chosen]),
                organization_id=chosen[0].pk if len(chosen) == 1 else _common_root_id(user),
                selected_ids=tuple(o.pk for o in chosen),
            )
    roots = _roots(user)
    if _is_superuser(user) or not roots:
        # A superuser counts everything; a user without a role here counts nothing (the view refuses
        # them before this, but a selector must not widen the scope by itself).
        paths = ("",) if _is_superuser(user) else ()
        return StatisticsScope(paths=paths, label="Все организации", organization_id=None)
    return StatisticsScope(
        paths=tuple(o.path for o in roots),
        label="; ".join(o.name for o in roots),
        organization_id=roots[0].pk,
    )


def _common_root_id(user: Any) -> int | None:
    roots = _roots(user)
    return roots[0].pk if roots else None


# --- figures ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One line of a table: how many people, of whom women, and the share of the headcount."""

    key: str
    label: str
    total: int
    women: int
    share: float | None  # % of the headcount; None when the headcount is 0
    level: int = 0  # 1 for «из них …» lines


@dataclass(frozen=True)
class OrganizationFigures:
    """One organisation's line of the per-organisation table."""

    organization_id: int
    name: str
    headcount: int
    women: int
    early_career: int
    higher: int
    pedagogical: int
    part_timers: int
    employments: int
    part_time_employments: int

    @property
    def higher_share(self) -> float | None:
        return _share(self.higher, self.headcount)

    @property
    def pedagogical_share(self) -> float | None:
        return _share(self.pedagogical, self.headcount)


@dataclass(frozen=True)
class FacetFigures:
    """The people per value of a registered facet (imo.staff.facets), e.g. per qualification category:
    the values add up to the headcount (each person has one value, «без …» included)."""

    key: str
    title: str  # «По квалификационным категориям»
    label: str  # the header of the values column: «Квалификационная категория»
    note: str
    figures: tuple[Figure, ...]  # in the facet's order of choices


@dataclass(frozen=True)
class StaffStatistics:
    scope: StatisticsScope
    on: dt.date  # the chosen date: employments in force, experience
    age_on: dt.date  # ages are counted on 1 January of the next year
    headcount: int
    women: int
    early_career: Figure
    part_timers: Figure
    employments: int  # employments in force in scope (a person in two schools holds two)
    part_time_employments: int
    ages: tuple[Figure, ...]  # AGE_BANDS, then «не указано»
    teaching: tuple[Figure, ...]  # EXPERIENCE_BANDS of teaching experience, then «не указано»
    total_experience: tuple[Figure, ...]  # the same bands of total experience
    education: tuple[Figure, ...]  # higher, of which pedagogical, vocational, of which …, other, unknown
    organizations: tuple[OrganizationFigures, ...]  # in Russian alphabetical order
    facets: tuple[FacetFigures, ...] = ()  # one per registered facet, in the order of registration

    @property
    def women_share(self) -> float | None:
        return _share(self.women, self.headcount)

    @property
    def pedagogical(self) -> int:
        return sum(
            f.total for f in self.education if f.key in ("higher_pedagogical", "vocational_pedagogical")
        )

    @property
    def organizations_total(self) -> int:
        """People counted once per organisation: more than the headcount when someone works in two."""
        return sum(o.headcount for o in self.organizations)


def _share(part: int, whole: int) -> float | None:
    return part * 100 / whole if whole else None


# --- counting -----------------------------------------------------------------------------------------
#
# The figures come from two grouped queries. Each person in scope gets small integer codes computed by
# the database — their age band, teaching and total experience bands, highest education, whether they
# hold a main employment in scope — and the query counts people per combination of codes and sex: a few
# hundred groups at most, whatever the number of people, which Python adds up into the tables. A band is
# a date range of the stored dates (experience.start_range), so a band code is a few comparisons; the
# highest education is a subquery on the records' educator index; the main-employment code tests
# membership in a list the database builds once.
# Measured at region scale (25,000 people): conditional counts per figure instead (one aggregate per band
# and sex, ~70 of them) were several times slower, on SQLite above all, where every aggregate is
# evaluated for every row.

UNKNOWN_CODE = -1


def _band_code(field: str, bands: tuple[Band, ...], day: dt.date) -> Case:
    """The index in `bands` of the full years from `field` to `day`; UNKNOWN_CODE when `field` is empty.

    Bands are contiguous from 0 years up, so the later a start date the lower its band: the first band
    whose lower date bound the start date exceeds is its band (start_range gives the bounds)."""
    whens = []
    for index, band in enumerate(bands[:-1]):
        after, _ = start_range(band, day)
        whens.append(When(**{f"{field}__gt": after}, then=Value(index)))
    whens.append(When(**{f"{field}__isnull": False}, then=Value(len(bands) - 1)))
    return Case(*whens, default=Value(UNKNOWN_CODE), output_field=IntegerField())


def education_code(field: str = "pk") -> Subquery:
    """The person's highest education (HIGHER_PEDAGOGICAL … OTHER): the largest level × 2 + pedagogical
    over their records, so «of which pedagogical» means a pedagogical record at that level; NULL without
    records. `field` holds the educator's id. A subquery on the records' educator index, so it costs in
    proportion to the people counted (a school reads its 40 people's records, not the region's; lists of
    ids per level, built by scanning every record, made one school's page five times slower)."""
    level = EducationRecord.Level
    score = Case(
        When(level=level.HIGHER, then=Value(HIGHER)),
        When(level=level.SECONDARY_VOCATIONAL, then=Value(VOCATIONAL)),
        default=Value(OTHER),
        output_field=IntegerField(),
    ) + Case(When(is_pedagogical=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    return Subquery(
        EducationRecord.objects.filter(educator_id=OuterRef(field))
        .order_by()
        .values("educator_id")
        .annotate(top=Max(score))
        .values("top")[:1],
        output_field=IntegerField(),
    )


EDUCATION_LINES = (
    # key, label, codes counted, level
    ("higher", "Высшее образование", (HIGHER, HIGHER_PEDAGOGICAL), 0),
    ("higher_pedagogical", "из него педагогическое", (HIGHER_PEDAGOGICAL,), 1),
    ("vocational", "Среднее профессиональное образование", (VOCATIONAL, VOCATIONAL_PEDAGOGICAL), 0),
    ("vocational_pedagogical", "из него педагогическое", (VOCATIONAL_PEDAGOGICAL,), 1),
    ("other", "Другое образование", (OTHER, OTHER_PEDAGOGICAL), 0),
    ("unknown", f"Образование {UNKNOWN_LABEL}", (None,), 0),
)
PEDAGOGICAL_CODES = (HIGHER_PEDAGOGICAL, VOCATIONAL_PEDAGOGICAL)


def _employments_in_scope(paths: tuple[str, ...], on: dt.date) -> QuerySet[Employment]:
    return Employment.objects.filter(paths_q(paths, "organization__"), active_on(on))


def _facet_field(index: int) -> str:
    return f"facet_{index}"


def _people_groups(
    *, paths: tuple[str, ...], on: dt.date, facets: tuple[EducatorFacet, ...] = ()
) -> list[dict[str, Any]]:
    """People in scope counted per (sex, age band, teaching band, total band, education, has a main
    employment in scope, and the value of each registered facet): one query."""
    employments = _employments_in_scope(paths, on)
    main = Case(
        When(pk__in=employments.filter(is_main=True).values("educator_id"), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    facet_values = {_facet_field(i): facet.counting_expression(on) for i, facet in enumerate(facets)}
    return list(
        Educator.objects.filter(pk__in=employments.values("educator_id"))
        .annotate(
            age_code=_band_code("birth_date", AGE_BANDS, statistics_age_date(on)),
            teaching_code=_band_code("teaching_experience_start", EXPERIENCE_BANDS, on),
            total_code=_band_code("total_experience_start", EXPERIENCE_BANDS, on),
            education_code=education_code(),
            main_code=main,
            **facet_values,
        )
        .values(
            "sex", "age_code", "teaching_code", "total_code", "education_code", "main_code", *facet_values
        )
        .annotate(people=Count("pk"))
        .order_by()
    )


def _organization_rows(*, paths: tuple[str, ...], on: dt.date) -> list[dict[str, Any]]:
    """Per organisation and highest education, one grouped query over the employments in force: people
    counted once each (a person may hold two posts in one school), their employments, the part-time ones.
    A person's education is the same in every row of theirs, so the groups of one organisation add up."""
    person = "educator_id"
    early_after, _ = start_range(EARLY_CAREER_BAND, on)
    return list(
        _employments_in_scope(paths, on)
        .order_by()
        .annotate(education_code=education_code(person))
        .values("organization_id", "education_code")
        .annotate(
            headcount=Count(person, distinct=True),
            women=Count(person, distinct=True, filter=Q(educator__sex=Educator.Sex.FEMALE)),
            early_career=Count(
                person, distinct=True, filter=Q(educator__teaching_experience_start__gt=early_after)
            ),
            with_main=Count(person, distinct=True, filter=Q(is_main=True)),
            employments=Count("pk"),
            part_time_employments=Count("pk", filter=Q(is_main=False)),
        )
    )


def _organization_figures(rows: list[dict[str, Any]], names: dict[int, str]) -> list[OrganizationFigures]:
    """Adds up each organisation's groups (at most seven: one per education code)."""
    sums: dict[int, dict[str, int]] = {}
    for row in rows:
        figures = sums.setdefault(row["organization_id"], defaultdict(int))
        for key in (
            "headcount",
            "women",
            "early_career",
            "with_main",
            "employments",
            "part_time_employments",
        ):
            figures[key] += row[key]
        if row["education_code"] in (HIGHER, HIGHER_PEDAGOGICAL):
            figures["higher"] += row["headcount"]
        if row["education_code"] in PEDAGOGICAL_CODES:
            figures["pedagogical"] += row["headcount"]
    return sorted(
        (
            OrganizationFigures(
                organization_id=pk,
                name=names.get(pk, ""),
                headcount=f["headcount"],
                women=f["women"],
                early_career=f["early_career"],
                higher=f["higher"],
                pedagogical=f["pedagogical"],
                part_timers=f["headcount"] - f["with_main"],
                employments=f["employments"],
                part_time_employments=f["part_time_employments"],
            )
            for pk, f in sums.items()
        ),
        key=lambda o: russian_sort_key(o.name),
    )


@dataclass
class _Tally:
    total: int = 0
    women: int = 0

    def add(self, people: int, *, woman: bool) -> None:
        self.total += people
        if woman:
            self.women += people


def _band_figures(tallies: dict[int, _Tally], bands: tuple[Band, ...], headcount: int) -> tuple[Figure, ...]:
    lines = [*((index, band.key, band.label) for index, band in enumerate(bands))]
    lines.append((UNKNOWN_CODE, "unknown", UNKNOWN_LABEL))
    return tuple(
        Figure(key, label, tallies[code].total, tallies[code].women, _share(tallies[code].total, headcount))
        for code, key, label in lines
    )


@contextmanager
def _without_jit() -> Iterator[None]:
    """PostgreSQL compiles a plan whose estimated cost passes `jit_above_cost` (on by default). The
    per-person education subquery over a region's 25,000 people passes it, and compiling takes ~45 ms,
    longer than the time it saves on these queries; so JIT is off for them (SET LOCAL: this transaction
    only). Nothing changes on other databases, or where the server's JIT is off already. SQLite opens no
    transaction here: a read inside BEGIN would hold table locks against the page's parallel requests
    (the charts and the facets' tables load beside it)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


def _facet_figures(
    facet: EducatorFacet, index: int, groups: list[dict[str, Any]], headcount: int
) -> FacetFigures:
    """The people per value of a facet and sex, added up from the groups of the people's query (each
    group carries the facet's value, NULL meaning «без …»)."""
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for group in groups:
        value = group[_facet_field(index)] or NONE
        tallies[value].add(group["people"], woman=group["sex"] == Educator.Sex.FEMALE)
    figures = tuple(
        Figure(
            value, label, tallies[value].total, tallies[value].women, _share(tallies[value].total, headcount)
        )
        for value, label in facet.statistics_lines
    )
    return FacetFigures(
        key=facet.key,
        title=facet.title or facet.label,
        label=facet.label,
        note=facet.note,
        figures=figures,
    )


def facet_statistics(*, scope: StatisticsScope, on: dt.date) -> tuple[FacetFigures, ...]:
    """Only the registered facets' tables (the page loads them after its other tables): one grouped query
    per facet over the people in scope."""
    people = _employments_in_scope(scope.paths, on).values("educator_id")
    result = []
    with _without_jit():
        for facet in registered():
            groups = [
                {"facet_0": value, "sex": sex, "people": count}
                for (value, sex), count in facet.counts_by(people, on, "sex").items()
            ]
            headcount = sum(group["people"] for group in groups)
            result.append(_facet_figures(facet, 0, groups, headcount))
    return tuple(result)


def staff_statistics(*, scope: StatisticsScope, on: dt.date, with_facets: bool = True) -> StaffStatistics:
    """All figures of the scope on the date: three queries whatever the number of people. The registered
    facets (imo.staff.facets) are counted within the people's query; `with_facets=False` leaves them out
    (the page reads them afterwards with facet_statistics: counting a category per person of a region
    costs about as much again as the rest)."""
    facets = registered() if with_facets else ()
    with _without_jit():
        groups = _people_groups(paths=scope.paths, on=on, facets=facets)
        rows = _organization_rows(paths=scope.paths, on=on)
    names = dict(
        Organization.objects.filter(pk__in={row["organization_id"] for row in rows}).values_list(
            "pk", "short_name"
        )
    )
    ages: dict[int, _Tally] = defaultdict(_Tally)
    teaching: dict[int, _Tally] = defaultdict(_Tally)
    total: dict[int, _Tally] = defaultdict(_Tally)
    education: dict[int | None, _Tally] = defaultdict(_Tally)
    everyone, part_timers = _Tally(), _Tally()
    for group in groups:  # a few hundred combinations of codes at most, not people
        people, woman = group["people"], group["sex"] == Educator.Sex.FEMALE
        everyone.add(people, woman=woman)
        ages[group["age_code"]].add(people, woman=woman)
        teaching[group["teaching_code"]].add(people, woman=woman)
        total[group["total_code"]].add(people, woman=woman)
        education[group["education_code"]].add(people, woman=woman)
        if not group["main_code"]:
            part_timers.add(people, woman=woman)
    headcount = everyone.total
    education_figures = []
    for key, label, codes, level in EDUCATION_LINES:
        count = sum(education[code].total for code in codes)
        women = sum(education[code].women for code in codes)
        education_figures.append(Figure(key, label, count, women, _share(count, headcount), level))
    teaching_figures = _band_figures(teaching, EXPERIENCE_BANDS, headcount)
    early = teaching_figures[0]
    organizations = _organization_figures(rows, names)
    return StaffStatistics(
        scope=scope,
        on=on,
        age_on=statistics_age_date(on),
        headcount=headcount,
        women=everyone.women,
        early_career=Figure(
            "early_career",
            "Молодые специалисты (педагогический стаж до 3 лет)",
            early.total,
            early.women,
            early.share,
        ),
        part_timers=Figure(
            "part_timers",
            "Работают только по совместительству",
            part_timers.total,
            part_timers.women,
            _share(part_timers.total, headcount),
        ),
        employments=sum(o.employments for o in organizations),
        part_time_employments=sum(o.part_time_employments for o in organizations),
        ages=_band_figures(ages, AGE_BANDS, headcount),
        teaching=teaching_figures,
        total_experience=_band_figures(total, EXPERIENCE_BANDS, headcount),
        education=tuple(education_figures),
        organizations=tuple(organizations),
        facets=tuple(_facet_figures(facet, i, groups, headcount) for i, facet in enumerate(facets)),
    )
