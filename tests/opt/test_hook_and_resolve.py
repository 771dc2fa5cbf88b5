"""The Pyomo hook (user constraints, variables, costs) and warm re-solves that change the model in place."""

from __future__ import annotations

import pyomo.environ as pyo
import pytest

import valuechain as vc
from valuechain.opt import MaxOriginShare, Study, build, extract, solve

from .conftest import two_supplier_network

TRANSPORT = 153.675


@pytest.fixture
def transport():
    return build(vc.load_network("toy-transport"))


def test_user_constraint_capping_a_route_raises_the_cost_by_the_hand_derived_amount(transport):
    model = transport
    assert solve(model).objective == pytest.approx(TRANSPORT, rel=1e-9)
    m = model.pyomo
    s, t = model.scenarios[0], model.periods[0]
    m.topeka_cap = pyo.Constraint(expr=m.flow[s, t, "san-diego-topeka"] <= 200)
    result = solve(model)
    assert not result.warm  # a new constraint means a new hand-off
    # 75 cases reach Topeka from Seattle (+0.036 each); Seattle frees 50 from New York (same
    # cost from San Diego) and 25 from Chicago (+0.009 each from San Diego)
    assert result.objective == pytest.approx(TRANSPORT + 75 * 0.036 + 25 * 0.009, rel=1e-9)
    plan = extract(model)
    # the last unit moved is one of the 25 that also shift Chicago: 0.036 + 0.009
    assert plan.user_duals["topeka_cap"] == pytest.approx(-0.045)
    assert pyo.value(m.flow[s, t, "san-diego-topeka"]) == pytest.approx(200.0)
    # deactivating it restores the optimum
    m.topeka_cap.deactivate()
    assert solve(model).objective == pytest.approx(TRANSPORT, rel=1e-9)


def test_user_variables_and_costs_join_the_objective(transport):
    model = transport
    m = model.pyomo
    s, t = model.scenarios[0], model.periods[0]
    # a new plant in Topeka: up to 100 cases at 0.05 k$ a case, delivered locally
    m.topeka_plant = pyo.Var(bounds=(0, 100))
    m.local = pyo.Constraint(expr=m.unmet[s, t, "topeka:cases"] - m.topeka_plant <= 0)
    # the plant's output is booked through Topeka's unmet slack, whose penalty the extra cost refunds
    penalty = model.study.unmet_penalty
    model.add_cost(0.05 * m.topeka_plant - penalty * m.unmet[s, t, "topeka:cases"])
    # 100 Topeka cases at 0.05 instead of San Diego's 0.126
    result = solve(model)
    assert result.objective == pytest.approx(TRANSPORT - 100 * 0.126 + 100 * 0.05, rel=1e-9)
    assert pyo.value(m.topeka_plant) == pytest.approx(100.0)


def test_fixing_a_core_variable_in_pyomo_reaches_the_solver(transport):
    model = transport
    s, t = model.scenarios[0], model.periods[0]
    model.pyomo.flow[s, t, "seattle-topeka"].fix(10)
    plan = extract_after(model)
    assert plan.flows.loc[(s, t, "seattle-topeka"), "flow"] == pytest.approx(10.0)
    assert plan.objective > TRANSPORT


def extract_after(model):
    solve(model)
    return extract(model)


def test_update_rhs_warm_resolve_matches_a_fresh_build(transport):
    model = transport
    solve(model)
    key = (model.scenarios[0], model.periods[0], "new-york:cases")
    model.update_rhs("balance", 335.0, key=key)
    warm = solve(model)
    assert warm.warm
    assert warm.handoff_seconds == 0.0
    assert warm.objective == pytest.approx(TRANSPORT + 10 * 0.225, rel=1e-9)


def test_update_share_matches_rebuilding_with_the_new_share():
    net = two_supplier_network()
    base = {"discount_rate": 0.0, "stocks": False}
    cap = MaxOriginShare(commodities=["c"], region="X", origin="Y", share=0.6)
    model = build(net, Study(policies=(cap,), **base))
    assert solve(model).objective == pytest.approx(180.0)
    for share in (0.7, 0.0, 1.0, 0.25):
        model.update_share(cap.name, share)
        warm = solve(model)
        fresh = solve(build(net, Study(policies=(MaxOriginShare(["c"], "X", "Y", share),), **base)))
        assert warm.warm
        assert warm.objective == pytest.approx(fresh.objective, rel=1e-9)
        assert warm.objective == pytest.approx(100 * share * 1 + 100 * (1 - share) * 3)


def test_update_bounds_and_cost(transport):
    model = transport
    solve(model)
    s, t = model.scenarios[0], model.periods[0]
    model.update_bounds("flow", (s, t, "san-diego-topeka"), ub=200.0)
    assert solve(model).objective == pytest.approx(TRANSPORT + 2.925, rel=1e-9)
    model.update_cost("flow", 0.0)
    assert solve(model).objective == pytest.approx(0.0, abs=1e-12)


def test_update_errors_name_the_block():
    model = build(vc.load_network("toy-transport"))
    with pytest.raises(vc.StudyError, match=r"unknown constraint block 'balanse'.*closest: balance"):
        model.update_rhs("balanse", 1.0)
    with pytest.raises(vc.StudyError, match="no element"):
        model.update_bounds("flow", ("nowhere", 1, "x"), ub=1.0)


@pytest.mark.parametrize("spec", ["toy-transport", "toy-battery"])
def test_algebraic_copy_solved_through_pyomo_gives_the_same_optimum(spec):
    # an independent route to the optimum: Pyomo's own writer and HiGHS interface on the full model
    from valuechain.opt import load_study

    study = load_study(spec)
    model = build(vc.load_network(study.network), study)
    ours = solve(model).objective
    full = model.to_pyomo()
    pyo.SolverFactory("appsi_highs").solve(full)
    assert pyo.value(full.objective) == pytest.approx(ours, rel=1e-8)
    # the copy is separate: adding to it does not change what solve() sees
    assert full is not model.pyomo


def test_update_demand_matches_a_rebuild_with_the_new_demand():
    from dataclasses import replace

    import pandas as pd

    from valuechain.scenarios.compiled import ShockArrays

    net = vc.load_network("toy-battery")
    study = Study(start=2025, years=3)
    shocks = ShockArrays.baseline(net, pd.period_range("2025", periods=3, freq="Y"), 2)
    model = build(net, study, shocks=shocks)
    solve(model)
    model.update_demand(model.demand * 1.2)
    warm = solve(model)
    assert warm.warm
    shocks2 = replace(shocks, demand=shocks.demand * 1.2)
    fresh = solve(build(net, study, shocks=shocks2))
    assert warm.objective == pytest.approx(fresh.objective, rel=1e-9)
    plan = extract(model)
    assert plan.unmet["demand"].sum() == pytest.approx(1.2 * extract_demand(net, study, shocks))


def extract_demand(net, study, shocks):
    model = build(net, study, shocks=shocks)
    return float(model.demand.sum())


def test_a_model_nobody_extends_is_solved_without_making_its_pyomo_model():
    # The Pyomo model is made when first asked for: a plain build and solve neither makes nor
    # reads it, and gives the optimum of a model whose Pyomo side was made and left empty.
    plain = build(vc.load_network("toy-transport"))
    assert solve(plain).objective == pytest.approx(TRANSPORT, rel=1e-9)
    assert plain._pyomo is None
    extract(plain)
    assert plain._pyomo is None
    touched = build(vc.load_network("toy-transport"))
    assert touched.pyomo is touched.pyomo  # made once
    assert solve(touched).objective == pytest.approx(solve(plain).objective, rel=1e-12)
    # fixing a core variable in Pyomo after a plain solve reaches the solver on the next one
    s, t = plain.scenarios[0], plain.periods[0]
    plain.pyomo.flow[s, t, "san-diego-topeka"].fix(200)
    assert solve(plain).objective == pytest.approx(TRANSPORT + 75 * 0.036 + 25 * 0.009, rel=1e-9)
