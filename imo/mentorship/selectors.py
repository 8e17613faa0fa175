"""Reads of the mentoring pages: early-career educators for a date, mentorships in scope, mentor load.

Every list runs a fixed number of queries: the rows, then one query per prefetched relation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from imo.core.access import check
from imo.core.prepared import prepared
from imo.mentorship.models import Mentorship
from imo.staff.experience import EXPERIENCE_BANDS, is_early_career, start_range, years_months
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on, educators_visible_to

EARLY_CAREER = EXPERIENCE_BANDS[0]  # «до 3 лет»


def early_career_q(on: dt.date) -> Q:
    """Teaching experience under three years on `on`, as a date range of the stored start (unknown: no)."""
    after, not_after = start_range(EARLY_CAREER, on)
    condition = Q(teaching_experience_start__isnull=False, teaching_experience_start__gt=after)
    if not_after is not None:
        condition &= Q(teaching_experience_start__lte=not_after)
    return condition


def _active_mentorship() -> Exists:
    return Exists(Mentorship.objects.filter(mentee_id=OuterRef("pk"), status=Mentorship.Status.ACTIVE))


# --- mentorships in scope -------------------------------------------------------------------------


def mentorships_visible_to(*, user: Any) -> QuerySet[Mentorship]:
    """Mentorships whose mentee the user sees (office, school admin), and the teacher's own ones."""
    queryset = Mentorship.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    visible = educators_visible_to(user=user).values("pk")
    return queryset.filter(Q(mentee__in=visible) | Q(mentor__user_id=user.pk) | Q(mentee__user_id=user.pk))


def mentorship_get_for(*, user: Any, pk: int, permission: str = "mentorship.view_mentorship") -> Mentorship:
    """The mentorship if the user may see it (else 404) and holds `permission` on it (else 403)."""
    mentorship = (
        mentorships_visible_to(user=user)
        .select_related("mentor", "mentee", "mentee__municipality", "organization")
        .filter(pk=pk)
        .first()
    )
    if mentorship is None:
        raise Http404("Наставничество не найдено.")
    check(user, permission, mentorship)
    return mentorship


def mentor_load_subquery() -> Coalesce:
    """Active mentees of the row's mentor (for a queryset of Mentorship)."""
    counts = (
        Mentorship.objects.filter(mentor_id=OuterRef("mentor_id"), status=Mentorship.Status.ACTIVE)
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def mentorship_list(*, user: Any, status: str = "", school_id: int | None = None) -> QuerySet[Mentorship]:
    queryset = (
        mentorships_visible_to(user=user)
        .select_related("mentor", "mentee", "organization")
        .annotate(mentor_load=mentor_load_subquery())
    )
    if status:
        queryset = queryset.filter(status=status)
    if school_id:
        queryset = queryset.filter(organization_id=school_id)
    return queryset.order_by("mentee__name_key", "-starts_on", "pk")


_MENTORSHIPS_OF = prepared(  # read for every educator card (imo/core/prepared.py)
    lambda educator: (
        Mentorship.objects.filter(Q(mentor_id=educator) | Q(mentee_id=educator))
        .select_related("mentor", "mentee", "organization")
        .order_by("status", "-starts_on", "pk")
    ),
    educator=int,
)


def mentorships_of(*, educator: Educator) -> tuple[list[Mentorship], list[Mentorship]]:
    """(as mentor, as mentee), newest first, for the profile section."""
    rows = _MENTORSHIPS_OF(educator=educator.pk)
    return [m for m in rows if m.mentor_id == educator.pk], [m for m in rows if m.mentee_id == educator.pk]


# --- early-career educators -----------------------------------------------------------------------


@dataclass
class EarlyCareerRow:
    educator: Educator
    school: str
    position: str
    years: int
    months: int
    mentor: Educator | None
    mentorship: Mentorship | None

    @property
    def experience(self) -> str:
        return f"{self.years} г. {self.months} мес."

    @property
    def without_mentor(self) -> bool:
        return self.mentor is None


def early_career_queryset(
    *, user: Any, on: dt.date, school_id: int | None = None, without_mentor: bool = False
) -> QuerySet[Educator]:
    """Visible educators in an employment in force on `on` whose teaching experience is under 3 years."""
    working = Employment.objects.filter(active_on(on), educator_id=OuterRef("pk"))
    if school_id:
        working = working.filter(organization_id=school_id)
    queryset = educators_visible_to(user=user).filter(Exists(working), early_career_q(on))
    if without_mentor:
        queryset = queryset.filter(~_active_mentorship())
    return queryset


def early_career_ordered(
    *, user: Any, on: dt.date, school_id: int | None = None, without_mentor: bool = False
) -> QuerySet[Educator]:
    """The list's educators in Russian order (the folded full name, as the educators list sorts)."""
    return early_career_queryset(
        user=user, on=on, school_id=school_id, without_mentor=without_mentor
    ).order_by("name_key", "pk")


def early_career_rows(educators: Iterable[Educator], on: dt.date) -> list[EarlyCareerRow]:
    """Rows for a page (or the export) of educators: two queries whatever their number."""
    educators = list(educators)
    employments = (
        Employment.objects.filter(active_on(on))
        .select_related("organization", "position")
        .order_by("-is_main", "-starts_on", "pk")
    )
    mentorships = Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).select_related("mentor")
    prefetch_related_objects(
        educators,
        Prefetch("employments", queryset=employments, to_attr="posts"),
        Prefetch("mentorships_as_mentee", queryset=mentorships, to_attr="active_mentorships"),
    )
    rows = []
    for educator in educators:
        post = educator.posts[0] if educator.posts else None  # type: ignore[attr-defined]
        active = educator.active_mentorships  # type: ignore[attr-defined]
        length = years_months(educator.teaching_experience_start, on) or (0, 0)
        rows.append(
            EarlyCareerRow(
                educator=educator,
                school=(post.organization.short_name or post.organization.name) if post else "",
                position=post.position.name if post and post.position else "",
                years=length[0],
                months=length[1],
                mentor=active[0].mentor if active else None,
                mentorship=active[0] if active else None,
            )
        )
    return rows


def early_career_counts(user: Any, on: dt.date | None = None) -> tuple[int, int]:
    """(early-career educators the user sees, of them without an active mentorship) for the home page."""
    on = on or timezone.localdate()
    counts = early_career_queryset(user=user, on=on).aggregate(
        total=Count("pk"), without=Count("pk", filter=~Q(_active_mentorship()))
    )
    return counts["total"], counts["without"]


def is_early_career_on(educator: Educator, on: dt.date) -> bool:
    return is_early_career(educator.teaching_experience_start, on)
