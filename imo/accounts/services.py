from __future__ import annotations

from typing import Any

from django.db import transaction

from imo.accounts.models import User
from imo.core.text import collapse_spaces

PROFILE_FIELDS = ("last_name", "first_name", "patronymic", "email", "phone")


@transaction.atomic
def profile_update(*, user: User, data: dict[str, Any]) -> User:
    for field in PROFILE_FIELDS:
        if field in data:
            value = collapse_spaces(str(data[field] or ""))
            setattr(user, field, value.lower() if field == "email" else value)
    user.refresh_search_text()
    user.full_clean(exclude=["password"])
    user.save(update_fields=[*PROFILE_FIELDS, "search_text"])
    return user
