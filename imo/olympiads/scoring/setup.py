"""Registrations of olympiads/scoring (permissions, menu, the «Сириус.Курсы» import); run from ready()."""

from imo.core.navigation import Direction, NavItem, register


def ready() -> None:
    from imo.olympiads.scoring import (
        importing,  # noqa: F401  (registers the «Сириус.Курсы» import)
        rules,  # noqa: F401  (registers the permissions)
    )

    register(
        NavItem(
            Direction.ORGANISATIONAL,
            "Жюри: проверка работ",
            "olympiads:jury_home",
            "olympiads.scoring_home",
            62,
        )
    )
