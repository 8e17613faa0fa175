"""The «Аттестация» section of the educator's profile (imo.core.profile registry)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from imo.attestation.selectors import history_of
from imo.staff.models import Educator


def section_context(request: HttpRequest, educator: Educator) -> dict[str, Any] | None:
    user = request.user
    if not user.has_perm("attestation.view_history", educator):
        return None
    return {
        "history": history_of(educator=educator),
        "can_change": user.has_perm("attestation.change_history", educator),
        "show_basis": user.has_perm("staff.view_personal_data", educator),
        "educator": educator,
    }
