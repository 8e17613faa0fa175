"""Registrations of library/news; run from ready()."""


def ready() -> None:
    pass
