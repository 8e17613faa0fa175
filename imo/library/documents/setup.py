"""Registrations of library/documents; run from ready()."""


def ready() -> None:
    pass
