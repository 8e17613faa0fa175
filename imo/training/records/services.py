"""Writes of completed courses. Every rule of training.md is checked in `record_clean` (Russian messages
from imo.training.counting) before anything is saved, and every write recomputes `counts`.

Status: a course the educator enters about themselves waits for confirmation by their school admin or
the office (PENDING); one entered by the school, the office or from a provider's list is CONFIRMED at once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imo.core.conflicts import ensure_unchanged
from imo.core.text import collapse_spaces, fold
from imo.core.uploads import check_document
from imo.staff.models import Educator
from imo.training import counting
from imo.training.models import (
    CourseForm,
    CourseKind,
    CourseRecord,
    Programme,
    Provider,
    ProviderKind,
    Topic,
    TrainingSettings,
)

Status = CourseRecord.Status
Source = CourseRecord.Source

SCAN_KINDS = frozenset({"pdf", "jpeg", "png"})
SCAN_EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}
MSG_SCAN_TYPE = "Приложите скан документа в формате PDF, JPEG или PNG (тип проверяется по содержимому файла)."
MSG_TITLE = "Укажите наименование программы или выберите программу из справочника."
MSG_PROVIDER = "Укажите организацию: выберите её из справочника или впишите наименование."
MSG_PROVIDER_KIND = "Укажите тип организации, которой нет в справочнике."
MSG_PROGRAMME_PROVIDER = "Программа из справочника проводится другой организацией: выберите её или уберите."
MSG_HOURS = "Укажите объём курса в часах."
MSG_STARTS = "Укажите дату начала курса."
MSG_ENDS = "Укажите дату окончания курса."
MSG_ISSUED_BEFORE_START = "Дата выдачи документа не может быть раньше даты начала курса."
MSG_ISSUED_IN_FUTURE = "Дата выдачи документа не может быть в будущем."
MSG_CONFIRMED_LOCKED = "Подтверждённую запись о курсе может изменить только администратор школы или ИМО."
MSG_NOT_PENDING = "Запись не ожидает подтверждения."
MSG_REASON = "Укажите причину отклонения."
MSG_OWN_CONFIRM = "Свою запись о курсе подтвердить нельзя."

#: The fields `data` may hold (the form's cleaned data); missing ones keep their value on update.
FIELDS = (
    "programme",
    "title",
    "kind",
    "provider",
    "provider_name",
    "provider_kind",
    "hours",
    "starts_on",
    "ends_on",
    "form",
    "document_kind",
    "document_number",
    "registration_number",
    "issued_on",
    "funding",
    "plan_line",
)


@dataclass(frozen=True)
class Cleaned:
    """The values `record_clean` accepted, ready to be set on a record."""

    values: dict[str, Any]
    topics: list[Topic] | None
    scan: Any  # an uploaded file checked by its content, or None
    scan_kind: str


def _text(value: Any, limit: int) -> str:
    return collapse_spaces(str(value or ""))[:limit]


def _who(other: CourseRecord, educator: Educator, by: Any) -> str:
    """Whose record holds the document, only when the user may see that educator."""
    if other.educator_id == educator.pk:
        return "у этого же педагога"
    if (
        by is not None
        and getattr(by, "has_perm", None)
        and by.has_perm("staff.view_educator", other.educator)
    ):
        return f"у педагога {other.educator.full_name}"
    return "у другого педагога"


def duplicate_of(
    *,
    document_number: str,
    provider_id: int | None,
    provider_key: str,
    exclude_pk: int | None = None,
) -> CourseRecord | None:
    """A record with the same document number (compared by counting.document_key) from the same provider:
    the catalogue provider, or for a typed provider the same folded name."""
    key = counting.document_key(document_number)
    if not key:
        return None
    queryset = CourseRecord.objects.exclude(document_number="")
    if provider_id:
        queryset = queryset.filter(provider_id=provider_id)
    else:
        queryset = queryset.filter(provider__isnull=True, provider_key=provider_key)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    for pk, number in queryset.values_list("pk", "document_number").iterator(chunk_size=2000):
        if counting.document_key(number) == key:
            return CourseRecord.objects.select_related("educator", "educator__municipality").get(pk=pk)
    return None


class _Errors(dict[str, list[str]]):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def _clean_programme(merged: dict[str, Any], errors: _Errors, settings: TrainingSettings) -> dict[str, Any]:
    """Title, kind, hours and provider: typed, or by default from the catalogue's programme."""
    programme: Programme | None = merged["programme"]
    provider: Provider | None = merged["provider"]
    if programme is not None:
        if provider is not None and provider.pk != programme.provider_id:
            errors.add("provider", MSG_PROGRAMME_PROVIDER)
        provider = programme.provider
    title = _text(merged["title"], 500) or (programme.title if programme else "")
    kind = merged["kind"] or (programme.kind if programme else "")
    hours = merged["hours"] if merged["hours"] not in (None, "") else (programme.hours if programme else None)
    if not title:
        errors.add("title", MSG_TITLE)
    if kind not in CourseKind.values:
        kind = CourseKind.REFRESHER
    if hours is None:
        errors.add("hours", MSG_HOURS)
    elif int(hours) < counting.minimum_hours(kind, settings):
        errors.add("hours", counting.hours_message(kind, settings))
    return {"programme": programme, "provider": provider, "title": title, "kind": kind, "hours": hours}


def _clean_provider(merged: dict[str, Any], provider: Provider | None, errors: _Errors) -> dict[str, Any]:
    """A catalogue provider gives its type; a typed one needs its name and type (and is compared by its
    folded name)."""
    if provider is not None:
        return {"provider_name": "", "provider_kind": provider.kind, "provider_key": ""}
    provider_name = _text(merged["provider_name"], 300)
    provider_kind = merged["provider_kind"] or ""
    if not provider_name:
        errors.add("provider_name", MSG_PROVIDER)
    if provider_kind not in ProviderKind.values:
        errors.add("provider_kind", MSG_PROVIDER_KIND)
    return {
        "provider_name": provider_name,
        "provider_kind": provider_kind,
        "provider_key": fold(provider_name),
    }


def _clean_dates(merged: dict[str, Any], errors: _Errors, today: dt.date) -> None:
    starts_on: dt.date | None = merged["starts_on"]
    ends_on: dt.date | None = merged["ends_on"]
    issued_on: dt.date | None = merged["issued_on"]
    if starts_on is None:
        errors.add("starts_on", MSG_STARTS)
    if ends_on is None:
        errors.add("ends_on", MSG_ENDS)
    if starts_on and ends_on and ends_on < starts_on:
        errors.add("ends_on", counting.MSG_ENDS_BEFORE_START)
    if ends_on and ends_on > today:
        errors.add("ends_on", counting.MSG_ENDS_IN_FUTURE)
    if issued_on and starts_on and issued_on < starts_on:
        errors.add("issued_on", MSG_ISSUED_BEFORE_START)
    if issued_on and issued_on > today:
        errors.add("issued_on", MSG_ISSUED_IN_FUTURE)


def _clean_scan(scan: Any, errors: _Errors, settings: TrainingSettings) -> str:
    """The scan's kind by its content (PDF, JPEG, PNG) within the size limit; "" when there is none."""
    if scan is None:
        return ""
    try:
        return check_document(scan, max_bytes=settings.scan_max_mb * 1024 * 1024, kinds=SCAN_KINDS)
    except ValidationError as problem:
        if getattr(problem, "code", "") == "wrong_type":
            errors.add("scan", MSG_SCAN_TYPE)
        else:
            errors.setdefault("scan", []).extend(problem.messages)
        return ""


def record_clean(
    *,
    educator: Educator,
    data: dict[str, Any],
    record: CourseRecord | None = None,
    by: Any = None,
    settings: TrainingSettings | None = None,
    today: dt.date | None = None,
) -> Cleaned:
    """Every rule of a course record (training.md; issue #6, items 2 and 8), all errors at once, by field.

    `data` holds the fields of FIELDS (missing ones: the record's current values), `topics` and `scan`.
    A programme from the catalogue gives the title, kind, hours and provider unless they are typed; a
    catalogue provider gives its type; a typed provider needs its name and type. `by` is who writes: the
    duplicate-number message names the other record's educator only if `by` may see them."""
    settings = settings or TrainingSettings.current()
    today = today or timezone.localdate()
    current: dict[str, Any] = {}
    if record is not None:
        current = {name: getattr(record, name) for name in FIELDS}
    merged = {name: data.get(name, current.get(name)) for name in FIELDS}
    errors = _Errors()
    course = _clean_programme(merged, errors, settings)
    provider: Provider | None = course["provider"]
    organisation = _clean_provider(merged, provider, errors)
    _clean_dates(merged, errors, today)
    document_number = _text(merged["document_number"], 100)
    if document_number and (provider is not None or organisation["provider_key"]):
        other = duplicate_of(
            document_number=document_number,
            provider_id=provider.pk if provider is not None else None,
            provider_key=organisation["provider_key"],
            exclude_pk=record.pk if record is not None else None,
        )
        if other is not None:
            who = _who(other, educator, by)
            errors.add(
                "document_number", counting.MSG_DUPLICATE_DOCUMENT.format(number=document_number, who=who)
            )
    scan = data.get("scan") or None
    scan_kind = _clean_scan(scan, errors, settings)
    if errors:
        raise ValidationError(dict(errors))
    default_document = (
        CourseRecord.DocumentKind.DIPLOMA
        if course["kind"] == CourseKind.RETRAINING
        else CourseRecord.DocumentKind.CERTIFICATE
    )
    values = {
        **course,
        **organisation,
        "hours": int(course["hours"]),
        "starts_on": merged["starts_on"],
        "ends_on": merged["ends_on"],
        "form": merged["form"] if merged["form"] in CourseForm.values else "",
        "document_kind": merged["document_kind"] or default_document,
        "document_number": document_number,
        "registration_number": _text(merged["registration_number"], 100),
        "issued_on": merged["issued_on"],
        "funding": merged["funding"] or "",
        "plan_line": merged["plan_line"],
    }
    topics = list(data["topics"]) if data.get("topics") is not None else None
    return Cleaned(values=values, topics=topics, scan=scan, scan_kind=scan_kind)


def other_provider_warning(record: CourseRecord, settings: TrainingSettings | None = None) -> str:
    """The warning shown for a course that is saved but does not count (an "other" provider after the
    cut-off), or ""."""
    settings = settings or TrainingSettings.current()
    if counting.provider_not_counting(record.provider_kind, record.ends_on, settings):
        return counting.MSG_OTHER_PROVIDER.format(until=settings.other_providers_count_until)
    return ""


def _recount(record: CourseRecord, settings: TrainingSettings | None = None) -> None:
    record.counts = counting.counts_for_rule(
        status=record.status,
        provider_kind=record.provider_kind,
        ends_on=record.ends_on,
        settings=settings or TrainingSettings.current(),
    )


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def _save_scan(record: CourseRecord, scan: Any, kind: str) -> str:
    """Store the scan under a generated name (never the uploaded one); the stored name."""
    record.scan.save(f"course-{uuid.uuid4().hex}.{SCAN_EXTENSIONS[kind]}", scan, save=False)
    return record.scan.name


def _delete_file_on_commit(name: str) -> None:
    if name:
        storage = CourseRecord._meta.get_field("scan").storage
        transaction.on_commit(lambda: storage.delete(name))


def _save(record: CourseRecord, cleaned: Cleaned) -> CourseRecord:
    new_name = _save_scan(record, cleaned.scan, cleaned.scan_kind) if cleaned.scan is not None else ""
    try:
        record.full_clean(exclude=["confirmed_by", "plan_line", "programme", "provider", "educator"])
        record.save()
        if cleaned.topics is not None:
            record.topics.set(cleaned.topics)
    except Exception:
        if new_name:
            record.scan.storage.delete(new_name)
        raise
    return record


@transaction.atomic
def record_create(*, educator: Educator, data: dict[str, Any], by: Any, source: str) -> CourseRecord:
    """A completed course of `educator`. `source` says who entered it (CourseRecord.Source): the educator's
    own entry waits for confirmation, any other is confirmed by `by` at once."""
    if source not in Source.values:
        raise ValueError(f"unknown source {source!r}")
    settings = TrainingSettings.current()
    cleaned = record_clean(educator=educator, data=data, by=by, settings=settings)
    record = CourseRecord(educator=educator, source=source, **cleaned.values)
    if source == Source.EDUCATOR:
        record.status = Status.PENDING
    else:
        record.status = Status.CONFIRMED
        record.confirmed_by = _user(by)
        record.confirmed_at = timezone.now()
    _recount(record, settings)
    return _save(record, cleaned)


def _is_editor(by: Any, educator: Educator) -> bool:
    return bool(by is None or by.has_perm("staff.change_educator", educator))


@transaction.atomic
def record_update(
    *, record: CourseRecord, data: dict[str, Any], by: Any, version: str | None = None
) -> CourseRecord:
    """Change a course. The educator (not an editor) may change only their own pending or rejected
    records, which then wait for confirmation again; an editor's change keeps the status. `data` may
    hold `scan_clear` to remove the scan."""
    ensure_unchanged(record, version)
    settings = TrainingSettings.current()
    editor = _is_editor(by, record.educator)
    if not editor and record.status == Status.CONFIRMED:
        raise ValidationError(MSG_CONFIRMED_LOCKED)
    cleaned = record_clean(educator=record.educator, data=data, record=record, by=by, settings=settings)
    old_scan = record.scan.name if record.scan else ""
    for name, value in cleaned.values.items():
        setattr(record, name, value)
    if not editor:
        record.status = Status.PENDING
        record.rejection_reason = ""
        record.confirmed_by = None
        record.confirmed_at = None
    if data.get("scan_clear") and cleaned.scan is None:
        record.scan = ""
    _recount(record, settings)
    _save(record, cleaned)
    if old_scan and (cleaned.scan is not None or data.get("scan_clear")):
        _delete_file_on_commit(old_scan)
    return record


@transaction.atomic
def record_delete(*, record: CourseRecord, by: Any) -> None:
    if not _is_editor(by, record.educator) and record.status == Status.CONFIRMED:
        raise ValidationError(MSG_CONFIRMED_LOCKED)
    scan = record.scan.name if record.scan else ""
    record.delete()
    _delete_file_on_commit(scan)


@transaction.atomic
def record_confirm(*, record: CourseRecord, by: Any) -> CourseRecord:
    if record.status != Status.PENDING:
        raise ValidationError(MSG_NOT_PENDING)
    if by is not None and record.educator.user_id is not None and record.educator.user_id == by.pk:
        raise ValidationError(MSG_OWN_CONFIRM)
    record.status = Status.CONFIRMED
    record.confirmed_by = _user(by)
    record.confirmed_at = timezone.now()
    record.rejection_reason = ""
    _recount(record)
    record.save(
        update_fields=["status", "confirmed_by", "confirmed_at", "rejection_reason", "counts", "updated_at"]
    )
    return record


@transaction.atomic
def record_reject(*, record: CourseRecord, reason: str, by: Any) -> CourseRecord:
    if record.status != Status.PENDING:
        raise ValidationError(MSG_NOT_PENDING)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [MSG_REASON]})
    if by is not None and record.educator.user_id is not None and record.educator.user_id == by.pk:
        raise ValidationError(MSG_OWN_CONFIRM)
    record.status = Status.REJECTED
    record.rejection_reason = reason[:2000]
    record.confirmed_by = None
    record.confirmed_at = None
    _recount(record)
    record.save(
        update_fields=["status", "confirmed_by", "confirmed_at", "rejection_reason", "counts", "updated_at"]
    )
    return record
