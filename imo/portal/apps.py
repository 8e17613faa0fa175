from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "imo.portal"
    label = "portal"
    verbose_name = "Портал"

    def ready(self) -> None:
        from imo.core.navigation import Direction, NavItem, register

        register(
            NavItem(
                Direction.ADMINISTRATION,
                "Контакты отдела",
                "portal:office_contacts",
                "portal.change_office_contacts",
                40,
            )
        )
