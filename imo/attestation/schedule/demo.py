"""Demo attestation schedule (issue #5, item 4): the current academic year's schedule of every district,
built from the due lists, with a few lines moved by hand the way the office does. Run after
imo.attestation.demo.seed (it reads the attestation history)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

from imo.attestation.models import ScheduleEntry
from imo.attestation.schedule.services import planning_bounds, schedule_build, year_months
from imo.orgs.models import Organization
from imo.reference.services import academic_year_ensure

NOTES = (
    "Перенесено по заявлению педагога",
    "Перенесено: курсы повышения квалификации",
    "По согласованию с аттестационной комиссией",
)


@dataclass(frozen=True)
class DemoSchedule:
    added: int
    moved: int


def seed(*, rng: random.Random, today: dt.date) -> DemoSchedule:
    year = academic_year_ensure(on=today)
    municipalities = list(Organization.objects.filter(kind=Organization.Kind.MUNICIPALITY).order_by("pk"))
    summary = schedule_build(academic_year=year, organizations=municipalities)
    first, last = planning_bounds(year)
    months = [m for m in year_months(year) if first <= m <= last]
    entries = list(ScheduleEntry.objects.filter(academic_year=year).order_by("pk"))
    moved = rng.sample(entries, k=min(len(entries), max(1, len(entries) // 20))) if entries else []
    now = timezone.now()
    for entry in moved:
        entry.planned_month = rng.choice(months)
        entry.note = rng.choice(NOTES)
        entry.updated_at = now
    ScheduleEntry.objects.bulk_update(moved, ["planned_month", "note", "updated_at"], batch_size=2000)
    return DemoSchedule(added=summary.added, moved=len(moved))
