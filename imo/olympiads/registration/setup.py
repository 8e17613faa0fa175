"""Registrations of olympiads/registration (permissions, the menu, the Excel import); run from ready()."""


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register
    from imo.olympiads.registration import (
        importing,  # noqa: F401  (registers the import kind "olympiad_registration")
        rules,  # noqa: F401  (registers the permissions)
    )

    register(
        NavItem(
            Direction.ORGANISATIONAL,
            "Олимпиады: регистрация участников",
            "olympiads:registration",
            "olympiads.register",
            61,
        ),
        NavItem(
            Direction.ORGANISATIONAL,
            "Олимпиады: участники",
            "olympiads:participations",
            "olympiads.view",
            62,
        ),
        NavItem(
            Direction.ORGANISATIONAL,
            "Олимпиады: список на муниципальный этап",
            "olympiads:proposals",
            "olympiads.view_proposals",
            63,
        ),
    )
