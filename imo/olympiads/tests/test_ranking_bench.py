"""Smoke test of the ranking bench entries (bench/throughput.py) on small data: they run and check what
they measure. No timings are asserted."""

from __future__ import annotations

import pytest

throughput = pytest.importorskip("bench.throughput")


@pytest.mark.django_db
def test_rank_municipal_entry_runs(district, monkeypatch):
    monkeypatch.setattr(throughput, "OLYMPIAD_PARTICIPATIONS", 120)
    measured = throughput.rank_municipal("sqlite")
    assert measured.value > 0
    assert measured.extra["participations"] == 120


def test_rank_cli_entry_runs(monkeypatch):
    monkeypatch.setattr(throughput, "OLYMPIAD_PROTOCOL_ROWS", 60)
    measured = throughput.rank_cli("sqlite")
    assert measured.value > 0 and measured.extra["rows"] == 60
