"""Registrations of this part of the attestation app (navigation, documents, chores); run from ready()."""


def ready() -> None:
    from imo.attestation.applications import rules  # noqa: F401  (registers the permissions)
    from imo.attestation.applications.documents import register_documents
    from imo.attestation.applications.profile import section_context
    from imo.core.navigation import Direction, NavItem, register
    from imo.core.profile import ProfileSection, register_section

    register_documents()
    register(
        NavItem(
            Direction.ORGANISATIONAL,
            "Заявления на аттестацию",
            "attestation:applications",
            "attestation.view_applications",
            20,
        ),
    )
    register_section(
        ProfileSection(
            key="attestation_applications",
            title="Заявления на аттестацию",
            order=31,
            template="attestation/applications/profile_section.html",
            context=section_context,
        )
    )
