"""Resolving the rows of providers' lists that found nobody or several people: a person picks the educator
(the course record is created by the import's rules) or skips the row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imo.staff.models import Educator
from imo.training import counting
from imo.training.graduates.bulk import course_records_import_many
from imo.training.models import CourseRecord, PendingGraduate, Provider, TrainingSettings

MSG_NOT_OPEN = "Эта строка уже обработана."
_DATES = ("starts_on", "ends_on", "issued_on")
_FIELDS = (
    "title",
    "kind",
    "programme_id",
    "provider_id",
    "provider_name",
    "provider_kind",
    "provider_key",
    "hours",
    "starts_on",
    "ends_on",
    "document_number",
    "registration_number",
    "issued_on",
    "document_kind",
    "plan_line_id",
)


def course_data(pending: PendingGraduate) -> dict[str, Any]:
    """The row's course fields with dates as dates."""
    data = {key: (pending.data or {}).get(key) for key in _FIELDS}
    for key in _DATES:
        text = data.get(key)
        if text:
            data[key] = dt.date.fromisoformat(str(text))
    for key in ("document_number", "registration_number", "provider_name", "provider_key"):
        data[key] = data.get(key) or ""
    if data.get("provider_id"):
        # the name is kept in the row for the resolution page; a catalogue provider's record holds none
        data["provider_name"] = data["provider_key"] = ""
    return data


def _same_record(educator: Educator, data: dict[str, Any]) -> CourseRecord | None:
    """The educator's existing record of this course (same provider and document number, or without a
    number the same folded title and end date): a second resolution creates nothing."""
    from imo.core.text import fold

    records = CourseRecord.objects.filter(educator=educator, provider_id=data["provider_id"])
    number = counting.document_key(data["document_number"])
    for record in records:
        if number and counting.document_key(record.document_number) == number:
            return record
        if not number and fold(record.title) == fold(data["title"]) and record.ends_on == data["ends_on"]:
            return record
    return None


def _problems(educator: Educator, data: dict[str, Any]) -> list[str]:
    settings = TrainingSettings.current()
    today = timezone.localdate()
    problems: list[str] = []
    if data["hours"] is not None and data["hours"] < counting.minimum_hours(data["kind"], settings):
        problems.append(counting.hours_message(data["kind"], settings))
    if data["ends_on"] < data["starts_on"]:
        problems.append(counting.MSG_ENDS_BEFORE_START)
    if data["ends_on"] > today:
        problems.append(counting.MSG_ENDS_IN_FUTURE)
    number = counting.document_key(data["document_number"])
    if number:
        holders = (
            CourseRecord.objects.filter(provider_id=data["provider_id"])
            .exclude(educator=educator)
            .exclude(document_number="")
            .select_related("educator")
            .only("document_number", "educator__last_name", "educator__first_name", "educator__patronymic")
        )
        for record in holders:
            if counting.document_key(record.document_number) == number:
                problems.append(
                    counting.MSG_DUPLICATE_DOCUMENT.format(
                        number=data["document_number"], who="за другим педагогом"
                    )
                )
                break
    return problems


@transaction.atomic
def pending_graduate_resolve(*, pending: PendingGraduate, educator: Educator, by: Any) -> CourseRecord:
    """«Это он/она»: the course record of `educator` from the row (or the one they already have), and the
    row marked resolved. Raises ValidationError with the rule's Russian message (nothing saved)."""
    pending = PendingGraduate.objects.select_for_update().get(pk=pending.pk)
    if pending.status != PendingGraduate.Status.OPEN:
        raise ValidationError(MSG_NOT_OPEN)
    data = course_data(pending)
    if not data.get("provider_id") or not Provider.objects.filter(pk=data["provider_id"]).exists():
        raise ValidationError("Организация курса больше не в справочнике: строку нельзя сопоставить.")
    record = _same_record(educator, data)
    if record is None:
        problems = _problems(educator, data)
        if problems:
            raise ValidationError(problems)
        created, _, _ = course_records_import_many(
            creates=[data | {"educator_id": educator.pk}], updates=[], pending=[], by=by
        )
        record = created[0]
    pending.status = PendingGraduate.Status.RESOLVED
    pending.educator = educator
    pending.record = record
    pending.resolved_by = by
    pending.resolved_at = timezone.now()
    pending.save()
    return record


@transaction.atomic
def pending_graduate_skip(*, pending: PendingGraduate, comment: str = "", by: Any) -> PendingGraduate:
    """«Пропустить»: nobody gets the course (e.g. the graduate works in another district)."""
    pending = PendingGraduate.objects.select_for_update().get(pk=pending.pk)
    if pending.status != PendingGraduate.Status.OPEN:
        raise ValidationError(MSG_NOT_OPEN)
    pending.status = PendingGraduate.Status.SKIPPED
    if comment:
        data = dict(pending.data or {})
        data["comment"] = comment[:500]
        pending.data = data
    pending.resolved_by = by
    pending.resolved_at = timezone.now()
    pending.save()
    return pending
