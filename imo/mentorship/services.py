"""Writes of mentoring: each validates first (Russian messages) and saves nothing when input is bad."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from imo.mentorship.models import Mentorship, MentorshipPlanItem, MentorshipReport
from imo.orgs.models import Organization
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on


def _workplace(educator: Educator, on: dt.date) -> Organization | None:
    employment = (
        Employment.objects.filter(active_on(on), educator=educator)
        .select_related("organization")
        .order_by("-is_main", "-starts_on", "pk")
        .first()
    )
    return employment.organization if employment else None


def _validate(
    *,
    mentor: Educator,
    mentee: Educator,
    starts_on: dt.date,
    ends_on: dt.date | None,
    exclude: int | None,
    active: bool = True,
) -> Organization:
    """The organisation of the mentorship (the mentee's workplace on the start date), or the errors.
    Only an active mentorship may not coexist with another active one of the same mentee."""
    errors: dict[str, list[str]] = {}
    if mentor.pk == mentee.pk:
        errors.setdefault("mentor", []).append("Наставник и наставляемый должны быть разными педагогами.")
    if ends_on is not None and ends_on < starts_on:
        errors.setdefault("ends_on", []).append("Дата окончания не может быть раньше даты начала.")
    others = Mentorship.objects.filter(mentee=mentee, status=Mentorship.Status.ACTIVE)
    if exclude:
        others = others.exclude(pk=exclude)
    if active and others.exists():
        errors.setdefault("mentee", []).append(
            "У этого педагога уже есть действующее наставничество: завершите его, "
            "прежде чем назначать нового наставника."
        )
    organization = _workplace(mentee, starts_on)
    if organization is None:
        errors.setdefault("starts_on", []).append(
            "На дату начала наставляемый не работает ни в одной организации."
        )
    if errors:
        raise ValidationError(errors)
    assert organization is not None
    return organization


@transaction.atomic
def mentorship_create(
    *,
    mentor: Educator,
    mentee: Educator,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    goals: str = "",
) -> Mentorship:
    organization = _validate(mentor=mentor, mentee=mentee, starts_on=starts_on, ends_on=ends_on, exclude=None)
    return Mentorship.objects.create(
        mentor=mentor,
        mentee=mentee,
        organization=organization,
        starts_on=starts_on,
        ends_on=ends_on,
        goals=goals.strip(),
    )


@transaction.atomic
def mentorship_update(*, mentorship: Mentorship, **data: Any) -> Mentorship:
    for name in ("mentor", "starts_on", "ends_on", "goals"):
        if name in data:
            setattr(mentorship, name, data[name])
    mentorship.goals = mentorship.goals.strip()
    active = mentorship.status == Mentorship.Status.ACTIVE
    if not active and mentorship.ends_on is None:
        raise ValidationError({"ends_on": ["У завершённого наставничества должна быть дата окончания."]})
    mentorship.organization = _validate(
        mentor=mentorship.mentor,
        mentee=mentorship.mentee,
        starts_on=mentorship.starts_on,
        ends_on=mentorship.ends_on,
        exclude=mentorship.pk,
        active=active,
    )
    mentorship.save()
    return mentorship


@transaction.atomic
def mentorship_finish(*, mentorship: Mentorship, ends_on: dt.date) -> Mentorship:
    if mentorship.status == Mentorship.Status.FINISHED:
        raise ValidationError("Наставничество уже завершено.")
    if ends_on < mentorship.starts_on:
        raise ValidationError({"ends_on": ["Дата окончания не может быть раньше даты начала."]})
    mentorship.ends_on = ends_on
    mentorship.status = Mentorship.Status.FINISHED
    mentorship.save(update_fields=["ends_on", "status", "updated_at"])
    return mentorship


def plan_item_add(*, mentorship: Mentorship, title: str, due_on: dt.date) -> MentorshipPlanItem:
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": ["Укажите мероприятие плана."]})
    if due_on < mentorship.starts_on:
        raise ValidationError({"due_on": ["Срок не может быть раньше начала наставничества."]})
    if mentorship.ends_on and due_on > mentorship.ends_on:
        raise ValidationError({"due_on": ["Срок не может быть позже окончания наставничества."]})
    return MentorshipPlanItem.objects.create(mentorship=mentorship, title=title, due_on=due_on)


def plan_item_done(*, item: MentorshipPlanItem, done_on: dt.date, result: str) -> MentorshipPlanItem:
    if done_on < item.mentorship.starts_on:
        raise ValidationError({"done_on": ["Дата выполнения не может быть раньше начала наставничества."]})
    if done_on > dt.date.today() + dt.timedelta(days=1):
        raise ValidationError({"done_on": ["Дата выполнения не может быть в будущем."]})
    item.done_on = done_on
    item.result = result.strip()
    item.save(update_fields=["done_on", "result", "updated_at"])
    return item


def report_add(
    *,
    mentorship: Mentorship,
    author_role: str,
    reported_on: dt.date,
    text: str,
    period: str = "",
    document: Any = None,
) -> MentorshipReport:
    """`document` is an uploaded file already checked by its content (ReportForm.clean_document)."""
    errors: dict[str, list[str]] = {}
    if author_role not in MentorshipReport.Author.values:
        errors["author_role"] = ["Укажите автора отчёта: наставник или наставляемый."]
    if not text.strip():
        errors["text"] = ["Отчёт не может быть пустым."]
    if reported_on < mentorship.starts_on:
        errors["reported_on"] = ["Дата отчёта не может быть раньше начала наставничества."]
    if errors:
        raise ValidationError(errors)
    return MentorshipReport.objects.create(
        mentorship=mentorship,
        author_role=author_role,
        reported_on=reported_on,
        text=text.strip(),
        period=period.strip(),
        document=document or "",
    )
