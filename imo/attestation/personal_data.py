"""Attestation's part of an educator's subject-access export and erasure (imo.staff.personal_sections)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from imo.attestation.models import Application, ApplicationFile, ConformityAttestation, QualificationCategory
from imo.staff.models import Educator
from imo.staff.personal_sections import register_eraser, register_section


def _categories(educator: Educator) -> Iterable[Sequence[Any]]:
    for c in QualificationCategory.objects.filter(educator=educator).order_by("awarded_on", "pk"):
        yield (c.get_kind_display(), c.awarded_on, c.valid_until, c.order_number, c.order_date)
    for a in ConformityAttestation.objects.filter(educator=educator).order_by("date", "pk"):
        yield (
            f"Соответствие занимаемой должности: {a.get_result_display()}",
            a.date,
            None,
            a.order_number,
            a.order_date,
        )


def _applications(educator: Educator) -> Iterable[Sequence[Any]]:
    queryset = Application.objects.filter(educator=educator).select_related("position", "organization")
    for a in queryset.order_by("created_at", "pk"):
        yield (
            a.get_kind_display(),
            str(a.position) if a.position_id else "",
            str(a.organization) if a.organization_id else "",
            a.get_status_display(),
            a.submitted_on,
            a.decided_on,
            a.note,
            a.files.count(),
        )


def _erase(educator: Educator) -> None:
    """The portfolio files of the person's applications are destroyed (their rows stay, empty); the
    decisions (categories, orders) stay for statistics."""
    files = ApplicationFile.objects.filter(application__educator=educator).exclude(file="")
    stored = [(f.file.storage, f.file.name) for f in files]
    files.update(file="", title="Удалено")
    Application.objects.filter(educator=educator).update(note="")

    def delete_files() -> None:
        for storage, name in stored:
            if name and storage.exists(name):
                storage.delete(name)

    transaction.on_commit(delete_files)


def ready() -> None:
    register_section(
        "Аттестация — категории",
        [
            ("Категория / результат", 40),
            ("Дата", 12),
            ("Действует до", 12),
            ("Приказ №", 16),
            ("Дата приказа", 12),
        ],
        _categories,
        empty="Категорий нет.",
    )
    register_section(
        "Аттестация — заявления",
        [
            ("Вид", 24),
            ("Должность", 24),
            ("Организация", 30),
            ("Состояние", 18),
            ("Подано", 12),
            ("Решение", 12),
            ("Примечание", 30),
            ("Файлов", 8),
        ],
        _applications,
        empty="Заявлений нет.",
    )
    register_eraser(_erase)
