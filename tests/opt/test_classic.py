"""Classic problems with known optima, expressed through the public API."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain import NetworkBuilder
from valuechain.opt import Study, build, extract, load_study, optimise, solve
from valuechain.scenarios.compiled import ShockArrays

from .conftest import DATA, cap_network

TRANSPORT_OPTIMUM = 153.675  # thousand dollars (Dantzig 1963)
CAP41_OPTIMUM = 1040444.375  # OR-Library capopt


def test_transportation_problem_reaches_the_published_optimum():
    plan = optimise("toy-transport")
    assert plan.objective == pytest.approx(TRANSPORT_OPTIMUM, rel=1e-6)
    assert plan.result.termination == "optimal"
    # invariants: every market served, no plant above its capacity
    assert plan.unmet["unmet"].sum() == pytest.approx(0.0, abs=1e-9)
    shipped = plan.flows["flow"].groupby(lambda k: k[2].split("-")[0]).sum()
    assert shipped["seattle"] <= 350 + 1e-9
    assert plan.costs.sum() == pytest.approx(plan.objective, rel=1e-9)


def test_transportation_problem_from_the_study_spec():
    study = load_study("toy-transport")
    plan = optimise(study=study)
    assert plan.objective == pytest.approx(TRANSPORT_OPTIMUM, rel=1e-6)
    # market prices are the marginal delivered costs (k$ per case)
    prices = plan.prices["price"].droplevel([0, 1])
    assert prices["new-york:cases"] == pytest.approx(0.225)
    assert prices["topeka:cases"] == pytest.approx(0.126)


def test_cap41_warehouse_location_reaches_the_published_optimum():
    net = cap_network(DATA / "cap41.txt")
    model = build(net, Study(discount_rate=0.0, stocks=False, start=2000))
    assert model.is_mip
    result = solve(model, mip_gap=0.0)
    assert result.objective == pytest.approx(CAP41_OPTIMUM, rel=1e-6)
    plan = extract(model)
    opened = plan.expansions["open"]
    built = plan.expansions["built"]
    # capacity is all or nothing, and every customer is served
    assert np.allclose(built[opened > 0.5], 5000.0)
    assert np.allclose(built[opened < 0.5], 0.0)
    assert plan.unmet["unmet"].sum() == pytest.approx(0.0, abs=1e-6)
    assert result.duals == "fixed-mip"
    assert plan.costs[["fixed", "transport"]].sum() == pytest.approx(CAP41_OPTIMUM, rel=1e-6)


@pytest.mark.parametrize(("rate", "lifetime"), [(0.1, 1.0), (0.05, 20.0)])
def test_cap41_fixed_costs_are_one_off_whatever_the_rate_and_lifetime(rate, lifetime):
    # a fixed cost is paid once, in the (first, undiscounted) period of building: neither the
    # discount rate nor the lifetime may change it, so the published optimum must come back
    net = cap_network(DATA / "cap41.txt", lifetime=lifetime)
    result = solve(build(net, Study(discount_rate=rate, stocks=False, start=2000)), mip_gap=0.0)
    assert result.objective == pytest.approx(CAP41_OPTIMUM, rel=1e-6)


def newsvendor(p_high: float) -> float:
    """Capacity at 30 a unit (first stage); demand 100 or 200; unmet costs 100 a unit."""
    b = NetworkBuilder("newsvendor", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    b.add_region("A")
    b.add_expansion("plant", region="A", outputs={"c": 1.0}, capex=30.0, lifetime=1, lead_time=0)
    b.add_demand("A", "c", quantity=100.0, value_of_lost_demand=100.0)
    net = b.build()
    shocks = ShockArrays.baseline(net, pd.period_range("2025", periods=1, freq="Y"), ["low", "high"])
    shocks.demand[1] = 2.0
    shocks = replace(shocks, probability=np.array([1 - p_high, p_high]))
    plan = extract_plan(net, shocks)
    return plan


def extract_plan(net, shocks):
    model = build(net, Study(discount_rate=0.0, stocks=False, start=2025), shocks=shocks)
    solve(model)
    return extract(model)


@pytest.mark.parametrize(
    ("p_high", "capacity", "cost"),
    [
        # benefit of a unit above 100 = 100 x P(high) = 50 > 30: build for the high demand
        (0.5, 200.0, 30 * 200),
        # 100 x 0.2 = 20 < 30: build for the low demand, leave 100 unmet with probability 0.2
        (0.2, 100.0, 30 * 100 + 0.2 * 100 * 100),
    ],
)
def test_two_stage_newsvendor_matches_the_critical_fractile(p_high, capacity, cost):
    plan = newsvendor(p_high)
    assert plan.objective == pytest.approx(cost, rel=1e-9)
    assert plan.expansions["built"].sum() == pytest.approx(capacity)


def bom_network(wheel_capacity: float) -> vc.Network:
    """Bikes = 2 wheels + 1 frame; frames come from region B over a route costing 2."""
    b = NetworkBuilder("bikes", year=2025)
    for c in ("wheel", "frame", "bike"):
        b.add_commodity(c, unit="piece", stage="product")
    b.add_region("A")
    b.add_region("B")
    b.add_process("wheels", region="A", outputs={"wheel": 1}, capacity=wheel_capacity, variable_cost=10.0)
    b.add_process("frames", region="B", outputs={"frame": 1}, variable_cost=40.0)
    b.add_process("assembly", region="A", inputs={"wheel": 2, "frame": 1}, outputs={"bike": 1}, variable_cost=5.0)
    b.add_route("b-a-frames", "frame", "B", "A", cost=2.0)
    b.add_market("A", "wheel", side="buy", price=25.0)
    b.add_demand("A", "bike", quantity=30, value_of_lost_demand=1e4)
    return b.build()


def test_bill_of_materials_costs_and_marginal_prices():
    study = Study(discount_rate=0.0, stocks=False)
    # 30 bikes: 30 x 5 + 60 wheels x 10 + 30 frames x (40 + 2)
    plan = optimise(bom_network(100.0), study)
    assert plan.objective == pytest.approx(30 * 5 + 60 * 10 + 30 * 42)
    # only 50 wheels made: 10 bought at 25, and the wheel's price is the market's
    plan = optimise(bom_network(50.0), study)
    assert plan.objective == pytest.approx(30 * 5 + 50 * 10 + 10 * 25 + 30 * 42)
    prices = plan.prices["price"].droplevel([0, 1])
    assert prices["A:wheel"] == pytest.approx(25.0)
    assert prices["A:bike"] == pytest.approx(5 + 2 * 25 + 42)
    # the wheel plant's capacity is worth 25 - 10 per unit
    assert plan.activity.loc[("baseline", 2025, "wheels"), "capacity_dual"] == pytest.approx(15.0)


def test_time_limit_raises_unless_nonoptimal_results_are_allowed():
    net = cap_network(DATA / "cap41.txt")
    model = build(net, Study(discount_rate=0.0, stocks=False, start=2000))
    with pytest.raises(vc.SolverError, match="time limit"):
        solve(model, time_limit=1e-6, mip_gap=0.0)
    result = solve(model, time_limit=1e-6, mip_gap=0.0, allow_nonoptimal=True)
    assert result.termination == "time_limit"
    assert not result.ok
    with pytest.raises(vc.StudyError, match="'mip_gap' parameter of solve"):
        solve(model, mip_gap=2.0)
