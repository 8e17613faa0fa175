"""Registrations of this part of the attestation app (navigation, documents, chores); run from ready()."""


def ready() -> None:
    pass
