"""Reads of the olympiad's settings, scoped: the office sees the seasons of its municipality (or of the
region below it), a school admin reads the seasons of the municipality their school belongs to. Anything
outside that answers 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from imo.core.access import check
from imo.olympiads.models import (
    AppealMember,
    CommitteeMember,
    GradeSetting,
    JuryMember,
    OlympiadSubject,
    Season,
    Stage,
    StageSubject,
)
from imo.orgs.models import OFFICE_EDITOR_ROLES, OFFICE_ROLES, Organization, Role
from imo.orgs.selectors import paths_q, scope_paths


def _ancestor_paths(path: str) -> list[str]:
    """ "000001/000002/000003/" → ["000001/", "000001/000002/", "000001/000002/000003/"]."""
    parts = [part for part in path.split("/") if part]
    return ["".join(f"{part}/" for part in parts[: n + 1]) for n in range(len(parts))]


def seasons_visible_to(*, user: Any) -> QuerySet[Season]:
    """Seasons the user may read: office roles — municipalities in their subtree; school admins — the
    municipality above their school."""
    queryset = Season.objects.select_related("municipality", "academic_year")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if user.is_superuser and user.is_active:
        return queryset
    condition = paths_q(scope_paths(user, OFFICE_ROLES), "municipality__")
    above_schools = [
        ancestor for path in scope_paths(user, {Role.SCHOOL_ADMIN}) for ancestor in _ancestor_paths(path)
    ]
    if above_schools:
        condition |= Q(municipality__path__in=above_schools)
    return queryset.filter(condition)


def season_get_for(*, user: Any, pk: int, permission: str) -> Season:
    season = seasons_visible_to(user=user).filter(pk=pk).first()
    if season is None:
        raise Http404("Олимпиада не найдена.")
    check(user, permission, season)
    return season


def season_rows(*, user: Any) -> QuerySet[Season]:
    """The seasons list: with the number of stages and stage subjects."""
    return seasons_visible_to(user=user).annotate(
        stage_count=Count("stages", distinct=True), subject_count=Count("stages__subjects", distinct=True)
    )


def stages_of(season: Season) -> list[Stage]:
    """A season's stages with their subjects (grade settings and jury prefetched) and committee."""
    return list(
        Stage.objects.filter(season=season)
        .order_by("starts_on", "pk")
        .prefetch_related(
            Prefetch(
                "subjects",
                queryset=StageSubject.objects.select_related("subject").prefetch_related(
                    "grade_settings",
                    Prefetch("jury", queryset=JuryMember.objects.select_related("educator")),
                ),
            ),
            Prefetch("committee", queryset=CommitteeMember.objects.select_related("educator")),
        )
    )


def stage_get_for(*, user: Any, pk: int, permission: str) -> Stage:
    stage = (
        Stage.objects.filter(season__in=seasons_visible_to(user=user))
        .select_related("season__municipality", "season__academic_year")
        .filter(pk=pk)
        .first()
    )
    if stage is None:
        raise Http404("Этап не найден.")
    check(user, permission, stage)
    return stage


def stage_subject_get_for(*, user: Any, pk: int, permission: str) -> StageSubject:
    """A stage subject in the user's seasons (else 404) on which the user holds `permission` (else 403)."""
    stage_subject = (
        StageSubject.objects.filter(stage__season__in=seasons_visible_to(user=user))
        .select_related("subject", "stage__season__municipality", "stage__season__academic_year")
        .filter(pk=pk)
        .first()
    )
    if stage_subject is None:
        raise Http404("Предмет этапа не найден.")
    check(user, permission, stage_subject)
    return stage_subject


def committee_member_get_for(*, user: Any, pk: int, permission: str) -> CommitteeMember:
    member = (
        CommitteeMember.objects.filter(stage__season__in=seasons_visible_to(user=user))
        .select_related("stage__season")
        .filter(pk=pk)
        .first()
    )
    if member is None:
        raise Http404("Член оргкомитета не найден.")
    check(user, permission, member)
    return member


def grade_settings_of(stage_subject: StageSubject) -> dict[int, GradeSetting]:
    return {setting.grade: setting for setting in stage_subject.grade_settings.all()}


def jury_of(stage_subject: StageSubject) -> list[JuryMember]:
    return list(stage_subject.jury.select_related("educator").order_by("-is_chair", "educator__last_name"))


def appeal_commission_of(stage_subject: StageSubject) -> list[AppealMember]:
    return list(
        stage_subject.appeal_commission.select_related("educator").order_by(
            "-is_chair", "educator__last_name"
        )
    )


def subjects_missing_from(stage: Stage) -> QuerySet[OlympiadSubject]:
    """Active subjects not yet on the stage (for «add a subject»)."""
    return OlympiadSubject.objects.filter(is_active=True).exclude(pk__in=stage.subjects.values("subject_id"))


def municipalities_for_seasons(*, user: Any) -> QuerySet[Organization]:
    """Municipalities where the user may start a season: where they are an office editor (at the
    municipality or above it)."""
    queryset = Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY).order_by("name")
    if user.is_superuser and user.is_active:
        return queryset
    return queryset.filter(paths_q(scope_paths(user, OFFICE_EDITOR_ROLES)))


def stage_subjects_for_export(season: Season) -> QuerySet[StageSubject]:
    return (
        StageSubject.objects.filter(stage__season=season)
        .select_related("subject", "stage")
        .prefetch_related(
            "grade_settings",
            Prefetch("jury", queryset=JuryMember.objects.select_related("educator")),
        )
        .order_by("stage__starts_on", "stage__pk", "subject__order", "subject__name")
    )
