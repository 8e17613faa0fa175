"""Registrations of olympiads/publication (navigation, profile sections, documents…); run from ready()."""


def ready() -> None:
    pass
