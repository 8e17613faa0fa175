"""Reads of olympiad results: the office's stage subjects, the public results (one statement for the
rows; names only with consent), the published index and diploma verification."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, CharField, Q, QuerySet, Value, When
from django.http import Http404

from imo.core.access import check
from imo.olympiads.models import Certificate, Participation, StageSubject
from imo.orgs.models import OFFICE_ROLES
from imo.orgs.selectors import paths_q, scope_paths

AWARDED = (Participation.Status.WINNER, Participation.Status.PRIZE_WINNER)
RANKED = (*AWARDED, Participation.Status.PARTICIPANT)


def publication_allowed_q() -> Q:
    """Participations whose student's parents allowed publishing the results (the students part's
    selector when it exists, the same condition otherwise)."""
    try:
        from imo.olympiads.students.selectors import publication_allowed_q as students_q
    except ImportError:
        return Q(student__consent__publication_allowed=True)
    return students_q()


def _stage_subjects() -> QuerySet[StageSubject]:
    return StageSubject.objects.select_related(
        "subject", "stage__season__municipality", "stage__season__academic_year"
    )


def stage_subjects_for_office(*, user: Any) -> QuerySet[StageSubject]:
    """Stage subjects of the seasons of the user's municipalities (the office's scope)."""
    queryset = _stage_subjects()
    if getattr(user, "is_superuser", False):
        return queryset
    return queryset.filter(paths_q(scope_paths(user, OFFICE_ROLES), "stage__season__municipality__"))


def office_scope_key(user: Any) -> tuple[str, ...]:
    """What decides stage_subjects_for_office(user=user): the key of a page kept for everyone in it."""
    if getattr(user, "is_superuser", False):
        return ("*",)
    return tuple(scope_paths(user, OFFICE_ROLES))


def stage_subject_for_office(*, user: Any, pk: int, permission: str) -> StageSubject:
    """One stage subject for the office; outside the user's scope → 404."""
    check(user, permission)
    try:
        return stage_subjects_for_office(user=user).get(pk=pk)
    except StageSubject.DoesNotExist:
        raise Http404("Предмет этапа не найден.") from None


def public_stage_subject(*, pk: int) -> StageSubject:
    """A stage subject whose results are published; otherwise 404 (for everyone: this is the public view)."""
    try:
        return _stage_subjects().get(pk=pk, published_at__isnull=False)
    except StageSubject.DoesNotExist:
        raise Http404("Результаты не опубликованы.") from None


def public_stage_subject_latest(*, municipality_id: int, subject_id: int) -> StageSubject:
    """The latest published stage subject of a subject in a municipality (a stable public address)."""
    found = (
        _stage_subjects()
        .filter(
            stage__season__municipality_id=municipality_id,
            subject_id=subject_id,
            published_at__isnull=False,
        )
        .order_by("-stage__season__academic_year__start_year", "-stage__starts_on", "-pk")
        .first()
    )
    if found is None:
        raise Http404("Результаты не опубликованы.")
    return found


def public_participations(
    *, stage_subject: StageSubject, grade: int | None = None
) -> QuerySet[Participation]:
    """The published participations of a stage subject (with a result), optionally of one grade; counting
    these needs no join."""
    queryset = Participation.objects.filter(stage_subject=stage_subject, status__in=RANKED)
    return queryset if grade is None else queryset.filter(grade=grade)


def public_rows(*, stage_subject: StageSubject, grade: int | None = None) -> QuerySet[Participation, Any]:
    """The published table in one statement: grade, rank, name (only with consent) or public code,
    school, score, status. Names of students without consent are not even read from the database."""
    allowed = publication_allowed_q()

    def name_part(field: str) -> Case:
        return Case(When(allowed, then=f"student__{field}"), default=Value(""), output_field=CharField())

    return (
        public_participations(stage_subject=stage_subject, grade=grade)
        .order_by("grade", "rank", "student__name_key", "pk")
        .values(
            "pk",
            "grade",
            "rank",
            "score",
            "status",
            "public_code",
            "student__school__short_name",
            "student__school__name",
            allowed=Case(When(allowed, then=Value(True)), default=Value(False), output_field=BooleanField()),
            last_name=name_part("last_name"),
            first_name=name_part("first_name"),
            patronymic=name_part("patronymic"),
        )
    )


def short_name(last_name: str, first_name: str, patronymic: str) -> str:
    initials = " ".join(f"{part[0]}." for part in (first_name, patronymic) if part)
    return f"{last_name} {initials}".strip()


def public_name(row: dict[str, Any]) -> str:
    """What the public sees for a row of `public_rows`: «Иванова М. П.» or the code «У-0417»."""
    if row["allowed"] and row["last_name"]:
        return short_name(row["last_name"], row["first_name"], row["patronymic"])
    return str(row["public_code"] or "—")


def published_index() -> QuerySet[StageSubject]:
    """Every published stage subject, newest year first, then municipality, stage and subject order."""
    return (
        _stage_subjects()
        .filter(published_at__isnull=False)
        .order_by(
            "-stage__season__academic_year__start_year",
            "stage__season__municipality__name",
            "stage__starts_on",
            "subject__order",
            "subject__name",
        )
    )


def office_rows(*, stage_subject: StageSubject) -> QuerySet[Participation]:
    """Ranked participations with full names and schools, for the office's documents and Excel."""
    return (
        Participation.objects.filter(stage_subject=stage_subject, status__in=RANKED)
        .select_related("student__school", "work", "student__consent")
        .order_by("grade", "rank", "student__name_key", "pk")
    )


@dataclass(frozen=True)
class CertificateCheck:
    certificate: Certificate
    holder: str  # surname and initials with consent, the public code otherwise
    subject: str
    stage: str
    year: str


def certificate_check(*, token: str) -> CertificateCheck | None:
    """The diploma with this verification token, with no more personal data than the published results."""
    certificate = (
        Certificate.objects.filter(token=token)
        .select_related(
            "participation__student__consent",
            "participation__stage_subject__subject",
            "participation__stage_subject__stage__season__academic_year",
        )
        .first()
    )
    if certificate is None:
        return None
    participation = certificate.participation
    student = participation.student
    consent = getattr(student, "consent", None)
    holder = (
        student.short_name
        if consent is not None and consent.publication_allowed
        else participation.public_code or "—"
    )
    stage_subject = participation.stage_subject
    stage = stage_subject.stage
    return CertificateCheck(
        certificate=certificate,
        holder=holder,
        subject=stage_subject.subject.name,
        stage=f"{stage.get_level_display()} этап",
        year=stage.season.academic_year.name,
    )
