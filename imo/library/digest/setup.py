"""Registrations of library/digest; run from ready()."""


def ready() -> None:
    pass
