"""Random search queries: the library's full-text search (FTS5 on SQLite, tsquery on PostgreSQL) and the
search box of every list page built on imo.core.tables.

Property: the page answers 200 (a query it cannot use is dropped or explained in Russian), never a 500;
the library search itself never raises and explains an unusable query in Russian.
"""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from imo.library.models import Document
from imo.library.search.query import search_page
from imo.library.tests.search_fixtures import make_document

from .conftest import SQL_AND_FTS, assert_russian, fuzz_settings, weird_text

pytestmark = pytest.mark.django_db

queries = st.one_of(
    weird_text,
    st.lists(
        st.sampled_from([*SQL_AND_FTS, "олимпиада", "конкурс", "NEAR(", "{title}:", "^", "<->"]), max_size=20
    ).map("".join),
    st.text(alphabet="!?.,;:-—«»()[]{}\"'*&|^~`@#$%", max_size=50),
    st.text(min_size=2_000, max_size=2_100),
)

# (URL name, parameter of the search box). Each page is opened by the first role that may see it.
SEARCH_PAGES = [
    ("library:documents", "q"),
    ("library:news_manage", "q"),
    ("library:digest_subscribers", "q"),
    ("orgs:list", "q"),
    ("orgs:users", "q"),
    ("staff:list", "q"),
    ("staff:access_log", "educator"),
    ("reference:academic_year_list", "q"),
    ("training:records", "q"),
    ("training:providers", "q"),
    ("training:programmes", "q"),
    ("training:topics", "q"),
    ("attestation:applications", "q"),
    ("olympiads:students", "q"),
    ("surveys:list", "q"),
    ("audit:log", "q"),
    ("mail:log", "q"),
    ("documents:register", "q"),
]
ROLES = ("head", "admin", "methodist", "secretary")


@pytest.fixture
def documents(district):
    make_document("Олимпиада по математике", body="Школьный этап олимпиады. Конкурс «Учитель года».")
    make_document("Приказ о конкурсе", annotation="Положение о конкурсе педагогов")
    return Document.objects.all()


def _forms_in(response: Any) -> list[forms.BaseForm]:
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and value.is_bound:
                found.append(value)
    return found


@fuzz_settings(max_examples=80)
@given(text=queries)
@example(text='олимпиада" OR "конкурс')
@example(text="\x00олимпиада\x00")
@example(text="* : ( ) & | ! ' NEAR AND OR")
def test_library_search_never_raises(documents, text):
    page = search_page(documents=documents, text=text)
    assert page.total >= len(page.hits)
    if page.message:
        assert_russian(page.message)


@pytest.mark.parametrize(("url_name", "param"), SEARCH_PAGES, ids=[name for name, _ in SEARCH_PAGES])
@fuzz_settings(max_examples=6)
@given(text=queries)
@example(text="\x00")
@example(text="'; DROP TABLE orgs_organization; --")
@example(text="ё" * 2_500)
def test_list_search_answers_200(client, district, documents, url_name, param, text):
    url = reverse(url_name)
    for role in ROLES:
        client.force_login(district.users[role])
        if client.get(url).status_code == 200:
            break
    else:
        pytest.fail(f"no role of the district may open {url_name}")
    response = client.get(url, {param: text})
    assert response.status_code == 200, response.status_code
    for form in _forms_in(response):
        for messages in form.errors.values():
            for message in messages:
                assert_russian(message)
