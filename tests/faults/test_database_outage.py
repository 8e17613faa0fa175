"""Fault: the database does not answer (PostgreSQL restarting, SQLite's lock wait ran out). The user gets the
Russian «try again in a minute» page with status 503, not a bare 500, and the next request works again."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from imo.orgs.tests.factories import make_district

pytestmark = pytest.mark.django_db

OUTAGE = "База данных временно недоступна, повторите через минуту"


def _failing(error: Exception):
    def execute(self, sql, params=None):
        raise error

    return execute


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
        OperationalError("database is locked"),
    ],
    ids=["restart", "closed", "locked"],
)
def test_a_page_during_an_outage_gets_the_russian_503_page(error: Exception) -> None:
    district = make_district()
    client = Client(raise_request_exception=False)
    client.force_login(district.user("methodist"))
    url = reverse("orgs:detail", args=[district.school_a.pk])
    with mock.patch.object(CursorWrapper, "execute", _failing(error)):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert OUTAGE in response.content.decode()
    # The database is back: the same page opens again.
    assert client.get(url).status_code == 200


def test_an_outage_while_saving_the_session_gets_the_same_page() -> None:
    """Outside any view (the session middleware writes after the view): the 500 handler gives the 503 page."""
    district = make_district()
    client = Client(raise_request_exception=False)
    client.force_login(district.user("methodist"))  # the first request renews the session: a write
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.save",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = client.get(reverse("orgs:detail", args=[district.school_a.pk]))
    assert response.status_code == 503
    assert OUTAGE in response.content.decode()


def test_other_errors_keep_the_500_page() -> None:
    client = Client(raise_request_exception=False)
    with mock.patch.object(CursorWrapper, "execute", _failing(ValueError("a bug"))):
        response = client.get(reverse("portal:home"))
    assert response.status_code == 500
    assert OUTAGE not in response.content.decode()
