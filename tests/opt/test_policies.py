"""Policies: hand-derived optima and shadow prices, elastic violations, infeasibility reports."""

from __future__ import annotations

import pytest

from valuechain import InfeasibleError, NetworkBuilder, StudyError
from valuechain.opt import (
    ExportBan,
    MaxOriginShare,
    MinDomesticShare,
    Study,
    TechnologyControl,
    ThirdCountryCap,
    build,
    optimise,
    solve,
)

from .conftest import two_supplier_network

BASE = {"discount_rate": 0.0, "stocks": False, "start": 2025}


def study(*policies, **kw):
    return Study(policies=tuple(policies), **{**BASE, **kw})


def test_without_policies_the_cheap_origin_supplies_everything():
    plan = optimise(two_supplier_network(), study())
    assert plan.objective == pytest.approx(100.0)


def test_max_origin_share_cost_and_shadow_price_by_hand():
    # flow_Y <= 0.6 (flow_Y + flow_Z): 60 from Y at 1, 40 from Z at 3 -> 180.
    # Loosening the row by one unit moves a unit from Z to Y: the dual is 1 - 3 = -2.
    cap = MaxOriginShare(commodities=["c"], region="X", origin="Y", share=0.6)
    plan = optimise(two_supplier_network(), study(cap))
    assert plan.objective == pytest.approx(180.0)
    duals = plan.policies["max-share-Y-in-X"]["dual"]
    assert duals.to_numpy() == pytest.approx([-2.0])
    assert plan.flows["flow"].droplevel([0, 1])["y-x"] == pytest.approx(60.0)


def test_elastic_cap_bends_when_violation_is_cheaper():
    # violating by 40 units at 1.5 each (60) beats shipping 40 from Z at +2 each (80)
    cap = MaxOriginShare(commodities="c", region="X", origin="Y", share=0.6, elastic=True, penalty=1.5)
    plan = optimise(two_supplier_network(), study(cap))
    assert plan.objective == pytest.approx(100.0 + 40 * 1.5)
    assert plan.policies[cap.name]["violation"].sum() == pytest.approx(40.0)
    assert plan.costs["policy violations"] == pytest.approx(60.0)


def test_third_country_cap_applies_to_every_origin_outside_the_group():
    # X is the group "EU"; Y and Z are third countries: each at most 65 %
    cap = ThirdCountryCap(commodities=["c"], region="EU", share=0.65)
    plan = optimise(two_supplier_network(), study(cap))
    assert plan.objective == pytest.approx(65 * 1 + 35 * 3)
    duals = plan.policies[cap.name]["dual"].droplevel([0, 1])
    assert duals[("c", "Y")] == pytest.approx(-2.0)
    assert duals[("c", "Z")] == pytest.approx(0.0)


def test_min_domestic_share_cost_and_shadow_price_by_hand():
    # domestic output (5 a unit) >= 40 % of the 100 consumed: 40 x 5 + 60 x 1 = 260;
    # one unit less required saves 5 - 1 = 4
    pol = MinDomesticShare(commodities=["c"], region="X", share=0.4)
    plan = optimise(two_supplier_network(), study(pol))
    assert plan.objective == pytest.approx(260.0)
    assert plan.policies[pol.name]["dual"].to_numpy() == pytest.approx([-4.0])


def test_export_ban_forces_route_flows_to_zero():
    b = NetworkBuilder("bm", year=2025)
    b.add_commodity("black_mass", unit="t", stage="black mass")
    b.add_region("DE", groups=["EU27", "OECD"])
    b.add_region("KR", groups=["OECD"])
    b.add_region("CN")
    b.add_process("shredder", region="DE", outputs={"black_mass": 1}, capacity=100)
    b.add_route("de-cn", "black_mass", "DE", "CN", cost=1)
    b.add_route("de-kr", "black_mass", "DE", "KR", cost=3)
    b.add_market("CN", "black_mass", side="sell", price=10)
    b.add_market("KR", "black_mass", side="sell", price=9)
    net = b.build()
    free = optimise(net, study())
    assert free.objective == pytest.approx(-100 * (10 - 1))  # profit-maximising: sell in China
    ban = ExportBan(commodities=["black_mass"], from_region="EU27", to_region="all", except_region="OECD")
    plan = optimise(net, study(ban))
    assert plan.objective == pytest.approx(-100 * (9 - 3))
    assert plan.flows["flow"].droplevel([0, 1])["de-cn"] == pytest.approx(0.0)
    # one unit allowed to China would earn (10 - 1) - (9 - 3) = 3
    assert plan.policies[ban.name]["dual"].to_numpy() == pytest.approx([-3.0])
    assert list(plan.policies[ban.name].index.get_level_values("route")) == ["de-cn"]


def test_technology_control_removes_options_abroad():
    b = NetworkBuilder("tech", year=2025)
    b.add_commodity("cell", unit="GWh", stage="cell")
    b.add_region("DE")
    b.add_region("CN")
    b.add_expansion("cn-tech", region="DE", outputs={"cell": 1}, capex=1.0, lifetime=1, technology_origin="CN")
    b.add_expansion("de-tech", region="DE", outputs={"cell": 1}, capex=2.0, lifetime=1)
    b.add_demand("DE", "cell", quantity=10, value_of_lost_demand=100)
    net = b.build()
    assert optimise(net, study()).objective == pytest.approx(10.0)
    ctrl = TechnologyControl(origin="CN")
    plan = optimise(net, study(ctrl))
    assert plan.objective == pytest.approx(20.0)
    assert plan.expansions["built"].droplevel(0)["cn-tech"] == pytest.approx(0.0)
    assert plan.policies[ctrl.name]["dual"].to_numpy() == pytest.approx([-1.0])


def test_infeasible_hard_policy_is_named_with_its_commodity():
    pol = MinDomesticShare(commodities=["c"], region="X", share=0.5)
    b = NetworkBuilder("short", year=2025)
    b.add_commodity("c", unit="t", stage="product")
    b.add_region("X")
    b.add_region("Y")
    b.add_process("x-plant", region="X", outputs={"c": 1}, capacity=10)
    b.add_process("y-plant", region="Y", outputs={"c": 1})
    b.add_route("y-x", "c", "Y", "X", cost=1)
    b.add_demand("X", "c", quantity=100)
    net = b.build()
    model = build(net, study(pol, allow_unmet=False))
    with pytest.raises(InfeasibleError, match=r"min-domestic-c-in-X' on c .*by 40"):
        solve(model)
    # asked not to raise, solve returns the result with its termination
    assert solve(model, allow_nonoptimal=True).termination == "infeasible"


def test_policy_errors_name_the_policy_and_the_bad_value():
    with pytest.raises(StudyError, match="'share' parameter of MaxOriginShare must be a number in"):
        MaxOriginShare(commodities=["c"], region="X", origin="Y", share=1.5)
    bad = MaxOriginShare(commodities=["c"], region="Atlantis", origin="Y", share=0.5)
    with pytest.raises(StudyError, match=r"policy 'max-share-Y-in-Atlantis'.*Atlantis"):
        build(two_supplier_network(), study(bad))
    typo = MaxOriginShare(commodities=["cc"], region="X", origin="Y", share=0.5)
    with pytest.raises(StudyError, match=r"unknown commodity 'cc'.*closest: c"):
        build(two_supplier_network(), study(typo))


def test_policies_compose():
    a = MaxOriginShare(commodities=["c"], region="X", origin="Y", share=0.6)
    b = MinDomesticShare(commodities=["c"], region="X", share=0.3)
    plan = optimise(two_supplier_network(), study(a, b))
    # 30 domestic at 5; Y at most 60; the remaining 10 from Z at 3
    assert plan.objective == pytest.approx(30 * 5 + 60 * 1 + 10 * 3)
    assert set(plan.policies) == {a.name, b.name}
