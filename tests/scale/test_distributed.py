"""A Dask cluster gives the summaries of a local run with the same shocks or the same seed."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain import ScenarioError
from valuechain.scenarios import RiskRegister
from valuechain.scenarios.compiled import ShockArrays
from valuechain.sim import default_periods
from valuechain.study.scale import RegisterSample, simulate, simulate_distributed, solve_many

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def net():
    return vc.load_network("global-li-ion-2024")


def _same(a, b) -> None:
    pd.testing.assert_index_equal(a.totals.index, b.totals.index)
    pd.testing.assert_frame_equal(a.totals, b.totals, rtol=1e-9, atol=1e-9)
    pd.testing.assert_frame_equal(a.hubs, b.hubs, rtol=1e-9, atol=1e-9)
    pd.testing.assert_frame_equal(a.stages, b.stages, rtol=1e-9, atol=1e-9)
    pd.testing.assert_frame_equal(a.processes, b.processes, rtol=1e-9, atol=1e-9)
    assert b.kept == "summary"


def test_register_sample_equals_local_stream(client, net):
    reg = RiskRegister.default()
    local = simulate(net, reg.iter_samples(net, 600, seed=7, chunk_size=250, periods=12), mode="re-sourcing")
    spec = RegisterSample(reg, 600, seed=7, periods=12)
    dist = simulate_distributed(client, net, spec, mode="re-sourcing", chunk_size=150)
    _same(local, dist)
    assert local.expected("lost_value") > 0
    assert dist.expected("lost_value") == pytest.approx(local.expected("lost_value"), rel=1e-12)


def test_shock_arrays_keep_their_probabilities(client, net):
    sh = RiskRegister.default().sample(net, 90, seed=2, periods=6)
    rng = np.random.default_rng(0)
    p = rng.uniform(0.1, 1.0, 90)
    sh = dataclasses.replace(sh, probability=p / p.sum())
    local = simulate(net, sh, keep="summary")
    dist = simulate(net, sh, client=client, chunk_size=25)
    _same(local, dist)
    pd.testing.assert_frame_equal(dist.risk(0.9), local.risk(0.9), rtol=1e-9)


def test_iterator_of_chunks_is_streamed(client, net):
    reg = RiskRegister.default()
    local = simulate(net, reg.iter_samples(net, 300, seed=5, chunk_size=100, periods=6))
    dist = simulate(net, reg.iter_samples(net, 300, seed=5, chunk_size=100, periods=6), client=client)
    _same(local, dist)


def test_bad_shocks_fail_before_any_task(client, net):
    toy = vc.load_network("toy-battery")
    sh = ShockArrays.baseline(toy, default_periods(toy, 3), 4)
    with pytest.raises(ScenarioError, match="do not belong to this network"):
        simulate(net, sh, client=client)
    with pytest.raises(ScenarioError, match="needs ShockArrays"):
        simulate_distributed(client, net, 42)


def test_solve_many_matches_local_objectives(client):
    net = vc.load_network("toy-transport")
    study = vc.load_study("models/toy-transport.yaml")
    local = solve_many(net, [study, study])
    dist = solve_many(net, [study, study], client=client)
    assert [round(p.objective, 6) for p in dist] == [round(p.objective, 6) for p in local]
    assert local[0].objective == pytest.approx(153.675, rel=1e-9)
