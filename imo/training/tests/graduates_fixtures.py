"""Fixtures of the graduates' list import tests: providers, people, a file builder."""

from __future__ import annotations

import datetime as dt
from typing import Any

from imo.core.imports import engine
from imo.core.imports.spec import ImportContext
from imo.core.imports.tests import files
from imo.core.text import fold
from imo.staff.tests.factories import make_educator, snils_with_check
from imo.training.imports import COURSE_IMPORT
from imo.training.models import Programme, Provider, ProviderKind

S1, S2, S3 = (snils_with_check(body) for body in ("212233445", "323344556", "434455667"))
HEADER = [
    "ФИО",
    "СНИЛС",
    "Школа",
    "Программа",
    "Вид",
    "Часов",
    "Дата начала",
    "Дата окончания",
    "Номер документа",
    "Регистрационный номер",
    "Дата выдачи",
]
START, END = dt.date(2024, 10, 1), dt.date(2024, 10, 15)


def row(
    name: str = "Исаева Малика Ахмедовна",
    snils: str = S1,
    school: str = "",
    title: str = "Обновлённые ФГОС ООО",
    kind: str = "ПК",
    hours: Any = 36,
    starts: Any = START,
    ends: Any = END,
    number: str = "",
    registration: str = "",
    issued: Any = "",
) -> list[Any]:
    return [name, snils, school, title, kind, hours, starts, ends, number, registration, issued]


def make_provider(
    name: str = "ГБУ ДПО «Институт развития образования»", kind: str = ProviderKind.STATE, inn: str = ""
) -> Provider:
    provider = Provider(name=name, short_name="", kind=kind, inn=inn, name_key=fold(name))
    provider.save()
    return provider


def run_import(tmp_path, rows, *, user=None, provider=None, header=HEADER, options=None, **kwargs):
    path = tmp_path / "слушатели.xlsx"
    path.write_bytes(files.xlsx([header, *rows]))
    context_options = dict(options or {})
    if provider is not None:
        context_options["provider_id"] = provider.pk
    return engine.import_file(
        COURSE_IMPORT, path, ImportContext(user=user, options=context_options), by=user, **kwargs
    )


def errors_of(analysis) -> dict[tuple[int | None, str | None], str]:
    return {(p.row, p.column): p.message for p in analysis.errors}


def warnings_of(analysis) -> dict[tuple[int | None, str | None], str]:
    return {(p.row, p.column): p.message for p in analysis.warnings}


def make_programme(provider: Provider) -> Programme:
    return Programme.objects.create(
        title="Обновлённые ФГОС ООО", title_key=fold("Обновлённые ФГОС ООО"), provider=provider, hours=36
    )


def make_people(district: Any) -> dict[str, Any]:
    """Исаева (S1, school A), two namesakes Хасанов at school A, Хасанов at school B is not one of them:
    Бисултанова (S3, school B), Алиева (no СНИЛС, school B)."""
    m, a, b = district.municipality, district.school_a, district.school_b
    return {
        "isaeva": make_educator(
            municipality=m,
            school=a,
            last_name="Исаева",
            first_name="Малика",
            patronymic="Ахмедовна",
            snils=S1,
        ),
        "khasanov1": make_educator(
            municipality=m, school=a, last_name="Хасанов", first_name="Ислам", patronymic="Русланович"
        ),
        "khasanov2": make_educator(
            municipality=m, school=a, last_name="Хасанов", first_name="Ислам", patronymic="Русланович"
        ),
        "bisultanova": make_educator(
            municipality=m,
            school=b,
            last_name="Бисултанова",
            first_name="Зарема",
            patronymic="Саидовна",
            snils=S3,
        ),
        "alieva": make_educator(
            municipality=m, school=b, last_name="Алиева", first_name="Хеда", patronymic="Магомедовна"
        ),
    }
