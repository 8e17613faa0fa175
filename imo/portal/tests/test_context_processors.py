"""The base layout's context (imo.portal.context_processors.shell): read once per request and user."""

from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string

from imo.orgs.tests.factories import make_district
from imo.portal import context_processors

pytestmark = pytest.mark.django_db


def test_a_page_rendered_in_parts_reads_the_menu_once(rf):
    district = make_district()
    request = rf.get("/")
    request.user = district.user("methodist")

    with mock.patch.object(context_processors, "menu_for", wraps=context_processors.menu_for) as menu:
        first = render_to_string("components/empty.html", {"text": "—"}, request=request)
        render_to_string("components/empty.html", {"text": "—"}, request=request)

    assert menu.call_count == 1
    assert first
    shown = context_processors.shell(request)
    assert shown["current_membership"].organization == district.municipality
    assert {group.key for group in shown["nav_groups"]}


def test_another_user_on_the_same_request_gets_their_own(rf):
    district = make_district()
    request = rf.get("/")
    request.user = district.user("methodist")
    assert context_processors.shell(request)["nav_groups"]

    request.user = AnonymousUser()  # signed out during the request

    assert context_processors.shell(request)["nav_groups"] == []
    assert context_processors.shell(request)["current_membership"] is None


def test_the_menu_comes_drawn_with_every_link_of_the_users_groups(rf):
    district = make_district()
    request = rf.get("/")
    request.user = district.user("methodist")
    shown = context_processors.shell(request)
    html = str(shown["nav_html"])
    for group in shown["nav_groups"]:
        assert f'data-nav-group="{group.key}"' in html
        for link in group.links:
            assert f'<a class="dropdown-item" href="{link.url}">' in html
    assert html.count('<li class="nav-item dropdown">') == len(shown["nav_groups"])
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.template import engines

    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    page = engines["django"].from_string('{% extends "base.html" %}').render({}, request)
    assert f'<ul class="navbar-nav me-auto">{html}</ul>' in page  # the header shows it as drawn


def test_an_anonymous_visitor_has_no_menu(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    assert context_processors.shell(request)["nav_html"] == ""
