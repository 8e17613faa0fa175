"""Reads of the change log (django-auditlog's LogEntry): who may see it, filters, folded text search.

Scope: the log is shown to the head and the admin (see rules.py) and to superusers. One installation
serves one district, so everything in the log happened in that district and they see all of it.
Region-wide scoping (a municipality's head seeing only entries about their subtree) is future work: the
entry would need the organisation it concerns stored with it (e.g. in `additional_data`), because a
deleted object can no longer be looked up to find where it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Expression, F, Func, Model, QuerySet, TextField, Value
from django.db.models.functions import Lower, Replace
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst

from imo.core.collation import russian
from imo.core.text import fold

ACTION_LABELS: dict[int, str] = {
    LogEntry.Action.CREATE: "Создание",
    LogEntry.Action.UPDATE: "Изменение",
    LogEntry.Action.DELETE: "Удаление",
    LogEntry.Action.ACCESS: "Просмотр",
}
# The actions the filter offers: what django-auditlog records for the registered models.
FILTER_ACTIONS: tuple[tuple[int, str], ...] = tuple(
    (action, ACTION_LABELS[action])
    for action in (LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE)
)


@dataclass(frozen=True)
class LogFilters:
    actor_id: int | None = None
    model: str = ""  # "app_label.model_name" of an audited model
    action: int | None = None
    date_from: dt.date | None = None  # inclusive, a day in the project's time zone
    date_to: dt.date | None = None  # inclusive
    query: str = ""  # words looked for in the object's name, case and ё folded
    object_pk: str = ""  # one object's history (with `model`)


SORTS = {"time": "timestamp"}
DEFAULT_SORT = "-time"


def may_view_log(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("audit.view_log"))


def audited_models() -> list[tuple[str, str]]:
    """(label, Russian name) of every model django-auditlog records, in Russian alphabetical order."""
    from imo.core.text import russian_sort_key

    choices = [
        (model._meta.label_lower, capfirst(str(model._meta.verbose_name_plural)))
        for model in auditlog.get_models()
    ]
    return sorted(choices, key=lambda choice: russian_sort_key(choice[1]))


def _model_for(label: str) -> type[Model] | None:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if auditlog.contains(model) else None


# --- Text search folded the way imo.core.text.fold() folds, in SQL ----------------------------------
#
# SQLite's lower() folds only ASCII, and PostgreSQL's follows the database's LC_CTYPE (nothing beyond
# ASCII under "C"). So the Cyrillic capitals (Russian, the other Cyrillic alphabets of U+0400–U+042F and
# the Chechen palochka Ӏ) are mapped explicitly, ё to е, and lower() is left only the ASCII letters.

_CYRILLIC_UPPER = "".join(chr(code) for code in range(0x0400, 0x0430)) + "\u04c0"
_CYRILLIC_LOWER = (
    "".join(chr(code) for code in range(0x0450, 0x0460))
    + "".join(chr(code) for code in range(0x0430, 0x0450))
    + "\u04cf"
)
_FOLD_FROM = _CYRILLIC_UPPER + "ё"
_FOLD_TO = (_CYRILLIC_LOWER + "е").replace("ё", "е")


class Folded(Func):
    """`fold(expression)` in SQL: Cyrillic and ASCII case folded, ё → е; the same on both databases."""

    output_field = TextField()

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, output_field=TextField())

    def _portable(self) -> Expression:
        # One REPLACE per letter: portable SQL (SQLite has no translate()).
        mapped = reduce(
            lambda inner, pair: Replace(inner, Value(pair[0]), Value(pair[1])),
            zip(_FOLD_FROM, _FOLD_TO, strict=True),
            self.get_source_expressions()[0],
        )
        return Lower(mapped)

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return compiler.compile(self._portable())

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        translated = Func(
            self.get_source_expressions()[0], Value(_FOLD_FROM), Value(_FOLD_TO),
            function="translate", output_field=TextField(),
        )
        return compiler.compile(Lower(translated))


# --- The log ------------------------------------------------------------------------------------------


def _start_of_day(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the project's time zone (settings.TIME_ZONE), as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def log_entries_visible_to(*, user: Any, filters: LogFilters, sort: str = DEFAULT_SORT) -> QuerySet[LogEntry]:
    """Log entries the user may see, filtered, newest first. One query whatever the size of the log."""
    if not may_view_log(user):
        return LogEntry.objects.none()
    queryset = LogEntry.objects.select_related("actor", "content_type")
    if filters.actor_id:
        queryset = queryset.filter(actor_id=filters.actor_id)
    if filters.model:
        model = _model_for(filters.model)
        if model is None:
            return LogEntry.objects.none()
        queryset = queryset.filter(content_type=ContentType.objects.get_for_model(model, for_concrete_model=False))
        if filters.object_pk:
            queryset = queryset.filter(object_pk=filters.object_pk)
    if filters.action is not None:
        queryset = queryset.filter(action=filters.action)
    if filters.date_from:
        queryset = queryset.filter(timestamp__gte=_start_of_day(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(timestamp__lt=_start_of_day(filters.date_to + dt.timedelta(days=1)))
    words = fold(filters.query).split()
    if words:
        queryset = queryset.alias(folded_repr=Folded(F("object_repr")))
        for word in words:
            queryset = queryset.filter(folded_repr__contains=word)
    if sort.lstrip("-") not in SORTS:
        sort = DEFAULT_SORT
    if sort.startswith("-"):
        return queryset.order_by("-timestamp", "-pk")
    return queryset.order_by("timestamp", "pk")


def log_entry_get_for(*, user: Any, pk: int) -> LogEntry:
    """One entry the user may see, else 404."""
    entry = log_entries_visible_to(user=user, filters=LogFilters()).filter(pk=pk).first()
    if entry is None:
        raise Http404("Запись журнала не найдена.")
    return entry


def actors_in_log(*, user: Any) -> QuerySet[Any]:
    """The users who made at least one change in the log the user sees, for the filter's choices."""
    actor_ids = (
        log_entries_visible_to(user=user, filters=LogFilters())
        .filter(actor__isnull=False)
        .order_by()
        .values("actor_id")
    )
    return (
        get_user_model()
        .objects.filter(pk__in=actor_ids)
        .order_by(russian("last_name"), russian("first_name"), "username", "pk")
    )
