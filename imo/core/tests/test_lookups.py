"""`field__any=[keys]` (imo/core/lookups.py): the rows of IN, one array parameter on PostgreSQL."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_it_finds_the_rows_in_finds() -> None:
    groups = [Group.objects.create(name=f"Группа {n}") for n in range(5)]
    keys = [groups[0].pk, groups[3].pk, groups[4].pk, 10**9]
    found = set(Group.objects.filter(pk__any=keys).values_list("pk", flat=True))
    assert found == set(Group.objects.filter(pk__in=keys).values_list("pk", flat=True))
    assert found == {groups[0].pk, groups[3].pk, groups[4].pk}


def test_an_empty_list_finds_nothing() -> None:
    Group.objects.create(name="Группа")
    assert not Group.objects.filter(pk__any=[]).exists()
    assert Group.objects.exclude(pk__any=[]).count() == 1


def test_a_foreign_key_takes_it_too() -> None:
    types = list(ContentType.objects.order_by("pk")[:2])
    wanted = [content_type.pk for content_type in types]
    by_any = set(Permission.objects.filter(content_type_id__any=wanted).values_list("pk", flat=True))
    by_in = set(Permission.objects.filter(content_type_id__in=wanted).values_list("pk", flat=True))
    assert by_any == by_in and by_any


def test_anything_but_a_key_is_refused() -> None:
    with pytest.raises(ValueError):
        Group.objects.filter(pk__any=["1; DROP TABLE auth_group"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array form is PostgreSQL's")
def test_on_postgresql_the_statement_is_the_same_for_any_number_of_keys() -> None:
    def sql(keys: list[int]) -> str:
        with CaptureQueriesContext(connection) as queries:
            list(Group.objects.filter(pk__any=keys))
        return queries.captured_queries[0]["sql"]

    short, long = sql([1]), sql(list(range(1, 300)))
    assert "= ANY(" in short and "IN (" not in long
    # The same text up to the array's literal: psycopg keeps the parsed statement.
    assert short.split("= ANY(")[0] == long.split("= ANY(")[0]
