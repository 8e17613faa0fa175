"""Reads of the jury's pages. Jury selectors read Work rows only (code, grade, scores): never Participation
or Student, so no page built from them can show a name or a school. The office's protocol with names
(`protocol_rows`) is a separate selector, used only by office pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from imo.olympiads.models import GradeSetting, JuryMember, Participation, StageSubject, Work
from imo.orgs.models import OFFICE_EDITOR_ROLES
from imo.orgs.selectors import paths_q, scope_paths


def _office_q(user: Any) -> Q:
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    return paths_q(scope_paths(user, OFFICE_EDITOR_ROLES), "stage__season__municipality__")


def _jury_q(user: Any) -> Q:
    return Q(jury__educator__user_id=getattr(user, "pk", None) or 0)


def _base() -> QuerySet[StageSubject]:
    return StageSubject.objects.select_related("subject", "stage", "stage__season__academic_year")


@dataclass(frozen=True)
class JurySubject:
    stage_subject: StageSubject
    is_member: bool
    is_chair: bool


def jury_subjects_for(*, user: Any) -> list[JurySubject]:
    """«Мои предметы»: the stage subjects where the user sits on the jury, then (office editors) the other
    subjects in their scope that have works or are being scored."""
    rows = {
        row.stage_subject_id: row.is_chair
        for row in JuryMember.objects.filter(educator__user_id=getattr(user, "pk", None) or 0).only(
            "stage_subject_id", "is_chair"
        )
    }
    condition = Q(pk__in=list(rows))
    if user.has_perm("olympiads.manage_scoring"):
        condition |= _office_q(user) & Q(online=False)
    subjects = _base().filter(condition).order_by("-stage__starts_on", "subject__order", "subject__name")
    return [JurySubject(s, s.pk in rows, rows.get(s.pk, False)) for s in subjects.distinct()]


def stage_subject_for_jury(*, user: Any, pk: int) -> JurySubject:
    """A stage subject the user may score: a jury member's, or in an office editor's scope; else 404."""
    member = (
        JuryMember.objects.filter(stage_subject_id=pk, educator__user_id=getattr(user, "pk", None) or 0)
        .only("is_chair")
        .first()
    )
    if member is not None:
        return JurySubject(_base().get(pk=pk), True, member.is_chair)
    if user.has_perm("olympiads.manage_scoring"):
        found = _base().filter(_office_q(user), pk=pk).first()
        if found is not None:
            return JurySubject(found, False, False)
    raise Http404


def stage_subject_for_office(*, user: Any, pk: int) -> StageSubject:
    found = _base().filter(_office_q(user), pk=pk).first()
    if found is None:
        raise Http404
    return found


def grade_settings(stage_subject: StageSubject) -> dict[int, GradeSetting]:
    return {s.grade: s for s in GradeSetting.objects.filter(stage_subject=stage_subject)}


def work_grades(stage_subject: StageSubject) -> list[int]:
    return sorted(set(Work.objects.filter(stage_subject=stage_subject).values_list("grade", flat=True)))


def works_for_jury(*, stage_subject: StageSubject, grade: int | None) -> QuerySet[Work]:
    """Works of the grid: Work fields only."""
    works = Work.objects.filter(stage_subject=stage_subject).only(
        "pk", "stage_subject_id", "code", "grade", "task_scores", "score", "absent"
    )
    if grade is not None:
        works = works.filter(grade=grade)
    return works.order_by("grade", "code")


def work_for_jury(*, stage_subject: StageSubject, pk: int) -> Work:
    work = works_for_jury(stage_subject=stage_subject, grade=None).filter(pk=pk).first()
    if work is None:
        raise Http404
    return work


@dataclass(frozen=True)
class Progress:
    total: int
    scored: int
    absent: int

    @property
    def waiting(self) -> int:
        return self.total - self.scored - self.absent


def scoring_progress(stage_subject: StageSubject) -> Progress:
    works = list(Work.objects.filter(stage_subject=stage_subject).values_list("score", "absent"))
    return Progress(
        total=len(works),
        scored=sum(1 for score, absent in works if not absent and score is not None),
        absent=sum(1 for _, absent in works if absent),
    )


def code_sheet_rows(stage_subject: StageSubject) -> QuerySet[Participation]:
    """Code ↔ student for the organisers (office only)."""
    return (
        Participation.objects.filter(stage_subject=stage_subject, work__isnull=False)
        .select_related("work", "student", "student__school")
        .order_by("grade", "work__code")
    )


PROTOCOL_SORTS = {
    "code": ("work__code",),
    "name": ("student__name_key", "pk"),
    "-score": ("-score", "student__name_key", "pk"),
    "grade": ("grade", "student__name_key", "pk"),
}


def protocol_rows(
    *, stage_subject: StageSubject, grade: int | None = None, search: str = "", sort: str = "grade"
) -> QuerySet[Participation]:
    """The protocol with names after the codes are matched (office only)."""
    from imo.core.text import fold

    rows = Participation.objects.filter(stage_subject=stage_subject, confirmed=True).select_related(
        "work", "student", "student__school"
    )
    if grade is not None:
        rows = rows.filter(grade=grade)
    if search:
        rows = rows.filter(Q(student__name_key__contains=fold(search)) | Q(work__code__icontains=search))
    return rows.order_by(*PROTOCOL_SORTS.get(sort, PROTOCOL_SORTS["grade"]))


def total_of(values: list[Decimal | None]) -> Decimal | None:
    if not values or any(value is None for value in values):
        return None
    return sum((v for v in values if v is not None), Decimal("0"))


def online_subjects_for_office(*, user: Any) -> QuerySet[StageSubject]:
    """Online («Сириус.Курсы») stage subjects in the office editor's scope, newest stage first."""
    return (
        _base()
        .filter(_office_q(user), online=True)
        .order_by("-stage__starts_on", "subject__order", "subject__name")
    )
