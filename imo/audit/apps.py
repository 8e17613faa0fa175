from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "imo.audit"
    label = "audit"
    verbose_name = "Журнал изменений"

    def ready(self) -> None:
        from imo.core.navigation import Direction, NavItem, register

        register(NavItem(Direction.ADMINISTRATION, "Журнал изменений", "audit:log", "audit.view_log", 30))
