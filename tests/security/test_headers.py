"""Hardening (issue #10, item 2): the security headers on representative pages of every kind (a public
page, the login form, an office list, its htmx partial, an Excel export, a document download, a 404), the
production cookie and HSTS settings taken from imo/settings.py itself, and uploaded files kept outside the
static folders and served only as attachments.

`imo check --deploy` with production values is run by imo/core/tests/test_deploy.py (a subprocess with a
production environment, so the settings module itself is what is checked).
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from imo.accounts.tests.factories import PASSWORD
from imo.library.tests.documents_fixtures import Bank, make_bank

ROOT = Path(__file__).resolve().parents[2]

# The values the root conftest.py turns off for plain-http tests, and DEBUG: without them the settings
# module gives what production gets.
TEST_ONLY_ENVIRONMENT = {
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
}
PRODUCTION_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
]


def settings_module_in_production() -> Any:
    """imo/settings.py evaluated afresh in the environment of a production server."""
    environment = {key: value for key, value in os.environ.items() if key not in TEST_ONLY_ENVIRONMENT}
    environment["SECRET_KEY"] = "x" * 60
    spec = importlib.util.spec_from_file_location(
        "imo_settings_as_in_production", ROOT / "imo" / "settings.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, environment, clear=True):
        spec.loader.exec_module(module)
    return module


def production_settings() -> dict[str, Any]:
    module = settings_module_in_production()
    return {name: getattr(module, name) for name in PRODUCTION_SETTINGS}


def csp_directives(response: Any) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_hardened(response: Any) -> None:
    directives = csp_directives(response)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None, "scripts are not restricted"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "*" not in scripts and "data:" not in scripts
    # Inline style attributes stay forbidden too (no template uses them: see test_forms_csrf.py).
    assert "'unsafe-inline'" not in directives.get("style-src", directives["default-src"])
    assert directives.get("object-src") == ["'none'"]
    assert directives.get("base-uri") == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response.get("X-Frame-Options") == "DENY" or directives.get("frame-ancestors") == ["'none'"]
    assert response.get("X-Frame-Options") == "DENY"  # both, for browsers without CSP level 2
    assert directives.get("frame-ancestors") == ["'none'"]


@pytest.fixture
def bank(db, settings, tmp_path) -> Bank:
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_bank()


def _as(client: Client, bank: Bank, key: str | None) -> Client:
    if key is not None:
        client.force_login(bank.user(key))
    return client


PAGES = [
    pytest.param(None, lambda bank: reverse("portal:home"), {}, 200, id="public home"),
    pytest.param(None, lambda bank: reverse("accounts:login"), {}, 200, id="login"),
    pytest.param("methodist", lambda bank: reverse("staff:list"), {}, 200, id="office list"),
    pytest.param(
        "methodist", lambda bank: reverse("staff:list"), {"HTTP_HX_REQUEST": "true"}, 200, id="htmx partial"
    ),
    pytest.param(
        "methodist",
        lambda bank: reverse("staff:educator_picker") + "?q=Тест",
        {"HTTP_HX_REQUEST": "true"},
        200,
        id="htmx picker",
    ),
    pytest.param("methodist", lambda bank: reverse("staff:export"), {}, 200, id="excel export"),
    pytest.param(
        None,
        lambda bank: reverse("library:document_download", args=[bank.docs["public"].pk]),
        {},
        200,
        id="document download",
    ),
    pytest.param(None, lambda bank: "/net-takoy-stranicy/", {}, 404, id="404"),
    pytest.param("teacher_a", lambda bank: reverse("audit:log"), {}, 403, id="403"),
]


@pytest.mark.parametrize(("key", "url", "headers", "status"), PAGES)
def test_security_headers_on_representative_pages(client, bank, key, url, headers, status):
    response = _as(client, bank, key).get(url(bank), **headers)

    assert response.status_code == status
    assert_hardened(response)


def test_production_settings_are_secure():
    values = production_settings()

    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["CSRF_COOKIE_SECURE"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]


def test_production_cookies_are_secure_and_http_only_and_hsts_is_sent(db, settings):
    for name, value in production_settings().items():
        setattr(settings, name, value)
    user = make_bank().user("methodist")
    client = Client()

    plain = client.get(reverse("accounts:login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")

    page = client.get(reverse("accounts:login"), secure=True)
    assert page.status_code == 200
    assert_hardened(page)
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in page["Strict-Transport-Security"]
    csrf_cookie = page.cookies[django_settings.CSRF_COOKIE_NAME]
    assert csrf_cookie["secure"] and csrf_cookie["httponly"]

    login = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, secure=True
    )
    assert login.status_code == 302
    session_cookie = login.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


# --- uploaded files ------------------------------------------------------------------------------


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


@pytest.mark.parametrize("source", ["settings file defaults", "running settings"])
def test_media_root_is_outside_static_folders(source):
    values: Any = settings_module_in_production() if source == "settings file defaults" else django_settings
    media = Path(values.MEDIA_ROOT)
    static_folders = [Path(values.STATIC_ROOT), *map(Path, values.STATICFILES_DIRS)]
    for folder in static_folders:
        assert not _inside(media, folder) and not _inside(folder, media), folder


def test_uploaded_files_have_no_public_url():
    """Files are served only by views that check access: nothing routes /media/ straight to the folder."""
    with pytest.raises(Resolver404):
        resolve(f"{django_settings.MEDIA_URL}library/2026/01/any.docx")


def test_every_file_response_in_the_code_is_an_attachment():
    """Every place that streams a stored file sets an attachment Content-Disposition (uploads are never
    shown inline, where a crafted file could run in the site's origin); the other downloads go through
    imo.core.documents.downloads.attachment. Each app's own tests request its downloads (library, news,
    attestation, olympiads, training, mentorship, surveys)."""
    offenders = []
    for path in sorted((ROOT / "imo").rglob("*.py")):
        if "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\b(FileResponse|StreamingHttpResponse)\(", text) and not (
            "content_disposition(" in text or "as_attachment=True" in text
        ):
            offenders.append(path.relative_to(ROOT).as_posix())
        if "inline;" in text and "Content-Disposition" in text:
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []


def test_the_attachment_helper_sends_a_download_with_a_russian_name():
    from imo.core.documents.downloads import attachment

    response = attachment(b"%PDF-1.4", file_name="Справка № 3.pdf", content_type="application/pdf")

    assert response["Content-Disposition"].startswith('attachment; filename="Spravka 3.pdf"')
    assert "filename*=UTF-8''%D0%A1" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
