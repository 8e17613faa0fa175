"""Edit conflicts: two people open the same record and both save; the second save must not undo the first.

The edit form carries the version it was loaded at (the record's `updated_at` as an ISO string, in a hidden
field); the service locks the row and compares. `updated_at` is already on every domain table
(TimeStampedModel), so no migration and no counter to keep in step; a second save within the same microsecond
is not a case a person can produce.

    form = SomethingForm(request.POST or None, instance=obj)              # view
    track_version(form, obj)                                              # view, before is_valid()
    something_update(obj=obj, data=..., version=loaded_version(form))     # view
    ensure_unchanged(obj, version)                                        # service, in its transaction

A form posted without the field (an import, an old page, a script) is not checked: the check protects people
editing in the browser and changes nothing for other callers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

VERSION_FIELD = "loaded_version"


class EditConflict(ValidationError):
    """Someone else saved the record after the form was loaded; the message says who and when."""


def version_of(obj: models.Model) -> str:
    updated_at: datetime = obj.updated_at  # type: ignore[attr-defined]
    return updated_at.isoformat()


def track_version(form: forms.BaseForm, obj: models.Model | None) -> None:
    """Adds the hidden field with the version the form was loaded at (nothing for a new record).

    A bound form keeps the posted value, so a form re-shown after an error still carries the version the
    person started from."""
    if obj is None or obj.pk is None:
        return
    form.fields[VERSION_FIELD] = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=version_of(obj)
    )


def loaded_version(form: forms.BaseForm) -> str | None:
    """The version a validated form was loaded at, or None when it did not carry one."""
    return form.cleaned_data.get(VERSION_FIELD) or None


def without_version(data: dict[str, Any]) -> dict[str, Any]:
    """A form's cleaned data minus the version field, for services that take the whole dict."""
    return {key: value for key, value in data.items() if key != VERSION_FIELD}


def ensure_unchanged(obj: models.Model, version: str | None) -> None:
    """Locks the record's row and raises EditConflict when it was saved after `version`.

    Call inside the service's transaction before writing: the lock (SELECT … FOR UPDATE on PostgreSQL; on
    SQLite the IMMEDIATE transaction already holds the write lock) makes a concurrent save wait and then see
    this one's new `updated_at`, so of two saves started from the same version exactly one succeeds."""
    if not version:
        return
    model = type(obj)
    current = (
        model._default_manager.select_for_update()
        .filter(pk=obj.pk)
        .values_list("updated_at", flat=True)
        .first()
    )
    if current is None:
        raise ValidationError("Запись удалена, пока вы её редактировали. Ваши изменения не сохранены.")
    try:
        loaded = datetime.fromisoformat(version)
    except ValueError:
        loaded = None
    if loaded is not None and loaded == current:
        return
    raise EditConflict(conflict_message(obj, current, loaded))


def conflict_message(obj: models.Model, changed_at: datetime, loaded: datetime | None) -> str:
    when = timezone.localtime(changed_at)
    at = f"в {when:%H:%M}"
    if when.date() != timezone.localdate():
        at = f"{when:%d.%m.%Y} {at}"
    who = _last_editor(obj, after=loaded)
    changed = f"Запись изменил(а) {who}" if who else "Запись изменили"
    return (
        f"{changed} {at}, пока вы её редактировали. "
        "Ваши изменения не сохранены: откройте запись заново и внесите их ещё раз."
    )


def _last_editor(obj: models.Model, *, after: datetime | None) -> str:
    """Who saved the record last, from the audit log; empty when the log does not tell (a model not audited,
    a change made by a job)."""
    from auditlog.models import LogEntry

    entries = LogEntry.objects.get_for_object(obj).filter(actor__isnull=False)
    if after is not None:
        entries = entries.filter(timestamp__gte=after)
    entry = entries.select_related("actor").order_by("-timestamp", "-pk").first()
    if entry is None:
        return ""
    actor: Any = entry.actor
    name = getattr(actor, "short_name", None)
    return str(name() if callable(name) else name or actor)
