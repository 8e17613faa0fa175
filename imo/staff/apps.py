from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "imo.staff"
    label = "staff"
    verbose_name = "Педагогические работники"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.staff import rules  # noqa: F401  (registers the permissions)
        from imo.staff.models import Award, Consent, EducationRecord, Educator, Employment

        excluded = ["search_text", "name_key", "created_at", "updated_at"]
        auditlog.register(Educator, exclude_fields=excluded, mask_fields=["snils", "inn"])
        auditlog.register(EducationRecord, exclude_fields=["created_at", "updated_at"])
        auditlog.register(Award, exclude_fields=["created_at", "updated_at"])
        auditlog.register(Employment, exclude_fields=["created_at", "updated_at"], m2m_fields={"subjects"})
        auditlog.register(Consent, exclude_fields=["created_at", "updated_at"])
