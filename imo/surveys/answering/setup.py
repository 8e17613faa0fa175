"""Registrations of surveys/answering; run from ready()."""


def ready() -> None:
    pass
