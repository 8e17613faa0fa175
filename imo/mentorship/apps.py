from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def mentoring_portfolio(educator: Any) -> list[Any]:
    """The educator's mentorships as a mentor, for the attestation portfolio (imo.core.portfolio)."""
    from imo.core.portfolio import PortfolioEntry
    from imo.mentorship.models import Mentorship

    section = "Наставническая деятельность"
    entries = []
    for mentorship in Mentorship.objects.filter(mentor=educator).select_related("mentee", "organization"):
        period = f"с {mentorship.starts_on:%d.%m.%Y}"
        if mentorship.ends_on:
            period += f" по {mentorship.ends_on:%d.%m.%Y}"
        entries.append(
            PortfolioEntry(
                section,
                f"Наставник молодого специалиста: {mentorship.mentee}",
                mentorship.starts_on,
                f"{mentorship.organization}, {period}, {mentorship.get_status_display()}",
            )
        )
    return entries


class MentorshipConfig(AppConfig):
    name = "imo.mentorship"
    label = "mentorship"
    verbose_name = "Молодые специалисты и наставничество"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.core.navigation import Direction, NavItem, register
        from imo.core.portfolio import register_portfolio_source
        from imo.core.profile import ProfileSection, register_section
        from imo.mentorship import personal_data, rules  # noqa: F401  (rules registers the permissions)
        from imo.mentorship.models import Mentorship, MentorshipPlanItem, MentorshipReport
        from imo.mentorship.profile import section_context

        excluded = ["created_at", "updated_at"]
        auditlog.register(Mentorship, exclude_fields=excluded)
        auditlog.register(MentorshipPlanItem, exclude_fields=excluded)
        auditlog.register(MentorshipReport, exclude_fields=excluded)
        organisational = Direction.ORGANISATIONAL
        register(
            NavItem(
                organisational, "Молодые специалисты", "mentorship:early_career", "mentorship.view_lists", 30
            ),
            NavItem(organisational, "Наставничество", "mentorship:list", "mentorship.view_lists", 31),
        )
        register_section(
            ProfileSection(
                key="mentorship",
                title="Наставничество",
                order=40,
                template="mentorship/profile_section.html",
                context=section_context,
            )
        )
        personal_data.ready()  # sheet of the educator's subject-access export
        register_portfolio_source("mentorship", "Наставническая деятельность", mentoring_portfolio, order=50)
