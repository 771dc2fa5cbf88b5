"""Generate the global-li-ion-2024 network from the figures in ``inputs/``.

Run from the repository root::

    python networks/global-li-ion-2024/build.py

The script is deterministic: the same inputs give byte-identical CSV files. It works down the
chain from final demand (packs) to mines, so that every stage's baseline output is what the
stage below needs, split among countries by the sourced shares; recycling adds co-products; and
trade lanes are derived per commodity by :func:`valuechain.network.balancing.balance_trade` so
that the baseline balances at every hub.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "inputs"))
sys.path.insert(1, str(HERE.parents[1] / "src"))  # the checkout's own valuechain

import assumptions as A  # noqa: E402, N812
import figures as F  # noqa: E402, N812

from valuechain.network import NetworkBuilder, save_network  # noqa: E402
from valuechain.network.balancing import balance_trade, distance_matrix  # noqa: E402

NAME = "global-li-ion-2024"
DESCRIPTION = (
    "The global lithium-ion battery chain in 2024 at country level: mines, refineries, precursor, cathode and anode "
    "plants, electrolyte and separator, cell plants (European plants named, with owner and technology origin), pack "
    "assembly for EV and stationary-storage demand, and recycling through black mass. Every figure cites a source; "
    "bilateral trade is derived by gravity-seeded proportional fitting. See README.md for the method and assumptions."
)

COMMODITIES = [  # id, name, unit, stage
    ("lithium_ore", "Lithium ore and brine (spodumene concentrate, brine)", "t LCE", "mining"),
    ("lithium_chem", "Lithium chemicals (carbonate and hydroxide)", "t LCE", "refining"),
    ("nickel_ore", "Nickel mine output and intermediates (ore, MHP, matte)", "t Ni", "mining"),
    ("nickel_sulphate", "Battery-grade nickel sulphate", "t Ni", "refining"),
    ("cobalt_ore", "Cobalt mine output and intermediates (hydroxide)", "t Co", "mining"),
    ("cobalt_refined", "Refined cobalt (sulphate and metal)", "t Co", "refining"),
    ("manganese_ore", "Manganese ore", "t Mn", "mining"),
    ("manganese_sulphate", "High-purity manganese sulphate", "t Mn", "refining"),
    ("natural_graphite", "Natural flake graphite", "t", "mining"),
    ("anode_natural", "Anode active material from natural graphite", "t", "active material"),
    ("anode_synthetic", "Anode active material from synthetic graphite", "t", "active material"),
    ("pcam", "NMC precursor (mixed hydroxide, pCAM)", "t", "precursor"),
    ("cam_nmc", "Cathode active material, NMC", "t", "active material"),
    ("cam_lfp", "Cathode active material, LFP", "t", "active material"),
    ("electrolyte", "Electrolyte", "t", "component"),
    ("separator", "Separator film", "Mm2", "component"),
    ("cell_nmc", "Li-ion cells, NMC/NCA", "GWh", "cell"),
    ("cell_lfp", "Li-ion cells, LFP", "GWh", "cell"),
    ("pack_ev", "Battery packs for electric vehicles", "GWh", "pack"),
    ("pack_ess", "Battery packs for stationary storage", "GWh", "pack"),
    ("eol_batteries", "End-of-life batteries and production scrap", "t", "end-of-life"),
    ("black_mass", "Black mass", "t", "black mass"),
]
CONTINENT = {
    "CN": "AS",
    "ID": "AS",
    "PH": "AS",
    "KR": "AS",
    "JP": "AS",
    "IN": "AS",
    "RoW": "AS",
    "AU": "OC",
    "CL": "SA",
    "AR": "SA",
    "BR": "SA",
    "CD": "AF",
    "ZA": "AF",
    "GA": "AF",
    "MA": "AF",
    "MZ": "AF",
    "MG": "AF",
    "CA": "NA",
    "US": "NA",
}  # Europe otherwise


# --------------------------------------------------------------------------- recipes
def cell_recipe(chem: str) -> tuple[dict[str, float], dict[str, float]]:
    """Return inputs and outputs per GWh of cells of one chemistry."""
    li = F.INTENSITY[chem]["li"][0] * 1000  # kg/kWh -> t/GWh
    cam = li / F.LI_MASS_FRACTION[chem] * (1 + F.CELL_SCRAP)
    graphite = F.INTENSITY[chem]["graphite"][0] * 1000 * (1 + F.CELL_SCRAP)
    inputs = {
        f"cam_{chem}": cam,
        "anode_synthetic": graphite * F.ANODE_SYNTHETIC_SHARE,
        "anode_natural": graphite * (1 - F.ANODE_SYNTHETIC_SHARE),
        "electrolyte": F.ELECTROLYTE[chem],
        "separator": F.SEPARATOR[chem],
    }
    scrap = (cam + graphite) * F.CELL_SCRAP / (1 + F.CELL_SCRAP)
    return inputs, {f"cell_{chem}": 1.0, "eol_batteries": scrap}


def material_recipe(commodity: str) -> tuple[dict[str, float], dict[str, float]]:
    """Return inputs and outputs per unit of a material, refinery, mine or recycling step."""
    nmc = F.INTENSITY["nmc"]
    pcam_per_gwh = nmc["li"][0] / F.LI_MASS_FRACTION["nmc"] * F.PCAM_PER_CAM
    table: dict[str, dict[str, float]] = {
        "cam_nmc": {"pcam": F.PCAM_PER_CAM, "lithium_chem": F.LI_MASS_FRACTION["nmc"] * F.LI_TO_LCE},
        "cam_lfp": {"lithium_chem": F.LI_MASS_FRACTION["lfp"] * F.LI_TO_LCE},
        "pcam": {
            "nickel_sulphate": nmc["ni"][0] / pcam_per_gwh,
            "cobalt_refined": nmc["co"][0] / pcam_per_gwh,
            "manganese_sulphate": nmc["mn"][0] / pcam_per_gwh,
        },
        "anode_natural": {"natural_graphite": F.FLAKE_PER_ANODE},
        "lithium_chem": {"lithium_ore": F.REFINING_INPUT["lithium_chem"]},
        "nickel_sulphate": {"nickel_ore": F.REFINING_INPUT["nickel_sulphate"]},
        "cobalt_refined": {"cobalt_ore": F.REFINING_INPUT["cobalt_refined"]},
        "manganese_sulphate": {"manganese_ore": F.REFINING_INPUT["manganese_sulphate"]},
    }
    if commodity == "hydromet":
        return {"black_mass": 1.0}, dict(F.RECOVERY)
    if commodity == "pretreatment":
        return {"eol_batteries": 1.0}, {"black_mass": F.BLACK_MASS_YIELD}
    return table.get(commodity, {}), {commodity: 1.0}


def recipe(kind: str) -> tuple[dict[str, float], dict[str, float]]:
    """Return inputs and outputs per unit of activity of a process of this kind."""
    if kind in ("cell_nmc", "cell_lfp"):
        return cell_recipe(kind[5:])
    return material_recipe(kind)


# --------------------------------------------------------------------------- bookkeeping
class Chain:
    """Processes with their baseline activity, and final demand, as the chain is worked out."""

    def __init__(self) -> None:
        self.procs: list[dict] = []
        self.demand: list[dict] = []

    def add(
        self,
        pid: str,
        name: str,
        region: str,
        kind: str,
        activity: float,
        capacity: float,
        source: str,
        *,
        owner: str | None = None,
        tech: str | None = None,
        stage: str = "material",
        cost_key: str | None = None,
    ) -> None:
        """Add a process of a given kind with its baseline activity and capacity."""
        inputs, outputs = recipe(kind)
        self.procs.append(
            dict(
                id=pid,
                name=name,
                region=region,
                kind=kind,
                activity=activity,
                capacity=capacity,
                source=source,
                owner=owner or region,
                tech=tech or owner or region,
                inputs=inputs,
                outputs=outputs,
                stage=stage,
                cost_key=cost_key or kind,
            )
        )

    def use(self, commodity: str) -> float:
        """Return world use of a commodity by the processes added so far (and demand)."""
        total = sum(p["activity"] * p["inputs"].get(commodity, 0.0) for p in self.procs)
        return total + sum(d["quantity"] for d in self.demand if d["commodity"] == commodity)

    def made(self, commodity: str) -> float:
        """Return world output of a commodity by the processes added so far."""
        return sum(p["activity"] * p["outputs"].get(commodity, 0.0) for p in self.procs)

    def by_region(self, commodity: str, side: str) -> pd.Series:
        """Return output ('outputs') or use ('inputs', with demand) of a commodity per region."""
        acc: dict[str, float] = defaultdict(float)
        for p in self.procs:
            q = p["activity"] * p[side].get(commodity, 0.0)
            if q:
                acc[p["region"]] += q
        if side == "inputs":
            for d in self.demand:
                if d["commodity"] == commodity:
                    acc[d["region"]] += d["quantity"]
        return pd.Series(acc, dtype=float).sort_index()


def shares_with_rest(shares: dict, rest: str) -> dict[str, tuple[float, str]]:
    """Normalise {region: share or (share, source)}: the ``rest`` region takes 1 - sum."""
    out = {r: (v if isinstance(v, tuple) else (v, "A-shares")) for r, v in shares.items()}
    out[rest] = (1.0 - sum(v[0] for k, v in out.items() if k != rest), "A-shares")
    if out[rest][0] < -1e-12:
        raise SystemExit(f"shares {shares} leave a negative remainder for {rest}")
    return out


def aggregate(
    chain: Chain,
    kind: str,
    total: float,
    shares: dict[str, tuple[float, str]],
    util_key: str,
    label: str,
    stage: str = "material",
) -> None:
    """Add one aggregate process per region, splitting ``total`` output by ``shares``."""
    for reg, (share, src) in sorted(shares.items()):
        q = total * share
        if q <= 0:
            continue
        owner = F.OWNER.get((reg, kind), reg)
        util = (
            F.UTILISATION_OUTSIDE_CN.get(util_key, F.UTILISATION[util_key]) if reg != "CN" else F.UTILISATION[util_key]
        )
        chain.add(f"{reg.lower()}-{kind}", f"{label} ({reg})", reg, kind, q, q / util, src, owner=owner, stage=stage)


# --------------------------------------------------------------------------- the chain, top down
def build_chain() -> Chain:
    """Work out every process's baseline activity, from final demand down to the mines."""
    ch = Chain()
    total = F.BATTERY_DEMAND[0]
    ev_total, ess_total = total * F.EV_SHARE[0], total * (1 - F.EV_SHARE[0])
    ev: dict[str, float] = {}
    for grp, (share, _) in F.EV_DEMAND_SHARES.items():
        if grp == "EU27":
            for reg, s in F.EU_EV_SPLIT.items():
                ev[reg] = ev_total * share * s
        else:
            ev[grp] = ev_total * share
    for reg, s in F.EV_DEMAND_REST.items():
        ev[reg] = ev_total * s
    ess = {reg: ess_total * s for reg, s in F.ESS_SPLIT.items()}
    for reg in sorted(ev):
        ch.demand.append(
            dict(
                region=reg,
                commodity="pack_ev",
                quantity=ev[reg],
                growth=F.EV_GROWTH[0],
                value_of_lost_demand=F.LOST_VALUE_FACTOR * F.PACK_PRICE_EV[0],
                source="D-demand",
            )
        )
    for reg in sorted(ess):
        ch.demand.append(
            dict(
                region=reg,
                commodity="pack_ess",
                quantity=ess[reg],
                growth=F.ESS_GROWTH[0],
                value_of_lost_demand=F.LOST_VALUE_FACTOR * F.PACK_PRICE_ESS[0],
                source="A-demand-split",
            )
        )

    # Packs: assembled where they are demanded.
    lfp_share = {reg: F.EV_LFP_SHARE.get("EU" if reg in F.EU27 else reg, F.EV_LFP_SHARE["RoW"]) for reg in ev}
    for reg in sorted(set(ev) | set(ess)):
        for key, q, cell in (
            ("ev-nmc", ev.get(reg, 0) * (1 - lfp_share.get(reg, 0)), "nmc"),
            ("ev-lfp", ev.get(reg, 0) * lfp_share.get(reg, 0), "lfp"),
            ("ess", ess.get(reg, 0), "lfp"),
        ):
            if q <= 0:
                continue
            out = "pack_ess" if key == "ess" else "pack_ev"
            ch.procs.append(
                dict(
                    id=f"{reg.lower()}-pack-{key}",
                    name=f"Pack assembly, {out[5:].upper()} from {cell.upper()} cells ({reg})",
                    region=reg,
                    kind=out,
                    activity=q,
                    capacity=q / F.UTILISATION["pack"],
                    source="D-demand",
                    owner=reg,
                    tech=reg,
                    inputs={f"cell_{cell}": 1.0},
                    outputs={out: 1.0},
                    stage="pack",
                    cost_key=out,
                )
            )

    # Cells: named plants and aggregates outside China, China takes the rest of each chemistry.
    need = {c: ch.use(f"cell_{c}") for c in ("nmc", "lfp")}
    other = {c: sum(p[5] for p in F.CELL_PLANTS if p[3] == c) for c in ("nmc", "lfp")}
    cn_out = {c: need[c] - other[c] for c in ("nmc", "lfp")}
    cn_cap = F.CELL_CAPACITY_WORLD[0] * F.CN_CELL_CAPACITY_SHARE[0]
    for c in ("nmc", "lfp"):
        ch.add(
            f"cn-cells-{c}",
            f"{c.upper()} cell plants in China (aggregate)",
            "CN",
            f"cell_{c}",
            cn_out[c],
            cn_cap * cn_out[c] / sum(cn_out.values()),
            "D-cell-capacity-cn",
            stage="cell",
        )
    for pid, name, reg, chem, cap, prod, owner, tech, src in F.CELL_PLANTS:
        ch.add(pid, name, reg, f"cell_{chem}", prod, cap, src, owner=owner, tech=tech, stage="cell")
    for pid, name, reg, chem, _, owner, tech, *_ in F.PIPELINE_CELLS:
        ch.add(
            pid,
            name + " (not producing in 2024)",
            reg,
            f"cell_{chem}",
            0.0,
            0.0,
            "A-pipeline",
            owner=owner,
            tech=tech,
            stage="cell",
        )

    # Components and anodes.
    for kind, shares, label in (
        ("electrolyte", F.ELECTROLYTE_SHARES, "Electrolyte plants"),
        ("separator", F.SEPARATOR_SHARES, "Separator plants"),
    ):
        s = {r: (v if isinstance(v, tuple) else (v, "A-shares")) for r, v in shares.items()}
        aggregate(ch, kind, ch.use(kind), s, "component", label)
    for kind, shares, label in (
        ("anode_natural", F.ANODE_NATURAL_SHARES, "Natural-graphite anode plants"),
        ("anode_synthetic", F.ANODE_SYNTHETIC_SHARES, "Synthetic-graphite anode plants"),
    ):
        s = shares_with_rest(shares, "CN")
        s["CN"] = (s["CN"][0], F.ANODE_CN_SHARE[1])
        aggregate(ch, kind, ch.use(kind), s, "anode", label)

    # Cathode: China's NMC share set so that its share of all cathode is 90% (P087).
    n_need, l_need = ch.use("cam_nmc"), ch.use("cam_lfp")
    aggregate(
        ch, "cam_lfp", l_need, {r: (v, "A-shares") for r, v in F.CAM_LFP_SHARES.items()}, "cam", "LFP cathode plants"
    )
    cn_nmc = (F.CAM_CN_SHARE[0] * (n_need + l_need) - F.CAM_LFP_SHARES["CN"] * l_need) / n_need
    nysa_cap, nysa_out = F.UMICORE_NYSA
    nmc_shares = {**F.CAM_NMC_SHARES, "CN": (cn_nmc, "D-cam-cn")}
    nmc_shares = shares_with_rest({**nmc_shares, "PL": nysa_out / n_need}, "RoW")
    del nmc_shares["PL"]
    aggregate(ch, "cam_nmc", n_need, nmc_shares, "cam", "NMC cathode plants")
    ch.add(
        "pl-umicore-nysa",
        "Umicore NMC cathode plant, Nysa",
        "PL",
        "cam_nmc",
        nysa_out,
        nysa_cap,
        "A-eu-materials",
        owner="BE",
        tech="BE",
    )
    for pid, name, reg, com, _, owner, tech, *_ in F.PIPELINE_MATERIALS:
        ch.add(pid, name + " (not producing in 2024)", reg, com, 0.0, 0.0, "A-pipeline", owner=owner, tech=tech)
    pcam = shares_with_rest({k: v for k, v in F.PCAM_SHARES.items() if k != "RoW"}, "RoW")
    aggregate(ch, "pcam", ch.use("pcam"), pcam, "pcam", "Precursor plants")

    # Recycling: collection, shredding where collected, hydrometallurgy (China takes the rest).
    for reg, q in sorted(F.EOL_COLLECTED.items()):
        ch.procs.append(
            dict(
                id=f"{reg.lower()}-collection",
                name=f"Collection of end-of-life batteries ({reg})",
                region=reg,
                kind="eol_batteries",
                activity=q,
                capacity=q,
                source="A-recycling",
                owner=reg,
                tech=reg,
                inputs={},
                outputs={"eol_batteries": 1.0},
                stage="recycling",
                cost_key="eol_batteries",
            )
        )
    eol = ch.by_region("eol_batteries", "outputs")
    orphan = sum(q for reg, q in eol.items() if reg not in F.EOL_COLLECTED)  # scrap where nothing is shredded
    for reg in sorted(F.EOL_COLLECTED):
        act = eol[reg] + (orphan if reg == "CN" else 0.0)
        if reg in F.EU_PRETREATMENT_SPLIT:
            cap, src = F.PRETREATMENT_EU_CAPACITY[0] * F.EU_PRETREATMENT_SPLIT[reg], F.PRETREATMENT_EU_CAPACITY[1]
        else:
            cap, src = act / F.UTILISATION["pretreatment"], "A-recycling"
        ch.add(
            f"{reg.lower()}-pretreatment",
            f"Battery shredding to black mass ({reg})",
            reg,
            "pretreatment",
            act,
            cap,
            src,
            stage="recycling",
            cost_key="black_mass",
        )
    bm_total = ch.made("black_mass")
    others = sum(v[1] for v in F.HYDROMET.values())
    for reg, (cap, q, owner) in sorted({**F.HYDROMET, "CN": (0.0, bm_total - others, "CN")}.items()):
        cap = cap or q / F.UTILISATION["hydromet"]
        name = {"BE": "Umicore, Hoboken", "FI": "Fortum, Harjavalta"}.get(reg, "Hydrometallurgical refiners")
        ch.add(
            f"{reg.lower()}-hydromet",
            f"{name}: black mass to Li, Ni, Co ({reg})",
            reg,
            "hydromet",
            q,
            cap,
            "A-recycling",
            owner=owner,
            stage="recycling",
            cost_key="hydromet",
        )

    # Refining.
    li_mined = {r: q * F.LI_TO_LCE for r, (q, _) in F.LITHIUM_MINES.items()}
    li_mined["RoW"] = F.LITHIUM_WORLD[0] * F.LI_TO_LCE - sum(li_mined.values())
    y = F.REFINING_INPUT["lithium_chem"]
    li_ref_total = sum(li_mined.values()) / y
    li_ref = {
        "CN": F.LITHIUM_REFINING_CN[0] * li_ref_total,
        "CL": li_mined["CL"] / y,
        "AR": li_mined["AR"] / y,
        "AU": F.LITHIUM_REFINING_OTHER["AU"][0],
    }
    li_ref["RoW"] = li_ref_total - sum(li_ref.values())
    refined_proc(ch, "lithium_chem", li_ref, {"CN": "P040"}, "D-lithium-refining", "Lithium refineries")
    co_mined = {r: q for r, (q, _) in F.COBALT_MINES.items()}
    co_world = F.COBALT_MINES["CD"][0] / F.COBALT_DRC_SHARE[0]
    co_mined["RoW"] = co_world - sum(co_mined.values())
    co_ref_total = co_world / F.REFINING_INPUT["cobalt_refined"]
    co_ref = {"CN": F.COBALT_REFINING_CN[0] * co_ref_total, **F.COBALT_REFINING_OTHER}
    co_ref["RoW"] = co_ref_total - sum(co_ref.values())
    refined_proc(
        ch, "cobalt_refined", co_ref, {"CN": "P081"}, "A-refining", "Cobalt refineries", owners=F.COBALT_REFINING_OWNER
    )
    for com, shares, label in (
        ("nickel_sulphate", F.NICKEL_SULPHATE_SHARES, "Nickel sulphate refineries"),
        ("manganese_sulphate", F.MN_SULPHATE_SHARES, "Manganese sulphate refineries"),
    ):
        primary = ch.use(com) - ch.made(com)
        s = {r: (v if isinstance(v, tuple) else (v, "A-shares")) for r, v in shares.items()}
        aggregate(ch, com, primary, s, "refining", label, stage="refining")
    for com in ("lithium_chem", "cobalt_refined"):
        other_uses(ch, com, ch.made(com) - ch.use(com), "refining")

    # Mining.
    ni_mined = {r: q for r, (q, _) in F.NICKEL_MINES.items()}
    ni_mined["RoW"] = F.NICKEL_WORLD[0] - sum(ni_mined.values())
    gr = {r: q for r, (q, _) in F.GRAPHITE_MINES.items()}
    africa23 = gr["MZ"] + gr["MG"]
    gr["MZ"], gr["MG"] = (F.GRAPHITE_AFRICA_2024[0] * gr[k] / africa23 for k in ("MZ", "MG"))
    gr["CN"] = F.GRAPHITE_CN_SHARE[0] / (1 - F.GRAPHITE_CN_SHARE[0]) * sum(gr.values())
    mn = {r: q for r, (q, _) in F.MANGANESE_MINES.items()}
    for com, mined, srcs, label in (
        ("lithium_ore", li_mined, {**{r: s for r, (_, s) in F.LITHIUM_MINES.items()}, "RoW": "P049"}, "Lithium mines"),
        (
            "cobalt_ore",
            co_mined,
            {**{r: s for r, (_, s) in F.COBALT_MINES.items()}, "RoW": "D-cobalt-world"},
            "Cobalt mines",
        ),
        (
            "nickel_ore",
            ni_mined,
            {**{r: s for r, (_, s) in F.NICKEL_MINES.items()}, "RoW": "A-ni-world"},
            "Nickel mines",
        ),
        ("manganese_ore", mn, {r: s for r, (_, s) in F.MANGANESE_MINES.items()}, "Manganese mines"),
        ("natural_graphite", gr, {r: "D-graphite" for r in gr}, "Natural graphite mines"),
    ):
        for reg, q in sorted(mined.items()):
            if com == "cobalt_ore" and reg == "CD":
                for suffix, frac, owner in (("-cn", F.CD_COBALT_CN_OWNED, "CN"), ("", 1 - F.CD_COBALT_CN_OWNED, "CH")):
                    ch.add(
                        f"cd-cobalt_ore{suffix}",
                        f"Cobalt mines, {'Chinese' if owner == 'CN' else 'other'}-owned (CD)",
                        "CD",
                        com,
                        q * frac,
                        q * frac / F.UTILISATION["mining"],
                        srcs[reg],
                        owner=owner,
                        stage="mining",
                    )
                continue
            ch.add(
                f"{reg.lower()}-{com}",
                f"{label} ({reg})",
                reg,
                com,
                q,
                q / F.UTILISATION["mining"],
                srcs[reg],
                owner=F.OWNER.get((reg, com), reg),
                stage="mining",
            )
        surplus = ch.made(com) - ch.use(com)
        if surplus < -1e-6 * ch.made(com):
            raise SystemExit(f"{com}: the chain needs {ch.use(com):.0f} but mines give only {ch.made(com):.0f}")
        if com in ("nickel_ore", "manganese_ore", "natural_graphite"):
            other_uses(ch, com, surplus, "mining")
    return ch


def refined_proc(
    ch: Chain,
    com: str,
    out: dict[str, float],
    srcs: dict[str, str],
    default_src: str,
    label: str,
    owners: dict[str, str] | None = None,
) -> None:
    """Add one refinery aggregate per region with the given output."""
    for reg, q in sorted(out.items()):
        owner = (owners or {}).get(reg, F.OWNER.get((reg, com), reg))
        ch.add(
            f"{reg.lower()}-{com}",
            f"{label} ({reg})",
            reg,
            com,
            q,
            q / F.UTILISATION["refining"],
            srcs.get(reg, default_src),
            owner=owner,
            stage="refining",
        )


def other_uses(ch: Chain, com: str, total: float, stage: str) -> None:
    """Add final demand for uses outside the modelled chain, in proportion to output outside the EU."""
    made = {p["region"]: 0.0 for p in ch.procs if p["kind"] == com and p["region"] not in F.EU27}
    for p in ch.procs:
        if p["kind"] == com and p["region"] in made:
            made[p["region"]] += p["activity"]
    world = sum(made.values())
    for reg, q in sorted(made.items()):
        if q > 0:
            ch.demand.append(
                dict(
                    region=reg,
                    commodity=com,
                    quantity=total * q / world,
                    growth=0.0,
                    value_of_lost_demand=None,
                    source="A-other-uses",
                )
            )
    del stage


# --------------------------------------------------------------------------- network tables
def cost_level(region: str, stage: str) -> float:
    """Return the multiplier on Chinese variable costs for a region and stage."""
    if stage == "mining":
        return 1.0
    if region in F.EU27:
        return F.COST_LEVEL["EU"][0]
    return F.COST_LEVEL["HIGH"][0] if region in F.HIGH_COST else 1.0


def read_public_figures() -> list[dict[str, str]]:
    """Read the rows of inputs/public_figures.csv."""
    with open(HERE / "inputs" / "public_figures.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_seed_facts() -> list[dict[str, str]]:
    """Read the rows of seeds/facts.csv."""
    with open(HERE.parents[1] / "seeds" / "facts.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


SEED_DOCS = {
    "000": ("Memo on China's battery strategy (probably DGAP)", 2025),
    "001": ("News item on China's battery-technology export licensing", 2025),
    "002": ("Dutch BNC-fiche and Commission Battery Booster communication C(2025) 8950", 2026),
    "003": ("ETNC, Fragmented Europe: Dealing with China as a technology and innovation power", 2026),
    "004": ("Blog post on the Carbone4 study of Chinese battery JVs for T&E", 2025),
}


def add_sources(b: NetworkBuilder) -> None:
    """Add public figures, seed facts, assumptions and derivations as sources."""
    for r in read_public_figures():
        title = r["source_title"]
        publisher = title.split(" '")[0].split(",")[0].split(" (")[0].strip()
        url = r["source_url"] if r["source_url"].startswith("http") else ""
        year = int(r["year"][:4])
        what = f"{r['metric']} - {r['material_or_product']} / {r['country_or_region']}"
        note = f"{what} = {r['value']} {r['unit']} ({r['year']})"
        b.add_source(
            r["figure_id"], title, publisher=publisher, year=year, url=url, confidence=r["confidence"], note=note
        )
    for r in read_seed_facts():
        title, year = SEED_DOCS[r["document"]]
        b.add_source(
            r["id"],
            f"Seed {r['document']}: {title}",
            publisher="seed document",
            year=year,
            url=f"seeds/facts.csv#{r['id']}",
            confidence="medium",
            note=f"{r['paraphrase']} ({r['location']}) = {r['value']} {r['unit']} ({r['year']})",
        )
    for sid, (title, note) in A.ASSUMPTIONS.items():
        b.add_source(
            sid,
            title,
            publisher="valuechain",
            year=2026,
            url="networks/global-li-ion-2024/README.md",
            confidence="assumption",
            note=note,
        )
    for sid, (title, note, conf) in A.DERIVED.items():
        b.add_source(
            sid,
            title,
            publisher="valuechain",
            year=2026,
            url="networks/global-li-ion-2024/README.md",
            confidence=conf,
            note=note,
        )


def continent(region: str) -> str:
    """Return the continent code of a region (EU for Europe)."""
    return CONTINENT.get(region, "EU")


def add_route(b: NetworkBuilder, seen: set, com: str, o: str, d: str, flow: float) -> None:
    """Add a trade lane with freight cost and lead time by distance class."""
    same = continent(o) == continent(d)
    b.add_route(
        f"{com}/{o}>{d}",
        com,
        o,
        d,
        cost=F.FREIGHT[com] * (0.5 if same else 1.0),
        tariff=0.0,
        lead_time=0.04 if same else 0.12,
        baseline_flow=flow,
        source="A-routes" if flow > 0 else "A-freight",
    )
    seen.add((com, o, d))


def build_network() -> object:
    """Build and validate the network from the chain, the sources and the derived trade."""
    ch = build_chain()
    b = NetworkBuilder(NAME, year=2024, period="year", units={"currency": "USD"}, description=DESCRIPTION)
    add_sources(b)
    for cid, name, unit, stage in COMMODITIES:
        val, src = F.VALUE[cid]
        b.add_commodity(cid, name=name, unit=unit, stage=stage, value=val, source=src)
    for rid, name, groups, *_ in F.REGIONS:
        b.add_region(rid, name=name, groups=groups, source="A-demand-split" if rid in ("EU-other", "RoW") else None)
    for p in ch.procs:
        ttr, ramp = F.TTR["recycling" if p["stage"] == "recycling" else p["stage"]]
        vc = F.VARIABLE_COST[p["cost_key"]] * cost_level(p["region"], p["stage"])
        b.add_process(
            p["id"],
            region=p["region"],
            inputs=p["inputs"],
            outputs=p["outputs"],
            name=p["name"],
            capacity=round(p["capacity"], 6),
            baseline_activity=round(p["activity"], 6),
            variable_cost=vc,
            owner=p["owner"],
            technology_origin=p["tech"],
            ttr=ttr,
            ramp_up=ramp,
            source=p["source"],
        )
    for d in ch.demand:
        b.add_demand(
            d["region"],
            d["commodity"],
            quantity=round(d["quantity"], 6),
            growth=d["growth"],
            value_of_lost_demand=d["value_of_lost_demand"],
            source=d["source"],
        )

    # Baseline trade, commodity by commodity.
    coords = pd.DataFrame([(r[0], r[3], r[4]) for r in F.REGIONS], columns=["id", "lat", "lon"]).set_index("id")
    dist = distance_matrix(coords)
    # RoW is spread over every continent: it sits at the median distance from everyone (A-routes).
    median = float(dist.where(~np.eye(len(dist), dtype=bool)).stack().median())
    dist.loc["RoW", :] = median
    dist.loc[:, "RoW"] = median
    seen: set = set()
    produced: dict[str, pd.Series] = {}
    used: dict[str, pd.Series] = {}
    for cid, *_ in COMMODITIES:
        prod, cons = ch.by_region(cid, "outputs"), ch.by_region(cid, "inputs")
        produced[cid], used[cid] = prod, cons
        if cid in ("pack_ev", "pack_ess"):
            continue
        flows = balance_trade(prod.round(6), cons.round(6), distance=dist, decay=1.0, min_share=0.03, rtol=1e-6)
        for o, d, f in flows.itertuples(index=False):
            add_route(b, seen, cid, o, d, round(f, 6))

    # Expansion options: planned plants named in the seeds, then generic options.
    options = [
        (pid, name + " (planned)", reg, f"cell_{chem}", cap, capex, csrc, owner, tech, lead, src)
        for pid, name, reg, chem, cap, owner, tech, src, capex, csrc, lead in F.PIPELINE_CELLS
    ]
    options += [
        (pid, name + " (planned)", reg, com, cap, capex, csrc, owner, tech, lead, src)
        for pid, name, reg, com, cap, owner, tech, src, capex, csrc, lead in F.PIPELINE_MATERIALS
    ]
    options += [
        (pid, name, reg, kind, size, capex, src, owner, tech, lead, src)
        for pid, name, reg, kind, size, capex, src, owner, tech, lead in F.EXPANSIONS
    ]
    for pid, name, reg, kind, size, capex, csrc, owner, tech, lead, _ in options:
        pid = pid if pid.endswith(("-new", "-eu", "-cn", "-kr", "-geo")) else f"{pid}-build"
        inputs, outputs = recipe(kind)
        stage = (
            "cell"
            if kind.startswith("cell")
            else "recycling"
            if kind in ("hydromet", "pretreatment")
            else ("mining" if kind in ("lithium_ore", "natural_graphite") else "material")
        )
        key = {"pretreatment": "black_mass"}.get(kind, kind)
        b.add_expansion(
            pid,
            region=reg,
            inputs=inputs,
            outputs=outputs,
            name=name,
            capex=round(capex, 2),
            variable_cost=F.VARIABLE_COST[key] * cost_level(reg, stage),
            min_size=0.0,
            max_size=size,
            lifetime=15 if stage == "cell" else 20,
            lead_time=lead,
            owner=owner,
            technology_origin=tech,
            source=csrc,
        )
        # Lanes with no baseline flow so that new capacity can reach its users and be supplied.
        for com in outputs:
            top = used[com].drop(reg, errors="ignore").nlargest(2).index if com in used else []
            for d in top:
                if (com, reg, d) not in seen and com not in ("pack_ev", "pack_ess"):
                    add_route(b, seen, com, reg, d, 0.0)
        for com in inputs:
            top = produced[com].drop(reg, errors="ignore").nlargest(2).index
            for o in top:
                if (com, o, reg) not in seen:
                    add_route(b, seen, com, o, reg, 0.0)
    # Alternative suppliers for EU hubs: the two largest producers of each commodity that an EU region
    # uses in a material quantity (0.5% of world use or more).
    for cid, *_ in COMMODITIES:
        if cid in ("pack_ev", "pack_ess", "eol_batteries"):
            continue
        top = produced[cid].nlargest(2).index
        for d, q in used[cid].items():
            if d in F.EU27 and q >= 0.005 * used[cid].sum():
                for o in top:
                    if o != d and (cid, o, d) not in seen:
                        add_route(b, seen, cid, o, d, 0.0)
    net = b.build(auto_hubs=True, check_balance=False)
    kind_of = {p["id"]: p["kind"] for p in ch.procs} | {
        (o[0] if o[0].endswith(("-new", "-eu", "-cn", "-kr", "-geo")) else f"{o[0]}-build"): o[3] for o in options
    }
    tables = dict(net.tables)
    rec = tables["recipes"].copy()
    rec["source"] = [
        recipe_source(kind_of[p], c, k, str(s))
        for p, c, k, s in zip(rec["process"], rec["commodity"], rec["kind"], rec["source"], strict=True)
    ]
    src = dict(zip(net.processes.index, net.processes["source"], strict=True))
    rec["source"] = [s or src.get(p, "A-yields") for p, s in zip(rec["process"], rec["source"], strict=True)]
    tables["recipes"] = rec
    return type(net).from_frames(
        net.name, tables, year=net.year, period=net.period, units=net.units, description=net.description
    )


def recipe_source(kind: str, commodity: str, side: str, current: str) -> str:
    """Return the source of one recipe coefficient, given the kind of process it belongs to."""
    if kind.startswith("cell_"):
        if commodity.startswith(("cam_", "cell_")):
            return "D-cam-mass"
        if commodity.startswith("anode_"):
            return "A-anode-mix"
        return {"electrolyte": "A-components", "separator": "A-components", "eol_batteries": "A-scrap"}[commodity]
    if kind in ("cam_nmc", "cam_lfp", "pcam"):
        return "D-cam-mass"
    if kind in ("hydromet", "pretreatment"):
        return "A-recycling"
    if kind in ("pack_ev", "pack_ess", "anode_natural") or (side == "input" and kind in F.REFINING_INPUT):
        return "A-yields"
    return current  # outputs of mines and other single-output processes: the process's own source


def write_assumptions(readme: Path) -> None:
    """Refresh the list of assumptions and derivations in the README between its markers."""
    start, end = "<!-- assumptions:start -->", "<!-- assumptions:end -->"
    text = readme.read_text("utf-8")
    lines = [f"- **{sid}** {title}. {note}" for sid, (title, note) in A.ASSUMPTIONS.items()]
    lines += [
        f"- **{sid}** {title} (derived, confidence {conf}). {note}" for sid, (title, note, conf) in A.DERIVED.items()
    ]
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    readme.write_text(head + start + "\n" + "\n".join(lines) + "\n" + end + tail, "utf-8")


def main() -> None:
    """Build the network and write its CSV files next to this script."""
    import warnings

    from valuechain.errors import NetworkWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", NetworkWarning)
        net = build_network()
    save_network(net, HERE)  # type: ignore[arg-type]
    write_assumptions(HERE / "README.md")
    print(net, {t: n for t, n in net.counts().items()})  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
