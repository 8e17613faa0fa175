"""Registrations of surveys/results; run from ready()."""


def ready() -> None:
    pass
