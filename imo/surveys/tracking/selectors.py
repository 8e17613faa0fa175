"""Reads of the tracking page: who may see a survey's tracking and what part of it, the response rates
overall and per school, and who has not answered yet.

Rates are counted from RespondentToken.responded only (never from Response rows), so they work the same
for anonymous surveys without revealing who answered what. An educator counts at every organisation of
the survey's office subtree where they work today (a teacher at two schools is asked at both); the overall
figure counts each respondent once. The list of who has not answered exists for named surveys only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from imo.core.text import russian_sort_key
from imo.orgs.models import Organization
from imo.orgs.selectors import paths_q
from imo.staff.models import Employment
from imo.staff.selectors import active_on
from imo.surveys.models import AudienceKind, Mode, RespondentToken, Survey
from imo.surveys.selectors import is_office_viewer, school_admin_schools, surveys_for_results

#: The label of the row of educators who work nowhere under the office today (left since publishing).
UNPLACED_LABEL = "Без текущего места работы"


@dataclass(frozen=True)
class Rate:
    """Asked / answered of one school (or overall)."""

    label: str
    asked: int
    answered: int
    school_id: int | None = None

    @property
    def missing(self) -> int:
        return self.asked - self.answered

    @property
    def percent(self) -> int:
        """Whole per cent, rounded down, so 99.6 % never shows as 100 % while someone is missing."""
        return self.answered * 100 // self.asked if self.asked else 0


@dataclass(frozen=True)
class Scope:
    """What of the survey's tracking the user sees: everything (the office) or their schools only."""

    survey: Survey
    is_office: bool
    school_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def shows_names(self) -> bool:
        """Who has not answered is listed for named surveys only."""
        return self.survey.mode == Mode.NAMED


@dataclass(frozen=True)
class Rates:
    overall: Rate | None  # None for a school admin: they see their school's part only
    schools: list[Rate]


def tracking_scope_for(*, user: Any, pk: int) -> Scope:
    """The survey (404 outside the user's results scope) and the part of it the user sees."""
    survey = surveys_for_results(user).select_related("organization").filter(pk=pk).first()
    if survey is None:
        raise Http404("Анкета не найдена.")
    if is_office_viewer(user):
        return Scope(survey=survey, is_office=True)
    schools = frozenset(school.pk for school in school_admin_schools(user))
    if not schools:
        raise Http404("Анкета не найдена.")
    return Scope(survey=survey, is_office=False, school_ids=schools)


def _employments_here(survey: Survey, on: dt.date) -> QuerySet[Employment]:
    """Employments in force under the survey's office."""
    return Employment.objects.filter(active_on(on), paths_q([survey.organization.path], "organization__"))


def _educator_rates(scope: Scope, tokens: QuerySet[RespondentToken], on: dt.date) -> dict[int, list[int]]:
    """{organisation id: [asked, answered]} of an educators' survey: two grouped queries."""
    employments = _employments_here(scope.survey, on)
    if not scope.is_office:
        employments = employments.filter(organization_id__in=scope.school_ids)
    counts: dict[int, list[int]] = {}
    for index, chosen in enumerate((tokens, tokens.filter(responded=True))):
        rows = (
            employments.filter(educator_id__in=chosen.values("educator_id"))
            .values("organization_id")
            .annotate(n=Count("educator_id", distinct=True))
            .order_by()
        )
        for row in rows:
            counts.setdefault(row["organization_id"], [0, 0])[index] = row["n"]
    return counts


def _school_rates(scope: Scope, tokens: QuerySet[RespondentToken]) -> dict[int, list[int]]:
    """{school id: [asked, answered]} of a monitoring (one token per school): one grouped query."""
    if not scope.is_office:
        tokens = tokens.filter(school_id__in=scope.school_ids)
    rows = (
        tokens.filter(school__isnull=False)
        .values("school_id")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(responded=True)))
        .order_by()
    )
    return {row["school_id"]: [row["asked"], row["answered"]] for row in rows}


def response_rates(scope: Scope, *, on: dt.date | None = None) -> Rates:
    """The rate overall (office only) and per school, schools in Russian order of their short names.
    A fixed number of queries (at most five) whatever the number of respondents."""
    on = on or timezone.localdate()
    survey = scope.survey
    tokens = RespondentToken.objects.filter(survey=survey)
    if survey.audience == AudienceKind.SCHOOLS:
        counts = _school_rates(scope, tokens)
    else:
        counts = _educator_rates(scope, tokens.filter(educator__isnull=False), on)
    names = dict(Organization.objects.filter(pk__in=counts).values_list("pk", "short_name"))
    schools = [
        Rate(label=names.get(pk, ""), asked=asked, answered=answered, school_id=pk)
        for pk, (asked, answered) in counts.items()
    ]
    schools.sort(key=lambda rate: russian_sort_key(rate.label))
    overall = None
    if scope.is_office:
        totals = tokens.aggregate(asked=Count("pk"), answered=Count("pk", filter=Q(responded=True)))
        overall = Rate(label="Всего", asked=totals["asked"], answered=totals["answered"])
        if survey.audience == AudienceKind.EDUCATORS:
            working = Exists(_employments_here(survey, on).filter(educator_id=OuterRef("educator_id")))
            unplaced = tokens.filter(educator__isnull=False).exclude(working)
            left = unplaced.aggregate(asked=Count("pk"), answered=Count("pk", filter=Q(responded=True)))
            if left["asked"]:
                schools.append(Rate(label=UNPLACED_LABEL, asked=left["asked"], answered=left["answered"]))
    return Rates(overall=overall, schools=schools)


def non_respondents(scope: Scope, *, on: dt.date | None = None) -> QuerySet[RespondentToken]:
    """Tokens of those who have not answered (named surveys; none for anonymous ones), with what the list
    shows: the educator, their user's e-mail and their workplaces under the office today
    (`educator.places`), or the school. A school admin gets their schools' part only."""
    survey = scope.survey
    tokens = RespondentToken.objects.filter(survey=survey, responded=False)
    if not scope.shows_names:
        return tokens.none()
    if survey.audience == AudienceKind.SCHOOLS:
        tokens = tokens.filter(school__isnull=False).select_related("school")
        if not scope.is_office:
            tokens = tokens.filter(school_id__in=scope.school_ids)
        return tokens
    on = on or timezone.localdate()
    here = _employments_here(survey, on)
    tokens = tokens.filter(educator__isnull=False, educator__erased_at__isnull=True)
    if not scope.is_office:
        mine = here.filter(organization_id__in=scope.school_ids, educator_id=OuterRef("educator_id"))
        tokens = tokens.filter(Exists(mine))
    places = here.select_related("organization").order_by("-is_main", "organization__short_name", "pk")
    return tokens.select_related("educator", "educator__user").prefetch_related(
        Prefetch("educator__employments", queryset=places, to_attr="places")
    )


def with_school(tokens: QuerySet[RespondentToken], school_id: int, survey: Survey) -> QuerySet[Any]:
    """Non-respondents of one school (the school filter of the list)."""
    if survey.audience == AudienceKind.SCHOOLS:
        return tokens.filter(school_id=school_id)
    working = _employments_here(survey, timezone.localdate()).filter(
        organization_id=school_id, educator_id=OuterRef("educator_id")
    )
    return tokens.filter(Exists(working))
