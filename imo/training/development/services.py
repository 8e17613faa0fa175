"""Writes of individual development plans (ИОМ): plans, professional gaps, items; each validates first
(Russian messages, nothing saved when input is bad).

Rules kept here:
- an educator has at most one current plan (a draft or one in progress); a completed plan is read-only;
- an item's due date lies inside the plan (from its start to its end); a done item has a date of
  completion not before the plan's start and not in the future;
- the mentor is another educator whom the person writing may see (their school, their district);
- a course item may be linked to one of the educator's completed courses (CourseRecord): it is then done,
  on the course's end date.

For the surveys module (issue #9): `gaps_add_from_survey` adds the gaps found in an educator's named
answers to that educator's current plan in one call (see its docstring).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from imo.core.text import collapse_spaces, fold
from imo.reference.models import academic_year_start
from imo.staff.models import Educator
from imo.staff.selectors import educators_visible_to
from imo.training.models import CourseRecord, DevelopmentGap, DevelopmentItem, DevelopmentPlan, Programme

Plan = DevelopmentPlan
Item = DevelopmentItem
CURRENT_STATUSES = (Plan.Status.DRAFT, Plan.Status.ACTIVE)
OPEN_ITEM_STATUSES = (Item.Status.PLANNED, Item.Status.IN_PROGRESS)

MSG_COMPLETED = "Маршрут выполнен: изменения в него не вносятся."
MSG_ONE_CURRENT = (
    "У педагога уже есть текущий маршрут (проект или выполняется): дополните его или завершите, "
    "прежде чем составлять новый."
)
MSG_MENTOR_SELF = "Наставником не может быть сам педагог, для которого составлен маршрут."
MSG_MENTOR_SCOPE = "Наставником может быть только педагог вашей организации или района."
MSG_ENDS_BEFORE_START = "Дата окончания не может быть раньше даты начала."
MSG_DONE_FUTURE = "Дата выполнения не может быть в будущем."
MSG_DONE_REQUIRED = "Укажите дату выполнения."
MSG_GAP_EMPTY = "Опишите профессиональный дефицит."
MSG_GAP_DUPLICATE = "Такой профессиональный дефицит уже есть в маршруте."
MSG_GAP_LONG = "Описание дефицита длиннее 500 знаков: сократите его."
MSG_TITLE_EMPTY = "Укажите содержание пункта."
MSG_COURSE_ONLY = "Программу из каталога и пройденный курс можно указать только для пункта «курс»."
MSG_COURSE_OTHER = "Можно выбрать только курс этого педагога."
MSG_COURSE_REJECTED = "Отклонённый курс нельзя засчитать в маршрут."
MSG_GAP_OTHER = "Дефицит должен быть из этого же маршрута."


def _day(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


def _editable(plan: Plan) -> None:
    if plan.status == Plan.Status.COMPLETED:
        raise ValidationError(MSG_COMPLETED)


def _current_plans(educator: Educator) -> Any:
    return Plan.objects.filter(educator=educator, status__in=CURRENT_STATUSES)


def _check_mentor(
    errors: dict[str, list[str]], *, educator: Educator, mentor: Educator | None, by: Any
) -> None:
    if mentor is None:
        return
    if mentor.pk == educator.pk:
        errors.setdefault("mentor", []).append(MSG_MENTOR_SELF)
    elif mentor.erased_at is not None or (
        by is not None and not educators_visible_to(user=by).filter(pk=mentor.pk).exists()
    ):
        errors.setdefault("mentor", []).append(MSG_MENTOR_SCOPE)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


# --- plans ----------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    educator: Educator,
    starts_on: dt.date,
    ends_on: dt.date,
    title: str = "",
    mentor: Educator | None = None,
    by: Any,
) -> Plan:
    errors: dict[str, list[str]] = {}
    if _current_plans(educator).exists():
        errors.setdefault("__all__", []).append(MSG_ONE_CURRENT)
    if ends_on < starts_on:
        errors.setdefault("ends_on", []).append(MSG_ENDS_BEFORE_START)
    _check_mentor(errors, educator=educator, mentor=mentor, by=by)
    _raise(errors)
    plan = Plan(
        educator=educator,
        title=collapse_spaces(title),
        starts_on=starts_on,
        ends_on=ends_on,
        mentor=mentor,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, by: Any, **data: Any) -> Plan:
    """Change the title, dates or mentor (keys: title, starts_on, ends_on, mentor)."""
    _editable(plan)
    for name in ("title", "starts_on", "ends_on", "mentor"):
        if name in data:
            setattr(plan, name, data[name])
    plan.title = collapse_spaces(plan.title)
    errors: dict[str, list[str]] = {}
    if plan.ends_on < plan.starts_on:
        errors.setdefault("ends_on", []).append(MSG_ENDS_BEFORE_START)
    _check_mentor(errors, educator=plan.educator, mentor=plan.mentor, by=by)
    outside = plan.items.exclude(due_on__range=(plan.starts_on, plan.ends_on)).order_by("due_on").first()
    if outside is not None and plan.ends_on >= plan.starts_on:
        errors.setdefault("__all__", []).append(
            f"Срок пункта «{outside.title}» ({_day(outside.due_on)}) выходит за новые даты маршрута: "
            "сначала измените срок пункта."
        )
    _raise(errors)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_delete(*, plan: Plan, by: Any) -> None:
    plan.delete()


@transaction.atomic
def plan_activate(*, plan: Plan, by: Any) -> Plan:
    """A draft starts: it needs at least one item that is not cancelled."""
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError("Начать можно только маршрут в состоянии «проект».")
    if not plan.items.exclude(status=Item.Status.CANCELLED).exists():
        raise ValidationError("Добавьте в маршрут хотя бы один пункт, прежде чем начинать его выполнение.")
    plan.status = Plan.Status.ACTIVE
    plan.save(update_fields=["status", "updated_at"])
    return plan


@transaction.atomic
def plan_complete(*, plan: Plan, by: Any) -> Plan:
    """A plan in progress is completed when every item is done or cancelled."""
    if plan.status != Plan.Status.ACTIVE:
        raise ValidationError("Завершить можно только маршрут, который выполняется.")
    open_items = plan.items.filter(status__in=OPEN_ITEM_STATUSES).count()
    if open_items:
        raise ValidationError(
            f"В маршруте есть невыполненные пункты ({open_items}): отметьте их выполненными или отменёнными."
        )
    plan.status = Plan.Status.COMPLETED
    plan.save(update_fields=["status", "updated_at"])
    return plan


@transaction.atomic
def plan_reopen(*, plan: Plan, by: Any) -> Plan:
    """A completed plan goes back to «выполняется» (to correct it)."""
    if plan.status != Plan.Status.COMPLETED:
        raise ValidationError("Возобновить можно только выполненный маршрут.")
    if _current_plans(plan.educator).exists():
        raise ValidationError(MSG_ONE_CURRENT)
    plan.status = Plan.Status.ACTIVE
    plan.save(update_fields=["status", "updated_at"])
    return plan


# --- professional gaps ----------------------------------------------------------------------------


def _gap_text(text: str, plan: Plan, *, taken: set[str] | None = None) -> str:
    text = collapse_spaces(text or "")
    if not text:
        raise ValidationError({"text": [MSG_GAP_EMPTY]})
    if len(text) > 500:
        raise ValidationError({"text": [MSG_GAP_LONG]})
    if taken is None:
        taken = {fold(t) for t in plan.gaps.values_list("text", flat=True)}
    if fold(text) in taken:
        raise ValidationError({"text": [MSG_GAP_DUPLICATE]})
    return text


@transaction.atomic
def gap_add(
    *,
    plan: Plan,
    text: str,
    by: Any,
    source: str = DevelopmentGap.Source.TYPED,
    source_ref: str = "",
) -> DevelopmentGap:
    _editable(plan)
    gap = DevelopmentGap(plan=plan, text=_gap_text(text, plan), source=source, source_ref=source_ref[:200])
    gap.full_clean()
    gap.save()
    return gap


@transaction.atomic
def gap_delete(*, gap: DevelopmentGap, by: Any) -> None:
    """The gap goes; items that addressed it stay (without the link)."""
    _editable(gap.plan)
    gap.delete()


def _current_academic_year(today: dt.date) -> tuple[dt.date, dt.date, str]:
    start = academic_year_start(today)
    return dt.date(start, 9, 1), dt.date(start + 1, 8, 31), f"ИОМ на {start}/{start + 1} учебный год"


def plan_current(*, educator: Educator) -> Plan | None:
    """The educator's current plan: the one in progress, else the newest draft."""
    return (
        _current_plans(educator)
        .order_by("status", "-starts_on", "-pk")  # "active" sorts before "draft"
        .first()
    )


@transaction.atomic
def gaps_add_from_survey(
    *, educator: Educator, texts: list[str], source_ref: str, by: Any
) -> list[DevelopmentGap]:
    """Add the professional gaps found in an educator's named survey answers to their plan (issue #9).

    - The gaps go to the educator's current plan (the one in progress, else the newest draft). When the
      educator has none, a draft plan for the current academic year (01.09–31.08) is created first, made
      by `by`, without a mentor.
    - Each text becomes a gap with source «по результатам анкетирования» and `source_ref` (e.g. the
      survey's title or its URL, up to 200 characters) so the plan shows where it came from.
    - Texts are trimmed; empty texts and texts already among the plan's gaps (compared without case, ё
      and extra spaces, also within `texts`) are skipped, so repeating the call changes nothing.
    - Returns the gaps created (possibly none). A text longer than 500 characters raises ValidationError
      and nothing is saved; so does a completed plan (it is never the current one, so this cannot happen).

    The caller checks that `by` may change the educator's plan (permission
    "training.add_development_plan_for" on the educator)."""
    cleaned = [collapse_spaces(text or "") for text in texts]
    cleaned = [text for text in cleaned if text]
    if not cleaned:
        return []
    plan = plan_current(educator=educator)
    if plan is None:
        starts_on, ends_on, title = _current_academic_year(timezone.localdate())
        plan = plan_create(educator=educator, starts_on=starts_on, ends_on=ends_on, title=title, by=by)
    taken = {fold(t) for t in plan.gaps.values_list("text", flat=True)}
    created = []
    for raw in cleaned:
        if fold(raw) in taken:
            continue
        text = _gap_text(raw, plan, taken=taken)
        taken.add(fold(text))
        created.append(
            DevelopmentGap(
                plan=plan, text=text, source=DevelopmentGap.Source.SURVEY, source_ref=source_ref[:200]
            )
        )
    for gap in created:
        gap.full_clean()
        gap.save()
    return created


# --- items ----------------------------------------------------------------------------------------


def _check_links(item: Item, errors: dict[str, list[str]]) -> None:
    """Programme and course only for a course item; the gap of the same plan; a linked course of the
    educator's own (not rejected) makes the item done on the course's end date."""
    plan = item.plan
    if item.kind != Item.Kind.COURSE:
        if item.programme_id is not None:
            errors.setdefault("programme", []).append(MSG_COURSE_ONLY)
        if item.course_record_id is not None:
            errors.setdefault("course_record", []).append(MSG_COURSE_ONLY)
    if item.gap is not None and item.gap.plan_id != plan.pk:
        errors.setdefault("gap", []).append(MSG_GAP_OTHER)
    record = item.course_record
    if record is None:
        return
    if record.educator_id != plan.educator_id:
        errors.setdefault("course_record", []).append(MSG_COURSE_OTHER)
    elif record.status == CourseRecord.Status.REJECTED:
        errors.setdefault("course_record", []).append(MSG_COURSE_REJECTED)
    else:
        item.status = Item.Status.DONE
        item.done_on = record.ends_on


def _check_done(item: Item, today: dt.date, errors: dict[str, list[str]]) -> None:
    if item.status != Item.Status.DONE:
        item.done_on = None
        return
    field = "course_record" if item.course_record_id is not None else "done_on"
    if item.done_on is None:
        errors.setdefault(field, []).append(MSG_DONE_REQUIRED)
    elif item.done_on > today:
        errors.setdefault(field, []).append(MSG_DONE_FUTURE)
    elif item.done_on < item.plan.starts_on:
        errors.setdefault(field, []).append(
            f"Дата выполнения не может быть раньше начала маршрута ({_day(item.plan.starts_on)})."
        )


def _validate_item(item: Item, today: dt.date) -> None:
    plan = item.plan
    errors: dict[str, list[str]] = {}
    item.title = collapse_spaces(item.title or "")
    if not item.title and item.programme is not None:
        item.title = item.programme.title[:500]
    if not item.title:
        errors.setdefault("title", []).append(MSG_TITLE_EMPTY)
    if item.due_on is not None and not (plan.starts_on <= item.due_on <= plan.ends_on):
        errors.setdefault("due_on", []).append(
            f"Срок должен быть в пределах маршрута: с {_day(plan.starts_on)} по {_day(plan.ends_on)}."
        )
    _check_links(item, errors)
    _check_done(item, today, errors)
    _raise(errors)
    item.full_clean()


@transaction.atomic
def item_add(
    *,
    plan: Plan,
    kind: str,
    title: str,
    due_on: dt.date,
    programme: Programme | None = None,
    gap: DevelopmentGap | None = None,
    by: Any,
) -> Item:
    _editable(plan)
    item = Item(plan=plan, kind=kind, title=title, due_on=due_on, programme=programme, gap=gap)
    _validate_item(item, timezone.localdate())
    item.save()
    return item


ITEM_FIELDS = ("kind", "title", "programme", "gap", "due_on", "status", "done_on", "result", "course_record")


@transaction.atomic
def item_update(*, item: Item, by: Any, **data: Any) -> Item:
    """Change any of: kind, title, programme, gap, due_on, status, done_on, result, course_record.
    A status other than «выполнено» clears the date of completion and the linked course."""
    _editable(item.plan)
    for name in ITEM_FIELDS:
        if name in data:
            setattr(item, name, data[name])
    if item.status != Item.Status.DONE and "course_record" not in data:
        item.course_record = None
    item.result = (item.result or "").strip()
    _validate_item(item, timezone.localdate())
    item.save()
    return item


@transaction.atomic
def item_set_status(*, item: Item, status: str, result: str | None = None, by: Any) -> Item:
    """Planned / in progress / cancelled (for «done» use item_mark_done)."""
    if status not in Item.Status.values or status == Item.Status.DONE:
        raise ValidationError({"status": ["Выберите состояние пункта."]})
    data: dict[str, Any] = {"status": status, "course_record": None}
    if result is not None:
        data["result"] = result
    return item_update(item=item, by=by, **data)


@transaction.atomic
def item_mark_done(*, item: Item, done_on: dt.date | None, result: str = "", by: Any) -> Item:
    if done_on is None:
        raise ValidationError({"done_on": [MSG_DONE_REQUIRED]})
    return item_update(item=item, by=by, status=Item.Status.DONE, done_on=done_on, result=result)


@transaction.atomic
def item_link_course(*, item: Item, record: CourseRecord | None, by: Any) -> Item:
    """Link a course item to one of the educator's completed courses: the item is done on the course's
    end date. None removes the link (the item goes back to «запланировано»)."""
    if record is None:
        return item_update(item=item, by=by, course_record=None, status=Item.Status.PLANNED)
    return item_update(item=item, by=by, course_record=record)


@transaction.atomic
def item_delete(*, item: Item, by: Any) -> None:
    _editable(item.plan)
    item.delete()
