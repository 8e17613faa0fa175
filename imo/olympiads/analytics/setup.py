"""Registrations of olympiads/analytics (navigation, the profile section, the DOCX report); run from
ready()."""

from imo.core.navigation import Direction, NavItem, register
from imo.core.profile import ProfileSection, register_section


def ready() -> None:
    from imo.olympiads.analytics import (
        documents,
        profile,
        rules,
    )

    register(NavItem(Direction.ANALYTICS, "Олимпиады: аналитика", "olympiads:analytics", rules.VIEW, 40))
    register_section(
        ProfileSection(
            key="olympiad_results",
            title="Олимпиады: результаты учеников",
            order=45,
            template="olympiads/analytics/profile_section.html",
            context=profile.section_context,
        )
    )
    documents.register()
