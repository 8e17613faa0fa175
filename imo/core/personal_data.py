"""The personal-data access log as seen from the layers below staff (accounts, orgs): the log lives in
imo.staff (imo/staff/access_log.py), which registers its functions here from its AppConfig.ready(), so a
users' page can log who viewed whose data without importing an app above it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_loggers: dict[str, Callable[..., Any]] = {}


def register_access_loggers(*, log: Callable[..., Any], log_table: Callable[..., Any]) -> None:
    _loggers["log"] = log
    _loggers["log_table"] = log_table


def log_access(**kwargs: Any) -> None:
    """imo.staff.access_log.personal_data_access_log, once staff is ready."""
    _loggers["log"](**kwargs)


def log_table_access(table: Any, **kwargs: Any) -> None:
    """imo.staff.access_log.log_table_access, once staff is ready."""
    _loggers["log_table"](table, **kwargs)
