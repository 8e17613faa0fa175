"""Running tallies (imo.surveys.tallies): kept in step by sending and editing, equal to a recount from the
answers, and giving the same results page as counting the answers themselves."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from imo.orgs.tests.factories import make_district
from imo.staff.models import Educator
from imo.staff.tests.factories import make_educator
from imo.surveys.answering import services
from imo.surveys.models import Mode, Response, Tally
from imo.surveys.results import aggregation as agg
from imo.surveys.tallies import (
    RESPONSES,
    bucket,
    number_key,
    tallies_check_chore,
    tallies_of,
    tallies_rebuild,
)
from imo.surveys.tests.answering_fixtures import make_survey, token_for

pytestmark = pytest.mark.django_db


def _random_values(rng: random.Random) -> dict[str, Any]:
    values: dict[str, Any] = {
        "stage": {"option": rng.randint(0, 2), "other": rng.choice(["", "", "Своё"])},
        "topics": {"options": rng.sample([0, 1, 2], rng.randint(0, 3)), "other": rng.choice(["", "Проекты"])},
        "stress": rng.randint(1, 5),
        "hours": rng.choice([0, 6, 12.5, 36, 72]),
        "story": rng.choice(["", "Нужны семинары", "Мало времени"]),
        "course": dt.date(2026, rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
        "skills": {str(row): rng.randint(1, 5) for row in range(rng.randint(0, 2))},
    }
    if values["stage"]["option"] == 0:
        values["mentor"] = "Иванова А. А."
    if rng.random() < 0.3:
        del values["stress"]
    if not values["story"]:
        del values["story"]
    return values


def _raw(survey: Any) -> agg.Results:
    """The page's results counted from the answers themselves (no tallies, no cache)."""
    cache.clear()
    known = {pk: (q.code, q.kind) for pk, q in ((q.pk, q) for q in agg.questions_of(survey))}
    total, counted = agg._count(survey, agg.Filters(), known)
    return agg.Results(
        survey=survey, total=total, questions=[counted.item(q) for q in agg.questions_of(survey)]
    )


def _figures(results: agg.Results) -> list[Any]:
    return [
        (
            item.question.code,
            item.answered,
            [(row.label, row.count, row.share) for row in item.rows],
            item.average,
            item.minimum,
            item.maximum,
            [(row.label, row.count, row.average) for row in item.grid],
            item.first_date,
            item.last_date,
            item.texts,
        )
        for item in results.questions
    ]


@pytest.mark.parametrize("mode", [Mode.NAMED, Mode.ANONYMOUS])
def test_sending_and_editing_keep_tallies_equal_to_a_recount(mode: str) -> None:
    district = make_district()
    made = make_survey(district, mode=mode, allow_edit=True)
    rng = random.Random(7)
    tokens = []
    for n in range(8):
        educator = make_educator(municipality=district.municipality, school=district.school_a)
        tokens.append((token_for(made.survey, educator=educator), educator))
        services.response_submit(
            survey=made.survey, respondent=tokens[-1][0], values=_random_values(rng), by=None
        )
        if mode == Mode.NAMED and n % 3 == 0:  # edits until closing: the old answers leave the tallies
            services.response_submit(
                survey=made.survey, respondent=tokens[-1][0], values=_random_values(rng), by=None
            )
    kept = tallies_of(made.survey)
    assert kept[RESPONSES] == 8
    with_tallies = agg.results_read(survey=made.survey, filters=agg.Filters())
    assert _figures(with_tallies) == _figures(_raw(made.survey))
    tallies_rebuild(made.survey)
    assert tallies_of(made.survey) == kept


def test_stale_tallies_are_never_shown_and_the_chore_repairs_them() -> None:
    district = make_district()
    made = make_survey(district)
    rng = random.Random(3)
    for _ in range(3):
        educator = make_educator(municipality=district.municipality, school=district.school_b)
        services.response_submit(
            survey=made.survey,
            respondent=token_for(made.survey, educator=educator),
            values=_random_values(rng),
            by=None,
        )
    # A response goes away behind the services' back (rows changed in bulk): the count disagrees.
    Response.objects.filter(survey=made.survey).order_by("pk")[0].delete()
    shown = agg.results_read(survey=made.survey, filters=agg.Filters())
    assert shown.total == 2 and _figures(shown) == _figures(_raw(made.survey))
    assert tallies_check_chore() == 1
    assert tallies_of(made.survey)[RESPONSES] == 2
    assert tallies_check_chore() == 0


def test_the_unfiltered_page_reads_tallies_not_answers(django_assert_max_num_queries) -> None:
    district = make_district()
    made = make_survey(district)
    educator = make_educator(municipality=district.municipality, school=district.school_a)
    services.response_submit(
        survey=made.survey,
        respondent=token_for(made.survey, educator=educator),
        values=_random_values(random.Random(1)),
        by=None,
    )
    # Break the answers (not the tallies): a page that read them would show the change.
    from imo.surveys.models import Answer

    Answer.objects.filter(question=made.q["stress"]).update(number=Decimal(1))
    Tally.objects.filter(survey=made.survey, code="stress").delete()
    Tally.objects.create(survey=made.survey, code="stress", bucket="v:4", n=1)
    Tally.objects.create(survey=made.survey, code="stress", bucket="p", n=1)
    cache.clear()
    results = agg.results_read(survey=made.survey, filters=agg.Filters())
    assert results.by_code()["stress"].average == 4.0


def test_replaced_file_leaves_storage_after_commit(django_capture_on_commit_callbacks) -> None:
    district = make_district()
    made = make_survey(district)
    educator = make_educator(municipality=district.municipality, school=district.school_a)
    Educator.objects.filter(pk=educator.pk)
    token = token_for(made.survey, educator=educator)
    first = default_storage.save("surveys/test/first.pdf", ContentFile(b"%PDF-1.4 first"))
    second = default_storage.save("surveys/test/second.pdf", ContentFile(b"%PDF-1.4 second"))
    base = {"stage": {"option": 1, "other": ""}}
    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(
            survey=made.survey,
            respondent=token,
            values={**base, "report": {"name": first, "label": "a.pdf"}},
            by=None,
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(
            survey=made.survey,
            respondent=token,
            values={**base, "report": {"name": second, "label": "b.pdf"}},
            by=None,
        )
    assert not default_storage.exists(first) and default_storage.exists(second)
    default_storage.delete(second)


def test_buckets_and_number_keys() -> None:
    assert number_key(Decimal("3.00")) == number_key(Decimal("3")) == "3"
    assert number_key(Decimal("30")) == "30" and number_key(Decimal("12.50")) == "12.5"
    assert bucket("single", 2, None, None, None) == "o:2"
    assert bucket("single", None, None, None, None) == "x"  # «другое»
    assert bucket("long_text", None, None, None, None) == ""
    assert bucket("grid", None, 1, Decimal("4.00"), None) == "g:1:4"
    assert bucket("date", None, None, None, dt.date(2026, 3, 1)) == "d:2026-03-01"
