from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from imo.olympiads.models import Certificate, Participation
from imo.olympiads.publication.services import (
    certificates_issue,
    public_codes_assign,
    results_publish,
    results_unpublish,
)
from imo.olympiads.tests.publication_fixtures import add_student, make_results, make_stage_subject

pytestmark = pytest.mark.django_db


def test_publish_sets_the_date_and_gives_unique_public_codes(district):
    results = make_results(district)
    results_publish(stage_subject=results.stage_subject, by=district.user("methodist"))
    results.stage_subject.refresh_from_db()
    assert results.stage_subject.published_at is not None
    codes = list(
        Participation.objects.filter(stage_subject=results.stage_subject).values_list(
            "public_code", flat=True
        )
    )
    assert all(re.fullmatch(r"У-\d{4}", code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_public_codes_are_kept_when_published_again(district):
    results = make_results(district, published=True)
    before = dict(Participation.objects.values_list("pk", "public_code"))
    assert public_codes_assign(stage_subject=results.stage_subject) == 0
    results_unpublish(stage_subject=results.stage_subject, by=None)
    results_publish(stage_subject=results.stage_subject, by=None)
    assert dict(Participation.objects.values_list("pk", "public_code")) == before


def test_unranked_subject_cannot_be_published(district):
    stage_subject = make_stage_subject(district)
    with pytest.raises(ValidationError, match="Рейтинг"):
        results_publish(stage_subject=stage_subject, by=None)
    stage_subject.refresh_from_db()
    assert stage_subject.published_at is None


def test_unpublish_of_unpublished_is_refused(district):
    results = make_results(district)
    with pytest.raises(ValidationError):
        results_unpublish(stage_subject=results.stage_subject, by=None)


def test_diplomas_for_winners_and_prize_winners_only_with_unique_numbers(district):
    results = make_results(district, published=True)
    assert certificates_issue(stage_subject=results.stage_subject, by=None) == 3
    certificates = list(Certificate.objects.order_by("number"))
    assert [c.number for c in certificates] == [
        "ВсОШ-2026-М-000001",
        "ВсОШ-2026-М-000002",
        "ВсОШ-2026-М-000003",
    ]
    assert {c.participation.student.last_name for c in certificates} == {"Иванова", "Асхабов", "Садулаев"}
    assert len({c.token for c in certificates}) == 3
    assert all(len(c.token) >= 20 for c in certificates)
    # Issuing again adds nothing; a new prize-winner gets the next number.
    assert certificates_issue(stage_subject=results.stage_subject, by=None) == 0
    add_student(results, district, last="Мусаева", first="Зарема", grade=8, rank=2, status="prize_winner")
    assert certificates_issue(stage_subject=results.stage_subject, by=None) == 1
    assert Certificate.objects.get(participation__student__last_name="Мусаева").number == "ВсОШ-2026-М-000004"


def test_diploma_status_follows_a_changed_status(district):
    results = make_results(district)
    certificates_issue(stage_subject=results.stage_subject, by=None)
    participation = results.participations["Асхабов"]
    Participation.objects.filter(pk=participation.pk).update(status="winner")
    certificates_issue(stage_subject=results.stage_subject, by=None)
    assert Certificate.objects.get(participation=participation).status == "winner"


def test_no_diplomas_without_winners(district):
    stage_subject = make_stage_subject(district)
    with pytest.raises(ValidationError, match="Победителей и призёров"):
        certificates_issue(stage_subject=stage_subject, by=None)
