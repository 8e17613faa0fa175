"""Mentorship's part of an educator's subject-access export (imo.staff.personal_sections). Erasure keeps
the pairs: the person's name goes with the educator's record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q

from imo.mentorship.models import Mentorship
from imo.staff.models import Educator
from imo.staff.personal_sections import register_section


def _mentorships(educator: Educator) -> Iterable[Sequence[Any]]:
    pairs = Mentorship.objects.filter(Q(mentor=educator) | Q(mentee=educator)).select_related(
        "mentor", "mentee", "organization"
    )
    for m in pairs.order_by("starts_on", "pk"):
        role = "наставник" if m.mentor_id == educator.pk else "наставляемый"
        other = m.mentee if m.mentor_id == educator.pk else m.mentor
        yield (role, str(other), str(m.organization), m.starts_on, m.ends_on, m.get_status_display())


def ready() -> None:
    register_section(
        "Наставничество",
        [
            ("Роль", 16),
            ("Пара", 30),
            ("Организация", 30),
            ("Начало", 12),
            ("Окончание", 12),
            ("Состояние", 16),
        ],
        _mentorships,
        empty="Наставничества нет.",
    )
