"""Demo mentoring: most early-career educators get a mentor — an experienced colleague of the same school
(at most three mentees each) — with a plan, done items in the past, and a few reports.

Runs after the staff seed; everything is written with bulk_create (the demo is generated, not audited)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from imo.mentorship.models import Mentorship, MentorshipPlanItem, MentorshipReport
from imo.staff.experience import add_months, add_years
from imo.staff.models import Employment
from imo.staff.selectors import active_on

SHARE_WITH_MENTOR = 0.8
MAX_LOAD = 3
PLAN = (
    "Знакомство с локальными актами школы и должностными обязанностями",
    "Составление рабочей программы и календарно-тематического плана",
    "Посещение уроков наставника",
    "Посещение наставником уроков молодого специалиста с последующим анализом",
    "Подготовка и проведение открытого урока",
    "Участие в работе методического объединения",
    "Ведение электронного журнала и школьной документации",
    "Подготовка к родительскому собранию",
)
RESULTS = (
    "Выполнено, замечаний нет.",
    "Выполнено; даны рекомендации по организации работы с классом.",
    "Выполнено, результаты обсуждены на заседании МО.",
)
GOALS = (
    "Адаптация молодого специалиста в коллективе, развитие профессиональных компетенций, "
    "освоение методики преподавания предмета."
)
MENTOR_REPORTS = (
    "Молодой специалист освоил ведение школьной документации, уроки проводит по плану; "
    "рекомендовано больше внимания уделять дифференцированной работе.",
    "Посещено 6 уроков, проведён их анализ. Наблюдается положительная динамика в организации урока.",
)
MENTEE_REPORTS = (
    "Посетила уроки наставника, подготовила и провела открытый урок, участвовала в работе МО.",
    "Освоил составление технологических карт уроков, провёл открытый урок для коллег.",
)


@dataclass(frozen=True)
class DemoMentoring:
    mentorships: int
    plan_items: int
    reports: int


def _colleagues(today: dt.date) -> tuple[dict[int, list[tuple[int, dt.date]]], dict[int, list[int]]]:
    """Per organisation: early-career educators (with a start date of their mentoring) and experienced
    ones (ten years or more), by their main employment in force today."""
    early_after = add_years(today, -3)
    experienced_not_after = add_years(today, -10)
    rows = (
        Employment.objects.filter(active_on(today), is_main=True, educator__erased_at__isnull=True)
        .order_by("organization_id", "educator_id")
        .values_list("organization_id", "educator_id", "starts_on", "educator__teaching_experience_start")
    )
    early: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    experienced: dict[int, list[int]] = defaultdict(list)
    for organization_id, educator_id, starts_on, teaching_start in rows:
        if teaching_start is None:
            continue
        if teaching_start > early_after:
            start = max(d for d in (teaching_start, starts_on, add_years(today, -2)) if d is not None)
            early[organization_id].append((educator_id, min(start, today)))
        elif teaching_start <= experienced_not_after:
            experienced[organization_id].append(educator_id)
    return early, experienced


def seed(*, rng: random.Random, today: dt.date) -> DemoMentoring:
    early, experienced = _colleagues(today)
    mentorships: list[Mentorship] = []
    for organization_id, mentees in early.items():
        mentors = experienced.get(organization_id, [])
        if not mentors:
            continue
        load: dict[int, int] = defaultdict(int)
        pool = rng.sample(mentors, min(len(mentors), max(1, (len(mentees) + MAX_LOAD - 1) // MAX_LOAD + 1)))
        for mentee_id, starts_on in mentees:
            if rng.random() >= SHARE_WITH_MENTOR:
                continue
            free = [m for m in pool if load[m] < MAX_LOAD] or [m for m in mentors if load[m] < MAX_LOAD]
            if not free:
                continue
            mentor_id = rng.choice(free)
            load[mentor_id] += 1
            mentorships.append(
                Mentorship(
                    mentor_id=mentor_id,
                    mentee_id=mentee_id,
                    organization_id=organization_id,
                    starts_on=starts_on,
                    goals=GOALS,
                )
            )
    Mentorship.objects.bulk_create(mentorships, batch_size=1000)
    if mentorships and mentorships[0].pk is None:  # a database that returns no ids
        mentorships = list(Mentorship.objects.order_by("pk"))

    items, reports = _plans_and_reports(rng, today, mentorships)
    MentorshipPlanItem.objects.bulk_create(items, batch_size=2000)
    MentorshipReport.objects.bulk_create(reports, batch_size=2000)
    return DemoMentoring(len(mentorships), len(items), len(reports))


def _plans_and_reports(
    rng: random.Random, today: dt.date, mentorships: list[Mentorship]
) -> tuple[list[MentorshipPlanItem], list[MentorshipReport]]:
    items: list[MentorshipPlanItem] = []
    reports: list[MentorshipReport] = []
    for mentorship in mentorships:
        for index, title in enumerate(rng.sample(PLAN, rng.randint(3, 5))):
            due_on = add_months(mentorship.starts_on, 1 + index * 2)
            done = due_on < today and rng.random() < 0.85
            items.append(
                MentorshipPlanItem(
                    mentorship_id=mentorship.pk,
                    title=title,
                    due_on=due_on,
                    done_on=due_on - dt.timedelta(days=rng.randint(0, 10)) if done else None,
                    result=rng.choice(RESULTS) if done else "",
                )
            )
        half_year = add_months(mentorship.starts_on, 6)
        if half_year < today and rng.random() < 0.4:
            for role, texts in (
                (MentorshipReport.Author.MENTOR, MENTOR_REPORTS),
                (MentorshipReport.Author.MENTEE, MENTEE_REPORTS),
            ):
                reports.append(
                    MentorshipReport(
                        mentorship_id=mentorship.pk,
                        author_role=role,
                        period="первое полугодие наставничества",
                        reported_on=half_year,
                        text=rng.choice(texts),
                    )
                )
    return items, reports
