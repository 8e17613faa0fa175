"""Registrations of olympiads/ranking (navigation, profile sections, documents…); run from ready()."""


def ready() -> None:
    pass
