"""Writes of the district's training plan (issue #6, item 4).

The plan goes draft → nominating (the office opens nominations until a date) → approved. The office keeps
lines and quotas while the plan is not approved; school admins nominate educators working at their school
against the school's quota while nominations are open, and may withdraw a nomination until the office
decides on it; the office approves or rejects nominations and approves the plan. After approval only the
office changes nominations. `distribute` splits a line's places across schools in proportion to the
forecast (largest remainder, deterministic).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imo.core.templatetags.imo import plural_ru
from imo.orgs.models import Organization
from imo.reference.models import AcademicYear
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on
from imo.training.models import Nomination, PlanLine, PlanQuota, Programme, TrainingPlan
from imo.training.plans.selectors import HOLDING, is_office_editor

Status = TrainingPlan.Status

MSG_PLAN_EXISTS = "План на {year} учебный год для этого муниципалитета уже есть."
MSG_APPROVED_FROZEN = "План утверждён: строки и квоты больше не меняются."
MSG_LINE_WHAT = "Выберите программу из справочника или укажите тему курса."
MSG_LINE_DATES = "Дата окончания не может быть раньше даты начала."
MSG_QUOTA_SCHOOL = "Организация «{school}» не относится к муниципалитету плана."
MSG_QUOTA_BELOW = "У организации «{school}» уже {taken}: квоту нельзя сделать меньше."
MSG_OPEN_STATUS = "Выдвижение можно открыть только для проекта плана."
MSG_OPEN_NO_PLACES = "Сначала добавьте строки плана и распределите места по организациям."
MSG_OPEN_DATE = "Срок выдвижения не может быть раньше сегодняшнего дня."
MSG_APPROVE_STATUS = "Утвердить можно план, по которому идёт выдвижение."
MSG_APPROVE_WAITING = "Есть кандидаты, ожидающие решения: {count}. Утвердите или отклоните их."
MSG_NOT_NOMINATING = "Выдвижение кандидатов по этому плану не открыто."
MSG_DEADLINE = "Срок выдвижения кандидатов истёк {date}."
MSG_FROZEN = "План утверждён: список кандидатов может изменить только ИМО."
MSG_OTHER_SCHOOL = "Можно выдвигать только педагогов своей организации."
MSG_NOT_WORKING = "Этот педагог не работает в организации «{school}»."
MSG_NO_QUOTA = "У организации «{school}» нет мест на этот курс."
MSG_QUOTA_FULL = "Квота организации «{school}» на этот курс исчерпана: мест {places}, выдвинуто {taken}."
MSG_DUPLICATE = "Этот педагог уже выдвинут на этот курс."
MSG_WITHDRAW_DECIDED = "ИМО уже приняло решение по этому кандидату: отозвать его может только ИМО."
MSG_DECIDE_STATUS = "Решение по кандидатам принимается, когда идёт выдвижение или план утверждён."
MSG_TOTAL = "Число мест должно быть от 0 до 1000."


def _people(count: int) -> str:
    return f"выдвинуто {count} {plural_ru(count, 'педагог,педагога,педагогов')}"


# --- the plan ---------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, municipality: Organization, academic_year: AcademicYear, title: str = "", by: Any | None
) -> TrainingPlan:
    if TrainingPlan.objects.filter(municipality=municipality, academic_year=academic_year).exists():
        raise ValidationError({"academic_year": MSG_PLAN_EXISTS.format(year=academic_year.name)})
    plan = TrainingPlan(municipality=municipality, academic_year=academic_year, title=title.strip())
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_update(
    *, plan: TrainingPlan, title: str, nominations_until: dt.date | None, by: Any | None
) -> TrainingPlan:
    plan.title = title.strip()
    plan.nominations_until = nominations_until
    plan.full_clean()
    plan.save(update_fields=["title", "nominations_until", "updated_at"])
    return plan


@transaction.atomic
def plan_delete(*, plan: TrainingPlan, by: Any | None) -> None:
    if plan.status != Status.DRAFT:
        raise ValidationError("Удалить можно только проект плана.")
    plan.delete()


@transaction.atomic
def plan_open_nominations(*, plan: TrainingPlan, until: dt.date, by: Any | None) -> TrainingPlan:
    if plan.status != Status.DRAFT:
        raise ValidationError(MSG_OPEN_STATUS)
    if until < timezone.localdate():
        raise ValidationError({"nominations_until": MSG_OPEN_DATE})
    if not PlanQuota.objects.filter(line__plan=plan, places__gt=0).exists():
        raise ValidationError(MSG_OPEN_NO_PLACES)
    plan.status = Status.NOMINATING
    plan.nominations_until = until
    plan.save(update_fields=["status", "nominations_until", "updated_at"])
    return plan


@transaction.atomic
def plan_approve(*, plan: TrainingPlan, by: Any | None) -> TrainingPlan:
    if plan.status != Status.NOMINATING:
        raise ValidationError(MSG_APPROVE_STATUS)
    waiting = Nomination.objects.filter(line__plan=plan, status=Nomination.Status.NOMINATED).count()
    if waiting:
        raise ValidationError(MSG_APPROVE_WAITING.format(count=waiting))
    plan.status = Status.APPROVED
    plan.approved_by = by if getattr(by, "pk", None) else None
    plan.approved_at = timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return plan


# --- lines and quotas -------------------------------------------------------------------------------


def _editable(plan: TrainingPlan) -> None:
    if plan.status == Status.APPROVED:
        raise ValidationError(MSG_APPROVED_FROZEN)


@transaction.atomic
def line_save(
    *, plan: TrainingPlan, line: PlanLine | None = None, data: Mapping[str, Any], by: Any | None
) -> PlanLine:
    """Create (line=None) or change a line. A programme from the catalogue fills the provider, kind and
    hours left empty; without a programme the topic is required."""
    _editable(plan)
    programme: Programme | None = data.get("programme")
    topic = (data.get("topic") or "").strip()
    if programme is None and not topic:
        raise ValidationError({"programme": MSG_LINE_WHAT})
    line = line or PlanLine(plan=plan)
    line.programme = programme
    line.topic = topic
    line.provider = data.get("provider") or (programme.provider if programme else None)
    line.kind = data.get("kind") or (programme.kind if programme else line.kind)
    line.hours = data.get("hours") or (programme.hours if programme else None)
    line.starts_on = data.get("starts_on")
    line.ends_on = data.get("ends_on")
    if line.starts_on and line.ends_on and line.ends_on < line.starts_on:
        raise ValidationError({"ends_on": MSG_LINE_DATES})
    line.audience = (data.get("audience") or "").strip()
    if data.get("order") is not None:
        line.order = data["order"]
    elif line.pk is None:
        line.order = (plan.lines.count() + 1) * 10
    line.full_clean()
    line.save()
    subjects = data.get("subjects")
    if subjects is not None:
        line.subjects.set(subjects)
    elif programme is not None and not line.subjects.exists():
        line.subjects.set(programme.subjects.all())
    return line


@transaction.atomic
def line_delete(*, line: PlanLine, by: Any | None) -> None:
    _editable(line.plan)
    line.delete()


def _in_plan(plan: TrainingPlan, school: Organization) -> bool:
    return school.path.startswith(plan.municipality.path) and school.pk != plan.municipality_id


@transaction.atomic
def quotas_set(*, line: PlanLine, places: Mapping[int, int], by: Any | None) -> None:
    """Set the places of the schools in `places` ({school id: places}; 0 removes the quota). A quota may
    not fall below the nominations already holding places."""
    _editable(line.plan)
    schools = {s.pk: s for s in Organization.objects.filter(pk__in=list(places))}
    existing = {q.school_id: q for q in line.quotas.all()}
    taken: dict[int, int] = {}
    for nomination in line.nominations.filter(status__in=HOLDING).values_list("school_id", flat=True):
        taken[nomination] = taken.get(nomination, 0) + 1
    errors = []
    for school_id, count in places.items():
        school = schools.get(school_id)
        if school is None or not _in_plan(line.plan, school):
            errors.append(MSG_QUOTA_SCHOOL.format(school=school or school_id))
            continue
        if count < 0 or count > 1000:
            errors.append(MSG_TOTAL)
            continue
        if count < taken.get(school_id, 0):
            errors.append(MSG_QUOTA_BELOW.format(school=school, taken=_people(taken[school_id])))
    if errors:
        raise ValidationError(errors)
    for school_id, count in places.items():
        quota = existing.get(school_id)
        if count == 0:
            if quota is not None:
                quota.delete()
        elif quota is None:
            PlanQuota.objects.create(line=line, school_id=school_id, places=count)
        elif quota.places != count:
            quota.places = count
            quota.save(update_fields=["places", "updated_at"])


def distribute(total: int, weights: Mapping[int, int]) -> dict[int, int]:
    """Split `total` places across the keys in proportion to `weights` by the largest remainder (Hamilton).
    Ties go to the larger weight, then to the smaller key, so the result never depends on dict order. All
    weights zero: an even split."""
    if total < 0:
        raise ValueError("total must not be negative")
    keys = sorted(weights)
    if not keys:
        return {}
    values = {k: max(int(weights[k]), 0) for k in keys}
    if sum(values.values()) == 0:
        values = dict.fromkeys(keys, 1)
    whole = sum(values.values())
    shares = {k: total * values[k] // whole for k in keys}
    remainders = {k: total * values[k] % whole for k in keys}
    left = total - sum(shares.values())
    for k in sorted(keys, key=lambda k: (-remainders[k], -values[k], k))[:left]:
        shares[k] += 1
    return shares


@transaction.atomic
def quotas_distribute(
    *, line: PlanLine, total: int, counts: Mapping[int, int], by: Any | None
) -> dict[int, int]:
    """Places of the line across the schools of `counts` (the forecast), replacing those schools' quotas.
    A school keeps at least the nominations it already made."""
    if total < 0 or total > 1000:
        raise ValidationError({"total": MSG_TOTAL})
    shares = distribute(total, counts)
    quotas_set(line=line, places=shares, by=by)
    return shares


# --- nominations ------------------------------------------------------------------------------------


def _admin_may_change(plan: TrainingPlan, by: Any) -> None:
    """A school admin changes nominations only while they are open and before the deadline."""
    if is_office_editor(by):
        if plan.status == Status.DRAFT:
            raise ValidationError(MSG_NOT_NOMINATING)
        return
    if plan.status == Status.APPROVED:
        raise ValidationError(MSG_FROZEN)
    if plan.status != Status.NOMINATING:
        raise ValidationError(MSG_NOT_NOMINATING)
    if plan.nominations_until and plan.nominations_until < timezone.localdate():
        raise ValidationError(MSG_DEADLINE.format(date=f"{plan.nominations_until:%d.%m.%Y}"))


@transaction.atomic
def nomination_create(
    *,
    line: PlanLine,
    educator: Educator,
    school: Organization,
    comment: str = "",
    by: Any,
) -> Nomination:
    plan = TrainingPlan.objects.select_for_update().get(pk=line.plan_id)
    _admin_may_change(plan, by)
    if not by.has_perm("training.nominate", school) or not _in_plan(plan, school):
        raise ValidationError({"school": MSG_OTHER_SCHOOL})
    working = Employment.objects.filter(
        active_on(timezone.localdate()), educator=educator, organization__path__startswith=school.path
    )
    if educator.erased_at is not None or not working.exists():
        raise ValidationError({"educator": MSG_NOT_WORKING.format(school=school)})
    if Nomination.objects.filter(line=line, educator=educator).exists():
        raise ValidationError({"educator": MSG_DUPLICATE})
    quota = PlanQuota.objects.filter(line=line, school=school).first()
    if quota is None or quota.places == 0:
        raise ValidationError(MSG_NO_QUOTA.format(school=school))
    taken = Nomination.objects.filter(line=line, school=school, status__in=HOLDING).count()
    if taken >= quota.places:
        raise ValidationError(MSG_QUOTA_FULL.format(school=school, places=quota.places, taken=taken))
    nomination = Nomination(
        line=line,
        educator=educator,
        school=school,
        comment=comment.strip(),
        nominated_by=by if getattr(by, "pk", None) else None,
    )
    nomination.full_clean()
    nomination.save()
    return nomination


@transaction.atomic
def nomination_withdraw(*, nomination: Nomination, by: Any) -> None:
    plan = nomination.line.plan
    _admin_may_change(plan, by)
    if not is_office_editor(by):
        if not by.has_perm("training.nominate", nomination.school):
            raise ValidationError(MSG_OTHER_SCHOOL)
        if nomination.status != Nomination.Status.NOMINATED:
            raise ValidationError(MSG_WITHDRAW_DECIDED)
    nomination.delete()


@transaction.atomic
def nomination_decide(*, nomination: Nomination, approve: bool, comment: str = "", by: Any) -> Nomination:
    """The office approves or rejects a nomination (a rejected one frees the school's place). Approving a
    rejected nomination again must fit in the quota."""
    plan = nomination.line.plan
    if plan.status not in (Status.NOMINATING, Status.APPROVED):
        raise ValidationError(MSG_DECIDE_STATUS)
    new = Nomination.Status.APPROVED if approve else Nomination.Status.REJECTED
    if approve and nomination.status == Nomination.Status.REJECTED:
        quota = PlanQuota.objects.filter(line=nomination.line, school=nomination.school).first()
        places = quota.places if quota else 0
        taken = Nomination.objects.filter(
            line=nomination.line, school=nomination.school, status__in=HOLDING
        ).count()
        if taken >= places:
            raise ValidationError(MSG_QUOTA_FULL.format(school=nomination.school, places=places, taken=taken))
    nomination.status = new
    if comment.strip():
        nomination.comment = comment.strip()
    nomination.save(update_fields=["status", "comment", "updated_at"])
    return nomination


@transaction.atomic
def nominations_approve_all(*, plan: TrainingPlan, by: Any) -> int:
    """Approve every nomination still waiting; the number approved."""
    if plan.status not in (Status.NOMINATING, Status.APPROVED):
        raise ValidationError(MSG_DECIDE_STATUS)
    waiting = list(Nomination.objects.filter(line__plan=plan, status=Nomination.Status.NOMINATED))
    for nomination in waiting:
        nomination.status = Nomination.Status.APPROVED
        nomination.save(update_fields=["status", "updated_at"])  # one by one: the audit log sees each
    return len(waiting)
