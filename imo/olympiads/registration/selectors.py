"""Reads of the registration part: the stages a user may register for, a school's students and educators,
the participation lists (office: the municipality; school admin: their own school)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from imo.olympiads.models import Participation, Season, Stage, StageSubject, Student
from imo.orgs.models import OFFICE_ROLES, Organization, Role
from imo.orgs.selectors import paths_q, scope_paths
from imo.staff.models import Educator
from imo.staff.selectors import employed_in


def _paths(user: Any) -> tuple[list[str] | None, list[str]]:
    """(office paths or None for a superuser, school-admin paths)."""
    if getattr(user, "is_superuser", False):
        return None, []
    return scope_paths(user, OFFICE_ROLES), scope_paths(user, {Role.SCHOOL_ADMIN})


def seasons_in_scope(*, user: Any) -> QuerySet[Season]:
    """Seasons of the municipalities the user works in (a school admin: their school's municipality)."""
    office, schools = _paths(user)
    queryset = Season.objects.select_related("academic_year", "municipality")
    if office is None:
        return queryset
    condition = paths_q(office, "municipality__") if office else Q(pk__in=[])
    for path in schools:
        # the municipality is an ancestor of the school: its path is a prefix of the school's
        prefixes = [path[:end] for end in range(1, len(path) + 1)]
        condition |= Q(municipality__path__in=prefixes)
    return queryset.filter(condition)


def stages_visible_to(*, user: Any) -> list[Stage]:
    """Stages of the user's seasons, the newest season first (the first one is the current season's)."""
    return list(
        Stage.objects.filter(season__in=seasons_in_scope(user=user))
        .select_related("season__academic_year", "season__municipality")
        .order_by("-season__academic_year__start_year", "starts_on", "pk")
    )


def stage_get_for(*, user: Any, pk: int) -> Stage:
    stage = next((s for s in stages_visible_to(user=user) if s.pk == pk), None)
    if stage is None:
        raise Http404("Этап не найден.")
    return stage


def stage_subjects_of(stage: Stage) -> list[StageSubject]:
    return list(stage.subjects.select_related("subject").order_by("subject__order", "subject__name"))


def schools_of_user(*, user: Any, stage: Stage) -> QuerySet[Organization]:
    """Schools the user may register students of at this stage: a school admin's own; the office's all
    schools of the season's municipality."""
    queryset = Organization.objects.filter(path__startswith=stage.season.municipality.path).exclude(
        pk=stage.season.municipality_id
    )
    office, schools = _paths(user)
    if office is None or any(stage.season.municipality.path.startswith(p) for p in office):
        return queryset.filter(kind=Organization.Kind.SCHOOL).order_by("short_name", "pk")
    return queryset.filter(paths_q(schools)).order_by("short_name", "pk") if schools else queryset.none()


def school_get_for(*, user: Any, stage: Stage, pk: int) -> Organization:
    school = schools_of_user(user=user, stage=stage).filter(pk=pk).first()
    if school is None:
        raise Http404("Школа не найдена.")
    return school


def school_students(*, stage: Stage, school: Organization) -> QuerySet[Student]:
    return Student.objects.filter(academic_year_id=stage.season.academic_year_id, school=school).order_by(
        "name_key", "pk"
    )


def student_get_for(*, user: Any, stage: Stage, pk: int) -> Student:
    """A student of a school the user may register (else 404: never another school's child)."""
    student = (
        Student.objects.filter(
            pk=pk,
            academic_year_id=stage.season.academic_year_id,
            school__in=schools_of_user(user=user, stage=stage),
        )
        .select_related("school")
        .first()
    )
    if student is None:
        raise Http404("Обучающийся не найден.")
    return student


def school_educators(school: Organization) -> QuerySet[Educator]:
    """The educators working at the school now (a school has fewer than a hundred)."""
    return (
        Educator.objects.filter(employed_in([school.path], on=timezone.localdate()))
        .filter(erased_at__isnull=True)
        .order_by("name_key", "pk")
    )


def participations_visible_to(*, user: Any) -> QuerySet[Participation]:
    """Participations in the user's seasons; a school admin sees only their school's."""
    office, schools = _paths(user)
    queryset = Participation.objects.filter(stage_subject__stage__season__in=seasons_in_scope(user=user))
    if office is not None and not office:
        queryset = queryset.filter(paths_q(schools, "student__school__")) if schools else queryset.none()
    return queryset.select_related(
        "student__school", "stage_subject__subject", "stage_subject__stage__season__academic_year"
    ).prefetch_related(Prefetch("teachers", queryset=Educator.objects.order_by("name_key")))


def participation_get_for(*, user: Any, pk: int) -> Participation:
    participation = participations_visible_to(user=user).filter(pk=pk).first()
    if participation is None:
        raise Http404("Участие не найдено.")
    return participation


def registered_for(*, stage_subject: StageSubject, school: Organization) -> dict[int, Participation]:
    """The school's participations in a stage subject by student id."""
    rows = (
        Participation.objects.filter(stage_subject=stage_subject, student__school=school)
        .select_related("student")
        .prefetch_related(Prefetch("teachers", queryset=Educator.objects.order_by("name_key")))
    )
    return {row.student_id: row for row in rows}


def school_stage_grades(*, stage_subject: StageSubject, student_ids: list[int]) -> dict[int, int]:
    """At the municipal stage: the grade each student performed at this season's school stage in the same
    subject (olympiads.md, 3: they keep it)."""
    stage = stage_subject.stage
    if stage.level != Stage.Level.MUNICIPAL:
        return {}
    rows = Participation.objects.filter(
        stage_subject__stage__season_id=stage.season_id,
        stage_subject__stage__level=Stage.Level.SCHOOL,
        stage_subject__subject_id=stage_subject.subject_id,
        student_id__in=student_ids,
    ).values_list("student_id", "grade")
    return dict(rows)
