"""Registrations of training/plans (permissions, navigation, document kinds); run from ready()."""


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register
    from imo.training.plans import (
        documents,
        rules,  # noqa: F401  (registers the permissions)
    )

    documents.register()
    register(
        NavItem(
            Direction.ORGANISATIONAL,
            "План повышения квалификации",
            "training:plans",
            "training.view_plans",
            40,
        )
    )
