"""Fixtures shared by the cross-app tests in tests/ (integration tests spanning apps, browser tests).

Layout: unit and integration tests of one app live in `imo/<app>/tests/`; tests/ holds what spans
apps, and tests/e2e/ the browser tests (marked `e2e` automatically by the root conftest.py; their
fixtures are in tests/e2e/conftest.py). The environment tests run in (static files without
collectstatic, plain http, a scratch IMO_VAR_DIR) is set in the root conftest.py.

Fixtures from plugins that the tests here use: pytest-django's `client`, `admin_client`,
`django_user_model`, `django_assert_max_num_queries`, `settings`, `live_server`; pytest-playwright's
`page` and `context` (browser tests only).
"""
