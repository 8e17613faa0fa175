"""Registrations of surveys/answering; run from ready(): the respondents' menu entry «Мои анкеты»."""


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register

    register(NavItem(Direction.ANALYTICS, "Мои анкеты", "surveys:my", "surveys.answer", 55))
