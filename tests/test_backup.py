"""Backups (issue #10, item 5): `imo backup` → `imo restore` into a fresh empty database and media folder
gives back every row of every table and every uploaded file byte for byte; a damaged archive and a target
that holds data are refused with nothing changed; old archives are pruned by day and week.

Runs on the database the tests run on: SQLite (the restored copy is a second file) and PostgreSQL (a second
database made and dropped here; pg_dump and pg_restore must be installed, as on CI).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import tarfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend

from imo.core import backup
from imo.library.tests.documents_fixtures import make_bank
from imo.staff.tests.factories import make_educator

# serialized_rollback: the reference data seeded by migrations is back for the next test after the flush.
pytestmark = pytest.mark.django_db(transaction=True)

COMPARED_ALIAS = "imo_backup_test_restored"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def world(media, transactional_db) -> Any:
    """A district with documents in the bank (uploaded DOCX files) and an educator's consent scan.
    Asks for `transactional_db` by name so that the root conftest seeds the catalogues again after an
    earlier transactional test emptied them (see `_seeded_catalogues`)."""
    if connection.vendor == "postgresql" and (
        shutil.which("pg_dump") is None or shutil.which("pg_restore") is None
    ):
        pytest.skip("pg_dump/pg_restore не установлены: нужен пакет postgresql-client (на CI он есть)")
    bank = make_bank()
    educator = make_educator(municipality=bank.district.municipality, school=bank.district.school_a)
    consent = educator.consents.create(given_on=dt.date(2025, 9, 1))
    consent.document.save("согласие Иванова.pdf", ContentFile(b"%PDF-1.4 scan"), save=True)
    assert _media_digests(media), "the world must have uploaded files"
    return bank


@pytest.fixture
def empty_target(tmp_path) -> Iterator[dict[str, Any]]:
    """A DATABASES entry for a fresh empty database of the same kind as the tests' one."""
    source = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3"), "TEST": {}}
        return
    name = f"imo_h_bk_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**source, "NAME": name, "TEST": {}}
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def connected(database: dict[str, Any]) -> Iterator[str]:
    """An alias for the restored database that querysets can use. Set among the open connections only, not
    in the settings: Django's test case lets such a connection through (it refuses aliases it was not told
    about)."""
    configured = connections.configure_settings(
        {"default": connections.settings["default"], COMPARED_ALIAS: dict(database)}
    )[COMPARED_ALIAS]
    wrapper = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, COMPARED_ALIAS)
    connections[COMPARED_ALIAS] = wrapper
    try:
        yield COMPARED_ALIAS
    finally:
        wrapper.close()
        del connections[COMPARED_ALIAS]


def _tables(using: str) -> dict[str, list[dict[str, Any]]]:
    contents = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        contents[model._meta.label] = list(model._base_manager.using(using).order_by("pk").values())
    return contents


def _media_digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def test_backup_then_restore_gives_back_every_row_and_file(world, media, empty_target, tmp_path):
    archive = backup.backup_create(out=tmp_path / "copy.tar.gz")
    fresh_media = tmp_path / "media-restored"

    result = backup.restore_archive(archive, database=empty_target, media_root=fresh_media)

    assert result.vendor == connection.vendor and result.previous_media is None
    original = _tables("default")
    assert sum(len(rows) for rows in original.values()) > 50
    assert original["library.Document"] and original["accounts.User"]
    with connected(empty_target) as alias:
        restored = _tables(alias)
    for label, rows in original.items():
        assert restored[label] == rows, label
    assert _media_digests(fresh_media) == _media_digests(media)


def test_manifest_lists_migrations_and_every_file_with_checksum(world, media, tmp_path):
    archive = backup.backup_create(out=tmp_path / "copy.tar.gz")

    with tarfile.open(archive) as opened:
        manifest = json.loads(opened.extractfile(backup.MANIFEST).read())  # type: ignore[union-attr]
    assert manifest["database"]["vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["library"]
    assert {entry["path"]: entry["sha256"] for entry in manifest["files"]} == _media_digests(media)


def test_a_damaged_archive_is_refused_and_nothing_changes(world, empty_target, tmp_path):
    archive = backup.backup_create(out=tmp_path / "copy.tar.gz")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith(backup.MEDIA_PREFIX):
                data = data[:-1] + bytes([data[-1] ^ 1])  # one flipped bit in an uploaded file
            target.addfile(member, io.BytesIO(data))
    fresh_media = tmp_path / "media-restored"

    with pytest.raises(backup.BackupError, match="контрольная сумма"):
        backup.restore_archive(damaged, database=empty_target, media_root=fresh_media)

    assert not fresh_media.exists()
    if connection.vendor == "sqlite":
        assert not Path(empty_target["NAME"]).exists()
    else:
        with connected(empty_target) as alias:
            assert "accounts_user" not in connections[alias].introspection.table_names()


def test_restore_refuses_a_database_with_data_in_russian(world, media, tmp_path):
    archive = backup.backup_create(out=tmp_path / "copy.tar.gz")
    users_before = apps.get_model("accounts", "User").objects.count()

    with pytest.raises(CommandError, match=r"уже есть данные.*--force"):
        call_command("restore", str(archive))

    assert apps.get_model("accounts", "User").objects.count() == users_before


def test_backup_command_writes_the_default_name_and_prunes_old_archives(world, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path / "var"
    folder = tmp_path / "var" / "backups"
    folder.mkdir(parents=True)
    old = [
        "imo-20200101-020000.tar.gz",
        "imo-20200102-020000.tar.gz",
        "imo-20200102-230000.tar.gz",
        "imo-20200110-020000.tar.gz",
    ]
    for name in [*old, "notes.txt"]:
        (folder / name).write_bytes(b"x")

    call_command("backup", "--keep-daily", "2", "--keep-weekly", "3")

    made = [path.name for path in folder.iterdir() if path.name not in {*old, "notes.txt"}]
    assert len(made) == 1 and backup.ARCHIVE_NAME.match(made[0])
    # Days kept: today's new copy and 10.01; weeks kept: this week, 10.01's week, 02.01's newest.
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [made[0], "imo-20200102-230000.tar.gz", "imo-20200110-020000.tar.gz", "notes.txt"]
    )
    assert "Резервная копия создана" in capsys.readouterr().out


def test_prune_keeps_the_newest_of_each_day_and_week():
    names = [
        "imo-20260105-020000.tar.gz",  # Monday, week 2
        "imo-20260106-020000.tar.gz",
        "imo-20260107-020000.tar.gz",
        "imo-20260107-140000.tar.gz",  # the newest of 07.01
        "imo-20251230-020000.tar.gz",  # week 1 of 2026 (ISO)
        "imo-20251222-020000.tar.gz",  # week 52
        "imo-20251215-020000.tar.gz",  # week 51
        "imo-bad-name.tar.gz",
    ]

    pruned = backup.backups_to_prune(names, keep_daily=2, keep_weekly=3)

    assert sorted(pruned) == sorted(
        [
            "imo-20260105-020000.tar.gz",
            "imo-20260107-020000.tar.gz",
            "imo-20251215-020000.tar.gz",
        ]
    )


def test_force_replaces_a_restored_installation_and_keeps_the_old_files_aside(
    world, media, empty_target, tmp_path
):
    archive = backup.backup_create(out=tmp_path / "copy.tar.gz")
    fresh_media = tmp_path / "media-restored"
    backup.restore_archive(archive, database=empty_target, media_root=fresh_media)
    (fresh_media / "added-after-restore.txt").write_text("x", encoding="utf-8")

    with pytest.raises(backup.BackupError, match="уже есть данные"):
        backup.restore_archive(archive, database=empty_target, media_root=fresh_media)
    result = backup.restore_archive(archive, database=empty_target, media_root=fresh_media, force=True)

    assert result.previous_media is not None
    assert (result.previous_media / "added-after-restore.txt").exists()
    assert _media_digests(fresh_media) == _media_digests(media)
    with connected(empty_target) as alias:
        users = list(apps.get_model("accounts", "User")._base_manager.using(alias).order_by("pk").values())
    assert users == list(apps.get_model("accounts", "User")._base_manager.order_by("pk").values())
