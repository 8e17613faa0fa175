"""Hardening (issue #10, item 2): the login lockout (django-axes), the password-reset rate limit and the
password policy, each answering in Russian."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from imo.accounts.tests.factories import PASSWORD, UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="petrova", email="petrova@example.ru")


@pytest.fixture(autouse=True)
def fresh_counters(settings):
    """Rate-limit counters of this test only."""
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "security-tests",
        },
    }
    from django.core.cache import caches

    caches["ratelimit"].clear()


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


# --- login lockout -------------------------------------------------------------------------------


def test_five_failures_lock_the_account_from_that_address_with_a_russian_page(client, user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert _login(client, "petrova", "неверный-пароль").status_code == 200
    fifth = _login(client, "petrova", "неверный-пароль")
    assert fifth.status_code == 429

    locked = _login(client, "petrova", PASSWORD)  # even the right password

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Вход временно заблокирован" in page and "Слишком много неудачных попыток входа" in page
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account_and_address(client, user):
    other = UserFactory(username="sidorova")
    for _ in range(5):
        _login(client, "petrova", "неверный-пароль")

    assert _login(Client(), "sidorova", PASSWORD).status_code == 302  # another account, same address
    assert _login(Client(), "petrova", PASSWORD, ip="10.0.0.2").status_code == 302  # same account elsewhere
    assert other.pk


def test_four_failures_then_success_resets_the_count(client, user):
    for _ in range(4):
        _login(client, "petrova", "неверный-пароль")
    assert _login(client, "petrova", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "petrova", "неверный-пароль")

    assert _login(client, "petrova", PASSWORD).status_code == 302


# --- password reset rate limit -------------------------------------------------------------------


def _reset(client: Client, email: str, ip: str = "10.0.0.1"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_is_limited_per_email_address(client, user, mailoutbox, settings):
    settings.IMO_PASSWORD_RESET_PER_EMAIL_HOURLY = 3
    for number in range(3):
        assert _reset(client, "petrova@example.ru", ip=f"10.0.1.{number}").status_code == 302
    assert len(mailoutbox) == 3

    refused = _reset(client, "Petrova@Example.ru", ip="10.0.1.9")  # any address, any case

    assert refused.status_code == 429
    assert "Слишком много запросов на восстановление пароля" in refused.content.decode()
    assert len(mailoutbox) == 3


def test_password_reset_is_limited_per_client_address(client, user, mailoutbox, settings):
    settings.IMO_PASSWORD_RESET_PER_IP_HOURLY = 4
    for number in range(4):
        assert _reset(client, f"nobody{number}@example.ru").status_code == 302

    refused = _reset(client, "petrova@example.ru")

    assert refused.status_code == 429
    assert mailoutbox == []  # the unknown addresses got nothing, and petrova was not written to
    assert _reset(client, "petrova@example.ru", ip="10.0.0.77").status_code == 302
    assert len(mailoutbox) == 1


def test_unknown_addresses_count_too_so_the_answer_tells_nothing(client, user, settings):
    settings.IMO_PASSWORD_RESET_PER_EMAIL_HOURLY = 1
    assert _reset(client, "nobody@example.ru").status_code == 302

    assert _reset(client, "nobody@example.ru", ip="10.0.0.3").status_code == 429


# --- password policy -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1-кот", "Введённый пароль слишком короткий."),
        ("password123", "Введённый пароль слишком широко распространён."),
        ("12345678901234", "Введённый пароль состоит только из цифр."),
        ("petrova@example.ru", "Введённый пароль слишком похож на"),
    ],
)
def test_weak_passwords_are_refused_in_russian(user, password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=user)

    assert any(text.startswith(message) for text in refused.value.messages), refused.value.messages


def test_a_long_uncommon_password_is_accepted(user):
    validate_password("Зимний-вечер-у-реки-7", user=user)


def test_the_password_change_form_shows_the_policy_in_russian(client, user):
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "1234567890", "new_password2": "1234567890"},
    )

    assert response.status_code == 200
    assert "Введённый пароль состоит только из цифр." in response.content.decode()
