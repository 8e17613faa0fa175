from django.apps import AppConfig


class AttestationConfig(AppConfig):
    name = "imo.attestation"
    label = "attestation"
    verbose_name = "Аттестация педагогов"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.attestation import rules  # noqa: F401  (registers the permissions)
        from imo.attestation.models import ConformityAttestation, Exemption, QualificationCategory
        from imo.core.navigation import Direction, NavItem, register

        excluded = ["created_at", "updated_at"]
        auditlog.register(QualificationCategory, exclude_fields=excluded)
        auditlog.register(ConformityAttestation, exclude_fields=excluded)
        auditlog.register(Exemption, exclude_fields=excluded)
        register(
            NavItem(
                Direction.ANALYTICS,
                "Аттестация: что требует внимания",
                "attestation:due",
                "attestation.view_due",
                20,
            ),
        )
