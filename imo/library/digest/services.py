"""The weekly digest (issue #8, item 5): subscriptions, what a digest holds and the weekly mailing.

A digest lists what the subscriber may read (`documents_visible_to`, `news_visible_to`) and what was
published in its period: new documents and new publications (the kind «Новое издание…») whose subjects
meet the chosen ones or that have no subject at all (a document for every subject concerns everybody),
then announcements and news chosen the same way. No subjects chosen means every subject.

`digests_send` runs from the hourly chore (setup.py) on the office's weekday. Each subscriber gets one
letter per period through `deliver_once` with a key of the user and the period's end date, so a second
worker or a second run on the same day sends nothing twice; `last_sent_at` then moves to the period's end.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings as django_settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from imo.core.mail.services import Outcome, deliver_once
from imo.library.models import (
    DigestSubscription,
    Document,
    LibrarySettings,
    NewsKind,
    NewsPost,
)
from imo.library.selectors import documents_visible_to, news_visible_to

logger = logging.getLogger("imo.library.digest")

#: The first digest of a new subscriber covers this many days back.
FIRST_PERIOD = dt.timedelta(days=7)
#: A subscriber whose last digest went out less than this long ago is skipped: the digest is weekly, and
#: the margin of a day lets a late run (worker down for an hour) still send next week on the same weekday.
MIN_INTERVAL = dt.timedelta(days=6)
#: The kind of document listed as «Новые издания» (its name in migration 0003 begins so; the office may
#: rename the rest of the name).
PUBLICATION_KIND_PREFIX = "Новое издание"
#: At most this many items of each section go into one letter (the page and the letter say how many more).
SECTION_LIMIT = 30
UNSUBSCRIBE_SALT = "imo.library.digest.unsubscribe"
#: Used when the settings have no IMO_SITE_URL (the chore has no request to take the host from).
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


@dataclass
class Section:
    """One part of a digest: the items shown (at most SECTION_LIMIT) and how many there were."""

    title: str
    items: list[Any] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return max(self.total - len(self.items), 0)


@dataclass
class Digest:
    user: Any
    since: dt.datetime
    until: dt.datetime
    documents: Section
    publications: Section
    announcements: Section
    news: Section

    @property
    def sections(self) -> list[Section]:
        return [self.documents, self.publications, self.announcements, self.news]

    @property
    def total(self) -> int:
        return sum(section.total for section in self.sections)


# --- subscriptions ------------------------------------------------------------------------------------


@transaction.atomic
def subscription_save(*, user: Any, subjects: Iterable[Any], active: bool) -> DigestSubscription:
    """Create or change the user's subscription: its subjects (none: every subject) and whether it is on.
    Turning it back on does not resend the past: the next digest starts where the last one ended, or a
    week back for a new subscriber."""
    subscription, _ = DigestSubscription.objects.select_for_update().get_or_create(user=user)
    subscription.is_active = active
    subscription.full_clean()
    subscription.save()
    subscription.subjects.set(list(subjects))
    return subscription


def subscription_of(user: Any) -> DigestSubscription | None:
    return (
        DigestSubscription.objects.filter(user_id=user.pk).prefetch_related("subjects").first()
        if getattr(user, "is_authenticated", False)
        else None
    )


def unsubscribe_token(user: Any) -> str:
    """The signed user id of the letter's unsubscribe link. No expiry: a link in an old letter still works,
    and all it can do is turn one subscription off."""
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_id_from_token(token: str) -> int | None:
    """The user id a token was made for; None for anything not made by `unsubscribe_token`."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


@transaction.atomic
def subscription_unsubscribe(*, user_id: int) -> bool:
    """Turn the subscription off (the unsubscribe link). True when it was on."""
    return bool(DigestSubscription.objects.filter(user_id=user_id, is_active=True).update(is_active=False))


# --- composing ----------------------------------------------------------------------------------------


def _by_subjects(
    rows: QuerySet[Any], through: Any, owner: str, subject_ids: Collection[int]
) -> QuerySet[Any]:
    """Rows with a subject among `subject_ids` or with no subject at all (EXISTS, so no duplicates)."""
    if not subject_ids:
        return rows
    links = through.objects.filter(**{owner: OuterRef("pk")})
    return rows.filter(Q(Exists(links.filter(subject_id__in=subject_ids))) | ~Q(Exists(links)))


def _section(title: str, rows: QuerySet[Any]) -> Section:
    items = list(rows[: SECTION_LIMIT + 1])
    total = len(items) if len(items) <= SECTION_LIMIT else rows.count()
    return Section(title, items[:SECTION_LIMIT], total)


def digest_compose(
    *, user: Any, since: dt.datetime, until: dt.datetime, subject_ids: Collection[int] | None = None
) -> Digest | None:
    """What a digest for `user` over (since, until] holds; None when there is nothing new.
    `subject_ids`: the subjects to choose by (default: those of the user's subscription)."""
    if subject_ids is None:
        subscription = subscription_of(user)
        subject_ids = [s.pk for s in subscription.subjects.all()] if subscription else []
    documents = _by_subjects(
        documents_visible_to(user).filter(is_published=True, published_at__gt=since, published_at__lte=until),
        Document.subjects.through,
        "document_id",
        subject_ids,
    ).select_related("kind")
    publications = Q(kind__name__startswith=PUBLICATION_KIND_PREFIX)
    order = ("-published_at", "-pk")
    posts = _by_subjects(
        news_visible_to(user).filter(publish_at__gt=since, publish_at__lte=until),
        NewsPost.subjects.through,
        "newspost_id",
        subject_ids,
    ).order_by("-pinned", "-publish_at", "-pk")
    digest = Digest(
        user=user,
        since=since,
        until=until,
        documents=_section("Новые документы", documents.exclude(publications).order_by(*order)),
        publications=_section("Новые издания", documents.filter(publications).order_by(*order)),
        announcements=_section("Объявления", posts.filter(kind=NewsKind.ANNOUNCEMENT)),
        news=_section("Новости", posts.filter(kind=NewsKind.NEWS)),
    )
    return digest if digest.total else None


def digest_period(
    subscription: DigestSubscription | None, *, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """(since, until) of the next digest: from the end of the last one (first time: a week back) to now."""
    since = subscription.last_sent_at if subscription and subscription.last_sent_at else now - FIRST_PERIOD
    return since, now


# --- sending ------------------------------------------------------------------------------------------


def site_url() -> str:
    """The site's address for links in letters sent by the worker (there is no request to read it from)."""
    return (getattr(django_settings, "IMO_SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")


def unsubscribe_headers(user: Any, *, base_url: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers: mail clients show their own «Отписаться» button, which POSTs
    `List-Unsubscribe=One-Click` to the address — one click, no page to open."""
    url = base_url + reverse("library:digest_unsubscribe", args=[unsubscribe_token(user)])
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def digest_key(user: Any, until: dt.datetime) -> str:
    return f"library-digest:{user.pk}:{until:%Y-%m-%d}"


def item_url(item: Any, *, base_url: str) -> str:
    """The absolute address of a document's or a post's page ("" while that page is not wired)."""
    try:
        return base_url + item.get_absolute_url()
    except NoReverseMatch:
        return ""


def digest_letter(digest: Digest, *, base_url: str) -> tuple[str, str]:
    """(subject, plain-text body) of the letter."""
    since = timezone.localtime(digest.since)
    until = timezone.localtime(digest.until)
    subject = f"Новые материалы банка документов с {since:%d.%m.%Y} по {until:%d.%m.%Y}"
    sections = [
        (section, [(item, item_url(item, base_url=base_url)) for item in section.items])
        for section in digest.sections
        if section.total
    ]
    body = render_to_string(
        "library/digest/letter.txt",
        {
            "digest": digest,
            "sections": sections,
            "since": since,
            "until": until,
            "base_url": base_url,
            "site_name": django_settings.IMO_SITE_NAME,
            "digest_url": base_url + reverse("library:digest"),
            "unsubscribe_url": base_url
            + reverse("library:digest_unsubscribe", args=[unsubscribe_token(digest.user)]),
        },
    )
    return subject, body


def _due_subscriptions(now: dt.datetime) -> QuerySet[DigestSubscription]:
    return (
        DigestSubscription.objects.filter(is_active=True, user__is_active=True)
        .exclude(user__email="")
        .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - MIN_INTERVAL))
        .select_related("user")
        .prefetch_related("subjects")
        .order_by("pk")
    )


def digests_send(*, now: dt.datetime, base_url: str | None = None) -> int:
    """Send the digest to every active subscriber with an e-mail whose last digest is at least
    MIN_INTERVAL old; returns the number of letters sent. A subscriber with nothing new gets no letter,
    but their period still moves on. A failed send keeps the period, so the next run tries again (same key).

    About six queries per subscriber (their scope and the four sections): a weekly background job over
    a district's few hundred subscribers, so kept simple rather than batched."""
    base = (base_url or site_url()).rstrip("/")
    sent = 0
    for subscription in _due_subscriptions(now):
        user = subscription.user
        since, until = digest_period(subscription, now=now)
        digest = digest_compose(
            user=user, since=since, until=until, subject_ids=[s.pk for s in subscription.subjects.all()]
        )
        if digest is not None:
            subject, body = digest_letter(digest, base_url=base)
            outcome = deliver_once(
                key=digest_key(user, until),
                to=[user.email],
                subject=subject,
                body=body,
                headers=unsubscribe_headers(user, base_url=base),
            )
            if outcome == Outcome.FAILED:
                continue
            if outcome in (Outcome.SENT, Outcome.LOGGED):
                sent += 1
        DigestSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=until)
    return sent


def digest_chore(*, now: dt.datetime | None = None) -> int:
    """The hourly chore: on the office's weekday (LibrarySettings.digest_weekday, local time) send the
    digests; on other days nothing. MIN_INTERVAL keeps it to one letter a week per subscriber."""
    now = now or timezone.now()
    if timezone.localtime(now).weekday() != LibrarySettings.current().digest_weekday:
        return 0
    return digests_send(now=now)
