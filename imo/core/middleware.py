from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
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
