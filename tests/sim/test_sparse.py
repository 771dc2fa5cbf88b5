"""Sparse shocks mean what the dense arrays with the same cells mean, in the kernel and outside it."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import networks, shock_arrays

import valuechain as vc
from valuechain.errors import ScenarioError
from valuechain.scenarios import RiskRegister, SparseShocks, random_outages
from valuechain.scenarios._time import product_mean
from valuechain.sim import simulate


def _same_result(a, b):
    pd.testing.assert_frame_equal(a.totals, b.totals, rtol=1e-12, atol=1e-9)
    pd.testing.assert_frame_equal(a.hubs, b.hubs, rtol=1e-12, atol=1e-9)
    pd.testing.assert_frame_equal(a.processes, b.processes, rtol=1e-12, atol=1e-9)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_sparse_and_dense_shocks_simulate_alike(data):
    net = data.draw(networks())
    dense = data.draw(shock_arrays(net))
    sparse = dense.to_sparse()
    # every cell that is not 1 is an entry, and nothing else
    cells = sum(int((x != 1).sum()) for x in (dense.process_capacity, dense.route_capacity, dense.demand))
    assert len(sparse.value) == cells
    for mode in ("pro-rata", "re-sourcing"):
        a = simulate(net, dense, mode=mode)
        b = simulate(net, sparse, mode=mode)
        _same_result(a, b)
        for var in ("activity", "flow", "stock", "served"):
            np.testing.assert_array_equal(a.dataset[var].to_numpy(), b.dataset[var].to_numpy())


def test_round_trip_and_duplicates_multiply(toy):
    per = pd.period_range("2025-01", periods=4, freq="M")
    r = toy.routes.index.get_loc("cn-de-anode")
    p = toy.processes.index.get_loc("de-cells")
    sp = SparseShocks.from_entries(
        toy, per, 3,
        scenario=[2, 0, 2, 0], period=[1, 3, 1, 0], kind=[1, 0, 1, 2], item=[r, p, r, 0], value=[0.5, 0.0, 0.4, 1.2],
    )  # fmt: skip
    # sorted by (scenario, period, kind, item); the two entries of one cell multiplied
    assert sp.scenario.tolist() == [0, 0, 2]
    assert sp.value.tolist() == pytest.approx([1.2, 0.0, 0.2])
    dense = sp.to_dense()
    assert dense.route_capacity[2, 1, r] == pytest.approx(0.2)
    assert dense.process_capacity[0, 3, p] == 0.0
    assert dense.demand[0, 0, 0] == 1.2
    assert (dense.route_capacity != 1).sum() == 1
    back = dense.to_sparse()
    for f in ("scenario", "period", "kind", "item", "value"):
        np.testing.assert_array_equal(getattr(back, f), getattr(sp, f))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.data())
def test_entries_in_any_order_mean_the_product_of_each_cells_multipliers(toy, data):
    # few cells, many entries: cells repeat two, three and more times, in any order
    per = pd.period_range("2025-01", periods=3, freq="M")
    n = data.draw(st.integers(0, 60))
    ints = {f: data.draw(st.lists(st.integers(0, hi), min_size=n, max_size=n)) for f, hi in
            (("scenario", 2), ("period", 2), ("kind", 2), ("item", 1))}  # fmt: skip
    value = data.draw(st.lists(st.sampled_from([0.0, 0.5, 0.9, 1.1, 2.0]), min_size=n, max_size=n))
    sp = SparseShocks.from_entries(toy, per, 3, value=value, **ints)
    key = ((sp.scenario * 3 + sp.period) * 3 + sp.kind) * 100 + sp.item
    assert (np.diff(key) > 0).all()  # sorted, one entry per cell
    expected = [np.ones((3, 3, len(axis))) for axis in (toy.processes, toy.routes, toy.demand)]
    for s, t, k, i, v in zip(*ints.values(), value, strict=True):
        expected[k][s, t, i] *= v
    dense = sp.to_dense()
    for got, want in zip((dense.process_capacity, dense.route_capacity, dense.demand), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=0)


def test_select_keeps_the_scenarios_entries(toy):
    per = pd.period_range("2025-01", periods=2, freq="M")
    sp = SparseShocks.from_entries(toy, per, 4, scenario=[0, 1, 3, 3], period=[0, 1, 0, 1], kind=[0, 0, 0, 0],
                                   item=[0, 1, 2, 3], value=[0.1, 0.2, 0.3, 0.4])  # fmt: skip
    sub = sp.select(slice(1, 4))
    assert list(sub.scenarios) == ["s1", "s2", "s3"]
    assert sub.scenario.tolist() == [0, 2, 2]
    assert sub.value.tolist() == [0.2, 0.3, 0.4]
    assert sub.probability.sum() == pytest.approx(1.0)
    with pytest.raises(ScenarioError, match="contiguous"):
        sp.select(slice(0, 4, 2))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"value": [-0.5]}, "finite multipliers >= 0"),
        ({"value": [np.nan]}, "finite multipliers >= 0"),
        ({"item": [999]}, "entry 0: item 999 is not a process position"),
        ({"period": [7]}, "period must lie in 0..1"),
        ({"scenario": [2]}, "scenario must lie in 0..1"),
        ({"kind": [3]}, "kind must lie in 0..2"),
        ({"value": [0.5, 0.5]}, "one scenario, period, kind, item and value each"),
    ],
)
def test_bad_entries_are_refused(toy, change, message):
    per = pd.period_range("2025-01", periods=2, freq="M")
    entries = {"scenario": [0], "period": [0], "kind": [0], "item": [0], "value": [0.5]} | change
    with pytest.raises(ScenarioError, match=message):
        SparseShocks.from_entries(toy, per, 2, **entries)


def _dense_register_sample(reg, net, n, seed, first, freq, periods):
    """The register's draws assembled the plain way: every route's windows in a scenario, and each month the mean
    of their product instant by instant (by the named compile's quadrature, not the register's own code)."""
    horizon = reg._horizon(net, None, periods, freq)
    layout = reg._layout(net, horizon)
    windows = defaultdict(list)
    for hit, _, pos, sev, win in reg._row_draws(layout, first, first + n, seed, horizon):
        for k, s in enumerate(hit):
            for p in np.unique(pos):
                windows[(s, p)].append((1.0 - sev[k], win[k, 0], win[k, 1], 0.0))
    routes = np.ones((n, horizon.n_months, len(net.routes)))
    for (s, p), ws in windows.items():
        lo = max(0, int(np.floor(min(w[1] for w in ws))))
        hi = min(horizon.n_months, int(np.ceil(max(w[2] for w in ws))))
        for m in range(lo, hi):
            routes[s, m, p] = product_mean(m, ws)
    return horizon.to_periods(routes)


@pytest.mark.parametrize(("freq", "periods"), [("M", 12), ("Q", 4), ("Y", 2)])
def test_register_sparse_sample_equals_dense_assembly(freq, periods):
    net = vc.load_network("global-li-ion-2024")
    reg = RiskRegister.default()
    sparse = reg.sample(net, 300, seed=11, first=500, freq=freq, periods=periods, sparse=True)
    assert isinstance(sparse, SparseShocks)
    assert len(sparse.value) > 0
    assert list(sparse.scenarios) == list(range(500, 800))
    expected = _dense_register_sample(reg, net, 300, 11, 500, freq, periods)
    back = sparse.to_dense()
    np.testing.assert_allclose(back.route_capacity, expected, rtol=0, atol=1e-12)
    assert (back.process_capacity == 1).all()
    assert (back.demand == 1).all()


def test_register_stream_sparse_and_dense_simulate_alike():
    net = vc.load_network("global-li-ion-2024")
    reg = RiskRegister.default()
    a = simulate(net, reg.iter_samples(net, 600, seed=5, chunk_size=250, periods=12))
    b = simulate(net, reg.iter_samples(net, 600, seed=5, chunk_size=250, periods=12, sparse=True))
    assert a.expected("lost_value") > 0
    _same_result(a, b)


def test_random_outages_are_seeded_single_plant_windows(toy):
    a = random_outages(toy, 500, seed=4, periods=10, severity=(0.5, 0.9), begins=(2, 5), months=(3, 8))
    b = random_outages(toy, 500, seed=4, periods=10, severity=(0.5, 0.9), begins=(2, 5), months=(3, 8))
    for f in ("scenario", "period", "item", "value"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    assert not np.array_equal(random_outages(toy, 500, seed=5, periods=10).value, a.value)
    assert (a.kind == 0).all()
    assert ((a.value >= 0.1 - 1e-12) & (a.value <= 0.5 + 1e-12)).all()
    for s in range(a.n_scenarios):
        mine = a.scenario == s
        assert len(set(a.item[mine].tolist())) == 1  # one plant
        assert len(set(a.value[mine].tolist())) == 1  # one severity
        t = a.period[mine]
        assert 2 <= t.min() <= 5
        assert 3 <= len(t) <= 8 or t.max() == 9  # clipped at the horizon's end
        assert (np.diff(t) == 1).all()  # one window


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "'n' parameter of random_outages must be an integer >= 1"),
        ({"seed": -1}, "'seed' parameter of random_outages must be an integer >= 0"),
        ({"severity": (0.5, 1.5)}, "'severity' parameter of random_outages must be a pair"),
        ({"months": (0, 3)}, "'months' parameter of random_outages must be a pair"),
        ({"begins": (4, 2)}, "'begins' parameter of random_outages must be a pair"),
    ],
)
def test_random_outages_reject_bad_parameters(toy, kwargs, message):
    with pytest.raises(ScenarioError, match=message):
        random_outages(toy, **({"n": 10, "seed": 1} | kwargs))


def test_the_optimiser_takes_sparse_shocks(toy):
    from valuechain.opt import build, load_study, solve

    study = load_study("models/toy-battery.yaml")
    dense = study.shock_arrays(toy)
    dense.route_capacity[:, 0, toy.routes.index.get_loc("cn-de-anode")] = 0.3  # a licence cut in year one
    base = solve(build(toy, study)).objective
    a = solve(build(toy, study, shocks=dense)).objective
    b = solve(build(toy, study, shocks=dense.to_sparse())).objective
    assert a > base  # the cut costs something
    assert b == pytest.approx(a, rel=1e-9)
