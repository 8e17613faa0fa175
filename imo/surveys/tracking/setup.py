"""Registrations of surveys/tracking; run from ready()."""


def ready() -> None:
    pass
