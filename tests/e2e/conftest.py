"""Fixtures for the browser tests: Playwright (pytest-playwright) driving Debian's Chromium.

Every test in this directory is marked `e2e` by the root conftest.py; run them with
`pytest -m e2e tests/e2e` (the `browser` step of `make test`). A test takes pytest-django's
`live_server` (which also gives it a transactional database) and pytest-playwright's `page`:

    def test_login_page(page, live_server, login, assert_accessible, django_user_model):
        django_user_model.objects.create_user(username="head", password="Пароль-для-теста-1")
        login(page, live_server, "head", "Пароль-для-теста-1")
        page.goto(live_server.url + "/organizations/")
        assert_accessible(page)

Fixtures here: `login`, `assert_accessible` (also as `axe`), and the browser settings below.

The Content-Security-Policy stays in force in these tests (no `bypass_csp`): axe-core is injected with
`page.evaluate`, which the page's CSP does not govern, so the browser still enforces the policy the
site sends, and a page that only works with an inline script or style fails here as it would for a
user. A test that really needs the policy off can say `@pytest.mark.browser_context_args(bypass_csp=True)`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Any, Protocol

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from playwright.sync_api import Page

# Playwright's sync API runs an event loop in the test's thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate (it is: test set-up, not async code).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
# --no-sandbox: CI runs as root. The networking/update/sync flags stop Chromium from calling out to
# the internet, which this machine's closed network answers with refusals and start-up delays.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERIOUS_IMPACTS = frozenset({"serious", "critical"})


class LiveServerLike(Protocol):
    url: str


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium instead of a Playwright-downloaded browser (there is no download here)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A Russian-speaking browser: Accept-Language and `navigator.language` are ru-RU."""
    return {**browser_context_args, "locale": "ru-RU"}


# --- one request at a time -------------------------------------------------------------------------


# The live server shares the test's in-memory SQLite connection with its request threads; two requests at
# once (a page whose charts and tables load by htmx side by side) then run queries on one connection from two
# threads, which can stall both for good. A single-threaded server answers them one after the other (and
# closes each connection, so the browser's keep-alive cannot hold it).
def _single_threaded_server(self: LiveServerThread, connections_override: Any = None) -> WSGIServer:
    return WSGIServer((self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False)


setattr(LiveServerThread, "_create_server", _single_threaded_server)  # noqa: B010  (not in the stubs)


# The lists data migrations fill are put back before every test by the root conftest
# (`_seeded_catalogues`): a live server's test database is flushed after each test.

# --- accessibility ------------------------------------------------------------------------------


@cache
def _axe_source() -> str:
    """axe-core as shipped inside the axe-playwright-python package (no npm needed)."""
    return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def assert_accessible(page: Page, *, context: str | None = None) -> None:
    """Run axe-core on the page as it is now; fail on any serious or critical violation.

    `context` narrows the check to a CSS selector (e.g. a dialog that just opened). Minor and moderate
    findings are not failures: the budget is "no serious or critical violations".
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    if context is None:
        results = page.evaluate("async () => await axe.run()")
    else:
        results = page.evaluate("async (ctx) => await axe.run(ctx)", context)
    problems = [v for v in results["violations"] if v.get("impact") in SERIOUS_IMPACTS]
    if problems:
        lines = [f"axe: {len(problems)} serious/critical accessibility violation(s) on {page.url}"]
        for violation in problems:
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}")
            for node in violation["nodes"][:10]:
                lines.append(f"    at {', '.join(map(str, node['target']))}")
            if len(violation["nodes"]) > 10:
                lines.append(f"    … and {len(violation['nodes']) - 10} more")
        pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture(name="assert_accessible")
def assert_accessible_fixture() -> Callable[..., None]:
    """`assert_accessible(page)` — see the function of the same name above."""
    return assert_accessible


@pytest.fixture
def axe() -> Callable[..., None]:
    """Alias of `assert_accessible`."""
    return assert_accessible


# --- login --------------------------------------------------------------------------------------


def log_in(page: Page, live_server: LiveServerLike | str, username: str, password: str) -> None:
    """Sign in through the real login form at /accounts/login/ and wait until it has been left.

    Fails with the page's own error text when the form comes back (wrong password, lockout).
    """
    base = live_server if isinstance(live_server, str) else live_server.url
    page.goto(f"{base}/accounts/login/")
    form = page.locator("form").filter(has=page.locator("input[name='password']"))
    form.locator("input[name='username']").fill(username)
    form.locator("input[name='password']").fill(password)
    with page.expect_navigation():
        form.locator("[type='submit']").first.click()
    if "/accounts/login/" in page.url:
        errors = page.locator(".invalid-feedback, .alert, .errorlist").all_inner_texts()
        pytest.fail(f"login as {username!r} failed: {' | '.join(e.strip() for e in errors if e.strip())}")


@pytest.fixture
def login() -> Callable[[Page, LiveServerLike | str, str, str], None]:
    """`login(page, live_server, username, password)` — sign in through the login form."""
    return log_in
