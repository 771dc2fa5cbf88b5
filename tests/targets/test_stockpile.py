"""Stockpile targets: a stock that exactly covers a control."""

from __future__ import annotations

import pytest

import valuechain as vc
from valuechain.analysis.stockpile import stockpile_targets

from .conftest import graphite_importer


def test_stock_exactly_covers_the_graphite_control():
    # From 2025-01 the graphite licence regime approves 90 % of requests (its lag ended in
    # 2024): 90 of 100 t a month reach DE, 10 t short a month; 3 months need 30 t.
    s = stockpile_targets(graphite_importer(), ["cn-graphite-2023"], region="EU27", months=3)
    assert len(s) == 1
    row = s.iloc[0]
    assert row["hub"] == "DE:natural_graphite"
    assert row["stock"] == pytest.approx(30.0)
    assert row["daily_use"] == pytest.approx(100.0 / (365.25 / 12))
    assert row["days_of_cover"] == pytest.approx(30.0 / (100.0 / (365.25 / 12)))
    assert row["value_tied_up"] == pytest.approx(30.0 * 500.0)
    assert row["unmet_left"] == pytest.approx(0.0)
    assert row["months"] == 3
    assert row["start"] == "2025-01"


def test_longer_control_needs_proportionally_more():
    s = stockpile_targets(graphite_importer(), ["cn-graphite-2023"], region="EU27", months=6)
    assert s.iloc[0]["stock"] == pytest.approx(60.0)  # 10 t a month for 6 months


def test_toy_battery_default_scenarios_served():
    s = stockpile_targets(vc.load_network("toy-battery"), region="DE", months=3)
    assert set(s["scenario"]) >= {"cn-graphite-2023", "cn-oct2025-controls"}
    assert (s["unmet_left"].fillna(0.0) <= 1e-6).all()
    assert (s["stock"] >= 0).all()
