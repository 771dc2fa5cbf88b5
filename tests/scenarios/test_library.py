"""The named library: every entry is cited, compiles on the toy networks (or is skipped cleanly)
and hits what it says on a network with the canonical ids."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import valuechain as vc
from valuechain.errors import ScenarioError
from valuechain.network.model import Network
from valuechain.scenarios import ScenarioWarning, compile_shocks, explain, library, named, names

NAMES = names()


def test_library_table() -> None:
    t = library()
    assert t.index.tolist() == NAMES
    assert list(t.columns) == ["description", "shocks", "source"]
    assert (t["description"].str.len() > 40).all()
    assert (t["source"].str.len() > 10).all()
    assert t["shocks"].str.len().gt(0).all()


def test_required_entries_are_there() -> None:
    for n in (
        "cn-graphite-2023",
        "cn-tech-catalogue-2025",
        "cn-oct2025-controls",
        "cn-oct2025-reimposed",
        "cd-cobalt-2025",
        "id-nickel-ore-ban",
        "eu-black-mass-2026",
        "eu-cellmaker-insolvency",
        "cn-midstream-all",
    ):
        assert n in NAMES


def test_unknown_name_names_the_closest() -> None:
    with pytest.raises(
        ScenarioError,
        match=r"^unknown scenario 'cn-grafite-2023'; expected a name from the library.*closest: cn-graphite-2023",
    ):
        named("cn-grafite-2023")


def test_named_returns_fresh_objects() -> None:
    a = named("cn-graphite-2023")
    a.shocks.clear()
    assert named("cn-graphite-2023").shocks


def test_licensing_regimes_are_not_bans() -> None:
    # the share let through: 1 - severity of a flat control, the long-run approval of a regime
    for n in ("cn-graphite-2023", "cn-oct2025-controls", "cn-oct2025-reimposed"):
        through = [
            s.approval if s.is_regime else 1 - s.severity
            for s in named(n).shocks
            if type(s).__name__ == "ExportControl"
        ]
        assert through
        assert all(0 < v < 1 for v in through)
        assert "assumption" in named(n).source.lower()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("network", ["toy-battery", "toy-transport"])
def test_every_entry_compiles_or_is_skipped_cleanly(name: str, network: str) -> None:
    net = vc.load_network(network)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = compile_shocks(net, named(name), periods=24)
    assert all(issubclass(w.category, ScenarioWarning) for w in caught)
    touched = (m.route_capacity < 1).any() or (m.process_capacity < 1).any() or not m.expansion_allowed.all()
    assert touched != bool(caught)  # either it does something, or it says it does nothing
    # front-loading before a licence regime's effective date raises a route's multiplier above 1,
    # at most to 1 + the entry's largest front_load
    rush = max((float(getattr(s, "front_load", 0.0)) for s in named(name).shocks), default=0.0)
    assert ((m.route_capacity >= 0) & (m.route_capacity <= 1 + rush + 1e-12)).all()


def test_entries_with_toy_commodities_hit_the_toy(toy: Network) -> None:
    def routes_hit(name: str) -> set[str]:
        m = compile_shocks(toy, named(name), periods=24)
        return {r for i, r in enumerate(m.routes) if (m.route_capacity[0, :, i] < 1).any()}

    assert routes_hit("cn-graphite-2023") == {"cn-de-anode"}
    assert routes_hit("eu-black-mass-2026") == {"de-cn-black-mass"}
    assert routes_hit("cn-oct2025-controls") == {"cn-de-cam", "cn-de-cells"}


@pytest.mark.parametrize("name", NAMES)
def test_every_entry_hits_the_canonical_network(canon: Network, name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)
        t = explain(canon, named(name), periods=36)
    hits = t[t["table"] != ""]
    # every shock hits something on a network that has its names
    assert set(hits["shock"]) == set(range(1, len(named(name).shocks) + 1)), t.to_string()


def test_canonical_hits_are_the_right_ones(canon: Network) -> None:
    m = compile_shocks(canon, named("eu-black-mass-2026"), periods=3)
    assert np.all(m.route_capacity[0, :, m.routes.get_loc("de-cn-black_mass")] == 0)
    assert np.all(m.route_capacity[0, :, m.routes.get_loc("de-kr-black_mass")] == 1)
    m = compile_shocks(canon, named("cn-tech-catalogue-2025"), periods=3)
    assert dict(zip(m.expansions, m.expansion_allowed[0], strict=True)) == {
        "de-lfp-cn": False,
        "de-li-cn": False,
        "de-cells-cn": True,
        "de-cells-kr": True,
        "cn-lfp": True,
    }
    m = compile_shocks(canon, named("eu-cellmaker-insolvency"), periods=30)
    se = m.process_capacity[0, :, m.processes.get_loc("se-cells")]
    assert se[:12].max() == 0
    assert se[24:].min() == 1
    assert np.all(np.diff(se[11:25]) > 0)
    m = compile_shocks(canon, named("cd-cobalt-2025"), periods=36)
    co = m.route_capacity[0, :, m.routes.get_loc("cd-cn-cobalt_ore")]
    assert str(m.periods[0]) == "2025-02"
    # From 22 February (ARECOMS decision 001/2025): 21 of February's 28 days open, then none until October, and
    # the quota's 60 % from November on.
    assert co[0] == pytest.approx(21 / 28)
    assert co[1:8].max() == 0
    # October: banned to the 16th, then the quota's 60 % for its last 16 of 31 days (the library gives the ban's
    # duration to 1e-5 of a month)
    assert co[8] == pytest.approx(16 / 31 * 0.6, abs=1e-5)
    assert np.allclose(co[9:35], 0.6)


@pytest.mark.skipif("global-li-ion-2024" not in vc.list_networks().index, reason="the global network is not bundled")
@pytest.mark.parametrize("name", NAMES)
def test_every_entry_compiles_on_the_global_network(name: str) -> None:
    net = vc.load_network("global-li-ion-2024")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        m = compile_shocks(net, named(name), periods=36)
    assert (m.route_capacity >= 0).all()
