"""TTR impact, LP time to survive and the risk exposure index; the cross-check with the simulator."""

from __future__ import annotations

import math

import numpy as np
import pytest

import valuechain as vc
from valuechain.analysis.resilience import OperationsLP, risk_exposure_index, ttr_impact, tts_lp
from valuechain.errors import ScenarioError
from valuechain.sim import synthetic_network, time_to_survive

from .conftest import graphite_importer


def test_sim_tts_never_above_lp_on_toy_battery():
    net = vc.load_network("toy-battery")
    sim = time_to_survive(net, periods=24)
    lp = tts_lp(net, periods=24, with_impact=False)
    assert (sim["tts"] <= lp.loc[sim.index, "tts"]).all()
    # not vacuous: some processes cannot be survived for long in either
    assert np.isfinite(lp["tts"]).any()
    assert np.isinf(lp["tts"]).any()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sim_tts_never_above_lp_on_random_networks(seed):
    net = synthetic_network(20, layers=3, regions=3, seed=seed)
    sim = time_to_survive(net, periods=12)
    lp = tts_lp(net, periods=12, with_impact=False)
    assert (sim["tts"] <= lp.loc[sim.index, "tts"]).all()
    assert np.isfinite(sim["tts"]).any()


def test_single_source_by_hand():
    # the only mine of DE's graphite: any outage loses demand at once; 2 of 3 months of 100 t at 10 000;
    # half a month more leaves the mine half its 1000 t a month, still enough for 100 t
    net = graphite_importer()
    op = OperationsLP(net, periods=3)
    assert op.baseline == pytest.approx(0.0)
    assert op.lost(0, 2.0) == pytest.approx(2 * 100 * 10_000)
    assert op.lost(0, 1.5) == pytest.approx(1 * 100 * 10_000)
    t = tts_lp(net, periods=3)
    assert t.loc["cn-mine", "tts"] == 0.0
    # down for its time to recover, two months (the network's period is a month)
    assert t.loc["cn-mine", "ttr"] == 2.0
    assert t.loc["cn-mine", "lost_value"] == pytest.approx(2 * 100 * 10_000)
    assert t.loc["cn-mine", "rei"] == 1.0


def test_ttr_impact_invariants_toy():
    t = ttr_impact(vc.load_network("toy-battery"))
    assert (t["lost_value"] >= 0).all()
    assert t["rei"].max() == 1.0
    assert (t["rei"] >= 0).all()
    assert t["rei"].is_monotonic_decreasing
    assert (t["lost_share"] <= 1).all()


def test_stage_nodes():
    t = ttr_impact(vc.load_network("toy-battery"), kind="stage")
    assert "CN:cell_nmc" in t.index
    single = ttr_impact(vc.load_network("toy-battery"), ["cn-cells"])
    assert t.loc["CN:cell_nmc", "lost_value"] == pytest.approx(single.loc["cn-cells", "lost_value"])


def test_rei_of_nothing_lost():
    r = risk_exposure_index(__import__("pandas").DataFrame({"lost_value": [0.0, 0.0]}, index=["a", "b"]))
    assert r["rei"].tolist() == [0.0, 0.0]


def test_bad_input():
    net = vc.load_network("toy-battery")
    with pytest.raises(ScenarioError, match="unknown process 'cn-cel'"):
        tts_lp(net, ["cn-cel"])
    with pytest.raises(ScenarioError, match="'kind' parameter"):
        ttr_impact(net, kind="plant")


def test_whole_horizon_survived_is_inf():
    t = tts_lp(vc.load_network("toy-battery"), ["de-hydromet"], periods=6, with_impact=False)
    assert math.isinf(t.loc["de-hydromet", "tts"])
