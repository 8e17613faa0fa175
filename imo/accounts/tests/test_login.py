import pytest
from django.urls import reverse

from imo.accounts.tests.factories import PASSWORD, UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="ivanova", email="Ivanova@example.ru")


def _login(client, login, password):
    return client.post(reverse("accounts:login"), {"username": login, "password": password})


def test_login_with_username_or_email(client, user):
    assert _login(client, "ivanova", PASSWORD).status_code == 302
    client.logout()
    assert _login(client, "ivanova@EXAMPLE.ru", PASSWORD).status_code == 302


def test_wrong_password_gets_a_russian_message(client, user):
    response = _login(client, "ivanova", "неверный")
    assert response.status_code == 200
    assert "Неверный логин или пароль" in response.content.decode()


def test_lockout_after_five_failures(client, user):
    for _ in range(5):
        _login(client, "ivanova", "неверный")
    response = _login(client, "ivanova", PASSWORD)
    assert response.status_code == 429
    assert "Вход временно заблокирован" in response.content.decode()


def test_inactive_user_cannot_log_in(client, user):
    user.is_active = False
    user.save()
    assert _login(client, "ivanova", PASSWORD).status_code == 200


def test_logout_is_a_post(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_idle_session_expires(client, user, settings):
    client.force_login(user)
    client.get(reverse("accounts:profile"))
    assert client.session.get_expiry_age() <= settings.SESSION_IDLE_SECONDS


def test_profile_update(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "last_name": "Иванова",
            "first_name": "Ольга",
            "patronymic": "",
            "email": "olga@example.ru",
            "phone": "",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.first_name == "Ольга" and "иванова" in user.search_text


def test_password_reset_sends_a_russian_email(client, user, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "ivanova@example.ru"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "Восстановление пароля" in mailoutbox[0].subject
