"""The library's part of an educator's subject-access export and erasure (imo.staff.personal_sections):
the subscription to the digest of the person's account."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from imo.library.models import DigestSubscription
from imo.staff.models import Educator
from imo.staff.personal_sections import register_eraser, register_section


def _subscription(educator: Educator) -> Iterable[Sequence[Any]]:
    if educator.user_id is None:
        return
    for s in DigestSubscription.objects.filter(user_id=educator.user_id):
        yield (s.is_active, s.last_sent_at, s.created_at)


def _erase(educator: Educator) -> None:
    if educator.user_id is not None:
        DigestSubscription.objects.filter(user_id=educator.user_id).delete()


def ready() -> None:
    register_section(
        "Подписка на дайджест",
        [("Подписка включена", 14), ("Последняя рассылка", 18), ("Оформлена", 18)],
        _subscription,
        empty="Подписки нет.",
    )
    register_eraser(_erase)
