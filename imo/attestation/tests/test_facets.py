"""The qualification category as the educators list and the statistics see it (imo.attestation.facets):
categories in force on the date (old five-year terms end, those from 01.09.2023 do not), the single most
senior category, the filter's meaning of «высшая», and fixed query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.attestation import services
from imo.attestation.facets import KEY, category_facet
from imo.staff import facets as registry
from imo.staff.facets import NONE
from imo.staff.models import Educator
from imo.staff.statistics import staff_statistics, statistics_scope
from imo.staff.tests.factories import make_educator

ON = dt.date(2026, 1, 15)


def _add(educator, kind, awarded_on, **fields):
    return services.category_save(
        educator=educator,
        kind=kind,
        awarded_on=awarded_on,
        default_term="valid_until" not in fields,
        **fields,
    )


@pytest.fixture
def people(district):
    def person(name, school=None):
        return make_educator(
            municipality=district.municipality, school=school or district.school_a, last_name=name
        )

    p = {
        "expired_first": person("Истекшая"),  # first of 2019: five years, ended 01.03.2024
        "old_highest": person("Старовысшая"),  # highest of 2021: in force until 01.05.2026
        "new_first": person("Новопервая"),  # first of 2024: no end date
        "methodist": person("Методистова"),  # highest + методист
        "mentor": person("Наставникова"),  # highest + наставник
        "first_and_highest": person("Двойнова"),  # old first still in force + new highest
        "nothing": person("Безкатегорийная", district.school_b),
        "later": person("Будущева"),  # awarded after ON
    }
    _add(p["expired_first"], "first", dt.date(2019, 3, 1))
    _add(p["old_highest"], "highest", dt.date(2021, 5, 1))
    _add(p["new_first"], "first", dt.date(2024, 2, 1))
    _add(p["methodist"], "highest", dt.date(2023, 10, 1))
    _add(p["methodist"], "methodist", dt.date(2024, 10, 1))
    _add(p["mentor"], "highest", dt.date(2022, 4, 1))
    _add(p["mentor"], "mentor", dt.date(2024, 4, 1))
    _add(p["first_and_highest"], "first", dt.date(2022, 1, 10))
    _add(p["first_and_highest"], "highest", dt.date(2024, 12, 1))
    _add(p["later"], "first", dt.date(2026, 3, 1))
    return p


def _matching(values, on=ON):
    facet = category_facet()
    return set(Educator.objects.filter(facet.q(values, on)).values_list("last_name", flat=True))


def test_the_facet_is_registered_by_the_app():
    facet = registry.facet_get(KEY)
    assert facet is not None and facet.label == "Квалификационная категория"
    assert [label for _, label in facet.choices] == [
        "высшая",
        "первая",
        "педагог-методист",
        "педагог-наставник",
        "без категории",
    ]


def test_the_current_category_is_the_most_senior_in_force(people):
    values = category_facet().values_for([p.pk for p in people.values()], ON)
    by_name = {people[key].pk: key for key in people}
    assert {by_name[pk]: value for pk, value in values.items()} == {
        "expired_first": NONE,
        "old_highest": "highest",
        "new_first": "first",
        "methodist": "methodist",
        "mentor": "mentor",
        "first_and_highest": "highest",
        "nothing": NONE,
        "later": NONE,
    }


def test_old_terms_end_and_new_ones_do_not(people):
    after = dt.date(2026, 5, 2)  # the 2021 highest ended on 01.05.2026; the 2026 first is in force now
    values = category_facet().values_for([people["old_highest"].pk, people["later"].pk], after)
    assert values == {people["old_highest"].pk: NONE, people["later"].pk: "first"}
    last_day = dt.date(2026, 5, 1)
    assert category_facet().values_for([people["old_highest"].pk], last_day) == {
        people["old_highest"].pk: "highest"
    }
    # The new-order first of 2024 holds decades later; the 2022 first (old order) of «Двойнова» has ended,
    # her 2024 highest has not.
    far = dt.date(2040, 1, 1)
    assert _matching(["first"], far) == {"Новопервая", "Будущева"}
    assert "Двойнова" in _matching(["highest"], far)


def test_the_rule_of_01_09_2023(district):
    before = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Августова"
    )
    after = make_educator(
        municipality=district.municipality, school=district.school_a, last_name="Сентябрёва"
    )
    _add(before, "first", dt.date(2023, 8, 31))  # old order: until 31.08.2028
    _add(after, "first", dt.date(2023, 9, 1))  # new order: no end
    day = dt.date(2028, 9, 1)
    assert _matching(["first"], day) == {"Сентябрёва"}
    assert _matching([NONE], day) == {"Августова"}
    assert _matching(["first"], dt.date(2028, 8, 31)) == {"Августова", "Сентябрёва"}


def test_the_filter_values(people):
    assert _matching(["highest"]) == {"Старовысшая", "Методистова", "Наставникова", "Двойнова"}
    assert _matching(["methodist"]) == {"Методистова"}
    assert _matching(["mentor"]) == {"Наставникова"}
    assert _matching(["first"]) == {"Новопервая"}  # not «Двойнова»: she holds the highest too
    assert _matching([NONE]) == {"Истекшая", "Безкатегорийная", "Будущева"}
    assert _matching(["methodist", NONE]) == {"Методистова", "Истекшая", "Безкатегорийная", "Будущева"}


def _names(response):
    body = response.content.decode().split("<tbody>", 1)[-1]
    return re.findall(r'hx-boost="false">([^<]+)</a></td>', body)


def test_the_list_filters_and_shows_the_category(client, district, people):
    client.force_login(district.user("methodist"))
    url = reverse("staff:list")
    response = client.get(url, {"on": ON.isoformat(), "category": ["methodist", "mentor"], "cols": "all"})
    assert {name.split()[0] for name in _names(response)} == {"Методистова", "Наставникова"}
    rows = response.content.decode().split("<tbody>", 1)[-1]
    assert "педагог-методист" in rows and "педагог-наставник" in rows
    response = client.get(url, {"on": ON.isoformat(), "category": "none"})
    assert {name.split()[0] for name in _names(response)} == {"Истекшая", "Безкатегорийная", "Будущева"}


def test_a_school_admin_filters_within_their_school(client, district, people):
    client.force_login(district.user("school_admin_b"))
    response = client.get(reverse("staff:list"), {"on": ON.isoformat(), "category": "none"})
    assert {name.split()[0] for name in _names(response)} == {"Безкатегорийная"}


def test_statistics_count_each_person_once(district, people):
    stats = staff_statistics(scope=statistics_scope(user=district.user("head")), on=ON)
    table = next(f for f in stats.facets if f.key == KEY)
    assert table.title == "По квалификационным категориям"
    figures = {f.key: f.total for f in table.figures}
    assert figures == {"methodist": 1, "mentor": 1, "highest": 2, "first": 1, NONE: 3}
    assert sum(figures.values()) == stats.headcount == 8
    assert [f.key for f in table.figures] == ["methodist", "mentor", "highest", "first", NONE]
    assert next(f for f in table.figures if f.key == NONE).share == 37.5


def test_the_statistics_page_shows_the_table(client, district, people):
    client.force_login(district.user("school_admin_a"))
    part = client.get(reverse("staff:statistics_facets"), {"on": ON.isoformat()}).content.decode()
    assert "По квалификационным категориям" in part and 'id="statistics-facet-category"' in part
    assert "педагог-методист" in part and "без категории" in part


def _queries(client, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("staff:list"), {"on": ON.isoformat(), "per_page": 100, **params})
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize(
    "params",
    [{}, {"category": ["highest", "none"]}, {"cols": "all"}, {"cols": "all", "category": "first"}],
)
def test_the_list_runs_a_fixed_number_of_queries(client, district, people, params):
    client.force_login(district.user("head"))
    client.get(reverse("staff:list"))
    few = _queries(client, params)
    for n in range(15):
        educator = make_educator(
            municipality=district.municipality, school=district.school_b, last_name=f"Педагог{n}"
        )
        _add(educator, "highest" if n % 2 else "first", dt.date(2020 + n % 5, 3, 1))
    assert _queries(client, params) == few


def test_the_column_adds_one_query_and_the_filter_none(client, district, people):
    client.force_login(district.user("head"))
    client.get(reverse("staff:list"))
    plain = _queries(client, {"cols": ["name", "workplace"]})
    assert _queries(client, {"cols": ["name", "workplace"], "category": "highest"}) == plain
    assert _queries(client, {"cols": ["name", "workplace", KEY]}) == plain + 1
