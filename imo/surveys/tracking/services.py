"""Reminders to those who have not answered (issue #9, item 4).

Who gets one: the survey's respondents (RespondentToken) not yet answered, with an e-mail — the educator's
own (else their account's), or for a monitoring the school's admins (else the school's address). At most
one letter per `survey.reminder_every_days` days per respondent: `RespondentToken.reminded_on` holds the
date of the last one. The first letter goes out as soon as the survey is open: it is also the invitation,
since it carries the personal link (`surveys:answer_by_link`).

Letters go through `deliver_once` with a key of the token and the day, so two workers, or the chore and
the office's «Напомнить сейчас» on the same day, send one letter. A failed send leaves `reminded_on` as it
was, so the next run tries again. The letter names no answers; for an anonymous survey the token is what
prevents a second response, and the link still opens the anonymous form.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from imo.core.jobs.services import JobContext, JobError, JobOutcome
from imo.core.mail.services import Outcome, deliver_once
from imo.orgs.models import Membership, Role
from imo.surveys.models import AudienceKind, Mode, RespondentToken, Survey

logger = logging.getLogger("imo.surveys")

#: Used when the settings have no IMO_SITE_URL (the chore has no request to take the host from).
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    return (getattr(settings, "IMO_SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")


def personal_link(token: RespondentToken, *, base_url: str | None = None) -> str:
    """The absolute address of the respondent's personal link."""
    try:
        path = reverse("surveys:answer_by_link", args=[token.token])
    except NoReverseMatch:  # the answering part not wired (yet): its documented address
        path = f"/surveys/answer/t/{token.token}/"
    return (base_url or site_url()).rstrip("/") + path


def is_open(survey: Survey, *, now: dt.datetime) -> bool:
    """Published, not a template, and between its dates (a missing date does not limit)."""
    return (
        survey.is_published
        and not survey.is_template
        and (survey.opens_at is None or survey.opens_at <= now)
        and (survey.closes_at is None or survey.closes_at > now)
    )


def open_surveys(now: dt.datetime) -> QuerySet[Survey]:
    return Survey.objects.filter(
        Q(opens_at__isnull=True) | Q(opens_at__lte=now),
        Q(closes_at__isnull=True) | Q(closes_at__gt=now),
        is_published=True,
        is_template=False,
    )


def _interval(survey: Survey) -> int:
    """Days between two letters to one respondent. 0 («не напоминать») stops the chore only; the
    office's button then sends at most one letter a day."""
    return max(survey.reminder_every_days, 1)


def due_tokens(survey: Survey, *, today: dt.date) -> QuerySet[RespondentToken]:
    """Non-respondents whose last reminder (if any) is at least the survey's interval old."""
    last_allowed = today - dt.timedelta(days=_interval(survey))
    tokens = RespondentToken.objects.filter(survey=survey, responded=False).filter(
        Q(reminded_on__isnull=True) | Q(reminded_on__lte=last_allowed)
    )
    if survey.audience == AudienceKind.SCHOOLS:
        return tokens.filter(school__isnull=False).select_related("school").order_by("pk")
    return (
        tokens.filter(educator__isnull=False, educator__erased_at__isnull=True)
        .select_related("educator", "educator__user")
        .order_by("pk")
    )


def _school_admin_addresses(school_ids: list[int]) -> dict[int, list[str]]:
    """{school id: e-mails of its active school admins}: one query for the whole mailing."""
    addresses: dict[int, list[str]] = defaultdict(list)
    rows = (
        Membership.objects.filter(
            role=Role.SCHOOL_ADMIN, organization_id__in=school_ids, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("organization_id", "user__email")
        .order_by("pk")
    )
    for school_id, email in rows:
        addresses[school_id].append(email)
    return addresses


def recipients(token: RespondentToken, admins: dict[int, list[str]]) -> tuple[list[str], str]:
    """(addresses, greeting) of a token's letter; no addresses: nobody to write to."""
    educator = token.educator
    if educator is not None:
        user = educator.user
        email = educator.email or (user.email if user is not None and user.is_active else "")
        name = " ".join(part for part in (educator.first_name, educator.patronymic) if part)
        return ([email] if email else []), (f"Здравствуйте, {name}!" if name else "Здравствуйте!")
    school = token.school
    if school is None:
        return [], ""
    addresses = admins.get(school.pk) or ([school.email] if school.email else [])
    return addresses, "Здравствуйте!"


def reminder_letter(
    token: RespondentToken, *, survey: Survey, greeting: str, base_url: str
) -> tuple[str, str]:
    """(subject, plain-text body) of a reminder in Russian."""
    closes = timezone.localtime(survey.closes_at) if survey.closes_at else None
    body = render_to_string(
        "surveys/tracking/letter.txt",
        {
            "survey": survey,
            "greeting": greeting,
            "school": token.school if survey.audience == AudienceKind.SCHOOLS else None,
            "closes": closes,
            "anonymous": survey.mode == Mode.ANONYMOUS,
            "link": personal_link(token, base_url=base_url),
            "site_name": getattr(settings, "IMO_SITE_NAME", "ИМО"),
        },
    )
    return f"Напоминание: анкета «{survey.title}»"[:300], body


def reminder_key(token: RespondentToken, today: dt.date) -> str:
    return f"surveys-reminder:{token.pk}:{today.isoformat()}"


def reminders_send(
    *,
    survey: Survey,
    now: dt.datetime,
    base_url: str | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> int:
    """Send the due reminders of an open survey; returns the number of letters sent now. A closed, draft
    or template survey gets none. A letter already sent today under the same key (another worker, the
    button pressed twice) is not sent again but still counts as the reminder of the day."""
    if not is_open(survey, now=now):
        return 0
    base = (base_url or site_url()).rstrip("/")
    today = timezone.localdate(now)
    tokens = list(due_tokens(survey, today=today))
    admins = (
        _school_admin_addresses([t.school_id for t in tokens if t.school_id])
        if survey.audience == AudienceKind.SCHOOLS
        else {}
    )
    sent = 0
    reminded: list[int] = []
    for number, token in enumerate(tokens, start=1):
        if progress is not None:
            progress(number, len(tokens))
        addresses, greeting = recipients(token, admins)
        if not addresses:
            continue
        subject, body = reminder_letter(token, survey=survey, greeting=greeting, base_url=base)
        outcome = deliver_once(key=reminder_key(token, today), to=addresses, subject=subject, body=body)
        if outcome == Outcome.FAILED:
            continue
        if outcome in (Outcome.SENT, Outcome.LOGGED):
            sent += 1
        reminded.append(token.pk)
    for start in range(0, len(reminded), 500):
        RespondentToken.objects.filter(pk__in=reminded[start : start + 500]).update(reminded_on=today)
    return sent


def reminders_chore(now: dt.datetime | None = None) -> int:
    """The periodic chore: reminders of every open survey that reminds (reminder_every_days > 0)."""
    now = now or timezone.now()
    sent = 0
    for survey in open_surveys(now).filter(reminder_every_days__gt=0).order_by("pk"):
        try:
            sent += reminders_send(survey=survey, now=now)
        except Exception:  # one broken survey must not stop the others' letters
            logger.exception("Reminders of survey %s failed", survey.pk)
    return sent


def reminders_due_count(survey: Survey, *, now: dt.datetime) -> int:
    """How many respondents the button would write to now (before checking addresses): the page's hint."""
    if not is_open(survey, now=now):
        return 0
    return due_tokens(survey, today=timezone.localdate(now)).count()


def reminders_job(job: JobContext, *, survey_id: int) -> JobOutcome:
    """The office's «Напомнить сейчас» in the background (SMTP takes a while per letter)."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        raise JobError("Анкета удалена.")
    now = timezone.now()
    if not is_open(survey, now=now):
        raise JobError("Приём ответов на анкету не идёт: напоминания не отправлены.")

    def report(number: int, total: int) -> None:
        job.progress(number * 100 // total, f"Обработано получателей: {number} из {total}")

    sent = reminders_send(survey=survey, now=now, progress=report)
    return JobOutcome(
        f"Напоминаний отправлено: {sent}.", result_url=reverse("surveys:tracking", args=[survey.pk])
    )
