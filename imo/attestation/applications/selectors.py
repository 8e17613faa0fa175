"""Reads of the application pipeline: who sees which applications, the list with deadlines, one application
with its history, files and the educator's portfolio.

Scope: the office sees the applications of educators of the municipalities in its scope (or filed from an
organisation there); a school admin those filed from their school or of educators employed there now; a
teacher their own. Anything else answers 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from imo.attestation.deadlines import is_overdue, overdue_q, step_deadline
from imo.attestation.models import (
    Application,
    ApplicationEvent,
    ApplicationFile,
    AttestationSettings,
    ConformityAttestation,
    QualificationCategory,
)
from imo.core.access import check
from imo.core.portfolio import PortfolioEntry, portfolio_for
from imo.orgs.models import OFFICE_EDITOR_ROLES, OFFICE_ROLES, Role
from imo.orgs.selectors import paths_q, scope_paths
from imo.staff.models import Award, EducationRecord, Educator, Employment
from imo.staff.selectors import active_on, educators_visible_to

Status = Application.Status

__all__ = [
    "ApplicationDetail",
    "application_counts",
    "application_detail",
    "application_get_for",
    "application_list",
    "applications_visible_to",
    "educators_may_apply_for",
    "portfolio_of",
    "with_deadlines",
]


# --- scope ---------------------------------------------------------------------------------------------


def _employed_at(paths: list[str], on: dt.date) -> Exists:
    """The application's educator holds an employment in force on `on` in one of the subtrees `paths`."""
    return Exists(
        Employment.objects.filter(
            paths_q(paths, "organization__"), active_on(on), educator_id=OuterRef("educator_id")
        )
    )


def applications_visible_to(*, user: Any, on: dt.date | None = None) -> QuerySet[Application]:
    """Every application the user may see (before any filter of a page)."""
    queryset = Application.objects.filter(educator__erased_at__isnull=True).select_related(
        "educator", "educator__municipality", "position", "organization"
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    condition = Q(educator__user_id=user.pk)
    office = scope_paths(user, OFFICE_ROLES)
    if office:
        condition |= paths_q(office, "educator__municipality__") | paths_q(office, "organization__")
    schools = scope_paths(user, {Role.SCHOOL_ADMIN})
    if schools:
        condition |= paths_q(schools, "organization__") | Q(_employed_at(schools, on or timezone.localdate()))
    return queryset.filter(condition)


def application_get_for(
    *, user: Any, pk: int, permission: str = "attestation.view_application"
) -> Application:
    """The application if the user may see it (else 404) and holds `permission` on it (else 403)."""
    application = applications_visible_to(user=user).filter(pk=pk).first()
    if application is None:
        raise Http404("Заявление не найдено.")
    check(user, permission, application)
    return application


def educators_may_apply_for(*, user: Any, kind: str | None = None) -> QuerySet[Educator]:
    """Educators the user may start an application for: the office editors' scope, a school admin's
    school, a teacher's own record. For «педагог-методист» and «педагог-наставник» only holders of a
    highest category valid today."""
    today = timezone.localdate()
    queryset = educators_visible_to(user=user)
    if not user.is_superuser:
        condition = Q(user_id=user.pk)
        editors = scope_paths(user, OFFICE_EDITOR_ROLES)
        if editors:
            condition |= paths_q(editors, "municipality__")
        schools = scope_paths(user, {Role.SCHOOL_ADMIN})
        if schools:
            condition |= Q(
                Exists(
                    Employment.objects.filter(
                        paths_q(schools, "organization__"), active_on(today), educator_id=OuterRef("pk")
                    )
                )
            )
        queryset = queryset.filter(condition)
    if kind in (QualificationCategory.Kind.METHODIST, QualificationCategory.Kind.MENTOR):
        highest = QualificationCategory.objects.filter(
            educator_id=OuterRef("pk"), kind=QualificationCategory.Kind.HIGHEST, awarded_on__lte=today
        ).exclude(valid_until__lt=today)
        queryset = queryset.filter(Exists(highest))
    return queryset.select_related("municipality").order_by("last_name", "first_name", "patronymic", "pk")


# --- the list ------------------------------------------------------------------------------------------


def with_deadlines(
    queryset: QuerySet[Application], settings: AttestationSettings, on: dt.date
) -> QuerySet[Application]:
    """Annotate `deadline` (the last day of the current step, or None) and `overdue` (past it on `on`);
    the same rule as deadlines.step_deadline / overdue_q."""

    def plus(field_name: str, days: int) -> Any:
        return Cast(F(field_name) + dt.timedelta(days=days), DateField())

    return queryset.annotate(
        deadline=Case(
            When(
                status=Status.SUBMITTED,
                submitted_on__isnull=False,
                then=plus("submitted_on", settings.check_days),
            ),
            When(
                status=Status.FORWARDED,
                forwarded_on__isnull=False,
                then=plus("forwarded_on", settings.take_up_days),
            ),
            When(
                status=Status.ACCEPTED,
                forwarded_on__isnull=False,
                then=plus("forwarded_on", settings.total_days),
            ),
            default=Value(None, output_field=DateField()),
            output_field=DateField(),
        ),
        overdue=Case(
            When(overdue_q(settings, on), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def application_list(
    *,
    user: Any,
    status: str | None = None,
    kind: str | None = None,
    overdue: bool = False,
    query: str = "",
    on: dt.date | None = None,
    settings: AttestationSettings | None = None,
) -> QuerySet[Application]:
    """The applications the user sees, filtered, newest first, each with `deadline` and `overdue`."""
    on = on or timezone.localdate()
    settings = settings or AttestationSettings.current()
    queryset = applications_visible_to(user=user, on=on)
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if overdue:
        queryset = queryset.filter(overdue_q(settings, on))
    if query:
        from imo.staff.list_filters import search_words

        for word in search_words(query):
            queryset = queryset.filter(educator__search_text__contains=word)
    return with_deadlines(queryset, settings, on).order_by("-created_at", "-pk")


def application_counts(*, user: Any, on: dt.date | None = None) -> dict[str, int]:
    """How many applications the user sees, per status, plus "active" and "overdue" (two queries)."""
    on = on or timezone.localdate()
    settings = AttestationSettings.current()
    visible = applications_visible_to(user=user, on=on).select_related(None)
    counts = dict.fromkeys(Status.values, 0)
    rows = visible.order_by().values("status").annotate(total=Count("pk"))
    for row in rows:
        counts[row["status"]] = row["total"]
    counts["active"] = sum(counts[value] for value in Application.ACTIVE)
    counts["overdue"] = visible.filter(overdue_q(settings, on)).count()
    return counts


# --- one application ---------------------------------------------------------------------------------------


@dataclass
class ApplicationDetail:
    application: Application
    events: list[ApplicationEvent]
    files: list[ApplicationFile]
    deadline: dt.date | None
    overdue: bool
    portfolio: list[tuple[str, list[PortfolioEntry]]] = field(default_factory=list)
    settings: AttestationSettings | None = None


def application_detail(
    *, application: Application, on: dt.date | None = None, with_portfolio: bool = True
) -> ApplicationDetail:
    """The application's history (with who acted), files, the current step's deadline and the portfolio."""
    on = on or timezone.localdate()
    settings = AttestationSettings.current()
    events = list(application.events.select_related("by").order_by("at", "pk"))
    files = list(application.files.select_related("uploaded_by").order_by("created_at", "pk"))
    return ApplicationDetail(
        application=application,
        events=events,
        files=files,
        deadline=step_deadline(application, settings),
        overdue=is_overdue(application, settings, on),
        portfolio=portfolio_of(educator=application.educator) if with_portfolio else [],
        settings=settings,
    )


# --- the portfolio -----------------------------------------------------------------------------------------


def _education_entries(educator: Educator) -> list[PortfolioEntry]:
    section = "Образование"
    entries = []
    for record in EducationRecord.objects.filter(educator=educator).order_by("graduation_year", "pk"):
        title = ", ".join(part for part in (record.get_level_display(), record.institution) if part)
        details = [
            f"специальность «{record.speciality}»" if record.speciality else "",
            f"квалификация «{record.qualification}»" if record.qualification else "",
            f"год окончания {record.graduation_year}" if record.graduation_year else "",
            "педагогическое" if record.is_pedagogical else "",
        ]
        entries.append(PortfolioEntry(section, title, None, "; ".join(d for d in details if d)))
    return entries


def _award_entries(educator: Educator) -> list[PortfolioEntry]:
    section = "Награды и звания"
    return [
        PortfolioEntry(
            section,
            award.title,
            award.awarded_on,
            "; ".join(
                part
                for part in (
                    f"{award.get_kind_display()} награда",
                    f"приказ № {award.order_number}" if award.order_number else "",
                )
                if part
            ),
        )
        for award in Award.objects.filter(educator=educator).order_by("awarded_on", "pk")
    ]


def _category_entries(educator: Educator) -> list[PortfolioEntry]:
    section = "Квалификационные категории"
    today = timezone.localdate()
    entries = []
    for category in QualificationCategory.objects.filter(educator=educator).order_by("-awarded_on", "-pk"):
        details = []
        if category.order_number or category.order_date:
            order = f"приказ № {category.order_number}" if category.order_number else "приказ"
            if category.order_date:
                order += f" от {category.order_date:%d.%m.%Y}"
            details.append(order)
        if category.valid_until:
            details.append(f"действует до {category.valid_until:%d.%m.%Y}")
        else:
            details.append("бессрочно")
        details.append("действует" if category.is_valid_on(today) else "срок истёк")
        entries.append(
            PortfolioEntry(
                section, f"{category.get_kind_display()} категория", category.awarded_on, "; ".join(details)
            )
        )
    return entries


def _conformity_entries(educator: Educator) -> list[PortfolioEntry]:
    section = "Аттестация на соответствие занимаемой должности"
    entries = []
    for row in ConformityAttestation.objects.filter(educator=educator).order_by("-date", "-pk"):
        detail = f"приказ № {row.order_number}" if row.order_number else ""
        if row.order_date:
            detail += f" от {row.order_date:%d.%m.%Y}"
        entries.append(PortfolioEntry(section, row.get_result_display(), row.date, detail.strip()))
    return entries


def portfolio_of(*, educator: Educator) -> list[tuple[str, list[PortfolioEntry]]]:
    """The educator's portfolio: education, awards, categories, conformity attestations, then every source
    other apps registered in imo.core.portfolio. Only sections with something in them."""
    own = [
        ("Образование", _education_entries(educator)),
        ("Награды и звания", _award_entries(educator)),
        ("Квалификационные категории", _category_entries(educator)),
        ("Аттестация на соответствие занимаемой должности", _conformity_entries(educator)),
    ]
    return [(title, entries) for title, entries in own if entries] + portfolio_for(educator)
