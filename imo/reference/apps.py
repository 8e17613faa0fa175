from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "imo.reference"
    label = "reference"
    verbose_name = "Справочники"

    def ready(self) -> None:
        from imo.core.navigation import Direction, NavItem, register

        register(NavItem(Direction.ADMINISTRATION, "Справочники", "reference:index", "reference.view_reference", 20))
