# ruff: noqa: F811  (the fixtures imported from development_fixtures are used as arguments)
"""Individual development plans: validation of plans, gaps and items, progress and overdue items in SQL
and in Python, linking a completed course, the surveys entry point and the home-page figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from imo.training.development import selectors, services
from imo.training.models import CourseRecord, DevelopmentGap, DevelopmentItem, DevelopmentPlan
from imo.training.tests.development_fixtures import make_plan, make_record, people, plan, today  # noqa: F401

pytestmark = pytest.mark.django_db
Item = DevelopmentItem


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- plans ----------------------------------------------------------------------------------------


def test_plan_dates_and_mentor_are_checked(district, people):
    by = district.user("school_admin_a")
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            educator=people["teacher"],
            starts_on=dt.date(2026, 9, 1),
            ends_on=dt.date(2026, 8, 31),
            mentor=people["teacher"],
            by=by,
        )
    text = _messages(error.value)
    assert "Дата окончания не может быть раньше даты начала." in text
    assert services.MSG_MENTOR_SELF in text
    assert not DevelopmentPlan.objects.exists()


def test_mentor_must_be_in_scope_of_the_writer(district, people):
    with pytest.raises(ValidationError) as error:
        make_plan(people["teacher"], district.user("school_admin_a"), mentor=people["other_b"])
    assert services.MSG_MENTOR_SCOPE in _messages(error.value)
    plan = make_plan(people["teacher"], district.user("school_admin_a"), mentor=people["colleague_a"])
    assert plan.mentor == people["colleague_a"]
    # The office sees the whole district: school B's educator may mentor.
    services.plan_update(plan=plan, by=district.user("methodist"), mentor=people["other_b"])
    plan.refresh_from_db()
    assert plan.mentor == people["other_b"]


def test_one_current_plan_per_educator(district, people, plan):
    with pytest.raises(ValidationError) as error:
        make_plan(people["teacher"])
    assert services.MSG_ONE_CURRENT in _messages(error.value)


def test_activate_needs_an_item_and_complete_needs_every_item_closed(district, people):
    plan = make_plan(people["colleague_a"])
    with pytest.raises(ValidationError, match="хотя бы один пункт"):
        services.plan_activate(plan=plan, by=None)
    item = services.item_add(plan=plan, kind="self_study", title="Чтение", due_on=today(), by=None)
    services.plan_activate(plan=plan, by=None)
    with pytest.raises(ValidationError, match="невыполненные пункты"):
        services.plan_complete(plan=plan, by=None)
    services.item_mark_done(item=item, done_on=today(), result="Конспект", by=None)
    services.plan_complete(plan=plan, by=None)
    assert plan.status == DevelopmentPlan.Status.COMPLETED
    with pytest.raises(ValidationError, match="Маршрут выполнен"):
        services.gap_add(plan=plan, text="Новый дефицит", by=None)
    # A new plan may be made once the old one is completed; the old one cannot be reopened then.
    make_plan(people["colleague_a"])
    with pytest.raises(ValidationError):
        services.plan_reopen(plan=plan, by=None)


def test_plan_dates_cannot_leave_an_item_outside(plan):
    with pytest.raises(ValidationError, match="выходит за новые даты"):
        services.plan_update(plan=plan, by=None, starts_on=today() - dt.timedelta(days=3))
    plan.refresh_from_db()
    assert plan.starts_on == today() - dt.timedelta(days=60)


# --- gaps -----------------------------------------------------------------------------------------


def test_gap_text_is_required_and_not_repeated(plan):
    with pytest.raises(ValidationError, match="Опишите"):
        services.gap_add(plan=plan, text="   ", by=None)
    with pytest.raises(ValidationError, match="уже есть"):
        services.gap_add(plan=plan, text="  формирование  ФУНКЦИОНАЛЬНОЙ грамотности ", by=None)
    assert plan.gaps.count() == 1


def test_deleting_a_gap_keeps_its_items(plan):
    gap = plan.gaps.get()
    services.gap_delete(gap=gap, by=None)
    assert plan.items.count() == 2
    assert not plan.items.filter(gap__isnull=False).exists()


# --- items ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "ok"),
    [(-60, True), (-61, False), (300, True), (301, False)],
)
def test_item_due_date_lies_inside_the_plan(plan, offset, ok):
    due = today() + dt.timedelta(days=offset)
    if ok:
        services.item_add(plan=plan, kind="other", title="Пункт", due_on=due, by=None)
    else:
        with pytest.raises(ValidationError, match="в пределах маршрута"):
            services.item_add(plan=plan, kind="other", title="Пункт", due_on=due, by=None)


def test_done_item_needs_a_date_not_in_the_future_nor_before_the_start(plan):
    item = plan.items.get(kind="event")
    with pytest.raises(ValidationError, match="Укажите дату выполнения"):
        services.item_mark_done(item=item, done_on=None, by=None)
    with pytest.raises(ValidationError, match="в будущем"):
        services.item_mark_done(item=item, done_on=today() + dt.timedelta(days=1), by=None)
    with pytest.raises(ValidationError, match="раньше начала маршрута"):
        services.item_mark_done(item=item, done_on=today() - dt.timedelta(days=61), by=None)
    services.item_mark_done(item=item, done_on=today(), result="  Проведён  ", by=None)
    item.refresh_from_db()
    assert (item.status, item.done_on, item.result) == (Item.Status.DONE, today(), "Проведён")
    # Back to «in progress»: the date of completion goes.
    services.item_set_status(item=item, status=Item.Status.IN_PROGRESS, by=None)
    item.refresh_from_db()
    assert item.done_on is None


def test_item_needs_a_title_or_a_programme_and_a_gap_of_its_plan(district, people, plan):
    with pytest.raises(ValidationError, match="Укажите содержание"):
        services.item_add(plan=plan, kind="event", title=" ", due_on=today(), by=None)
    other = make_plan(people["colleague_a"])
    foreign_gap = services.gap_add(plan=other, text="Чужой дефицит", by=None)
    with pytest.raises(ValidationError, match="этого же маршрута"):
        services.item_add(plan=plan, kind="event", title="Семинар", due_on=today(), gap=foreign_gap, by=None)


def test_linking_a_course_marks_the_item_done_on_its_end_date(district, people, plan):
    item = plan.items.get(kind="course")
    record = make_record(people["teacher"], ends_on=today() - dt.timedelta(days=5))
    services.item_link_course(item=item, record=record, by=None)
    item.refresh_from_db()
    assert (item.status, item.done_on, item.course_record_id) == (Item.Status.DONE, record.ends_on, record.pk)
    services.item_link_course(item=item, record=None, by=None)
    item.refresh_from_db()
    assert (item.status, item.done_on, item.course_record_id) == (Item.Status.PLANNED, None, None)


def test_only_the_educators_own_valid_course_of_a_course_item(district, people, plan):
    course = plan.items.get(kind="course")
    event = plan.items.get(kind="event")
    own = make_record(people["teacher"], ends_on=today() - dt.timedelta(days=5))
    with pytest.raises(ValidationError, match="только для пункта «курс»"):
        services.item_link_course(item=event, record=own, by=None)
    foreign = make_record(people["colleague_a"], ends_on=today() - dt.timedelta(days=5))
    with pytest.raises(ValidationError, match="только курс этого педагога"):
        services.item_link_course(item=course, record=foreign, by=None)
    rejected = make_record(people["teacher"], ends_on=today(), status=CourseRecord.Status.REJECTED)
    with pytest.raises(ValidationError, match="Отклонённый"):
        services.item_link_course(item=course, record=rejected, by=None)
    early = make_record(people["teacher"], ends_on=today() - dt.timedelta(days=100))
    with pytest.raises(ValidationError, match="раньше начала маршрута"):
        services.item_link_course(item=course, record=early, by=None)


# --- progress and overdue -------------------------------------------------------------------------


def test_progress_counts_done_among_not_cancelled(district, people, plan):
    row: Any = selectors.plan_list(user=district.user("head")).get(pk=plan.pk)
    assert (row.items_total, row.items_done, row.items_overdue, row.progress) == (2, 0, 1, 0)
    assert row.school == district.school_a.short_name
    event = plan.items.get(kind="event")
    services.item_mark_done(item=event, done_on=today(), by=None)
    services.item_add(plan=plan, kind="other", title="Отменённый", due_on=today(), by=None)
    cancelled = plan.items.get(title="Отменённый")
    services.item_set_status(item=cancelled, status=Item.Status.CANCELLED, by=None)
    row = selectors.plan_list(user=district.user("head")).get(pk=plan.pk)
    assert (row.items_total, row.items_done, row.items_overdue, row.progress) == (2, 1, 0, 50)
    view = selectors.plan_view(plan)
    assert (view.done, view.counted, view.progress, view.overdue) == (1, 2, 50, 0)
    assert [len(group.items) for group in view.groups] == [1, 0, 1, 1]


@pytest.mark.parametrize(
    ("done", "total", "band"),
    [(0, 3, "0"), (1, 3, "1-49"), (1, 2, "50-99"), (2, 3, "50-99"), (3, 3, "100"), (0, 0, "none")],
)
def test_progress_bands(district, people, done, total, band):
    plan = make_plan(people["colleague_a"])
    for n in range(total):
        item = services.item_add(plan=plan, kind="other", title=f"Пункт {n}", due_on=today(), by=None)
        if n < done:
            services.item_mark_done(item=item, done_on=today(), by=None)
    rows = selectors.plan_list(user=district.user("head"))
    found = {
        value
        for value in [b[0] for b in selectors.PROGRESS_BANDS] + [selectors.NO_ITEMS]
        if selectors.filter_progress_band(rows, value).filter(pk=plan.pk).exists()
    }
    assert found == {band}
    row: Any = rows.get(pk=plan.pk)
    assert selectors.progress_percent(done, total) == row.progress


# --- surveys (issue #9) ---------------------------------------------------------------------------


def test_gaps_from_a_survey_create_a_draft_plan_for_the_academic_year(district, people):
    educator = people["colleague_a"]
    gaps = services.gaps_add_from_survey(
        educator=educator,
        texts=["Работа с детьми с ОВЗ", "  ", "работа с детьми  с ОВЗ", "Цифровые инструменты"],
        source_ref="Анкета «Профессиональные дефициты», 2026",
        by=district.user("methodist"),
    )
    assert [g.text for g in gaps] == ["Работа с детьми с ОВЗ", "Цифровые инструменты"]
    plan = DevelopmentPlan.objects.get(educator=educator)
    start = today().year if today().month >= 9 else today().year - 1
    assert (plan.status, plan.starts_on, plan.ends_on) == (
        DevelopmentPlan.Status.DRAFT,
        dt.date(start, 9, 1),
        dt.date(start + 1, 8, 31),
    )
    assert plan.created_by == district.user("methodist")
    assert {g.source for g in plan.gaps.all()} == {DevelopmentGap.Source.SURVEY}
    assert all(g.source_ref.startswith("Анкета") for g in plan.gaps.all())
    # Repeating the call changes nothing.
    assert (
        services.gaps_add_from_survey(
            educator=educator, texts=["Цифровые инструменты"], source_ref="", by=None
        )
        == []
    )
    assert plan.gaps.count() == 2


def test_gaps_from_a_survey_extend_the_current_plan(plan, people):
    gaps = services.gaps_add_from_survey(
        educator=people["teacher"],
        texts=["Оценивание", "Формирование функциональной грамотности"],
        source_ref="survey:7",
        by=None,
    )
    assert [g.plan_id for g in gaps] == [plan.pk]
    assert plan.gaps.count() == 2
    assert DevelopmentPlan.objects.filter(educator=people["teacher"]).count() == 1


def test_a_long_survey_text_saves_nothing(people):
    with pytest.raises(ValidationError):
        services.gaps_add_from_survey(educator=people["other_b"], texts=["а" * 501], source_ref="", by=None)
    assert not DevelopmentPlan.objects.filter(educator=people["other_b"]).exists()


# --- home page ------------------------------------------------------------------------------------


def test_home_summary(district, people, plan):
    office = selectors.home_summary_for(user=district.user("head"))
    assert (office["active_plans"], office["plans_with_overdue"]) == (1, 1)
    other_school = selectors.home_summary_for(user=district.user("school_admin_b"))
    assert (other_school["active_plans"], other_school["plans_with_overdue"]) == (0, 0)
    teacher = selectors.home_summary_for(user=district.user("teacher_a"))
    assert teacher["active_plans"] is None
    assert (teacher["own_plan_id"], teacher["own_progress"], teacher["own_overdue"]) == (plan.pk, 0, 1)
