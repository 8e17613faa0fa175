"""Changes a teacher proposes to their own record (contacts, education, awards) and their school admin's
(or the office's) decision.

`ChangeProposal.data` holds JSON-safe values (dates as ISO strings) in two parts:

    {"values": {...}, "before": {...}}

`values` are the proposed values (every field for "add", only the changed fields for "change", none for
"remove"); `before` is the section's fields as the teacher saw them (none for "add"). Accepting applies
`values` through the record's own services; when the record was deleted, or its fields no longer match
`before` (someone changed it meanwhile), nothing is applied and the decider is told why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from imo.core.prepared import prepared
from imo.orgs.models import OFFICE_EDITOR_ROLES, Role
from imo.orgs.selectors import scope_paths
from imo.staff.models import Award, ChangeProposal, EducationRecord, Educator
from imo.staff.selectors import employed_in
from imo.staff.services import (
    award_delete,
    award_save,
    clean_educator_values,
    education_record_delete,
    education_record_save,
    educator_update,
)

Section = ChangeProposal.Section
Action = ChangeProposal.Action
Status = ChangeProposal.Status

# The model and the fields a teacher may propose for each section.
SECTION_MODELS: dict[str, type[models.Model]] = {
    Section.CONTACTS: Educator,
    Section.EDUCATION: EducationRecord,
    Section.AWARD: Award,
}
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    Section.CONTACTS: ("phone", "email"),
    Section.EDUCATION: (
        "level",
        "is_pedagogical",
        "institution",
        "graduation_year",
        "speciality",
        "qualification",
    ),
    Section.AWARD: ("kind", "title", "awarded_on", "order_number"),
}

STALE_DELETED = (
    "Запись, к которой относится предложение, уже удалена. Изменение не применено: отклоните предложение "
    "с комментарием."
)
STALE_CHANGED = (
    "После того как педагог сделал предложение, эту запись уже изменили. Изменение не применено: сверьте "
    "значения и отклоните предложение с комментарием (педагог сможет предложить изменение заново)."
)
ALREADY_DECIDED = "Решение по этому предложению уже принято."


# --- values ----------------------------------------------------------------------------------------


def to_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def from_json(section: str, name: str, value: Any) -> Any:
    """The Python value of a stored field value (an ISO string back to a date, …)."""
    field = SECTION_MODELS[section]._meta.get_field(name)
    return field.to_python(value)  # type: ignore[union-attr]


def _values_of(section: str, obj: models.Model) -> dict[str, Any]:
    return {name: to_json(getattr(obj, name)) for name in SECTION_FIELDS[section]}


def target_of(proposal: ChangeProposal) -> models.Model | None:
    """The record the proposal changes as it is now (the educator for contacts); None when deleted."""
    if proposal.section == Section.CONTACTS:
        return proposal.educator
    if proposal.target_id is None:
        return None
    model = SECTION_MODELS[proposal.section]
    return model._default_manager.filter(pk=proposal.target_id, educator_id=proposal.educator_id).first()


def stale_reason(proposal: ChangeProposal, target: models.Model | None = None) -> str:
    """Why the proposal can no longer be applied ("" when it can); only pending changes and removals."""
    if proposal.status != Status.PENDING or proposal.action == Action.ADD:
        return ""
    target = target if target is not None else target_of(proposal)
    if target is None:
        return STALE_DELETED
    before = proposal.data.get("before", {})
    if any(to_json(getattr(target, name)) != before.get(name) for name in SECTION_FIELDS[proposal.section]):
        return STALE_CHANGED
    return ""


def _check_values(section: str, values: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """Clean and validate the proposed values as the record's own fields are; JSON-safe values back."""
    model = SECTION_MODELS[section]
    fields = SECTION_FIELDS[section]
    unknown = set(values) - set(fields)
    if unknown:
        raise ValidationError(f"Эти поля нельзя предложить изменить: {', '.join(sorted(unknown))}.")
    cleaned = clean_educator_values(values)
    merged = {name: from_json(section, name, value) for name, value in {**base, **cleaned}.items()}
    probe = model(**merged)
    exclude = [f.name for f in model._meta.get_fields() if f.concrete and f.name not in fields]
    probe.clean_fields(exclude=exclude)
    return {name: to_json(getattr(probe, name)) for name in cleaned}


# --- services --------------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    educator: Educator,
    section: str,
    action: str,
    values: dict[str, Any] | None = None,
    target: models.Model | None = None,
    by: Any,
) -> ChangeProposal:
    """A teacher's proposal: add a record, change some of its fields (or contacts), or remove it."""
    if section not in SECTION_FIELDS:
        raise ValidationError("Неизвестный раздел.")
    if action not in Action.values:
        raise ValidationError("Неизвестное действие.")
    values = dict(values or {})
    if section == Section.CONTACTS:
        if action != Action.CHANGE:
            raise ValidationError("Контакты можно только изменить.")
        target = educator
    elif action == Action.ADD:
        target = None
    elif target is None:
        raise ValidationError("Не указана запись, которую нужно изменить или удалить.")
    if (
        target is not None
        and section != Section.CONTACTS
        and getattr(target, "educator_id", None) != educator.pk
    ):
        raise ValidationError("Эта запись относится к другому педагогу.")

    before = _values_of(section, target) if target is not None else {}
    if action == Action.REMOVE:
        proposed: dict[str, Any] = {}
    else:
        base = before if action == Action.CHANGE else {}
        proposed = _check_values(section, values, base)
        if action == Action.CHANGE:
            proposed = {name: value for name, value in proposed.items() if before.get(name) != value}
            if not proposed:
                raise ValidationError("Вы ничего не изменили.")

    proposal = ChangeProposal(
        educator=educator,
        section=section,
        action=action,
        target_id=target.pk if target is not None and section != Section.CONTACTS else None,
        data={"values": proposed, "before": before},
        proposed_by=by,
    )
    proposal.full_clean()
    proposal.save()
    return proposal


def _lock(proposal: ChangeProposal) -> ChangeProposal:
    locked = ChangeProposal.objects.select_for_update().select_related("educator").get(pk=proposal.pk)
    if locked.status != Status.PENDING:
        raise ValidationError(ALREADY_DECIDED, code="decided")
    return locked


def _apply(proposal: ChangeProposal, target: models.Model | None, by: Any) -> None:
    section = proposal.section
    values = {
        name: from_json(section, name, value) for name, value in proposal.data.get("values", {}).items()
    }
    educator = proposal.educator
    if section == Section.CONTACTS:
        educator_update(educator=educator, data=values, by=by)
    elif section == Section.EDUCATION:
        assert target is None or isinstance(target, EducationRecord)
        if proposal.action == Action.REMOVE:
            assert target is not None
            education_record_delete(record=target, by=by)
        else:
            record = education_record_save(educator=educator, data=values, record=target, by=by)
            proposal.target_id = record.pk
    else:
        assert target is None or isinstance(target, Award)
        if proposal.action == Action.REMOVE:
            assert target is not None
            award_delete(award=target, by=by)
        else:
            award = award_save(educator=educator, data=values, award=target, by=by)
            proposal.target_id = award.pk


def _decide(proposal: ChangeProposal, *, status: str, by: Any, comment: str) -> None:
    proposal.status = status
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.comment = comment.strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "comment", "target_id", "updated_at"])


@transaction.atomic
def proposal_accept(*, proposal: ChangeProposal, by: Any, comment: str = "") -> ChangeProposal:
    """Apply the change to the record (audited as the decider's change) and close the proposal."""
    locked = _lock(proposal)
    target = None if locked.action == Action.ADD else target_of(locked)
    reason = stale_reason(locked, target)
    if reason:
        raise ValidationError(reason, code="stale")
    _apply(locked, target, by)
    _decide(locked, status=Status.ACCEPTED, by=by, comment=comment)
    return locked


@transaction.atomic
def proposal_reject(*, proposal: ChangeProposal, by: Any, comment: str) -> ChangeProposal:
    """Close the proposal without touching the record; the teacher reads the comment."""
    if not comment.strip():
        raise ValidationError(
            {"comment": "Напишите, почему предложение отклонено: педагог увидит комментарий."}
        )
    locked = _lock(proposal)
    _decide(locked, status=Status.REJECTED, by=by, comment=comment)
    return locked


# --- selectors -------------------------------------------------------------------------------------


def _decidable_condition(user: Any) -> Q | None:
    """Which educators' proposals the user may decide (as `staff.decide_proposal` says); None: none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    condition = Q(pk__in=[])
    office = scope_paths(user, OFFICE_EDITOR_ROLES)
    for path in office:
        condition |= Q(municipality__path__startswith=path)
    schools = scope_paths(user, {Role.SCHOOL_ADMIN})
    if schools:
        condition |= Q(employed_in(schools))
    if not office and not schools:
        return None
    return condition


def proposals_decidable_by(user: Any) -> QuerySet[ChangeProposal]:
    """Proposals (any state) of the educators whose proposals the user may decide."""
    condition = _decidable_condition(user)
    if condition is None:
        return ChangeProposal.objects.none()
    educators = Educator.objects.filter(condition, erased_at__isnull=True)
    return ChangeProposal.objects.filter(educator__in=educators.values("pk")).select_related(
        "educator", "proposed_by", "decided_by"
    )


def proposals_pending_for(user: Any) -> QuerySet[ChangeProposal]:
    """The user's queue: pending proposals of the educators they may decide for, oldest first."""
    return proposals_decidable_by(user).filter(status=Status.PENDING).order_by("created_at", "pk")


def proposals_pending_count(user: Any) -> int:
    """How many proposals wait for this user's decision (for the home page)."""
    return proposals_pending_for(user).count()


def proposals_of(educator: Educator) -> list[ChangeProposal]:
    """Every proposal of the educator, newest first (pending and decided, with comments)."""
    return _PROPOSALS_OF(educator=educator.pk)


_PROPOSALS_OF = prepared(  # read for the card of everyone who may propose or decide (imo/core/prepared.py)
    lambda educator: (
        ChangeProposal.objects.filter(educator_id=educator)
        .select_related("proposed_by", "decided_by")
        .order_by("-created_at", "-pk")
    ),
    educator=int,
)


# --- display ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str
    current: str
    changed: bool


def _shown(section: str, name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    field = SECTION_MODELS[section]._meta.get_field(name)
    python = from_json(section, name, value)
    choices = dict(getattr(field, "choices", None) or ())
    if choices:
        return str(choices.get(python, python))
    if isinstance(python, bool):
        return "да" if python else "нет"
    if isinstance(python, dt.date):
        return python.strftime("%d.%m.%Y")
    return str(python)


def label_of(section: str, name: str) -> str:
    """The field's Russian name, capitalised («Телефон»)."""
    label = str(getattr(SECTION_MODELS[section]._meta.get_field(name), "verbose_name", name))
    return label[:1].upper() + label[1:]


def change_rows(proposal: ChangeProposal, target: models.Model | None = None) -> list[ChangeRow]:
    """Old → new, field by field; `current` is the record's value now when it differs from `before`."""
    section = proposal.section
    before = proposal.data.get("before", {})
    values = proposal.data.get("values", {})
    now = _values_of(section, target) if target is not None else None
    rows = []
    for name in SECTION_FIELDS[section]:
        old = before.get(name) if proposal.action != Action.ADD else None
        new = None if proposal.action == Action.REMOVE else values.get(name, old)
        if proposal.action == Action.ADD and new in (None, ""):
            continue
        current = ""
        if now is not None and proposal.action != Action.ADD and now.get(name) != old:
            current = _shown(section, name, now.get(name))
        rows.append(
            ChangeRow(
                label=label_of(section, name),
                before=_shown(section, name, old) if proposal.action != Action.ADD else "",
                after=_shown(section, name, new) if proposal.action != Action.REMOVE else "",
                current=current,
                changed=proposal.action != Action.CHANGE or name in values,
            )
        )
    return rows


def summary(proposal: ChangeProposal) -> str:
    """One line that names what the proposal is about, e.g. «Награда: Почётная грамота»."""
    data = proposal.data
    values = {**data.get("before", {}), **data.get("values", {})}
    if proposal.section == Section.CONTACTS:
        changed = [label_of(Section.CONTACTS, name).lower() for name in data.get("values", {})]
        return "Контакты: " + (", ".join(changed) or "—")
    if proposal.section == Section.EDUCATION:
        level = _shown(Section.EDUCATION, "level", values.get("level"))
        parts = [level, values.get("institution") or ""]
        return "Образование: " + ", ".join(part for part in parts if part and part != "—")
    return "Награда: " + (values.get("title") or "—")
