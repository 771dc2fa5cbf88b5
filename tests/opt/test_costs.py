"""One-off fixed costs, annualised capex and one discounting convention, against hand arithmetic."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from valuechain import NetworkBuilder
from valuechain.opt import Study, build, extract, solve
from valuechain.opt.formulation import crf
from valuechain.scenarios.compiled import ShockArrays


def one_option(**option):
    """Region A, demand 10 a year at 10,000 a unit lost; the only supply is one expansion option."""
    b = NetworkBuilder("costs", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    b.add_region("A")
    b.add_expansion("plant", region="A", outputs={"c": 1.0}, lead_time=0, **option)
    b.add_demand("A", "c", quantity=10.0, value_of_lost_demand=1e4)
    return b.build()


@pytest.mark.parametrize("lifetime", [1.0, 20.0])
@pytest.mark.parametrize("rate", [0.0, 0.05, 0.1])
def test_a_fixed_cost_is_charged_once_in_a_one_period_study(rate, lifetime):
    net = one_option(fixed_cost=100.0, max_size=10.0, variable_cost=2.0, lifetime=lifetime)
    model = build(net, Study(discount_rate=rate, stocks=False))
    result = solve(model, mip_gap=0.0)
    # the plant must open (10 units lost would cost 1e5): fixed cost 100, once, in the first
    # period (weight 1), plus 10 units at 2 = 20; neither the rate nor the lifetime enters
    assert result.objective == pytest.approx(120.0, rel=1e-12)
    costs = extract(model).costs
    assert costs["fixed"] == pytest.approx(100.0, rel=1e-12)
    assert costs["operating"] == pytest.approx(20.0, rel=1e-12)


def test_a_fixed_cost_is_discounted_like_every_other_cost_of_its_year():
    # an old plant (1 a unit) serves 2025 and closes in 2026; the option (fixed cost 100, 2 a
    # unit, no capex, no lead time) is best built in 2026, whose costs weigh 1 / 1.1:
    # built in 2026: 10 x 1 + (100 + 10 x 2) / 1.1 = 119.09; in 2025: 100 + 10 x 1 + 20 / 1.1 = 128.18
    b = NetworkBuilder("later", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    b.add_region("A")
    b.add_process("old", region="A", outputs={"c": 1.0}, capacity=10.0, variable_cost=1.0)
    b.add_expansion("plant", region="A", outputs={"c": 1.0}, fixed_cost=100.0, max_size=10.0, variable_cost=2.0)
    b.add_demand("A", "c", quantity=10.0, value_of_lost_demand=1e4)
    net = b.build()
    shocks = ShockArrays.baseline(net, pd.period_range("2025", periods=2, freq="Y"), ["closure"])
    pc = shocks.process_capacity.copy()
    pc[0, 1, 0] = 0.0
    model = build(net, Study(discount_rate=0.1, stocks=False), shocks=replace(shocks, process_capacity=pc))
    result = solve(model, mip_gap=0.0)
    assert result.objective == pytest.approx(10.0 + 120.0 / 1.1, rel=1e-12)
    opened = extract(model).expansions["open"]
    assert opened.to_dict() == pytest.approx({(2025, "plant"): 0.0, (2026, "plant"): 1.0})


def test_capex_is_annualised_with_the_capital_recovery_factor_over_two_years():
    net = one_option(capex=50.0, lifetime=2.0)
    model = build(net, Study(years=2, discount_rate=0.1, stocks=False))
    result = solve(model)
    # 10 units of capacity at 50 = 500, built in 2025 for two years:
    # CRF = 0.1 x 1.1^2 / (1.1^2 - 1) = 0.121 / 0.21 = 0.5761904...; 500 x CRF = 288.0952 a year,
    # paid in 2025 (weight 1) and 2026 (weight 1 / 1.1): 288.0952 x (1 + 1/1.1) = 550 = 1.1 x 500
    assert crf(0.1, 2.0) == pytest.approx(0.121 / 0.21, rel=1e-12)
    assert result.objective == pytest.approx(500.0 * (0.121 / 0.21) * (1.0 + 1.0 / 1.1), rel=1e-12)
    assert result.objective == pytest.approx(550.0, rel=1e-12)


def test_capex_payments_stop_at_the_end_of_the_horizon():
    # lifetime 20 years, two-year study: only the two payments inside the horizon are charged
    net = one_option(capex=50.0, lifetime=20.0)
    result = solve(build(net, Study(years=2, discount_rate=0.1, stocks=False)))
    crf20 = 0.1 * 1.1**20 / (1.1**20 - 1.0)  # 0.1174596...
    assert result.objective == pytest.approx(500.0 * crf20 * (1.0 + 1.0 / 1.1), rel=1e-12)


def test_capex_at_zero_rate_is_spread_evenly_over_the_lifetime():
    # r = 0: CRF = 1/4; a three-year study pays 3 of the 4 instalments of 500 / 4 = 125
    net = one_option(capex=50.0, lifetime=4.0)
    result = solve(build(net, Study(years=3, discount_rate=0.0, stocks=False)))
    assert result.objective == pytest.approx(375.0, rel=1e-12)


def test_capex_is_paid_from_the_year_of_building_not_from_the_first_output():
    # lead time of one year: capacity decided in 2025 produces in 2026 and 2027 (lifetime 2);
    # 2025's demand of 10 goes unmet at 1e4 a unit. The two payments of 500 x CRF fall in 2025
    # (weight 1) and 2026 (weight 1 / 1.1): 500 x (0.121 / 0.21) x (1 + 1/1.1) = 550
    b = NetworkBuilder("lead", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    b.add_region("A")
    b.add_expansion("plant", region="A", outputs={"c": 1.0}, capex=50.0, lifetime=2.0, lead_time=1.0)
    b.add_demand("A", "c", quantity=10.0, value_of_lost_demand=1e4)
    model = build(b.build(), Study(years=3, discount_rate=0.1, stocks=False))
    result = solve(model)
    assert result.objective == pytest.approx(10 * 1e4 + 550.0, rel=1e-12)
    assert extract(model).costs["capital"] == pytest.approx(550.0, rel=1e-12)


def test_a_tariff_is_paid_per_unit_shipped_and_steers_the_plan():
    # C needs 10 t; A makes at 1 a t, B at 5; the lane A -> C costs 1 to ship and pays a tariff of 10,
    # B -> C costs 1 and pays none. B can make 6 t, so C takes 6 from B and the rest (4 t) from A:
    # operating 4 x 1 + 6 x 5 = 34, transport 10 x 1 = 10, tariffs 4 x 10 = 40
    b = NetworkBuilder("tariff", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    for r in "ABC":
        b.add_region(r)
    b.add_process("a", region="A", outputs={"c": 1.0}, capacity=100.0, variable_cost=1.0)
    b.add_process("b", region="B", outputs={"c": 1.0}, capacity=6.0, variable_cost=5.0)
    b.add_route("a-c", "c", "A", "C", cost=1.0, tariff=10.0)
    b.add_route("b-c", "c", "B", "C", cost=1.0)
    b.add_demand("C", "c", quantity=10.0, value_of_lost_demand=1e4)
    model = build(b.build(), Study(discount_rate=0.0, stocks=False))
    result = solve(model)
    costs = extract(model).costs
    assert costs["tariffs"] == pytest.approx(40.0, rel=1e-9)
    assert costs["operating"] == pytest.approx(34.0, rel=1e-9)
    assert costs["transport"] == pytest.approx(10.0, rel=1e-9)
    assert result.objective == pytest.approx(84.0, rel=1e-9)
