"""Registrations of surveys/builder; run from ready()."""


def ready() -> None:
    pass
