"""`imo worker`: run background jobs (imports, reports, mailings) queued in the database.

In production it runs as its own service next to `imo serve` (one or more processes; each takes one
job at a time). The demo's `imo serve` starts one itself. It is django-tasks-db's worker loop plus the
project's housekeeping: a heartbeat for the jobs it runs, every minute failing the jobs of a worker that
died (see `imo.core.jobs.services.job_fail_stale`), and the apps' periodic chores (imo.core.jobs.chores).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from argparse import SUPPRESS
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from imo.core.jobs.chores import run_due_chores
from imo.core.jobs.services import job_fail_stale, job_heartbeat

logger = logging.getLogger("imo.jobs")

_SWEEP_EVERY_SECONDS = 60.0


class Housekeeper(threading.Thread):
    """Beside the worker loop: heartbeats, the stale-job sweep, and stopping when the parent has gone."""

    def __init__(self, *, worker_id: str, parent_pid: int | None) -> None:
        super().__init__(name="imo-worker-housekeeping", daemon=True)
        self.worker_id = worker_id
        self.parent_pid = parent_pid
        self.stopped = threading.Event()

    def run(self) -> None:
        period = max(1.0, min(settings.IMO_JOBS_HEARTBEAT_SECONDS, _SWEEP_EVERY_SECONDS))
        last_sweep = float("-inf")  # sweep at once when starting
        chores_run: dict[str, float] = {}
        try:
            while True:
                if self.parent_pid is not None and os.getppid() != self.parent_pid:
                    logger.warning("The server that started this worker has gone; stopping")
                    os.kill(os.getpid(), signal.SIGTERM)
                    return
                try:
                    job_heartbeat(worker_id=self.worker_id)
                    if time.monotonic() - last_sweep >= _SWEEP_EVERY_SECONDS:
                        job_fail_stale()
                        last_sweep = time.monotonic()
                        run_due_chores(chores_run)
                except DatabaseError:
                    logger.warning("Job housekeeping failed; will retry", exc_info=True)
                if self.stopped.wait(period):
                    return
        finally:
            connections.close_all()  # this thread's connections

    def stop(self) -> None:
        self.stopped.set()


class Command(BaseCommand):
    help = "Запустить обработчик фоновых задач (импорт больших файлов, отчёты, рассылки)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=float(os.environ.get("IMO_WORKER_INTERVAL", "1")),
            help="как часто проверять очередь, когда она пуста, секунд (по умолчанию 1)",
        )
        parser.add_argument(
            "--batch", action="store_true", help="выполнить всё, что в очереди, и завершиться"
        )
        parser.add_argument("--max-tasks", type=int, default=None, help="завершиться после стольких задач")
        parser.add_argument(
            "--worker-id",
            default="",
            help="имя обработчика, уникальное среди запущенных (по умолчанию — случайное)",
        )
        # Set by `imo serve`: stop when that server process is gone.
        parser.add_argument("--parent-pid", type=int, default=None, help=SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        self._configure_logging(options["verbosity"])
        worker_id = options["worker_id"] or f"{os.uname().nodename[:20]}-{os.getpid()}-{get_random_string(6)}"
        worker = Worker(
            queue_names=["default"],
            interval=max(0.0, options["interval"]),
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id[:64],
            excluded_queue_names=[],
        )
        housekeeper = Housekeeper(worker_id=worker.worker_id, parent_pid=options["parent_pid"])
        if not options["batch"]:
            housekeeper.start()
        else:
            job_fail_stale()
            run_due_chores({})
        logger.info("Обработчик задач %s запущен", worker.worker_id)
        numbers = [signal.SIGINT, signal.SIGTERM, *([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])]
        previous = {number: signal.getsignal(number) for number in numbers}
        worker.configure_signals()
        try:
            worker.run()
        except SystemExit as stop:
            # The worker loop exits through sys.exit() on a signal; end quietly with its code.
            if stop.code not in (0, None):
                raise
        finally:
            housekeeper.stop()
            for number, handler in previous.items():
                signal.signal(number, handler)
            logger.info("Обработчик задач %s остановлен", worker.worker_id)

    def _configure_logging(self, verbosity: int) -> None:
        # The records reach the console handler of the project's LOGGING (root) through propagation.
        level = {0: logging.ERROR, 1: logging.INFO}.get(verbosity, logging.DEBUG)
        for name in ("imo.jobs", "django_tasks", "django_tasks_db"):
            logging.getLogger(name).setLevel(level)
