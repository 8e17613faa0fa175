from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from imo.core.navigation import menu_for
from imo.orgs.selectors import primary_membership


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page: site name, the menu, the user's main role."""
    user = getattr(request, "user", None)
    return {
        "site_name": settings.IMO_SITE_NAME,
        "nav_groups": menu_for(user) if user is not None else [],
        "current_membership": primary_membership(user) if user is not None else None,
    }
