from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "imo.core"
    label = "core"
    verbose_name = "Общие компоненты"

    def ready(self) -> None:
        from django.core.signals import request_started

        from imo.core import collation, pagecache

        collation.connect()
        pagecache.connect()
        request_started.connect(pagecache.request_started, dispatch_uid="imo.pagecache.request")
