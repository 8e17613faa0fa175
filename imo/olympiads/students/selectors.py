"""Reads of olympiads/students: who sees which students, consents and enrolment (scoped, fixed queries).

Office members see the schools of their municipalities; a school admin sees their own school only; another
school's student answers 404. Writes (olympiads.register) are allowed in the schools where the user is an
office editor or the school admin.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from imo.olympiads.models import Enrolment, Stage, Student, StudentConsent
from imo.orgs.models import OFFICE_EDITOR_ROLES, Organization, Role
from imo.orgs.selectors import ORGANIZATION_VIEWER_ROLES, paths_q, scope_paths
from imo.reference.models import AcademicYear
from imo.reference.selectors import academic_year_current

WRITER_ROLES = frozenset(OFFICE_EDITOR_ROLES | {Role.SCHOOL_ADMIN})


def _is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def _school_q(user: Any, *, write: bool, prefix: str = "school__") -> Q:
    if _is_superuser(user):
        return Q()
    return paths_q(scope_paths(user, WRITER_ROLES if write else ORGANIZATION_VIEWER_ROLES), prefix)


def publication_allowed_q() -> Q:
    """On Participation: the parent allowed publication (olympiads.md, 6). Without it a student never
    appears by name on a public page."""
    return Q(student__consent__publication_allowed=True)


def schools_visible_to(*, user: Any, write: bool = False) -> QuerySet[Organization]:
    """The schools whose students the user may see (or, with `write`, register)."""
    return (
        Organization.objects.filter(kind=Organization.Kind.SCHOOL, status=Organization.Status.ACTIVE)
        .filter(_school_q(user, write=write, prefix=""))
        .order_by("short_name", "pk")
    )


def school_get_for(*, user: Any, pk: int | str | None, write: bool = False) -> Organization:
    school = schools_visible_to(user=user, write=write).filter(pk=pk).first() if pk else None
    if school is None:
        raise Http404("Школа не найдена.")
    return school


def students_visible_to(*, user: Any, academic_year: AcademicYear | int | None) -> QuerySet[Student]:
    """The students of the year in the user's schools, with the school and the consent (one query)."""
    rows = Student.objects.select_related("school", "consent", "academic_year").filter(
        _school_q(user, write=False)
    )
    if academic_year is not None:
        rows = rows.filter(academic_year=academic_year)
    return rows.order_by("name_key", "pk")


def student_get_for(*, user: Any, pk: int, write: bool = False) -> Student:
    """The student if the user may see it (or register in its school, with `write`); else 404."""
    student = (
        Student.objects.select_related("school", "consent", "academic_year")
        .filter(_school_q(user, write=write))
        .filter(pk=pk)
        .first()
    )
    if student is None:
        raise Http404("Обучающийся не найден.")
    return student


def consent_of(student: Student) -> StudentConsent | None:
    """The student's statement for the year, or None (read with select_related("consent"))."""
    try:
        return student.consent
    except ObjectDoesNotExist:
        return None


def academic_years() -> list[AcademicYear]:
    return list(AcademicYear.objects.order_by("-start_year"))


def academic_year_from(request: HttpRequest) -> AcademicYear | None:
    """The year chosen with ?year=<start year>, else the current one, else the latest."""
    wanted = request.GET.get("year") or request.POST.get("year") or ""
    if wanted.isdecimal():
        year = AcademicYear.objects.filter(start_year=int(wanted)).first()
        if year is not None:
            return year
    return academic_year_current() or AcademicYear.objects.order_by("-start_year").first()


def school_stage_of(*, school: Organization, academic_year: AcademicYear | None) -> Stage | None:
    """The school stage of the season of the school's municipality in the year, if set up."""
    if academic_year is None or school.parent_id is None:
        return None
    return (
        Stage.objects.select_related("season")
        .filter(
            level=Stage.Level.SCHOOL,
            season__academic_year=academic_year,
            season__municipality_id=school.parent_id,
        )
        .first()
    )


def school_stages_by_municipality(*, academic_year: AcademicYear | None) -> dict[int, Stage]:
    if academic_year is None:
        return {}
    return {
        stage.season.municipality_id: stage
        for stage in Stage.objects.select_related("season").filter(
            level=Stage.Level.SCHOOL, season__academic_year=academic_year
        )
    }


def enrolment_grid(
    *, schools: list[Organization], academic_year: AcademicYear | None
) -> dict[int, dict[int, int]]:
    """{school id: {grade: students}} for the year (one query)."""
    grid: dict[int, dict[int, int]] = {school.pk: {} for school in schools}
    if academic_year is None:
        return grid
    for row in Enrolment.objects.filter(academic_year=academic_year, school__in=schools):
        grid.setdefault(row.school_id, {})[row.grade] = row.students
    return grid
