"""Cells of global-li-ion-2024 may switch graphite when one anode material is cut off."""

from __future__ import annotations

import pytest

import valuechain as vc
from valuechain.scenarios import Outage


@pytest.fixture(scope="module")
def net():
    return vc.load_network("global-li-ion-2024")


def test_a_tonne_of_synthetic_anode_replaces_a_tonne_of_natural(net):
    alt = net.alternatives[net.alternatives["recourse"] == "substitution"].set_index(["process", "commodity"])
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


def test_packs_may_switch_cell_chemistry(net):
    alt = net.alternatives
    chem = alt[(alt["recourse"] == "chemistry_switching") & alt["process"].str.contains("-pack-")].set_index("process")
    packs = [p for p in net.processes.index if "-pack-" in p]
    # every pack process, one row each, but China's storage packs, which may also take sodium-ion cells
    sib = chem[chem["alternative"] == "cell_sib"]
    assert list(sib.index) == ["cn-pack-ess"]
    assert sorted(chem[chem["alternative"] != "cell_sib"].index) == sorted(packs)
    # sodium-ion is asked first: the table keeps an input's alternatives in the order they are drawn on
    assert list(alt.loc[alt["process"] == "cn-pack-ess", "alternative"]) == ["cell_sib", "cell_nmc"]
    # A-chemistry-switching: a GWh of cells for a GWh; storage wholly onto NMC (or, in China, sodium-ion)
    # over 6 months; EV packs a tenth onto the other chemistry over 12, NMC to LFP at the cell price gap
    # 75 - 60 USD/kWh
    assert (chem["coefficient"] == 1.0).all()
    ess = chem[chem.index.str.endswith("-pack-ess")]
    assert set(ess["commodity"]) == {"cell_lfp"}
    assert set(ess["alternative"]) == {"cell_nmc", "cell_sib"}
    assert (ess["share_max"] == 1.0).all()
    assert (ess["ramp_months"] == 6.0).all()
    ev = chem[chem.index.str.contains("-pack-ev-")]
    assert (ev["share_max"] == 0.1).all()
    assert (ev["ramp_months"] == 12.0).all()
    to_lfp = ev[ev["alternative"] == "cell_lfp"]
    assert (to_lfp["variable_cost"] == 15e6).all()
    assert to_lfp.index.str.endswith("-pack-ev-nmc").all()
    assert (ev.loc[ev["alternative"] == "cell_nmc", "variable_cost"] == 0.0).all()


def test_forbidding_chemistry_switching_gives_the_network_without_it(net):
    import numpy as np

    from valuechain.network.model import Network
    from valuechain.scenarios import named

    # The network without the switch: its rows kept but with no share of the activity. (Dropping the rows
    # would change the simulator's visiting order, which puts a process after the hubs of its
    # alternatives: NMC cathode plants' carbonate alternative closes recycling loops through China's
    # carbonate hub, and another edge of those loops takes the one-period lag.)
    tables = {t: df.copy() for t, df in net.tables.items()}
    alt = tables["alternatives"]
    switching = alt["recourse"] == "chemistry_switching"
    alt.loc[switching, "share_max"] = 0.0
    alt.loc[switching, "recourse"] = "substitution"
    before = Network.from_frames(net.name, tables, year=net.year, period=net.period, check_balance=False)
    shock = named("cn-oct2025-reimposed")
    forbidden = vc.simulate(net, shock, periods=24, mode="re-sourcing", chemistry_switching=False, keep="full")
    old = vc.simulate(before, shock, periods=24, mode="re-sourcing", keep="full")
    for name in ("served", "activity", "flow"):
        np.testing.assert_array_equal(forbidden.dataset[name].to_numpy(), old.dataset[name].to_numpy())


def test_chemistry_switching_lowers_the_cost_of_the_oct2025_controls_in_the_optimiser(net):
    # 2025-2027 under the re-imposed controls. When the switch was added the objective fell from
    # 5.559e11 to 5.458e11; since the world's supply may grow to meet demand (growth options outside
    # the EU), the controls cost less and so does the switch: 4.2392e11 to 4.2360e11, 0.32e9 less; since
    # NMC and LFP cell lines cost the same per kWh to make (P1001), the switch saves on materials and
    # capacity only: 4.68525e11 to 4.68459e11, 6.6e7 less (an LP solved to a relative 1e-7, about 5e4)
    from valuechain.opt import Study, optimise

    objective = {
        chem: optimise(
            net,
            Study(start=2025, years=3, scenarios=("cn-oct2025-reimposed",), stocks=False, chemistry_switching=chem),
        ).objective
        for chem in (False, True)
    }
    assert objective[True] < objective[False] - 1e7


def test_sodium_ion_cells_stand_in_for_lfp_in_chinas_storage_packs(net):
    # China's sodium-ion plants (1 + 4.5 GWh a year, P1107, P1108) make nothing in the baseline. Stop
    # China's LFP cell lines: once the LFP cells' stock is gone (month 3), its storage packs may run on
    # sodium-ion cells (asked first) and NMC cells, each for a share of their activity that rises to
    # all of it over 6 months; China has no spare NMC cells, so from month 7 the packs run on the
    # sodium-ion plants' whole capacity, 5.5 / 12 GWh a month. Forbidding chemistry switching leaves
    # the plants idle and the packs stopped.
    import numpy as np

    from valuechain.scenarios.compiled import ShockArrays
    from valuechain.sim import default_periods, simulate

    sib = net.processes.loc["cn-cells-sib"]
    assert (float(sib["capacity"]), float(sib["baseline_activity"])) == (5.5, 0.0)
    sh = ShockArrays.baseline(net, default_periods(net, 8), ["cn-lfp-cells"])
    sh.process_capacity[0, :, net.processes.index.get_loc("cn-cells-lfp")] = 0.0
    runs = {
        allow: simulate(net, sh, mode="re-sourcing", keep="full", chemistry_switching=allow).dataset.isel(scenario=0)
        for allow in (True, False)
    }
    made = {k: ds["activity"].sel(process="cn-cells-sib").to_numpy() for k, ds in runs.items()}
    packs = {k: ds["activity"].sel(process="cn-pack-ess").to_numpy() for k, ds in runs.items()}
    assert np.allclose(made[False], 0.0)
    np.testing.assert_allclose(packs[False][2:], 0.0, atol=1e-9)
    # (rtol: what the pulls take agrees with the capacity to about 1e-8, as elsewhere on this network)
    np.testing.assert_allclose(made[True][6:], 5.5 / 12, rtol=1e-7)
    np.testing.assert_allclose(packs[True][6:], 5.5 / 12, rtol=1e-7)
