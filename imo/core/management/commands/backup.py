"""`imo backup [--out FILE] [--keep-daily N --keep-weekly M]`: one archive with the database and the uploaded
files (see imo.core.backup). With --keep-daily/--keep-weekly the older archives in the archive's folder are
pruned afterwards: the newest of each of the last N days and of each of the last M weeks stay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imo.core.backup import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    help = "Сделать резервную копию: база данных и загруженные файлы в одном архиве .tar.gz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", default=None, help="файл архива (по умолчанию var/backups/imo-ГГГГММДД-ЧЧММСС.tar.gz)"
        )
        parser.add_argument(
            "--keep-daily",
            type=int,
            default=None,
            help="после копии оставить последние копии за столько дней",
        )
        parser.add_argument(
            "--keep-weekly", type=int, default=None, help="и по одной копии за столько последних недель"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keep_daily, keep_weekly = options["keep_daily"], options["keep_weekly"]
        pruning = keep_daily is not None or keep_weekly is not None
        if (keep_daily or 0) < 0 or (keep_weekly or 0) < 0 or (pruning and not (keep_daily or keep_weekly)):
            # Keeping nothing would delete every archive, the one just made too.
            raise CommandError(
                "--keep-daily и --keep-weekly: неотрицательные числа, хотя бы одно больше нуля."
            )
        try:
            path = backup_create(out=Path(options["out"]) if options["out"] else None)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Резервная копия создана: {path}")
        if pruning:
            removed = backups_prune(path.parent, keep_daily=keep_daily or 0, keep_weekly=keep_weekly or 0)
            for old in removed:
                self.stdout.write(f"Удалена старая копия: {old.name}")
