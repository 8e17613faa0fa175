"""The log of who viewed or exported whose personal data (personal-data.md, item 2): one row per view of
a record or per export of a list, linked to the records it showed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from imo.staff.models import Educator, PersonalDataAccess


@transaction.atomic
def personal_data_access_log(*, user: Any, action: str, educator_ids: Iterable[int], what: str = "") -> None:
    """Record that `user` viewed or exported the personal data of `educator_ids` (one row + links)."""
    ids = sorted(set(educator_ids))
    entry = PersonalDataAccess.objects.create(user=user, action=action, what=what[:300], count=len(ids))
    link = PersonalDataAccess.educators.through
    link.objects.bulk_create(
        [link(personaldataaccess_id=entry.pk, educator_id=pk) for pk in ids], batch_size=5000
    )


def personal_data_accesses(*, educator: Educator | None = None) -> QuerySet[PersonalDataAccess]:
    """The log, newest first; only the entries about `educator` when given."""
    queryset = PersonalDataAccess.objects.select_related("user").order_by("-at", "-pk")
    if educator is not None:
        queryset = queryset.filter(educators=educator)
    return queryset
