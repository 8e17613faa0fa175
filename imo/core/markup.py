"""Escaping for markup written in Python (table rows, widgets, survey questions)."""

from __future__ import annotations

import html
from typing import Any


def escaped(value: Any) -> str:
    """conditional_escape(value) as a plain str, without its lazy-text wrapper (the same html.escape
    underneath): anything with __html__ is markup already, anything else is escaped as text."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))
