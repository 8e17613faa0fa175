"""The faster identity of column references is the one Django computes (imo/core/columns_identity.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import Col

from imo.core.columns_identity import column_identity, generic_identity


def test_it_is_installed():
    assert Col.__dict__["identity"].func is column_identity


def _columns_of(queryset):
    compiler = queryset.query.get_compiler(connection=connection)
    compiler.setup_query()
    return [expression for expression, _, _ in compiler.select if isinstance(expression, Col)]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Permission.objects.select_related("content_type").filter(pk=1).order_by("pk"),
        lambda: (
            Permission.objects.filter(Q(codename="a") | Q(content_type__model="b"))
            .select_related("content_type")
            .order_by("content_type__app_label", "-codename", "pk")
        ),
        lambda: Group.objects.values("name", "permissions__codename").order_by("-name"),
        lambda: ContentType.objects.annotate(permission_name=F("permission__name")).only("model"),
    ],
)
def test_columns_of_real_queries_have_djangos_identity(make):
    columns = _columns_of(make())
    assert columns
    for column in columns:
        assert column_identity(column) == generic_identity(column)


def test_every_way_a_column_is_made_has_djangos_identity():
    name = Permission._meta.get_field("name")
    birth = Permission._meta.get_field("codename")
    made = [
        Col("T1", name),
        Col("T1", name, name),
        Col("T1", name, birth),
        Col("T1", name, output_field=birth),
        Col(None, name),  # type: ignore[arg-type]  # Django's compiler makes these (no alias)
        Col("T1", name, birth).relabeled_clone({"T1": "T2"}),
    ]
    for column in made:
        assert column_identity(column) == generic_identity(column)
        assert column.identity == generic_identity(column)
    # Equal and hashed alike exactly when Django's identities are equal.
    assert Col("T1", name) == Col("T1", name) and hash(Col("T1", name)) == hash(Col("T1", name))
    assert Col("T1", name) != Col("T2", name) and Col("T1", name) != Col("T1", birth)
    assert Col("T1", name) != Col("T1", name, name)  # as in Django: the output field was given
