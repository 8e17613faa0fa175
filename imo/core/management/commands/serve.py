"""`imo serve`: the production WSGI server (gunicorn), static files served by WhiteNoise."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def _default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


class Command(BaseCommand):
    help = "Запустить веб-сервер (gunicorn) для работы пользователей."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("IMO_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("IMO_PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("IMO_WORKERS", _default_workers()))
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("IMO_THREADS", "4")))

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        from imo.wsgi import application

        if not settings.DEBUG:
            # The manifest of hashed static names must exist before the first page renders.
            call_command("collectstatic", interactive=False, verbosity=0)

        config = {
            "bind": f"{options['host']}:{options['port']}",
            "workers": options["workers"],
            "threads": options["threads"],
            "worker_class": "gthread",
            "timeout": 120,
            "accesslog": "-" if settings.DEBUG else None,
            "errorlog": "-",
            "loglevel": "warning",
        }

        class Server(BaseApplication):
            def load_config(self) -> None:
                for key, value in config.items():
                    if value is not None:
                        self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        self.stdout.write(f"ИМО работает: http://{options['host']}:{options['port']}/  (остановить: Ctrl+C)")
        Server().run()
