"""The nightly purge of old import runs and their uploads (which may hold personal data)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from imo.core.imports.models import ImportRun
from imo.core.imports.services import import_runs_purge

pytestmark = pytest.mark.django_db


def _run(status: str, *, days_ago: int) -> ImportRun:
    run = ImportRun.objects.create(kind="test", original_name="педагоги.xlsx", status=status)
    run.file.save("upload.xlsx", ContentFile(b"PK\x03\x04 personal data"), save=True)
    then = timezone.now() - dt.timedelta(days=days_ago)
    ImportRun.objects.filter(pk=run.pk).update(created_at=then, updated_at=then)
    return run


def test_old_runs_go_with_their_files_dead_ones_too_working_ones_stay() -> None:
    done = _run(ImportRun.Status.DONE, days_ago=100)
    dead = _run(ImportRun.Status.COMMITTING, days_ago=100)  # worker killed, page never opened
    working = _run(ImportRun.Status.COMMITTING, days_ago=100)
    ImportRun.objects.filter(pk=working.pk).update(updated_at=timezone.now())  # still reporting progress
    recent = _run(ImportRun.Status.DONE, days_ago=5)
    storage, names = done.file.storage, [done.file.name, dead.file.name]

    assert import_runs_purge(older_than_days=90) == 2

    assert set(ImportRun.objects.values_list("pk", flat=True)) == {working.pk, recent.pk}
    assert not any(storage.exists(name) for name in names)
