"""Registrations of olympiads/analytics (navigation, profile sections, documents…); run from ready()."""


def ready() -> None:
    pass
