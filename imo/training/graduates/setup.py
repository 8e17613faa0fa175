"""Registrations of training/graduates (navigation, profile sections, documents…); run from ready()."""


def ready() -> None:
    pass
