"""Demo applications (imo.attestation.applications.demo)."""

from __future__ import annotations

import random

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imo.attestation import demo as history_demo
from imo.attestation.applications import demo
from imo.attestation.deadlines import is_overdue
from imo.attestation.models import (
    Application,
    ApplicationEvent,
    ApplicationFile,
    AttestationSettings,
    QualificationCategory,
    default_valid_until,
)
from imo.core.uploads import document_kind
from imo.staff.tests.factories import make_educator

Status = Application.Status
Kind = QualificationCategory.Kind


def seeded(district, seed: int = 3):
    for n in range(130):
        school = district.school_a if n % 2 else district.school_b
        make_educator(municipality=district.municipality, school=school)
    today = timezone.localdate()
    history_demo.seed(rng=random.Random(seed), today=today)
    with CaptureQueriesContext(connection) as queries:
        summary = demo.seed(rng=random.Random(seed), today=today)
    return summary, today, len(queries)


def test_demo_covers_every_status_with_a_consistent_history(district):
    summary, today, queries = seeded(district)
    applications = list(Application.objects.select_related("category"))
    assert summary.total == len(applications) == 60
    statuses = {application.status for application in applications}
    assert statuses == set(Status.values)
    assert summary.by_status == dict(demo.PLAN)
    settings = AttestationSettings.current()
    overdue = [a for a in applications if is_overdue(a, settings, today)]
    assert len(overdue) == summary.overdue >= 5
    assert {a.status for a in overdue} == {Status.SUBMITTED, Status.FORWARDED, Status.ACCEPTED}
    print("demo queries", queries)
    assert queries < 60 * 70  # fast: a bounded number of statements per application

    for application in applications:
        events = list(application.events.order_by("pk"))
        assert events[0].action == ApplicationEvent.Action.CREATED
        assert [e.at for e in events] == sorted(e.at for e in events), application
        assert application.created_at == events[0].at
        assert all(e.at.date() <= today for e in events)
        if application.status == Status.RETURNED:
            assert events[-1].action == ApplicationEvent.Action.RETURNED and events[-1].comment
        if application.status in (Status.FORWARDED, Status.ACCEPTED, Status.AWARDED, Status.REFUSED):
            submitted, forwarded = application.submitted_on, application.forwarded_on
            assert submitted is not None and forwarded is not None and application.letter_number
            assert submitted <= forwarded <= today
        if application.status == Status.AWARDED:
            category = application.category
            assert category is not None and category.kind == application.kind
            assert category.awarded_on == application.decided_on <= today
            assert category.valid_until == default_valid_until(category.awarded_on)
        else:
            assert application.category is None
    assert summary.categories == sum(1 for a in applications if a.status == Status.AWARDED)


def test_methodist_and_mentor_only_for_holders_of_a_valid_highest(district):
    seeded(district, seed=11)
    for application in Application.objects.filter(kind__in=[Kind.METHODIST, Kind.MENTOR]):
        on = application.events.order_by("pk")[0].at.date()
        assert (
            QualificationCategory.objects.filter(
                educator=application.educator, kind=Kind.HIGHEST, awarded_on__lte=on
            )
            .exclude(valid_until__lt=on)
            .exists()
        )


def test_demo_files_are_real_pdfs(district):
    summary, _, _ = seeded(district, seed=5)
    files = list(ApplicationFile.objects.all())
    assert summary.files == len(files) > 30
    with files[0].file.open("rb") as handle:
        assert document_kind(handle) == "pdf"
        assert handle.read().rstrip().endswith(b"%%EOF")


def test_demo_is_deterministic(district):
    """The same rng on the same data gives the same applications and history."""

    def snapshot():
        applications = Application.objects.order_by("pk")
        rows = list(applications.values_list("educator_id", "kind", "status", "submitted_on", "forwarded_on"))
        events = list(
            ApplicationEvent.objects.order_by("application_id", "pk").values_list("action", "comment", "at")
        )
        return rows, events

    first, today, _ = seeded(district, seed=9)
    before = snapshot()
    awarded = list(Application.objects.exclude(category=None).values_list("category_id", flat=True))
    ApplicationFile.objects.all().delete()
    Application.objects.all().delete()
    QualificationCategory.objects.filter(pk__in=awarded).delete()
    second = demo.seed(rng=random.Random(9), today=today)
    assert second == first
    assert snapshot() == before
