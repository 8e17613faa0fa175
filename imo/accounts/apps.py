from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_migrate


def forget_cached_sessions(**kwargs: Any) -> None:
    """The sessions table was replaced or emptied (a restore, `flush`, the demo's reset): sessions kept
    in the cache would outlive their rows."""
    caches[settings.SESSION_CACHE_ALIAS].clear()


class AccountsConfig(AppConfig):
    name = "imo.accounts"
    label = "accounts"
    verbose_name = "Учётные записи"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from imo.accounts.models import User

        # Changes to users are audited; secrets and login timestamps are not worth a log row each.
        auditlog.register(User, exclude_fields=["password", "last_login", "search_text"])
        # `migrate` and `flush` both end with post_migrate.
        post_migrate.connect(forget_cached_sessions, dispatch_uid="imo.accounts.sessions")
