"""The registry of figures other apps add to the educators list and statistics (imo.staff.facets), with a
fake facet made of staff data only: the filter, the column, the statistics table, the Excel and the
chart; and the pages without any facet registered."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.db.models import Case, CharField, Q, Value, When
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imo.staff import facets
from imo.staff.facets import NONE, EducatorFacet
from imo.staff.models import Educator
from imo.staff.statistics import staff_statistics, statistics_scope
from imo.staff.tests.factories import make_educator

ON = dt.date(2026, 1, 15)
LONG_BEFORE = dt.date(2016, 1, 15)  # ten years of teaching on ON


def _condition(values, on):
    condition = Q(pk__in=[])
    for value in values:
        if value == "long":
            condition |= Q(teaching_experience_start__lte=LONG_BEFORE)
        elif value == "short":
            condition |= Q(teaching_experience_start__gt=LONG_BEFORE)
        elif value == NONE:
            condition |= Q(teaching_experience_start__isnull=True)
    return condition


def _current(on):
    return Case(
        When(teaching_experience_start__lte=LONG_BEFORE, then=Value("long")),
        When(teaching_experience_start__isnull=False, then=Value("short")),
        default=Value(None),
        output_field=CharField(),
    )


FAKE = EducatorFacet(
    key="tenure",
    label="Выслуга",
    column_label="Выслуга",
    choices=(("long", "десять лет и больше"), ("short", "меньше десяти лет"), (NONE, "неизвестно")),
    condition=_condition,
    current=_current,
    title="По выслуге",
    note="Проверочная таблица.",
)


@pytest.fixture
def only_fake(monkeypatch):
    monkeypatch.setattr(facets, "_registry", {})
    facets.register(FAKE)
    return FAKE


@pytest.fixture
def none_registered(monkeypatch):
    monkeypatch.setattr(facets, "_registry", {})


@pytest.fixture
def people(district):
    def person(name, teaching):
        return make_educator(
            municipality=district.municipality,
            school=district.school_a,
            last_name=name,
            teaching_experience_start=teaching,
        )

    return {
        "long": person("Давнова", dt.date(2010, 9, 1)),
        "edge": person("Ровнова", LONG_BEFORE),
        "short": person("Недавнова", dt.date(2020, 9, 1)),
        "unknown": person("Безстажева", None),
    }


def _names(response):
    body = response.content.decode().split("<tbody>", 1)[-1]
    return re.findall(r'hx-boost="false">([^<]+)</a></td>', body)


def _list(client, district, params):
    client.force_login(district.user("head"))
    response = client.get(reverse("staff:list"), {"on": ON.isoformat(), **params})
    assert response.status_code == 200
    return response


# --- the registry -------------------------------------------------------------------------------------


def test_register_replaces_by_key_and_keeps_the_order(none_registered):
    facets.register(FAKE)
    other = EducatorFacet(
        key="other", label="Другое", column_label="Другое", choices=(), condition=_condition, current=_current
    )
    facets.register(other)
    facets.register(FAKE)
    assert [f.key for f in facets.registered()] == ["tenure", "other"]
    assert facets.facet_get("other") is other
    facets.unregister("other")
    assert facets.registered() == (FAKE,) and facets.facet_get("other") is None


def test_values_counts_and_unknown_values(only_fake, people):
    ids = [p.pk for p in people.values()]
    assert FAKE.values_for(ids, ON) == {
        people["long"].pk: "long",
        people["edge"].pk: "long",
        people["short"].pk: "short",
        people["unknown"].pk: NONE,
    }
    assert FAKE.values_for([], ON) == {}
    assert FAKE.counts(Educator.objects.all(), ON) == {"long": 2, "short": 1, NONE: 1}
    assert FAKE.counts(Educator.objects.filter(pk=people["short"].pk), ON) == {"long": 0, "short": 1, NONE: 0}
    assert Educator.objects.filter(FAKE.q(["bogus"], ON)).count() == 4  # an unknown value narrows nothing


# --- the list -----------------------------------------------------------------------------------------


def test_the_list_filters_by_a_registered_facet(client, district, people, only_fake):
    assert sorted(_names(_list(client, district, {"tenure": "long"}))) == sorted(
        [people["long"].full_name, people["edge"].full_name]
    )
    assert set(_names(_list(client, district, {"tenure": ["short", NONE]}))) == {
        people["short"].full_name,
        people["unknown"].full_name,
    }
    body = _list(client, district, {}).content.decode()
    assert "Выслуга" in body and "десять лет и больше" in body  # the filter's check boxes


def test_the_column_is_optional_and_shows_the_value(client, district, people, only_fake):
    assert "меньше десяти лет" not in _list(client, district, {}).content.decode().split("<tbody>", 1)[-1]
    body = _list(client, district, {"cols": ["name", "tenure"]}).content.decode().split("<tbody>", 1)[-1]
    assert "меньше десяти лет" in body and "неизвестно" in body and "десять лет и больше" in body


def test_the_export_has_the_column_and_honours_the_filter(client, district, people, only_fake):
    client.force_login(district.user("head"))
    response = client.get(
        reverse("staff:export"), {"on": ON.isoformat(), "cols": ["name", "tenure"], "tenure": "short"}
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("ФИО", "Выслуга")
    assert rows[1:] == [(people["short"].full_name, "меньше десяти лет")]


def _queries(client, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("staff:list"), {"on": ON.isoformat(), "per_page": 100, **params})
    assert response.status_code == 200
    return len(context)


def test_the_column_costs_one_query_whatever_the_rows(client, district, people, only_fake):
    client.force_login(district.user("head"))
    client.get(reverse("staff:list"))
    hidden = _queries(client, {"tenure": "long"})
    shown = _queries(client, {"cols": "all", "tenure": "long"})
    for n in range(20):
        make_educator(
            municipality=district.municipality,
            school=district.school_b,
            last_name=f"Добавлена{n}",
            teaching_experience_start=dt.date(2001, 1, 1),
        )
    assert _queries(client, {"tenure": "long"}) == hidden
    assert _queries(client, {"cols": "all", "tenure": "long"}) == shown == hidden + 1


def test_the_list_without_any_facet(client, district, people, none_registered):
    body = _list(client, district, {"tenure": "long"}).content.decode()
    assert "Выслуга" not in body
    assert len(_names(_list(client, district, {"tenure": "long"}))) == 4  # an unknown parameter is ignored


# --- the statistics -----------------------------------------------------------------------------------


def test_statistics_count_each_person_once_per_value(district, people, only_fake):
    stats = staff_statistics(scope=statistics_scope(user=district.user("head")), on=ON)
    (table,) = stats.facets
    assert table.title == "По выслуге" and table.note == "Проверочная таблица."
    figures = {f.key: (f.total, f.women, f.share) for f in table.figures}
    assert figures == {"long": (2, 2, 50.0), "short": (1, 1, 25.0), NONE: (1, 1, 25.0)}
    assert sum(f.total for f in table.figures) == stats.headcount


def test_the_statistics_page_loads_the_facet_table_excel_and_chart(client, district, people, only_fake):
    client.force_login(district.user("head"))
    page = client.get(reverse("staff:statistics"), {"on": ON.isoformat()}).content.decode()
    assert f'hx-get="{reverse("staff:statistics_facets")}?on={ON.isoformat()}"' in page
    assert "statistics-facet-tenure" not in page  # loaded after the page
    part = client.get(reverse("staff:statistics_facets"), {"on": ON.isoformat()}).content.decode()
    assert 'id="statistics-facet-tenure"' in part and "По выслуге" in part and "Проверочная таблица." in part
    assert "десять лет и больше" in part and "50,0" in part
    charts = client.get(reverse("staff:statistics_charts"), {"on": ON.isoformat()}).content.decode()
    assert "Диаграмма: По выслуге" in charts
    response = client.get(reverse("staff:statistics_export"), {"on": ON.isoformat()})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "По выслуге" in book.sheetnames
    rows = {row[0].value: row[1].value for row in book["По выслуге"].iter_rows(min_row=5)}
    assert rows == {"десять лет и больше": 2, "меньше десяти лет": 1, "неизвестно": 1}


def test_the_facet_tables_need_the_statistics_permission(client, district, only_fake):
    client.force_login(district.user("teacher_a"))
    assert client.get(reverse("staff:statistics_facets")).status_code == 403


def test_a_school_admin_gets_the_facet_table_of_their_school(client, district, people, only_fake):
    make_educator(
        municipality=district.municipality,
        school=district.school_b,
        last_name="Чужая",
        teaching_experience_start=None,
    )
    client.force_login(district.user("school_admin_b"))
    part = client.get(
        reverse("staff:statistics_facets"), {"on": ON.isoformat(), "org": district.school_a.pk}
    ).content.decode()
    assert re.search(r"неизвестно</th>\s*<td[^>]*>1</td>", part)  # only «Чужая», not school A's people
    assert re.search(r"десять лет и больше</th>\s*<td[^>]*>0</td>", part)


def test_the_statistics_without_any_facet(client, district, people, none_registered):
    stats = staff_statistics(scope=statistics_scope(user=district.user("head")), on=ON)
    assert stats.facets == ()
    client.force_login(district.user("head"))
    page = client.get(reverse("staff:statistics"), {"on": ON.isoformat()}).content.decode()
    assert "statistics-facet" not in page and "По организациям" in page
    part = client.get(reverse("staff:statistics_facets"), {"on": ON.isoformat()}).content.decode()
    assert "<table" not in part


def test_statistics_queries_stay_fixed_with_a_facet(client, district, people, monkeypatch):
    client.force_login(district.user("head"))
    url, part = reverse("staff:statistics"), reverse("staff:statistics_facets")
    monkeypatch.setattr(facets, "_registry", {})
    client.get(url)
    with CaptureQueriesContext(connection) as without:
        client.get(url, {"on": ON.isoformat()})
    facets.register(FAKE)
    with CaptureQueriesContext(connection) as with_one:
        client.get(url, {"on": ON.isoformat()})
    with CaptureQueriesContext(connection) as fragment:
        client.get(part, {"on": ON.isoformat()})
    with CaptureQueriesContext(connection) as export:
        client.get(reverse("staff:statistics_export"), {"on": ON.isoformat()})
    for n in range(10):
        make_educator(municipality=district.municipality, school=district.school_b, last_name=f"Ещё{n}")
    with CaptureQueriesContext(connection) as more_people:
        client.get(url, {"on": ON.isoformat()})
    with CaptureQueriesContext(connection) as more_fragment:
        client.get(part, {"on": ON.isoformat()})
    with CaptureQueriesContext(connection) as more_export:
        client.get(reverse("staff:statistics_export"), {"on": ON.isoformat()})
    # The page does not count the facets (its fragment does, one grouped query per facet); the export
    # counts them within the people's query.
    assert len(with_one) == len(without) == len(more_people)
    assert len(fragment) == len(more_fragment) and len(export) == len(more_export)
