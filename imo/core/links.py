"""Links to a record by its number, without resolving the URL configuration for every row.

`reverse()` walks the URL patterns each time: on a list of 100 educators with a link in a cell it cost
more than reading the rows' posts. `pk_url` reverses a URL name once per process (and script prefix)
with a marker number and then only puts the number in.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = 918273645  # a number no record has; it must not be a substring of a URL's fixed text


@lru_cache(maxsize=256)
def _pattern(name: str, prefix: str) -> tuple[str, str]:
    url = reverse(name, args=[_MARKER])
    head, marker, tail = url.partition(str(_MARKER))
    if not marker or str(_MARKER) in tail:
        raise ValueError(f"{name}: the URL does not take its number as is")
    return head, tail


def pk_url(name: str, pk: int) -> str:
    """The URL of `name` with one integer argument, as reverse(name, args=[pk]) gives it."""
    head, tail = _pattern(name, get_script_prefix())
    return f"{head}{int(pk)}{tail}"


@receiver(setting_changed)
def _forget_patterns(*, setting: str, **_: Any) -> None:
    """Tests that swap the URL configuration get links of the new one (as reverse() does)."""
    if setting == "ROOT_URLCONF":
        _pattern.cache_clear()
        _kept.cache_clear()


# --- {% url %} in templates ----------------------------------------------------------------------
# Every page names a dozen fixed addresses (the header's, the breadcrumbs', the buttons'), each reversed
# on every request: ~50 µs apiece. The answer depends only on the name, the arguments, the script prefix
# and the URL configuration, so those with plain arguments are kept per process.


@lru_cache(maxsize=4096)
def _kept(
    name: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...], scope: tuple[Any, ...]
) -> str:
    app, _prefix, urlconf = scope
    return reverse(name, args=args, kwargs=dict(kwargs), current_app=app, urlconf=urlconf)


def _plain(value: Any) -> bool:
    """A value whose text in the URL is itself: a number or a string (a template's literals are safe
    strings); an object's str() may change, and True would share 1's key."""
    return isinstance(value, str) or (type(value) is int)


def kept_reverse(name: Any, args: list[Any], kwargs: dict[str, Any], current_app: Any) -> str:
    """reverse(name, args=args, kwargs=kwargs, current_app=current_app), worked out once per process for
    a name with plain arguments (numbers, strings); anything else is reversed each time."""
    plain = (
        isinstance(name, str)
        and (current_app is None or isinstance(current_app, str))
        and all(map(_plain, args))
        and all(map(_plain, kwargs.values()))
    )
    if not plain:
        return reverse(name, args=args, kwargs=kwargs, current_app=current_app)
    scope = (current_app, get_script_prefix(), get_urlconf())
    return _kept(str(name), tuple(args), tuple(sorted(kwargs.items())), scope)
