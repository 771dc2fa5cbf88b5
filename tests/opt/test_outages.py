"""Outages of unlimited capacities: a multiplier of 0 on an infinite capacity stops it (0 x inf = 0)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from valuechain import NetworkBuilder
from valuechain.opt import Study, build, extract, scale_capacity, solve
from valuechain.scenarios.compiled import ShockArrays


def supplier_and_assembly(*, route: bool = False):
    """A supplier (10 parts a month) feeds an assembly line of unlimited capacity; demand 10 a month at 5.

    With ``route``, the product reaches the customer region B over a route of unlimited capacity.
    """
    b = NetworkBuilder("outage", year=2025, period="month")
    b.add_commodity("part", unit="unit", stage="component")
    b.add_commodity("product", unit="unit", stage="product")
    b.add_region("A")
    b.add_process("supplier", region="A", outputs={"part": 1.0}, capacity=10.0, variable_cost=1.0)
    b.add_process(
        "assembly",
        region="A",
        inputs={"part": 1.0},
        outputs={"product": 1.0},
        variable_cost=0.5,
        baseline_activity=10.0,
    )
    customer = "A"
    if route:
        b.add_region("B")
        b.add_route("a-b", "product", "A", "B", baseline_flow=10.0)
        customer = "B"
    b.add_demand(customer, "product", quantity=10.0, value_of_lost_demand=5.0)
    return b.build()


def three_months(net, *, process: str | None = None, route: str | None = None) -> ShockArrays:
    """Three monthly periods from Jan 2025; ``process`` or ``route`` down (multiplier 0) in February."""
    shocks = ShockArrays.baseline(net, pd.period_range("2025-01", periods=3, freq="M"), ["down"])
    pc, rc = shocks.process_capacity.copy(), shocks.route_capacity.copy()
    if process is not None:
        pc[0, 1, list(net.processes.index).index(process)] = 0.0
    if route is not None:
        rc[0, 1, list(net.routes.index).index(route)] = 0.0
    return replace(shocks, process_capacity=pc, route_capacity=rc)


def test_unlimited_assembly_down_for_a_month_loses_that_month_of_demand():
    net = supplier_and_assembly()
    assert np.isinf(net.processes.loc["assembly", "capacity"])  # the schema's default
    model = build(net, Study(discount_rate=0.0, stocks=False), shocks=three_months(net, process="assembly"))
    result = solve(model)
    # January and March: 10 parts at 1 + 10 assemblies at 0.5 = 15 each; February: the assembly
    # line is down, so the supplier does not run (its parts would be wasted) and 10 units go unmet
    # at 5 = 50. Total 15 + 50 + 15 = 80.
    assert result.objective == pytest.approx(80.0, rel=1e-12)
    unmet = extract(model).unmet["unmet"]
    assert unmet.to_numpy() == pytest.approx([0.0, 10.0, 0.0])
    act = model.col_ub[: model.lp.var_blocks["activity"].size].reshape(1, 3, 2)
    assert act[0, :, 1].tolist() == [np.inf, 0.0, np.inf]  # assembly: unlimited, stopped, unlimited


def test_unlimited_route_closed_for_a_month_loses_that_month_of_demand():
    net = supplier_and_assembly(route=True)
    assert np.isinf(net.routes.loc["a-b", "capacity"])
    model = build(net, Study(discount_rate=0.0, stocks=False), shocks=three_months(net, route="a-b"))
    # as above, with the route (no cost) closed in February instead of the assembly line
    assert solve(model).objective == pytest.approx(80.0, rel=1e-12)


def test_scale_capacity_keeps_unlimited_capacities_unlimited_unless_stopped():
    cap = np.array([np.inf, np.inf, np.inf, 10.0, 10.0])
    mult = np.array([0.0, 0.5, 1.5, 0.0, 0.5])
    assert scale_capacity(cap, mult).tolist() == [0.0, np.inf, np.inf, 0.0, 5.0]
