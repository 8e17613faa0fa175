"""The counting paginator (imo.core.paging): a page and the number of all rows in one query."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imo.core.batches import completed_in_batches
from imo.core.paging import CountingPaginator

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    User.objects.bulk_create(User(username=f"user{n:02d}", last_name=f"Фамилия {n}") for n in range(23))


def _pages(queryset, per_page, number):
    counted = CountingPaginator(queryset, per_page).get_page(number)
    return counted, Paginator(queryset, per_page).get_page(number)


@pytest.mark.parametrize("number", [1, 2, 3, "3", None, "abc"])
def test_a_page_and_its_count_come_in_one_query_and_match_djangos_paginator(people, number):
    queryset = User.objects.order_by("username")
    with CaptureQueriesContext(connection) as queries:
        page = CountingPaginator(queryset, 10).get_page(number)
        names = [user.username for user in page.object_list]
        facts = (page.number, page.paginator.count, page.paginator.num_pages, page.has_next())
    expected = Paginator(queryset, 10).get_page(number)
    assert names == [user.username for user in expected.object_list]
    assert facts == (expected.number, 23, 3, expected.has_next())
    assert len(queries) == 1


@pytest.mark.parametrize("number", [9, 0, -1])
def test_a_page_out_of_range_is_the_last_page_as_in_django(people, number):
    page, expected = _pages(User.objects.order_by("username"), 10, number)
    assert page.number == expected.number == 3
    assert [u.username for u in page.object_list] == [u.username for u in expected.object_list]


def test_an_empty_list_has_one_empty_page():
    page = CountingPaginator(User.objects.filter(username="nobody"), 10).get_page(1)
    assert page.number == 1 and page.paginator.count == 0 and list(page.object_list) == []


def test_the_count_survives_a_completion_that_replaces_the_rows(people):
    queryset = completed_in_batches(
        User.objects.order_by("username"),
        lambda rows: [SimpleNamespace(name=row.username) for row in rows],
    )
    with CaptureQueriesContext(connection) as queries:
        page = CountingPaginator(queryset, 5).get_page(2)
        assert [row.name for row in page.object_list] == [f"user{n:02d}" for n in range(5, 10)]
        assert page.paginator.count == 23
    assert len(queries) == 1


def test_distinct_and_values_querysets_are_counted_the_usual_way(people):
    distinct = User.objects.filter(last_name__startswith="Фамилия").order_by("username").distinct()
    values = User.objects.order_by("username").values("username")
    for queryset in (distinct, values):
        with CaptureQueriesContext(connection) as queries:
            page = CountingPaginator(queryset, 10).get_page(1)
            assert page.paginator.count == 23 and len(page.object_list) == 10
        assert len(queries) == 2, queryset  # COUNT, then the page


@pytest.mark.parametrize("ordering", [("username",), ("-username",), ("last_name", "-pk")])
def test_the_total_leads_the_order_and_the_rows_keep_theirs(people, ordering):
    """The page query orders by the (constant) total first, so no index can hand PostgreSQL the list's
    order and tempt it to plan as if the LIMIT let it stop early; the rows come as Django's paginator
    gives them."""
    queryset = User.objects.order_by(*ordering)
    with CaptureQueriesContext(connection) as queries:
        page = CountingPaginator(queryset, 10).get_page(2)
        names = [user.username for user in page.object_list]
    expected = Paginator(queryset, 10).get_page(2)
    assert names == [user.username for user in expected.object_list]
    first_key = queries[0]["sql"].rsplit("ORDER BY", 1)[1].split(",")[0].split()[0]
    assert first_key.isdecimal() or first_key.startswith("COUNT(*)"), first_key  # the window's column
    assert "COUNT(*) OVER ()" in queries[0]["sql"]
