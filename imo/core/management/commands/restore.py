"""`imo restore FILE [--force]`: restore a backup made by `imo backup` into this installation.

The archive's checksums are checked first (a damaged archive changes nothing); a database that already
holds users or organizations, or a media folder with files, is refused unless --force is given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imo.core.backup import BackupError, restore_archive


class Command(BaseCommand):
    help = "Восстановить резервную копию, сделанную командой «imo backup», в пустую установку."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="архив .tar.gz, сделанный командой imo backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="заменить данные, даже если база данных или папка файлов не пуста",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore_archive(Path(options["file"]), force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Восстановлено: база данных ({result.vendor}) и файлов: {result.files}.")
        if result.previous_media is not None:
            self.stdout.write(f"Прежние загруженные файлы сохранены в {result.previous_media}")
