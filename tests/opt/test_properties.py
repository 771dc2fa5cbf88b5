"""Properties over random instances (Hypothesis): agreement with an independent LP, monotonicity."""

from __future__ import annotations

import itertools

import highspy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain import NetworkBuilder
from valuechain.opt import MaxOriginShare, Study, build, solve

from .conftest import two_supplier_network

costs = st.lists(st.floats(0.1, 10.0), min_size=6, max_size=6)
supplies = st.lists(st.floats(50.0, 400.0), min_size=2, max_size=2)
demands = st.lists(st.floats(10.0, 200.0), min_size=3, max_size=3)


def direct_transport_lp(supply, demand, cost) -> float:
    """The transportation LP written directly for HiGHS: min c x, sum_j x_ij <= s_i, sum_i x_ij >= d_j."""
    c = np.asarray(cost, dtype=float)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = 6, 5
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = c, np.zeros(6), np.full(6, highspy.kHighsInf)
    lp.row_lower_ = np.array([-highspy.kHighsInf, -highspy.kHighsInf, *demand])
    lp.row_upper_ = np.array([*supply, highspy.kHighsInf, highspy.kHighsInf, highspy.kHighsInf])
    rows = [[0, 1, 2], [3, 4, 5], [0, 3], [1, 4], [2, 5]]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.cumsum([0] + [len(r) for r in rows]).astype(np.int32)
    lp.a_matrix_.index_ = np.concatenate(rows).astype(np.int32)
    lp.a_matrix_.value_ = np.ones(12)
    h.passModel(lp)
    h.run()
    return float(h.getInfo().objective_function_value)


@settings(max_examples=25, deadline=None)
@given(supplies, demands, costs)
def test_transport_objective_matches_a_direct_lp(supply, demand, cost):
    if sum(supply) < sum(demand):
        supply = [s * sum(demand) / sum(supply) * 1.01 for s in supply]
    b = NetworkBuilder("random-transport", year=2025)
    b.add_commodity("x", unit="t", stage="product")
    plants, markets = ["p0", "p1"], ["m0", "m1", "m2"]
    for r in plants + markets:
        b.add_region(r)
    for i, p in enumerate(plants):
        b.add_process(f"{p}-plant", region=p, outputs={"x": 1}, capacity=supply[i])
        for j, m in enumerate(markets):
            b.add_route(f"{p}-{m}", "x", p, m, cost=cost[3 * i + j])
    for j, m in enumerate(markets):
        b.add_demand(m, "x", quantity=demand[j], value_of_lost_demand=1e5)
    model = build(b.build(), Study(stocks=False))
    assert solve(model).objective == pytest.approx(direct_transport_lp(supply, demand, cost), rel=1e-7, abs=1e-7)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=6, unique=True))
def test_cost_never_rises_when_a_cap_is_loosened(shares):
    net = two_supplier_network()
    cap = MaxOriginShare(commodities=["c"], region="X", origin="Y", share=0.5)
    model = build(net, Study(policies=(cap,), stocks=False, discount_rate=0.0))
    objectives = []
    for share in sorted(shares):
        model.update_share(cap.name, share)
        objectives.append(solve(model).objective)
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(objectives))
    # and equals the hand-derived cost: share x 100 x 1 + (1 - share) x 100 x 3
    assert objectives[-1] == pytest.approx(300 - 200 * sorted(shares)[-1])
