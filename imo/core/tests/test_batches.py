"""Querysets completed a batch at a time (imo.core.batches), on the user model."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator

from imo.core.batches import completed_in_batches

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    for n in range(7):
        User.objects.create_user(f"user{n}", last_name=f"Фамилия {n}")


def _completing(batches):
    def complete(rows):
        batches.append(len(rows))
        return [SimpleNamespace(name=row.username, batch=len(batches)) for row in rows]

    return complete


def test_rows_come_out_completed_and_the_queryset_still_filters_orders_and_counts(people):
    batches: list[int] = []
    queryset = completed_in_batches(User.objects.all(), _completing(batches))
    narrowed = queryset.filter(username__in=["user1", "user2", "user5"]).order_by("-username")
    assert narrowed.count() == 3 and batches == []
    assert [row.name for row in narrowed] == ["user5", "user2", "user1"]
    assert batches == [3]  # one batch for the lot


def test_a_page_is_one_batch(people):
    batches: list[int] = []
    queryset = completed_in_batches(User.objects.order_by("username"), _completing(batches))
    page = Paginator(queryset, 3).get_page(2)
    assert [row.name for row in page.object_list] == ["user3", "user4", "user5"]
    assert batches == [3]


def test_an_iterator_completes_one_chunk_at_a_time(people):
    batches: list[int] = []
    queryset = completed_in_batches(User.objects.order_by("username"), _completing(batches))
    rows = list(queryset.iterator(chunk_size=3))
    assert [row.name for row in rows] == [f"user{n}" for n in range(7)]
    assert batches == [3, 3, 1]
    assert [row.batch for row in rows] == [1, 1, 1, 2, 2, 2, 3]
