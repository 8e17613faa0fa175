"""Surveys' part of an educator's subject-access export and erasure (imo.staff.personal_sections). Only
named responses are the person's: an anonymous one holds no link to anybody (decision 0014)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from imo.staff.models import Educator
from imo.staff.personal_sections import register_eraser, register_section
from imo.surveys.models import Answer, Response


def _responses(educator: Educator) -> Iterable[Sequence[Any]]:
    responses = Response.objects.filter(educator=educator).select_related("survey")
    for r in responses.order_by("submitted_on", "pk"):
        texts = Answer.objects.filter(response=r).exclude(text="").values_list("text", flat=True)
        yield (str(r.survey), r.get_status_display(), r.submitted_on, "; ".join(texts))


def _erase(educator: Educator) -> None:
    """Free texts and files of the person's named responses are destroyed; choices and numbers stay
    counted in the results."""
    answers = Answer.objects.filter(response__educator=educator)
    stored = [(a.file.storage, a.file.name) for a in answers.exclude(file="").exclude(file__isnull=True)]
    answers.exclude(text="").update(text="")
    answers.exclude(file="").update(file="")

    def delete_files() -> None:
        for storage, name in stored:
            if name and storage.exists(name):
                storage.delete(name)

    transaction.on_commit(delete_files)


def ready() -> None:
    register_section(
        "Анкеты (именные ответы)",
        [("Анкета", 40), ("Состояние", 16), ("Отправлено", 12), ("Тексты ответов", 60)],
        _responses,
        empty="Именных ответов нет.",
    )
    register_eraser(_erase)
