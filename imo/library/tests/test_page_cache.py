"""The page cache (imo/core/pagecache.py) on real data: writes in a transaction, a cached public page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imo.core import pagecache
from imo.core.tests.test_pagecache import counting
from imo.library.models import Audience, NewsKind
from imo.library.news import services as news
from imo.orgs.tests.factories import make_district


@pytest.mark.django_db
def test_a_write_in_a_transaction_reads_afresh_and_bumps_on_commit(
    django_capture_on_commit_callbacks,
) -> None:
    _calls, compute = counting()
    pagecache.cached("t", topics=("orgs",), parts=(), compute=compute)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        district = make_district()  # rows of orgs: the statements themselves bump the topic
        # Until the transaction commits, this thread sees its own writes: no cached value is used.
        assert pagecache.cached("t", topics=("orgs",), parts=(), compute=compute) == {"value": 2}
        assert pagecache.cached("t", topics=("orgs",), parts=(), compute=compute) == {"value": 3}
    assert callbacks, "the bump waits for the commit"
    assert district.municipality.pk
    # Committed: the thread's own mark is gone, the new generation is what everyone reads under.
    assert pagecache.cached("t", topics=("orgs",), parts=(), compute=compute) == {"value": 4}
    assert pagecache.cached("t", topics=("orgs",), parts=(), compute=compute) == {"value": 4}


@pytest.mark.django_db
def test_a_published_news_post_reaches_the_cached_public_page(
    client, django_capture_on_commit_callbacks
) -> None:
    district = make_district()
    head = district.user("head")

    def publish(title: str) -> None:
        news.news_create(
            organization=district.municipality,
            data={
                "title": title,
                "kind": NewsKind.NEWS,
                "body": "Текст.",
                "audience": Audience.PUBLIC,
                "subjects": [],
                "publish_at": timezone.now() - dt.timedelta(hours=1),
                "pinned": False,
                "is_draft": False,
            },
            by=head,
        )

    with django_capture_on_commit_callbacks(execute=True):
        publish("Первая новость")
    pagecache.forget_own_writes()  # as a new request outside the test's transaction would
    assert "Первая новость" in client.get("/news/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert "Первая новость" in client.get("/news/").content.decode()
    assert len(queries) == 0, "the second visitor gets the kept page without asking the database"

    with django_capture_on_commit_callbacks(execute=True):
        publish("Вторая новость")
    pagecache.forget_own_writes()
    page = client.get("/news/").content.decode()
    assert "Вторая новость" in page and "Первая новость" in page
