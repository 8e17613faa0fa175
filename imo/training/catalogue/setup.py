"""Registrations of training/catalogue (navigation, profile sections, documents…); run from ready()."""


def ready() -> None:
    pass
