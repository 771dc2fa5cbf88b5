"""Tiny networks whose targets, shadow prices and stocks can be worked out by hand."""

from __future__ import annotations

import pytest

from valuechain import Network, NetworkBuilder


def two_suppliers(period: str = "year") -> Network:
    """Region X buys cells from Y (1 per GWh) or Z (3 per GWh); X's own plant costs 5 per GWh.

    Demand in X is 100 GWh per period, all from Y today; no growth, no stocks.
    """
    b = NetworkBuilder("two-suppliers", year=2024, period=period)
    b.add_commodity("cell_nmc", unit="GWh", stage="cell", value=10.0)
    for r in ("X", "Y", "Z"):
        b.add_region(r, groups="EU" if r == "X" else None)
    b.add_process("y-plant", region="Y", outputs={"cell_nmc": 1.0}, baseline_activity=100.0)
    b.add_process("z-plant", region="Z", outputs={"cell_nmc": 1.0})
    b.add_process("x-plant", region="X", outputs={"cell_nmc": 1.0}, variable_cost=5.0)
    b.add_route("y-x", "cell_nmc", "Y", "X", cost=1.0, baseline_flow=100.0)
    b.add_route("z-x", "cell_nmc", "Z", "X", cost=3.0)
    b.add_demand("X", "cell_nmc", quantity=100.0, value_of_lost_demand=1000.0)
    return b.build()


def graphite_importer() -> Network:
    """DE uses 100 t of natural graphite a month, all from China over a route of 100 t a month."""
    b = NetworkBuilder("graphite", year=2024, period="month")
    b.add_commodity("natural_graphite", unit="t", stage="mining", value=500.0)
    b.add_region("CN")
    b.add_region("DE", groups="EU27")
    b.add_process(
        "cn-mine", region="CN", outputs={"natural_graphite": 1.0}, capacity=1000.0, baseline_activity=100.0, ttr=2.0
    )
    b.add_route("cn-de", "natural_graphite", "CN", "DE", cost=1.0, capacity=100.0, baseline_flow=100.0)
    b.add_demand("DE", "natural_graphite", quantity=100.0, value_of_lost_demand=10_000.0)
    return b.build()


@pytest.fixture(scope="session")
def pair() -> Network:
    return two_suppliers()
