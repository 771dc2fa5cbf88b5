"""The delta kernel (only the rows a shock changes) gives the full kernel's summaries."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import networks, shock_arrays

from valuechain.network.synthetic import synthetic_network
from valuechain.scenarios import random_outages
from valuechain.sim import compile_network, simulate
from valuechain.sim.kernel import (
    Workspace,
    _grouped,
    _sparse_enough,
    hubs_in_visiting_order,
    make_events,
    reference_run,
    run_chunk,
)
from valuechain.sim.simulate import _Plan, summary_statics

COUNTS = ("short_periods", "earliest")
AMOUNTS = ("lost_value_t", "worst_share", "lost_cells", "e_short", "e_dem", "p_dry", "first_sum")


def _runs(net, shocks, weight, blocks):
    arr = compile_network(net)
    args, statics = arr.kernel_args(), summary_statics(arr)
    ev = _Plan(arr, net, shocks).events(shocks, 0, shocks.n_scenarios)
    full = run_chunk(args, ev, statics, weight, resourcing=False, method="full")
    return full, [run_chunk(args, ev, statics, weight, resourcing=False, block=b, method="delta") for b in blocks]


def _same(delta, full):
    for k in COUNTS:
        np.testing.assert_array_equal(delta[k], full[k], err_msg=k)
    for k in AMOUNTS:
        scale = max(1.0, float(np.abs(full[k]).max(initial=0.0)))
        np.testing.assert_allclose(delta[k], full[k], rtol=1e-9, atol=1e-9 * scale, err_msg=k)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_delta_matches_full_kernel_on_random_networks(data):
    # random networks are mostly unbalanced: the reference run itself falls short and runs plants
    # dry, and stock and lagged (recycling) edges carry differences from period to period
    net = data.draw(networks())
    sh = data.draw(shock_arrays(net))
    # (route multipliers above 1 are front-loading, which the delta kernel refuses: see below)
    np.minimum(sh.route_capacity, 1.0, out=sh.route_capacity)
    w = np.random.default_rng(sh.n_scenarios).random(sh.n_scenarios)
    full, deltas = _runs(net, sh, w, (1, 3, 64))
    for d in deltas:
        _same(d, full)


@pytest.mark.parametrize("block", [8, 64])
def test_delta_matches_full_kernel_on_plant_outages(block):
    net = synthetic_network(400, seed=3)
    sh = random_outages(net, 300, seed=5, periods=18)
    full, (delta,) = _runs(net, sh, None, (block,))
    assert full["lost_value_t"].sum() > 0  # outages bite
    assert (full["earliest"] < np.inf).any()
    _same(delta, full)


def test_work_counts_every_row_of_the_full_kernel_and_only_changed_rows_of_the_delta_kernel():
    net = synthetic_network(400, seed=3)
    arr = compile_network(net)
    args, statics = arr.kernel_args(), summary_statics(arr)
    n_t, n_s = 18, 100
    sh = random_outages(net, n_s, seed=5, periods=n_t)
    ev = _Plan(arr, net, sh).events(sh, 0, n_s)
    nodes = len(arr.order_kind)
    edges = arr.n_edges  # recipe inputs and outputs, routes, demand rows
    full = run_chunk(args, ev, statics, resourcing=False, block=32, method="full")
    np.testing.assert_array_equal(full["work"], np.array([nodes, edges]) * n_t * 128)  # 100 scenarios in 4 x 32
    none = np.zeros(0, dtype=np.int64)
    calm = make_events(n_s, n_t, none, none, none, none, np.zeros(0))
    np.testing.assert_array_equal(run_chunk(args, calm, statics, resourcing=False, method="delta")["work"], [0, 0])
    work = {b: run_chunk(args, ev, statics, resourcing=False, block=b, method="delta")["work"] for b in (1, 8, 64)}
    for b, w in work.items():
        bound = np.array([nodes, edges]) * n_t * (-(-n_s // b) * b)
        assert (w > 0).all(), (b, w)
        assert (w < bound).all(), (b, w, bound)
    # a block computes a row wherever any of its scenarios differs there, so wider blocks of the
    # same (grouped) scenarios compute at least as many values, and more where outages differ
    assert (work[1] <= work[8]).all()
    assert (work[8] <= work[64]).all()
    assert work[1][0] < work[64][0]


def test_grouping_orders_scenarios_by_first_shocked_node():
    net = synthetic_network(200, seed=2)
    arr = compile_network(net)
    args, statics = arr.kernel_args(), summary_statics(arr)
    sh = random_outages(net, 50, seed=1, periods=6)
    ev = _Plan(arr, net, sh).events(sh, 0, 50)
    grouped, perm = _grouped(args, statics, ev)
    assert sorted(perm) == list(range(50))
    position = {int(p): n for n, (k, p) in enumerate(zip(arr.order_kind, arr.order_idx, strict=True)) if k == 1}
    firsts = []
    for s in range(50):
        items = grouped.item[grouped.ptr[s * 6] : grouped.ptr[(s + 1) * 6]]
        firsts.append(min((position[int(p)] for p in items), default=len(arr.order_kind)))  # unshocked: last
        # scenario s of the grouped events is scenario perm[s] of the input
        orig = ev.item[ev.ptr[perm[s] * 6] : ev.ptr[(perm[s] + 1) * 6]]
        assert sorted(items) == sorted(orig)
    assert firsts == sorted(firsts)
    assert firsts[-1] == len(arr.order_kind)  # (some outages start after period 6)


def test_summary_runs_use_the_delta_kernel_and_agree_with_full_runs():
    net = synthetic_network(2000, seed=4)
    sh = random_outages(net, 120, seed=2, periods=12)
    arr = compile_network(net)
    assert _sparse_enough(arr.kernel_args(), _Plan(arr, net, sh).events(sh, 0, 120))  # one plant per scenario
    summary = simulate(net, sh, keep="summary")
    full = simulate(net, sh, keep="full")
    for col in ("lost_value", "shortfall_periods", "max_shortfall_share", "lost_cells_gwh"):
        np.testing.assert_allclose(summary.totals[col].to_numpy(), full.totals[col].to_numpy(), rtol=1e-9, atol=1e-9)
    assert summary.expected("lost_value") > 0
    for frame, cols in ((summary.hubs, ["demand", "shortfall"]), (summary.processes, ["p_dry", "earliest_dry"])):
        other = full.hubs if frame is summary.hubs else full.processes
        np.testing.assert_allclose(frame[cols].to_numpy(float), other[cols].to_numpy(float), rtol=1e-9, atol=1e-9)


def test_auto_keeps_the_full_kernel_for_broad_shocks(toy):
    # a shock on many items in every scenario touches most of the network: nothing to skip
    arr = compile_network(toy)
    n_s, n_t = 64, 6
    s, t, p = np.meshgrid(np.arange(n_s), np.arange(n_t), np.arange(len(arr.base_act)), indexing="ij")
    ev = make_events(n_s, n_t, s.ravel(), t.ravel(), np.zeros(s.size, dtype=np.int64), p.ravel(), np.full(s.size, 0.5))
    assert not _sparse_enough(arr.kernel_args(), ev)


def test_front_loading_keeps_the_full_kernel(toy):
    # one route above 1 in one scenario and period: 'auto' runs the full kernel (its work counts
    # every node of every period), 'delta' refuses
    arr = compile_network(toy)
    args, statics = arr.kernel_args(), summary_statics(arr)
    one = np.zeros(1, dtype=np.int64)
    ev = make_events(4, 3, one, one, one + 1, one, np.full(1, 1.3))
    full = run_chunk(args, ev, statics, resourcing=False, block=4, method="full")
    auto = run_chunk(args, ev, statics, resourcing=False, block=4)
    np.testing.assert_array_equal(auto["work"], full["work"])
    np.testing.assert_array_equal(auto["lost_value_t"], full["lost_value_t"])
    with pytest.raises(ValueError, match="front-loading"):
        run_chunk(args, ev, statics, resourcing=False, method="delta")


def test_a_workspace_takes_the_reference_run_once_and_streams_agree():
    net = synthetic_network(400, seed=3)
    arr = compile_network(net)
    args, statics = arr.kernel_args(), summary_statics(arr)
    ws = Workspace()
    args_v, statics_v, ref = ws.delta_inputs(args, statics, 12)
    again = ws.delta_inputs(args, statics, 12)
    assert again[0] is args_v  # the same arrays: not renumbered again
    assert again[2] is ref  # nor run again
    other = ws.delta_inputs(args, statics, 6)
    assert other[0] is args_v
    assert other[2] is not ref  # another horizon: run again
    _, _, ref = ws.delta_inputs(args, statics, 12)
    for k, (a, b) in enumerate(zip(ref, reference_run(args_v, statics_v, 12), strict=True)):
        np.testing.assert_array_equal(a, b, err_msg=str(k))
    # chunks run through one workspace give what each chunk gives on its own
    sh = random_outages(net, 200, seed=7, periods=12)
    plan = _Plan(arr, net, sh)
    for s0 in (0, 100):
        ev = plan.events(sh, s0, s0 + 100)
        shared = run_chunk(args, ev, statics, resourcing=False, method="delta", workspace=ws)
        alone = run_chunk(args, ev, statics, resourcing=False, method="delta")
        for k in (*COUNTS, *AMOUNTS):
            np.testing.assert_array_equal(shared[k], alone[k], err_msg=k)
        assert shared["lost_value_t"].sum() > 0


def _hub_outputs(args, statics, ev):
    names = ("supply", "stock", "served", "activity", "flow")
    out = run_chunk(args, ev, statics, resourcing=False, outputs=names, method="full")
    return {k: out[k].copy() for k in (*names, *COUNTS, *AMOUNTS)}


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_hubs_in_visiting_order_change_only_the_hub_numbering(data):
    # the full kernel on the renumbered arrays: every hub's trajectory moves to its new number,
    # everything else is unchanged (a hub-indexed array left out would show here)
    net = data.draw(networks())
    sh = data.draw(shock_arrays(net))
    arr = compile_network(net)
    args, statics = arr.kernel_args(), summary_statics(arr)
    args_v, statics_v = hubs_in_visiting_order(args, statics)
    hubs = arr.order_idx[arr.order_kind == 0]
    np.testing.assert_array_equal(args_v[1][arr.order_kind == 0], np.arange(len(hubs)))
    ev = _Plan(arr, net, sh).events(sh, 0, sh.n_scenarios)
    before, after = _hub_outputs(args, statics, ev), _hub_outputs(args_v, statics_v, ev)
    for k in ("supply", "stock"):
        np.testing.assert_array_equal(after[k], before[k][:, hubs], err_msg=k)
    for k in ("served", "activity", "flow", *COUNTS, *AMOUNTS):
        np.testing.assert_array_equal(after[k], before[k], err_msg=k)
