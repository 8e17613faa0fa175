"""The navigation menu, grouped by the office's four directions plus administration.

Apps register their sections in `AppConfig.ready()`; the menu shows a section only when its URL exists and
the user holds its permission, so a role never sees a dead link.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.urls import NoReverseMatch, reverse


class Direction(models.TextChoices):
    ANALYTICS = "analytics", "Аналитика"
    INFORMATION = "information", "Информация"
    ORGANISATIONAL = "organisational", "Организационно-методическая работа"
    CONSULTATIONS = "consultations", "Консультации"
    ADMINISTRATION = "administration", "Администрирование"


@dataclass(frozen=True)
class NavItem:
    direction: Direction
    label: str
    url_name: str
    permission: str
    order: int = 100


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str
    links: tuple[NavLink, ...]


_registry: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _registry:
            _registry.append(item)


def registered_items() -> tuple[NavItem, ...]:
    return tuple(_registry)


def menu_for(user: object) -> list[NavGroup]:
    """The groups and links this user may open, in the order of the four directions."""
    has_perm = getattr(user, "has_perm", None)
    if has_perm is None or not getattr(user, "is_authenticated", False):
        return []
    groups: list[NavGroup] = []
    for direction in Direction:
        links = []
        for item in sorted((i for i in _registry if i.direction == direction), key=lambda i: i.order):
            if not has_perm(item.permission):
                continue
            try:
                links.append(NavLink(item.label, reverse(item.url_name)))
            except NoReverseMatch:
                continue
        if links:
            groups.append(NavGroup(direction.value, str(direction.label), tuple(links)))
    return groups
