from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "imo.mentorship"
    label = "mentorship"
    verbose_name = "Молодые специалисты и наставничество"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.core.navigation import Direction, NavItem, register
        from imo.core.profile import ProfileSection, register_section
        from imo.mentorship import rules  # noqa: F401  (registers the permissions)
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
