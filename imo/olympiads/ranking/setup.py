"""Registrations of olympiads/ranking (menu entry of the ranking tool); run from ready()."""


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register

    register(
        NavItem(
            Direction.ORGANISATIONAL,
            "Олимпиады: рейтинги и апелляции",
            "olympiads:ranking_index",
            "olympiads.view",
            64,
        )
    )
    register(
        NavItem(
            Direction.ORGANISATIONAL,
            "Рейтинг по протоколу олимпиады или конкурса",
            "olympiads:ranking_tool",
            "olympiads.view",
            66,
        )
    )
