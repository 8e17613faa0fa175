from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "imo.orgs"
    label = "orgs"
    verbose_name = "Организации и роли"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.core.navigation import Direction, NavItem, register
        from imo.orgs.models import Membership, Organization

        auditlog.register(Organization, exclude_fields=["search_text", "path", "created_at", "updated_at"])
        auditlog.register(Membership, exclude_fields=["created_at", "updated_at"])
        register(
            NavItem(
                Direction.ANALYTICS,
                "Образовательные организации",
                "orgs:list",
                "orgs.view_organization_list",
                10,
            ),
            NavItem(Direction.ADMINISTRATION, "Пользователи и роли", "orgs:users", "orgs.manage_users", 10),
        )
