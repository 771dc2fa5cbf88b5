"""Generate the global-li-ion-2024 network from the figures in ``inputs/``.

Run from the repository root::

    python networks/global-li-ion-2024/build.py

The script is deterministic: the same inputs give byte-identical CSV files. It works down the
chain from final demand (packs) to mines, so that every stage's baseline output is what the
stage below needs, split among countries by the sourced shares; recycling adds co-products; and
trade lanes are derived per commodity by :func:`valuechain.network.trade.balance_trade_constrained` so
that the baseline balances at every hub.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "inputs")]
sys.path.insert(1, str(HERE.parents[1] / "src"))  # the checkout's own valuechain

import assumptions as A  # noqa: E402, N812
import figures as F  # noqa: E402, N812
from chain import build_chain, recipe  # noqa: E402
from derive import derivation_rows  # noqa: E402
from freight import lane_cost, lane_lead_time, region_km  # noqa: E402
from growth import growth_options, lead_life_key, pack_options, stage_of  # noqa: E402

from valuechain.network import NetworkBuilder, save_network  # noqa: E402
from valuechain.network.balancing import distance_matrix  # noqa: E402
from valuechain.network.trade import (  # noqa: E402
    ShareConstraint,
    balance_trade_constrained,
    ownership_affinity,
    tariff_affinity,
)

NAME = "global-li-ion-2024"
DESCRIPTION = (
    "The global lithium-ion battery chain in 2024 at country level: mines, refineries, precursor, cathode and anode "
    "plants, electrolyte and separator, cell plants (European plants named, with owner and technology origin), pack "
    "assembly for EV and stationary-storage demand, and recycling through black mass. Every figure cites a source; "
    "bilateral trade is balanced to observed shares (inputs/trade_pins.csv), bans and a gravity prior with home bias "
    "and owner ties. See README.md for the method and assumptions."
)

COMMODITIES = [  # id, name, unit, stage
    ("lithium_ore", "Lithium ore and brine (spodumene concentrate, brine)", "t LCE", "mining"),
    ("lithium_carbonate", "Lithium carbonate", "t LCE", "refining"),
    ("lithium_hydroxide", "Lithium hydroxide (monohydrate, counted in t LCE)", "t LCE", "refining"),
    ("nickel_ore", "Nickel mine output (ore and concentrate)", "t Ni", "mining"),
    ("nickel_intermediate", "Nickel intermediates (MHP, high-grade matte, mixed sulphide)", "t Ni", "intermediate"),
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
    ("cell_sib", "Sodium-ion cells", "GWh", "cell"),
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
    "ZW": "AF",
    "NC": "OC",
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


# --------------------------------------------------------------------------- network tables
def cost_level(region: str, stage: str) -> float:
    """Return the multiplier on Chinese variable costs for a region and stage."""
    if stage == "mining":
        return 1.0
    if region in F.EU27:
        return F.COST_LEVEL["EU"][0]
    return F.COST_LEVEL["HIGH"][0] if region in F.HIGH_COST else 1.0


def read_public_figures(name: str = "public_figures.csv") -> list[dict[str, str]]:
    """Read the rows of inputs/public_figures.csv (or of another file of public figures in inputs/)."""
    with open(HERE / "inputs" / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def read_input(name: str) -> list[dict[str, str]]:
    """Read the rows of one CSV file in inputs/."""
    with open(HERE / "inputs" / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def trade_constraints() -> list[ShareConstraint]:
    """The observed shares of inputs/trade_pins.csv as bounds for the balancing."""
    regions = [r[0] for r in F.REGIONS]
    groups = {"EU27": F.EU27}
    out = []
    for r in read_input("trade_pins.csv"):
        reporters = groups.get(r["reporter"], r["reporter"].split(";"))
        partners = (
            [g for g in regions if g not in reporters]
            if r["partner"] == "*extra*"
            else groups.get(r["partner"], r["partner"].split(";"))
        )
        out.append(
            ShareConstraint(
                r["id"],
                tuple(r["commodities"].split(";")),
                tuple(reporters),
                tuple(partners),
                side=r["side"],
                lo=float(r["lo"]),
                hi=float(r["hi"]),
                basis=r["basis"],
            )
        )
    return out


def owner_shares(ch: object, commodity: str, side: str) -> pd.DataFrame:
    """Share of each region's output ('outputs') or use ('inputs') of a commodity by owner of the plant."""
    acc: dict[tuple[str, str], float] = {}
    for p in ch.procs:  # type: ignore[attr-defined]
        q = p["activity"] * p[side].get(commodity, 0.0)
        if q > 0:
            acc[(p["region"], p["owner"])] = acc.get((p["region"], p["owner"]), 0.0) + q
    if side == "inputs":
        for d in ch.demand:  # type: ignore[attr-defined]
            if d["commodity"] == commodity and d["quantity"] > 0:
                acc[(d["region"], d["region"])] = acc.get((d["region"], d["region"]), 0.0) + d["quantity"]
    if not acc:
        return pd.DataFrame()
    m = pd.Series(acc).unstack(fill_value=0.0)
    return m.div(m.sum(axis=1), axis=0)


_RULES = list(read_input("trade_rules.csv"))  # read once: TARIFFS, STANDING_BANS and every balancing use them


def _lane_regions(spec: str) -> list[str]:
    """Regions of an origin or destination in inputs/trade_rules.csv: '*', a group (EU27) or ids joined by ';'."""
    if spec == "*":
        return [r[0] for r in F.REGIONS]
    return list(F.EU27) if spec == "EU27" else spec.split(";")


def trade_rules(rule: str, standing: bool = False) -> list[tuple[str, str, str, float, str]]:
    """Lanes of inputs/trade_rules.csv with the given rule: (commodity, origin, destination, value, source).

    With ``standing``, only the rows with no end date ('until' empty).
    """
    out = []
    for r in _RULES:
        if r["rule"] != rule or (standing and r["until"].strip()):
            continue
        for com in r["commodity"].split(";"):
            for o in _lane_regions(r["origin"]):
                out += [(com, o, d, float(r["value"]), r["source"]) for d in _lane_regions(r["destination"]) if d != o]
    return out


#: Ad-valorem tariff in force for most of 2024 per (commodity, origin, destination), with its sources (D-tariffs).
TARIFFS = {(com, o, d): (rate, src) for com, o, d, rate, src in trade_rules("tariff")}
#: Lanes banned with no end date (Indonesia's nickel ore): no open lane is offered on them to later plans either. A
#: ban with an end ('until': China's black-mass import ban, lifted 1 Aug 2025) holds the 2024 flows only.
STANDING_BANS = {(com, o, d) for com, o, d, _, _ in trade_rules("ban", standing=True)}


def trade_affinity(ch: object, commodities: list[str]) -> dict[str, pd.DataFrame]:
    """Lane weights per commodity: owners supplying their own plants, tariffs, and 0 on banned lanes."""
    regions = [r[0] for r in F.REGIONS]
    bans = trade_rules("ban")  # expanded once, not per commodity
    out = {}
    for com in commodities:
        sup, use = owner_shares(ch, com, "outputs"), owner_shares(ch, com, "inputs")
        aff = pd.DataFrame(1.0, index=regions, columns=regions)
        if len(sup) and len(use):
            own = ownership_affinity(sup, use, weight=F.OWNERSHIP_WEIGHT)
            aff.loc[own.index, own.columns] = own
        rates = pd.DataFrame(0.0, index=regions, columns=regions)
        for (c, o, d), (rate, _) in TARIFFS.items():
            if c == com:
                rates.loc[o, d] = rate
        aff *= tariff_affinity(rates, elasticity=F.TRADE_ELASTICITY[0])
        for c, o, d, _, _ in bans:
            if c == com:
                aff.loc[o, d] = 0.0
        out[com] = aff
    return out


def add_stocks(tables: dict, ch: object) -> None:
    """Initial stocks and holding costs (D-holding).

    A hub starts with its published stock where one is found, else with days of cover by stage (A-stocks) times
    its annual use.
    """
    stage = {cid: st for cid, _, _, st in COMMODITIES}
    hubs = tables["hubs"].copy()
    stocks, srcs = [], []
    for reg, com in zip(hubs["region"], hubs["commodity"], strict=True):
        if (reg, com) in F.PUBLISHED_STOCKS:
            q, src, _ = F.PUBLISHED_STOCKS[(reg, com)]
            stocks.append(round(q, 6))
            srcs.append(src)
            continue
        use = ch.by_region(com, "inputs").get(reg, 0.0)  # type: ignore[attr-defined]
        days = F.STOCK_DAYS[stage[com]]
        q = round(days / 365.0 * float(use), 6)
        stocks.append(q)
        srcs.append("D-stocks" if q > 0 else "")
    hubs["initial_stock"] = stocks
    hubs["holding_cost"] = [round(F.HOLDING_RATE * float(F.VALUE[c][0]), 6) for c in hubs["commodity"]]
    hubs["source"] = srcs
    tables["hubs"] = hubs


def add_alternatives(tables: dict, ch: object) -> None:
    """Cell plants may switch graphite, packs cell chemistry, NMC cathode plants lithium salt.

    The sources: A-anode-substitution, A-chemistry-switching and A-lithium-salts.
    """
    rows = []
    sib_regions = {r for _, _, r, *_ in F.SODIUM_ION_CELLS}
    for p in ch.procs:  # type: ignore[attr-defined]
        if p["kind"] not in ("cell_nmc", "cell_lfp"):
            continue
        inputs, _ = recipe(p["kind"])
        for com, (other, per_t, share, ramp) in F.ANODE_SUBSTITUTION.items():
            rows.append(
                {
                    "process": p["id"],
                    "commodity": com,
                    "alternative": other,
                    "coefficient": round(inputs[com] * per_t, 6),
                    "share_max": share,
                    "ramp_months": ramp,
                    "variable_cost": 0.0,
                    "recourse": "substitution",
                    "source": "A-anode-substitution",
                }
            )
    for p in ch.procs:  # type: ignore[attr-defined]
        for ending, options in F.CHEMISTRY_SWITCHING.items():
            if not p["id"].endswith(f"-{ending}"):
                continue
            for com, other, share, ramp, cost in options:
                if other == "cell_sib" and p["region"] not in sib_regions:
                    continue  # (sodium-ion cells only where they are made: no lane carries them)
                rows.append(
                    {
                        "process": p["id"],
                        "commodity": com,
                        "alternative": other,
                        "coefficient": p["inputs"][com],
                        "share_max": share,
                        "ramp_months": ramp,
                        "variable_cost": cost,
                        "recourse": "chemistry_switching",
                        "source": "A-sodium-ion" if other == "cell_sib" else "A-chemistry-switching",
                    }
                )
    for p in ch.procs:  # type: ignore[attr-defined]
        if p["kind"] in F.LITHIUM_SALT_SWITCHING:
            com, other, share, ramp, cost = F.LITHIUM_SALT_SWITCHING[p["kind"]]
            rows.append(
                {
                    "process": p["id"],
                    "commodity": com,
                    "alternative": other,
                    "coefficient": round(p["inputs"][com], 9),  # t LCE for t LCE
                    "share_max": share,
                    "ramp_months": ramp,
                    "variable_cost": cost,
                    "recourse": "chemistry_switching",
                    "source": "A-lithium-salts",
                }
            )
    # (stable: an input's alternatives keep their order, the order in which they are drawn on)
    tables["alternatives"] = pd.DataFrame(rows).sort_values(["process", "commodity"], kind="stable", ignore_index=True)


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


def add_public_figures(b: NetworkBuilder, rows: list[dict[str, str]]) -> None:
    """Add rows of a public-figures file as sources."""
    for r in rows:
        title = r["source_title"]
        publisher = title.split(" '")[0].split(",")[0].split(" (")[0].strip()
        url = r["source_url"] if r["source_url"].startswith("http") else ""
        year = int(r["year"][:4])
        what = f"{r['metric']} - {r['material_or_product']} / {r['country_or_region']}"
        note = f"{what} = {r['value']} {r['unit']} ({r['year']})"
        b.add_source(
            r["figure_id"], title, publisher=publisher, year=year, url=url, confidence=r["confidence"], note=note
        )


def add_sources(b: NetworkBuilder) -> None:
    """Add public figures, seed facts, assumptions and derivations as sources."""
    add_public_figures(b, read_public_figures())
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
    for r in read_input("trade_figures.csv"):
        share = f", share {r['share_pct']} %" if r["share_pct"] else ""
        b.add_source(
            r["id"],
            r["source_title"],
            publisher=r["publisher"],
            year=int(r["year"][:4]) if r["year"][:4].isdigit() else 2024,
            url=r["url"],
            confidence=r["confidence"],
            note=(
                f"{r['reporter']} {r['flow']} of {r['commodity']}, partner {r['partner']} ({r['year']}): "
                f"{r['value']} {r['unit']}{share}"
            ).replace("  ", " "),
        )
    for r in read_input("plant_sources.csv"):
        b.add_source(
            r["id"],
            r["title"],
            publisher=r["publisher"],
            year=int(r["year"]),
            url=r["url"],
            confidence=r["confidence"],
            note=f"{r['passage']} ({r['date']})",
        )
    _add_own_sources(b, {sid: (title, note, "assumption") for sid, (title, note) in A.ASSUMPTIONS.items()})
    _add_own_sources(b, A.DERIVED)
    # The 2030 outlooks and the growth options' assumptions and derivations come last.
    add_public_figures(b, read_public_figures("outlook_figures.csv"))
    _add_own_sources(b, A.GROWTH)


def _add_own_sources(b: NetworkBuilder, sources: dict[str, tuple[str, str, str]]) -> None:
    """The network's own assumptions and derivations, as sources: (title, note, confidence) by id."""
    for sid, (title, note, conf) in sources.items():
        b.add_source(
            sid,
            title,
            publisher="valuechain",
            year=2026,
            url="networks/global-li-ion-2024/README.md",
            confidence=conf,
            note=note,
        )


SUFFIXES = ("-new", "-eu", "-cn", "-kr", "-geo", "-grow")  # option ids kept as written; others get "-build"


def continent(region: str) -> str:
    """Return the continent code of a region (EU for Europe)."""
    return CONTINENT.get(region, "EU")


def add_route(b: NetworkBuilder, seen: set, com: str, o: str, d: str, flow: float) -> None:
    """Add a trade lane with freight cost by mode and continent class and lead time by continent pair (D-freight).

    An open lane (no flow) is not added where a standing ban forbids the trade.
    """
    if flow <= 0 and (com, o, d) in STANDING_BANS:
        return
    b.add_route(
        f"{com}/{o}>{d}",
        com,
        o,
        d,
        cost=round(lane_cost(com, continent(o), continent(d), region_km(o, d))[0], 6),
        tariff=round(TARIFFS.get((com, o, d), (0.0, ""))[0] * F.VALUE[com][0], 6),
        lead_time=round(lane_lead_time(continent(o), continent(d))[0], 6),
        baseline_flow=flow,
        source="D-trade" if flow > 0 else "D-freight",
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
    cost_keys: dict[str, tuple[str, str]] = {}  # process or expansion -> (cost key, stage), for derive.py
    size_sources: dict[str, str] = {}  # expansion -> source of its size, for derive.py
    for p in ch.procs:
        cost_keys[p["id"]] = (p["cost_key"], p["stage"])
        (ttr, _), (ramp, _) = F.TTR[p["stage"]]
        vc = F.VARIABLE_COST[p["cost_key"]][0] * cost_level(p["region"], p["stage"])
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

    # Baseline trade: constrained balancing of gross trade (D-trade), all commodities but packs.
    coords = pd.DataFrame([(r[0], r[3], r[4]) for r in F.REGIONS], columns=["id", "lat", "lon"]).set_index("id")
    dist = distance_matrix(coords)
    # RoW is spread over every continent: it sits at the median distance from everyone (A-trade-drivers).
    median = float(dist.where(~np.eye(len(dist), dtype=bool)).stack().median())
    dist.loc["RoW", :] = median
    dist.loc[:, "RoW"] = median
    dist.loc["RoW", "RoW"] = float(dist.loc["CN", "CN"])
    seen: set = set()
    produced: dict[str, pd.Series] = {}
    used: dict[str, pd.Series] = {}
    traded = [cid for cid, *_ in COMMODITIES if cid not in ("pack_ev", "pack_ess", "cell_sib")]
    for cid, *_ in COMMODITIES:
        produced[cid], used[cid] = ch.by_region(cid, "outputs"), ch.by_region(cid, "inputs")
    prod = pd.DataFrame({c: produced[c].round(6) for c in traded}).fillna(0.0)
    use = pd.DataFrame({c: used[c].round(6) for c in traded}).fillna(0.0)
    flows = balance_trade_constrained(
        prod,
        use,
        distance=dist,
        decay=F.TRADE_DECAY,
        home_bias={c: F.HOME_BIAS_BY_COMMODITY.get(c, F.HOME_BIAS) for c in traded},
        affinity=trade_affinity(ch, traded),
        constraints=trade_constraints(),
        min_share=F.TRADE_MIN_SHARE,
        rtol=1e-6,
    )
    for com, o, d, f in flows.itertuples(index=False):
        add_route(b, seen, com, o, d, round(f, 9))

    # Expansion options: planned plants named in the seeds, then generic options.
    # Lifetime: the stage's, as for the growth options (GROWTH_LEAD_LIFE: published where a plant's record is).
    def life(kind: str, region: str) -> float:
        return F.GROWTH_LEAD_LIFE[lead_life_key(stage_of(kind), region, kind)][1][0]

    options = [
        (
            pid,
            name + " (planned)",
            reg,
            f"cell_{chem}",
            cap,
            capex,
            csrc,
            owner,
            tech,
            lead,
            life(f"cell_{chem}", reg),
            src,
        )
        for pid, name, reg, chem, cap, owner, tech, src, capex, csrc, lead in F.PIPELINE_CELLS
    ]
    options += [
        (pid, name + " (planned)", reg, com, cap, capex, csrc, owner, tech, lead, life(com, reg), src)
        for pid, name, reg, com, cap, owner, tech, src, capex, csrc, lead in F.PIPELINE_MATERIALS
    ]
    options += [
        (pid, name, reg, kind, size, capex, src, owner, tech, lead, life(kind, reg), src)
        for pid, name, reg, kind, size, capex, src, owner, tech, lead in F.EXPANSIONS
    ]
    options += growth_options(ch.procs, cost_level, {cid: name for cid, name, _, _ in COMMODITIES})
    packs, pack_recipes = pack_options(ch.procs, ch.demand, cost_level)
    options += packs
    for pid, name, reg, kind, size, capex, csrc, owner, tech, lead, lifetime, size_src in options:
        pid = pid if pid.endswith(SUFFIXES) else f"{pid}-build"
        size_sources[pid] = "A-option-sizes" if size_src == csrc else size_src
        inputs, outputs = pack_recipes.get(pid) or recipe(kind)
        stage = stage_of(kind)
        key = {"pretreatment": "black_mass"}.get(kind, kind)
        cost_keys[pid] = (key, stage)
        b.add_expansion(
            pid,
            region=reg,
            inputs=inputs,
            outputs=outputs,
            name=name,
            capex=round(capex, 2),
            variable_cost=F.VARIABLE_COST[key][0] * cost_level(reg, stage),
            min_size=0.0,
            max_size=size,
            lifetime=lifetime,
            lead_time=lead,
            owner=owner,
            technology_origin=tech,
            source=csrc,
        )
        # Lanes with no baseline flow so that new capacity can reach its users and be supplied. Growth
        # options stand where the stage already runs: they use the region's 2024 lanes, and get new ones
        # only where none leaves (or enters) the region.
        grow = pid.endswith("-grow")
        for com in outputs:
            if grow and any(k[0] == com and k[1] == reg for k in seen):
                continue
            top = used[com].drop(reg, errors="ignore").nlargest(2).index if com in used else []
            for d in top:
                if (com, reg, d) not in seen and com not in ("pack_ev", "pack_ess"):
                    add_route(b, seen, com, reg, d, 0.0)
        for com in inputs:
            if grow and (produced[com].get(reg, 0.0) > 0 or any(k[0] == com and k[2] == reg for k in seen)):
                continue
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
        (o[0] if o[0].endswith(SUFFIXES) else f"{o[0]}-build"): o[3] for o in options
    }
    tables = dict(net.tables)
    rec = tables["recipes"].copy()
    rec["source"] = [
        recipe_source(kind_of[p], c, k, str(s))
        for p, c, k, s in zip(rec["process"], rec["commodity"], rec["kind"], rec["source"], strict=True)
    ]
    src = dict(zip(net.processes.index, net.processes["source"], strict=True))
    rec["source"] = [s or src.get(p, "A-yields") for p, s in zip(rec["process"], rec["source"], strict=True)]
    # The cells of a pack growth option come in the region's 2024 mix (A-chemistry).
    rec.loc[rec["process"].isin(list(pack_recipes)) & (rec["kind"] == "input"), "source"] = "A-chemistry"
    tables["recipes"] = rec
    add_stocks(tables, ch)
    add_alternatives(tables, ch)
    tables["projects"] = pd.DataFrame(read_input("projects.csv"), dtype=object)
    tables["derivations"] = derivation_rows(tables, continent, cost_keys, size_sources, TARIFFS)
    return type(net).from_frames(
        net.name, tables, year=net.year, period=net.period, units=net.units, description=net.description
    )


def recipe_source(kind: str, commodity: str, side: str, current: str) -> str:
    """Return the source of one recipe coefficient, given the kind of process it belongs to."""
    if kind in ("cell_nmc", "cell_lfp"):
        if commodity.startswith(("cam_", "cell_")):
            return "D-cam-mass"
        if commodity.startswith("anode_"):
            return "D-anode-mix"
        return {"electrolyte": "D-components", "separator": "D-components", "eol_batteries": "D-cell-scrap"}[commodity]
    if kind in ("cam_nmc", "cam_lfp", "pcam"):
        return "D-cam-mass"
    if kind == "pretreatment" and commodity == "black_mass":
        return F.BLACK_MASS_YIELD_SOURCE
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
    lines += [
        f"- **{sid}** {title}. {note}"
        if conf == "assumption"
        else f"- **{sid}** {title} (derived, confidence {conf}). {note}"
        for sid, (title, note, conf) in A.GROWTH.items()
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
