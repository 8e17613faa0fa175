"""Periodic housekeeping ("chores") run by `imo worker` beside the jobs: e.g. deleting old import uploads.

An app registers its chores in its AppConfig.ready(); the worker's housekeeping thread runs each one when
it is due (once at start, then every `every`). There is no separate scheduler to install: a production
server already runs `imo worker`, and `imo worker --batch` (e.g. from cron) runs every chore once.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("imo.jobs")


@dataclass(frozen=True)
class Chore:
    name: str
    run: Callable[[], object]
    every: dt.timedelta


_CHORES: dict[str, Chore] = {}


def register_chore(name: str, run: Callable[[], object], *, every: dt.timedelta) -> None:
    """Add (or replace) the chore `name`."""
    _CHORES[name] = Chore(name, run, every)


def registered_chores() -> list[Chore]:
    return list(_CHORES.values())


def run_due_chores(last_runs: dict[str, float], *, now: float | None = None) -> list[str]:
    """Run the chores not run within their period (per `last_runs`, monotonic seconds, updated here).
    A failing chore is logged and retried at its next period; the others still run. Returns the names run."""
    now = time.monotonic() if now is None else now
    done = []
    for chore in registered_chores():
        last = last_runs.get(chore.name)
        if last is not None and now - last < chore.every.total_seconds():
            continue
        last_runs[chore.name] = now
        try:
            result = chore.run()
        except Exception:
            logger.exception("Housekeeping chore %s failed", chore.name)
            continue
        logger.info("Housekeeping chore %s done: %s", chore.name, result)
        done.append(chore.name)
    return done
