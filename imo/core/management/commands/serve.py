"""`imo serve`: the production WSGI server (gunicorn), static files served by WhiteNoise.

In the demo (DEBUG on) or with `--with-worker` it also starts `imo worker` as a child process, so
background jobs run; the worker stops with the server. In production the worker is its own service.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def _default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def _tune_garbage_collector() -> None:
    """Fewer pauses of Python's cycle collector in the web workers (measured: ~10 % off a heavy page).

    The application's modules, loaded here before gunicorn forks, are frozen: the collector stops
    walking them on every pass (and the forked workers keep sharing their memory pages). A page makes
    tens of thousands of short-lived objects (template nodes, rows), so with the default threshold of
    700 allocations the youngest generation is collected dozens of times per page; every 50,000 keeps
    a worker's extra memory to a few megabytes.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


class Command(BaseCommand):
    help = "Запустить веб-сервер (gunicorn) для работы пользователей."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("IMO_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("IMO_PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("IMO_WORKERS", _default_workers()))
        )
        parser.add_argument("--threads", type=int, default=int(os.environ.get("IMO_THREADS", "4")))
        parser.add_argument(
            "--with-worker",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="запустить и обработчик фоновых задач (по умолчанию — только в демо-режиме, DEBUG)",
        )

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
            # Longer than gunicorn's 2 s, shorter than a proxy's usual 60 s upstream keep-alive: with 2 s
            # a client reusing a connection just as the server drops it gets a reset (seen under load).
            "keepalive": 15,
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

        _tune_garbage_collector()
        with_worker = settings.DEBUG if options["with_worker"] is None else options["with_worker"]
        worker = self._start_worker() if with_worker else None
        self.stdout.write(f"ИМО работает: http://{options['host']}:{options['port']}/  (остановить: Ctrl+C)")
        server_pid = os.getpid()
        try:
            Server().run()
        finally:
            # gunicorn's forked web workers leave through here too: only the server itself stops it.
            if worker is not None and os.getpid() == server_pid:
                self._stop_worker(worker)

    def _start_worker(self) -> subprocess.Popen[bytes]:
        """`imo worker` beside gunicorn; it also stops by itself if this process dies without cleaning up."""
        command = [sys.executable, "-m", "imo.cli", "worker", "--parent-pid", str(os.getpid())]
        process = subprocess.Popen(command, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.stdout.write(f"Обработчик фоновых задач запущен (процесс {process.pid}).")
        return process

    def _stop_worker(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.terminate()  # the worker finishes the job at hand, then exits
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
