"""Registrations of the attestation schedule (navigation, the document kind, permissions); run from
AttestationConfig.ready()."""


def ready() -> None:
    from imo.attestation.schedule import (
        documents,
        rules,  # noqa: F401  (registers the permissions)
    )
    from imo.core.navigation import Direction, NavItem, register

    documents.register()
    register(
        NavItem(
            Direction.ORGANISATIONAL,
            "График аттестации",
            "attestation:schedule",
            "attestation.view_schedule",
            30,
        )
    )
