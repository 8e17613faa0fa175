"""Sections of a person's profile page that other modules contribute (attestation, courses, olympiad
results, …) without the page's app importing them: an inversion, as the navigation registry does.

A module registers a section in its AppConfig.ready():

    register_section(ProfileSection(
        key="attestation", title="Аттестация", order=30,
        template="attestation/profile_section.html",
        context=lambda request, educator: {"history": attestation_history(educator=educator)},
    ))

The profile page asks `sections_for(request, subject)` and includes each template with its context.
`context` returns None when the section has nothing to show to this user (or they may not see it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class ProfileSection:
    key: str
    title: str
    order: int
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]


_SECTIONS: dict[str, ProfileSection] = {}


def register_section(section: ProfileSection) -> None:
    _SECTIONS[section.key] = section


def registered_sections() -> list[ProfileSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


@dataclass(frozen=True)
class RenderedSection:
    section: ProfileSection
    context: dict[str, Any]


def sections_for(request: HttpRequest, subject: Any) -> list[RenderedSection]:
    """The sections to show on `subject`'s profile to this request's user, in order."""
    shown = []
    for section in registered_sections():
        context = section.context(request, subject)
        if context is not None:
            shown.append(RenderedSection(section, context))
    return shown
