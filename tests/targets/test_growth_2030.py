"""The default targets study's world without policy: does supply grow with demand to 2030?

The study runs 2025-2030 with battery demand growing 21 % a year (EV) and 12 % (storage). Every
region may add pack assembly up to its 2030 demand (A-packs) and every region outside the EU27 may
grow each stage it runs (A-growth-options), so the baseline plan with no policy must serve the
world's pack demand in every year. Its 2030 shares are then compared with published 2030
projections that the network was NOT built from (out of sample): agreement within a stated
tolerance, or a strict expected failure with its reason.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from valuechain.analysis.targets import prepare
from valuechain.opt import build, extract, solve

FOLDER = Path(__file__).resolve().parents[2] / "networks" / "global-li-ion-2024"
CHECKS = ("P042", "P043", "P238", "P241")  # 2030 projections used only to check the plan


@pytest.fixture(scope="module")
def world():
    net, spec, *_ = prepare(None, "eu-crma-2030", "test")
    model = build(net, spec.replace(policies=(), scenarios=("baseline",)))
    solve(model)
    return net, extract(model)


def _served(net, plan):
    gwh = set(net.commodities.index[net.commodities["unit"] == "GWh"])
    u = plan.unmet.xs("baseline", level="scenario")
    u = u[[h.split(":")[1] in gwh for h in u.index.get_level_values("hub")]]
    g = u.groupby(level="period")[["demand", "unmet"]].sum()
    return g


def test_baseline_plan_serves_world_battery_demand_every_year(world):
    net, plan = world
    g = _served(net, plan)
    assert list(g.index) == [2025, 2026, 2027, 2028, 2029, 2030]
    # 2030 demand by hand: EV 950 GWh x 1.21^6 = 950 x 3.1384 = 2,981.5 GWh; storage 205 GWh x 1.12^6 =
    # 205 x 1.9738 = 404.6 GWh; 3,386.1 GWh in all.
    assert g.at[2030, "demand"] == pytest.approx(950 * 1.21**6 + 205 * 1.12**6, rel=1e-9)
    assert g.at[2030, "demand"] == pytest.approx(3386.1, abs=0.1)
    served = 1.0 - g["unmet"] / g["demand"]
    # Before packs grew with demand and supply outside the EU could grow, the plan lost 7.7 % of 2026
    # demand and 57 % of 2030 demand.
    assert (served >= 0.99).all(), served.round(3).to_dict()


def _output_coefficients(net, commodity, fed_by=None):
    rec = net.recipes
    out = rec[(rec["kind"] == "output") & (rec["commodity"] == commodity)]
    coef = dict(zip(out["process"], out["coefficient"], strict=True))
    if fed_by is not None:
        fed = set(rec[(rec["kind"] == "input") & (rec["commodity"] == fed_by)]["process"])
        coef = {p: c for p, c in coef.items() if p in fed}
    return coef


def _region_of(net):
    return {**net.processes["region"].to_dict(), **net.expansions["region"].to_dict()}


def _share_2030(net, plan, coef, regions, basis):
    """Share of ``regions`` in 2030 output ('output') or capacity in service ('capacity')."""
    if basis == "output":
        act = plan.activity.xs(("baseline", 2030), level=("scenario", "period"))["activity"]
        xact = plan.expansion_activity.xs(("baseline", 2030), level=("scenario", "period"))["activity"]
        q = {**act.to_dict(), **xact.to_dict()}
    else:
        avail = plan.expansions.xs(2030, level="period")["available"]
        q = {**net.processes["capacity"].to_dict(), **avail.to_dict()}
    where = _region_of(net)
    total = sum(q.get(p, 0.0) * c for p, c in coef.items())
    inside = sum(q.get(p, 0.0) * c for p, c in coef.items() if where[p] in regions)
    return inside / total


@pytest.mark.xfail(
    strict=True,
    reason="the plan gives Australia, China and Chile 77.3 % of lithium mining in 2030, 8.3 points over the IEA's "
    "69 % (65.8 % on the network before the lithium salts were split and China's cathode and anode set to their "
    "published 2024 output; what moved it is not established)",
)
def test_out_of_sample_p042_lithium_mining_australia_china_chile_2030(world):
    # P042 (IEA GCMO 2025 base case): Australia, China and Chile up to 69 % of lithium mining in 2030; +-3 pp.
    net, plan = world
    share = _share_2030(net, plan, _output_coefficients(net, "lithium_ore"), {"AU", "CN", "CL"}, "output")
    assert share == pytest.approx(0.69, abs=0.03)


@pytest.mark.xfail(
    strict=True,
    reason="the plan gives China 57.0 % of primary lithium refining in 2030, 5.0 points under the IEA's 62 % (74 % "
    "on the network before the lithium salts were split: Chile's and Argentina's carbonate and Australia's "
    "hydroxide now grow as separate products; the cause of the undershoot is not established)",
)
def test_out_of_sample_p043_china_lithium_refining_2030(world):
    # P043 (IEA GCMO 2025 base case): China 62 % of lithium refining in 2030; +-3 pp. Primary refining only
    # (lithium chemicals made from ore, not from black mass).
    net, plan = world
    coef = _output_coefficients(net, "lithium_carbonate", fed_by="lithium_ore")
    coef |= _output_coefficients(net, "lithium_hydroxide", fed_by="lithium_ore")  # both salts: refined lithium
    assert _share_2030(net, plan, coef, {"CN"}, "output") == pytest.approx(0.62, abs=0.03)


def test_out_of_sample_p241_china_pcam_cam_capacity_2030(world):
    # P241 (IEA, Recycling of Critical Minerals): nearly 90 % of pCAM and CAM capacity in China in 2030; +-3 pp,
    # on tonnes of capacity in service in 2030 (2024 capacity plus what the plan has built by then).
    net, plan = world
    coef = {**_output_coefficients(net, "pcam"), **_output_coefficients(net, "cam_nmc")}
    coef |= _output_coefficients(net, "cam_lfp")
    assert _share_2030(net, plan, coef, {"CN"}, "capacity") == pytest.approx(0.90, abs=0.03)


@pytest.mark.xfail(
    strict=True,
    reason="recycling does not grow (collection stays at its 2024 volumes, A-recycling) and China's shredding "
    "and refining capacity is sized from China's own black mass at 35 % and 55 % utilisation: 63 % and 66 % of "
    "world capacity in 2030",
)
def test_out_of_sample_p238_china_recycling_capacity_2030(world):
    # P238 (IEA, Recycling of Critical Minerals): China's share of pre-treatment and material-recovery
    # capacity stays above 70 % to 2030. Both steps: shredding (t of batteries) and hydrometallurgy (t of black mass).
    net, plan = world
    shred = _output_coefficients(net, "black_mass", fed_by="eol_batteries")
    refine = _output_coefficients(net, "lithium_carbonate", fed_by="black_mass")  # recyclers recover carbonate
    assert _share_2030(net, plan, shred, {"CN"}, "capacity") > 0.70
    assert _share_2030(net, plan, refine, {"CN"}, "capacity") > 0.70


def test_checks_are_not_build_inputs():
    # The 2030 projections above build nothing: no derivation takes them as an input and no row cites them.
    with open(FOLDER / "derivations.csv", encoding="utf-8", newline="") as fh:
        used = {s for r in csv.DictReader(fh) for s in r["inputs"].split(";")}
    for table in ("processes", "expansions", "demand", "routes", "recipes", "hubs"):
        with open(FOLDER / f"{table}.csv", encoding="utf-8", newline="") as fh:
            used |= {r.get("source", "") for r in csv.DictReader(fh)}
    assert not (set(CHECKS) & used)
