"""Registrations of olympiads/students (navigation, profile sections, documents…); run from ready()."""


def ready() -> None:
    pass
