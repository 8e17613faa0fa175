from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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
