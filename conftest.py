"""Pytest configuration for the whole repository (app tests in imo/*/tests and tests/).

Settings for tests. pytest-django imports `imo.settings` *before* it loads any conftest.py, so
environment variables set here come too late for the settings module itself; the few values that
must differ in tests are therefore patched on the loaded settings below, and the same values are
also put in the environment for any `imo …` subprocess a test may start:

- plain static storage (IMO_PLAIN_STATIC=1) instead of whitenoise's manifest storage, so
  `{% static %}` works without `collectstatic`. pytest-django's live_server serves /static/ from the
  finders: it wraps the app in staticfiles' StaticFilesHandler when django.contrib.staticfiles is
  installed (checked by the browser tests loading the stylesheet).
- plain http: with DEBUG off the settings default to production values (SSL redirect, secure-only
  cookies, HSTS); the test client and the live server speak http, so those are off.
- a scratch var directory (IMO_VAR_DIR, MEDIA_ROOT, STATIC_ROOT, the rate-limit cache), so tests never
  touch the developer's demo database, uploads, collected static files or rate-limit counters in var/.
- Argon2 at its smallest cost (see `_cheap_argon2`), so factories that make users stay fast.

`setdefault` for the environment (except the scratch IMO_VAR_DIR): a value set on purpose by whoever
runs pytest wins.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

TEST_ENV = {
    "DJANGO_SETTINGS_MODULE": "imo.settings",
    "IMO_PLAIN_STATIC": "1",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
}
for _name, _value in TEST_ENV.items():
    os.environ.setdefault(_name, _value)

if "IMO_TEST_VAR_DIR" not in os.environ:
    # pytest-xdist workers inherit this variable from the controller and share its directory; only the
    # process that made it removes it.
    _var_dir = tempfile.mkdtemp(prefix="imo-pytest-var-")
    os.environ["IMO_TEST_VAR_DIR"] = _var_dir
    atexit.register(shutil.rmtree, _var_dir, ignore_errors=True)
VAR_DIR = Path(os.environ["IMO_TEST_VAR_DIR"])
os.environ["IMO_VAR_DIR"] = str(VAR_DIR)
# whitenoise warns at start-up about a missing STATIC_ROOT; an empty one is enough.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
(VAR_DIR / "media").mkdir(parents=True, exist_ok=True)

E2E_DIR = Path(__file__).resolve().parent / "tests" / "e2e"


def _patch_settings() -> None:
    """Apply the test values to the settings pytest-django has already loaded (see the docstring).

    Nothing has read these yet: storages and middleware are built on first use, after this runs.
    """
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = VAR_DIR / "media"
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {**settings.CACHES["ratelimit"], "LOCATION": str(VAR_DIR / "cache")},
        # In memory and emptied before each test (`_empty_page_cache`): a page cached by one test must not
        # answer another test's request on other data.
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "imo-pages"},
        "page_generations": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "imo-page-generations",
        },
        # A folder per xdist worker: a test that flushes the database (post_migrate empties the session
        # cache: imo.accounts.apps) must not drop the sessions of another worker's test midway, which then
        # counted one query more than it expected.
        "sessions": {
            **settings.CACHES["sessions"],
            "LOCATION": str(VAR_DIR / "cache" / f"sessions-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"),
        },
    }
    settings.STATIC_ROOT = VAR_DIR / "static"


def _cheap_argon2() -> None:
    """Argon2 with the smallest cost instead of Django's (100 MiB, 2 passes, 8 lanes).

    Every user a factory makes is hashed: at the production cost that is ~0.4 s each on these
    2-core machines, which turned a 200-test suite into a quarter of an hour. The hasher stays the
    same (hashes still read `argon2$argon2id$…`, login still verifies them); only its cost changes,
    and only in tests.
    """
    from django.contrib.auth.hashers import Argon2PasswordHasher

    Argon2PasswordHasher.time_cost = 1
    Argon2PasswordHasher.memory_cost = 8  # KiB, argon2's minimum for one lane
    Argon2PasswordHasher.parallelism = 1


_patch_settings()
_cheap_argon2()


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright's base_url fixture trips a pytest 9 deprecation that is not ours to fix.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e as `e2e`, so `-m "not e2e"` leaves the browser tests out.

    tryfirst: pytest's own `-m` deselection runs in this same hook and must see the marker.
    """
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)
    rank = {nodeid: n for n, nodeid in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid, len(rank)))  # stable: the rest keep their order


@pytest.fixture(autouse=True)
def _empty_page_cache() -> None:
    """Each test starts with nothing in the page cache and no topics marked as its thread's own writes."""
    from django.core.cache import caches

    from imo.core import pagecache

    caches[pagecache.CACHE_ALIAS].clear()
    caches[pagecache.GENERATIONS_ALIAS].clear()
    pagecache.forget_own_writes()


# Free pages above this many (4 KiB each, so ~40 MiB) are given back by VACUUM; see below.
_SQLITE_FREE_PAGES_LIMIT = 10_000


def _give_back_freed_sqlite_pages() -> None:
    """VACUUM the worker's SQLite test database when an earlier flush left it mostly empty pages.

    A flush deletes rows but keeps the pages: after the region-scale demo (tests of `imo demo`) the
    in-memory database stays hundreds of MiB, and every later test that copies it (the backup tests
    archive it, tests/faults copy it to a file) spent 15-35 s copying and compressing empty pages. Only
    the file size changes: the rows, the schema and what the tests see are the same. Skipped when it
    cannot run (another connection holds a lock): then the test is slower, not different.
    """
    from django.db import OperationalError, connection

    if connection.vendor != "sqlite":
        return  # PostgreSQL's flush is TRUNCATE, which gives the space back
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA freelist_count")
        free = cursor.fetchone()[0]
        if free > _SQLITE_FREE_PAGES_LIMIT:
            with contextlib.suppress(OperationalError):
                cursor.execute("VACUUM")


# Tests that take minutes, moved to the front of the run so that pytest-xdist's load scheduling starts them
# first: at the back, the other worker finished everything else and then sat idle for minutes while one
# worker built the region demo alone. Only the order changes (tests do not depend on it: each has its own
# data), so every test still runs.
SLOW_FIRST = (
    "imo/portal/tests/test_demo_command.py::test_region_scale",
    "imo/portal/tests/test_demo_command.py::test_demo_fills_the_district_once_and_prints_every_role",
)


# The lists data migrations seed (each function is idempotent: get_or_create).
SEEDED_BY_MIGRATIONS = (
    ("imo.reference.migrations.0002_seed", "seed"),
    ("imo.training.migrations.0002_topics", "add_topics"),
    ("imo.olympiads.migrations.0002_subjects", "add_subjects"),
    ("imo.library.migrations.0003_kinds", "add_kinds"),
)


@pytest.fixture(autouse=True)
def _seeded_catalogues(request: pytest.FixtureRequest) -> None:
    """Transactional tests (browser tests, the worker's) end with a flush that empties every table,
    including the catalogues a data migration seeded (subjects, positions, grades, topics, olympiad
    subjects, document kinds): the next test would find no «Учитель». Seed them again for tests that use
    such a database."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    _give_back_freed_sqlite_pages()
    from importlib import import_module

    from django.apps import apps

    for module, function in SEEDED_BY_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)
