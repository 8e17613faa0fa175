"""Registrations of olympiads/setup, run from ready(): the navigation entries."""


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register

    register(
        NavItem(
            Direction.ORGANISATIONAL,
            "Олимпиады: этапы и предметы",
            "olympiads:season_list",
            "olympiads.view",
            60,
        ),
        NavItem(
            Direction.ADMINISTRATION,
            "Предметы олимпиады",
            "olympiads:olympiad_subjects",
            "olympiads.manage",
            60,
        ),
    )
