"""Helpers of the compliance tests: course records written as the services write them (`counts` from
imo.training.counting.counts_for_rule)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from imo.staff.models import Educator
from imo.training.counting import counts_for_rule
from imo.training.models import CourseKind, CourseRecord, ProviderKind, TrainingSettings


def add_course(
    educator: Educator,
    ends_on: dt.date,
    *,
    status: str = CourseRecord.Status.CONFIRMED,
    provider_kind: str = ProviderKind.STATE,
    kind: str = CourseKind.REFRESHER,
    hours: int = 72,
    **data: Any,
) -> CourseRecord:
    counts = counts_for_rule(
        status=status, provider_kind=provider_kind, ends_on=ends_on, settings=TrainingSettings.current()
    )
    return CourseRecord.objects.create(
        educator=educator,
        title=data.pop("title", "Обновлённые ФГОС"),
        kind=kind,
        provider_name=data.pop("provider_name", "ИРО ЧР"),
        provider_kind=provider_kind,
        hours=hours if kind == CourseKind.REFRESHER else max(hours, 250),
        starts_on=ends_on - dt.timedelta(days=10),
        ends_on=ends_on,
        status=status,
        counts=counts,
        **data,
    )
