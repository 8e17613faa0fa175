"""Demo professional development (imo.training.demo) on a small demo district built by the real seeds."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.db.models import Max

from imo.orgs import demo as orgs_demo
from imo.reference import demo as reference_demo
from imo.staff import demo as staff_demo
from imo.staff.models import Educator, Employment
from imo.staff.selectors import active_on
from imo.training import demo
from imo.training.counting import counts_for_rule, due_on, is_overdue
from imo.training.graduates.services import pending_graduate_resolve
from imo.training.models import (
    CourseKind,
    CourseRecord,
    DevelopmentItem,
    DevelopmentPlan,
    Nomination,
    PendingGraduate,
    PlanQuota,
    Programme,
    Provider,
    Topic,
    TrainingPlan,
    TrainingSettings,
)

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def seeded(db):
    rng = random.Random(11)
    reference_demo.seed(today=TODAY)
    orgs = orgs_demo.seed_organizations(rng=rng, scale="district")
    orgs_demo.seed_users(rng=rng, orgs=orgs)
    staff_demo.seed(rng=rng, orgs=orgs, today=TODAY, district_count=400)
    return demo.seed(rng=rng, today=TODAY), orgs


def test_records_follow_the_rules(seeded):
    result, _ = seeded
    settings = TrainingSettings.current()
    records = list(CourseRecord.objects.select_related("provider"))
    assert result.records == len(records) > 1000
    seen: set[tuple[str, str]] = set()
    for record in records:
        assert record.starts_on <= record.ends_on < TODAY
        assert record.issued_on is not None and record.ends_on <= record.issued_on <= TODAY
        assert record.counts == counts_for_rule(
            status=record.status,
            provider_kind=record.provider_kind,
            ends_on=record.ends_on,
            settings=settings,
        )
        minimum = 250 if record.kind == CourseKind.RETRAINING else 16
        assert record.hours >= minimum
        owner = str(record.provider_id) if record.provider_id else record.provider_key
        assert owner and record.document_number
        assert (owner, record.document_number) not in seen, record
        seen.add((owner, record.document_number))
        if record.provider is None:
            assert record.provider_key and record.provider_name
        else:
            assert record.provider_key == "" and record.provider_kind == record.provider.kind
    kinds = Counter(record.kind for record in records)
    assert kinds[CourseKind.RETRAINING] >= 3
    statuses = Counter(record.status for record in records)
    assert statuses[CourseRecord.Status.PENDING] >= 30 and statuses[CourseRecord.Status.REJECTED] >= 5
    entered = {r.source for r in records if r.status != CourseRecord.Status.CONFIRMED}
    assert entered == {CourseRecord.Source.EDUCATOR}
    uncounted_other = [
        r for r in records if r.provider_kind == "other" and r.ends_on > settings.other_providers_count_until
    ]
    assert 0.02 * len(records) <= len(uncounted_other) <= 0.1 * len(records)
    assert not any(r.counts for r in uncounted_other)

    # the catalogue
    assert Provider.objects.count() >= 14
    assert Programme.objects.count() >= 60
    assert set(Provider.objects.values_list("kind", flat=True)) >= {
        "state",
        "municipal",
        "sirius",
        "skolkovo",
        "other",
    }
    for provider in Provider.objects.all():
        provider.full_clean()  # valid ИНН, name_key set
    assert Programme.objects.filter(subjects__name="Математика").exists()


def test_about_fifteen_per_cent_overdue_and_the_demo_teachers(seeded):
    result, _ = seeded
    settings = TrainingSettings.current()
    employed = set(
        Employment.objects.filter(active_on(TODAY), is_main=True).values_list("educator_id", flat=True)
    )
    last = dict(
        CourseRecord.objects.filter(counts=True)
        .values("educator_id")
        .annotate(m=Max("ends_on"))
        .values_list("educator_id", "m")
    )
    overdue = 0
    for pk, start in Educator.objects.filter(pk__in=employed).values_list("pk", "teaching_experience_start"):
        due = due_on(last_counting_end=last.get(pk), teaching_start=start, settings=settings)
        overdue += is_overdue(due, TODAY)
    assert overdue == result.overdue
    assert 0.08 * len(employed) <= overdue <= 0.22 * len(employed)

    # the demo teachers' stories
    teacher1 = Educator.objects.get(user__username="teacher1")
    assert teacher1.course_records.filter(status=CourseRecord.Status.PENDING).exists()
    assert teacher1.course_records.filter(counts=True, ends_on__gte=dt.date(2023, 11, 26)).exists()
    assert DevelopmentPlan.objects.filter(educator=teacher1).exists()
    teacher3 = Educator.objects.get(user__username="teacher3")
    assert not teacher3.course_records.filter(counts=True, ends_on__gte=dt.date(2023, 11, 26)).exists()


def test_plans_pending_graduates_and_development_plans(seeded):
    current = TrainingPlan.objects.get(status=TrainingPlan.Status.NOMINATING)
    assert current.nominations_until == TODAY + dt.timedelta(days=14)
    assert current.academic_year.start_year == 2026
    assert TrainingPlan.objects.filter(
        status=TrainingPlan.Status.APPROVED, academic_year__start_year=2025
    ).exists()
    assert current.lines.count() == 10
    per_school = Counter(Nomination.objects.values_list("line_id", "school_id"))
    places = {(q.line_id, q.school_id): q.places for q in PlanQuota.objects.all()}
    assert per_school and all(count <= places[key] for key, count in per_school.items())
    assert Nomination.objects.filter(line__plan=current).exists()
    working = set(Employment.objects.filter(active_on(TODAY)).values_list("educator_id", "organization_id"))
    for line_id, school_id, educator_id in Nomination.objects.values_list(
        "line_id", "school_id", "educator_id"
    ):
        assert (line_id, school_id) in places
        assert (educator_id, school_id) in working
    # plan vs done: finished lines have courses
    assert CourseRecord.objects.filter(plan_line__plan=current).exists()
    assert CourseRecord.objects.filter(plan_line__plan__status=TrainingPlan.Status.APPROVED).count() > 20

    # provider-list rows to match, ИОМ
    rows = list(PendingGraduate.objects.all())
    assert Counter(row.reason for row in rows) == {"unmatched": 2, "ambiguous": 1}
    for row in rows:
        assert row.data["title"] and dt.date.fromisoformat(row.data["ends_on"]) < TODAY
        assert Educator.objects.filter(pk__in=row.candidates).count() == len(row.candidates)
    ambiguous = next(row for row in rows if row.reason == "ambiguous")
    assert len(ambiguous.candidates) >= 2
    # the resolution page can use the row: picking a candidate creates the course record
    educator = Educator.objects.get(pk=ambiguous.candidates[0])
    record = pending_graduate_resolve(pending=ambiguous, educator=educator, by=None)
    assert record.educator == educator and record.plan_line_id == ambiguous.data["plan_line_id"]
    assert 30 <= DevelopmentPlan.objects.count() <= 40
    assert DevelopmentItem.objects.filter(course_record__isnull=False).exists()
    assert set(DevelopmentItem.objects.values_list("kind", flat=True)) >= {"course", "mentoring"}


def test_seed_on_an_empty_database_fills_the_catalogue_only(db):
    Topic.objects.all().delete()  # as after `imo demo --reset` (flush)
    result = demo.seed(rng=random.Random(1), today=TODAY)
    assert (result.providers, result.records, result.plans) == (15, 0, 0)
    assert Topic.objects.count() == 11
    assert Programme.topics.through.objects.count() > 60
