"""Sampled stochastic plans: decomposition against the extensive form, and the plan's statistics."""

from __future__ import annotations

import numpy as np
import pytest

import valuechain as vc
from valuechain.analysis._lshaped import _least_plan, _Masters, lshaped
from valuechain.analysis._subproblems import Subproblems
from valuechain.analysis._twostage import FirstStage, SecondStage, extensive, split
from valuechain.analysis.saa import mean_interval, sample_shocks
from valuechain.opt import build, solve
from valuechain.study import load_study
from valuechain.study.decompose import (
    CUT_GROUPS,
    RAMP_EVERY,
    RAMP_FROM,
    _chunk,
    _fresh_costs,
    _lagrangian,
    _ramp_samples,
    solve_saa,
)

# Birge and Louveaux, Introduction to Stochastic Programming (1997), section 1.1: the farmer's
# recourse problem, as a cost (minus the profit of 108,390)
FARMER_RP = -108_390.0


def farmer_stage(name: str, factor: float, probability: float) -> SecondStage:
    """Second stage of the farmer with yields ``factor`` x (2.5, 3, 20) t per acre.

    Columns: buy wheat, buy corn, sell wheat, sell corn, sell beets at 36 (at most 6,000 t),
    sell beets at 10; then the linked acres of wheat, corn and beets.
    Rows: wheat 2.5f x1 + buy - sell >= 200 t (feed), corn 3f x2 + buy - sell >= 240 t,
    beets sold <= 20f x3.
    """
    yields = factor * np.array([2.5, 3.0, 20.0])
    return SecondStage(
        name=name,
        probability=probability,
        cost=np.array([238.0, 210.0, -170.0, -150.0, -36.0, -10.0]),
        lb=np.zeros(6),
        ub=np.array([np.inf, np.inf, np.inf, np.inf, 6000.0, np.inf]),
        link=np.array([0, 1, 2]),
        a_start=np.array([0, 3, 6, 9]),
        a_index=np.array([0, 2, 6, 1, 3, 7, 4, 5, 8], dtype=np.int32),
        a_value=np.array([1.0, -1.0, yields[0], 1.0, -1.0, yields[1], 1.0, 1.0, -yields[2]]),
        row_lo=np.array([200.0, 240.0, -np.inf]),
        row_hi=np.array([np.inf, np.inf, 0.0]),
    )


FARMER_FIRST = FirstStage(
    cost=np.array([150.0, 230.0, 260.0]),  # planting cost per acre
    lb=np.zeros(3),
    ub=np.full(3, np.inf),
    integer=np.zeros(3, dtype=bool),
    a_start=np.array([0, 3]),
    a_index=np.array([0, 1, 2], dtype=np.int32),
    a_value=np.ones(3),
    row_lo=np.array([-np.inf]),
    row_hi=np.array([500.0]),  # acres of land
)
FARMER = [farmer_stage(n, f, 1 / 3) for n, f in (("above", 1.2), ("average", 1.0), ("below", 0.8))]


def test_farmer_extensive_form_reaches_the_published_recourse_optimum():
    z, x = extensive(FARMER_FIRST, FARMER)
    assert z == pytest.approx(FARMER_RP, rel=1e-9)
    # the published plan: 170 acres of wheat, 80 of corn, 250 of beets
    assert x == pytest.approx([170.0, 80.0, 250.0], abs=1e-6)


def test_farmer_lshaped_equals_the_extensive_form():
    sub = Subproblems(FARMER, FARMER_FIRST)
    res = lshaped(FARMER_FIRST, np.full(3, 1 / 3), sub.evaluate, sub.lower_bounds(), gap=1e-9)
    assert res.objective == pytest.approx(FARMER_RP, rel=1e-6)
    assert res.bound <= res.objective + 1e-6
    assert res.gap <= 1e-9


def test_farmer_lshaped_from_the_mean_yield_plan_reaches_the_recourse_optimum():
    # started from the mean-yield plan (120 acres of wheat, 80 of corn, 300 of beets; Birge and
    # Louveaux's expected-value solution): the level steps have to move 50 acres out of beets into
    # wheat, and the method still ends at the published -108,390 and its plan
    sub = Subproblems(FARMER, FARMER_FIRST)
    res = lshaped(FARMER_FIRST, np.full(3, 1 / 3), sub.evaluate, sub.lower_bounds(), gap=1e-9,
                  start=np.array([120.0, 80.0, 300.0]))  # fmt: skip
    assert res.objective == pytest.approx(FARMER_RP, rel=1e-6)
    assert res.x == pytest.approx([170.0, 80.0, 250.0], abs=1e-4)
    assert res.gap <= 1e-9


def _two_column_masters(q_at_origin: float, *, unit: float = 1.0, money: float = 1.0) -> _Masters:
    """Masters over two columns costing 1 and 4 a unit, on [0, 10]^2, for Q(x) = 3 max(0, 10 - x1 - x2).

    Cuts at (0, 0), made from ``q_at_origin`` (30 if exact) with slope (-3, -3), and at (10, 0),
    where Q = 0. ``unit`` and ``money`` rescale the problem (a column's unit and money divided by them).
    """
    first = FirstStage(cost=np.array([1.0, 4.0]) * unit / money, lb=np.zeros(2), ub=np.full(2, 10.0 / unit),
                       integer=np.zeros(2, bool), a_start=np.array([0]), a_index=np.zeros(0, dtype=np.int32),
                       a_value=np.zeros(0), row_lo=np.zeros(0), row_hi=np.zeros(0))  # fmt: skip
    m = _Masters(first, np.ones(1), np.zeros(1), scale=max(1.0, 30.0 / money / 1e3), jensen=())
    m.add_cuts(np.zeros(2), np.array([q_at_origin / money]), np.array([[-3.0, -3.0]]) * unit / money)
    m.add_cuts(np.array([10.0 / unit, 0.0]), np.array([0.0]), np.zeros((1, 2)))
    return m


def test_the_level_step_moves_the_plan_by_the_least_first_stage_cost_that_reaches_the_level():
    # the cut model's least cost over [0, 10]^2 is 10, at (10, 0). From (0, 0), whose cost is 30,
    # the level halfway is 20: reaching it by x1 alone needs x1 + 30 - 3 x1 <= 20, so x1 = 5 (a
    # change costing 5); by x2 alone x2 = 10 (costing 40). The step is (5, 0).
    m = _two_column_masters(30.0)
    assert m.bound(np.inf) == pytest.approx(10.0)
    assert m.project(np.zeros(2), 20.0) == pytest.approx([5.0, 0.0], abs=1e-9)
    assert m.model_cost(np.zeros(2)) == pytest.approx(30.0)
    assert m.model_cost(np.array([10.0, 0.0])) == pytest.approx(10.0)
    # a minimum above what the model costs at a plan is impossible: solved again, still 10 > 9, no bound
    assert m.bound(9.0) is None
    assert m.rescues == 1
    # the same in units a thousand times smaller and money a million times smaller (costs a unit
    # 1e6 / 1e3 times larger, slopes too): the step is the same, in the new units
    m = _two_column_masters(30.0, unit=1e-3, money=1e-6)
    assert m.bound(np.inf) == pytest.approx(1e7)
    assert m.project(np.zeros(2), 2e7) == pytest.approx([5e3, 0.0], abs=1e-6)


def test_a_cut_above_an_evaluated_cost_is_dropped_and_the_bound_falls_back_below_the_plan():
    # the example above, with the cut at (0, 0) made from an inexact second-stage cost of 40
    # instead of 30: the model asks 40 - 3 x1 - 3 x2, and its least cost is 20, at (10, 0), where
    # it asks 10 of a scenario whose cost there is 0: a bound above the true optimum, 10. Evaluating
    # (10, 0) proves the cut wrong; it goes, and with the true cut the bound is 10 again.
    m = _two_column_masters(40.0)
    assert m.bound(np.inf) == pytest.approx(20.0)
    assert m.drop_invalid(np.array([10.0, 0.0]), np.array([0.0])) == 1  # asks 10 where Q is 0
    assert m.drop_invalid(np.zeros(2), np.array([30.0])) == 0  # already gone
    m.add_cuts(np.zeros(2), np.array([30.0]), np.array([[-3.0, -3.0]]))
    assert m.bound(m.model_cost(np.array([10.0, 0.0]))) == pytest.approx(10.0)
    assert m.invalid == 1


def test_farmer_with_whole_acres_reaches_the_recourse_optimum_in_whole_acres():
    # integer first-stage columns keep their units in the masters (scaled, 170 acres would be
    # 170 x 150 / S of a unit and integrality would mean something else); the published plan is
    # whole acres already, so the optimum is the same -108,390
    from dataclasses import replace

    whole = replace(FARMER_FIRST, integer=np.ones(3, dtype=bool))
    sub = Subproblems(FARMER, whole)
    res = lshaped(whole, np.full(3, 1 / 3), sub.evaluate, sub.lower_bounds(), gap=1e-9,
                  start=np.array([120.0, 80.0, 300.0]))  # fmt: skip
    assert res.objective == pytest.approx(FARMER_RP, rel=1e-6)
    assert res.x == pytest.approx(np.round(res.x), abs=1e-6)


def test_a_first_bound_refused_falls_back_to_the_plain_step_and_still_reaches_the_optimum(monkeypatch):
    # with no floor and the first bound master's answer refused, there is no lower bound to set a
    # level by: the first proposal is the bound master's minimiser (a plain L-shaped step)
    import valuechain.analysis._lshaped as ls

    real, calls = ls._Masters.bound, []

    def first_refused(self, ceiling):
        calls.append(ceiling)
        return None if len(calls) == 1 else real(self, ceiling)

    monkeypatch.setattr(ls._Masters, "bound", first_refused)
    sub = Subproblems(FARMER, FARMER_FIRST)
    res = lshaped(FARMER_FIRST, np.full(3, 1 / 3), sub.evaluate, sub.lower_bounds(), gap=1e-9)
    assert len(calls) > 1
    assert res.objective == pytest.approx(FARMER_RP, rel=1e-6)


# Birge and Louveaux (1997), section 1.1: the farmer's wait-and-see value (profit 115,406), as a cost
FARMER_WS = -115_406.0


def _farmer_lagrangian(sub: Subproblems, w: np.ndarray) -> float:
    """The farmer's Lagrangian bound for multipliers ``w`` (scenario by acre column)."""
    costs = FARMER_FIRST.cost[None, :] + w
    return float(np.mean(sub.lagrangian(np.arange(3), costs, keys=[0, 1, 2])))


def test_lagrangian_bounds_of_the_farmer_run_from_wait_and_see_to_the_optimum(monkeypatch):
    sub = Subproblems(FARMER, FARMER_FIRST)
    p = np.full(3, 1 / 3)
    # zero multipliers: each scenario plants for its own yields, the published wait-and-see value
    assert _farmer_lagrangian(sub, np.zeros((3, 3))) == pytest.approx(FARMER_WS, abs=0.5)  # published to the unit
    # multipliers from a master holding the cuts at the mean-yield plan only: the bound is at
    # least that master's minimum (each scenario's cost is at least its cuts) and at most the optimum
    m = _Masters(FARMER_FIRST, p, sub.lower_bounds(), scale=100.0, jensen=())
    x0 = np.array([120.0, 80.0, 300.0])
    q0, g0 = sub.evaluate(x0)
    m.add_cuts(x0, q0, g0)
    low = m.bound(np.inf)
    w = m.multipliers()
    assert p @ w == pytest.approx(np.zeros(3), abs=1e-9)
    first = _farmer_lagrangian(sub, w)
    assert low - 1e-6 <= first <= FARMER_RP + 1e-6
    # multipliers from the master the method ends with, whose cuts describe the recourse about the
    # optimum: the bound is the optimum
    import valuechain.analysis._lshaped as ls

    masters: list[_Masters] = []

    class Kept(ls._Masters):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            masters.append(self)

    monkeypatch.setattr(ls, "_Masters", Kept)
    res = lshaped(FARMER_FIRST, p, sub.evaluate, sub.lower_bounds(), gap=1e-9, start=x0)
    assert res.bound == pytest.approx(FARMER_RP, rel=1e-8)
    assert _farmer_lagrangian(sub, masters[-1].multipliers()) == pytest.approx(FARMER_RP, rel=1e-8)


def test_lshaped_with_lagrangian_bounds_reaches_the_farmer_optimum():
    sub = Subproblems(FARMER, FARMER_FIRST)
    seen: list[float] = []

    def bound(w: np.ndarray) -> float:
        seen.append(_farmer_lagrangian(sub, w))
        return seen[-1]

    res = lshaped(FARMER_FIRST, np.full(3, 1 / 3), sub.evaluate, sub.lower_bounds(), gap=1e-9,
                  start=np.array([120.0, 80.0, 300.0]), lagrangian=bound, lagrangian_share=0.5,
                  lagrangian_after=0)  # fmt: skip
    assert res.objective == pytest.approx(FARMER_RP, rel=1e-6)
    assert res.lagrangian_bounds == len(seen) >= 1
    assert max(seen) <= FARMER_RP + 1e-6
    assert res.lagrangian_bound == seen[-1]
    # none before the iterations asked for
    late = lshaped(FARMER_FIRST, np.full(3, 1 / 3), sub.evaluate, sub.lower_bounds(), gap=1e-9, lagrangian=bound,
                   lagrangian_after=10_000)  # fmt: skip
    assert late.lagrangian_bounds == 0
    assert late.lagrangian_bound == -np.inf
    with pytest.raises(ValueError, match="lagrangian_share must lie in"):
        lshaped(FARMER_FIRST, np.full(3, 1 / 3), sub.evaluate, sub.lower_bounds(), lagrangian=bound,
                lagrangian_share=1.0)  # fmt: skip


def test_cuts_from_the_farmers_wait_and_see_plans_lie_below_its_recourse_and_touch_it_there():
    sub = Subproblems(FARMER, FARMER_FIRST)
    cuts: list[tuple[float, np.ndarray]] = []
    plans: list[np.ndarray] = []
    ws = sub.lower_bounds(first_cost=True, cuts=cuts)
    assert ws.mean() == pytest.approx(FARMER_WS, abs=0.5)
    sub.lagrangian(np.arange(3), np.broadcast_to(FARMER_FIRST.cost, (3, 3)), keys=[0, 1, 2], first_values=plans)
    # the published wait-and-see plans (Birge and Louveaux 1997, section 1.1): above-average yields
    # 183.33 acres of wheat, 66.67 of corn, 250 of beets; average 120, 80, 300; below 100, 25, 375
    published = np.array([[550 / 3, 200 / 3, 250.0], [120.0, 80.0, 300.0], [100.0, 25.0, 375.0]])
    assert np.array(plans) == pytest.approx(published, abs=1e-6)
    rng = np.random.default_rng(5)
    for k, ((a, b), x_k) in enumerate(zip(cuts, plans, strict=True)):
        q_k, _ = sub.evaluate(x_k, gradients=False)
        assert a + b @ x_k == pytest.approx(q_k[k], rel=1e-9)  # tight at its plan
        for x in rng.uniform(0.0, 400.0, size=(50, 3)):  # below everywhere, here at 50 plans
            q, _ = sub.evaluate(x, gradients=False)
            assert a + b @ x <= q[k] + 1e-6 * abs(q[k])


def test_wait_and_see_and_lagrangian_cuts_lift_the_master_to_those_bounds_and_keep_the_farmer_optimum():
    sub = Subproblems(FARMER, FARMER_FIRST)
    p = np.full(3, 1 / 3)
    ws_cuts: list[tuple[float, np.ndarray]] = []
    sub.lower_bounds(first_cost=True, cuts=ws_cuts)
    start = (np.array([c[0] for c in ws_cuts]), np.array([c[1] for c in ws_cuts]))
    # the master holding the wait-and-see cuts (and those at the mean-yield plan): its minimum is
    # at least the wait-and-see bound, which the cuts at one plan alone do not reach
    x0 = np.array([120.0, 80.0, 300.0])
    q0, g0 = sub.evaluate(x0)
    bare = _Masters(FARMER_FIRST, p, sub.lower_bounds(), scale=100.0, jensen=())
    bare.add_cuts(x0, q0, g0)
    held = _Masters(FARMER_FIRST, p, sub.lower_bounds(), scale=100.0, jensen=())
    held.add_cuts(x0, q0, g0)
    held.add_affine(*start)
    assert bare.bound(np.inf) < FARMER_WS - 1_000
    assert held.bound(np.inf) >= FARMER_WS - 1e-6 * abs(FARMER_WS)
    # a Lagrangian bound with cuts: the master after it is at least that bound
    w = held.multipliers()
    lag_cuts: list[tuple[float, np.ndarray]] = []
    lag = float(np.mean(sub.lagrangian(np.arange(3), FARMER_FIRST.cost[None, :] + w, keys=[0, 1, 2], cuts=lag_cuts)))
    held.add_affine(np.array([c[0] for c in lag_cuts]), np.array([c[1] for c in lag_cuts]))
    assert held.bound(np.inf) >= lag - 1e-6 * abs(lag)

    seen: list[float] = []

    def bound(w: np.ndarray) -> tuple[float, tuple[np.ndarray, np.ndarray]]:
        got: list[tuple[float, np.ndarray]] = []
        seen.append(float(np.mean(sub.lagrangian(np.arange(3), FARMER_FIRST.cost[None, :] + w, keys=[0, 1, 2],
                                                 cuts=got))))  # fmt: skip
        return seen[-1], (np.array([c[0] for c in got]), np.array([c[1] for c in got]))

    res = lshaped(FARMER_FIRST, p, sub.evaluate, sub.lower_bounds(), gap=1e-9, start=x0, cuts=start,
                  lagrangian=bound, lagrangian_share=0.5)  # fmt: skip
    assert res.objective == pytest.approx(FARMER_RP, rel=1e-6)
    assert res.x == pytest.approx([170.0, 80.0, 250.0], abs=1e-4)
    assert res.gap <= 1e-9
    assert res.history[0][1] >= FARMER_WS - 1e-6 * abs(FARMER_WS)  # the first bound: at least wait-and-see
    assert res.cuts == 3 * (res.evaluations + 1 + len(seen))  # a cut per scenario: plans, start, Lagrangian


@pytest.mark.parametrize("level", [0.0, 1.0, -0.5])
def test_a_level_outside_zero_to_one_is_refused(level):
    sub = Subproblems(FARMER, FARMER_FIRST)
    with pytest.raises(ValueError, match="level must lie in"):
        lshaped(FARMER_FIRST, np.full(3, 1 / 3), sub.evaluate, sub.lower_bounds(), level=level)


def test_out_of_sample_interval_holds_the_exact_expectation_of_the_farmer():
    # the three yields, equally likely, ARE the distribution: the recourse plan's in-sample cost
    # -108,390 is its exact expected cost, so a 95% interval from 3,000 fresh draws of the three
    # scenarios (seed fixed) must hold it, and its width shrinks like 1/sqrt(n)
    sub = Subproblems(FARMER, FARMER_FIRST)
    x = np.array([170.0, 80.0, 250.0])
    q, _ = sub.evaluate(x, gradients=False)
    first_cost = float(FARMER_FIRST.cost @ x)  # 150 x 170 + 230 x 80 + 260 x 250 = 25,500 + 18,400 + 65,000
    assert first_cost == pytest.approx(108_900.0)
    assert first_cost + q.mean() == pytest.approx(FARMER_RP, rel=1e-9)
    draws = np.random.default_rng(7).integers(0, 3, size=3000)
    iv = mean_interval(first_cost + q[draws])
    assert FARMER_RP in iv
    assert iv.high - iv.low < 0.05 * abs(FARMER_RP)


@pytest.fixture(scope="module")
def toy():
    study = load_study("models/toy-battery.yaml")
    return vc.load_network(study.network or ""), study


def test_toy_network_lshaped_equals_the_extensive_form_over_ten_samples(toy):
    net, study = toy
    reference = solve(build(net, study, shocks=sample_shocks(net, study, 10, seed=3))).objective
    res = solve_saa(net, study, 10, 3, form="lshaped", gap=1e-8, evaluate=0, replications=0)
    assert res.form == "lshaped"
    assert res.objective == pytest.approx(reference, rel=1e-6)
    ext = solve_saa(net, study, 10, 3, form="extensive", evaluate=0, replications=0)
    assert ext.objective == pytest.approx(reference, rel=1e-9)


def test_a_ramp_on_some_samples_starts_the_method_and_it_still_reaches_the_extensive_optimum(toy, monkeypatch):
    import valuechain.analysis._lshaped as ls

    net, study = toy
    reference = solve(build(net, study, shocks=sample_shocks(net, study, 10, seed=3))).objective
    real, calls = ls.lshaped, []

    def spy(first, probability, *args, **kwargs):
        calls.append((probability.size, kwargs["start"], real(first, probability, *args, **kwargs)))
        return calls[-1][2]

    monkeypatch.setattr(ls, "lshaped", spy)
    said: list[str] = []
    res = solve_saa(net, study, 10, 3, form="lshaped", gap=1e-8, evaluate=0, replications=0, ramp=4,
                    progress=said.append)  # fmt: skip
    (n_ramp, _, ramped), (n_all, start, _) = calls
    assert (n_ramp, n_all) == (4, 10)
    assert start is ramped.x  # the ramp's plan starts the method on all samples
    assert res.objective == pytest.approx(reference, rel=1e-6)
    assert res.bound <= res.objective + 1e-6 * abs(reference)
    assert any(m.startswith("ramp (4 samples) iteration 1:") for m in said)
    assert 0 < res.seconds["ramp"] <= res.seconds["solve"]
    # its samples: spread evenly, by default from RAMP_FROM samples one in RAMP_EVERY, at most one
    # per cut group, and none below
    assert _ramp_samples(10, 4).tolist() == [0, 3, 6, 9]
    spread = _ramp_samples(1000, None)
    assert spread.size == CUT_GROUPS
    assert spread[0] == 0
    assert spread[-1] == 999
    assert np.sum(spread < 500) == np.sum(spread >= 500)  # both chunks of two workers work
    assert _ramp_samples(RAMP_FROM - 1, None).size == 0
    assert _ramp_samples(RAMP_FROM, None).size == RAMP_FROM // RAMP_EVERY
    assert _ramp_samples(300, None).size == 300 // RAMP_EVERY < CUT_GROUPS
    assert _ramp_samples(1000, 0).size == 0
    assert not any(m.startswith("ramp") for m in _messages(net, study))


def _messages(net, study) -> list[str]:
    said: list[str] = []
    solve_saa(net, study, 10, 3, form="lshaped", gap=1e-6, evaluate=0, replications=0, progress=said.append)
    return said


def test_toy_network_decomposition_on_dask_workers_gives_the_same_plan(toy):
    from valuechain.study.scale import cluster

    net, study = toy
    local = solve_saa(net, study, 10, 3, form="lshaped", gap=1e-8, evaluate=20, replications=2, batch=4)
    with cluster(workers=2, processes=False) as client:
        remote = solve_saa(
            net, study, 10, 3, form="lshaped", gap=1e-8, evaluate=20, replications=2, batch=4, client=client
        )
        # a ramp on samples 0 and 3 (one worker's chunk) and 6 and 9 (the other's)
        ramped = solve_saa(
            net, study, 10, 3, form="lshaped", gap=1e-8, evaluate=0, replications=0, client=client, ramp=4
        )
    assert remote.objective == pytest.approx(local.objective, rel=1e-6)
    assert ramped.objective == pytest.approx(local.objective, rel=1e-6)
    assert "ramp" in ramped.seconds
    # the first stage may have several optima (degenerate LP), so the two plans' fresh costs may
    # differ; the workers' evaluation must equal this process's of the same plan on the same
    # fresh scenarios (numbers 10 to 29 of seed 3)
    x = remote.first_stage.to_numpy()
    q = _fresh_costs(net, study, None, 3, 10, 20, x)
    probe = _chunk(net, study, None, 3, 0, 1).first
    assert remote.expected_cost is not None
    assert remote.expected_cost.estimate == pytest.approx(float(probe.cost @ x + probe.offset + q.mean()), rel=1e-9)
    assert remote.expected_cost.n == 20
    # an MRP gap is a plan's cost less a lower estimate of the optimum: never below 0
    assert remote.optimality_gap is not None
    assert remote.optimality_gap.estimate >= -1e-6 * abs(local.objective)


def test_bad_saa_options_are_one_line_errors(toy):
    net, study = toy
    with pytest.raises(vc.StudyError, match="'form' parameter of solve_saa must be one of auto, extensive"):
        solve_saa(net, study, 10, 1, form="benders")
    with pytest.raises(vc.StudyError, match="'samples' parameter of solve_saa"):
        solve_saa(net, study, 0, 1)
    with pytest.raises(vc.StudyError, match="'ramp' parameter of solve_saa must be None or an integer >= 0"):
        solve_saa(net, study, 10, 1, ramp=-3)
    with pytest.raises(vc.StudyError, match="'ramp_share' parameter of solve_saa must be a number in \\(0, 1\\)"):
        solve_saa(net, study, 10, 1, ramp_share=1.0)


def test_cli_sampled_plan_prints_its_intervals(tmp_path, capsys):
    from pathlib import Path

    from valuechain.cli import run

    models = Path(__file__).resolve().parents[2] / "models"
    cap = tmp_path / "capacity.csv"
    args = ["targets", str(models / "toy-battery.yaml"), "--samples", "8", "--seed", "2", "--workers", "0"]
    assert run([*args, "--capacity-csv", str(cap)]) == 0
    text = capsys.readouterr().out
    assert "in-sample optimum (extensive, 8 samples)" in text
    assert "expected cost out of sample" in text
    assert "optimality gap (multiple replications, 5 batches)" in text
    assert cap.read_text().startswith("period,item,capacity")
    assert run([*args[:3], "0"]) == 1
    assert "error: --samples must be >= 1" in capsys.readouterr().err


def test_an_optimum_without_crossover_equals_the_one_with_a_basis(toy):
    # the replications' batch optima skip the interior point's crossover: same optimum to 1e-7
    net, study = toy
    first, stages = split(build(net, study, shocks=sample_shocks(net, study, 4, seed=7, first=100)))
    z_basis, x = extensive(first, stages, method="simplex")
    z_ipm, _ = extensive(first, stages, method="ipm", crossover=False)
    assert z_ipm == pytest.approx(z_basis, rel=1e-7)
    # and the plan's SAA cost by its subproblems is the same optimum
    q, _ = Subproblems(stages, first).evaluate(x, gradients=False)
    assert float(first.cost @ x + first.offset + sum(st.probability * v for st, v in zip(stages, q, strict=True))) == (
        pytest.approx(z_basis, rel=1e-9)
    )


def test_the_extensive_form_takes_the_saa_time_limit_not_the_studys(toy):
    # A study's solver.time_limit is set for one plan; over samples, the SAA's own limit replaces
    # it: a study limit far too short no longer stops the extensive form, and an SAA limit far
    # too short does, naming the limit.
    import dataclasses

    from valuechain.errors import SolverError

    net, study = toy
    reference = solve_saa(net, study, 4, 3, form="extensive", evaluate=0, replications=0).objective
    hurried = dataclasses.replace(study, solver={**dict(study.solver), "time_limit": 1e-9})
    with pytest.raises(SolverError, match="time limit"):
        solve_saa(net, hurried, 4, 3, form="extensive", evaluate=0, replications=0)
    res = solve_saa(net, hurried, 4, 3, form="extensive", evaluate=0, replications=0, time_limit=600.0)
    assert res.objective == pytest.approx(reference, rel=1e-9)
    with pytest.raises(SolverError, match="time limit"):
        solve_saa(net, study, 4, 3, form="extensive", evaluate=0, replications=0, time_limit=1e-9)


@pytest.mark.parametrize("rho", [0.1, 1.0])
def test_progressive_hedging_reaches_the_farmer_recourse_optimum(rho):
    # Rockafellar and Wets' method on Birge and Louveaux's farmer: the consensus plan converges to
    # the published 170 / 80 / 250 acres and -108,390; its Lagrangian bounds stay below that
    from valuechain.analysis._ph import progressive_hedging

    sub = Subproblems(FARMER, FARMER_FIRST)
    seen: list[tuple[int, float, float, float]] = []
    res = progressive_hedging(sub, np.full(3, 1 / 3), rho=rho, gap=1e-5, max_iterations=400, check_every=10,
                              progress=lambda *a: seen.append(a))  # fmt: skip
    assert res.gap <= 1e-4  # the linearised penalty converges more slowly than the quadratic
    assert res.objective == pytest.approx(FARMER_RP, rel=1e-5)
    assert res.x == pytest.approx([170.0, 80.0, 250.0], abs=0.1)
    assert seen[0][1] == pytest.approx(FARMER_WS, abs=0.5)  # the first bound: wait-and-see
    assert all(lo <= FARMER_RP + 1e-6 for _, lo, _, _ in seen)
    assert res.bound > FARMER_WS + 1_000  # the multipliers lift it well above


def test_sampled_plans_take_lagrangian_bounds_when_each_sample_has_its_own_cuts(toy, monkeypatch):
    import valuechain.analysis._lshaped as ls

    net, study = toy
    real, seen = ls.lshaped, []

    def spy(first, probability, *args, **kwargs):
        seen.append((kwargs["lagrangian"], kwargs["floor"], probability.size, first, kwargs["cuts"]))
        return real(first, probability, *args, **kwargs)

    monkeypatch.setattr(ls, "lshaped", spy)
    plan = solve_saa(net, study, 10, 3, form="lshaped", gap=1e-6, evaluate=0, replications=0)
    solve_saa(net, study, 10, 3, form="lshaped", gap=1e-6, evaluate=0, replications=0, groups=5)
    solve_saa(net, study, 10, 3, form="lshaped", gap=1e-6, evaluate=0, replications=0, groups=5, lagrangian=True,
              cuts=True)  # fmt: skip
    solve_saa(net, study, 10, 3, form="lshaped", gap=1e-6, evaluate=0, replications=0, cuts=True)
    (own, floor, ns, first, none), (grouped, _, ns5, _, _), (asked, _, _, _, ws5), (with_cuts, _, _, _, ws) = seen
    assert ns == 10
    assert ns5 == 5
    assert grouped is None
    assert own is not None
    assert asked is not None
    assert none is None  # no cuts from these solves unless asked
    # zero multipliers: the Lagrangian bound is the wait-and-see bound, solved again (warm)
    assert own(np.zeros((10, first.n))) == pytest.approx(floor, rel=1e-9)
    # asked for cuts: with each sample's cut at its plan there, averaged per group; the
    # wait-and-see cuts given at the start are these
    value, (a, b) = with_cuts(np.zeros((10, first.n)))
    assert value == pytest.approx(floor, rel=1e-9)
    assert a.shape == (10,)
    assert b.shape == (10, first.n)
    assert ws[0] == pytest.approx(a, rel=1e-9)
    assert ws5[0].shape == (5,)
    value5, (a5, b5) = asked(np.zeros((5, first.n)))
    assert value5 == pytest.approx(floor, rel=1e-9)
    # each cut lies below its sample's (or its group's mean) second-stage cost at any plan, here
    # the least plan and the SAA plan, and touches it somewhere: at its own wait-and-see plan
    sub = _chunk(net, study, None, 3, 0, 10)
    for x in (_least_plan(first), plan.first_stage.to_numpy()):
        q, _ = sub.evaluate(x, gradients=False)
        tol = 1e-8 * np.abs(q).max()
        assert np.all(a + b @ x <= q + tol)
        assert np.all(a5 + b5 @ x <= q.reshape(5, 2).mean(axis=1) + tol)
    # (the toy's costs are mostly fixed: its cuts sit 3e-6 to 5e-5 of the cost below at the SAA plan)
    assert np.any(q - (a + b @ plan.first_stage.to_numpy()) > 100 * tol)


def test_payable_multipliers_keep_every_free_column_paid_for_and_still_average_to_zero():
    from valuechain.analysis._lshaped import _payable

    rng = np.random.default_rng(11)
    p = rng.dirichlet(np.ones(7))
    cost = rng.uniform(0.0, 5.0, size=4)
    w = rng.normal(0.0, 6.0, size=(7, 4))
    w -= p @ w
    v = _payable(w, p, cost)
    assert np.all(cost + v >= -1e-12)
    assert p @ v == pytest.approx(np.zeros(4), abs=1e-12)
    assert np.any(cost + w < 0)  # the draw needed moving
    assert np.all(np.sign(v) * np.sign(w) >= 0)  # nothing changes sign
    # multipliers already paying for every column are left as they are
    t = 0.9 * np.min(cost[None, :].repeat(7, 0)[w < 0] / -w[w < 0])
    assert _payable(t * w, p, cost) == pytest.approx(t * w, abs=1e-12)


def test_multipliers_that_would_make_a_free_column_pay_give_a_bound_not_an_unbounded_lp(toy):
    from valuechain.analysis._lshaped import _payable
    from valuechain.errors import SolverError

    net, study = toy
    chunk = _chunk(net, study, None, 3, 0, 10)
    first = chunk.first
    m = _Masters(first, np.full(10, 0.1), chunk.lower_bounds(), scale=1e6, jensen=())
    assert m.free.any()  # the toy's strategic stocks: no upper bound, in no first-stage row
    x0 = _least_plan(first)
    q0, g0 = chunk.evaluate(x0)
    m.add_cuts(x0, q0, g0)
    m.bound(np.inf)
    w = m.multipliers()
    assert np.all(first.cost[m.free] + w[:, m.free] >= -1e-9 * first.cost[m.free].max())
    assert np.full(10, 0.1) @ w == pytest.approx(np.zeros(first.n), abs=1e-6 * np.abs(w).max())
    # multipliers averaging to zero with which a free column costs less than nothing in one
    # scenario: its Lagrangian LP is unbounded
    bad = np.zeros((10, first.n))
    j = np.flatnonzero(m.free)[0]
    same = chunk.inverse == chunk.inverse[0]  # sample 0's scenario (a scenario drawn twice is solved once)
    bad[same, j], bad[~same, j] = -2.0 * first.cost[j], 2.0 * first.cost[j] * same.sum() / (~same).sum()
    with pytest.raises(SolverError, match="Unbounded"):
        chunk.lagrangian(bad, np.arange(10))
    # on a worker such a failure is no bound (and no cuts), not a crashed task
    values, got = _lagrangian(chunk, bad, np.arange(10), True)
    assert np.all(values == -np.inf)
    assert got is None
    # moved, they give a finite bound, at most the optimum
    fixed = bad.copy()
    fixed[:, m.free] = _payable(bad[:, m.free], np.full(10, 0.1), first.cost[m.free])
    values, _ = chunk.lagrangian(fixed, np.arange(10))
    reference = solve(build(net, study, shocks=sample_shocks(net, study, 10, seed=3))).objective
    assert np.all(np.isfinite(values))
    assert values.mean() + first.offset <= reference + 1e-6 * abs(reference)


def test_the_masters_multipliers_keep_a_free_column_paid_for_and_leave_a_bounded_one():
    # two columns of cost 1: column 0 in no row and with no upper bound (free), column 1 in a row
    # (x1 <= 5). Cuts theta_0 >= 10 - 3 x0 - 3 x1 and theta_1 >= 2 x0 + 2 x1, equally likely: the
    # master's optimum is x = 0 with both cuts binding, so each scenario's slope is its cut's and
    # the multipliers are (2.5, -2.5) on both columns; c + w = -1.5 in scenario 1
    first = FirstStage(cost=np.ones(2), lb=np.zeros(2), ub=np.full(2, np.inf), integer=np.zeros(2, dtype=bool),
                       a_start=np.array([0, 1]), a_index=np.array([1], dtype=np.int32), a_value=np.ones(1),
                       row_lo=np.array([-np.inf]), row_hi=np.array([5.0]))  # fmt: skip
    p = np.full(2, 0.5)
    m = _Masters(first, p, np.array([0.0, -5.0]), scale=1.0, jensen=())
    m.add_affine(np.array([10.0, 0.0]), np.array([[-3.0, -3.0], [2.0, 2.0]]))
    assert m.bound(np.inf) == pytest.approx(5.0, rel=1e-9)
    assert m.free.tolist() == [True, False]
    w = m.multipliers()
    assert w[:, 1] == pytest.approx([2.5, -2.5], rel=1e-9)  # bounded by its row: as the master says
    assert w[:, 0] == pytest.approx([1.0, -1.0], rel=1e-9)  # raised to -c, the other shrunk to match
    assert p @ w == pytest.approx(np.zeros(2), abs=1e-12)
