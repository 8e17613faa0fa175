"""Training's part of an educator's subject-access export and erasure (imo.staff.personal_sections)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from imo.staff.models import Educator
from imo.staff.personal_sections import register_eraser, register_section
from imo.training.models import CourseRecord, DevelopmentPlan, Nomination


def _records(educator: Educator) -> Iterable[Sequence[Any]]:
    for r in CourseRecord.objects.filter(educator=educator).order_by("ends_on", "pk"):
        yield (
            r.title,
            r.provider_name,
            r.hours,
            r.starts_on,
            r.ends_on,
            r.get_document_kind_display() if r.document_kind else "",
            r.document_number,
            r.registration_number,
            r.get_status_display(),
            bool(r.scan),
        )


def _plans(educator: Educator) -> Iterable[Sequence[Any]]:
    nominations = Nomination.objects.filter(educator=educator).select_related("line")
    for n in nominations.order_by("created_at", "pk"):
        yield ("Выдвижение в план повышения квалификации", str(n.line), n.get_status_display(), n.comment)
    for p in (
        DevelopmentPlan.objects.filter(educator=educator).select_related("mentor").order_by("starts_on", "pk")
    ):
        period = f"{p.starts_on:%d.%m.%Y} – {p.ends_on:%d.%m.%Y}" if p.starts_on and p.ends_on else ""
        mentor = f"; наставник: {p.mentor}" if p.mentor_id else ""
        yield ("Индивидуальный образовательный маршрут", p.title, p.get_status_display(), f"{period}{mentor}")


def _erase(educator: Educator) -> None:
    """The numbers of the person's certificates and their scans identify them: destroyed. The courses
    (programme, hours, dates) stay for the statistics of compliance."""
    records = CourseRecord.objects.filter(educator=educator)
    stored = [(r.scan.storage, r.scan.name) for r in records.exclude(scan="")]
    records.update(document_number="", registration_number="", scan="")

    def delete_files() -> None:
        for storage, name in stored:
            if name and storage.exists(name):
                storage.delete(name)

    transaction.on_commit(delete_files)


def ready() -> None:
    register_section(
        "Повышение квалификации",
        [
            ("Программа", 40),
            ("Организация", 30),
            ("Часов", 8),
            ("Начало", 12),
            ("Окончание", 12),
            ("Документ", 20),
            ("Номер документа", 18),
            ("Рег. номер", 14),
            ("Состояние", 16),
            ("Скан", 8),
        ],
        _records,
        empty="Курсов нет.",
    )
    register_section(
        "Планы и маршруты",
        [("Что", 36), ("Строка плана / маршрут", 40), ("Состояние", 18), ("Подробности", 40)],
        _plans,
        empty="Сведений нет.",
    )
    register_eraser(_erase)
