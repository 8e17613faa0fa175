"""Periodic chores run by `imo worker`: due ones run, others wait, a failure does not stop the rest; the
imports app's purge of old runs is one of them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from imo.core.imports.models import ImportRun
from imo.core.imports.services import import_run_create
from imo.core.imports.spec import Column, ImportSpec
from imo.core.jobs import chores


class _NamesImport(ImportSpec):
    kind = "test-chores"
    title = "Названия"
    permission = "auth.add_group"
    columns = (Column("name", "Название"),)


@pytest.fixture
def isolated_chores(monkeypatch):
    monkeypatch.setattr(chores, "_CHORES", {})
    return chores


def test_due_chores_run_once_per_period(isolated_chores):
    calls: list[str] = []
    isolated_chores.register_chore("a", lambda: calls.append("a"), every=dt.timedelta(hours=1))
    isolated_chores.register_chore("b", lambda: calls.append("b"), every=dt.timedelta(minutes=1))
    last: dict[str, float] = {}
    assert isolated_chores.run_due_chores(last, now=1000.0) == ["a", "b"]
    assert isolated_chores.run_due_chores(last, now=1030.0) == []
    assert isolated_chores.run_due_chores(last, now=1061.0) == ["b"]
    assert calls == ["a", "b", "b"]


def test_a_failing_chore_does_not_stop_the_others(isolated_chores):
    def broken() -> None:
        raise RuntimeError("boom")

    isolated_chores.register_chore("broken", broken, every=dt.timedelta(hours=1))
    isolated_chores.register_chore("fine", lambda: 1, every=dt.timedelta(hours=1))
    assert isolated_chores.run_due_chores({}, now=0.0) == ["fine"]


def test_imports_register_the_purge_of_old_runs():
    assert "imports.purge_runs" in {chore.name for chore in chores.registered_chores()}


@pytest.mark.django_db(transaction=True)
def test_worker_batch_purges_old_import_runs(django_user_model):
    user = django_user_model.objects.create_user(username="m", password="x")

    def upload() -> ImportRun:
        file = SimpleUploadedFile("orgs.csv", "Название\nА\n".encode())
        return import_run_create(spec=_NamesImport(), upload=file, by=user)

    old, recent = upload(), upload()
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=91))
    old_path = Path(old.file.path)
    assert old_path.exists()
    call_command("worker", "--batch", verbosity=0)
    assert list(ImportRun.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not old_path.exists()
    assert Path(recent.file.path).exists()
