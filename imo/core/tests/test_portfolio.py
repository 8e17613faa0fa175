"""The registry of portfolio sources (imo.core.portfolio)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from imo.core import portfolio
from imo.core.portfolio import (
    PortfolioEntry,
    portfolio_for,
    portfolio_sources,
    register_portfolio_source,
    unregister_portfolio_source,
)


@pytest.fixture
def clean_registry(monkeypatch):
    """An empty registry for the test (the apps' own sources need real educators)."""
    monkeypatch.setattr(portfolio, "_sources", {})


def test_sources_in_order_and_empty_ones_skipped(clean_registry):
    person = SimpleNamespace(pk=7)

    def contests(educator: Any) -> list[PortfolioEntry]:
        return [
            PortfolioEntry(
                "Конкурсы", f"Учитель года (запись {educator.pk})", dt.date(2024, 2, 1), "финалист"
            )
        ]

    def courses(educator: Any) -> list[PortfolioEntry]:
        return [PortfolioEntry("Курсы", "Курсы повышения квалификации", None, "72 ч")]

    register_portfolio_source("test_b", "Профессиональные конкурсы", contests, order=-20)
    register_portfolio_source("test_a", "Повышение квалификации", courses, order=-30)
    register_portfolio_source("test_empty", "Пусто", lambda educator: [], order=-25)
    sections = portfolio_for(person)
    assert [title for title, _ in sections] == ["Повышение квалификации", "Профессиональные конкурсы"]
    assert sections[1][1][0].title == "Учитель года (запись 7)"
    assert "Пусто" not in [title for title, _ in portfolio_for(person)]
    assert [source.key for source in portfolio_sources()] == ["test_a", "test_empty", "test_b"]


def test_registering_again_replaces(clean_registry):
    register_portfolio_source("test_a", "Старое", lambda educator: [PortfolioEntry("x", "старое")], order=-30)
    register_portfolio_source("test_a", "Новое", lambda educator: [PortfolioEntry("x", "новое")], order=-30)
    titles = [title for title, _ in portfolio_for(SimpleNamespace(pk=1))]
    assert "Новое" in titles and "Старое" not in titles


def test_unregister(clean_registry):
    register_portfolio_source("test_a", "Курсы", lambda educator: [PortfolioEntry("x", "курсы")])
    unregister_portfolio_source("test_a")
    unregister_portfolio_source("never_registered")
    assert portfolio_for(SimpleNamespace(pk=1)) == []
