"""imo.core.conflicts on its own: the version check under the row lock (the edit pages of each app are
tested in tests/faults/test_edit_conflicts.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imo.core.conflicts import EditConflict, conflict_message, ensure_unchanged, version_of
from imo.core.imports.models import ImportRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def record() -> ImportRun:
    return ImportRun.objects.create(kind="test", original_name="файл.xlsx")


def test_a_form_without_a_version_is_not_checked(record: ImportRun) -> None:
    with transaction.atomic():
        ensure_unchanged(record, None)
        ensure_unchanged(record, version_of(record))


def test_an_older_or_garbled_version_is_a_conflict(record: ImportRun) -> None:
    older = (record.updated_at - dt.timedelta(seconds=1)).isoformat()
    for version in (older, "не дата"):
        with pytest.raises(EditConflict), transaction.atomic():
            ensure_unchanged(record, version)


def test_a_deleted_record_is_reported(record: ImportRun) -> None:
    version = version_of(record)
    ImportRun.objects.filter(pk=record.pk).delete()
    with pytest.raises(ValidationError, match="удалена"), transaction.atomic():
        ensure_unchanged(record, version)


def test_the_current_version_passes_and_a_save_makes_a_new_one(record: ImportRun) -> None:
    version = version_of(record)
    with transaction.atomic():
        ensure_unchanged(record, version)
    record.save()
    with pytest.raises(EditConflict), transaction.atomic():
        ensure_unchanged(record, version)


def test_message_without_an_audit_entry_says_when_only() -> None:
    record = ImportRun.objects.create(kind="test", original_name="файл.xlsx")
    message = conflict_message(record, record.updated_at, None)
    assert message.startswith(f"Запись изменили в {timezone.localtime(record.updated_at):%H:%M}")
    assert message.endswith(
        ", пока вы её редактировали. "
        "Ваши изменения не сохранены: откройте запись заново и внесите их ещё раз."
    )
