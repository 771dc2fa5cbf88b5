"""The battery chain of the global-li-ion-2024 network, worked out from final demand down to the mines.

Each stage makes exactly what the stage below uses, split among countries by the sourced shares
(``inputs/figures.py``); recycling adds co-products. :func:`build_chain` returns every process with
its recipe, baseline activity, capacity, owner and technology origin, plus final demand; ``build.py``
turns that into the network's tables and derives trade.
"""

from __future__ import annotations

from collections import defaultdict

import figures as F  # noqa: N812
import pandas as pd


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
        "electrolyte": F.ELECTROLYTE,
        "separator": F.SEPARATOR,
    }
    scrap = (cam + graphite) * F.CELL_SCRAP / (1 + F.CELL_SCRAP)
    return inputs, {f"cell_{chem}": 1.0, "eol_batteries": scrap}


def material_recipe(commodity: str) -> tuple[dict[str, float], dict[str, float]]:
    """Return inputs and outputs per unit of a material, refinery, mine or recycling step."""
    nmc = F.INTENSITY["nmc"]
    pcam_per_gwh = nmc["li"][0] / F.LI_MASS_FRACTION["nmc"] * F.PCAM_PER_CAM
    table: dict[str, dict[str, float]] = {
        # NMC draws lithium hydroxide, LFP lithium carbonate (A-lithium-salts), both in t LCE.
        "cam_nmc": {"pcam": F.PCAM_PER_CAM, "lithium_hydroxide": F.LI_MASS_FRACTION["nmc"] * F.LI_TO_LCE},
        "cam_lfp": {"lithium_carbonate": F.LI_MASS_FRACTION["lfp"] * F.LI_TO_LCE},
        "pcam": {
            "nickel_sulphate": nmc["ni"][0] / pcam_per_gwh,
            "cobalt_refined": nmc["co"][0] / pcam_per_gwh,
            "manganese_sulphate": nmc["mn"][0] / pcam_per_gwh,
        },
        "anode_natural": {"natural_graphite": F.FLAKE_PER_ANODE},
        "lithium_carbonate": {"lithium_ore": F.REFINING_INPUT["lithium_carbonate"]},
        "lithium_hydroxide": {"lithium_ore": F.REFINING_INPUT["lithium_hydroxide"]},
        "nickel_sulphate": {"nickel_intermediate": F.REFINING_INPUT["nickel_sulphate"]},
        "nickel_intermediate": {"nickel_ore": F.REFINING_INPUT["nickel_intermediate"]},
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
    ev_total, ess_total = F.EV_DEMAND[0], F.ESS_DEMAND[0]
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

    # Cells: named plants and aggregates outside China, China takes the rest of each chemistry, and what China
    # made beyond that (MIIT's EV and storage output) went into stock, as LFP cells (D-cn-cell-stock).
    other = {c: sum(p[5] for p in F.CELL_PLANTS if p[3] == c) for c in ("nmc", "lfp")}
    cn_made = sum(q for q, _ in F.CN_CELL_OUTPUT.values())
    stock = cn_made - sum(ch.use(f"cell_{c}") - other[c] for c in ("nmc", "lfp"))
    if stock < 0:
        raise SystemExit(f"China's cell output {cn_made:.0f} GWh is {-stock:.0f} GWh short of what the network uses")
    ch.demand.append(
        dict(
            region="CN",
            commodity="cell_lfp",
            quantity=stock,
            growth=-1.0,  # a one-off of 2024: nothing after the base year (A-cn-cell-stock)
            value_of_lost_demand=None,
            source="D-cn-cell-stock",
        )
    )
    need = {c: ch.use(f"cell_{c}") for c in ("nmc", "lfp")}
    cn_out = {c: need[c] - other[c] for c in ("nmc", "lfp")}
    cn_cap = F.CELL_CAPACITY_WORLD[0] * F.CN_CELL_CAPACITY_SHARE[0]
    # Owners of China's cell plants: Korean-owned output is what Korean makers installed (P289 x P285) less
    # their output elsewhere (D-cn-cells-kr); Japanese-owned per A-cn-cells-jp; Chinese-owned the rest.
    kr_elsewhere = sum(p[5] for p in F.CELL_PLANTS if p[6] == "KR")
    kr_in_cn = F.KR_MAKERS_EV_SHARE[0] * F.EV_INSTALLATIONS_WORLD[0] - kr_elsewhere
    foreign = {
        "kr": (kr_in_cn, "KR", "Korean", "D-cn-cells-kr"),
        "jp": (F.CN_CELLS_JP[0], "JP", "Japanese", "A-cn-cells-jp"),
    }
    for c in ("nmc", "lfp"):
        own = cn_out[c] - (sum(v[0] for v in foreign.values()) if c == "nmc" else 0.0)
        ch.add(
            f"cn-cells-{c}",
            f"{c.upper()} cell plants in China, Chinese-owned (aggregate)",
            "CN",
            f"cell_{c}",
            own,
            cn_cap * own / sum(cn_out.values()),
            "D-cell-capacity-cn",
            stage="cell",
        )
    for key, (q, owner, adj, src) in foreign.items():
        ch.add(
            f"cn-cells-nmc-{key}",
            f"NMC cell plants in China, {adj}-owned (aggregate)",
            "CN",
            "cell_nmc",
            q,
            cn_cap * q / sum(cn_out.values()),
            src,
            owner=owner,
            tech=owner,
            stage="cell",
        )
    for pid, name, reg, chem, cap, prod, owner, tech, src in F.CELL_PLANTS:
        ch.add(pid, name, reg, f"cell_{chem}", prod, cap, src, owner=owner, tech=tech, stage="cell")
    for pid, name, reg, cap, src, owner in F.SODIUM_ION_CELLS:  # idle in the baseline: A-sodium-ion
        ch.add(pid, name, reg, "cell_sib", 0.0, cap, src, owner=owner, tech=owner, stage="cell")
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
        # World output by type is what SNE Research counts as shipped (P325, P326).
        total = F.ANODE_SHIPPED_WORLD[kind][0]
        aggregate(ch, kind, total, s, "anode", label)
        beyond_use(ch, kind, total - ch.use(kind), "D-anode-beyond-cells")

    # Cathode: China's NMC share set so that its share of the cathode the cells use is 90% (P087).
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
    # China's LFP cathode makers shipped more than the cells use (GGII, P323): the rest stays in China.
    lfp_cn = next(p for p in ch.procs if p["id"] == "cn-cam_lfp")
    extra = F.CN_LFP_CATHODE_SHIPPED[0] - lfp_cn["activity"]
    if extra < 0:
        raise SystemExit(f"cam_lfp: the network's cells use {-extra:.0f} t more than China's makers shipped")
    lfp_cn["activity"] += extra
    lfp_cn["capacity"] = F.CN_LFP_CATHODE_CAPACITY[0]
    lfp_cn["source"] = F.CN_LFP_CATHODE_SHIPPED[1]
    ch.demand.append(
        dict(
            region="CN",
            commodity="cam_lfp",
            quantity=extra,
            growth=0.0,
            value_of_lost_demand=None,
            source="D-cam-beyond-cells",
        )
    )
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
    cam_capacity_outside_china(ch)
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
        act = eol[reg] + (orphan if reg == "RoW" else 0.0)
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
    # China's refiners treat only China's black mass (import ban, T136); the black mass no named refiner
    # outside China treats goes to Korea and RoW (A-recycling).
    bm = ch.by_region("black_mass", "outputs")
    rest = float(bm.sum() - bm.get("CN", 0.0)) - sum(v[1] for v in F.HYDROMET.values())
    if rest < 0:
        raise SystemExit(f"refiners outside China need {-rest:.0f} t more black mass than is made outside China")
    plants = {
        reg: (cap, q + rest * F.BLACK_MASS_REST_SPLIT.get(reg, 0.0), owner)
        for reg, (cap, q, owner) in F.HYDROMET.items()
    }
    for reg, (cap, q, owner) in sorted({**plants, "CN": (0.0, float(bm.get("CN", 0.0)), "CN")}.items()):
        util = F.KR_HYDROMET_UTILISATION if reg == "KR" else F.UTILISATION["hydromet"]
        cap = cap or q / util
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
    y = F.REFINING_INPUT["lithium_carbonate"]  # the same for either salt
    eu_uses(ch, "lithium_ore", F.EU_LITHIUM_ORE_USE[0])
    li_ref_total = (sum(li_mined.values()) - F.EU_LITHIUM_ORE_USE[0]) / y
    li_ref = {
        "CN": F.LITHIUM_REFINING_CN[0] * li_ref_total,
        "CL": li_mined["CL"] / y,
        "AR": li_mined["AR"] / y,
        "AU": F.LITHIUM_REFINING_OTHER["AU"][0],
    }
    li_ref["RoW"] = li_ref_total - sum(li_ref.values())
    # Each region's output is split between hydroxide and carbonate (LITHIUM_HYDROXIDE_SHARE).
    lioh = {r: q * F.LITHIUM_HYDROXIDE_SHARE[r][0] for r, q in li_ref.items()}
    li2co3 = {r: q - lioh[r] for r, q in li_ref.items()}
    srcs = {"CN": "D-lithium-salts-cn", "CL": "D-lithium-salts-cl"}
    refined_proc(ch, "lithium_carbonate", li2co3, srcs, "D-lithium-refining", "Lithium carbonate refineries")
    refined_proc(ch, "lithium_hydroxide", lioh, srcs, "D-lithium-refining", "Lithium hydroxide refineries")
    eu_uses(ch, "lithium_carbonate", F.EU_CARBONATE_USE[0], F.EU_CARBONATE_USE[1])
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
    for com in ("lithium_carbonate", "lithium_hydroxide", "cobalt_refined"):
        other_uses(ch, com, ch.made(com) - ch.use(com), "refining")
    # Nickel intermediates: Indonesia's and the rest of the world's at their published output, Finland's (Terrafame's
    # mixed sulphide) at its own mine's; what the sulphate refiners do not take is other uses (refined nickel).
    ni_int = {r: q for r, (q, _) in F.NICKEL_INTERMEDIATES.items()}
    ni_int["FI"] = F.NICKEL_MINES["FI"][0]
    srcs = {**{r: s for r, (_, s) in F.NICKEL_INTERMEDIATES.items()}, "FI": F.NICKEL_MINES["FI"][1]}
    refined_proc(ch, "nickel_intermediate", ni_int, srcs, "P1090", "Nickel intermediate plants")
    surplus = ch.made("nickel_intermediate") - ch.use("nickel_intermediate")
    if surplus < 0:
        raise SystemExit(f"nickel_intermediate: the sulphate refiners need {-surplus:.0f} t Ni more than is made")
    # Indonesia's matte and MHP beyond what the sulphate refiners take are refined to nickel metal (other uses);
    # Goro and Ramu sell their MHP abroad (P1092, P1090), so New Caledonia and the rest of the world keep none.
    ch.demand.append(dict(region="ID", commodity="nickel_intermediate", quantity=surplus, growth=0.0,
                          value_of_lost_demand=None, source="A-other-uses"))  # fmt: skip

    # Mining.
    ni_mined = {r: q for r, (q, _) in F.NICKEL_MINES.items()}
    ni_mined["RoW"] = F.NICKEL_WORLD[0] - sum(ni_mined.values())
    gr = {r: q for r, (q, _) in F.GRAPHITE_MINES.items()}
    gr["RoW"] = F.GRAPHITE_WORLD[0] - sum(gr.values())
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
            {**{r: s for r, (_, s) in F.NICKEL_MINES.items()}, "RoW": "D-ni-row"},
            "Nickel mines",
        ),
        ("manganese_ore", mn, {r: s for r, (_, s) in F.MANGANESE_MINES.items()}, "Manganese mines"),
        (
            "natural_graphite",
            gr,
            {**{r: s for r, (_, s) in F.GRAPHITE_MINES.items()}, "RoW": "D-graphite-row"},
            "Natural graphite mines",
        ),
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
        if com == "natural_graphite":
            eu_uses(ch, com, F.EU_GRAPHITE_USE[0])
            uses_abroad(ch, com, F.GRAPHITE_USES_ABROAD)
        surplus = ch.made(com) - ch.use(com)
        if surplus < -1e-6 * ch.made(com):
            raise SystemExit(f"{com}: the chain needs {ch.use(com):.0f} but mines give only {ch.made(com):.0f}")
        if com in ("nickel_ore", "manganese_ore", "natural_graphite"):
            other_uses(ch, com, surplus, "mining", net=com == "nickel_ore")
    return ch


def cam_capacity_outside_china(ch: Chain) -> None:
    """Size the cathode aggregates outside China so that China holds its published share of capacity (P092).

    Umicore's Nysa plant keeps its own capacity; the aggregates share the rest in proportion to output.
    """
    cam = [p for p in ch.procs if p["kind"] in ("cam_nmc", "cam_lfp")]
    cn_cap = sum(p["capacity"] for p in cam if p["region"] == "CN")
    share = F.CAM_CN_CAPACITY_SHARE[0]
    named = sum(p["capacity"] for p in cam if p["region"] != "CN" and p["id"] == "pl-umicore-nysa")
    rest = [p for p in cam if p["region"] != "CN" and p["id"] != "pl-umicore-nysa"]
    room = cn_cap * (1 - share) / share - named
    if room <= 0:
        raise SystemExit(f"cathode: Nysa's {named:.0f} t leaves no capacity outside China for a {share:.0%} share")
    util = sum(p["activity"] for p in rest) / room
    for p in rest:
        p["capacity"] = p["activity"] / util


def beyond_use(ch: Chain, com: str, total: float, source: str) -> None:
    """Add as demand, where it is made, the output of a material beyond what the network's cells use."""
    if total < 0:
        raise SystemExit(f"{com}: the network's cells use {-total:.0f} t more than the published output")
    made = ch.by_region(com, "outputs")
    for reg, q in made.items():
        if q > 0:
            ch.demand.append(
                dict(
                    region=reg,
                    commodity=com,
                    quantity=total * q / made.sum(),
                    growth=0.0,
                    value_of_lost_demand=None,
                    source=source,
                )
            )


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
        if q <= 0:
            continue
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


def other_uses(ch: Chain, com: str, total: float, stage: str, net: bool = False) -> None:
    """Add final demand for uses outside the modelled chain, in proportion to output outside the EU.

    With ``net``, in proportion to what each region makes less what its own plants draw (nickel ore: the
    intermediate plants stand at the mines, and only the rest goes to pig iron and ferronickel).
    """
    made = {p["region"]: 0.0 for p in ch.procs if p["kind"] == com and p["region"] not in F.EU27}
    for p in ch.procs:
        if p["kind"] == com and p["region"] in made:
            made[p["region"]] += p["activity"]
    if net:
        used = ch.by_region(com, "inputs")
        made = {r: max(q - float(used.get(r, 0.0)), 0.0) for r, q in made.items()}
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


def uses_abroad(ch: Chain, com: str, uses: dict[str, tuple[float, str, str]]) -> None:
    """Add final demand for what importing regions use beyond the network's plants there.

    That is each region's total use less what those plants draw.
    """
    drawn = ch.by_region(com, "inputs")  # before the rows below are added
    for reg, (total, src, _) in sorted(uses.items()):
        plants = float(drawn.get(reg, 0.0))
        if plants > total:
            raise SystemExit(f"{com}: the network's plants in {reg} use {plants:.0f} t, more than its {total:.0f} t")
        ch.demand.append(
            dict(region=reg, commodity=com, quantity=total - plants, growth=0.0, value_of_lost_demand=None,
                 source=src if plants == 0 else "D-graphite-abroad")
        )  # fmt: skip


def eu_uses(ch: Chain, com: str, total: float, source: str = "A-eu-ore-uses") -> None:
    """Add final demand for non-battery uses in the EU, split among EU regions (A-eu-ore-uses)."""
    for reg, share in sorted(F.EU_INDUSTRY_SPLIT.items()):
        ch.demand.append(
            dict(
                region=reg,
                commodity=com,
                quantity=total * share,
                growth=0.0,
                value_of_lost_demand=None,
                source=source,
            )
        )
