"""Links by record number (imo.core.links) are what reverse() gives, under a script prefix too."""

from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

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


# --- {% url %} kept per process (imo/core/templatetags/kept_url.py, a template builtin) ---------------


def _render(text: str, **context: object) -> str:
    from django.template import engines

    return engines["django"].from_string(text).render(context)


def test_the_url_tag_gives_what_reverse_gives():
    assert _render("{% url 'portal:home' %}") == reverse("portal:home")
    assert _render("{% url 'staff:detail' 7 %}") == reverse("staff:detail", args=[7])
    assert _render("{% url 'staff:detail' pk=pk %}", pk=9) == reverse("staff:detail", kwargs={"pk": 9})
    assert _render("{% url 'staff:detail' pk %}", pk="12") == "/staff/12/"
    assert _render("{% url 'nowhere:at_all' as found %}[{{ found }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        _render("{% url 'nowhere:at_all' %}")


def test_the_url_tag_reverses_a_name_once_and_follows_the_script_prefix(monkeypatch):
    from imo.core import links

    calls: list[str] = []
    real = links.reverse

    def counting(name: str, *args: Any, **kwargs: Any) -> str:
        calls.append(name)
        return real(name, *args, **kwargs)

    links._kept.cache_clear()
    monkeypatch.setattr(links, "reverse", counting)
    assert _render("{% url 'staff:list' %}{% url 'staff:list' %}") == "/staff//staff/"
    assert calls == ["staff:list"]
    try:
        set_script_prefix("/imo/")
        assert _render("{% url 'staff:list' %}") == "/imo/staff/"
    finally:
        set_script_prefix("/")


def test_an_object_argument_is_reversed_each_time(monkeypatch):
    """Its text may change (a renamed slug, say): only numbers and strings are kept."""

    class Key:
        def __init__(self, value: int) -> None:
            self.value = value

        def __str__(self) -> str:
            return str(self.value)

    key = Key(5)
    assert _render("{% url 'staff:detail' key %}", key=key) == "/staff/5/"
    key.value = 6
    assert _render("{% url 'staff:detail' key %}", key=key) == "/staff/6/"


def test_the_static_files_storage_works_out_each_address_once(monkeypatch, tmp_path):
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    from imo.core.staticfiles import KeptURLStaticFilesStorage

    calls: list[str] = []

    def hashed(self: object, name: str, force: bool = False) -> str:
        calls.append(name)
        return f"/static/{name}.0a1b2c"

    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", hashed)
    storage = KeptURLStaticFilesStorage(location=str(tmp_path), base_url="/static/")
    assert storage.url("css/imo.css") == storage.url("css/imo.css") == "/static/css/imo.css.0a1b2c"
    assert storage.url("js/imo.js") == "/static/js/imo.js.0a1b2c"
    assert calls == ["css/imo.css", "js/imo.js"]
