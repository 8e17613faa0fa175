"""send_once: each key once successfully; a failed send is recorded and tried again; the LogBackend only
writes the log."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.core.mail import send_mail

from imo.core.mail.models import MailMessage
from imo.core.mail.selectors import keys_done
from imo.core.mail.services import Outcome, clean_addresses, deliver_once, mark_done, send_once

pytestmark = pytest.mark.django_db
Status = MailMessage.Status


@pytest.fixture
def log_backend(settings):
    settings.EMAIL_BACKEND = "imo.core.mail.backends.LogBackend"


@pytest.fixture
def broken_smtp(monkeypatch):
    """The configured backend (locmem in tests) raising like an unreachable SMTP server."""
    from django.core.mail.backends import locmem

    def refuse(self, messages):
        raise smtplib.SMTPConnectError(421, "сервер недоступен")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse)


def test_second_call_with_the_same_key_sends_nothing():
    assert send_once(key="k1", to=["a@example.ru"], subject="Тема", body="Текст") is True
    assert send_once(key="k1", to=["a@example.ru"], subject="Тема", body="Текст") is False
    assert len(mail.outbox) == 1
    message = MailMessage.objects.get(key="k1")
    assert message.status == Status.SENT and message.sent_at is not None and message.attempts == 1
    assert mail.outbox[0].to == ["a@example.ru"] and mail.outbox[0].subject == "Тема"


def test_recipients_cleaned_and_no_address_records_nothing():
    assert clean_addresses(["", None, " A@example.ru ", "a@EXAMPLE.ru", "b@example.ru"]) == [
        "A@example.ru",
        "b@example.ru",
    ]
    assert deliver_once(key="k2", to=["", None], subject="Тема", body="Текст") == Outcome.NO_RECIPIENTS
    assert not MailMessage.objects.exists()
    assert send_once(key="k2", to=["x@example.ru"], subject="Тема", body="Текст") is True


def test_failure_is_recorded_and_retried(monkeypatch, broken_smtp):
    assert deliver_once(key="k3", to=["a@example.ru"], subject="Тема", body="Текст") == Outcome.FAILED
    message = MailMessage.objects.get(key="k3")
    assert message.status == Status.FAILED and "сервер недоступен" in message.error
    assert "k3" not in keys_done(["k3"])
    monkeypatch.undo()  # the server is back
    assert send_once(key="k3", to=["a@example.ru"], subject="Тема", body="Текст") is True
    message.refresh_from_db()
    assert message.status == Status.SENT and message.error == "" and message.attempts == 2
    assert MailMessage.objects.count() == 1 and len(mail.outbox) == 1
    assert send_once(key="k3", to=["a@example.ru"], subject="Тема", body="Текст") is False


def test_log_backend_records_keyed_and_plain_messages_once(log_backend):
    assert deliver_once(key="k4", to=["a@example.ru"], subject="Напоминание", body="Текст") == Outcome.LOGGED
    send_mail("Приглашение", "Ссылка", None, ["b@example.ru"])
    rows = {row.subject: row for row in MailMessage.objects.all()}
    assert set(rows) == {"Напоминание", "Приглашение"}
    assert rows["Напоминание"].status == Status.LOGGED and rows["Напоминание"].key == "k4"
    assert rows["Приглашение"].status == Status.LOGGED and rows["Приглашение"].to == "b@example.ru"
    assert rows["Приглашение"].get_status_display() == "записано в журнал (демо)"
    assert send_once(key="k4", to=["a@example.ru"], subject="Напоминание", body="Текст") is False
    assert MailMessage.objects.count() == 2


def test_mark_done_blocks_later_sending_and_replaces_a_failure(broken_smtp):
    deliver_once(key="old", to=["a@example.ru"], subject="Тема", body="Текст")
    assert mark_done(keys=["old", "new", "new"], note="пропущено") == 2
    assert keys_done(["old", "new", "other"]) == {"old", "new"}
    assert MailMessage.objects.get(key="old").status == Status.SKIPPED
    assert mark_done(keys=["old", "new"]) == 0
