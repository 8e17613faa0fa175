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
from django.urls import get_script_prefix, reverse

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
