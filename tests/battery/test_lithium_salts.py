"""Lithium carbonate and lithium hydroxide in global-li-ion-2024: who makes, who uses, who may switch."""

from __future__ import annotations

import numpy as np
import pytest

import valuechain as vc
from valuechain.scenarios import Outage

CARBONATE, HYDROXIDE = "lithium_carbonate", "lithium_hydroxide"


@pytest.fixture(scope="module")
def net():
    return vc.load_network("global-li-ion-2024")


def _inputs(net, product):
    """Input coefficients of every 2024 process that makes ``product``: {process: {commodity: coefficient}}."""
    rec = net.recipes[net.recipes["process"].isin(net.processes.index)]
    makers = set(rec[(rec["kind"] == "output") & (rec["commodity"] == product)]["process"])
    ins = rec[(rec["kind"] == "input") & rec["process"].isin(makers)]
    out: dict[str, dict[str, float]] = {p: {} for p in makers}
    for p, c, k in zip(ins["process"], ins["commodity"], ins["coefficient"], strict=True):
        out[p][c] = k
    return out


def test_lfp_cathode_draws_carbonate_only(net):
    # LiFePO4 holds 6.94 / 157.76 = 4.399 % lithium; x 5.323 t LCE per t Li = 0.23416 t LCE per t.
    lfp = _inputs(net, "cam_lfp")
    assert lfp
    for p, ins in lfp.items():
        assert set(ins) == {CARBONATE}, p
        assert ins[CARBONATE] == pytest.approx(6.94 / 157.76 * 5.323, rel=1e-6), p


def test_nmc_cathode_draws_hydroxide_only(net):
    # The NMC blend holds (7.13 + 7.16) / 2 = 7.145 % lithium; x 5.323 = 0.38033 t LCE per t, all of it
    # hydroxide (A-lithium-salts); the precursor is 0.95 t per t.
    nmc = _inputs(net, "cam_nmc")
    assert nmc
    for p, ins in nmc.items():
        assert set(ins) == {"pcam", HYDROXIDE}, p
        assert ins[HYDROXIDE] == pytest.approx(0.07145 * 5.323, rel=1e-6), p


def test_nmc_plants_may_run_their_622_share_on_carbonate(net):
    # Every NMC cathode process has one row: hydroxide -> carbonate, t LCE for t LCE, on at most the NMC
    # 622 share of the blend's cathode mass, 1.539 / (1.400 + 1.539) = 0.52, over 6 months.
    alt = net.alternatives[net.alternatives["commodity"] == HYDROXIDE].set_index("process")
    assert sorted(alt.index) == sorted(_inputs(net, "cam_nmc"))
    assert (alt["alternative"] == CARBONATE).all()
    assert np.allclose(alt["coefficient"], 0.07145 * 5.323, rtol=1e-6)
    assert (alt["share_max"] == 0.52).all()
    assert (alt["ramp_months"] == 6.0).all()
    assert (alt["recourse"] == "chemistry_switching").all()
    assert not (net.alternatives["commodity"] == CARBONATE).any()  # LFP may not move onto hydroxide


def test_refineries_split_by_the_published_output(net):
    # China: 360 kt of hydroxide monohydrate x 0.8805 = 316,980 t LCE against 670 kt of carbonate (P301,
    # P302): 316,980 / 986,980 = 32.12 % hydroxide. Chile: USD 1.01 bn of hydroxide x 0.8805 against
    # USD 6.06 bn of carbonate (T055): 0.8893 / 6.9493 = 12.80 %. Argentina carbonate only, Australia
    # hydroxide only. Recyclers recover carbonate (P306).
    act = net.baseline_activity

    def made(region, salt):
        pid = f"{region.lower()}-{salt}"
        return float(act[pid]) if pid in act.index else 0.0

    for region, share in (("CN", 316_980 / 986_980), ("CL", 1.01 * 0.8805 / (6.06 + 1.01 * 0.8805))):
        total = made(region, CARBONATE) + made(region, HYDROXIDE)
        assert made(region, HYDROXIDE) / total == pytest.approx(share, rel=1e-6), region
    assert made("AR", HYDROXIDE) == 0.0
    assert made("AR", CARBONATE) > 0
    assert made("AU", CARBONATE) == 0.0
    assert made("AU", HYDROXIDE) == pytest.approx(10_000.0)  # A-refining: 10 kt LCE
    rec = net.recipes
    hydromet = rec[rec["process"].str.endswith("-hydromet") & (rec["kind"] == "output")]
    assert set(hydromet[hydromet["commodity"].str.startswith("lithium_")]["commodity"]) == {CARBONATE}


def test_nmc_plants_switch_to_carbonate_when_hydroxide_is_cut(net):
    # Half of every hydroxide refinery's capacity is lost for two years. Refineries run at 75 % of
    # capacity (A-utilisation), so what is left makes 0.5 / 0.75 = 2/3 of their 2024 output, and NMC
    # cathode plants without the switch settle at 2/3 of their plan once stocks are gone: a third of the
    # world's NMC cells (509.9 GWh a year) is lost. The stocks in the chain (45 days at the refinery
    # hubs, 30 at cathode, 45 at cells, 15 at packs: 135 days, about 4.5 months) delay that by at most 8
    # months, so the loss without the switch lies between 509.9 / 3 x 16 / 12 = 226.6 GWh and
    # 509.9 / 3 x 2 = 339.9 GWh.
    # With the switch an NMC plant may run up to 0.52 of its activity on carbonate: with 2/3 of its
    # hydroxide it can run (2/3) / (1 - s) of its plan, all of it once s >= 1/3 (after 1/3 / 0.52 x 6 =
    # 3.8 months of ramp), where carbonate is spare: China's carbonate refiners have spare capacity and
    # the ore the hydroxide refiners no longer use, so China's plants run their full plan again. The
    # plants outside China (26 % of NMC cathode) find no spare carbonate at home and stay short.
    shock = Outage("*:lithium_hydroxide", severity=0.5, start=0, duration=24)
    runs = {
        chem: vc.simulate(net, shock, periods=24, mode="re-sourcing", chemistry_switching=chem, keep="full")
        for chem in (False, True)
    }
    lost = {chem: float(r.totals["lost_cells_gwh"].iloc[0]) for chem, r in runs.items()}
    assert 509.9 / 3 * 16 / 12 <= lost[False] <= 509.9 / 3 * 2
    assert lost[True] < 0.3 * lost[False]
    plan = float(net.baseline_activity["cn-cam_nmc"]) / 12
    last = {chem: r.dataset["activity"].sel(process="cn-cam_nmc").squeeze().to_numpy()[-6:] for chem, r in runs.items()}
    np.testing.assert_allclose(last[False], plan * 2 / 3, rtol=1e-6)
    np.testing.assert_allclose(last[True], plan, rtol=1e-6)
