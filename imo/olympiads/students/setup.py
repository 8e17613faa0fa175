"""Registrations of olympiads/students (navigation); run from ready()."""


def ready() -> None:
    from imo.core.navigation import Direction, NavItem, register

    register(
        NavItem(
            Direction.ORGANISATIONAL, "Олимпиады: обучающиеся", "olympiads:students", "olympiads.view", 60
        ),
        NavItem(
            Direction.ORGANISATIONAL,
            "Олимпиады: заявления родителей",
            "olympiads:consents",
            "olympiads.view",
            61,
        ),
        NavItem(
            Direction.ORGANISATIONAL, "Олимпиады: контингент", "olympiads:enrolment", "olympiads.view", 62
        ),
    )
