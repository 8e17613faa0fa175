"""Results counted in SQL (imo.surveys.results.aggregation): a small known data set."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imo.orgs.tests.factories import make_district
from imo.staff.tests.factories import make_educator
from imo.surveys.models import Mode, ResponseStatus
from imo.surveys.results.aggregation import (
    EXPERIENCE,
    QUESTION,
    SCHOOL,
    SUBJECT,
    Filters,
    Grouping,
    breakdown_read,
    questions_of,
    results_read,
    texts_of,
)
from imo.surveys.tests.factories import make_response, make_survey, sample_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    d = make_district()
    survey = make_survey(organization=d.municipality)
    young = make_educator(
        municipality=d.municipality,
        school=d.school_a,
        subjects=("Математика",),
        teaching_experience_start=dt.date.today() - dt.timedelta(days=365),
    )
    old = make_educator(
        municipality=d.municipality,
        school=d.school_a,
        subjects=("Физика",),
        teaching_experience_start=dt.date(2000, 9, 1),
    )
    third = make_educator(municipality=d.municipality, school=d.school_b, subjects=("Математика",))
    make_response(
        survey=survey,
        educator=young,
        school=d.school_a,
        values=sample_values(),
        submitted_on=dt.date(2026, 3, 1),
    )
    # "why" hidden (single is not 1): not counted as unanswered
    make_response(
        survey=survey,
        educator=old,
        school=d.school_a,
        values=sample_values(single=0, why=None, multiple=[1], scale=2, number=10, grid={0: 3}, long="Нет"),
        submitted_on=dt.date(2026, 3, 5),
    )
    make_response(
        survey=survey,
        educator=third,
        school=d.school_b,
        values=sample_values(
            single="Своё мнение", why=None, multiple=[0], scale=5, number=2, grid={0: 4, 1: 5}
        ),
        submitted_on=dt.date(2026, 3, 9),
    )
    # a draft is never counted
    fourth = make_educator(municipality=d.municipality, school=d.school_b)
    make_response(
        survey=survey,
        educator=fourth,
        school=d.school_b,
        values=sample_values(single=2),
        status=ResponseStatus.DRAFT,
    )
    return d, survey


def _r(results, code):
    return results.by_code()[code]


def test_counts_shares_averages_grid_other(data):
    _d, survey = data
    results = results_read(survey=survey, filters=Filters())
    assert results.total == 3
    single = _r(results, "single")
    assert single.answered == 3
    assert [(r.label, r.count) for r in single.rows] == [
        ("Да, регулярно", 1),
        ("Иногда", 1),
        ("Нет", 0),
        ("Другое", 1),
    ]
    # «другое» in a single choice without allow_other still shows (someone typed it)
    multiple = _r(results, "multiple")
    assert [r.count for r in multiple.rows] == [2, 1, 1, 0, 1]
    assert multiple.rows[-1].label == "Другое"
    assert multiple.rows[0].share == pytest.approx(66.7)
    why = _r(results, "why")
    assert why.answered == 1 and why.texts == ["Не хватает времени на подготовку"]
    scale = _r(results, "scale")
    assert scale.average == pytest.approx(11 / 3, rel=1e-2)
    assert (scale.minimum, scale.maximum) == (2, 5)
    assert [r.count for r in scale.rows] == [0, 1, 0, 1, 1]
    number = _r(results, "number")
    assert number.average == 6 and number.minimum == 2 and number.maximum == 10
    grid = _r(results, "grid")
    assert [(g.count, g.average) for g in grid.grid] == [(3, 4.0), (2, 4.0), (1, 1.0)]
    date = _r(results, "date")
    assert date.first_date == dt.date(2025, 3, 14)
    assert texts_of(survey=survey, filters=Filters(), code="long").count() == 3


def test_filters(data):
    d, survey = data
    assert results_read(survey=survey, filters=Filters(school_ids=(d.school_a.pk,))).total == 2
    assert results_read(survey=survey, filters=Filters(answer_code="multiple", answer_value=0)).total == 2
    assert results_read(survey=survey, filters=Filters(answer_code="scale", answer_value=5)).total == 1
    assert results_read(survey=survey, filters=Filters(date_from=dt.date(2026, 3, 2))).total == 2
    filtered = results_read(survey=survey, filters=Filters(date_to=dt.date(2026, 3, 2)))
    assert filtered.total == 1 and _r(filtered, "single").rows[1].count == 1


def test_breakdowns(data):
    _d, survey = data
    questions = questions_of(survey)
    by_school = breakdown_read(
        survey=survey,
        filters=Filters(),
        grouping=Grouping(SCHOOL),
        codes=["single", "scale"],
        questions=questions,
    )
    rows = {g.label: g for g in by_school.groups}
    assert rows["СОШ № 1 г. Курчалой"].responses == 2
    assert rows["СОШ № 1 г. Курчалой"].cells["single"] == [50.0, 50.0, 0.0]
    assert rows["СОШ с. Бельты"].cells["scale"][-1] == 5.0
    by_subject = breakdown_read(
        survey=survey, filters=Filters(), grouping=Grouping(SUBJECT), codes=["scale"], questions=questions
    )
    assert {g.label: g.responses for g in by_subject.groups} == {"Математика": 2, "Физика": 1}
    by_experience = breakdown_read(
        survey=survey, filters=Filters(), grouping=Grouping(EXPERIENCE), codes=["number"], questions=questions
    )
    groups = {g.key: g for g in by_experience.groups}
    assert groups["0-3"].cells["number"] == [6.0]
    assert groups["20+"].cells["number"] == [10.0]
    by_answer = breakdown_read(
        survey=survey,
        filters=Filters(),
        grouping=Grouping(QUESTION, "multiple"),
        codes=["scale"],
        questions=questions,
    )
    groups = {g.label: g for g in by_answer.groups}
    assert groups["Курсы повышения квалификации"].responses == 2
    assert groups["Курсы повышения квалификации"].cells["scale"][-1] == 4.5


def test_category_breakdown_runs(data):
    from imo.surveys.results.aggregation import CATEGORY

    _d, survey = data
    result = breakdown_read(
        survey=survey,
        filters=Filters(),
        grouping=Grouping(CATEGORY),
        codes=["scale"],
        questions=questions_of(survey),
    )
    assert sum(g.responses for g in result.groups) == 3


def test_query_count_fixed(data):
    d, survey = data
    cache.clear()  # counted results are cached: compare the statements of an uncached page
    with CaptureQueriesContext(connection) as small:
        results_read(survey=survey, filters=Filters())
    for _ in range(5):
        educator = make_educator(municipality=d.municipality, school=d.school_b)
        make_response(survey=survey, values=sample_values(), educator=educator, school=d.school_b)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        results_read(survey=survey, filters=Filters())
    assert len(small) == len(large) <= 12


def test_anonymous_survey(data):
    d, _survey = data
    anon = make_survey(organization=d.municipality, mode=Mode.ANONYMOUS)
    make_response(survey=anon, values=sample_values())
    assert results_read(survey=anon, filters=Filters()).total == 1


def test_cached_results_follow_new_answers(data):
    """Filtered results are counted from the answers and cached under a key that any new answer changes."""
    d, survey = data
    school_b = Filters(school_ids=(d.school_b.pk,))
    assert results_read(survey=survey, filters=school_b).total == 1
    with CaptureQueriesContext(connection) as warm:
        assert results_read(survey=survey, filters=school_b).total == 1
    assert len(warm) == 4  # questions (2), the data's version (2): the counts come from the cache
    educator = make_educator(municipality=d.municipality, school=d.school_b)
    make_response(survey=survey, educator=educator, school=d.school_b, values=sample_values(scale=1))
    results = results_read(survey=survey, filters=school_b)
    assert results.total == 2 and _r(results, "scale").rows[0].count == 1


def test_unfiltered_results_read_tallies(data):
    """No filter: the running tallies (two small reads and the newest texts), never the answers' GROUP BY."""
    _d, survey = data
    cache.clear()
    with CaptureQueriesContext(connection) as read:
        results = results_read(survey=survey, filters=Filters())
    assert results.total == 3
    assert not any("GROUP BY" in q["sql"] for q in read.captured_queries)


def test_anonymous_breakdown_hides_groups_under_three(data):
    """Decision 0014: a group of fewer than 3 respondents of an anonymous survey shows no figures."""
    d, _survey = data
    anon = make_survey(organization=d.municipality, mode=Mode.ANONYMOUS)
    for single, scale in [(0, 5), (0, 4), (0, 3), (1, 1)]:
        make_response(survey=anon, values=sample_values(single=single, scale=scale))
    result = breakdown_read(
        survey=anon,
        filters=Filters(),
        grouping=Grouping(QUESTION, "single"),
        codes=["scale"],
        questions=questions_of(anon),
    )
    lines = {line.label: line for line in (g.line("scale") for g in result.groups)}
    big, small = lines["Да, регулярно"], lines["Иногда"]
    assert not big.hidden and big.answered == 3 and big.cells[-1] == 4.0
    assert small.hidden and small.answered == 0 and all(cell is None for cell in small.cells)
    # A named survey shows every group whatever its size.
    named = breakdown_read(
        survey=_survey,
        filters=Filters(),
        grouping=Grouping(QUESTION, "single"),
        codes=["scale"],
        questions=questions_of(_survey),
    )
    assert not any(g.line("scale").hidden for g in named.groups)
