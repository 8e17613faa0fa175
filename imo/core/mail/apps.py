from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "imo.core.mail"
    label = "mail"
    verbose_name = "Почта"

    def ready(self) -> None:
        from imo.core.mail.permissions import VIEW_LOG
        from imo.core.navigation import Direction, NavItem, register

        register(NavItem(Direction.ADMINISTRATION, "Журнал почты", "mail:log", VIEW_LOG, 60))
