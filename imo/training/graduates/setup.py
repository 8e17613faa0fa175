"""Registrations of training/graduates (permissions, the menu); run from ready()."""


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register
    from imo.training.graduates import rules  # noqa: F401  (registers the permissions)

    register(
        NavItem(
            Direction.ORGANISATIONAL,
            "Загрузка списков слушателей курсов",
            "training:import",
            "training.import_courses",
            42,
        ),
        NavItem(
            Direction.ORGANISATIONAL,
            "Слушатели курсов: сопоставление",
            "training:pending_graduates",
            "training.resolve_graduates",
            43,
        ),
    )
