from django.apps import AppConfig


class AttestationConfig(AppConfig):
    name = "imo.attestation"
    label = "attestation"
    verbose_name = "Аттестация педагогов"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.attestation import (
            facets,
            personal_data,
            rules,  # noqa: F401  (registers the permissions)
        )
        from imo.attestation.applications import setup as applications_setup
        from imo.attestation.models import (
            Application,
            ApplicationFile,
            AttestationSettings,
            ConformityAttestation,
            Exemption,
            QualificationCategory,
            ScheduleEntry,
        )
        from imo.attestation.profile import section_context
        from imo.attestation.reminders import setup as reminders_setup
        from imo.attestation.schedule import setup as schedule_setup
        from imo.core.navigation import Direction, NavItem, register
        from imo.core.profile import ProfileSection, register_section

        excluded = ["created_at", "updated_at"]
        auditlog.register(QualificationCategory, exclude_fields=excluded)
        auditlog.register(ConformityAttestation, exclude_fields=excluded)
        auditlog.register(Exemption, exclude_fields=excluded)
        auditlog.register(Application, exclude_fields=excluded)
        auditlog.register(ApplicationFile, exclude_fields=excluded)
        auditlog.register(ScheduleEntry, exclude_fields=excluded)
        auditlog.register(AttestationSettings)
        register(
            NavItem(
                Direction.ANALYTICS,
                "Аттестация: что требует внимания",
                "attestation:due",
                "attestation.view_due",
                20,
            ),
        )
        register_section(
            ProfileSection(
                key="attestation",
                title="Аттестация",
                order=30,
                template="attestation/profile_section.html",
                context=section_context,
            )
        )
        applications_setup.ready()
        schedule_setup.ready()
        reminders_setup.ready()
        facets.ready()
        personal_data.ready()  # sheets of the educator's subject-access export, erasure
