"""Registrations of training/compliance (navigation); run from ready()."""

from imo.core.navigation import Direction, NavItem, register


def ready() -> None:
    register(
        NavItem(
            Direction.ANALYTICS,
            "Повышение квалификации: трёхлетний срок",
            "training:compliance",
            "training.view_compliance",
            30,
        )
    )
