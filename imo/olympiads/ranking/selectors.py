"""Reads of the ranking part, scoped: the office sees every row of its stage subjects; a school admin reads
the rows of their own school's students only (another school's participation → 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from imo.core.access import check
from imo.olympiads.models import Appeal, Participation, Stage, StageSubject
from imo.olympiads.setup.selectors import seasons_visible_to, stage_subject_get_for
from imo.orgs.models import OFFICE_ROLES, Role
from imo.orgs.selectors import paths_q, scope_paths

VIEW = "olympiads.view"
MANAGE = "olympiads.manage"


def is_office(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or scope_paths(user, OFFICE_ROLES))


def rows_q(user: Any, prefix: str = "") -> Q:
    """Participations the user may read inside a visible stage subject: all for the office, the own
    school's for a school admin."""
    if is_office(user):
        return Q()
    return paths_q(scope_paths(user, {Role.SCHOOL_ADMIN}), f"{prefix}student__school__")


def stage_subject_for(*, user: Any, pk: int, permission: str = VIEW) -> StageSubject:
    return stage_subject_get_for(user=user, pk=pk, permission=permission)


def stage_for(*, user: Any, pk: int, permission: str = VIEW) -> Stage:
    stage = (
        Stage.objects.filter(season__in=seasons_visible_to(user=user), pk=pk)
        .select_related("season__municipality", "season__academic_year")
        .first()
    )
    if stage is None:
        raise Http404("Этап не найден.")
    check(user, permission, stage)
    return stage


def stage_subjects_for(*, user: Any) -> QuerySet[StageSubject]:
    """Stage subjects of the user's seasons with how many are ranked (of the user's rows) and winners."""
    rows = rows_q(user, "participations__")
    return (
        StageSubject.objects.filter(stage__season__in=seasons_visible_to(user=user))
        .select_related("subject", "stage__season__academic_year", "stage__season__municipality")
        .annotate(
            ranked=Count("participations", filter=rows & Q(participations__rank__isnull=False)),
            awarded=Count(
                "participations",
                filter=rows & Q(participations__status__in=["winner", "prize_winner"]),
            ),
        )
        .order_by(
            "-stage__season__academic_year__start_year", "stage__starts_on", "subject__order", "subject__name"
        )
    )


def ranking_rows(*, user: Any, stage_subject: StageSubject) -> QuerySet[Participation]:
    return (
        Participation.objects.filter(stage_subject=stage_subject)
        .filter(rows_q(user))
        .exclude(rank__isnull=True, status_reason="")
        .select_related("student__school")
        .order_by("grade", "rank", "student__name_key", "pk")
    )


def participation_for(*, user: Any, pk: int, permission: str = VIEW) -> Participation:
    """A participation in the user's seasons and (for a school admin) of their school; else 404."""
    found = (
        Participation.objects.filter(stage_subject__stage__season__in=seasons_visible_to(user=user), pk=pk)
        .filter(rows_q(user))
        .select_related(
            "student__school", "stage_subject__subject", "stage_subject__stage__season__academic_year"
        )
        .first()
    )
    if found is None:
        raise Http404("Участник не найден.")
    check(user, permission, found)
    return found


def appeal_for(*, user: Any, pk: int, permission: str = MANAGE) -> Appeal:
    found = (
        Appeal.objects.filter(
            participation__stage_subject__stage__season__in=seasons_visible_to(user=user), pk=pk
        )
        .filter(rows_q(user, "participation__"))
        .select_related("participation__student__school", "participation__stage_subject__subject")
        .first()
    )
    if found is None:
        raise Http404("Апелляция не найдена.")
    check(user, permission, found)
    return found


def appeals_of(*, user: Any, stage: Stage) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(participation__stage_subject__stage=stage)
        .filter(rows_q(user, "participation__"))
        .select_related(
            "participation__student__school", "participation__stage_subject__subject", "decided_by"
        )
        .prefetch_related("members")
        .order_by("-filed_on", "-pk")
    )
