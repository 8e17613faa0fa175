"""Demo applications for a qualification category (issue #5, item 8): about sixty applications of the demo
district at every step of the pipeline — drafts, on the office's check (some past the deadline), returned
with the methodist's remarks, forwarded to the commission, accepted, awarded (the category recorded through
category_save), refused and withdrawn — with their history and comments in Russian and a few portfolio files.

Everything goes through the services (the same checks as the pages); the history's dates are then moved to
the days the steps happened. Runs after imo.attestation.demo.seed (it reads the categories): методист and
наставник only for holders of a valid highest category. Deterministic for a given rng and date.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from imo.attestation.applications import services
from imo.attestation.deadlines import is_overdue
from imo.attestation.models import (
    Application,
    ApplicationEvent,
    AttestationSettings,
    QualificationCategory,
)
from imo.orgs.models import Membership, Organization, Role
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on

Status = Application.Status
Kind = QualificationCategory.Kind

#: How many applications of each status (60 in all).
PLAN: tuple[tuple[str, int], ...] = (
    (Status.DRAFT, 8),
    (Status.SUBMITTED, 10),
    (Status.RETURNED, 6),
    (Status.FORWARDED, 8),
    (Status.ACCEPTED, 8),
    (Status.AWARDED, 10),
    (Status.REFUSED, 4),
    (Status.WITHDRAWN, 6),
)
NOTES = (
    "Прошу провести аттестацию в мой отпуск по графику.",
    "Прошу рассмотреть заявление по упрощённой процедуре: имею ведомственную награду.",
    "Результаты обучающихся за последние пять лет приложены.",
    "",
    "",
)
RETURN_REMARKS = (
    "Нет справки о результатах освоения обучающимися образовательных программ. Приложите, пожалуйста.",
    "Копия диплома нечитаема, загрузите скан лучшего качества.",
    "В заявлении не указан стаж в должности. Исправьте и передайте снова.",
    "Не приложены сведения о повышении квалификации за последние три года.",
    "Характеристика не подписана директором.",
)
OFFICE_COMMENTS = (
    "Документы проверены, замечаний нет.",
    "Проверено. Портфолио полное.",
    "Заявление готово к направлению в комиссию.",
)
EDUCATOR_COMMENTS = (
    "Исправила, прикладываю справку.",
    "Документы дополнены.",
    "Загрузила новый скан диплома.",
)
WITHDRAW_REASONS = (
    "Переход на другую работу.",
    "Отпуск по уходу за ребёнком, подам заявление позже.",
    "Решила подать заявление в следующем учебном году.",
)
REFUSE_REASONS = (
    "Результаты профессиональной деятельности не соответствуют требованиям к высшей категории.",
    "Недостаточно результатов участия обучающихся в олимпиадах и конкурсах.",
)
FILE_TITLES = (
    "Заявление на аттестацию",
    "Копия диплома об образовании",
    "Справка о результатах обучающихся",
    "Удостоверение о повышении квалификации",
    "Характеристика, подписанная директором",
    "Грамота Министерства образования и науки ЧР",
)


@dataclass
class DemoApplications:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    categories: int = 0
    files: int = 0


def demo_pdf(title: str) -> bytes:
    """A small valid one-page PDF (so a downloaded demo file opens)."""
    text = title.encode("ascii", "replace").decode()
    stream = f"BT /F1 14 Tf 72 760 Td (IMO demo: {text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# --- who is who ------------------------------------------------------------------------------------------


@dataclass
class _People:
    """The demo users who act: the office's methodists per municipality, school admins per school."""

    office: dict[int, list[Any]]
    schools: dict[int, Any]

    @classmethod
    def load(cls) -> _People:
        office: dict[int, list[Any]] = {}
        schools: dict[int, Any] = {}
        rows = Membership.objects.filter(
            role__in=[Role.METHODIST, Role.HEAD, Role.SECRETARY, Role.SCHOOL_ADMIN]
        ).select_related("user")
        for membership in rows.order_by("pk"):
            if membership.role == Role.SCHOOL_ADMIN:
                schools.setdefault(membership.organization_id, membership.user)
            else:
                office.setdefault(membership.organization_id, []).append(membership.user)
        return cls(office, schools)

    def methodist(self, rng: random.Random, municipality_id: int) -> Any:
        users = self.office.get(municipality_id) or [u for group in self.office.values() for u in group]
        return rng.choice(users) if users else None

    def starter(self, educator: Educator, organization_id: int | None) -> Any:
        if educator.user is not None:
            return educator.user
        return self.schools.get(organization_id) if organization_id else None


# --- the candidates -----------------------------------------------------------------------------------------


def _demo_municipality() -> Organization | None:
    """The demo district: the first municipality (by creation) with working educators."""
    working = Employment.objects.filter(active_on(timezone.localdate())).values("educator__municipality_id")
    return (
        Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY, pk__in=working)
        .order_by("pk")
        .first()
    )


def _candidates(
    rng: random.Random, today: dt.date, municipality: Organization | None
) -> dict[str, list[int]]:
    """Educators by the category they may sensibly apply for: first (no category now), highest (a first
    now), методист / наставник (a highest valid today)."""
    working = Employment.objects.filter(active_on(today), educator__erased_at__isnull=True)
    if municipality is not None:
        working = working.filter(educator__municipality=municipality)
    ids = sorted(set(working.values_list("educator_id", flat=True)))
    valid = (
        QualificationCategory.objects.filter(educator_id__in=ids, awarded_on__lte=today)
        .exclude(valid_until__lt=today)
        .values_list("educator_id", "kind", "awarded_on")
    )
    holds: dict[int, set[str]] = {}
    highest_since: dict[int, dt.date] = {}
    for educator_id, kind, awarded_on in valid:
        holds.setdefault(educator_id, set()).add(kind)
        if kind == Kind.HIGHEST:
            highest_since[educator_id] = min(awarded_on, highest_since.get(educator_id, awarded_on))
    busy = set(
        Application.objects.filter(status__in=Application.ACTIVE).values_list("educator_id", flat=True)
    )
    groups: dict[str, list[int]] = {"first": [], "highest": [], "extra": []}
    for educator_id in ids:
        if educator_id in busy:
            continue
        kinds = holds.get(educator_id, set())
        if Kind.HIGHEST in kinds:
            # methodist / mentor only when the highest is old enough to cover the decisions' dates
            if highest_since[educator_id] <= today - dt.timedelta(days=400) and not kinds & {
                Kind.METHODIST,
                Kind.MENTOR,
            }:
                groups["extra"].append(educator_id)
        elif Kind.FIRST in kinds:
            groups["highest"].append(educator_id)
        else:
            groups["first"].append(educator_id)
    for values in groups.values():
        rng.shuffle(values)
    return groups


def _pick_kind(rng: random.Random, groups: dict[str, list[int]]) -> tuple[str, int] | None:
    draw = rng.random()
    order = (
        ["extra", "highest", "first"]
        if draw < 0.15
        else ["highest", "first"]
        if draw < 0.5
        else ["first", "highest"]
    )
    for group in [*order, "first", "highest", "extra"]:
        if groups[group]:
            educator_id = groups[group].pop()
            if group == "extra":
                return rng.choice((Kind.METHODIST, Kind.MENTOR)), educator_id
            return (Kind.FIRST if group == "first" else Kind.HIGHEST), educator_id
    return None


# --- one application's story ------------------------------------------------------------------------


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59))))


@dataclass
class _Story:
    """The days of the steps for a target status (counted back from today)."""

    created: dt.date
    submitted: dt.date | None = None
    returned: dt.date | None = None
    forwarded: dt.date | None = None
    accepted: dt.date | None = None
    decided: dt.date | None = None
    withdrawn: dt.date | None = None


def _story(
    rng: random.Random, status: str, today: dt.date, settings: AttestationSettings, late: bool
) -> _Story:
    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    if status == Status.DRAFT:
        return _Story(created=ago(rng.randint(0, 25)))
    if status == Status.SUBMITTED:
        days = (
            rng.randint(settings.check_days + 1, settings.check_days + 20)
            if late
            else rng.randint(0, settings.check_days - 1)
        )
        return _Story(created=ago(days + rng.randint(1, 15)), submitted=ago(days))
    if status == Status.RETURNED:
        submitted = rng.randint(4, 30)
        return _Story(
            created=ago(submitted + rng.randint(1, 10)),
            submitted=ago(submitted),
            returned=ago(submitted - rng.randint(1, 3)),
        )
    if status == Status.WITHDRAWN:
        created = rng.randint(10, 120)
        handed_in = created - rng.randint(1, 5) if rng.random() < 0.5 else None
        return _Story(
            created=ago(created),
            submitted=ago(handed_in) if handed_in else None,
            withdrawn=ago(rng.randint(0, (handed_in or created) - 1)),
        )
    if status == Status.FORWARDED:
        forwarded = (
            rng.randint(settings.take_up_days + 1, settings.take_up_days + 15)
            if late
            else rng.randint(0, settings.take_up_days - 1)
        )
    elif status == Status.ACCEPTED:
        forwarded = (
            rng.randint(settings.total_days + 1, settings.total_days + 20)
            if late
            else rng.randint(settings.take_up_days, settings.total_days - 1)
        )
    else:  # awarded, refused
        forwarded = rng.randint(settings.total_days + 10, 330)
    submitted = forwarded + rng.randint(2, settings.check_days)
    story = _Story(
        created=ago(submitted + rng.randint(1, 20)), submitted=ago(submitted), forwarded=ago(forwarded)
    )
    if status in (Status.ACCEPTED, Status.AWARDED, Status.REFUSED):
        story.accepted = ago(forwarded - rng.randint(3, min(25, forwarded)))
    if status in (Status.AWARDED, Status.REFUSED):
        story.decided = ago(forwarded - rng.randint(35, settings.total_days - 2))
    return story


def _tell(
    rng: random.Random,
    *,
    educator: Educator,
    kind: str,
    status: str,
    story: _Story,
    people: _People,
    today: dt.date,
) -> tuple[Application, list[dt.datetime], int]:
    """Run the services along the story; (application, the moment of every event in order, files added)."""
    moments: list[dt.datetime] = []
    files = 0
    office = people.methodist(rng, educator.municipality_id)
    employment = services.current_main_employment(educator, today)
    starter = people.starter(educator, employment.organization_id if employment else None) or office

    def stamp(day: dt.date) -> None:
        """The step's moment: a working hour of `day`, never before the previous step."""
        moment = _moment(rng, day)
        if moments and moment <= moments[-1]:
            moment = moments[-1] + dt.timedelta(minutes=rng.randint(1, 40))
        moments.append(moment)

    def step(day: dt.date, call: Callable[[], Any]) -> Any:
        result = call()
        stamp(day)
        return result

    application = step(
        story.created,
        lambda: services.application_start(
            educator=educator,
            kind=kind,
            by=starter,
            simplified=rng.random() < 0.15,
            note=rng.choice(NOTES),
            today=today,
        ),
    )
    if status != Status.DRAFT or rng.random() < 0.6:
        for title in rng.sample(FILE_TITLES, k=rng.randint(1 if status == Status.DRAFT else 2, 4)):
            upload = ContentFile(demo_pdf(title), name="document.pdf")
            services.application_file_add(application=application, by=starter, title=title, file=upload)
            stamp(story.created)
            files += 1
    if story.submitted and story.returned:  # returned and waiting for the educator
        submitted, returned = story.submitted, story.returned
        step(
            submitted,
            lambda: services.application_submit(application=application, by=starter, today=submitted),
        )
        step(
            returned,
            lambda: services.application_return(
                application=application, by=office, comment=rng.choice(RETURN_REMARKS)
            ),
        )
    elif story.submitted:
        submitted = story.submitted
        first = submitted - dt.timedelta(days=rng.randint(4, 10))
        if (
            status != Status.WITHDRAWN and first > story.created and rng.random() < 0.25
        ):  # one round of remarks
            back = first + dt.timedelta(days=rng.randint(1, 3))
            step(first, lambda: services.application_submit(application=application, by=starter, today=first))
            step(
                back,
                lambda: services.application_return(
                    application=application, by=office, comment=rng.choice(RETURN_REMARKS)
                ),
            )
            step(
                submitted,
                lambda: services.application_comment(
                    application=application, by=starter, comment=rng.choice(EDUCATOR_COMMENTS)
                ),
            )
        step(
            submitted,
            lambda: services.application_submit(application=application, by=starter, today=submitted),
        )
    if story.forwarded:
        forwarded = story.forwarded
        if rng.random() < 0.5:
            step(
                forwarded,
                lambda: services.application_comment(
                    application=application, by=office, comment=rng.choice(OFFICE_COMMENTS)
                ),
            )
        number = f"01-15/{rng.randint(100, 999)}"
        step(
            forwarded,
            lambda: services.application_forward(
                application=application, by=office, letter_number=number, forwarded_on=forwarded, today=today
            ),
        )
    if story.accepted:
        accepted = story.accepted
        step(
            accepted,
            lambda: services.application_accept(
                application=application, by=office, accepted_on=accepted, today=today
            ),
        )
    if story.decided:
        decided = story.decided
        awarded = status == Status.AWARDED
        step(
            decided,
            lambda: services.application_decide(
                application=application,
                by=office,
                awarded=awarded,
                order_number=f"{rng.randint(100, 2999)}-п",
                order_date=decided,
                comment="" if awarded else rng.choice(REFUSE_REASONS),
                today=today,
            ),
        )
    if story.withdrawn:
        step(
            story.withdrawn,
            lambda: services.application_withdraw(
                application=application, by=starter, comment=rng.choice(WITHDRAW_REASONS)
            ),
        )
    return application, moments, files


# --- the seed -------------------------------------------------------------------------------------------


def seed(*, rng: random.Random, today: dt.date, municipality: Organization | None = None) -> DemoApplications:
    """About sixty applications at every status in the demo district (or `municipality`)."""
    settings = AttestationSettings.current()
    municipality = municipality or _demo_municipality()
    groups = _candidates(rng, today, municipality)
    people = _People.load()
    educators = Educator.objects.select_related("user", "municipality")
    summary = DemoApplications()
    created: list[tuple[Application, list[dt.datetime], _Story]] = []
    for status, count in PLAN:
        made = 0
        while made < count:
            picked = _pick_kind(rng, groups)
            if picked is None:
                break
            kind, educator_id = picked
            late = status in (Status.SUBMITTED, Status.FORWARDED, Status.ACCEPTED) and made < count // 3
            story = _story(rng, status, today, settings, late)
            try:
                with transaction.atomic():
                    application, moments, files = _tell(
                        rng,
                        educator=educators.get(pk=educator_id),
                        kind=kind,
                        status=status,
                        story=story,
                        people=people,
                        today=today,
                    )
            except ValidationError:
                continue  # this educator does not fit (e.g. the highest began after the story): take another
            created.append((application, moments, story))
            summary.files += files
            made += 1
    _move_history(created)
    statuses = Counter(application.status for application, _, _ in created)
    summary.total = len(created)
    summary.by_status = {status: statuses.get(status, 0) for status, _ in PLAN}
    summary.overdue = sum(1 for application, _, _ in created if is_overdue(application, settings, today))
    summary.categories = sum(1 for application, _, _ in created if application.category_id)
    return summary


def _move_history(created: list[tuple[Application, list[dt.datetime], _Story]]) -> None:
    """The events and the application's creation get the days the steps happened (the services stamp now)."""
    events: list[ApplicationEvent] = []
    applications: list[Application] = []
    by_application = {application.pk: moments for application, moments, _ in created}
    rows = ApplicationEvent.objects.filter(application_id__in=by_application).order_by("application_id", "pk")
    position: Counter[int] = Counter()
    for event in rows:
        moments = by_application[event.application_id]
        index = position[event.application_id]
        position[event.application_id] += 1
        if index < len(moments):
            event.at = moments[index]
            events.append(event)
    ApplicationEvent.objects.bulk_update(events, ["at"], batch_size=1000)
    for application, moments, _ in created:
        application.created_at = moments[0]
        application.updated_at = moments[-1]
        applications.append(application)
    Application.objects.bulk_update(applications, ["created_at", "updated_at"], batch_size=1000)
