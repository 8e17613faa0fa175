"""Registrations of olympiads/setup (navigation, profile sections, documents…); run from ready()."""


def ready() -> None:
    pass
