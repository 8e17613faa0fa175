"""Numbers in query strings: `str.isdigit()` is true for «²» and «٣», and `int("²")` raises — a page read
that way answered 500. Every page here reads ids, pages, years or months from the query string."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imo.orgs.tests.factories import make_district

pytestmark = pytest.mark.django_db

ODD_NUMBERS = ("²", "٣", "¹²", "①")
PAGES = (
    ("attestation:due", ("months", "org", "page")),
    ("attestation:schedule", ("org", "month", "year")),
    ("staff:statistics", ("org", "issued")),
    ("olympiads:analytics", ("year", "subject", "school")),
    ("olympiads:students", ("grade", "school")),
    ("training:compliance", ("org", "page", "year")),
    ("mentorship:list", ("org", "school")),
    ("library:documents", ("page", "kind", "year")),
    ("training:plans", ("year", "org")),
    ("surveys:my", ("school",)),
)


@pytest.mark.parametrize("name,params", PAGES, ids=[name for name, _ in PAGES])
def test_odd_digits_in_the_query_are_not_a_500(client, name: str, params: tuple[str, ...]) -> None:
    district = make_district()
    client.force_login(district.user("head"))
    url = reverse(name)
    for odd in ODD_NUMBERS:
        query = "&".join(f"{param}={odd}" for param in params)
        response = client.get(f"{url}?{query}")
        assert response.status_code in (200, 302, 400, 403, 404), (url, query, response.status_code)
