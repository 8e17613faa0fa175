"""Production settings: `imo check --deploy` is clean, passwords are hashed with argon2."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

import imo.settings as project_settings

ROOT = Path(__file__).resolve().parents[3]


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_HSTS_SECONDS",
            "IMO_PLAIN_STATIC",
            "DATABASE_URL",
        }
    }
    env.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "imo.example.ru",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            "IMO_VAR_DIR": str(tmp_path),
        }
    )
    return env


def test_check_deploy_reports_no_issues_with_production_values(tmp_path):
    env = _production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "imo.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_passwords_are_hashed_with_argon2_by_default():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_static_files_collect_with_the_production_storage(tmp_path):
    """`imo serve` runs collectstatic with whitenoise's manifest storage, which fails on any file a CSS or
    JS file refers to that is missing (e.g. a vendored library's source map)."""
    result = subprocess.run(
        [sys.executable, "-m", "imo.cli", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """The pages' statements are short; JIT compiling them cost more than it saved (settings.py)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db
def test_postgresql_statements_are_bound_by_the_server_and_prepared_after_a_few_uses():
    """settings.py: PostgreSQL parses and plans a repeated statement once per connection."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == 5
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT %s::int + 1", [1])
            assert cursor.fetchone()[0] == 2
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] >= 1


def test_prepared_statements_can_be_turned_off(tmp_path):
    """IMO_DB_PREPARED=0, e.g. behind a pooler that cannot keep them."""
    env = {
        **_production_env(tmp_path),
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
        "IMO_DB_PREPARED": "0",
    }
    code = (
        "import imo.settings as s; o = s.DATABASES['default']['OPTIONS']; print(o.get('server_side_binding'))"
    )

    def binding(prepared: str) -> str:
        run = {**env, "IMO_DB_PREPARED": prepared}
        result = subprocess.run(
            [sys.executable, "-c", code], env=run, capture_output=True, text=True, cwd=ROOT, check=True
        )
        return result.stdout.strip()

    assert binding("0") == "None"
    assert binding("1") == "True"
