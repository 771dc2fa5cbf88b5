"""The plant-level synthetic generator: seeded, balanced, multi-tier, concentrated, cyclic."""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pytest

from valuechain import NetworkError
from valuechain.network import baseline_imbalance
from valuechain.network.synthetic import synthetic_network, synthetic_tables
from valuechain.sim import simulate


@pytest.fixture(scope="module")
def net():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the loader must not warn about the baseline
        return synthetic_network(3000, tiers=5, regions=15, seed=21)


def test_same_seed_same_network():
    a, b = synthetic_network(300, seed=4), synthetic_network(300, seed=4)
    assert a.equals(b)
    assert not a.equals(synthetic_network(300, seed=5))


def test_baseline_balances_at_every_hub(net):
    bal = baseline_imbalance(net.tables)
    assert bal["imbalance"].abs().max() <= 1e-9 * bal["production"].abs().max()
    assert len(net.processes) == 3000
    assert (net.demand["quantity"] > 0).all()


def test_tiers_recipes_co_products_and_loops(net):
    r = net.recipes
    outputs = r[r["kind"] == "output"].groupby("process").size()
    inputs = r[r["kind"] == "input"].groupby("process").size()
    assert (outputs > 1).sum() > 0.1 * len(net.processes)  # co-products
    assert (inputs == 2).sum() > 0.2 * len(net.processes)  # multi-input recipes
    assert list(net.commodities["stage"].unique()) == ["mining", "refining", "precursor", "active material", "cell"]
    assert (net.commodities.loc[net.commodities["stage"] == "cell", "unit"] == "GWh").all()
    assert not nx.is_directed_acyclic_graph(net.graph)  # recycling loops
    assert len(net.routes) > 0
    assert (net.routes["origin"] != net.routes["destination"]).all()


def test_supplier_concentration_is_skewed(net):
    out = net.recipes[net.recipes["kind"] == "output"].drop_duplicates("process")
    tier = out.set_index("process")["commodity"].str.split("_").str[0]
    p = net.processes.assign(tier=tier.reindex(net.processes.index))
    cap = p.groupby(["tier", "region"])["baseline_activity"].sum()
    top_share = (cap.groupby(level=0).max() / cap.groupby(level=0).sum()).to_numpy()
    assert (top_share > 2.0 / 15).all()  # well above an even split over 15 regions
    sizes = p["baseline_activity"] / p.groupby("tier")["baseline_activity"].transform("median")
    assert sizes.quantile(0.99) > 5 * sizes.quantile(0.5)  # lognormal plant sizes


def test_no_shortfall_at_baseline():
    small = synthetic_network(400, seed=8)
    res = simulate(small, periods=12, mode="re-sourcing")
    assert res.totals["max_shortfall_share"].iloc[0] < 1e-9
    assert res.hubs["demand"].sum() > 0


def test_tables_are_built_without_validation():
    t = synthetic_tables(1000, seed=2)
    assert len(t["processes"]) == 1000
    assert np.isfinite(t["routes"]["baseline_flow"]).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_processes": 5}, r"'n_processes' parameter of synthetic_network must be an integer >= 11"),
        ({"n_processes": 100, "tiers": 1}, r"'tiers' parameter .* in \[2, 50\]. Got 1"),
        ({"n_processes": 100, "commodities_per_tier": 50}, r"'commodities_per_tier'.*every commodity needs a plant"),
        ({"n_processes": 100, "regions": True}, r"'regions' parameter"),
    ],
)
def test_bad_parameters_are_named(kwargs, match):
    with pytest.raises(NetworkError, match=match):
        synthetic_network(**kwargs)
