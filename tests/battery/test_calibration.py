"""The global network reproduces the published figures it is built from.

Targets are read from the network folder's ``calibration_targets.csv`` (figure, tolerance, source id and the value as
the source states it), not from the network: shares within +-3 percentage points, world totals
within +-10%.
"""

import csv
import warnings
from pathlib import Path

import pytest

import valuechain as vc
from valuechain.analysis import stage_shares
from valuechain.errors import NetworkWarning

TARGET_FILE = Path(__file__).resolve().parents[2] / "networks" / "global-li-ion-2024" / "calibration_targets.csv"
with open(TARGET_FILE, encoding="utf-8", newline="") as _fh:
    TARGETS = list(csv.DictReader(_fh))


@pytest.fixture(scope="module")
def net():
    with warnings.catch_warnings():
        warnings.simplefilter("error", NetworkWarning)
        return vc.load_network("global-li-ion-2024")


def computed(net, t):
    coms = t["commodities"].split(";")
    if t["kind"] == "total":
        if t["measure"] == "demand":
            return float(net.demand.loc[net.demand["commodity"].isin(coms), "quantity"].sum())
        return sum(stage_shares(net, c, measure=t["measure"]).attrs["total"] for c in coms)
    members = net.members(t["region"])
    made, world = 0.0, 0.0
    for c in coms:
        s = stage_shares(net, c, measure=t["measure"], made_from=t["made_from"] or None)
        total = s.attrs["total"]
        made += total * s.reindex(members).fillna(0.0).sum()
        world += total
    return made / world


@pytest.mark.parametrize("t", TARGETS, ids=[t["id"] for t in TARGETS])
def test_calibration(net, t):
    value = computed(net, t)
    target, tol = float(t["target"]), float(t["tolerance"])
    if t["kind"] == "share":
        assert abs(value - target) <= tol, f"{t['description']}: {value:.3f} vs {target:.3f} ({t['source']})"
    else:
        assert abs(value / target - 1) <= tol, f"{t['description']}: {value:.1f} vs {target:.1f} ({t['source']})"


@pytest.mark.parametrize("t", TARGETS, ids=[t["id"] for t in TARGETS])
def test_target_matches_its_source(net, t):
    # The target is the figure its source states: the network's sources table records it.
    note = str(net.sources.at[t["source"], "note"])
    assert f"= {t['source_value']}" in note, (t["source"], note)


def test_lower_bounds_from_sources(net):
    # Figures given only as bounds: China makes over three quarters of cells (P003), Indonesia over
    # half of mined nickel (P078), China over 70% of recycling capacity (P238), LFP over 45% of EV
    # batteries (P023), over half of Europe's black mass leaves it (P292).
    cells = sum(
        stage_shares(net, c).attrs["total"] * stage_shares(net, c).get("CN", 0) for c in ("cell_nmc", "cell_lfp")
    )
    world = sum(stage_shares(net, c).attrs["total"] for c in ("cell_nmc", "cell_lfp"))
    assert cells / world > 0.75
    assert stage_shares(net, "nickel_ore").get("ID", 0) > 0.50
    assert stage_shares(net, "lithium_chem", measure="capacity", made_from="black_mass").get("CN", 0) > 0.70
    ev_lfp = net.processes.index.str.contains("-pack-ev-lfp")
    ev_nmc = net.processes.index.str.contains("-pack-ev-nmc")
    act = net.baseline_activity
    assert act[ev_lfp].sum() / (act[ev_lfp].sum() + act[ev_nmc].sum()) > 0.45
    eu = vc.dependency(net, "EU27", commodities=["black_mass"])
    m = eu[eu["view"] == "direct"].set_index("metric")["value"]
    assert m["exports"] / m["production"] > 0.5
