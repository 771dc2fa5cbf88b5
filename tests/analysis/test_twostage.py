"""Second stages as bound changes on one persistent HiGHS model: equal to fresh models, memory O(chunks)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import valuechain as vc
from valuechain.analysis._subproblems import Subproblems
from valuechain.analysis._twostage import FirstStage, SecondStage, first_columns, split
from valuechain.analysis.saa import sample_shocks
from valuechain.opt import build, solve
from valuechain.study import load_study
from valuechain.study.decompose import _chunk, _Distinct, _distinct, _evaluate, _Runner, solve_saa

# The farmer of Birge and Louveaux (section 1.1) with average yields (2.5, 3, 20 t per acre);
# scenarios differ only in the beet quota sold at 36 (the rest at 10).
FIRST = FirstStage(
    cost=np.array([150.0, 230.0, 260.0]),
    lb=np.zeros(3),
    ub=np.full(3, np.inf),
    integer=np.zeros(3, dtype=bool),
    a_start=np.array([0, 3]),
    a_index=np.array([0, 1, 2], dtype=np.int32),
    a_value=np.ones(3),
    row_lo=np.array([-np.inf]),
    row_hi=np.array([500.0]),
)


def quota_stage(name: str, quota: float) -> SecondStage:
    """Buy wheat, buy corn, sell wheat, sell corn, sell beets at 36 (up to ``quota``), at 10; then acres."""
    return SecondStage(
        name=name,
        probability=0.5,
        cost=np.array([238.0, 210.0, -170.0, -150.0, -36.0, -10.0]),
        lb=np.zeros(6),
        ub=np.array([np.inf, np.inf, np.inf, np.inf, quota, np.inf]),
        link=np.array([0, 1, 2]),
        a_start=np.array([0, 3, 6, 9]),
        a_index=np.array([0, 2, 6, 1, 3, 7, 4, 5, 8], dtype=np.int32),
        a_value=np.array([1.0, -1.0, 2.5, 1.0, -1.0, 3.0, 1.0, 1.0, -20.0]),
        row_lo=np.array([200.0, 240.0, -np.inf]),
        row_hi=np.array([np.inf, np.inf, 0.0]),
    )


def test_scenarios_differing_in_bounds_share_one_model_and_give_the_hand_computed_costs():
    # at 170 acres of wheat, 80 of corn and 250 of beets: wheat 425 t, 200 fed, 225 sold at 170 =
    # 38,250; corn 240 t, all fed; beets 5,000 t. Quota 6,000: all at 36 = 180,000, so
    # Q = -218,250. Quota 4,000: 4,000 x 36 + 1,000 x 10 = 154,000, so Q = -192,250.
    sub = Subproblems([quota_stage("6000", 6000.0), quota_stage("4000", 4000.0)], FIRST)
    x = np.array([170.0, 80.0, 250.0])
    for _ in range(2):  # the second pass swaps bounds back and starts from each scenario's own basis
        q, _ = sub.evaluate(x)
        assert q == pytest.approx([-218_250.0, -192_250.0], rel=1e-12)
    assert sub.live_models() == 1
    # the mean scenario (quota 5,000) sells all 5,000 t at 36: -218,250 <= the mean -205,250 (Jensen)
    mean = sub.mean_stage()
    assert mean.ub[4] == pytest.approx(5000.0)
    q_mean, _ = Subproblems([mean], FIRST).evaluate(x, gradients=False)
    assert q_mean == pytest.approx([-218_250.0], rel=1e-12)


def test_a_kept_basis_that_highs_refuses_is_replaced_by_a_cold_solve():
    # a kept basis of 5 column statuses for a model of 9 columns: HiGHS refuses it (setBasis
    # returns an error). The scenario is then solved from scratch and still gives the hand-computed
    # costs of the test above (-218,250 with the 6,000 t quota, -192,250 with 4,000 t).
    sub = Subproblems([quota_stage("6000", 6000.0), quota_stage("4000", 4000.0)], FIRST)
    x = np.array([170.0, 80.0, 250.0])
    sub.evaluate(x)
    sub._bases = [(np.ones(5, dtype=np.int8), np.ones(3, dtype=np.int8)) for _ in sub._bases]
    q, g = sub.evaluate(x)
    assert q == pytest.approx([-218_250.0, -192_250.0], rel=1e-12)
    # the slope in beet acres: 20 t per acre sold at 36 under the larger quota, at 10 above 4,000 t
    assert g is not None
    assert g[0, 2] == pytest.approx(-720.0)
    assert g[1, 2] == pytest.approx(-200.0)


def test_kept_bases_travel_as_arrays_and_still_warm_start_where_they_land(toy):
    # bases are kept as HiGHS's own copies, which do not pickle: a chunk sent elsewhere carries
    # them as status arrays, and the scenarios re-solve there from them without a simplex step
    import pickle

    net, study = toy
    sub = _chunk(net, study, None, 2, 0, 6).sub
    x = np.zeros(sub.first.n)
    q, _ = sub.evaluate(x, gradients=False)
    sub.lower_bounds(first_cost=True)
    moved = pickle.loads(pickle.dumps(sub))
    assert all(isinstance(b, tuple) for b in moved._bases)
    assert moved._relaxed_bases
    assert all(isinstance(b, tuple) for b in moved._relaxed_bases.values())
    before = moved.iterations
    q2, _ = moved.evaluate(x, gradients=False)
    assert q2 == pytest.approx(q, rel=1e-12)
    assert moved.iterations == before  # each from its own basis: already optimal
    cold = pickle.loads(pickle.dumps(sub))
    cold._bases = [None] * len(cold._bases)
    cold.evaluate(x, gradients=False)
    assert cold.iterations > before  # (without them the simplex has work to do)


def test_stages_of_another_shape_get_their_own_model():
    # yields 1.2 x average: another matrix, so another model; the bounds-only one still shares
    other = replace(
        quota_stage("high yield", 6000.0), a_value=np.array([1.0, -1.0, 3.0, 1.0, -1.0, 3.6, 1.0, 1.0, -24.0])
    )
    sub = Subproblems([quota_stage("a", 6000.0), other, quota_stage("b", 4000.0)], FIRST)
    sub.evaluate(np.array([170.0, 80.0, 250.0]))
    assert sub.live_models() == 2
    with pytest.raises(vc.StudyError, match="one shared shape"):
        sub.mean_stage()


@pytest.fixture(scope="module")
def toy():
    study = load_study("models/toy-battery.yaml")
    return vc.load_network(study.network or ""), study


def test_bounds_swap_equals_a_fresh_model_per_scenario_on_the_toy_network(toy):
    net, study = toy
    model = build(net, study, shocks=sample_shocks(net, study, 8, seed=5))
    first, stages = split(model)
    shared = Subproblems(stages, first)
    solve(model)
    x = model._solution.x[first_columns(model)]  # the extensive form's plan
    for point in (x, 0.5 * x, x):  # moves of the first stage between passes, then back
        q, _ = shared.evaluate(point, gradients=False)
        fresh = np.array([Subproblems([st], first).evaluate(point, gradients=False)[0][0] for st in stages])
        assert q == pytest.approx(fresh, rel=1e-9, abs=1e-6)
    assert shared.live_models() == 1
    assert len(shared) == 8


def test_live_models_do_not_grow_with_the_number_of_samples(toy):
    net, study = toy
    x = None
    for n in (4, 24):
        sub = _chunk(net, study, None, 2, 0, n)
        x = np.zeros(sub.first.n) if x is None else x
        q, _ = sub.evaluate(np.clip(x, sub.first.lb, sub.first.ub), gradients=False)
        assert len(q) == len(sub.inverse) == n  # one answer per sample
        assert len(sub.sub) == sub.distinct <= n  # one subproblem per distinct scenario
        assert sub.sub.live_models() == 1


def test_a_chunk_solves_each_distinct_scenario_once_and_answers_for_every_sample(toy, monkeypatch):
    # toy-battery's 24 samples of seed 2 hold 17 distinct scenarios; a sample's cost is that of the
    # scenario it equals, and the extensive form of the distinct scenarios, each weighing its
    # samples, has the optimum of all 24
    net, study = toy
    sh = sample_shocks(net, study, 24, seed=2)
    sub = _chunk(net, study, None, 2, 0, 24)
    assert sub.distinct == _distinct(sh).n_scenarios == 17
    x = np.zeros(sub.first.n)
    q, _ = sub.evaluate(x, gradients=False)
    one_each = Subproblems(split(build(net, study, shocks=sh))[1], sub.first).evaluate(x, gradients=False)[0]
    assert q == pytest.approx(one_each, rel=1e-9, abs=1e-6)
    d = _distinct(sh)
    assert d.probability.sum() == pytest.approx(1.0)
    assert d.probability.max() > 1 / 24  # a scenario that several samples equal
    assert solve(build(net, study, shocks=d)).objective == pytest.approx(
        solve(build(net, study, shocks=sh)).objective, rel=1e-9
    )
    # some samples only (two equal to one scenario among them, in any order): the same answers,
    # from only their scenarios' solves
    import valuechain.analysis._subproblems as sp

    twins = np.flatnonzero(sub.inverse == np.bincount(sub.inverse).argmax())[:2]
    some = np.array([20, *twins, 3])
    x1 = np.full(sub.first.n, 1.0).clip(sub.first.lb, sub.first.ub)
    q_all, g_all = sub.evaluate(x1)
    solves, real = [], sp._resolve
    monkeypatch.setattr(sp, "_resolve", lambda *a: solves.append(1) or real(*a))
    q_some, g_some = sub.evaluate(x1, positions=some)
    assert len(solves) == len(set(sub.inverse[some].tolist())) == 3
    assert q_some == pytest.approx(q_all[some], rel=1e-12)
    assert g_some == pytest.approx(g_all[some], rel=1e-9, abs=1e-9)


def _live(sub: _Distinct) -> int:
    return sub.sub.live_models()


def test_one_model_per_dask_worker(toy):
    from valuechain.study.scale import cluster

    net, study = toy
    with cluster(workers=2, processes=False) as client:
        run = _Runner(client, net)
        held, where = run.hold(_chunk, [(run.network, study, None, 2, a, 6) for a in (0, 6)])
        x = np.zeros(_chunk(net, study, None, 2, 0, 1).first.n)
        run.map(_evaluate, [(h, x, False) for h in held], pinned=where)
        assert run.map(_live, [(h,) for h in held], pinned=where) == [1, 1]


def test_grouped_cuts_with_a_mean_scenario_or_the_wait_and_see_floor_equal_the_extensive_form(toy):
    net, study = toy
    reference = solve(build(net, study, shocks=sample_shocks(net, study, 10, seed=3))).objective
    res = solve_saa(
        net, study, 10, 3, form="lshaped", gap=1e-8, evaluate=0, replications=0, groups=3, means=1, wait_and_see=False
    )
    assert res.objective == pytest.approx(reference, rel=1e-6)
    assert res.bound <= reference * (1 + 1e-9) + 1e-6
    ws = solve_saa(net, study, 10, 3, form="lshaped", gap=1e-8, evaluate=0, replications=0, groups=5)
    assert ws.objective == pytest.approx(reference, rel=1e-6)
    assert "wait-and-see" in ws.seconds


def test_wait_and_see_values_of_the_farmer_are_the_published_ones():
    # Birge and Louveaux (section 1.1): with perfect foresight of yields 1.2, 1 and 0.8 x average the
    # farmer earns 167,667, 118,600 and 59,950 (the 1.2 case to the nearest unit: 167,666.67); their
    # mean, 115,405.6, bounds the recourse optimum 108,390 from above (EVPI 7,015.6). As costs:
    def farmer(name: str, f: float) -> SecondStage:
        st = quota_stage(name, 6000.0)
        return replace(
            st, probability=1 / 3, a_value=np.array([1, -1, 2.5 * f, 1, -1, 3 * f, 1, 1, -20 * f], dtype=float)
        )

    sub = Subproblems([farmer("above", 1.2), farmer("average", 1.0), farmer("below", 0.8)], FIRST)
    ws = sub.lower_bounds(first_cost=True)
    assert ws == pytest.approx([-167_666.67, -118_600.0, -59_950.0], abs=0.01)
    assert ws.mean() < -108_390.0
    # without the first stage's cost the same LPs only bound each second stage
    assert np.all(sub.lower_bounds() <= ws)


def test_a_lagrangian_solve_that_fails_leaves_the_next_call_with_the_right_bounds(monkeypatch):
    # the kept model records which scenario's bounds it holds before solving it: after a solve
    # that raises (a scenario unbounded at the multipliers' costs), the next call must reset that
    # scenario's quota. With average yields and a quota of 6,000 t the farmer plants for a profit
    # of 118,600 (Birge and Louveaux, section 1.1); with the 2,000 t quota left in, less.
    import valuechain.analysis._subproblems as ts

    sub = Subproblems([quota_stage("6000", 6000.0), quota_stage("2000", 2000.0)], FIRST)
    costs = np.tile(FIRST.cost, (2, 1))
    real, solves = ts._resolve, []

    def second_fails(h, what, basis=None):
        solves.append(what)
        if len(solves) == 2:
            raise vc.SolverError("unbounded")
        return real(h, what, basis)

    monkeypatch.setattr(ts, "_resolve", second_fails)
    with pytest.raises(vc.SolverError):
        sub.lagrangian(np.array([0, 1]), costs, keys=[0, 1])
    assert sub.lagrangian(np.array([0]), costs[:1], keys=[0]) == pytest.approx([-118_600.0], rel=1e-12)
    assert sub.lagrangian(np.array([1, 0]), costs, keys=[1, 0])[1] == pytest.approx(-118_600.0, rel=1e-12)
