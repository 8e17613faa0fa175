"""Reminders by e-mail (issue #5, item 6): before a category's term ends (90/60/30 days, the nearest one
only) and about overdue application steps; each once, to the right people, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import smtplib

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imo.attestation.models import Application, AttestationSettings, QualificationCategory
from imo.attestation.reminders.services import due_threshold, expiry_key, run_reminders
from imo.core.jobs.chores import registered_chores
from imo.core.mail.models import MailMessage
from imo.staff.models import Educator
from imo.staff.tests.factories import make_educator

TODAY = dt.date(2026, 11, 25)
Kind = QualificationCategory.Kind
Status = MailMessage.Status


def person(district, *, school=None, email="uchitel@example.ru", **data):
    return make_educator(
        municipality=district.municipality,
        school=district.school_a if school is None else (school or None),
        email=email,
        **data,
    )


def category(educator, *, left: int, kind=Kind.FIRST, awarded_on=dt.date(2022, 1, 10)):
    return QualificationCategory.objects.create(
        educator=educator, kind=kind, awarded_on=awarded_on, valid_until=TODAY + dt.timedelta(days=left)
    )


def sent() -> list[MailMessage]:
    return list(MailMessage.objects.exclude(status=Status.SKIPPED).order_by("pk"))


def day(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def test_nearest_threshold_rule():
    until = day(100)
    days = [90, 60, 30]
    assert due_threshold(until, today=day(9), days=days) == (None, [])
    assert due_threshold(until, today=day(10), days=days) == (90, [])
    assert due_threshold(until, today=day(75), days=days) == (30, [60, 90])
    assert due_threshold(until, today=until, days=days) == (30, [60, 90])
    assert due_threshold(until, today=day(101), days=days) == (None, [])


def test_each_reminder_once(district):
    category(person(district), left=90)
    run_reminders(today=TODAY)
    run_reminders(today=TODAY)
    run_reminders(today=day(1))
    assert len(mail.outbox) == 1 and len(sent()) == 1
    assert sent()[0].key == f"attestation:expiry:{QualificationCategory.objects.get().pk}:90"


def test_thresholds_90_60_30(district):
    item = category(person(district), left=100)
    counts = []
    for offset in range(0, 101):
        run_reminders(today=day(offset))
        counts.append(len(mail.outbox))
    # mails on the 90th, 60th and 30th day before the end; nothing on the other days
    assert counts[9] == 0 and counts[10] == 1 and counts[39] == 1 and counts[40] == 2
    assert counts[69] == 2 and counts[70] == 3 and counts[100] == 3
    assert [m.key for m in sent()] == [expiry_key(item.pk, n) for n in (90, 60, 30)]
    assert "через 90 дней" in mail.outbox[0].body and "через 30 дней" in mail.outbox[2].body


def test_first_run_with_25_days_left_sends_only_the_nearest(district):
    item = category(person(district), left=25)
    summary = run_reminders(today=TODAY)
    assert len(mail.outbox) == 1 and sent()[0].key == expiry_key(item.pk, 30)
    skipped = MailMessage.objects.filter(status=Status.SKIPPED).values_list("key", flat=True)
    assert set(skipped) == {expiry_key(item.pk, 90), expiry_key(item.pk, 60)}
    assert summary.get("expiry.sent") == 1 and summary.get("expiry.overtaken") == 2
    for offset in range(1, 26):
        run_reminders(today=day(offset))
    assert len(mail.outbox) == 1


def test_settings_change_is_respected(district):
    item = category(person(district), left=50)
    settings = AttestationSettings.current()
    settings.reminder_days = "45,10"
    settings.save()
    run_reminders(today=TODAY)
    assert mail.outbox == []
    run_reminders(today=day(5))
    assert [m.key for m in sent()] == [expiry_key(item.pk, 45)]
    run_reminders(today=day(40))
    assert [m.key for m in sent()] == [expiry_key(item.pk, 45), expiry_key(item.pk, 10)]


def test_a_later_reminder_is_never_followed_by_an_earlier_one(district):
    item = category(person(district), left=25)
    run_reminders(today=TODAY)  # the 30-day one; 90 and 60 marked done
    settings = AttestationSettings.current()
    settings.reminder_days = "90,60"
    settings.save()
    run_reminders(today=day(1))
    assert [m.key for m in sent()] == [expiry_key(item.pk, 30)]


def test_recipients_educator_and_admins_of_their_school_only(district):
    educator = person(district, email="ivanova@example.ru")
    category(educator, left=30)
    run_reminders(today=TODAY)
    (message,) = mail.outbox
    assert set(message.to) == {"ivanova@example.ru", district.user("school_admin_a").email}
    assert district.user("school_admin_b").email not in message.to
    assert educator.full_name in message.subject and educator.full_name in message.body


def test_admins_of_every_current_school_and_the_account_address(district):
    from imo.staff.tests.factories import make_employment

    teacher = district.user("teacher_a")
    educator = person(district, email="")
    Educator.objects.filter(pk=educator.pk).update(user=teacher)
    make_employment(educator, district.school_b, is_main=False)
    category(educator, left=30)
    run_reminders(today=TODAY)
    (message,) = mail.outbox
    assert set(message.to) == {
        teacher.email,
        district.user("school_admin_a").email,
        district.user("school_admin_b").email,
    }


def test_who_gets_no_expiry_reminder(district):
    replaced = person(district)
    category(replaced, left=30, awarded_on=dt.date(2021, 5, 1))
    category(replaced, left=3000, awarded_on=dt.date(2021, 6, 1))  # a newer category of the same kind
    erased = person(district)
    category(erased, left=30)
    Educator.objects.filter(pk=erased.pk).update(erased_at=timezone.now())
    category(person(district, school=False), left=30)  # works nowhere
    category(person(district), left=-1)  # the term is over
    category(person(district), left=200)  # too early
    open_ended = person(district)
    QualificationCategory.objects.create(
        educator=open_ended, kind=Kind.HIGHEST, awarded_on=dt.date(2024, 1, 1), valid_until=None
    )
    run_reminders(today=TODAY)
    assert mail.outbox == [] and not MailMessage.objects.exists()


def test_without_any_address_nothing_is_recorded_until_one_appears(district):
    from imo.orgs.models import Membership, Role

    Membership.objects.filter(role=Role.SCHOOL_ADMIN).delete()
    educator = person(district, email="")
    category(educator, left=60)
    summary = run_reminders(today=TODAY)
    assert summary.get("expiry.no_recipients") == 1 and not MailMessage.objects.exists()
    Educator.objects.filter(pk=educator.pk).update(email="poyavilsya@example.ru")
    run_reminders(today=day(1))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["poyavilsya@example.ru"]


def test_smtp_failure_is_recorded_and_retried_next_run(district, monkeypatch):
    from django.core.mail.backends import locmem

    item = category(person(district), left=25)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("соединение разорвано")

    with monkeypatch.context() as patch:
        patch.setattr(locmem.EmailBackend, "send_messages", refuse)
        summary = run_reminders(today=TODAY)
    assert summary.get("expiry.failed") == 1
    row = MailMessage.objects.get(key=expiry_key(item.pk, 30))
    assert row.status == Status.FAILED and "соединение разорвано" in row.error
    assert not MailMessage.objects.filter(status=Status.SKIPPED).exists()
    run_reminders(today=day(1))
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 2 and len(mail.outbox) == 1
    assert MailMessage.objects.filter(status=Status.SKIPPED).count() == 2
    run_reminders(today=day(2))
    assert len(mail.outbox) == 1


def test_log_backend_writes_the_log(district, settings):
    settings.EMAIL_BACKEND = "imo.core.mail.backends.LogBackend"
    category(person(district), left=60)
    summary = run_reminders(today=TODAY)
    assert summary.get("expiry.logged") == 1 and mail.outbox == []
    (row,) = sent()
    assert row.status == Status.LOGGED and "Срок квалификационной категории" in row.body


def application(district, educator, **fields):
    return Application.objects.create(
        educator=educator, kind=Kind.HIGHEST, organization=district.school_a, **fields
    )


def test_overdue_step_reminder_once_per_step(district):
    educator = person(district, email="zayavitel@example.ru")
    app = application(district, educator, status=Application.Status.SUBMITTED, submitted_on=day(-10))
    run_reminders(today=TODAY)  # the deadline (10 days) is today: not overdue yet
    assert mail.outbox == []
    run_reminders(today=day(1))
    run_reminders(today=day(2))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {
        "zayavitel@example.ru",
        district.user("school_admin_a").email,
        district.user("head").email,
        district.user("methodist").email,
    }
    assert "Просрочен" in message.subject and "проверки методистом" in message.body
    assert sent()[0].key == f"attestation:overdue:{app.pk}:submitted:{day(0):%Y%m%d}"
    # the next step, overdue in its turn: one more reminder, this time without the office
    Application.objects.filter(pk=app.pk).update(status=Application.Status.FORWARDED, forwarded_on=day(2))
    run_reminders(today=day(20))
    assert len(mail.outbox) == 1
    run_reminders(today=day(33))
    run_reminders(today=day(34))
    assert len(mail.outbox) == 2
    assert set(mail.outbox[1].to) == {"zayavitel@example.ru", district.user("school_admin_a").email}


def test_no_overdue_reminder_for_drafts_or_closed(district):
    educator = person(district)
    application(district, educator, status=Application.Status.DRAFT)
    Application.objects.create(
        educator=educator,
        kind=Kind.FIRST,
        organization=district.school_a,
        status=Application.Status.REFUSED,
        submitted_on=day(-100),
        forwarded_on=day(-90),
    )
    run_reminders(today=TODAY)
    assert mail.outbox == []


def _queries(district, n: int) -> tuple[int, int]:
    Application.objects.all().delete()
    QualificationCategory.objects.all().delete()
    MailMessage.objects.all().delete()
    for i in range(n):
        educator = person(district, email=f"u{n}_{i}@example.ru")
        category(educator, left=20 + i % 40)
        application(district, educator, status=Application.Status.SUBMITTED, submitted_on=day(-20))
    with CaptureQueriesContext(connection) as first:
        run_reminders(today=TODAY)
    with CaptureQueriesContext(connection) as again:
        run_reminders(today=TODAY)
    return len(first), len(again)


def test_query_count_does_not_depend_on_the_number_of_categories(district):
    first_few, again_few = _queries(district, 5)
    first_many, again_many = _queries(district, 30)
    assert again_few == again_many  # nothing left to send: reads only
    # sending costs a fixed handful of writes per message (its row), never reads per category
    per_message = (first_many - first_few) / (2 * 25)
    assert per_message <= 6  # two savepoints and their releases, the row's insert and its update


def test_the_daily_chore_is_registered():
    chore = next(c for c in registered_chores() if c.name == "attestation.reminders")
    assert chore.run is run_reminders and chore.every == dt.timedelta(days=1)
