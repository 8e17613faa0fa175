"""Registrations of training/records (navigation, profile sections, documents…); run from ready()."""


def ready() -> None:
    pass
