"""Backups: one .tar.gz with a consistent copy of the database, every uploaded file and a manifest.

An archive holds
- `database.sqlite3` (SQLite's online backup API: a consistent copy while the system runs) or
  `database.pgdump` (`pg_dump --format=custom`: one snapshot of the PostgreSQL database);
- `media/<path>` for every file under MEDIA_ROOT;
- `manifest.json`: when and by which version it was made, the database vendor, the applied migrations of
  every app, and the size and SHA-256 of every other member.

`restore_archive` checks every checksum before it changes anything, refuses a target that already holds
data (unless forced), then puts the database in place (SQLite: the file; PostgreSQL: `pg_restore --clean`)
and the files (the previous media folder is kept beside the new one, never deleted).

Retention: `backups_to_prune` picks, among the archives named `imo-YYYYMMDD-HHMMSS.tar.gz` in a folder, those
outside the newest one of each of the last N days and of each of the last M weeks.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend
from django.utils import timezone

from imo.core import pagecache

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
ARCHIVE_NAME = re.compile(r"^imo-(\d{8})-(\d{6})\.tar\.gz$")
_CHUNK = 1024 * 1024
_TARGET_ALIAS = "imo_restore_target"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Russian)."""


@dataclass(frozen=True)
class RestoreResult:
    vendor: str
    files: int
    previous_media: Path | None


# --- making a backup -----------------------------------------------------------------------------


def default_backup_dir() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def default_backup_path(now: datetime | None = None) -> Path:
    moment = timezone.localtime(now or timezone.now())
    return default_backup_dir() / f"imo-{moment:%Y%m%d-%H%M%S}.tar.gz"


def backup_create(*, out: Path | None = None, using: str = "default", media_root: Path | None = None) -> Path:
    """Write the archive to `out` (by default var/backups/imo-YYYYMMDD-HHMMSS.tar.gz) and return its path.

    The archive is written under a temporary name and renamed at the end, so a failed backup never leaves
    a file that looks complete."""
    connection = connections[using]
    media = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    target = Path(out) if out is not None else default_backup_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="imo-backup-") as scratch:
        database_member, database_file = _dump_database(connection, Path(scratch))
        media_files = _media_files(media)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "app_version": _app_version(),
            "database": {
                "vendor": connection.vendor,
                "member": database_member,
                "size": database_file.stat().st_size,
                "sha256": _sha256_file(database_file),
            },
            "migrations": _applied_migrations(connection),
            "files": [
                {"path": relative, "size": path.stat().st_size, "sha256": _sha256_file(path)}
                for relative, path in media_files
            ],
        }
        partial = target.with_name(target.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(timezone.now().timestamp())
                archive.addfile(info, io.BytesIO(data))
                archive.add(database_file, arcname=database_member, recursive=False)
                for relative, path in media_files:
                    archive.add(path, arcname=MEDIA_PREFIX + relative, recursive=False)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return target


def _dump_database(connection: BaseDatabaseWrapper, scratch: Path) -> tuple[str, Path]:
    if connection.vendor == "sqlite":
        path = scratch / SQLITE_MEMBER
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        try:
            # The online backup API copies a consistent state page by page while others keep writing.
            connection.connection.backup(copy)
        finally:
            copy.close()
        return SQLITE_MEMBER, path
    if connection.vendor == "postgresql":
        path = scratch / POSTGRES_MEMBER
        _run_pg("pg_dump", connection.settings_dict, ["--format=custom", "--no-owner", f"--file={path}"])
        return POSTGRES_MEMBER, path
    raise BackupError(f"Резервное копирование базы данных «{connection.vendor}» не поддерживается.")


def _media_files(media_root: Path) -> list[tuple[str, Path]]:
    if not media_root.is_dir():
        return []
    found = []
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found.append((path.relative_to(media_root).as_posix(), path))
    return found


def _applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _app_version() -> str:
    try:
        return metadata.version("imo")
    except metadata.PackageNotFoundError:
        return "unknown"


# --- restoring -----------------------------------------------------------------------------------


def restore_archive(
    archive_path: Path,
    *,
    database: Mapping[str, Any] | None = None,
    media_root: Path | None = None,
    force: bool = False,
) -> RestoreResult:
    """Restore the archive into `database` (a DATABASES entry; the configured one by default) and
    `media_root`. Nothing changes when the archive is damaged or the target holds data (without `force`)."""
    target_db = dict(database if database is not None else connections["default"].settings_dict)
    media = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"Файл резервной копии не найден: {archive_path}")

    media.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".imo-restore-", dir=media.parent))
    try:
        manifest = _unpack_verified(archive_path, staging)
        vendor = manifest["database"]["vendor"]
        target_vendor = _vendor(target_db)
        if vendor != target_vendor:
            raise BackupError(
                f"Копия сделана из базы «{vendor}», а настроена база «{target_vendor}»: "
                "восстановите в базу того же вида."
            )
        _check_migrations_known(manifest)
        if not force:
            if _database_has_data(target_db):
                raise BackupError(
                    "В базе данных уже есть данные (пользователи или организации). Восстановление "
                    "выполняется только в пустую установку; чтобы заменить данные, запустите команду "
                    "с --force."
                )
            if _has_files(media):
                raise BackupError(
                    f"В папке загруженных файлов {media} уже есть файлы. Восстановление выполняется только "
                    "в пустую установку; чтобы заменить их, запустите команду с --force."
                )
        database_file = staging / manifest["database"]["member"]
        if vendor == "sqlite":
            _restore_sqlite(database_file, target_db)
        else:
            _restore_postgres(database_file, target_db)
        previous = _swap_media(staging / "media", media)
        pagecache.clear()  # pages kept from the data that was there before
        caches[settings.SESSION_CACHE_ALIAS].clear()  # and sessions: the restored table has its own
        return RestoreResult(vendor=vendor, files=len(manifest["files"]), previous_media=previous)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _unpack_verified(archive_path: Path, staging: Path) -> dict[str, Any]:
    """Unpack into `staging`, checking every member against the manifest; raise BackupError on any
    difference (a missing, extra, changed or unsafe member)."""
    damaged = f"Архив {archive_path.name} повреждён или не является резервной копией ИМО"
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            members = archive.getmembers()
            manifest = _read_manifest(archive, members, damaged)
            expected = {
                manifest["database"]["member"]: (manifest["database"]["size"], manifest["database"]["sha256"])
            }
            for entry in manifest["files"]:
                expected[MEDIA_PREFIX + _safe_relative(entry["path"], damaged)] = (
                    entry["size"],
                    entry["sha256"],
                )
            seen = set()
            for member in members:
                if member.name == MANIFEST:
                    continue
                if not member.isfile() or member.name not in expected or member.name in seen:
                    raise BackupError(f"{damaged}: лишний или неверный элемент «{member.name}».")
                seen.add(member.name)
                size, digest = expected[member.name]
                destination = staging / member.name
                destination.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                if source is None:
                    raise BackupError(f"{damaged}: не читается «{member.name}».")
                hasher = hashlib.sha256()
                with destination.open("wb") as out:
                    while chunk := source.read(_CHUNK):
                        hasher.update(chunk)
                        out.write(chunk)
                if destination.stat().st_size != size or hasher.hexdigest() != digest:
                    raise BackupError(f"{damaged}: контрольная сумма «{member.name}» не совпадает.")
            missing = sorted(set(expected) - seen)
            if missing:
                raise BackupError(f"{damaged}: нет «{missing[0]}».")
    except (tarfile.TarError, OSError, EOFError, KeyError, TypeError, ValueError) as error:
        raise BackupError(f"{damaged}: {error}") from error
    return manifest


def _read_manifest(archive: tarfile.TarFile, members: list[tarfile.TarInfo], damaged: str) -> dict[str, Any]:
    manifest_member = next((m for m in members if m.name == MANIFEST and m.isfile()), None)
    stream = archive.extractfile(manifest_member) if manifest_member is not None else None
    if stream is None:
        raise BackupError(f"{damaged}: нет {MANIFEST}.")
    manifest: dict[str, Any] = json.loads(stream.read().decode("utf-8"))
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{damaged}: неизвестный формат {manifest.get('format')!r}.")
    if not isinstance(manifest["migrations"], dict) or not isinstance(manifest["files"], list):
        raise BackupError(f"{damaged}: неполная опись.")
    if manifest["database"]["vendor"] not in {"sqlite", "postgresql"}:
        raise BackupError(f"{damaged}: неизвестный вид базы данных.")
    if manifest["database"]["member"] not in {SQLITE_MEMBER, POSTGRES_MEMBER}:
        raise BackupError(f"{damaged}: неизвестная копия базы данных.")
    return manifest


def _safe_relative(path: str, damaged: str) -> str:
    pure = PurePosixPath(path)
    if not path or pure.is_absolute() or ".." in pure.parts or "\\" in path:
        raise BackupError(f"{damaged}: недопустимый путь «{path}».")
    return pure.as_posix()


def _check_migrations_known(manifest: dict[str, Any]) -> None:
    """A copy made by a newer version (migrations this code does not have) would leave the tables
    ahead of the code: refuse it, the operator first installs that version."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            "Копия сделана более новой версией ИМО (неизвестные миграции: "
            f"{', '.join(unknown[:5])}). Установите ту же или более новую версию и повторите."
        )


def _vendor(database: Mapping[str, Any]) -> str:
    engine = str(database["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    return engine.rsplit(".", 1)[-1]


@contextmanager
def _connection_to(database: Mapping[str, Any]) -> Iterator[BaseDatabaseWrapper]:
    """A Django connection to any DATABASES entry, made for this use only (never registered among the
    project's connections) and closed afterwards."""
    configured = connections.configure_settings(
        {"default": connections.settings["default"], _TARGET_ALIAS: dict(database)}
    )[_TARGET_ALIAS]
    connection = load_backend(configured["ENGINE"]).DatabaseWrapper(configured, _TARGET_ALIAS)
    try:
        yield connection
    finally:
        connection.close()


def _database_has_data(database: Mapping[str, Any]) -> bool:
    """Whether the target already holds the office's data: users or organizations. A database that only
    went through `imo migrate` (reference data seeded by migrations) counts as empty."""
    name = str(database["NAME"])
    if _vendor(database) == "sqlite" and not _sqlite_in_memory(name) and not Path(name).exists():
        return False
    from django.apps import apps

    tables = [
        apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table,
        apps.get_model("orgs", "Organization")._meta.db_table,
    ]
    try:
        with _connection_to(database) as connection:
            existing = set(connection.introspection.table_names())
            with connection.cursor() as cursor:
                for table in tables:
                    if table not in existing:
                        continue
                    cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                    if cursor.fetchone() is not None:
                        return True
    except DatabaseError as error:
        raise BackupError(
            f"Нет подключения к базе данных «{database['NAME']}»: {error}. Создайте пустую базу и проверьте "
            "DATABASE_URL."
        ) from error
    return False


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(path.is_file() for path in folder.rglob("*"))


def _sqlite_in_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name


def _restore_sqlite(database_file: Path, database: Mapping[str, Any]) -> None:
    name = str(database["NAME"])
    if _sqlite_in_memory(name):
        raise BackupError("Восстановление в базу SQLite в памяти невозможно: укажите файл базы данных.")
    target = Path(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Django's own connection to this file would keep the replaced file open.
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "sqlite" and str(connection.settings_dict["NAME"]) == name:
            connection.close()
    incoming = target.with_name(target.name + ".restoring")
    shutil.copyfile(database_file, incoming)
    for suffix in ("-wal", "-shm", "-journal"):  # a stale journal would be replayed onto the new file
        Path(name + suffix).unlink(missing_ok=True)
    os.replace(incoming, target)


def _restore_postgres(database_file: Path, database: Mapping[str, Any]) -> None:
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql" and connection.settings_dict["NAME"] == database["NAME"]:
            connection.close()
    _run_pg(
        "pg_restore",
        database,
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            str(database_file),
        ],
    )


def _swap_media(incoming: Path, media_root: Path) -> Path | None:
    """Put the restored files in place; a previous non-empty folder is renamed aside, never deleted."""
    if not incoming.exists():
        incoming.mkdir(parents=True)
    previous = None
    if media_root.exists():
        if _has_files(media_root):
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            previous = media_root.with_name(f"{media_root.name}.before-restore-{stamp}")
            os.replace(media_root, previous)
        else:
            shutil.rmtree(media_root)
    os.replace(incoming, media_root)
    return previous


# --- PostgreSQL tools ----------------------------------------------------------------------------


def _run_pg(tool: str, database: Mapping[str, Any], arguments: list[str]) -> None:
    if shutil.which(tool) is None:
        raise BackupError(
            f"Не найдена программа {tool}: установите клиент PostgreSQL (пакет postgresql-client)."
        )
    env = {**os.environ}
    options = database.get("OPTIONS") or {}
    for key, variable in (
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    command = [tool, f"--dbname={database['NAME']}", *arguments]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{tool} завершился с ошибкой: {result.stderr.strip()[-2000:]}")


# --- retention -----------------------------------------------------------------------------------


def backups_to_prune(names: list[str], *, keep_daily: int, keep_weekly: int) -> list[str]:
    """The archive names to delete: every `imo-YYYYMMDD-HHMMSS.tar.gz` that is not the newest of one of
    the `keep_daily` most recent days or of one of the `keep_weekly` most recent ISO weeks that have a
    backup. Other names are never touched."""
    stamped = []
    for name in names:
        match = ARCHIVE_NAME.match(name)
        if match is None:
            continue
        try:
            moment = datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
        except ValueError:
            continue
        stamped.append((moment, name))
    stamped.sort(reverse=True)
    keep: set[str] = set()
    days: set[Any] = set()
    weeks: set[Any] = set()
    for moment, name in stamped:
        day = moment.date()
        week = moment.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.add(day)
            keep.add(name)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.add(week)
            keep.add(name)
    return [name for _moment, name in stamped if name not in keep]


def backups_prune(folder: Path, *, keep_daily: int, keep_weekly: int) -> list[Path]:
    names = [path.name for path in folder.iterdir() if path.is_file()] if folder.is_dir() else []
    removed = []
    for name in backups_to_prune(names, keep_daily=keep_daily, keep_weekly=keep_weekly):
        (folder / name).unlink()
        removed.append(folder / name)
    return removed


def _sha256_file(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()
