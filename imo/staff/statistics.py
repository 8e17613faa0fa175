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

Everything is aggregated in SQL with conditional counts over date ranges (experience.start_range turns a
band into bounds of the stored dates, so no age is computed per row): one query for the figures of the
whole scope, one grouped query for the per-organisation table, one for the names of the organisations.
The page therefore runs the same handful of queries for one school or for a region of 25,000 educators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from imo.core.collation import russian
from imo.core.templatetags.imo import plural_ru
from imo.core.text import russian_sort_key
from imo.orgs.models import OFFICE_ROLES, Organization, Role
from imo.orgs.selectors import memberships_of
from imo.staff.experience import (
    AGE_BANDS,
    EXPERIENCE_BANDS,
    Band,
    start_range,
    statistics_age_date,
)
from imo.staff.models import EducationRecord, Educator, Employment
from imo.staff.selectors import active_on, employed_in

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

# Highest education as one number per person: level × 2 + pedagogical. Max over the person's records
# gives the highest level and, at that level, whether any record of it is pedagogical.
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


def _paths_q(paths: Iterable[str], field: str) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{field}path__startswith": path})
    return condition


def statistics_organizations(*, user: Any) -> QuerySet[Organization]:
    """The organisations the user may count (the choices of the scope picker), in Russian order."""
    return (
        Organization.objects.filter(_paths_q(_root_paths(user), ""), kind__in=EDUCATIONAL_KINDS)
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


def _range_q(field: str, bounds: tuple[dt.date | None, dt.date | None]) -> Q:
    after, not_after = bounds
    condition = Q(**{f"{field}__isnull": False})
    if after is not None:
        condition &= Q(**{f"{field}__gt": after})
    if not_after is not None:
        condition &= Q(**{f"{field}__lte": not_after})
    return condition


def _band_counts(
    counts: dict[str, Any], prefix: str, *, field: str, bands: tuple[Band, ...], day: dt.date, women: Q
) -> None:
    for band in bands:
        condition = _range_q(field, start_range(band, day))
        counts[f"{prefix}:{band.key}"] = Count("pk", filter=condition)
        counts[f"{prefix}:{band.key}:w"] = Count("pk", filter=condition & women)
    unknown = Q(**{f"{field}__isnull": True})
    counts[f"{prefix}:unknown"] = Count("pk", filter=unknown)
    counts[f"{prefix}:unknown:w"] = Count("pk", filter=unknown & women)


def education_score(educator_ref: str = "pk") -> Subquery:
    """The person's highest education as a number (HIGHER_PEDAGOGICAL … OTHER); NULL without records."""
    score = Case(
        When(level=EducationRecord.Level.HIGHER, then=Value(HIGHER)),
        When(level=EducationRecord.Level.SECONDARY_VOCATIONAL, then=Value(VOCATIONAL)),
        default=Value(OTHER),
        output_field=IntegerField(),
    ) + Case(When(is_pedagogical=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    return Subquery(
        EducationRecord.objects.filter(educator_id=OuterRef(educator_ref))
        .order_by()
        .values("educator_id")
        .annotate(top=Max(score))
        .values("top")[:1],
        output_field=IntegerField(),
    )


EDUCATION_LINES = (
    # key, label, scores counted, level
    ("higher", "Высшее образование", (HIGHER, HIGHER_PEDAGOGICAL), 0),
    ("higher_pedagogical", "из него педагогическое", (HIGHER_PEDAGOGICAL,), 1),
    ("vocational", "Среднее профессиональное образование", (VOCATIONAL, VOCATIONAL_PEDAGOGICAL), 0),
    ("vocational_pedagogical", "из него педагогическое", (VOCATIONAL_PEDAGOGICAL,), 1),
    ("other", "Другое образование", (OTHER, OTHER_PEDAGOGICAL), 0),
)


def _scope_figures(*, paths: tuple[str, ...], on: dt.date) -> dict[str, int]:
    """Every figure of the whole scope in one query (an aggregate over the counted educators)."""
    women = Q(sex=Educator.Sex.FEMALE)
    counts: dict[str, Any] = {
        "headcount": Count("pk"),
        "women": Count("pk", filter=women),
        "part_timers": Count("pk", filter=Q(has_main=False)),
        "part_timers:w": Count("pk", filter=Q(has_main=False) & women),
    }
    age_on = statistics_age_date(on)
    _band_counts(counts, "age", field="birth_date", bands=AGE_BANDS, day=age_on, women=women)
    for prefix, field in (("teaching", "teaching_experience_start"), ("total", "total_experience_start")):
        _band_counts(counts, prefix, field=field, bands=EXPERIENCE_BANDS, day=on, women=women)
    for key, _, scores, _ in EDUCATION_LINES:
        counts[f"education:{key}"] = Count("pk", filter=Q(education__in=scores))
        counts[f"education:{key}:w"] = Count("pk", filter=Q(education__in=scores) & women)
    counts["education:unknown"] = Count("pk", filter=Q(education__isnull=True))
    counts["education:unknown:w"] = Count("pk", filter=Q(education__isnull=True) & women)
    main_here = Employment.objects.filter(
        _paths_q(paths, "organization__"), active_on(on), is_main=True, educator_id=OuterRef("pk")
    )
    # The annotations hold subqueries, so Django counts over a derived table: each runs once per person.
    return (
        Educator.objects.filter(employed_in(list(paths), on=on))
        .annotate(education=education_score(), has_main=Exists(main_here))
        .aggregate(**counts)
    )


def _organization_figures(*, paths: tuple[str, ...], on: dt.date) -> list[dict[str, Any]]:
    """One grouped query: per organisation, people counted once each and their employments."""
    person = "educator_id"
    early_after, _ = start_range(EARLY_CAREER_BAND, on)
    higher = EducationRecord.objects.filter(educator_id=OuterRef(person), level=EducationRecord.Level.HIGHER)
    vocational_pedagogical = EducationRecord.objects.filter(
        educator_id=OuterRef(person), level=EducationRecord.Level.SECONDARY_VOCATIONAL, is_pedagogical=True
    )
    main_here = Employment.objects.filter(
        active_on(on),
        educator_id=OuterRef(person),
        organization_id=OuterRef("organization_id"),
        is_main=True,
    )
    pedagogical = Q(Exists(higher.filter(is_pedagogical=True))) | (
        ~Q(Exists(higher)) & Q(Exists(vocational_pedagogical))
    )
    return list(
        Employment.objects.filter(_paths_q(paths, "organization__"), active_on(on))
        .order_by()
        .values("organization_id")
        .annotate(
            headcount=Count(person, distinct=True),
            women=Count(person, distinct=True, filter=Q(educator__sex=Educator.Sex.FEMALE)),
            early_career=Count(
                person, distinct=True, filter=Q(educator__teaching_experience_start__gt=early_after)
            ),
            higher=Count(person, distinct=True, filter=Q(Exists(higher))),
            pedagogical=Count(person, distinct=True, filter=pedagogical),
            part_timers=Count(person, distinct=True, filter=~Q(Exists(main_here))),
            employments=Count("pk"),
            part_time_employments=Count("pk", filter=Q(is_main=False)),
        )
    )


def _figures(
    raw: dict[str, int], prefix: str, lines: Iterable[tuple[str, str, int]], headcount: int
) -> tuple[Figure, ...]:
    return tuple(
        Figure(
            key=key,
            label=label,
            total=raw[f"{prefix}:{key}"] or 0,
            women=raw[f"{prefix}:{key}:w"] or 0,
            share=_share(raw[f"{prefix}:{key}"] or 0, headcount),
            level=level,
        )
        for key, label, level in lines
    )


def _band_lines(bands: tuple[Band, ...]) -> list[tuple[str, str, int]]:
    return [*((band.key, band.label, 0) for band in bands), ("unknown", UNKNOWN_LABEL, 0)]


def staff_statistics(*, scope: StatisticsScope, on: dt.date) -> StaffStatistics:
    """All figures of the scope on the date: three queries whatever the number of people."""
    raw = _scope_figures(paths=scope.paths, on=on)
    rows = _organization_figures(paths=scope.paths, on=on)
    names = dict(
        Organization.objects.filter(pk__in=[row["organization_id"] for row in rows]).values_list(
            "pk", "short_name"
        )
    )
    organizations = sorted(
        (
            OrganizationFigures(
                organization_id=row["organization_id"],
                name=names.get(row["organization_id"], ""),
                **{k: v for k, v in row.items() if k != "organization_id"},
            )
            for row in rows
        ),
        key=lambda o: russian_sort_key(o.name),
    )
    headcount = raw["headcount"] or 0
    teaching = _figures(raw, "teaching", _band_lines(EXPERIENCE_BANDS), headcount)
    early = teaching[0]
    part_timers = raw["part_timers"] or 0
    return StaffStatistics(
        scope=scope,
        on=on,
        age_on=statistics_age_date(on),
        headcount=headcount,
        women=raw["women"] or 0,
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
            part_timers,
            raw["part_timers:w"] or 0,
            _share(part_timers, headcount),
        ),
        employments=sum(o.employments for o in organizations),
        part_time_employments=sum(o.part_time_employments for o in organizations),
        ages=_figures(raw, "age", _band_lines(AGE_BANDS), headcount),
        teaching=teaching,
        total_experience=_figures(raw, "total", _band_lines(EXPERIENCE_BANDS), headcount),
        education=_figures(
            raw,
            "education",
            [
                *((key, label, level) for key, label, _, level in EDUCATION_LINES),
                ("unknown", f"Образование {UNKNOWN_LABEL}", 0),
            ],
            headcount,
        ),
        organizations=tuple(organizations),
    )
