"""Registrations of training/catalogue; run from ready(): the navigation entry of the catalogue."""


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register

    register(
        NavItem(
            Direction.ORGANISATIONAL,
            "Курсы: организации и программы",
            "training:providers",
            "training.view_catalogue",
            45,
        )
    )
