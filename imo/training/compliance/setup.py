"""Registrations of training/compliance (navigation, profile sections, documents…); run from ready()."""


def ready() -> None:
    pass
