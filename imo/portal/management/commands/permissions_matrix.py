"""`imo permissions_matrix --markdown`: the reviewed permissions matrix as a Russian Markdown table.

The matrix itself (`tests/security/permissions_matrix.csv`) is checked against the running code by
tests/security/test_permissions_matrix.py; docs/security.md's section «Роли и права» is this command's output,
and a test keeps the two equal.

One line per URL name (`url_name`), or more when the walk opens the same URL again with other objects of the
test world, whose answers differ: such a line's key is `<URL name>#<variant>`, e.g.
`olympiads:public_results#published` (the results once published, where `olympiads:public_results` walks
unpublished ones). The test declares each variant with its objects; `url_name_of` gives the URL name back.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from imo.orgs.models import Role

MATRIX_PATH = Path(settings.BASE_DIR) / "tests" / "security" / "permissions_matrix.csv"
VARIANT_SEPARATOR = "#"  # `<URL name>#<variant>`: see the module's docstring


def url_name_of(key: str) -> str:
    """The URL name of a line's key: `olympiads:public_results#published` → `olympiads:public_results`."""
    return key.partition(VARIANT_SEPARATOR)[0]


@dataclass(frozen=True)
class MatrixRole:
    key: str  # the CSV column
    label: str  # the Russian column heading


# The matrix's columns: the roles of imo.orgs.models.Role, the school admin twice (of the object's
# school and of another one), the anonymous visitor, and the jury member (a teacher on an olympiad
# subject's jury: a role granted on the domain object, not a Membership).
ROLES: tuple[MatrixRole, ...] = (
    MatrixRole("anonymous", "Посетитель без входа"),
    MatrixRole("teacher", str(Role.TEACHER.label)),
    MatrixRole("school_admin_own", f"{Role.SCHOOL_ADMIN.label}, своя школа"),
    MatrixRole("school_admin_other", f"{Role.SCHOOL_ADMIN.label}, другая школа"),
    MatrixRole("methodist", str(Role.METHODIST.label)),
    MatrixRole("secretary", str(Role.SECRETARY.label)),
    MatrixRole("observer", str(Role.OBSERVER.label)),
    MatrixRole("head", str(Role.HEAD.label)),
    MatrixRole("admin", str(Role.ADMIN.label)),
    MatrixRole("jury", "Член жюри олимпиады (педагог)"),
)

# How each answer class reads in the document.
ANSWERS = {
    "200": "да",
    "login": "вход",
    "403": "нет",
    "404": "не видно",
    "405": "—",
    "302": "перенаправление",
}

LEGEND = (
    "«да» — страница открывается; «вход» — сначала войти; «нет» — отказ (403); «не видно» — объект не "
    "найден (404): чужой объект не выдаёт даже того, что он есть; «—» — адрес только для отправки формы "
    "(405 на открытие); «перенаправление» — страница отправляет в другое место."
)


@dataclass
class MatrixLine:
    name: str
    path: str
    answers: dict[str, str] = field(default_factory=dict)
    comment: str = ""


def read_matrix(path: Path = MATRIX_PATH) -> dict[str, MatrixLine]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["url_name"]: MatrixLine(
            name=row["url_name"],
            path=row["path"],
            answers={role.key: row[role.key] for role in ROLES},
            comment=row.get("comment") or "",
        )
        for row in rows
    }


def write_matrix(lines: list[MatrixLine], path: Path = MATRIX_PATH) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["url_name", "path", *(role.key for role in ROLES), "comment"])
        for line in lines:
            writer.writerow([line.name, line.path, *(line.answers[role.key] for role in ROLES), line.comment])


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(lines: list[MatrixLine]) -> str:
    header = ["Адрес", *(role.label for role in ROLES), "Пояснение"]
    out = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    for line in lines:
        cells = [
            f"`{_cell(line.path)}` ({_cell(line.name)})",
            *(ANSWERS.get(line.answers[role.key], line.answers[role.key]) for role in ROLES),
            _cell(line.comment),
        ]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


class Command(BaseCommand):
    help = "Печатает матрицу прав (tests/security/permissions_matrix.csv) таблицей Markdown."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--markdown", action="store_true", help="таблица Markdown (для docs/security.md)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not MATRIX_PATH.exists():
            raise CommandError(f"Нет файла матрицы прав: {MATRIX_PATH.name}.")
        lines = list(read_matrix().values())
        if options["markdown"]:
            self.stdout.write(LEGEND + "\n\n" + markdown_table(lines))
            return
        for line in lines:
            answers = " ".join(f"{role.key}={line.answers[role.key]}" for role in ROLES)
            self.stdout.write(f"{line.name} {line.path} {answers}")
