from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "imo.accounts"
    label = "accounts"
    verbose_name = "Учётные записи"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.accounts.models import User

        # Changes to users are audited; secrets and login timestamps are not worth a log row each.
        auditlog.register(User, exclude_fields=["password", "last_login", "search_text"])
