"""The «Повышение квалификации» section of an educator's profile: their courses with status and flags,
the day the next course is due (the three-year rule) and the buttons the user may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from imo.staff.models import Educator
from imo.training.models import TrainingSettings
from imo.training.records.rules import rights_for
from imo.training.records.selectors import records_of, rule_state
from imo.training.records.tables import document_short


def section_context(request: HttpRequest, educator: Educator) -> dict[str, Any] | None:
    user: Any = request.user
    if not user.has_perm("staff.view_educator", educator):
        return None
    settings = TrainingSettings.current()
    rights = rights_for(user, educator)
    records = records_of(educator=educator)
    until = settings.other_providers_count_until
    rows = []
    for record in records:
        rows.append(
            {
                "record": record,
                "document": document_short(record),
                "flagged": record.provider_kind == "other" and record.ends_on > until,
                "can_change": rights.may_change(record),
                "can_confirm": rights.may_confirm(record),
            }
        )
    return {
        "rows": rows,
        "rule": rule_state(educator=educator, records=records, settings=settings),
        "rule_years": settings.rule_years,
        "add_url": reverse("training:record_add", args=[educator.pk]) if rights.may_add else "",
        "can_act": rights.edits or rights.own,
        "next": reverse("staff:detail", args=[educator.pk]) + "#section-training_records",
    }
