"""`imo import <kind> FILE [--organization ID] [--dry-run] [--valid-only] [--json]`

Loads a table the same way the «Загрузить из Excel» pages do. Exit code: 0 when everything valid was
saved (with --dry-run: when the file has no errors), 1 when there were errors (and, without
--valid-only, nothing was saved), 2 when the file could not be read or the arguments are wrong.
--json prints {"rows", "created", "updated", "unchanged", "errors": [{"row", "column", "message"}]}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from imo.core.imports import engine, registry
from imo.core.imports.spec import ImportContext

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


class Command(BaseCommand):
    help = "Загрузить данные из таблицы Excel (.xlsx, .xls) или CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="что загружать, например organizations")
        parser.add_argument("file", help="путь к файлу .xlsx, .xls или .csv")
        parser.add_argument(
            "--organization",
            type=int,
            default=None,
            help="id организации (муниципалитета): область загрузки и муниципалитет для строк без него",
        )
        parser.add_argument("--dry-run", action="store_true", help="только проверить, ничего не сохранять")
        parser.add_argument(
            "--valid-only", action="store_true", help="сохранить строки без ошибок, даже если есть ошибки"
        )
        parser.add_argument("--json", action="store_true", help="вывести результат в JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        as_json: bool = options["json"]
        spec = registry.get(options["kind"])
        if spec is None:
            known = ", ".join(registry.kinds()) or "—"
            self._fail(f"Неизвестный вид загрузки «{options['kind']}». Доступны: {known}.", as_json)
        path = Path(options["file"])
        if not path.is_file():
            self._fail(f"Файл не найден: {path}", as_json)
        context = ImportContext(user=None)
        if options["organization"] is not None:
            context.options["organization_id"] = options["organization"]
        problem = spec.check_options(context)
        if problem:
            self._fail(problem, as_json)
        interactive = not as_json and sys.stderr.isatty()

        def progress(percent: int, message: str) -> None:
            if interactive:
                sys.stderr.write(f"\r{percent:3d}% {message[:70]:<70}")
                sys.stderr.flush()

        analysis = engine.import_file(
            spec,
            path,
            context,
            dry_run=options["dry_run"],
            valid_only=options["valid_only"],
            progress=progress,
        )
        if interactive:
            sys.stderr.write("\n")
        if analysis.fatal:
            if as_json:
                self.stdout.write(json.dumps(analysis.summary(), ensure_ascii=False))
            else:
                self.stderr.write(analysis.fatal)
            sys.exit(EXIT_UNREADABLE)
        if as_json:
            self.stdout.write(json.dumps(analysis.summary(), ensure_ascii=False))
        else:
            self._print(analysis, dry_run=options["dry_run"])
        if analysis.has_errors:
            sys.exit(EXIT_ERRORS)

    def _fail(self, message: str, as_json: bool) -> NoReturn:
        if as_json:
            payload: dict[str, Any] = {"rows": 0, "created": 0, "updated": 0, "unchanged": 0}
            payload["errors"] = [{"row": None, "column": None, "message": message}]
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stderr.write(message)
        sys.exit(EXIT_UNREADABLE)

    def _print(self, analysis: engine.Analysis, *, dry_run: bool) -> None:
        summary = analysis.summary()
        for note in analysis.notes:
            self.stdout.write(f"Примечание: {note}")
        warnings = summary.get("warnings", [])
        for kind, problems in (("Ошибка", summary["errors"]), ("Предупреждение", warnings)):
            for problem in problems:
                where = []
                if problem["row"]:
                    where.append(f"строка {problem['row']}")
                if problem["column"]:
                    where.append(f"«{problem['column']}»")
                self.stdout.write(f"{kind} ({', '.join(where) or 'файл'}): {problem['message']}")
        if analysis.saved:
            verb = "Сохранено"
        elif dry_run:
            verb = "Проверка (ничего не сохранено)"
        else:
            verb = "Ничего не сохранено из-за ошибок"
        self.stdout.write(
            f"{verb}. Строк: {summary['rows']}, добавлено: {summary['created']}, изменено: "
            f"{summary['updated']}, без изменений: {summary['unchanged']}, ошибок: {len(summary['errors'])}"
            + (f", предупреждений: {len(summary['warnings'])}." if summary.get("warnings") else ".")
        )
