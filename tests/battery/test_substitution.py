"""Cells of global-li-ion-2024 may switch graphite when one anode material is cut off."""

from __future__ import annotations

import pytest

import valuechain as vc
from valuechain.scenarios import Outage


@pytest.fixture(scope="module")
def net():
    return vc.load_network("global-li-ion-2024")


def test_a_tonne_of_synthetic_anode_replaces_a_tonne_of_natural(net):
    alt = net.alternatives.set_index(["process", "commodity"])
    rec = net.recipes.set_index(["process", "commodity", "kind"])["coefficient"]
    for (p, com), row in alt.iterrows():
        # A-anode-substitution: t per t, so the alternative's coefficient is the input's own
        assert row["coefficient"] == pytest.approx(rec[(p, com, "input")], rel=1e-6)
    assert set(alt.index.get_level_values(0)) == {
        p for p, c, k in rec.index if k == "output" and c in ("cell_nmc", "cell_lfp") and p in net.processes.index
    }  # every cell plant (expansion options are the optimiser's, with recipes of their own)


def test_stopping_chinas_natural_anode_plants_no_longer_loses_most_cells(net):
    # the world makes 1,000 GWh of cells a year, 2,000 GWh over the two years of the outage
    shock = Outage("cn-anode_natural", start=0, duration=24)
    lost = {
        sub: float(
            vc.simulate(net, shock, periods=24, mode="re-sourcing", substitution=sub).totals["lost_cells_gwh"].iloc[0]
        )
        for sub in (False, True)
    }
    assert lost[False] > 0.9 * 2000  # every cell needs natural-graphite anode: 1,876 GWh
    assert lost[True] < 0.15 * 2000  # synthetic anode takes its place after the 3-month ramp: 217 GWh
