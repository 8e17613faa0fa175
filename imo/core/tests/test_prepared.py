"""Statements compiled once (imo/core/prepared.py): the same rows as the queryset, on every database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from imo.core.documents.models import IssuedDocument
from imo.core.prepared import prepared

pytestmark = pytest.mark.django_db


def _document(number: str, on: dt.date, by: Any = None) -> IssuedDocument:
    return IssuedDocument.objects.create(
        kind="справка", title="Справка", number=number, year=on.year, sequence=int(number), issued_on=on,
        issued_by=by, format="pdf", file=f"issued/{number}.pdf", file_name=f"{number}.pdf", size=1,
    )  # fmt: skip


PERMISSIONS_OF_TYPE = prepared(
    lambda content_type: (
        Permission.objects.filter(content_type_id=content_type)
        .select_related("content_type")
        .order_by("codename")
    ),
    content_type=int,
)


def test_rows_are_those_of_the_queryset_with_related_rows_joined() -> None:
    for content_type in ContentType.objects.order_by("pk")[:3]:
        expected = list(
            Permission.objects.filter(content_type_id=content_type.pk)
            .select_related("content_type")
            .order_by("codename")
        )
        with CaptureQueriesContext(connection) as queries:
            rows = PERMISSIONS_OF_TYPE(content_type=content_type.pk)
            names = [row.content_type.model for row in rows]  # joined: no query per row
        assert [row.pk for row in rows] == [row.pk for row in expected] and rows
        assert [row.codename for row in rows] == [row.codename for row in expected]
        assert names == [content_type.model] * len(rows)
        assert len(queries) == 1


def test_the_statement_is_compiled_once_and_only_values_change() -> None:
    first, second = ContentType.objects.order_by("pk")[:2]
    with CaptureQueriesContext(connection) as queries:
        PERMISSIONS_OF_TYPE(content_type=first.pk)
        PERMISSIONS_OF_TYPE(content_type=second.pk)
    assert queries.captured_queries[0]["sql"].replace(str(first.pk), "?") == queries.captured_queries[1][
        "sql"
    ].replace(str(second.pk), "?")


def test_a_key_that_matches_nothing_gives_an_empty_list() -> None:
    assert PERMISSIONS_OF_TYPE(content_type=10**9) == []
    assert PERMISSIONS_OF_TYPE(content_type=2**40) == []  # beyond the column's range, as the queryset finds


def test_dates_bind_on_every_database() -> None:
    by = get_user_model().objects.create_user("issuer", password="x")
    _document("1", dt.date(2026, 3, 1), by)
    _document("2", dt.date(2026, 3, 2), by)
    _document("3", dt.date(2026, 3, 2))
    on_day = prepared(
        lambda on, user: (
            IssuedDocument.objects.filter(issued_on=on, issued_by_id=user)
            .select_related("issued_by")
            .order_by("number")
        ),
        on=dt.date,
        user=int,
    )
    assert [d.number for d in on_day(on=dt.date(2026, 3, 2), user=by.pk)] == ["2"]
    assert [d.issued_by and d.issued_by.username for d in on_day(on=dt.date(2026, 3, 1), user=by.pk)] == [
        "issuer"
    ]
    assert on_day(on=dt.date(2026, 3, 3), user=by.pk) == []


def test_one_argument_may_appear_twice() -> None:
    _document("1", dt.date(2026, 3, 1))
    _document("2", dt.date(2026, 5, 1))
    in_force = prepared(
        lambda on: IssuedDocument.objects.filter(issued_on__lte=on, issued_on__gte=on).order_by("pk"),
        on=dt.date,
    )
    assert [d.number for d in in_force(on=dt.date(2026, 5, 1))] == ["2"]


def test_values_list_and_first() -> None:
    groups = [Group.objects.create(name=name) for name in ("Методисты", "Жюри")]
    name_of = prepared(lambda pk: Group.objects.filter(pk=pk).values_list("name", flat=True)[:1], pk=int)
    assert name_of.first(pk=groups[1].pk) == "Жюри"
    assert name_of.first(pk=10**9) is None
    by_name = prepared(lambda name: Group.objects.filter(name=name).values("pk", "name"), name=str)
    assert by_name(name="Методисты") == [{"pk": groups[0].pk, "name": "Методисты"}]


def test_prefetched_rows_come_with_them() -> None:
    group = Group.objects.create(name="Методисты")
    group.permissions.set(Permission.objects.order_by("pk")[:3])
    with_permissions = prepared(
        lambda pk: Group.objects.filter(pk=pk).prefetch_related(
            Prefetch("permissions", queryset=Permission.objects.order_by("pk"), to_attr="shown")
        ),
        pk=int,
    )
    for _ in range(2):  # the kept Prefetch serves every call
        (found,) = with_permissions(pk=group.pk)
        assert [p.pk for p in found.shown] == list(
            Permission.objects.order_by("pk").values_list("pk", flat=True)[:3]
        )


def test_exists() -> None:
    group = Group.objects.create(name="Методисты")
    has_group = prepared(lambda name: Group.objects.filter(name=name), name=str, exists=True)
    assert has_group.exists(name="Методисты") is True
    assert has_group.exists(name="Жюри") is False
    assert has_group.exists(name=group.name)  # again, kept
    with pytest.raises(TypeError):
        has_group(name="Методисты")  # an exists() statement gives no rows


def test_a_list_of_keys_binds_as_one_parameter_where_it_is_one() -> None:
    groups = [Group.objects.create(name=f"Группа {n}") for n in range(4)]
    among = prepared(lambda ids: Group.objects.filter(pk__any=ids).order_by("pk"), ids=list)
    for wanted in ([groups[0].pk, groups[2].pk], [groups[3].pk], [], [groups[1].pk, 10**9]):
        assert [g.pk for g in among(ids=wanted)] == sorted(pk for pk in wanted if pk < 10**9)


def test_a_value_of_another_type_runs_the_queryset_as_usual() -> None:
    Group.objects.create(name="Методисты")
    by_name = prepared(lambda name: Group.objects.filter(name=name), name=str)
    assert by_name(name=None) == []  # = NULL would be wrong SQL; the ordinary queryset says IS NULL
    by_pk = prepared(lambda pk: Group.objects.filter(pk=pk), pk=int)
    assert by_pk(pk=True) == list(Group.objects.filter(pk=True))  # a bool is not a key: built as usual


def test_an_argument_that_does_not_reach_the_sql_as_it_is_is_refused() -> None:
    _document("1", dt.date(2026, 3, 1))
    by_pattern = prepared(lambda text: Group.objects.filter(name__icontains=text), text=str)
    with pytest.raises(ImproperlyConfigured):
        by_pattern(text="мет")
    by_year = prepared(lambda on: IssuedDocument.objects.filter(issued_on__year=on.year), on=dt.date)
    with pytest.raises(ImproperlyConfigured):
        by_year(on=dt.date(2026, 1, 1))


def test_wrong_arguments_are_refused() -> None:
    by_pk = prepared(lambda pk: Group.objects.filter(pk=pk), pk=int)
    with pytest.raises(TypeError):
        by_pk(key=1)
    with pytest.raises(ImproperlyConfigured):
        prepared(lambda at: Group.objects.all(), at=dt.datetime)


def test_the_result_cannot_be_narrowed_further() -> None:
    Group.objects.create(name="Методисты")
    by_name = prepared(lambda name: Group.objects.filter(name=name), name=str)
    rows: Any = by_name(name="Методисты")
    assert isinstance(rows, list)  # not a queryset: nothing to .filter() by mistake
