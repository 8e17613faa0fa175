"""`imo olympiad rank FILE --max-score N [--quota-total P] [--quota-winners P] [--min-share P]
[--rounding down|nearest|up] [--group-by grade|none] [--out RESULT.xlsx] [--json]`

Ranks a protocol of any olympiad or contest (columns ФИО, школа, класс, балл) by the stage rules
(olympiads.md, 7–10). Without --json prints a short summary; --json prints one object per row (the input
fields plus `rank` and `status` ∈ winner, prize_winner, participant, and `reason`). --out writes the ranked
table (.xlsx). Exit code 0 when ranked, 1 when the file has errors (nothing is written), 2 when the file or
the arguments cannot be used.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from imo.olympiads.ranking.protocol import (
    STATUS_LABELS,
    ProtocolError,
    ToolSettings,
    protocol_xlsx,
    rank_file,
)

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Олимпиады: рейтинг и статусы по протоколу Excel (imo olympiad rank ФАЙЛ --max-score N)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rank = sub.add_parser("rank", help="ранжировать протокол и присвоить статусы")
        rank.add_argument("file", help="протокол .xlsx, .xls или .csv (ФИО, школа, класс, балл)")
        rank.add_argument("--max-score", required=True, help="максимальный балл")
        rank.add_argument("--quota-total", default="45", help="доля победителей и призёров, % (45)")
        rank.add_argument("--quota-winners", default="5", help="доля победителей, % (5)")
        rank.add_argument("--min-share", default="50", help="наименьшая доля максимума для награды, % (50)")
        rank.add_argument(
            "--rounding", choices=["down", "nearest", "up"], default="down", help="округление квоты"
        )
        rank.add_argument(
            "--group-by", choices=["grade", "none"], default="grade", help="квота по классам или нет"
        )
        rank.add_argument("--out", default=None, help="куда записать результат (.xlsx)")
        rank.add_argument("--json", action="store_true", help="вывести строки в JSON")

    def _fail(
        self, message: str, as_json: bool, code: int = EXIT_UNUSABLE, errors: list[str] | None = None
    ) -> NoReturn:
        if as_json:
            self.stdout.write(json.dumps({"error": message, "errors": errors or []}, ensure_ascii=False))
        else:
            self.stderr.write(message)
            for line in errors or []:
                self.stderr.write(line)
        sys.exit(code)

    def handle(self, *args: Any, **options: Any) -> None:
        as_json: bool = options["json"]
        try:
            settings = ToolSettings(
                max_score=_decimal(options["max_score"]),
                total_share=_decimal(options["quota_total"]),
                winners_share=_decimal(options["quota_winners"]),
                min_award_share=_decimal(options["min_share"]),
                rounding=options["rounding"],
                group_by=options["group_by"],
            )
        except ValueError as error:
            self._fail(f"Не число: «{error}».", as_json)
        if settings.max_score <= 0:
            self._fail("Максимальный балл должен быть больше нуля.", as_json)
        for share in (settings.total_share, settings.winners_share, settings.min_award_share):
            if not 0 <= share <= 100:
                self._fail("Доли указываются в процентах, от 0 до 100.", as_json)
        if settings.winners_share > settings.total_share:
            self._fail("Доля победителей не может быть больше доли победителей и призёров.", as_json)
        path = Path(options["file"])
        if not path.is_file():
            self._fail(f"Файл не найден: {path}", as_json)
        try:
            ranked = rank_file(path, settings)
        except ProtocolError as error:
            if len(error.messages) == 1 and not error.messages[0].startswith("Строка"):
                self._fail(error.messages[0], as_json)
            self._fail("В протоколе есть ошибки, рейтинг не составлен:", as_json, EXIT_ERRORS, error.messages)
        if options["out"]:
            Path(options["out"]).write_bytes(protocol_xlsx(ranked))
        if as_json:
            self.stdout.write(json.dumps([row.as_json() for row in ranked.rows], ensure_ascii=False))
            return
        counts = ranked.counts()
        self.stdout.write(
            f"Участников: {len(ranked.rows)}; "
            + "; ".join(f"{STATUS_LABELS[key]}: {value}" for key, value in counts.items())
        )
        if options["out"]:
            self.stdout.write(f"Результат записан: {options['out']}")
