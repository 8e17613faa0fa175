"""The access check every view starts with.

Anonymous visitors are sent to the login page; signed-in users without the permission get the Russian
403 page. Object access goes through each app's selectors, which answer 404 for objects outside the
user's scope, so another school's object never reveals that it exists.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django_htmx.middleware import HtmxDetails

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponse)


def check(user: Any, permission: str, obj: object | None = None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def requires(
    permission: str,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """View decorator: log in first, then hold `permission` (a rules permission, checked without object).
    Typed with HttpResponseBase so that file downloads (FileResponse streams) are views like any other."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            check(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def login_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """View decorator for pages every signed-in user may open (their profile, their home page)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return view(request, *args, **kwargs)

    return wrapped


class AppRequest(HttpRequest):
    """The request our views receive: django-htmx's details are attached by its middleware, and the user is
    signed in (every view that uses this type is wrapped by `requires` or `login_only`)."""

    htmx: HtmxDetails
    user: Any
