from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "imo.reference"
    label = "reference"
    verbose_name = "Справочники"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.core.navigation import Direction, NavItem, register
        from imo.reference.models import AcademicYear, Grade, Position, Subject

        for model in (Subject, Position, AcademicYear):
            auditlog.register(model, exclude_fields=["search_text", "created_at", "updated_at"])
        auditlog.register(Grade)
        register(
            NavItem(
                Direction.ADMINISTRATION, "Справочники", "reference:index", "reference.view_reference", 20
            )
        )
