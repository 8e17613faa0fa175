"""Links by record number (imo.core.links) are what reverse() gives, under a script prefix too."""

import pytest
from django.urls import reverse, set_script_prefix

from imo.core.links import pk_url


@pytest.mark.parametrize("name", ["staff:detail", "orgs:detail", "staff:edit"])
@pytest.mark.parametrize("pk", [1, 42, 918273])
def test_the_link_is_the_reversed_url(name, pk):
    assert pk_url(name, pk) == reverse(name, args=[pk])


def test_a_script_prefix_is_kept():
    try:
        set_script_prefix("/imo/")
        assert pk_url("staff:detail", 7) == reverse("staff:detail", args=[7]) == "/imo/staff/7/"
    finally:
        set_script_prefix("/")
    assert pk_url("staff:detail", 7) == "/staff/7/"
