"""Sections of an educator's portfolio contributed by the domain apps (registry; core imports no app).

An app registers a source in its AppConfig.ready(): a function of the educator returning entries. Pages that
show a portfolio (the attestation application) call `portfolio_for(educator)` and never import the app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PortfolioEntry:
    section: str
    title: str
    date: dt.date | None = None
    detail: str = ""


@dataclass(frozen=True)
class PortfolioSource:
    key: str
    title: str
    entries: Callable[[Any], list[PortfolioEntry]]
    order: int = 100


_sources: dict[str, PortfolioSource] = {}


def register_portfolio_source(
    key: str, title: str, entries: Callable[[Any], list[PortfolioEntry]], order: int = 100
) -> None:
    """Add (or replace, by `key`) a source of portfolio entries."""
    _sources[key] = PortfolioSource(key=key, title=title, entries=entries, order=order)


def unregister_portfolio_source(key: str) -> None:
    _sources.pop(key, None)


def portfolio_sources() -> list[PortfolioSource]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))


def portfolio_for(educator: Any) -> list[tuple[str, list[PortfolioEntry]]]:
    """(section title, entries) of every registered source that has something for the educator."""
    sections = []
    for source in portfolio_sources():
        entries = list(source.entries(educator))
        if entries:
            sections.append((source.title, entries))
    return sections
