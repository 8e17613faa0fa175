"""Registrations of library/files; run from ready()."""


def ready() -> None:
    pass
