"""Registrations of olympiads/registration (navigation, profile sections, documents…); run from ready()."""


def ready() -> None:
    pass
