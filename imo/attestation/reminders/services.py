"""Reminders by e-mail (issue #5, item 6), run once a day by `imo worker` (the chore
"attestation.reminders", see setup.py); `imo worker --batch` runs it once.

(a) Before a category's term ends: at each of the office's reminder days (AttestationSettings, default
90, 60 and 30 days before `valid_until`), to the educator and the school admins of every school where they
work today. When several of those days have already come (the first run, a worker that was off, a settings
change), only the nearest one is sent and the earlier ones are recorded as done: nobody receives three
letters on one day, and a later day is never followed by an earlier one.

(b) When an application's current step is past its deadline (imo.attestation.deadlines): once per
application, status and deadline, to the educator and the school admins of the application's organisation;
for the office's own check (status "submitted") also to the head and the methodists of the educator's
municipality.

Each reminder goes through imo.core.mail.services.send_once with a key, so it is sent once successfully; a
failed send is tried again on the next run. A reminder without any address is not recorded at all, so it
goes out on a later run once an address is known (if its day has not passed by then).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from imo.attestation.deadlines import step_deadline
from imo.attestation.models import Application, AttestationSettings, QualificationCategory
from imo.attestation.reminders import selectors
from imo.core.mail.selectors import keys_done
from imo.core.mail.services import Outcome, clean_addresses, deliver_once, mark_done
from imo.orgs.models import Role

OFFICE_CHECK_ROLES = (Role.HEAD, Role.METHODIST)
MAX_REMINDER_DAYS = 366
SKIPPED_NOTE = "Напоминание не отправлялось: к первой проверке уже наступил более поздний срок напоминания"


def expiry_key(category_pk: int, days: int) -> str:
    return f"attestation:expiry:{category_pk}:{days}"


def overdue_key(application: Application, deadline: dt.date) -> str:
    return f"attestation:overdue:{application.pk}:{application.status}:{deadline:%Y%m%d}"


@dataclass
class ReminderSummary:
    """What one run did, by kind of reminder and outcome."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, outcome: str, number: int = 1) -> None:
        name = f"{kind}.{outcome}"
        self.counts[name] = self.counts.get(name, 0) + number

    def get(self, name: str) -> int:
        return self.counts.get(name, 0)

    def __str__(self) -> str:
        return ", ".join(f"{name}: {count}" for name, count in sorted(self.counts.items())) or "ничего"


def due_threshold(valid_until: dt.date, *, today: dt.date, days: list[int]) -> tuple[int | None, list[int]]:
    """The nearest reminder day that has come (`today` ≥ valid_until − N, on or before valid_until) and the
    earlier (larger) ones it overtakes. (None, []) when none has come yet or the term is over."""
    if today > valid_until:
        return None, []
    left = (valid_until - today).days
    come = sorted(day for day in days if left <= day)
    if not come:
        return None, []
    return come[0], come[1:]


def run_reminders(*, today: dt.date | None = None) -> ReminderSummary:
    """Send the reminders due today; each once. Safe to run any number of times a day."""
    today = today or timezone.localdate()
    settings = AttestationSettings.current()
    summary = ReminderSummary()
    _expiry_reminders(today=today, settings=settings, summary=summary)
    _overdue_reminders(today=today, settings=settings, summary=summary)
    return summary


def _context(**values: object) -> dict[str, object]:
    return {"site_name": django_settings.IMO_SITE_NAME, **values}


def _expiry_reminders(*, today: dt.date, settings: AttestationSettings, summary: ReminderSummary) -> None:
    days = settings.reminder_day_list()
    if not days:
        return
    categories = selectors.expiring_categories(today=today, horizon_days=max(days))
    due: list[tuple[QualificationCategory, int, list[int]]] = []
    for category in categories:
        assert category.valid_until is not None
        nearest, overtaken = due_threshold(category.valid_until, today=today, days=days)
        if nearest is not None:
            due.append((category, nearest, overtaken))
    done = keys_done(expiry_key(category.pk, nearest) for category, nearest, _ in due)
    due = [item for item in due if expiry_key(item[0].pk, item[1]) not in done]
    if not due:
        return
    places = selectors.workplaces(educator_ids=[category.educator_id for category, _, _ in due], today=today)
    admins = selectors.role_addresses(
        organization_ids=[place.pk for items in places.values() for place in items], roles=[Role.SCHOOL_ADMIN]
    )
    overtaken_keys: list[str] = []
    for category, nearest, overtaken in due:
        educator = category.educator
        schools = places.get(educator.pk, [])
        to = clean_addresses(
            [
                selectors.educator_address(educator),
                *(a for school in schools for a in admins.get(school.pk, [])),
            ]
        )
        if not to:
            summary.add("expiry", Outcome.NO_RECIPIENTS)
            continue
        assert category.valid_until is not None
        context = _context(
            educator=educator,
            category=category,
            schools=schools,
            days_left=(category.valid_until - today).days,
            apply_months=settings.apply_months_before_expiry,
        )
        outcome = deliver_once(
            key=expiry_key(category.pk, nearest),
            to=to,
            subject=(
                f"Срок квалификационной категории истекает {category.valid_until:%d.%m.%Y}: "
                f"{educator.full_name}"
            ),
            body=render_to_string("attestation/reminders/expiry.txt", context),
        )
        summary.add("expiry", outcome)
        if outcome in (Outcome.SENT, Outcome.LOGGED, Outcome.ALREADY_DONE):
            overtaken_keys.extend(expiry_key(category.pk, day) for day in overtaken)
    if overtaken_keys:
        summary.add("expiry", "overtaken", mark_done(keys=overtaken_keys, note=SKIPPED_NOTE))


def _overdue_reminders(*, today: dt.date, settings: AttestationSettings, summary: ReminderSummary) -> None:
    applications = selectors.overdue_applications(settings=settings, today=today)
    due: list[tuple[Application, dt.date]] = []
    for application in applications:
        deadline = step_deadline(application, settings)
        if deadline is not None and deadline < today:
            due.append((application, deadline))
    done = keys_done(overdue_key(application, deadline) for application, deadline in due)
    due = [item for item in due if overdue_key(*item) not in done]
    if not due:
        return
    schools = selectors.role_addresses(
        organization_ids=[a.organization_id for a, _ in due if a.organization_id], roles=[Role.SCHOOL_ADMIN]
    )
    office = selectors.role_addresses(
        organization_ids=[
            a.educator.municipality_id for a, _ in due if a.status == Application.Status.SUBMITTED
        ],
        roles=OFFICE_CHECK_ROLES,
    )
    for application, deadline in due:
        educator = application.educator
        addresses = [selectors.educator_address(educator)]
        if application.organization_id:
            addresses += schools.get(application.organization_id, [])
        office_step = application.status == Application.Status.SUBMITTED
        if office_step:
            addresses += office.get(educator.municipality_id, [])
        context = _context(
            application=application,
            educator=educator,
            deadline=deadline,
            days_late=(today - deadline).days,
            office_step=office_step,
        )
        outcome = deliver_once(
            key=overdue_key(application, deadline),
            to=addresses,
            subject=f"Просрочен срок шага аттестации: {educator.full_name}",
            body=render_to_string("attestation/reminders/overdue.txt", context),
        )
        summary.add("overdue", outcome)


# --- The office's attestation settings --------------------------------------------------------------


def normalize_reminder_days(value: str) -> str:
    """«90, 60,30» → «90,60,30» (largest first, no repeats); a Russian error for anything else."""
    parts = [part.strip() for part in (value or "").split(",")]
    if not parts or any(not part.isdecimal() or int(part) <= 0 for part in parts):
        raise ValidationError(
            "Укажите положительные целые числа дней через запятую, например: 90,60,30.", code="invalid"
        )
    days = sorted({int(part) for part in parts}, reverse=True)
    if days[0] > MAX_REMINDER_DAYS:
        raise ValidationError(
            f"Напоминать можно не раньше чем за {MAX_REMINDER_DAYS} дней до окончания срока.",
            code="too_early",
        )
    return ",".join(str(day) for day in days)


def check_settings(settings: AttestationSettings) -> None:
    """Rules across the fields (raises ValidationError with Russian messages by field)."""
    errors: dict[str, list[str]] = {}
    if settings.total_days < settings.take_up_days:
        errors.setdefault("total_days", []).append(
            "Срок всей аттестации не может быть меньше срока принятия заявления комиссией."
        )
    for name in ("check_days", "take_up_days", "total_days"):
        if getattr(settings, name) < 1:
            errors.setdefault(name, []).append("Укажите не меньше одного дня.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def attestation_settings_save(
    *,
    check_days: int,
    take_up_days: int,
    total_days: int,
    reminder_days: str,
    apply_months_before_expiry: int,
) -> AttestationSettings:
    """Save the office's settings (the one row, pk=1)."""
    settings = AttestationSettings.current()
    settings.check_days = check_days
    settings.take_up_days = take_up_days
    settings.total_days = total_days
    try:
        settings.reminder_days = normalize_reminder_days(reminder_days)
    except ValidationError as error:
        raise ValidationError({"reminder_days": error.messages}) from error
    settings.apply_months_before_expiry = apply_months_before_expiry
    settings.full_clean()
    check_settings(settings)
    settings.save()
    return settings
