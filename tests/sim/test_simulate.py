"""Properties of simulate() on the bundled and synthetic networks (real Numba kernel)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain.errors import ScenarioError, ValueChainError
from valuechain.scenarios.compiled import ShockArrays
from valuechain.sim import default_periods, simulate, synthetic_network


def outages(net, severities, durations, periods=24, targets=None):
    """One scenario per (process, severity, duration): capacity x (1 - severity) from period 0."""
    targets = list(net.processes.index) if targets is None else targets
    keys = [(p, s, d) for p in targets for s in severities for d in durations]
    sh = ShockArrays.baseline(net, default_periods(net, periods), [f"{p}|{s}|{d}" for p, s, d in keys])
    for i, (p, s, d) in enumerate(keys):
        sh.process_capacity[i, :d, net.processes.index.get_loc(p)] = 1.0 - s
    return sh, keys


@pytest.mark.parametrize("mode", ["pro-rata", "re-sourcing"])
@pytest.mark.parametrize("name", ["toy-battery", "synthetic"])
def test_no_shock_no_shortfall_where_baseline_balances(toy, mode, name):
    net = toy if name == "toy-battery" else synthetic_network(300, seed=4)
    res = simulate(net, mode=mode)
    ds = res.dataset
    dem = ds["demand"].to_numpy()
    assert dem.sum() > 0
    assert np.all(ds["shortfall"].to_numpy() <= 1e-9 * dem + 1e-9)
    assert res.totals["max_shortfall_share"].iloc[0] < 1e-9
    # stocks neither drawn down nor built up: the baseline is a steady state
    stock0 = net.hubs.assign(h=net.hub_ids).set_index("h")["initial_stock"]
    np.testing.assert_allclose(
        ds["stock"].isel(scenario=0).to_numpy(), np.tile(stock0.loc[ds.hub].to_numpy(), (24, 1)), rtol=1e-9, atol=1e-6
    )


def test_served_plus_shortfall_is_demand(toy):
    sh, _ = outages(toy, [0.5, 1.0], [3, 12])
    sh.demand[:, 5:9, :] = 1.3
    for mode in ("pro-rata", "re-sourcing"):
        ds = simulate(toy, sh, mode=mode).dataset
        np.testing.assert_allclose(
            (ds["served"] + ds["shortfall"]).to_numpy(), ds["demand"].to_numpy(), rtol=1e-12, atol=1e-9
        )
        assert float(ds["shortfall"].sum()) > 0
        assert (ds["served"].to_numpy() >= 0).all()
        # a hub hands out no more than it has; stocks stay within [0, level]
        assert (ds["stock"].to_numpy() >= 0).all()


@pytest.mark.parametrize("mode", ["pro-rata", "re-sourcing"])
def test_shortfall_grows_with_severity_and_duration(toy, mode):
    sev, dur = [0.2, 0.5, 0.8, 1.0], [1, 3, 6, 12]
    sh, _ = outages(toy, sev, dur)
    res = simulate(toy, sh, mode=mode, keep="summary")
    lost = res.totals["lost_value"].to_numpy().reshape(len(toy.processes), len(sev), len(dur))
    cells = res.totals["lost_cells_gwh"].to_numpy().reshape(lost.shape)
    for x in (lost, cells):
        tol = 1e-9 * max(1.0, x.max())
        assert (np.diff(x, axis=1) >= -tol).all()
        assert (np.diff(x, axis=2) >= -tol).all()
    assert lost.max() > 0


def test_resourcing_never_worse_than_pro_rata(toy):
    sh, _ = outages(toy, [0.3, 0.7, 1.0], [2, 6, 24])
    net2 = synthetic_network(120, seed=9)
    rng = np.random.default_rng(0)
    sh2 = ShockArrays.baseline(net2, default_periods(net2, 12), 40)
    sh2.process_capacity[...] = np.where(
        rng.random(sh2.process_capacity.shape) < 0.05, rng.uniform(0, 1, sh2.process_capacity.shape), 1.0
    )
    for net, shocks in ((toy, sh), (net2, sh2)):
        pro = simulate(net, shocks, keep="summary").totals["lost_value"].to_numpy()
        res = simulate(net, shocks, mode="re-sourcing", keep="summary").totals["lost_value"].to_numpy()
        assert (res <= pro + 1e-9 * max(1.0, pro.max())).all()
        assert pro.sum() > 0


def _shuffled(net, seed):
    rng = np.random.default_rng(seed)
    tables = {}
    for name, df in net.tables.items():
        df = df.iloc[rng.permutation(len(df))]
        tables[name] = df.reset_index() if df.index.name == "id" else df
    return vc.Network.from_frames(net.name, tables, year=net.year, period=net.period, units=net.units)


def _relabelled(net, sh_src, src_net):
    """The shocks of ``sh_src`` (for src_net) re-expressed for ``net``, by label."""
    sh = ShockArrays.baseline(net, sh_src.periods, list(sh_src.scenarios))
    sh.process_capacity[...] = sh_src.process_capacity[:, :, src_net.processes.index.get_indexer(net.processes.index)]
    sh.route_capacity[...] = sh_src.route_capacity[:, :, src_net.routes.index.get_indexer(net.routes.index)]
    key = lambda n: list(zip(n.demand["region"], n.demand["commodity"], strict=True))  # noqa: E731
    pos = [key(src_net).index(k) for k in key(net)]
    sh.demand[...] = sh_src.demand[:, :, pos]
    return sh


@pytest.mark.parametrize("mode", ["pro-rata", "re-sourcing"])
def test_identical_results_whatever_the_row_order(toy, mode):
    rng = np.random.default_rng(3)
    for net in (toy, synthetic_network(150, seed=2)):
        sh = ShockArrays.baseline(net, default_periods(net, 12), 6)
        sh.process_capacity[...] = rng.choice(
            [0.0, 0.4, 1.0, 1.2], size=sh.process_capacity.shape, p=[0.1, 0.1, 0.7, 0.1]
        )
        sh.route_capacity[...] = rng.choice([0.0, 1.0], size=sh.route_capacity.shape, p=[0.1, 0.9])
        a = simulate(net, sh, mode=mode).dataset
        again = simulate(net, sh, mode=mode).dataset
        assert a.equals(again)
        for seed in (1, 2):
            other = _shuffled(net, seed)
            assert list(other.processes.index) != list(net.processes.index)
            b = simulate(other, _relabelled(other, sh, net), mode=mode).dataset
            for var in ("served", "shortfall", "stock", "supply", "activity", "flow", "lost_value"):
                np.testing.assert_array_equal(a[var].to_numpy(), b[var].sel({d: a[d] for d in a[var].dims}).to_numpy())


def test_numba_kernel_is_what_runs(toy):
    from numba.core.registry import CPUDispatcher

    from valuechain.sim import kernel

    simulate(toy)
    assert isinstance(kernel.simulate_kernel, CPUDispatcher)
    assert kernel.simulate_kernel.signatures, "the compiled kernel was never called"


def test_summary_mode_and_chunks_match_full(toy):
    sh, _ = outages(toy, [0.5, 1.0], [2, 8])
    prob = np.random.default_rng(1).random(sh.n_scenarios)
    sh2 = dataclasses.replace(sh, probability=prob / prob.sum())
    full = simulate(toy, sh2)
    summ = simulate(toy, sh2, keep="summary", chunk_size=5)
    assert summ.kept == "summary"
    pd.testing.assert_frame_equal(full.totals, summ.totals, rtol=1e-12)
    pd.testing.assert_frame_equal(full.hubs, summ.hubs, rtol=1e-9)
    pd.testing.assert_frame_equal(full.processes, summ.processes, rtol=1e-9)
    pd.testing.assert_frame_equal(full.risk(), summ.risk(), rtol=1e-12)
    # the per-scenario lost value is the period sum of the dataset's
    np.testing.assert_allclose(
        full.dataset["lost_value"].sum("period").to_numpy(), full.totals["lost_value"].to_numpy()
    )
    # expected lost value is probability weighted
    assert full.expected() == pytest.approx(float((full.totals["lost_value"] * prob / prob.sum()).sum()))


def test_risk_measures_order_and_brute_force():
    from valuechain.sim import cvar, value_at_risk

    rng = np.random.default_rng(5)
    x = rng.exponential(size=400)
    p = np.full(400, 1 / 400)
    var = value_at_risk(x, p, 0.9)
    c = cvar(x, p, 0.9)
    assert c == pytest.approx(np.sort(x)[-40:].mean())
    assert x.mean() <= var <= c <= x.max()


def test_lost_cells_and_first_to_run_dry(toy):
    sh = ShockArrays.baseline(toy, default_periods(toy, 12), ["graphite"])
    sh.process_capacity[0, :6, toy.processes.index.get_loc("cn-graphite-mine")] = 0.0
    res = simulate(toy, sh)
    lost = res.totals.at["graphite", "lost_cells_gwh"]
    # lost cell output equals the shortfall of cell demand here (cells go straight to final demand)
    cell_short = float(res.dataset["shortfall"].sel(hub=["CN:cell_nmc", "DE:cell_nmc"]).sum())
    assert lost == pytest.approx(cell_short, rel=1e-9)
    dry = res.first_dry(3)
    assert dry.index[0] == "cn-aam"
    assert dry["earliest_dry"].iloc[0] <= dry["earliest_dry"].iloc[-1]
    assert "cn-graphite-mine" not in res.processes.index[res.processes["p_dry"] > 0]


def test_result_repr_and_plot(toy):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    sh, _ = outages(toy, [1.0], [4], targets=["cn-cells", "de-cells"])
    res = simulate(toy, sh)
    text = repr(res)
    assert "toy-battery" in text
    assert "CVaR95" in text
    assert "worst hubs" in text
    fig = res.plot_shortfall()
    assert isinstance(fig, Figure)
    assert fig.axes[0].get_lines()


def test_bad_input_gives_one_line_errors(toy):
    with pytest.raises(ScenarioError, match="'mode' parameter of simulate must be one of"):
        simulate(toy, mode="fastest")
    with pytest.raises(ScenarioError, match="'keep' parameter"):
        simulate(toy, keep="all")
    with pytest.raises(ScenarioError, match="do not belong to this network"):
        simulate(toy, ShockArrays.baseline(vc.load_network("toy-transport"), default_periods(toy, 3)))
    with pytest.raises(ScenarioError, match="'start' parameter"):
        simulate(toy, start="not a month")
    one = ShockArrays.baseline(toy, default_periods(toy, 24), 1)
    n = 250_000  # about 5 GiB of full tensors on toy-battery; the arrays below are broadcast views

    def wide(a):
        return np.broadcast_to(a, (n, *a.shape[1:]))

    big = dataclasses.replace(
        one,
        scenarios=pd.RangeIndex(n, name="scenario"),
        probability=np.full(n, 1.0 / n),
        process_capacity=wide(one.process_capacity),
        route_capacity=wide(one.route_capacity),
        demand=wide(one.demand),
        expansion_allowed=wide(one.expansion_allowed),
    )
    with pytest.raises(ScenarioError, match="use keep='summary'"):
        simulate(toy, big, keep="full")
    with pytest.raises(ValueChainError, match="expects a Network"):
        simulate("toy-battery")


def test_streamed_chunks_match_one_run(toy):
    sh, _ = outages(toy, [0.3, 1.0], [2, 6, 12])
    one = simulate(toy, sh, keep="summary")
    parts = [sh.select(list(range(i, min(i + 10, sh.n_scenarios)))) for i in range(0, sh.n_scenarios, 10)]
    streamed = simulate(toy, iter(parts))
    assert streamed.kept == "summary"
    np.testing.assert_allclose(
        streamed.totals["lost_value"].to_numpy(), one.totals["lost_value"].to_numpy(), rtol=1e-12
    )
    np.testing.assert_allclose(streamed.probability, one.probability, rtol=1e-12)
    pd.testing.assert_frame_equal(streamed.hubs, one.hubs, rtol=1e-9)
    pd.testing.assert_frame_equal(streamed.risk(), one.risk(), rtol=1e-9)
    with pytest.raises(ScenarioError, match="must yield ShockArrays"):
        simulate(toy, iter([1, 2]))
