"""Registrations of surveys/builder; run from ready(): the menu entry of the office's surveys."""


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register

    register(
        NavItem(Direction.ANALYTICS, "Анкеты и мониторинги", "surveys:list", "surveys.manage_surveys", 50)
    )
