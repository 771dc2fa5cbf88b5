"""Time to survive, criticality rankings and the synthetic network generator."""

from __future__ import annotations

import numpy as np
import pytest

from valuechain.errors import ScenarioError
from valuechain.sim import criticality, default_periods, outage_shocks, simulate, synthetic_network, time_to_survive


def test_criticality_ranks_single_outage_runs(toy):
    crit = criticality(toy, periods=12)
    assert sorted(crit.index) == sorted(toy.processes.index)
    assert list(crit["rank"]) == list(range(1, len(toy.processes) + 1))
    assert (np.diff(crit["lost_value"].to_numpy()) <= 0).all()
    # each row is the lost value of that process knocked out alone, run on its own
    for pid in (crit.index[0], crit.index[5], crit.index[-1]):
        sh = outage_shocks(toy, [pid], [12], default_periods(toy, 12))
        assert simulate(toy, sh, keep="summary").expected() == pytest.approx(crit.at[pid, "lost_value"], rel=1e-12)
    assert crit["lost_value"].iloc[0] > 0


@pytest.mark.parametrize("kind", ["process", "hub"])
def test_time_to_survive_is_the_longest_survivable_outage(toy, kind):
    periods = 12
    tts = time_to_survive(toy, kind=kind, periods=periods)
    per = default_periods(toy, periods)
    names = list(tts.index)
    finite = [n for n in names if np.isfinite(tts.at[n, "tts"])]
    assert finite
    worst = lambda sh: simulate(toy, sh, mode="re-sourcing", keep="summary").totals["max_shortfall_share"].to_numpy()  # noqa: E731
    d = tts.loc[finite, "tts"].astype(int).to_numpy()
    ok = worst(outage_shocks(toy, finite, d, per, kind=kind))
    fail = worst(outage_shocks(toy, finite, d + 1, per, kind=kind))
    assert (ok <= 1e-6).all()
    assert (fail > 1e-6).all()
    inf = [n for n in names if not np.isfinite(tts.at[n, "tts"])]
    if inf:
        assert (worst(outage_shocks(toy, inf, [periods] * len(inf), per, kind=kind)) <= 1e-6).all()
    if kind == "process":
        assert {"ttr", "at_risk"} <= set(tts.columns)
        assert (tts["at_risk"] == (tts["tts"] < tts["ttr"])).all()


def test_time_to_survive_rejects_unknown_targets(toy):
    with pytest.raises(ScenarioError, match=r"unknown process 'cn-cels'.*closest: cn-cells"):
        time_to_survive(toy, ["cn-cels"])
    with pytest.raises(ScenarioError, match="'kind' parameter"):
        time_to_survive(toy, kind="plant")


def test_synthetic_network_is_seeded_balanced_and_cyclic():
    import networkx as nx

    a = synthetic_network(200, seed=11, loops=3)
    b = synthetic_network(200, seed=11, loops=3)
    c = synthetic_network(200, seed=12, loops=3)
    assert a.equals(b)
    assert not a.equals(c)
    assert 150 <= len(a.processes) <= 220
    from valuechain.network import baseline_imbalance

    bal = baseline_imbalance(a.tables)
    assert bal["imbalance"].abs().max() <= 1e-6 * bal["production"].abs().max()
    assert not nx.is_directed_acyclic_graph(a.graph)
    assert (a.recipes.groupby("process")["kind"].apply(lambda k: (k == "output").sum()) > 1).any()
