"""Registrations of library/search; run from ready()."""


def ready() -> None:
    pass
