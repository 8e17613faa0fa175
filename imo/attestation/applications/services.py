"""Writes of the application pipeline (issue #5, item 3; attestation.md): draft → submitted (the office
checks) → returned or forwarded to the commission → accepted → awarded or refused; withdrawn at any active
step. Every write is atomic, records an ApplicationEvent (who, what, comment) and raises a ValidationError
with a Russian message, saving nothing, when the step is not allowed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from imo.attestation.models import (
    Application,
    ApplicationEvent,
    ApplicationFile,
    QualificationCategory,
)
from imo.attestation.services import MSG_NEEDS_HIGHEST, NEEDS_HIGHEST, category_save
from imo.core.uploads import check_document
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on

Status = Application.Status
Action = ApplicationEvent.Action
Kind = QualificationCategory.Kind

MSG_NOT_ALLOWED = "Это действие недоступно для заявления в состоянии «{status}»."
MSG_ALREADY_ACTIVE = "У педагога уже есть незавершённое заявление на эту категорию."
MSG_ERASED = "Данные педагога уничтожены: заявление создать нельзя."
MSG_COMMENT_REQUIRED = "Напишите комментарий."
MSG_RETURN_COMMENT = "Напишите, что нужно доработать."
MSG_LETTER_NUMBER = "Укажите исходящий номер письма."
MSG_ORDER_NUMBER = "Укажите номер приказа."
MSG_ORDER_DATE = "Укажите дату приказа."
MSG_FUTURE_DATE = "Дата не может быть в будущем."
MSG_BEFORE_FORWARDED = "Дата не может быть раньше направления в комиссию ({date})."
MSG_BEFORE_SUBMITTED = "Дата не может быть раньше передачи заявления в ИМО ({date})."
MSG_FILE_TITLE = "Укажите название файла."

#: Statuses in which the educator (or the school) may still change the application and its files.
EDITABLE = (Status.DRAFT, Status.RETURNED)
FILES_EDITABLE = (Status.DRAFT, Status.RETURNED, Status.SUBMITTED)
#: Set by the service, may be empty (a user deleted, a start by a command) although the form would require it.
NOT_CLEANED = ["started_by"]

__all__ = [
    "EDITABLE",
    "FILES_EDITABLE",
    "MSG_NEEDS_HIGHEST",
    "application_accept",
    "application_comment",
    "application_decide",
    "application_file_add",
    "application_file_remove",
    "application_forward",
    "application_return",
    "application_start",
    "application_submit",
    "application_update",
    "application_withdraw",
    "current_main_employment",
]


# --- helpers ----------------------------------------------------------------------------------------------


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _status_label(status: str) -> str:
    return str(Status(status).label)


def _lock(application: Application, allowed: tuple[str, ...]) -> None:
    """Re-read the status under a row lock (two people acting at once) and refuse a step not allowed."""
    status = Application.objects.select_for_update().values_list("status", flat=True).get(pk=application.pk)
    application.status = status
    if status not in allowed:
        raise ValidationError(MSG_NOT_ALLOWED.format(status=_status_label(status)), code="not_allowed")


def _event(application: Application, by: Any, action: str, comment: str = "") -> ApplicationEvent:
    return ApplicationEvent.objects.create(
        application=application, by=by if getattr(by, "pk", None) else None, action=action, comment=comment
    )


def _save(application: Application, fields: list[str]) -> None:
    """Validate and save the fields a step changed (the educator and the category asked for never change
    after the start, so the one-active-application constraint was checked then)."""
    others = [f.name for f in Application._meta.concrete_fields if f.name not in fields]
    application.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    application.save(update_fields=[*fields, "updated_at"])


def _has_valid_highest(educator: Educator, on: dt.date) -> bool:
    return (
        QualificationCategory.objects.filter(educator=educator, kind=Kind.HIGHEST, awarded_on__lte=on)
        .exclude(valid_until__lt=on)
        .exists()
    )


def current_main_employment(educator: Educator, on: dt.date | None = None) -> Employment | None:
    """The educator's employment in force on `on` (today): the main one first, then the latest started."""
    return (
        Employment.objects.filter(active_on(on or timezone.localdate()), educator=educator)
        .select_related("organization", "position")
        .order_by("-is_main", "-starts_on", "-pk")
        .first()
    )


def _text(value: str | None) -> str:
    return (value or "").strip()


# --- the educator's side -----------------------------------------------------------------------------------


@transaction.atomic
def application_start(
    *,
    educator: Educator,
    kind: str,
    by: Any,
    position: Any = None,
    simplified: bool = False,
    note: str = "",
    today: dt.date | None = None,
) -> Application:
    """A draft for the category `kind`; the organisation (and, when not given, the position) come from the
    educator's current main employment."""
    today = _today(today)
    if educator.erased_at is not None:
        raise ValidationError(MSG_ERASED, code="erased")
    if kind not in Kind.values:
        raise ValidationError({"kind": ["Выберите категорию из списка."]})
    if kind in NEEDS_HIGHEST and not _has_valid_highest(educator, today):
        raise ValidationError({"kind": [MSG_NEEDS_HIGHEST]}, code="needs_highest")
    if Application.objects.filter(educator=educator, kind=kind, status__in=Application.ACTIVE).exists():
        raise ValidationError(MSG_ALREADY_ACTIVE, code="already_active")
    employment = current_main_employment(educator, today)
    application = Application(
        educator=educator,
        kind=kind,
        position=position if position is not None else (employment.position if employment else None),
        organization=employment.organization if employment else None,
        simplified=simplified,
        note=_text(note),
        started_by=by if getattr(by, "pk", None) else None,
        status=Status.DRAFT,
    )
    application.full_clean(exclude=NOT_CLEANED)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:  # a second draft made at the same moment
        raise ValidationError(MSG_ALREADY_ACTIVE, code="already_active") from error
    _event(application, by, Action.CREATED, application.note)
    return application


@transaction.atomic
def application_update(
    *, application: Application, by: Any, position: Any, simplified: bool, note: str
) -> Application:
    _lock(application, EDITABLE)
    application.position = position
    application.simplified = simplified
    application.note = _text(note)
    _save(application, ["position", "simplified", "note"])
    return application


@transaction.atomic
def application_submit(
    *, application: Application, by: Any, comment: str = "", today: dt.date | None = None
) -> Application:
    """Hand the application to the office; the check's deadline counts from today (also after a return)."""
    _lock(application, EDITABLE)
    application.status = Status.SUBMITTED
    application.submitted_on = _today(today)
    _save(application, ["status", "submitted_on"])
    _event(application, by, Action.SUBMITTED, _text(comment))
    return application


@transaction.atomic
def application_withdraw(*, application: Application, by: Any, comment: str = "") -> Application:
    _lock(application, tuple(Application.ACTIVE))
    application.status = Status.WITHDRAWN
    _save(application, ["status"])
    _event(application, by, Action.WITHDRAWN, _text(comment))
    return application


@transaction.atomic
def application_comment(*, application: Application, by: Any, comment: str) -> ApplicationEvent:
    """A comment at any step (seen by everyone who sees the application)."""
    comment = _text(comment)
    if not comment:
        raise ValidationError({"comment": [MSG_COMMENT_REQUIRED]})
    return _event(application, by, Action.COMMENTED, comment)


# --- the office's side -------------------------------------------------------------------------------------


@transaction.atomic
def application_return(*, application: Application, by: Any, comment: str) -> Application:
    comment = _text(comment)
    if not comment:
        raise ValidationError({"comment": [MSG_RETURN_COMMENT]})
    _lock(application, (Status.SUBMITTED,))
    application.status = Status.RETURNED
    _save(application, ["status"])
    _event(application, by, Action.RETURNED, comment)
    return application


@transaction.atomic
def application_forward(
    *,
    application: Application,
    by: Any,
    letter_number: str,
    forwarded_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Application:
    """Sent to the commission with the office's covering letter."""
    today = _today(today)
    forwarded_on = forwarded_on or today
    letter_number = _text(letter_number)
    errors: dict[str, list[str]] = {}
    if not letter_number:
        errors["letter_number"] = [MSG_LETTER_NUMBER]
    if forwarded_on > today:
        errors["forwarded_on"] = [MSG_FUTURE_DATE]
    _lock(application, (Status.SUBMITTED,))
    if application.submitted_on and forwarded_on < application.submitted_on:
        errors.setdefault("forwarded_on", []).append(
            MSG_BEFORE_SUBMITTED.format(date=f"{application.submitted_on:%d.%m.%Y}")
        )
    if errors:
        raise ValidationError(errors)
    application.status = Status.FORWARDED
    application.forwarded_on = forwarded_on
    application.letter_number = letter_number
    _save(application, ["status", "forwarded_on", "letter_number"])
    _event(application, by, Action.FORWARDED, f"Письмо № {letter_number} от {forwarded_on:%d.%m.%Y}")
    return application


def _not_before_forwarded(
    application: Application, field: str, value: dt.date, today: dt.date, errors: dict[str, list[str]]
) -> None:
    if value > today:
        errors.setdefault(field, []).append(MSG_FUTURE_DATE)
    if application.forwarded_on and value < application.forwarded_on:
        errors.setdefault(field, []).append(
            MSG_BEFORE_FORWARDED.format(date=f"{application.forwarded_on:%d.%m.%Y}")
        )


@transaction.atomic
def application_accept(
    *, application: Application, by: Any, accepted_on: dt.date, today: dt.date | None = None
) -> Application:
    """The commission took the application up (between the day it was forwarded and today)."""
    today = _today(today)
    _lock(application, (Status.FORWARDED,))
    errors: dict[str, list[str]] = {}
    if accepted_on is None:
        errors["accepted_on"] = ["Укажите дату."]
    else:
        _not_before_forwarded(application, "accepted_on", accepted_on, today, errors)
    if errors:
        raise ValidationError(errors)
    application.status = Status.ACCEPTED
    application.accepted_on = accepted_on
    _save(application, ["status", "accepted_on"])
    _event(application, by, Action.ACCEPTED, f"Принято к рассмотрению {accepted_on:%d.%m.%Y}")
    return application


@transaction.atomic
def application_decide(
    *,
    application: Application,
    by: Any,
    awarded: bool,
    order_number: str,
    order_date: dt.date | None,
    decided_on: dt.date | None = None,
    comment: str = "",
    today: dt.date | None = None,
) -> Application:
    """The commission's decision by the ministry's order. Awarded: the category is recorded in the
    educator's history (category_save: its term by the rule, its own checks) and linked."""
    today = _today(today)
    _lock(application, (Status.FORWARDED, Status.ACCEPTED))
    order_number = _text(order_number)
    errors: dict[str, list[str]] = {}
    if not order_number:
        errors["order_number"] = [MSG_ORDER_NUMBER]
    if order_date is None:
        errors["order_date"] = [MSG_ORDER_DATE]
    else:
        _not_before_forwarded(application, "order_date", order_date, today, errors)
    if decided_on is not None:
        _not_before_forwarded(application, "decided_on", decided_on, today, errors)
    if errors:
        raise ValidationError(errors)
    assert order_date is not None
    decided = decided_on or order_date
    if awarded:
        category = category_save(
            educator=application.educator,
            kind=application.kind,
            order_number=order_number,
            order_date=order_date,
            awarded_on=decided,
            default_term=True,
        )
        application.category = category
        application.status = Status.AWARDED
    else:
        application.status = Status.REFUSED
    application.decided_on = decided
    application.decision_order_number = order_number
    application.decision_order_date = order_date
    _save(
        application,
        ["status", "decided_on", "decision_order_number", "decision_order_date", "category"],
    )
    summary = f"Приказ № {order_number} от {order_date:%d.%m.%Y}"
    comment = _text(comment)
    _event(
        application,
        by,
        Action.AWARDED if awarded else Action.REFUSED,
        f"{summary}. {comment}" if comment else summary,
    )
    return application


# --- files -------------------------------------------------------------------------------------------------


@transaction.atomic
def application_file_add(*, application: Application, by: Any, title: str, file: Any) -> ApplicationFile:
    """A portfolio file (PDF, DOCX, JPEG, PNG by content; at most 10 МБ) while the office has not forwarded
    the application."""
    _lock(application, FILES_EDITABLE)
    title = _text(title)
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [MSG_FILE_TITLE]
    try:
        check_document(file)
    except ValidationError as error:
        errors["file"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    row = ApplicationFile(
        application=application,
        title=title[:300],
        size=getattr(file, "size", 0) or 0,
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    row.file.save(getattr(file, "name", "") or "document", file, save=False)
    name = row.file.name
    try:
        row.full_clean(exclude=["uploaded_by"])
        row.save()
        _event(application, by, Action.FILE_ADDED, row.title)
    except Exception:
        row.file.storage.delete(name)
        raise
    return row


@transaction.atomic
def application_file_remove(*, file: ApplicationFile, by: Any) -> None:
    application = file.application
    _lock(application, FILES_EDITABLE)
    storage, name, title = file.file.storage, file.file.name, file.title
    file.delete()
    _event(application, by, Action.FILE_REMOVED, title)
    if name:
        transaction.on_commit(lambda: storage.delete(name))
