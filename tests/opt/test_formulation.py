"""Pieces of the formulation checked against optima derived by hand."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from valuechain import NetworkBuilder
from valuechain.opt import Study, build, extract, solve
from valuechain.scenarios.compiled import ShockArrays


def solved(net, study, shocks=None):
    model = build(net, study, shocks=shocks)
    solve(model)
    return extract(model)


def test_capex_is_annualised_with_the_discount_rate_and_lifetime():
    b = NetworkBuilder("capex", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    b.add_region("A")
    b.add_expansion("plant", region="A", outputs={"c": 1}, capex=100.0, lifetime=10)
    b.add_demand("A", "c", quantity=10, value_of_lost_demand=1e4)
    plan = solved(b.build(), Study(discount_rate=0.1, stocks=False))
    annuity = 0.1 / (1 - 1.1**-10)
    assert plan.objective == pytest.approx(10 * 100 * annuity, rel=1e-9)


def test_lead_time_delays_output_and_costs_are_discounted():
    # existing plant at 50 a unit; a new one (lead time 2 years, capex 10/unit/yr annuity with
    # lifetime 1 and r = 0) at 0 a unit: it can only serve years 2 and 3 of four
    b = NetworkBuilder("lead", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    b.add_region("A")
    b.add_process("old", region="A", outputs={"c": 1}, variable_cost=50.0)
    b.add_expansion("new", region="A", outputs={"c": 1}, capex=10.0, lifetime=1, lead_time=2)
    b.add_demand("A", "c", quantity=100, value_of_lost_demand=1e4)
    plan = solved(b.build(), Study(start=2025, years=4, discount_rate=0.0, stocks=False))
    # a lifetime of one year: capacity decided in 2025 serves 2027, decided in 2026 serves 2028
    assert plan.objective == pytest.approx(2 * 100 * 50 + 2 * 100 * 10)
    avail = plan.expansions["available"].groupby(level="period").sum()
    assert avail.to_dict() == pytest.approx({2025: 0.0, 2026: 0.0, 2027: 100.0, 2028: 100.0})
    xact = plan.expansion_activity["activity"].groupby(level="period").sum()
    assert xact[2025] == pytest.approx(0.0)
    assert xact[2026] == pytest.approx(0.0)


def test_demand_grows_from_the_network_year():
    b = NetworkBuilder("growth", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    b.add_region("A")
    b.add_process("p", region="A", outputs={"c": 1}, variable_cost=1.0)
    b.add_demand("A", "c", quantity=100, growth=0.1, value_of_lost_demand=1e4)
    plan = solved(b.build(), Study(start=2027, years=1, stocks=False))
    assert plan.unmet["demand"].iloc[0] == pytest.approx(121.0)
    assert plan.objective == pytest.approx(121.0)


def newsvendor(cvar_weight: float) -> tuple[float, float]:
    b = NetworkBuilder("newsvendor", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    b.add_region("A")
    b.add_expansion("plant", region="A", outputs={"c": 1.0}, capex=30.0, lifetime=1)
    b.add_demand("A", "c", quantity=100.0, value_of_lost_demand=100.0)
    net = b.build()
    shocks = ShockArrays.baseline(net, pd.period_range("2025", periods=1, freq="Y"), ["low", "high"])
    shocks.demand[1] = 2.0
    shocks = replace(shocks, probability=np.array([0.8, 0.2]))
    study = Study(discount_rate=0.0, stocks=False, cvar_weight=cvar_weight, cvar_alpha=0.5)
    plan = solved(net, study, shocks)
    return plan.objective, float(plan.expansions["built"].sum())


def test_cvar_term_on_unmet_demand_follows_rockafellar_uryasev():
    # capacity 100: the high scenario (p = 0.2) loses 100 x 100; CVaR at 0.5 = 0.2 x 10000 / 0.5 = 4000.
    # A unit above 100 saves 100 x 0.2 in expectation and 100 x 0.2 / 0.5 = 40 in CVaR per unit of weight.
    obj, cap = newsvendor(0.1)  # 20 + 4 < 30: stay at 100
    assert cap == pytest.approx(100.0)
    assert obj == pytest.approx(3000 + 2000 + 0.1 * 4000)
    obj, cap = newsvendor(1.0)  # 20 + 40 > 30: cover the high demand
    assert cap == pytest.approx(200.0)
    assert obj == pytest.approx(6000.0)


def test_spot_premium_applies_in_shocked_periods_only():
    b = NetworkBuilder("spot", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    b.add_region("A")
    b.add_process("p", region="A", outputs={"c": 1}, capacity=100, variable_cost=1.0)
    b.add_market("A", "c", side="buy", price=10.0)
    b.add_demand("A", "c", quantity=100, value_of_lost_demand=1e4)
    net = b.build()
    shocks = ShockArrays.baseline(net, pd.period_range("2025", periods=1, freq="Y"), ["calm", "outage"])
    shocks.process_capacity[1, :, 0] = 0.5
    plan = solved(net, Study(discount_rate=0.0, stocks=False, spot_premium=0.5), shocks)
    # calm: 100 x 1; outage: 50 x 1 + 50 x 10 x 1.5; each with probability 1/2
    assert plan.objective == pytest.approx(0.5 * 100 + 0.5 * (50 + 750))


def test_stocks_carry_supply_into_a_shocked_year():
    b = NetworkBuilder("stock", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    b.add_region("A")
    b.add_hub("A", "c", holding_cost=2.0)
    b.add_process("p", region="A", outputs={"c": 1}, capacity=200, variable_cost=1.0)
    b.add_demand("A", "c", quantity=100, value_of_lost_demand=1e4)
    net = b.build()
    shocks = ShockArrays.baseline(net, pd.period_range("2025", periods=2, freq="Y"), 1)
    shocks.process_capacity[0, 1, 0] = 0.0
    plan = solved(net, Study(start=2025, years=2, discount_rate=0.0), shocks)
    # make 200 in 2025 and hold 100 through the year: 200 x 1 + 100 x 2
    assert plan.objective == pytest.approx(400.0)
    assert plan.stocks["stock"].iloc[0] == pytest.approx(100.0)
    assert plan.stocks["reserve"].iloc[0] == pytest.approx(100.0)
    assert plan.unmet["unmet"].sum() == pytest.approx(0.0)


def test_expansion_forbidden_in_a_scenario_is_stranded_there():
    b = NetworkBuilder("strand", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    b.add_region("A")
    b.add_expansion("plant", region="A", outputs={"c": 1}, capex=10.0, lifetime=1)
    b.add_demand("A", "c", quantity=100, value_of_lost_demand=30.0)
    net = b.build()
    shocks = ShockArrays.baseline(net, pd.period_range("2025", periods=1, freq="Y"), ["open", "closed"])
    shocks.expansion_allowed[1, 0] = False
    plan = solved(net, Study(discount_rate=0.0, stocks=False), shocks)
    # building 100 costs 1000 and saves 30 x 100 only in 'open' (p = 1/2): 1000 + 0.5 x 3000
    assert plan.objective == pytest.approx(1000 + 0.5 * 3000)
    closed = plan.expansion_activity.loc[("closed", 2025, "plant"), "activity"]
    assert closed == pytest.approx(0.0)


def test_mass_balance_holds_at_every_hub_on_toy_battery():
    from valuechain import load_network

    net = load_network("toy-battery")
    model = build(net, Study(start=2025, years=3))
    solve(model)
    x = model.values
    start, index, value = model.a_start, model.a_index, model.a_value
    bal = model.lp.row_blocks["balance"]
    rows = np.arange(bal.offset, bal.offset + bal.size)
    lhs = np.array([value[start[r] : start[r + 1]] @ x[index[start[r] : start[r + 1]]] for r in rows])
    assert (lhs >= model.row_lo[rows] - 1e-6 * np.maximum(1, np.abs(model.row_lo[rows]))).all()
    act = extract(model).activity
    assert (act["activity"] <= act["capacity"] + 1e-6).all()


def test_tiered_market_is_used_in_order_of_price():
    b = NetworkBuilder("tiers", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    b.add_region("A")
    b.add_market("A", "c", side="buy", price=10.0, cap=50, tier=1)
    b.add_market("A", "c", side="buy", price=20.0, tier=2)
    b.add_demand("A", "c", quantity=80, value_of_lost_demand=1e4)
    plan = solved(b.build(), Study(stocks=False))
    assert plan.objective == pytest.approx(50 * 10 + 30 * 20)
    bought = plan.purchases["quantity"].droplevel([0, 1])
    assert bought["A:c:buy:1"] == pytest.approx(50.0)
    assert bought["A:c:buy:2"] == pytest.approx(30.0)
