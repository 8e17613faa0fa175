"""Data for the development-plan tests: educators at schools A and B of the test district, a teacher's
account linked to their record, a plan with a gap and items, a course record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from imo.staff.services import educator_link_user
from imo.staff.tests.factories import make_educator
from imo.training.development import services
from imo.training.models import CourseKind, CourseRecord, DevelopmentPlan, ProviderKind


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def people(district: Any) -> dict[str, Any]:
    """teacher (school A, linked to district's teacher_a account), colleague_a (school A), other_b
    (school B)."""
    teacher = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Юсупова", first_name="Хава"
    )
    educator_link_user(educator=teacher, user=district.user("teacher_a"))
    return {
        "teacher": teacher,
        "colleague_a": make_educator(
            municipality=district.municipality, school=district.school_a, last_name="Абдулаева"
        ),
        "other_b": make_educator(
            municipality=district.municipality, school=district.school_b, last_name="Ёлкина"
        ),
    }


def make_plan(educator: Any, by: Any = None, **data: Any) -> DevelopmentPlan:
    day = today()
    return services.plan_create(
        educator=educator,
        starts_on=data.pop("starts_on", day - dt.timedelta(days=60)),
        ends_on=data.pop("ends_on", day + dt.timedelta(days=300)),
        title=data.pop("title", "ИОМ на год"),
        by=by,
        **data,
    )


def make_record(educator: Any, ends_on: dt.date, **data: Any) -> CourseRecord:
    return CourseRecord.objects.create(
        educator=educator,
        title=data.pop("title", "Функциональная грамотность"),
        kind=CourseKind.REFRESHER,
        provider_name="ИРО",
        provider_kind=ProviderKind.STATE,
        hours=36,
        starts_on=ends_on - dt.timedelta(days=10),
        ends_on=ends_on,
        **data,
    )


@pytest.fixture
def plan(people: dict[str, Any], district: Any) -> DevelopmentPlan:
    """The teacher's plan: one gap, two items (one due last week — overdue), in progress."""
    plan = make_plan(people["teacher"], district.user("school_admin_a"))
    gap = services.gap_add(plan=plan, text="Формирование функциональной грамотности", by=None)
    services.item_add(
        plan=plan,
        kind="course",
        title="Курс по функциональной грамотности",
        due_on=today() + dt.timedelta(days=30),
        gap=gap,
        by=None,
    )
    services.item_add(
        plan=plan, kind="event", title="Открытый урок", due_on=today() - dt.timedelta(days=7), by=None
    )
    services.plan_activate(plan=plan, by=None)
    return plan
