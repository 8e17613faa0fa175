"""Registrations of training/plans (navigation, profile sections, documents…); run from ready()."""


def ready() -> None:
    pass
