from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "imo.core"
    label = "core"
    verbose_name = "Общие компоненты"

    def ready(self) -> None:
        from imo.core import collation, columns_identity, lookups, pagecache

        collation.connect()
        pagecache.connect()
        columns_identity.install()
        lookups.install()
