"""Sending mail once: `send_once` for reminders and other automatic mail.

The key is inserted first, inside the transaction that sends (a unique constraint), so two workers running
the same reminder at once send it once: the second waits for the first and then finds the key. "Once" means
once successfully: a failed send (SMTP down, address refused) is kept with the status «ошибка отправки» and
its error, and the next call with the same key tries again. A process killed while sending rolls the row
back, so that message is sent on the next run too (at least once, never lost).

Messages go through Django's EMAIL_BACKEND: SMTP in production (the EMAIL_* settings), the LogBackend in the
demo, which only records them in the log.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from imo.core.mail.backends import LOG_ID_ATTRIBUTE, LogBackend
from imo.core.mail.models import MailMessage
from imo.core.mail.selectors import KEYS_PER_QUERY
from imo.core.text import search_text

logger = logging.getLogger("imo.mail")

Status = MailMessage.Status
ERROR_MAX_LENGTH = 2000


class Outcome(enum.StrEnum):
    SENT = "sent"  # handed to the SMTP server
    LOGGED = "logged"  # recorded by the demo's LogBackend
    FAILED = "failed"  # the backend raised: recorded, tried again next time
    ALREADY_DONE = "already_done"  # the key was sent (or marked done) before: nothing sent
    NO_RECIPIENTS = "no_recipients"  # no address at all: nothing sent, nothing recorded


def clean_addresses(addresses: Iterable[str | None]) -> list[str]:
    """The addresses without blanks and repeats (case-insensitive), in their order."""
    seen: set[str] = set()
    result = []
    for raw in addresses:
        address = (raw or "").strip()
        if address and address.casefold() not in seen:
            seen.add(address.casefold())
            result.append(address)
    return result


def send_once(*, key: str, to: Iterable[str | None], subject: str, body: str) -> bool:
    """Send the message unless `key` was sent before; True when it was sent (or logged) now."""
    return deliver_once(key=key, to=to, subject=subject, body=body) in (Outcome.SENT, Outcome.LOGGED)


@transaction.atomic
def deliver_once(
    *, key: str, to: Iterable[str | None], subject: str, body: str, headers: dict[str, str] | None = None
) -> Outcome:
    """`send_once` telling what happened. Without any address nothing is recorded, so the message goes out
    on a later call once an address is known."""
    addresses = clean_addresses(to)
    if not addresses:
        return Outcome.NO_RECIPIENTS
    fields = {
        "to": ", ".join(addresses),
        "subject": subject[:300],
        "body": body,
        "search_text": search_text(", ".join(addresses), subject),
    }
    try:
        with transaction.atomic():
            message = MailMessage.objects.create(key=key, status=Status.FAILED, **fields)
    except IntegrityError:
        found = MailMessage.objects.select_for_update().filter(key=key).first()
        if found is None or found.status != Status.FAILED:
            return Outcome.ALREADY_DONE
        message = found
        for name, value in fields.items():
            setattr(message, name, value)
    connection = get_connection(fail_silently=False)
    # `headers`: extra ones such as List-Unsubscribe (mail clients show their own unsubscribe button).
    email = EmailMessage(subject=subject, body=body, to=addresses, connection=connection, headers=headers)
    setattr(email, LOG_ID_ATTRIBUTE, message.pk)
    message.attempts += 1
    try:
        email.send()
    except Exception as error:  # SMTP errors, refused addresses, timeouts, bad headers: all recorded
        logger.warning("Mail %s not sent: %s", key, error)
        message.status = Status.FAILED
        message.error = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
        message.save()
        return Outcome.FAILED
    message.status = Status.LOGGED if isinstance(connection, LogBackend) else Status.SENT
    message.error = ""
    message.sent_at = timezone.now()
    message.save()
    return Outcome.LOGGED if message.status == Status.LOGGED else Outcome.SENT


@transaction.atomic
def mark_done(*, keys: Iterable[str], note: str = "") -> int:
    """Record `keys` as done without sending (e.g. an earlier reminder overtaken by a later one): they are
    never sent afterwards. A key that failed before is marked done as well. Returns the keys newly marked."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return 0
    marked = 0
    for start in range(0, len(keys), KEYS_PER_QUERY):
        chunk = keys[start : start + KEYS_PER_QUERY]
        existing = set(MailMessage.objects.filter(key__in=chunk).values_list("key", flat=True))
        new = [
            MailMessage(key=key, status=Status.SKIPPED, subject=note[:300], search_text=search_text(note))
            for key in chunk
            if key not in existing
        ]
        MailMessage.objects.bulk_create(new, ignore_conflicts=True)
        failed = MailMessage.objects.filter(key__in=chunk, status=Status.FAILED).update(
            status=Status.SKIPPED, error=""
        )
        marked += len(new) + failed
    return marked
