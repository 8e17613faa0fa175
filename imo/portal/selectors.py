"""What the home pages show. Later modules add their counts here (this layer may read every app)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from imo.attestation import due
from imo.attestation.applications.selectors import application_counts, application_list
from imo.attestation.models import Application, QualificationCategory
from imo.core.text import russian_sort_key
from imo.mentorship.selectors import early_career_counts
from imo.orgs.models import Organization
from imo.orgs.selectors import (
    memberships_of,
    organization_counts_by_kind,
    users_count_in_scope,
)
from imo.portal.models import OfficeContacts
from imo.staff.selectors import educators_working_count
from imo.staff.statistics import statistics_scope


@dataclass(frozen=True)
class StatCard:
    label: str
    value: int
    url: str = ""


def office_cards(*, user: Any) -> list[StatCard]:
    """District (or region) counts for the office's and the observer's home page."""
    counts = organization_counts_by_kind(user=user)
    org_list = reverse("orgs:list")
    cards = [
        StatCard("Школы", counts.get(Organization.Kind.SCHOOL, 0), f"{org_list}?kind=school"),
        StatCard(
            "Детские сады", counts.get(Organization.Kind.KINDERGARTEN, 0), f"{org_list}?kind=kindergarten"
        ),
        StatCard(
            "Организации дополнительного образования",
            counts.get(Organization.Kind.ADDITIONAL_EDUCATION, 0),
            f"{org_list}?kind=additional_education",
        ),
    ]
    if counts.get(Organization.Kind.MUNICIPALITY, 0) > 1:
        cards.insert(0, StatCard("Муниципалитеты", counts[Organization.Kind.MUNICIPALITY]))
    cards.append(StatCard("Пользователи системы", users_count_in_scope(user=user)))
    if user.has_perm("staff.view_educator_list"):
        cards.insert(
            0, StatCard("Педагогические работники", educators_working_count(user=user), reverse("staff:list"))
        )
    if user.has_perm("mentorship.view_lists"):
        total, without = early_career_counts(user)
        early = reverse("mentorship:early_career")
        cards.insert(1, StatCard("Молодые специалисты", total, early))
        cards.insert(2, StatCard("Молодые специалисты без наставника", without, f"{early}?no_mentor=1"))
    return cards


def own_organizations(*, user: Any, roles: set[str]) -> list[Organization]:
    """Organisations where the user holds one of `roles` (a school admin's schools, a teacher's school)."""
    seen: dict[int, Organization] = {}
    for membership in memberships_of(user):
        if membership.role in roles:
            seen.setdefault(membership.organization.pk, membership.organization)
    return list(seen.values())


def public_offices() -> QuerySet[OfficeContacts]:
    return OfficeContacts.objects.select_related("municipality").order_by("municipality__path")


# --- attestation (issue #5, item 2: «Counts per school on the office's home page») ----------------------

#: Categories expiring within this many months are shown on the home pages (the due page offers 3/6/12).
EXPIRING_MONTHS = 3
TOP_SCHOOLS = 10
#: The lists the «по школам» table ranks organisations by: what the office must act on soon.
ACTION_KEYS = ("conformity", "expiring", "lapsed")


def due_url(**params: Any) -> str:
    """The due page («Аттестация: что требует внимания») on one list, for today, optionally one school."""
    query = urlencode([(key, value) for key, value in params.items() if value not in (None, "")])
    return f"{reverse('attestation:due')}?{query}" if query else reverse("attestation:due")


@dataclass(frozen=True)
class AttestationSchool:
    """One line of the «по школам» table: the counts of the lists that need action, with links."""

    organization_id: int
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """People on the action lists, counted once per list (someone can be on two)."""
        return sum(self.counts[key] for key in ACTION_KEYS)

    @property
    def url(self) -> str:
        first = next((key for key in ACTION_KEYS if self.counts[key]), ACTION_KEYS[0])
        return self.list_url(first)

    def list_url(self, key: str) -> str:
        months = EXPIRING_MONTHS if key == "expiring" else None
        return due_url(org=self.organization_id, list=key, months=months)

    @property
    def cells(self) -> list[tuple[int, str]]:
        return [(self.counts[key], self.list_url(key)) for key in ACTION_KEYS]


@dataclass(frozen=True)
class AttestationHome:
    """The «Аттестация» card of the office's and the school admin's home page.

    `cards` are the due lists' totals for the user's whole scope (the office's district, the school
    admin's school), each linking to its tab of the due page; `schools` the organisations with the most
    people on the action lists (office only). The application pipeline (issue #5, item 3) adds its
    counts as `application_cards` (e.g. «Заявления на проверке», «Просрочены шаги»): fill them in
    `attestation_home()` below; both home templates show them under the due cards."""

    cards: list[StatCard]
    schools: list[AttestationSchool]
    due_url: str
    on: dt.date
    application_cards: list[StatCard] = field(default_factory=list)


def attestation_home(
    *, user: Any, on: dt.date | None = None, top: int = TOP_SCHOOLS
) -> AttestationHome | None:
    """The due lists' totals and the top organisations, for today: one statement (due.due_summary, the
    due page's own), whatever the size of the district. None for a user who may not see the due page."""
    if not user.has_perm("attestation.view_due"):
        return None
    on = on or timezone.localdate()
    scope = statistics_scope(user=user)
    summary = due.due_summary(user=user, on=on, paths=scope.paths, months=EXPIRING_MONTHS)
    totals = summary.totals
    cards = [
        StatCard(
            "Аттестация на соответствие в этом учебном году", totals["conformity"], due_url(list="conformity")
        ),
        StatCard(
            f"Срок категории истекает в ближайшие {EXPIRING_MONTHS} месяца",
            totals["expiring"],
            due_url(list="expiring", months=EXPIRING_MONTHS),
        ),
        StatCard("Срок категории истёк", totals["lapsed"], due_url(list="lapsed")),
        StatCard("Могут претендовать на высшую категорию", totals["highest"], due_url(list="highest")),
        StatCard("Могут претендовать на «педагог-методист»", totals["methodist"], due_url(list="methodist")),
        StatCard("Могут претендовать на «педагог-наставник»", totals["mentor"], due_url(list="mentor")),
    ]
    schools = [AttestationSchool(s.organization_id, s.name, s.counts) for s in summary.schools]
    ranked = sorted(
        (s for s in schools if s.total), key=lambda s: (-s.total, russian_sort_key(s.name), s.organization_id)
    )
    return AttestationHome(
        cards=cards,
        schools=ranked[:top] if len(schools) > 1 else [],
        due_url=due_url(),
        on=on,
        application_cards=application_cards(user=user, on=on),
    )


def application_cards(*, user: Any, on: dt.date) -> list[StatCard]:
    """The applications for a category that wait for someone (two queries): the office's check, the
    educator's changes, the commission, and those past their step's deadline."""
    if not user.has_perm("attestation.view_applications"):
        return []
    counts = application_counts(user=user, on=on)
    url = reverse("attestation:applications")
    return [
        StatCard("Заявления на проверке в ИМО", counts["submitted"], f"{url}?status=submitted"),
        StatCard("Заявления возвращены на доработку", counts["returned"], f"{url}?status=returned"),
        StatCard("Заявления в аттестационной комиссии", counts["forwarded"] + counts["accepted"], url),
        StatCard("Просрочен шаг заявления", counts["overdue"], f"{url}?overdue=1"),
    ]


@dataclass(frozen=True)
class MyAttestation:
    """A teacher's own attestation on the home page: categories in force and applications still going."""

    categories: list[QualificationCategory]
    applications: list[Application]
    can_start: bool


def my_attestation(*, user: Any, educator: Any, on: dt.date | None = None) -> MyAttestation | None:
    """Two queries; None without an educator record."""
    if educator is None:
        return None
    on = on or timezone.localdate()
    in_force = [
        category
        for category in QualificationCategory.objects.filter(educator=educator, awarded_on__lte=on)
        if category.is_valid_on(on)
    ]
    applications = list(
        application_list(user=user, on=on).filter(educator=educator, status__in=Application.ACTIVE)
    )
    return MyAttestation(
        categories=in_force,
        applications=applications,
        can_start=user.has_perm("attestation.start_application", educator),
    )


# --- professional development (issue #6) ----------------------------------------------------------


@dataclass(frozen=True)
class TrainingHome:
    """The «Повышение квалификации» block of the office's and the school admin's home pages."""

    on: dt.date
    cards: list[StatCard]
    plan: dict[str, Any] | None
    compliance_url: str


def training_home(*, user: Any, on: dt.date | None = None) -> TrainingHome | None:
    """The three-year rule's figures, the records and list rows waiting for this user, the current
    training plan and the development plans; None for users who see none of them."""
    from imo.training.compliance.selectors import home_summary
    from imo.training.development.selectors import home_summary_for
    from imo.training.graduates.selectors import open_count_for
    from imo.training.plans.selectors import home_plan_for
    from imo.training.records.selectors import pending_count_for

    if not user.has_perm("training.view_compliance"):
        return None
    on = on or timezone.localdate()
    compliance = reverse("training:compliance")
    summary = home_summary(user=user, on=on)
    cards = [
        StatCard(
            "Без курсов повышения квалификации более 3 лет", summary["overdue"], f"{compliance}?tab=overdue"
        ),
        StatCard(
            "Срок подходит в этом учебном году", summary["due_this_year"], f"{compliance}?tab=due_this_year"
        ),
        StatCard("Прогноз на следующий учебный год", summary["forecast"], f"{compliance}?tab=forecast"),
    ]
    if user.has_perm("training.view_records"):
        cards.append(
            StatCard(
                "Курсы ждут подтверждения", pending_count_for(user=user), reverse("training:records_pending")
            )
        )
    if user.has_perm("training.resolve_graduates"):
        cards.append(
            StatCard(
                "Строки списков слушателей ждут сопоставления",
                open_count_for(user=user),
                reverse("training:pending_graduates"),
            )
        )
    development = home_summary_for(user=user, on=on)
    if development["active_plans"] is not None:
        plans = reverse("training:development_plans")
        cards.append(StatCard("Выполняется ИОМ", development["active_plans"], plans))
        cards.append(
            StatCard("ИОМ с просроченными пунктами", development["plans_with_overdue"], f"{plans}?overdue=1")
        )
    coverage = summary["coverage"]
    coverage_card = StatCard(
        f"Охват: прошли курсы за 3 года ({summary['working']} работающих)",
        round(coverage) if coverage is not None else 0,
        f"{compliance}?tab=coverage",
    )
    cards.insert(0, coverage_card)
    return TrainingHome(on=on, cards=cards, plan=home_plan_for(user=user), compliance_url=compliance)


@dataclass(frozen=True)
class MyTraining:
    """The teacher's «Моё повышение квалификации»: the last counting course, the due day, courses waiting
    for confirmation, the current development plan."""

    last_course_end: dt.date | None
    due: dt.date | None
    status: str
    status_label: str
    pending: int
    plan_id: int | None
    plan_progress: int | None
    plan_overdue: int
    profile_url: str


def my_training(*, user: Any, educator: Any, on: dt.date | None = None) -> MyTraining | None:
    from imo.training.compliance.selectors import educator_due
    from imo.training.development.selectors import home_summary_for
    from imo.training.models import CourseRecord

    if educator is None:
        return None
    on = on or timezone.localdate()
    due = educator_due(educator=educator, on=on)
    development = home_summary_for(user=user, on=on)
    pending = CourseRecord.objects.filter(educator=educator, status=CourseRecord.Status.PENDING).count()
    return MyTraining(
        last_course_end=due.last_course_end,
        due=due.due,
        status=due.status,
        status_label=due.status_label,
        pending=pending,
        plan_id=development["own_plan_id"],
        plan_progress=development["own_progress"],
        plan_overdue=development["own_overdue"],
        profile_url=reverse("staff:detail", args=[educator.pk]),
    )


# --- olympiads (issue #7) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StageLine:
    """One stage of the current season on a home page: its subjects, how far they are, participations."""

    label: str
    subjects: int
    scored: int
    published: int
    participations: int
    url: str


@dataclass(frozen=True)
class OlympiadsHome:
    title: str
    url: str
    stages: list[StageLine]
    consents_missing: int | None  # a school admin's students of the year without a parent's statement
    links: list[tuple[str, str]]


def olympiads_home(*, user: Any) -> OlympiadsHome | None:
    """The latest season the user sees, stage by stage; for a school admin their school's participations
    and the students still without a parent's statement. A fixed number of queries."""
    from django.db.models import Count, Q

    from imo.olympiads.models import Participation, Stage, StageSubject, Student
    from imo.olympiads.setup.selectors import seasons_visible_to
    from imo.orgs.models import Role
    from imo.orgs.selectors import has_role, paths_q, scope_paths

    if not user.has_perm("olympiads.view"):
        return None
    season = seasons_visible_to(user=user).order_by("-academic_year__start_year", "pk").first()
    if season is None:
        return None
    school_admin_only = has_role(user, {Role.SCHOOL_ADMIN}) and not user.has_perm("olympiads.manage")
    own = scope_paths(user, {Role.SCHOOL_ADMIN})
    schools = paths_q(own, "student__school__") if school_admin_only else Q()
    counts = {
        row["stage_subject__stage_id"]: row["n"]
        for row in Participation.objects.filter(schools, stage_subject__stage__season=season, confirmed=True)
        .values("stage_subject__stage_id")
        .annotate(n=Count("pk"))
    }
    progress = {
        row["stage_id"]: row
        for row in StageSubject.objects.filter(stage__season=season)
        .values("stage_id")
        .annotate(
            total=Count("pk"),
            scored=Count("pk", filter=Q(scoring_closed_at__isnull=False) | Q(ranked_at__isnull=False)),
            published=Count("pk", filter=Q(published_at__isnull=False)),
        )
    }
    season_url = reverse("olympiads:season_detail", args=[season.pk])
    stages = []
    for stage in Stage.objects.filter(season=season).order_by("starts_on", "pk"):
        row = progress.get(stage.pk, {})
        stages.append(
            StageLine(
                label=f"{stage.get_level_display().capitalize()} этап, "
                f"{stage.starts_on:%d.%m}–{stage.ends_on:%d.%m.%Y}",
                subjects=row.get("total", 0),
                scored=row.get("scored", 0),
                published=row.get("published", 0),
                participations=counts.get(stage.pk, 0),
                url=season_url,
            )
        )
    consents_missing = None
    links = [("Этапы и предметы", season_url), ("Участники", reverse("olympiads:participations"))]
    if school_admin_only:
        consents_missing = Student.objects.filter(
            paths_q(own, "school__"),
            academic_year=season.academic_year,
            consent__isnull=True,
        ).count()
        links = [
            ("Обучающиеся", reverse("olympiads:students")),
            ("Заявления родителей", reverse("olympiads:consents")),
            ("Регистрация участников", reverse("olympiads:registration")),
            ("Участники", reverse("olympiads:participations")),
        ]
    else:
        links.append(("Результаты и рейтинг", reverse("olympiads:ranking_index")))
        links.append(("Аналитика", reverse("olympiads:analytics")))
    return OlympiadsHome(str(season), season_url, stages, consents_missing, links)


def jury_home(*, user: Any) -> list[Any]:
    """A teacher's jury duties: the stage subjects where their educator record sits on the jury."""
    from imo.olympiads.scoring.selectors import jury_subjects_for

    if not user.has_perm("olympiads.jury_pages"):
        return []
    return [row for row in jury_subjects_for(user=user) if row.is_member]
