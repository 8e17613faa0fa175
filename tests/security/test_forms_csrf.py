"""Hardening (issue #10, item 2): what the Content-Security-Policy relies on and CSRF everywhere.

- No template has an inline script, an inline event handler (`onclick="…"`), a `javascript:` link or an
  inline style (`style="…"`, `<style>`): the policy allows scripts and styles from our own files only, so
  such code would be dead in browsers and a hole if the policy were ever loosened.
- Every `<form method="post">` carries `{% csrf_token %}`; htmx requests carry the token in the
  X-CSRFToken header set once on <body> (the CSRF cookie is HttpOnly, so no script could read it).
- A POST without the token is refused (403), with it the same request passes; the only views exempt from
  CSRF are listed here with the reason.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from imo.accounts.tests.factories import PASSWORD, UserFactory
from imo.orgs.tests.factories import make_district

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    [*(ROOT / "templates").rglob("*.html"), *(ROOT / "imo").glob("**/templates/**/*.html")],
    key=lambda path: path.as_posix(),
)
# Templates WeasyPrint turns into PDF files (named *_pdf.html, rendered by imo.core.documents.rendering
# .render_pdf): never sent to a browser, so the policy does not apply and their <style> stays.
PDF_TEMPLATES = [path for path in TEMPLATES if path.name.endswith("_pdf.html")]
PAGE_TEMPLATES = [path for path in TEMPLATES if path not in PDF_TEMPLATES]
# Views without CSRF protection, each for a reason written next to it.
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: mail clients POST with no session or form token; the signed token
    # in the URL is the proof (imo/library/digest/views.py).
    "imo.library.digest.views.digest_unsubscribe",
}


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _without_comments(text: str) -> str:
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.S)
    text = re.sub(r"{#.*?#}", "", text, flags=re.S)
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def test_templates_are_found():
    assert len(PAGE_TEMPLATES) > 100
    assert ROOT / "templates" / "base.html" in PAGE_TEMPLATES


def test_pdf_templates_are_only_rendered_to_pdf():
    """A *_pdf.html template may keep its <style> only while nothing but render_pdf (directly or as a
    document kind's `pdf_template`) renders it."""
    sources = {
        _relative(path): path.read_text(encoding="utf-8")
        for path in (ROOT / "imo").rglob("*.py")
        if "tests" not in path.parts
    }
    for path in PDF_TEMPLATES:
        name = path.as_posix().split("/templates/", 1)[1]
        uses = [
            (source, text[max(0, found.start() - 40) : found.start()])
            for source, text in sources.items()
            for found in re.finditer(rf"[\"']{re.escape(name)}[\"']", text)
        ]
        assert uses, f"{name} is not rendered anywhere"
        for source, before in uses:
            assert re.search(r"(render_pdf\(\s*|pdf_template=)$", before), f"{source} uses {name}: {before!r}"


def test_no_inline_scripts_handlers_or_styles_in_templates():
    problems = []
    for path in PAGE_TEMPLATES:
        text = _without_comments(path.read_text(encoding="utf-8"))
        for tag in re.finditer(r"<script\b[^>]*>", text, flags=re.I):
            if not re.search(r"\bsrc\s*=", tag.group(0), flags=re.I):
                problems.append(f"{_relative(path)}: inline <script>")
            elif re.search(r"\btype\s*=\s*['\"]?(?!text/javascript|module)", tag.group(0), flags=re.I):
                problems.append(f"{_relative(path)}: <script> of an odd type")
        for match in re.finditer(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=\s*[\"']", text, flags=re.I):
            problems.append(f"{_relative(path)}: event handler attribute {match.group(1)}")
        if re.search(r"\bstyle\s*=\s*[\"']", text, flags=re.I) or re.search(r"<style\b", text, flags=re.I):
            problems.append(f"{_relative(path)}: inline style")
        if re.search(r"(href|src|action)\s*=\s*[\"']\s*javascript:", text, flags=re.I):
            problems.append(f"{_relative(path)}: javascript: URL")
    assert problems == []


def test_htmx_may_not_evaluate_code():
    """Inline scripts in swapped content and htmx's own eval would go round the policy: both are off."""
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', base)
    assert config is not None
    values = json.loads(config.group(1))
    assert values["allowEval"] is False and values["allowScriptTags"] is False


def test_every_post_form_has_a_csrf_token():
    forms = 0
    missing = []
    for path in TEMPLATES:
        text = _without_comments(path.read_text(encoding="utf-8"))
        for match in re.finditer(r"<form\b[^>]*>", text, flags=re.I | re.S):
            if not re.search(r"method\s*=\s*[\"']?post", match.group(0), flags=re.I):
                continue
            forms += 1
            end = text.find("</form>", match.end())
            body = text[match.end() : end if end != -1 else len(text)]
            if "{% csrf_token %}" not in body:
                missing.append(f"{_relative(path)}: {match.group(0)[:80]}")
    assert forms > 100
    assert missing == []


def test_no_post_forms_are_built_in_python():
    """Forms built in code would escape the template check above."""
    built = [
        _relative(path)
        for path in (ROOT / "imo").rglob("*.py")
        if "tests" not in path.parts
        and re.search(r"<form\b[^\n]*method=[\"']?post", path.read_text("utf-8"), re.I)
    ]
    assert built == []


def _views(patterns: list, prefix: str = "") -> list:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            found.extend(_views(entry.url_patterns))
        elif isinstance(entry, URLPattern):
            found.append(entry.callback)
    return found


def test_only_the_listed_views_are_exempt_from_csrf():
    exempt = set()
    for view in _views(get_resolver().url_patterns):
        if getattr(view, "csrf_exempt", False):
            exempt.add(f"{view.__module__}.{getattr(view, '__qualname__', view.__class__.__name__)}")
    assert exempt == CSRF_EXEMPT


@pytest.fixture
def district(db):
    return make_district()


def test_a_post_without_the_token_is_refused(district):
    user = UserFactory(username="csrf_user")
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_an_htmx_request_sends_the_token_from_the_page_and_passes(district):
    client = Client(enforce_csrf_checks=True)
    client.force_login(district.user("methodist"))
    url = reverse("library:news_preview")

    refused = client.post(url, {"body": "**Важно**"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 403

    page = client.get(reverse("portal:home"))
    headers = re.search(r"<body hx-headers='([^']+)'", page.content.decode())
    assert headers is not None, "base.html must give htmx the CSRF header"
    token = json.loads(html.unescape(headers.group(1)))["X-CSRFToken"]
    passed = client.post(url, {"body": "**Важно**"}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert passed.status_code == 200
    assert "<strong>Важно</strong>" in passed.content.decode()


def test_a_form_posts_with_its_own_token(district):
    user = UserFactory(username="csrf_form_user")
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("accounts:login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None

    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
    )

    assert response.status_code == 302
