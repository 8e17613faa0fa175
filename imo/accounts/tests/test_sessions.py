"""Sessions live in the database and in the shared file cache (settings.SESSION_ENGINE): a signed-in
request reads the cache, a sign-out removes both, a replaced database leaves no session behind."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.accounts.apps import forget_cached_sessions
from imo.accounts.backends import UsernameOrEmailBackend
from imo.accounts.models import User
from imo.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _signed_in() -> Client:
    UserFactory(username="ivanova")
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "ivanova", "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_signed_in_request_reads_its_session_from_the_cache():
    client = _signed_in()
    client.get(reverse("accounts:profile"))  # the first page renews the session (a write)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:profile")).status_code == 200

    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    assert Session.objects.filter(session_key=client.session.session_key).exists()  # and in the database


def test_a_session_missing_from_the_cache_is_read_from_the_database():
    client = _signed_in()
    caches[settings.SESSION_CACHE_ALIAS].clear()

    assert client.get(reverse("accounts:profile")).status_code == 200


def test_sign_out_ends_the_session_for_every_worker():
    client = _signed_in()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    other = Client()  # another browser tab, served by another process: same cookie, same cache
    other.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert other.get(reverse("accounts:profile")).status_code == 200

    client.post(reverse("accounts:logout"))

    assert other.get(reverse("accounts:profile")).status_code == 302  # to the login page
    assert not Session.objects.filter(session_key=cookie).exists()


def test_a_replaced_database_forgets_the_cached_sessions():
    client = _signed_in()
    Session.objects.all().delete()  # as a restore or `flush` does, behind the cache's back

    forget_cached_sessions()  # what their post_migrate (and the restore) then do

    assert client.get(reverse("accounts:profile")).status_code == 302


def test_the_signed_in_user_is_read_whole_and_only_while_active():
    UserFactory(username="petrova", first_name="Мария", is_superuser=True)
    user = User.objects.get(username="petrova")
    backend = UsernameOrEmailBackend()

    found = backend.get_user(str(user.pk))
    assert found is not None
    assert (found.pk, found.username, found.first_name, found.is_superuser) == (
        user.pk,
        "petrova",
        "Мария",
        True,
    )
    assert found.date_joined == user.date_joined and found.password == user.password
    assert backend.get_user("не число") is None and backend.get_user(user.pk + 1000) is None

    user.is_active = False
    user.save()
    assert backend.get_user(user.pk) is None


def test_a_deactivated_user_is_signed_out_on_the_next_request():
    client = _signed_in()

    User.objects.filter(username="ivanova").update(is_active=False)

    assert client.get(reverse("accounts:profile")).status_code == 302
