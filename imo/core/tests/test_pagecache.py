"""The page cache (imo/core/pagecache.py): what is kept, for whom, and what makes it stale."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from imo.core import pagecache


@pytest.mark.parametrize(
    ("sql", "topic"),
    [
        ('INSERT INTO "olympiads_participation" ("grade") VALUES (%s)', "olympiads"),
        ("UPDATE olympiads_participation AS p SET rank = v.rank FROM t AS v", "olympiads"),
        ('  delete from "library_document" WHERE id = 1', "library"),
        ('UPDATE "staff_educator" SET "phone" = %s', "staff"),
        ('SELECT * FROM "olympiads_participation"', None),
        ('UPDATE "django_session" SET "expire_date" = %s', None),  # not a topic: nothing cached shows it
        ('INSERT INTO "auditlog_logentry" ("changes") VALUES (%s)', None),
        ("WITH x AS (SELECT 1) SELECT 2", None),
        # who viewed a card: written by reading a page, shown by no kept page
        ('INSERT INTO "staff_personaldataaccess" ("at") VALUES (%s)', None),
        ('INSERT INTO "staff_personaldataaccess_educators" ("educator_id") VALUES (%s)', None),
        ('DELETE FROM "staff_personaldataaccess_educators" WHERE "educator_id" = %s', None),
    ],
)
def test_a_statement_names_the_topic_it_writes_to(sql: str, topic: str | None) -> None:
    assert pagecache._topic_of(sql) == topic


def counting() -> tuple[list[int], Any]:
    """A compute function that counts its calls (the library's cache tests use it too)."""
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"value": len(calls)}

    return calls, compute


def test_a_value_is_computed_once_per_parts() -> None:
    calls, compute = counting()
    first = pagecache.cached("t", topics=("staff",), parts=("a",), compute=compute)
    again = pagecache.cached("t", topics=("staff",), parts=("a",), compute=compute)
    other = pagecache.cached("t", topics=("staff",), parts=("b",), compute=compute)
    assert first == again == {"value": 1}
    assert other == {"value": 2}
    assert len(calls) == 2


def test_a_bump_outside_a_transaction_makes_values_stale_at_once(monkeypatch) -> None:
    _calls, compute = counting()
    pagecache.cached("t", topics=("staff",), parts=(), compute=compute)
    pagecache.cached("t", topics=("library",), parts=(), compute=compute)
    monkeypatch.setattr(pagecache, "_in_transaction", lambda: False)
    pagecache.bump("staff")
    assert pagecache.cached("t", topics=("staff",), parts=(), compute=compute) == {"value": 3}
    assert pagecache.cached("t", topics=("library",), parts=(), compute=compute) == {"value": 2}  # kept


def test_switched_off_it_always_computes(settings) -> None:
    settings.IMO_PAGE_CACHE = False
    calls, compute = counting()
    for _ in range(3):
        pagecache.cached("t", topics=("staff",), parts=(), compute=compute)
    assert len(calls) == 3


# --- anonymous pages ---------------------------------------------------------------------------------


def _view(cookie: bool = False) -> tuple[list[int], Any]:
    calls: list[int] = []

    @pagecache.anonymous_page("library")
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        response = HttpResponse(f"страница {len(calls)}")
        if cookie:
            response.set_cookie("choice", "1")
        return response

    return calls, view


def _anonymous(path: str = "/news/", **cookies: str) -> HttpRequest:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.COOKIES.update(cookies)
    return request


def test_anonymous_visitors_share_the_page() -> None:
    calls, view = _view()
    assert view(_anonymous()).content.decode() == "страница 1"
    assert view(_anonymous()).content.decode() == "страница 1"
    assert view(_anonymous("/news/?page=2")).content.decode() == "страница 2"  # another address
    assert len(calls) == 2


@pytest.mark.django_db
def test_signed_in_users_and_visitors_with_a_session_get_their_own_page(django_user_model) -> None:
    calls, view = _view()
    view(_anonymous())
    request = RequestFactory().get("/news/")
    request.user = django_user_model.objects.create_user(username="u", password="Пароль-надёжный-1")
    view(request)
    view(_anonymous(sessionid="abc"))
    view(_anonymous(messages="…"))
    assert len(calls) == 4


def test_a_page_that_sets_a_cookie_or_holds_a_form_token_is_not_kept() -> None:
    calls, view = _view(cookie=True)
    view(_anonymous())
    view(_anonymous())
    assert len(calls) == 2

    from django.middleware.csrf import get_token

    tokens: list[str] = []

    @pagecache.anonymous_page("library")
    def form(request: HttpRequest) -> HttpResponse:
        tokens.append(get_token(request))
        return HttpResponse(tokens[-1])

    form(_anonymous())
    form(_anonymous())
    assert len(tokens) == 2


def test_clear_forgets_every_item() -> None:
    calls, compute = counting()
    pagecache.cached("t", topics=("staff",), parts=(), compute=compute)
    pagecache.clear()
    pagecache.cached("t", topics=("staff",), parts=(), compute=compute)
    assert len(calls) == 2


# --- kept parts of pages ---------------------------------------------------------------------------


def test_a_rendered_part_is_drawn_once_per_parts_and_escaped(settings, tmp_path) -> None:
    (tmp_path / "part.html").write_text("<p>{{ name }}</p>", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    calls: list[str] = []

    def context(name: str) -> Any:
        def read() -> dict[str, str]:
            calls.append(name)
            return {"name": name}

        return read

    def part(name: str, parts: tuple[str, ...]) -> str:
        return pagecache.rendered(
            "t.part", topics=("staff",), parts=parts, template="part.html", context=context(name)
        )

    first = part("<Иванов>", ("a",))
    assert first == "<p>&lt;Иванов&gt;</p>"
    assert part("Петров", ("a",)) == first  # kept: the context is not even read
    assert part("Петров", ("b",)) == "<p>Петров</p>"
    assert calls == ["<Иванов>", "Петров"]
    assert type(first).__name__ == "SafeString"  # shown as it is by the page's template
