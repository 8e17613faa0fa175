from __future__ import annotations

import logging
import time
from collections.abc import Callable

from csp.middleware import CheckableLazyObject, CSPMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template import loader

logger = logging.getLogger(__name__)

_RENEW_EVERY_SECONDS = 60


class IdleSessionMiddleware:
    """Ends a signed-in session after SESSION_IDLE_SECONDS without a request.

    Renewing the expiry on every request would write the session row on every page view; renewing at
    most once a minute keeps the idle timeout within a minute of exact at a fraction of the writes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("_imo_renewed", 0) >= _RENEW_EVERY_SECONDS:
                session["_imo_renewed"] = now
                session.set_expiry(settings.SESSION_IDLE_SECONDS)
        return self.get_response(request)


class DatabaseOutageMiddleware:
    """A page that failed because the database did not answer gets the Russian «try again in a minute» page
    with status 503 instead of the generic 500.

    OperationalError and InterfaceError are what Django raises when the server is down, restarting or
    refuses connections (and what SQLite raises when its lock wait ran out). The transaction of the request
    was rolled back, so nothing was half-saved; `conn_health_checks` reconnects on the next request, so the
    site recovers by itself. The page is rendered without context processors: they would ask the database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable on %s %s", request.method, request.path, exc_info=exception)
        response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
        response["Retry-After"] = "60"
        return response


class FixedCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy built once instead of on every response.

    django-csp rebuilds the header from the settings on each response (deep copies of the directives,
    twice: the policy and the report-only one), ~1 % of a web worker's CPU under load. No view here changes
    the policy (no @csp_update, @csp_replace, nonces, excluded prefixes): a response that does, and any in
    DEBUG (django-csp leaves error pages alone there), takes django-csp's own way; every other one gets the
    headers django-csp wrote the first time, which hold until the settings change (a restart)."""

    _built: tuple[tuple[str, str], ...] | None = None

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if settings.DEBUG or _changes_policy(request, response):
            return super().process_response(request, response)
        if self._built is None:
            probe = HttpResponse()
            super().process_response(request, probe)
            self._built = tuple((name, str(probe[name])) for name in _HEADERS if name in probe)
        for name, value in self._built:
            if name not in response and not getattr(response, _EXEMPT[name], False):
                response[name] = value
        # As django-csp does: a nonce asked for after the header is written is an error, not a silent one.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
_EXEMPT = {"Content-Security-Policy": "_csp_exempt", "Content-Security-Policy-Report-Only": "_csp_exempt_ro"}
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


def _changes_policy(request: HttpRequest, response: HttpResponseBase) -> bool:
    policies = (
        getattr(settings, name, None) or {}
        for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    )
    return (
        getattr(request, "_csp_nonce", None) is not None
        or any(getattr(response, name, None) is not None for name in _PER_RESPONSE)
        or any(policy.get("EXCLUDE_URL_PREFIXES") for policy in policies)
    )
