"""E-mail backends of the mail log.

`LogBackend` sends nothing: it records every message in the mail log (MailMessage) with the status
«записано в журнал (демо)». The demo uses it (DEBUG on, see imo/settings.py), so the administrator reads the
reminders and invitations on the «Журнал почты» page instead of a mailbox. Production uses SMTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from imo.core.mail.models import MailMessage
from imo.core.text import search_text

#: Attribute set on an EmailMessage by `services.send_once`: its row already exists in the log.
LOG_ID_ATTRIBUTE = "imo_mail_log_id"


class LogBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        rows: list[MailMessage] = []
        now = timezone.now()
        for message in email_messages:
            if getattr(message, LOG_ID_ATTRIBUTE, None) is not None:
                continue  # send_once records the outcome on its own row
            to = ", ".join(str(address) for address in message.recipients())
            subject = str(message.subject)
            rows.append(
                MailMessage(
                    to=to,
                    subject=subject[:300],
                    body=_text(message),
                    status=MailMessage.Status.LOGGED,
                    sent_at=now,
                    attempts=1,
                    search_text=search_text(to, subject),
                )
            )
        if rows:
            MailMessage.objects.bulk_create(rows)
        return len(email_messages)


def _text(message: Any) -> str:
    return str(message.body or "")
