import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The factories hash a password per user; Argon2 makes each district take seconds. Tests log in
    with force_login, so the hash only has to exist."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
