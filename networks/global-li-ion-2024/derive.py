"""Provenance per figure: the derivations table of global-li-ion-2024.

Each row of ``derivations.csv`` names one figure (table, row, field), how it was obtained and the
source ids of its inputs. Figures not listed there take the source of their row. The rows written
here cover the fields whose figures do not come from the row's source: costs, recovery times,
freight, capacities computed from output and a utilisation, trade flows, stocks, and the growth
and lost value of demand.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import figures as F  # noqa: N812
import pandas as pd
from freight import lane_cost, lane_lead_time, region_km

_OECD = set(F.HIGH_COST)
_UTILISATIONS = {
    round(u, 9) for u in (*F.UTILISATION.values(), *F.UTILISATION_OUTSIDE_CN.values(), F.KR_HYDROMET_UTILISATION)
}


def _cost_inputs(key: str, region: str, stage: str) -> str:
    """Source ids of a variable cost: the stage's cost at Chinese level and the region's cost level.

    Mining costs are not scaled by region (``build.cost_level``), so a mine cites its stage's cost only.
    """
    ids = [F.VARIABLE_COST[key][1]]
    if stage != "mining" and region in F.EU27:
        ids.append(F.COST_LEVEL["EU"][1])
    elif stage != "mining" and region in F.HIGH_COST:
        ids.append(F.COST_LEVEL_US if region == "US" else F.COST_LEVEL["HIGH"][1])
    return ";".join(dict.fromkeys(ids))


def _level_inputs(region: str) -> str:
    """Source ids of a region's capex level: its production cost level, taken to hold for building too (A-costs)."""
    if region in F.EU27:
        level = F.COST_LEVEL["EU"][1]
    else:
        level = F.COST_LEVEL_US if region == "US" else F.COST_LEVEL["HIGH"][1]
    return ";".join(dict.fromkeys(("A-costs", level)))


def _value_inputs(commodity: str) -> str:
    """Source ids of a commodity's value: the inputs of its derivation, or its own source."""
    if commodity in F.VALUE_DERIVED:
        return F.VALUE_DERIVED[commodity][2]
    return F.VALUE[commodity][1]


def _pin_ids() -> dict[str, list[str]]:
    """Observed trade figures (T ids) that constrain each commodity's lanes."""
    import csv
    from pathlib import Path

    out: dict[str, list[str]] = {}
    with open(Path(__file__).parent / "inputs" / "trade_pins.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["use"] not in ("pin", "bound"):
                continue
            for com in r["commodities"].split(";"):
                for sid in r["source"].split(";"):
                    if sid and sid not in out.setdefault(com, []):
                        out[com].append(sid)
    return out


#: Investment per unit of an option that rests on a derivation: (method, inputs, the derivation's value, which an
#: option scaled by a technology or cost-level factor departs from).
_CAPEX_DERIVED: dict[str, tuple[str, str, float]] = {
    "D-capex-catl": ("CATL Debrecen's investment / its capacity, in USD", "S112;P229;P991", 7.3e9 * F.EUR_USD / 100),
    "D-capex-calb": ("CALB Sines' investment / its capacity, in USD", "S124;W008;P991", 2.0e9 * F.EUR_USD / 15),
    "D-capex-eu-cells": (
        "EUR 33 bn for over 200 GWh of European cell plants, in USD",
        "S047;S046;P991",
        33e9 * F.EUR_USD / 200,
    ),
    "D-capex-cam": ("Kotka's investment / its capacity, in USD", "S100;W021;P991", 800e6 * F.EUR_USD / 60_000),
    "D-capex-us": (
        "the median of four announced US cell plants' investment / capacity",
        ";".join(F.US_CELL_PLANTS),
        F.US_CELL_CAPEX,
    ),
    "D-capex-cn": (
        "the median of four announced US cell plants' investment / capacity, / 2: building in the US and Europe "
        "costs 70-130 % more than in China",
        ";".join(F.US_CELL_PLANTS) + ";P225",
        F.CN_CELL_CAPEX,
    ),
    "D-capex-cam-cn": (
        "Kotka's investment / its capacity, in USD, / 2: building in Europe costs 70-130 % more than in China",
        "S100;W021;P991;P225",
        800e6 * F.EUR_USD / 60_000 / 2.0,
    ),
}
#: BatPaC 5.1 intensities behind a chemistry's recipes: its lithium, its metals (lithium, nickel, cobalt, manganese)
#: and its graphite (NMC is the average of NMC 811 and NMC 622, D-nmc-blend).
_INTENSITY_IDS = {
    "nmc": {"li": "P107;P115", "metals": "P107;P108;P109;P110;P115;P116;P117;P118", "graphite": "P111;P119"},
    "lfp": {"li": "P147", "metals": "P147", "graphite": "P151"},
}
#: Project capacities that rest on a derivation: the derivation's method, by source id.
_PROJECT_METHODS = {
    "D-lioh-keliber": "t of lithium hydroxide monohydrate x 0.8805 t LCE per t (lithium content by molar mass)",
    "D-lioh-amg": "t of lithium hydroxide monohydrate x 0.8805 t LCE per t (lithium content by molar mass)",
    "D-lioh-vulcan": "t of lithium hydroxide monohydrate x 0.8805 t LCE per t (lithium content by molar mass)",
}
#: Project capacities that also rest on an assumption, (project, field) -> assumption id.
_PROJECT_ASSUMED = {("de-amg-bitterfeld", "capacity_full"): "A-amg-salts"}
_PROJECT_CAPACITIES = ("capacity_2024", "capacity_2025", "capacity_2027", "capacity_2030", "capacity_full")


def derivation_rows(
    tables: dict[str, pd.DataFrame],
    continent: Callable[[str], str],
    cost_keys: dict[str, tuple[str, str]],
    size_sources: dict[str, str],
    tariffs: dict[tuple[str, str, str], tuple[float, str]],
) -> pd.DataFrame:
    """The derivations table for the built tables (before validation).

    Parameters
    ----------
    tables
        The network's tables as built (``processes``, ``routes``, ``hubs``, ``demand``,
        ``expansions``, ``recipes``).
    continent
        The continent code of a region (freight and lead times depend on whether a lane stays on
        one continent and on the pair of continents).
    cost_keys
        Process or expansion id -> (key of its cost in ``VARIABLE_COST``, stage).
    size_sources
        Expansion id -> source of its size (the planned size of a named plant, or A-option-sizes);
        growth options are sized by their own derivation.
    tariffs
        (commodity, origin, destination) -> (ad-valorem rate, its sources), from inputs/trade_rules.csv.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``row``, ``field``, ``method``, ``inputs`` and ``source``.
    """
    rows: list[tuple[str, str, str, str, str, str]] = []

    def add(table: str, row: str, field: str, method: str, inputs: str, source: str = "") -> None:
        rows.append((table, row, field, method, inputs, source))

    proc = tables["processes"]
    out = tables["recipes"]
    out = out[out["kind"] == "output"].drop_duplicates("process").set_index("process")["commodity"]
    for pid, r in proc.iterrows():
        region, src = str(r["region"]), str(r["source"])
        cap, act = float(r["capacity"]), float(r["baseline_activity"])
        if float(r["variable_cost"]) > 0:
            how = (
                "an LFP cell's price, since none of its materials is in the network"
                if cost_keys[str(pid)][0] == "cell_sib"
                else "conversion cost of the stage at Chinese levels x the region's cost level "
                "(EU27 1.5, other OECD 1.2)"
            )
            add("processes", str(pid), "variable_cost", how,
                _cost_inputs(cost_keys[str(pid)][0], region, cost_keys[str(pid)][1]))  # fmt: skip
        for f, (_, time_src) in zip(("ttr", "ramp_up"), F.TTR[cost_keys[str(pid)][1]], strict=True):
            if float(r[f]) > 0 and time_src == "A-ttr":
                add("processes", str(pid), f, "typical time for the stage", time_src)
            elif float(r[f]) > 0:
                add("processes", str(pid), f, "median time from stop to first restart of the published outages of "
                    "the stage's plants", time_src, "D-ttr")  # fmt: skip
        if src in F.MINE_DERIVED and act > 0:
            add("processes", str(pid), "baseline_activity", *F.MINE_DERIVED[src], src)
        if src in F.SODIUM_ION_DERIVED and cap > 0:
            add("processes", str(pid), "capacity", *F.SODIUM_ION_DERIVED[src], src)
        com = str(out.get(pid, ""))
        if (
            math.isfinite(cap)
            and cap > 0
            and act > 0
            and not com.startswith("cell_")
            and round(act / cap, 9) in _UTILISATIONS
            and src != "A-utilisation"
        ):
            add("processes", str(pid), "capacity", "2024 output / utilisation of the stage", f"{src};A-utilisation")
        elif pid == "cn-cam_lfp":
            add("processes", str(pid), "capacity", "China's LFP cathode capacity in 2024 (SMM)",
                F.CN_LFP_CATHODE_CAPACITY[1])  # fmt: skip
        elif com in ("cam_nmc", "cam_lfp") and region != "CN" and act > 0 and pid != "pl-umicore-nysa":
            inputs = f"{src};{F.CAM_CN_CAPACITY_SHARE[1]};{F.CN_LFP_CATHODE_CAPACITY[1]};A-utilisation"
            add("processes", str(pid), "capacity",
                "so that China holds its published share of world cathode capacity, in proportion to output",
                inputs, "D-cam-capacity")  # fmt: skip
    for cid, (_, method, inputs) in F.VALUE_DERIVED.items():
        add("commodities", cid, "value", method, inputs, "D-values")
    pins = _pin_ids()
    taxed: dict[str, list[str]] = {}  # commodity -> sources of its tariffs and of the elasticity that prices them
    for (com, _, _), (_, src) in tariffs.items():
        taxed.setdefault(com, [F.TRADE_ELASTICITY[1]])
        taxed[com] += [s for s in src.split(";") if s not in taxed[com]]
    for rid, r in tables["routes"].iterrows():
        o, d = continent(str(r["origin"])), continent(str(r["destination"]))
        if float(r["cost"]) > 0:
            km = region_km(str(r["origin"]), str(r["destination"]))
            _, method, inputs = lane_cost(str(r["commodity"]), o, d, km)
            add("routes", str(rid), "cost", method, inputs, "D-freight")
        if float(r["lead_time"]) > 0:
            _, method, inputs = lane_lead_time(o, d)
            add("routes", str(rid), "lead_time", method, inputs, "D-freight")
        com = str(r["commodity"])
        if float(r["tariff"]) > 0:
            rate, src = tariffs[(com, str(r["origin"]), str(r["destination"]))]
            add("routes", str(rid), "tariff", f"ad-valorem tariff in force for most of 2024 ({rate:.1%}) x the "
                "commodity's value", f"{src};{_value_inputs(com)}", "D-tariffs")  # fmt: skip
        if float(r["baseline_flow"]) > 0:
            ids = pins.get(com, []) + taxed.get(com, [])
            add("routes", str(rid), "baseline_flow",
                "constrained balancing of each region's output and use (balance_trade_constrained)",
                ";".join([*ids, "A-trade-drivers"]), "D-trade")  # fmt: skip
    for _, r in tables["hubs"].iterrows():
        published = F.PUBLISHED_STOCKS.get((str(r["region"]), str(r["commodity"])))
        if published is not None and published[2]:
            add("hubs", f"{r['region']}/{r['commodity']}", "initial_stock", published[2], published[1])
        elif published is None and float(r["initial_stock"]) > 0:
            add("hubs", f"{r['region']}/{r['commodity']}", "initial_stock",
                "days of cover of the stage x the hub's annual use / 365", "A-stocks", "D-stocks")  # fmt: skip
        if float(r.get("holding_cost", 0.0)) > 0:
            add("hubs", f"{r['region']}/{r['commodity']}", "holding_cost",
                "10 % of the commodity's value a year", f"P904;{_value_inputs(str(r['commodity']))}",
                "D-holding")  # fmt: skip
    for _, r in tables["demand"].iterrows():
        key = f"{r['region']}/{r['commodity']}"
        if r["source"] == "D-cn-cell-stock":
            add("demand", key, "growth", "stock build is a one-off of 2024: -100 % a year after it", "A-cn-cell-stock")
        elif float(r["growth"]) != 0:
            add("demand", key, "growth", "annual growth from 2024 to the 2030 outlook", "P016;P243", "D-growth")
        abroad = F.GRAPHITE_USES_ABROAD.get(str(r["region"])) if r["commodity"] == "natural_graphite" else None
        if abroad is not None and r["source"] == "D-graphite-abroad":
            plants = tables["processes"].loc[lambda p, reg=r["region"]: p["region"] == reg]
            anode = ";".join(sorted({str(s) for s in plants.loc[plants.index.str.endswith("anode_natural"), "source"]}))
            add("demand", key, "quantity", f"{abroad[2]}, less the network's natural-anode plants' use there",
                f"{abroad[1]};{anode};P1042", "D-graphite-abroad")  # fmt: skip
        v = r["value_of_lost_demand"]
        if v == v and float(v) > 0:
            add("demand", key, "value_of_lost_demand", "three times the pack price", "A-lost-value;P220;P214")
    rec = tables["recipes"]
    for p, c, k, src in zip(rec["process"], rec["commodity"], rec["kind"], rec["source"], strict=True):
        key = cost_keys.get(str(p), ("", ""))[0]
        cell = key.startswith("cell_")
        chem = "lfp" if key in ("cell_lfp", "cam_lfp") else "nmc"
        if src == "D-cam-mass":
            method = ("BatPaC 5.1 material intensities per kWh (NMC 811 and 622 averaged, LFP) and the lithium mass"
                      " fraction of the cathode (molar masses)")  # fmt: skip
            if cell:  # a cell line draws its cathode plus what it scraps
                add("recipes", f"{p}/{c}/{k}", "coefficient", method + " x (1 + the production scrap share)",
                    f"{_INTENSITY_IDS[chem]['li']};{F.CELL_SCRAP_SOURCE}", "D-cam-mass")  # fmt: skip
            else:
                add("recipes", f"{p}/{c}/{k}", "coefficient", method, _INTENSITY_IDS[chem]["metals"], "D-cam-mass")
        elif src == "D-anode-mix":
            add("recipes", f"{p}/{c}/{k}", "coefficient",
                "BatPaC 5.1 graphite per kWh (NMC 811 and 622 averaged, LFP) x (1 + the production scrap share) x "
                "synthetic or natural graphite's share of graphite anode shipped in 2024",
                f"{_INTENSITY_IDS[chem]['graphite']};P325;P326;{F.CELL_SCRAP_SOURCE}", "D-anode-mix")  # fmt: skip
        elif key in ("lithium_carbonate", "lithium_hydroxide") and c == "lithium_ore" and k == "input":
            add("recipes", f"{p}/{c}/{k}", "coefficient",
                "1 / the lithium recovery of China's spodumene conversion plants", F.LITHIUM_RECOVERY[1])  # fmt: skip
        elif key == "anode_natural" and c == "natural_graphite" and k == "input":
            add("recipes", f"{p}/{c}/{k}", "coefficient",
                "1 / the spherical graphite yield from flake of a battery anode material study",
                F.SPHERONISATION_YIELD[1])  # fmt: skip
        elif src == F.BLACK_MASS_YIELD_SOURCE and c == "black_mass" and k == "output":
            add("recipes", f"{p}/{c}/{k}", "coefficient",
                "black mass a year over the battery feed it stands for (Li-Cycle's Rochester hub: 35,000 / 90,000 t)",
                src)  # fmt: skip
        elif src == "D-components":
            output, cells = F.COMPONENTS_PER_GWH[str(c)]
            add("recipes", f"{p}/{c}/{k}", "coefficient",
                f"China's 2022 output of {c} over its 2022 output of Li-ion batteries", f"{output};{cells}",
                "D-components")  # fmt: skip
        elif src == "D-cell-scrap" and cell:
            add("recipes", f"{p}/{c}/{k}", "coefficient",
                "cathode and graphite per GWh (BatPaC 5.1) x the production scrap share",
                f"{_INTENSITY_IDS[chem]['li']};{_INTENSITY_IDS[chem]['graphite']};{F.CELL_SCRAP_SOURCE}",
                "D-cell-scrap")  # fmt: skip
    for p, c, k in zip(rec["process"], rec["commodity"], rec["kind"], strict=True):
        if k == "output" and c in F.RECOVERY and cost_keys.get(str(p), ("", ""))[0] == "hydromet":
            region = str(tables["processes"]["region"].get(p, "")) or str(tables["expansions"]["region"].get(p, ""))
            add("recipes", f"{p}/{c}/{k}", "coefficient",
                "lower end of the metal content of traded NMC black mass x the EU's minimum recovery by 2027"
                + ("" if region in F.EU27 else ", taken for refiners outside the EU"),
                F.RECOVERY_SOURCE + ("" if region in F.EU27 else ";A-recycling"))  # fmt: skip
    for eid, r in tables["expansions"].iterrows():
        key, stage = cost_keys[str(eid)]
        if str(eid).endswith("-grow"):
            _growth_rows(add, str(eid), str(r["region"]), float(r["capex"]), _cost_inputs(key, str(r["region"]), stage))
            continue
        if float(r["variable_cost"]) > 0:
            add("expansions", str(eid), "variable_cost",
                "conversion cost of the stage at Chinese levels x the region's cost level",
                _cost_inputs(key, str(r["region"]), stage))  # fmt: skip
        csrc = str(r["source"])
        if csrc in _CAPEX_DERIVED and float(r["capex"]) > 0:
            method, inputs, base = _CAPEX_DERIVED[csrc]
            scaled = abs(float(r["capex"]) - base) > 1e-6 * base
            add("expansions", str(eid), "capex", method + (" x a technology or cost-level factor" if scaled else ""),
                inputs + (";A-capex" if scaled else ""), csrc)  # fmt: skip
        if float(r["max_size"]) > 0:
            add("expansions", str(eid), "max_size", "the plant's planned size, or the size of a generic option",
                size_sources.get(str(eid), "A-option-sizes"))  # fmt: skip
        _option_times(add, str(eid), str(r["region"]), key, stage, float(r["lifetime"]), float(r["lead_time"]))
    for _, r in tables.get("projects", pd.DataFrame()).iterrows():
        ids = str(r["source"]).split(";")
        derived = [i for i in ids if i in _PROJECT_METHODS]
        for d in derived:
            direct = [i for i in ids if not i.startswith(("D-", "A-"))]
            for f in _PROJECT_CAPACITIES:
                if str(r[f]).strip() not in ("", "nan"):
                    extra = _PROJECT_ASSUMED.get((str(r["id"]), f))
                    inputs = ";".join([*direct, extra] if extra else direct)
                    add("projects", str(r["id"]), f, _PROJECT_METHODS[d], inputs, d)
    return pd.DataFrame(rows, columns=["table", "row", "field", "method", "inputs", "source"])


def _option_times(
    add: Callable[..., None], eid: str, region: str, kind: str, stage: str, lifetime: float, lead_time: float
) -> None:
    """Derivations of a named or generic option's lifetime and lead time.

    Where the option's figure is its stage's (``GROWTH_LEAD_LIFE``: a refinery's published 20-year life, a cell
    plant built in two years), it cites what the stage's figure cites, as the growth options do; a figure of
    its own (a longer EU build) is A-capex.
    """
    from growth import lead_life_key

    (lead, lead_src), (life, life_src) = F.GROWTH_LEAD_LIFE[lead_life_key(stage, region, kind)]
    for f, value, (fig, src) in (("lifetime", lifetime, (life, life_src)), ("lead_time", lead_time, (lead, lead_src))):
        if value <= 0:
            continue
        if abs(value - fig) < 1e-9:
            _stage_time(add, eid, f, stage, src)
        else:
            add("expansions", eid, f, "typical economic life and build time of the stage", "A-capex")


def _growth_rows(add: Callable[..., None], eid: str, region: str, capex: float, cost_ids: str) -> None:
    """Derivations of a growth option's size, capex, variable cost, lead time and lifetime (A-growth-options)."""
    from growth import lead_life_key, stage_of

    kind = eid[len(region) + 1 : -len("-grow")]
    if kind.startswith("pack_"):
        base, capex_src = F.PACK_CAPEX
        add("expansions", eid, "max_size",
            f"the region's {F.PACK_YEAR} pack demand (2024 demand x (1 + growth) ^ {F.PACK_YEAR - 2024}) less the "
            "capacity of its 2024 pack lines", "D-demand;D-growth;A-utilisation;A-packs")  # fmt: skip
    else:
        factor, size_src = F.GROWTH_2030[kind]
        base, capex_src = F.GROWTH_CAPEX[kind]
        add("expansions", eid, "max_size",
            f"the region's 2024 capacity of {kind} x (growth to 2030 - 1) = x {factor - 1:.3g}",
            f"{size_src};A-utilisation;A-growth-options")  # fmt: skip
    base_ids = _CAPEX_DERIVED[capex_src][1] if capex_src in _CAPEX_DERIVED else capex_src
    if capex > base * 1.0001:
        add("expansions", eid, "capex", "the stage's capex at Chinese cost level x the region's cost level",
            f"{base_ids};{_level_inputs(region)}")  # fmt: skip
    elif capex_src in _CAPEX_DERIVED:
        add("expansions", eid, "capex", _CAPEX_DERIVED[capex_src][0], base_ids, capex_src)
    add("expansions", eid, "variable_cost",
        "conversion cost of the stage at Chinese levels x the region's cost level", cost_ids)  # fmt: skip
    stage = stage_of(kind)
    (_, lead_src), (_, life_src) = F.GROWTH_LEAD_LIFE[lead_life_key(stage, region, kind)]
    for f, src in (("lifetime", life_src), ("lead_time", lead_src)):
        _stage_time(add, eid, f, stage, src)


def _stage_time(add: Callable[..., None], eid: str, field: str, stage: str, src: str) -> None:
    """Derivation of an option's lifetime or lead time that is its stage's: assumed, published or derived."""
    what = f"{field.replace('_', ' ')} of the stage ({stage})"
    if src.startswith("A-"):
        add("expansions", eid, field, f"typical {what}", src)
    elif src in F.TIME_DERIVED:
        method, inputs = F.TIME_DERIVED[src]
        add("expansions", eid, field, f"{what}: {method}", inputs, src)
    else:
        add("expansions", eid, field, f"published {what}", src)
