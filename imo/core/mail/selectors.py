"""Reads of the mail log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import Http404

from imo.core.mail.models import MailMessage

# Keys per IN (...) list: well under SQLite's and PostgreSQL's limits on query parameters.
KEYS_PER_QUERY = 500


def mail_messages() -> QuerySet[MailMessage]:
    """The whole log, newest first (it is technical: only the administrator opens it, see permissions)."""
    return MailMessage.objects.order_by("-created_at", "-pk")


def mail_message_get(*, pk: int) -> MailMessage:
    message = MailMessage.objects.filter(pk=pk).first()
    if message is None:
        raise Http404("Письмо не найдено.")
    return message


def mail_messages_between(
    messages: QuerySet[MailMessage], *, start: dt.date | None, end: dt.date | None
) -> QuerySet[MailMessage]:
    if start:
        messages = messages.filter(created_at__date__gte=start)
    if end:
        messages = messages.filter(created_at__date__lte=end)
    return messages


def keys_done(keys: Iterable[str]) -> set[str]:
    """Those of `keys` never to be sent again (sent, logged or marked done; not the failed ones)."""
    keys = list(dict.fromkeys(keys))
    done: set[str] = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        chunk = keys[start : start + KEYS_PER_QUERY]
        rows = MailMessage.objects.filter(key__in=chunk, status__in=MailMessage.DONE).values_list(
            "key", flat=True
        )
        done.update(key for key in rows if key)
    return done
