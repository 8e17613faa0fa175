"""Registrations of training/development (navigation, profile section); run from ready()."""


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register
    from imo.core.profile import ProfileSection, register_section
    from imo.training.development import rules  # noqa: F401  (registers the permissions)
    from imo.training.development.profile import section_context

    register(
        NavItem(
            Direction.ORGANISATIONAL,
            "Индивидуальные образовательные маршруты",
            "training:development_plans",
            "training.view_development_plans",
            36,
        )
    )
    register_section(
        ProfileSection(
            key="training_development",
            title="Индивидуальный образовательный маршрут",
            order=36,
            template="training/development/profile_section.html",
            context=section_context,
        )
    )
