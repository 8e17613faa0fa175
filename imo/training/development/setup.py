"""Registrations of training/development (navigation, profile sections, documents…); run from ready()."""


def ready() -> None:
    pass
