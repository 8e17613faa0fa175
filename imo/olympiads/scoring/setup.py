"""Registrations of olympiads/scoring (navigation, profile sections, documents…); run from ready()."""


def ready() -> None:
    pass
