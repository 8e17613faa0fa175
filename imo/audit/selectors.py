"""Reads of the change log (django-auditlog's LogEntry): who may see it, filters, folded text search.

Scope: the log is shown to the head and the admin (see rules.py) and to superusers. One installation
serves one district, so everything in the log happened in that district and they see all of it.
Region-wide scoping (a municipality's head seeing only entries about their subtree) is future work: the
entry would need the organisation it concerns stored with it (e.g. in `additional_data`), because a
deleted object can no longer be looked up to find where it was.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import NotSupportedError
from django.db.models import BooleanField, F, Func, Model, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst

from imo.core.collation import POSTGRES_COLLATION, russian
from imo.core.text import fold, russian_sort_key

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


def may_view_log(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("audit.view_log"))


def audited_models() -> list[tuple[str, str]]:
    """(label, Russian name) of every model django-auditlog records, in Russian alphabetical order."""
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
# SQLite's lower() and LIKE fold only ASCII, and PostgreSQL's follow the database's LC_CTYPE (nothing
# beyond ASCII under "C"). So:
# - PostgreSQL: lower() under the ICU Russian collation that core's migration creates (Unicode case
#   mapping whatever the cluster's locale), ё → е, LIKE. (translate() with the whole alphabet was
#   15 times slower on 200 000 rows.)
# - SQLite (50 nested replace() calls overflow its parser): GLOB, which is case-sensitive, with a
#   character class per letter of the folded word: "елка" → "*[еЁЕё][лЛ][кК][аА]*". The classes cover
#   the Cyrillic of U+0400–U+045F, the Chechen palochka Ӏ and ASCII.

_CYRILLIC_UPPER = "".join(chr(code) for code in range(0x0400, 0x0430)) + "\u04c0"
_CYRILLIC_LOWER = (
    "".join(chr(code) for code in range(0x0450, 0x0460))
    + "".join(chr(code) for code in range(0x0430, 0x0450))
    + "\u04cf"
)
_FOLD_FROM = _CYRILLIC_UPPER + "ё"
_FOLD_TO = (_CYRILLIC_LOWER + "е").replace("ё", "е")
_ASCII_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _variants() -> dict[str, str]:
    """Folded letter → every letter that folds to it (itself first)."""
    variants: dict[str, list[str]] = {}
    for upper, lower in [
        *zip(_FOLD_FROM, _FOLD_TO, strict=True),
        *zip(_ASCII_UPPER, _ASCII_UPPER.lower(), strict=True),
    ]:
        variants.setdefault(lower, [lower])
        if upper not in variants[lower]:
            variants[lower].append(upper)
    return {letter: "".join(chars) for letter, chars in variants.items()}


_VARIANTS = _variants()
_GLOB_SPECIAL = frozenset("*?[]")


def glob_pattern(word: str) -> str:
    """A SQLite GLOB pattern matching text that contains `word` (already folded) when folded."""
    parts = []
    for char in word:
        chars = _VARIANTS.get(char)
        if chars is not None and len(chars) > 1:
            parts.append(f"[{chars}]")
        elif char in _GLOB_SPECIAL:
            parts.append(f"[{char}]")  # inside a class, *, ?, [ and a leading ] are literal
        else:
            parts.append(char)
    return "*" + "".join(parts) + "*"


def _like_pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class FoldedContains(Func):
    """`fold(word) in fold(expression)` as a condition, the same on SQLite and PostgreSQL.

    `word` must already be folded with imo.core.text.fold().
    """

    output_field = BooleanField()

    def __init__(self, expression: Any, word: str) -> None:
        self.word = word
        super().__init__(expression, output_field=BooleanField())

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"({sql} GLOB %s)", (*params, glob_pattern(self.word))

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = compiler.compile(self.get_source_expressions()[0])
        collation = connection.ops.quote_name(POSTGRES_COLLATION)
        return f"(REPLACE(LOWER({sql} COLLATE {collation}), 'ё', 'е') LIKE %s)", (
            *params,
            _like_pattern(self.word),
        )

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        raise NotSupportedError("Поиск с приведением регистра поддерживается для SQLite и PostgreSQL.")


# --- The log ------------------------------------------------------------------------------------------


def _start_of_day(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the project's time zone (settings.TIME_ZONE), as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def log_entries_visible_to(*, user: Any) -> QuerySet[LogEntry]:
    """Log entries the user may see (the rows of the log's table, which filters and sorts them), with
    who made them and their type. One query per page whatever the size of the log."""
    if not may_view_log(user):
        return LogEntry.objects.none()
    return LogEntry.objects.select_related("actor", "content_type")


def log_entries_of_model(
    entries: QuerySet[LogEntry], *, model: str, object_pk: str = ""
) -> QuerySet[LogEntry]:
    """Entries about one audited model ("app_label.model_name"), or one object of it; none for a
    label that is not an audited model."""
    model_class = _model_for(model)
    if model_class is None:
        return entries.none()
    entries = entries.filter(content_type=ContentType.objects.get_for_model(model_class))
    return entries.filter(object_pk=object_pk) if object_pk else entries


def log_entries_between(
    entries: QuerySet[LogEntry], *, start: dt.date | None, end: dt.date | None
) -> QuerySet[LogEntry]:
    """Entries made from `start` to `end`, both inclusive, as days in the project's time zone. The bounds
    are moments, so the index on the time is used (no per-row date conversion)."""
    if start:
        entries = entries.filter(timestamp__gte=_start_of_day(start))
    if end:
        entries = entries.filter(timestamp__lt=_start_of_day(end + dt.timedelta(days=1)))
    return entries


def log_entries_mentioning(entries: QuerySet[LogEntry], *, query: str) -> QuerySet[LogEntry]:
    """Entries whose object's name holds every word of `query`, case and ё folded."""
    for word in fold(query).split():
        entries = entries.filter(FoldedContains(F("object_repr"), word))
    return entries


def log_entry_get_for(*, user: Any, pk: int) -> LogEntry:
    """One entry the user may see, else 404."""
    entry = log_entries_visible_to(user=user).filter(pk=pk).first()
    if entry is None:
        raise Http404("Запись журнала не найдена.")
    return entry


def actors_in_log(*, user: Any) -> QuerySet[Any]:
    """The users who made at least one change in the log the user sees, for the filter's choices."""
    actor_ids = log_entries_visible_to(user=user).filter(actor__isnull=False).order_by().values("actor_id")
    return (
        get_user_model()
        .objects.filter(pk__in=actor_ids)
        .order_by(russian("last_name"), russian("first_name"), "username", "pk")
    )
