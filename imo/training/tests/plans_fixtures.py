"""Helpers of the training plan tests: a plan of the current academic year with one line and quotas, and
educators at the district's two schools."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from imo.core.text import fold
from imo.orgs.tests.factories import District
from imo.reference.services import academic_year_ensure
from imo.staff.models import Educator
from imo.staff.tests.factories import make_educator
from imo.training.models import (
    CourseRecord,
    Nomination,
    PlanLine,
    PlanQuota,
    Programme,
    Provider,
    ProviderKind,
    TrainingPlan,
)


def make_provider(name: str = "ГАОУ ДПО «Институт развития образования»") -> Provider:
    provider = Provider(name=name, kind=ProviderKind.STATE, name_key=fold(name))
    provider.save()
    return provider


def make_programme(title: str = "Реализация требований обновлённых ФГОС ООО", hours: int = 36) -> Programme:
    programme = Programme(title=title, provider=make_provider(), hours=hours, title_key=fold(title))
    programme.save()
    return programme


@dataclass
class PlanSetup:
    plan: TrainingPlan
    line: PlanLine
    a1: Educator
    a2: Educator
    a3: Educator
    b1: Educator


def make_plan(
    district: District,
    *,
    status: str = TrainingPlan.Status.NOMINATING,
    places_a: int = 2,
    places_b: int = 1,
    until: dt.date | None = None,
    topic: str = "Функциональная грамотность",
) -> PlanSetup:
    year = academic_year_ensure(on=timezone.localdate())
    plan = TrainingPlan.objects.create(
        municipality=district.municipality,
        academic_year=year,
        status=status,
        nominations_until=until or timezone.localdate() + dt.timedelta(days=30),
    )
    line = PlanLine.objects.create(plan=plan, topic=topic, hours=36, order=10)
    if places_a:
        PlanQuota.objects.create(line=line, school=district.school_a, places=places_a)
    if places_b:
        PlanQuota.objects.create(line=line, school=district.school_b, places=places_b)
    m = district.municipality
    a1 = make_educator(municipality=m, school=district.school_a, last_name="Алиева", first_name="Зарема")
    a2 = make_educator(municipality=m, school=district.school_a, last_name="Бисаева", first_name="Хава")
    a3 = make_educator(municipality=m, school=district.school_a, last_name="Вахаева", first_name="Луиза")
    b1 = make_educator(municipality=m, school=district.school_b, last_name="Гунаева", first_name="Петимат")
    return PlanSetup(plan, line, a1, a2, a3, b1)


def nominate(
    setup: PlanSetup, educator: Educator, school: Any, status: str = Nomination.Status.NOMINATED
) -> Nomination:
    return Nomination.objects.create(line=setup.line, educator=educator, school=school, status=status)


def complete(educator: Educator, line: PlanLine, ends_on: dt.date = dt.date(2026, 10, 20)) -> CourseRecord:
    return CourseRecord.objects.create(
        educator=educator,
        title=str(line),
        provider_kind=ProviderKind.STATE,
        hours=36,
        starts_on=ends_on - dt.timedelta(days=10),
        ends_on=ends_on,
        plan_line=line,
        source=CourseRecord.Source.IMPORT,
    )
