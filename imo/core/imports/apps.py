import datetime as dt

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imo.core.imports"
    label = "imports"
    verbose_name = "Загрузка из Excel"

    def ready(self) -> None:
        from django.conf import settings

        from imo.core.imports.services import import_runs_purge
        from imo.core.jobs.chores import register_chore

        # Uploads may hold personal data: keep them no longer than the office needs to look back.
        register_chore(
            "imports.purge_runs",
            lambda: import_runs_purge(older_than_days=settings.IMO_IMPORT_RUNS_KEEP_DAYS),
            every=dt.timedelta(hours=6),
        )
