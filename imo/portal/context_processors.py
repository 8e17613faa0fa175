from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from imo.core import pagecache
from imo.core.navigation import NavGroup, menu_for
from imo.orgs.selectors import primary_membership


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page: site name, the menu, the user's main role.

    Read once per request and user: a page rendered in parts (the profile's sections, each a
    render_to_string with the request) runs the context processors once per part."""
    user = getattr(request, "user", None)
    who = getattr(user, "pk", None)
    memo = getattr(request, "_imo_shell", None)
    if memo is not None and memo[0] == who:
        return dict(memo[1])
    menu = _menu(user)
    context = {
        "site_name": settings.IMO_SITE_NAME,
        "nav_groups": menu.groups,
        "nav_html": menu.html,
        "current_membership": primary_membership(user) if user is not None else None,
    }
    request._imo_shell = (who, context)  # type: ignore[attr-defined]
    return dict(context)


# The menu asks the permission of each of ~50 sections on every page: kept per user until roles change
# (memberships are in orgs, jury seats in olympiads). Whatever else a permission reads shows in the menu
# within a minute; the pages themselves check access exactly on every request.
MENU_SECONDS = 60


@dataclass(frozen=True)
class Menu:
    groups: list[NavGroup]
    # The groups as the header shows them (components/nav_menu.html), drawn when the menu is read: a
    # menu of a dozen groups and fifty links through the template cost more than the rest of the header.
    html: SafeString


NO_MENU = Menu([], SafeString(""))


def _menu_of(groups: list[NavGroup]) -> Menu:
    html = render_to_string("components/nav_menu.html", {"nav_groups": groups})
    return Menu(groups, mark_safe(html))  # rendered, and escaped, by Django's templates


def _menu(user: Any) -> Menu:
    if not getattr(user, "is_authenticated", False):
        return NO_MENU
    return pagecache.cached(
        "portal.menu.drawn",
        topics=("orgs", "olympiads"),
        parts=pagecache.user_parts(user),
        timeout=MENU_SECONDS,
        compute=lambda: _menu_of(menu_for(user)),
    )
