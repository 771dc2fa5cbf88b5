"""Generic expansion options that let supply outside the EU grow with demand to 2030.

Each region outside the EU27 that makes a commodity in 2024 gets one option per stage it runs
(mines, refineries, precursor and cathode, anode, electrolyte, separator, cells, recycling). The
option's size is bounded by the region's 2024 capacity times the stage's growth to 2030 less one
(``GROWTH_2030``: a published 2030 outlook where one exists, else the growth of battery demand),
its capex is the stage's investment per unit of yearly capacity at Chinese cost level times the
region's cost level, and its lead time and lifetime are those of the stage (A-growth-options).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import figures as F  # noqa: N812

# Stage of each kind of process, for cost levels, lead times and lifetimes.
MINES = ("lithium_ore", "nickel_ore", "cobalt_ore", "manganese_ore", "natural_graphite")
REFINERIES = (
    "lithium_carbonate",
    "lithium_hydroxide",
    "nickel_intermediate",
    "nickel_sulphate",
    "cobalt_refined",
    "manganese_sulphate",
)
RECYCLING = ("pretreatment", "hydromet")
# Kinds that get a generic option, in the order they are written.
KINDS = (
    *MINES,
    *REFINERIES,
    "pcam",
    "cam_nmc",
    "cam_lfp",
    "anode_natural",
    "anode_synthetic",
    "electrolyte",
    "separator",
    "cell_nmc",
    "cell_lfp",
    *RECYCLING,
)

# Names of the recycling options (the others take their commodity's name).
_LABEL = {"pretreatment": "Battery shredding to black mass", "hydromet": "Hydrometallurgical black-mass refining"}


def lead_life_key(stage: str, region: str, kind: str = "") -> str:
    """Key of ``GROWTH_LEAD_LIFE`` for a growth option of a kind and stage in a region.

    Chinese cell lines and LFP cathode plants have figures of their own; other kinds take their stage's.
    """
    if stage == "cell" and region == "CN":
        return "cell_cn"
    return kind if kind in F.GROWTH_LEAD_LIFE else stage


def stage_of(kind: str) -> str:
    """Return the stage of a kind of process: mining, refining, material, cell or recycling."""
    if kind.startswith("cell_"):
        return "cell"
    if kind in MINES:
        return "mining"
    if kind in REFINERIES:
        return "refining"
    if kind in RECYCLING:
        return "recycling"
    if kind.startswith("pack_"):
        return "pack"
    return "material"


def growth_options(
    procs: list[dict], cost_level: Callable[[str, str], float], names: dict[str, str] | None = None
) -> list[tuple]:
    """Return one growth option per region outside the EU27 and kind of process it runs in 2024.

    Parameters
    ----------
    procs
        The chain's processes (``Chain.procs``): id, region, kind, capacity, activity, owner, tech.
    cost_level
        Multiplier on Chinese costs for a region and stage (``build.cost_level``).
    names
        Commodity id -> name, for the options' names.

    Returns
    -------
    list of tuple
        ``(id, name, region, kind, max_size, capex, capex source, owner, technology, lead time,
        lifetime, source of the size)``, sorted by kind and region.
    """
    cap: dict[tuple[str, str], float] = defaultdict(float)
    largest: dict[tuple[str, str], tuple[float, str, str]] = {}
    for p in procs:
        key = (p["region"], p["kind"])
        if p["kind"] not in KINDS or p["region"] in F.EU27 or p["activity"] <= 0:
            continue
        cap[key] += p["capacity"]
        if p["activity"] > largest.get(key, (0.0, "", ""))[0]:
            largest[key] = (p["activity"], p["owner"], p["tech"])
    out = []
    for kind in KINDS:
        factor, size_src = F.GROWTH_2030[kind]
        capex, capex_src = F.GROWTH_CAPEX[kind]
        stage = stage_of(kind)
        for reg in sorted(r for r, k in cap if k == kind):
            _, owner, tech = largest[(reg, kind)]
            size = cap[(reg, kind)] * (factor - 1.0)
            (lead, _), (life, _) = F.GROWTH_LEAD_LIFE[lead_life_key(stage, reg, kind)]
            label = _LABEL.get(kind) or (names or {}).get(kind, kind)
            out.append(
                (
                    f"{reg.lower()}-{kind}-grow",
                    f"{label}: growth to 2030 ({reg})",
                    reg,
                    kind,
                    round(size, 6),
                    capex * cost_level(reg, stage),
                    capex_src,
                    owner,
                    tech,
                    lead,
                    life,
                    size_src,
                )
            )
    return out


def pack_options(
    procs: list[dict], demand: list[dict], cost_level: Callable[[str, str], float]
) -> tuple[list[tuple], dict[str, tuple[dict[str, float], dict[str, float]]]]:
    """Return one pack-assembly option per region and use with demand, and their recipes (A-packs).

    Parameters
    ----------
    procs
        The chain's processes; the 2024 pack lines give each region's capacity and mix of cells.
    demand
        The chain's final demand (region, commodity, quantity, growth).
    cost_level
        Multiplier on Chinese costs for a region and stage (``build.cost_level``).

    Returns
    -------
    (list of tuple, dict)
        Options as :func:`growth_options` returns them, and each option's (inputs, outputs): cells
        in the region's 2024 mix per GWh of packs.
    """
    lines: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    cap: dict[tuple[str, str], float] = defaultdict(float)
    for p in procs:
        if p["kind"].startswith("pack_"):
            for cell, c in p["inputs"].items():
                lines[(p["region"], p["kind"])][cell] += p["activity"] * c
            cap[(p["region"], p["kind"])] += p["capacity"]
    capex, capex_src = F.PACK_CAPEX
    (lead, _), (life, _) = F.GROWTH_LEAD_LIFE["pack"]
    out, recipes = [], {}
    for d in sorted(demand, key=lambda d: (d["commodity"], d["region"])):
        key = (d["region"], d["commodity"])
        if key not in lines:
            continue
        need = d["quantity"] * (1 + d["growth"]) ** (F.PACK_YEAR - 2024)
        total = sum(lines[key].values())
        pid = f"{d['region'].lower()}-{d['commodity']}-grow"
        recipes[pid] = ({c: round(q / total, 9) for c, q in sorted(lines[key].items())}, {d["commodity"]: 1.0})
        use = "EV" if d["commodity"] == "pack_ev" else "storage"
        out.append(
            (
                pid,
                f"Growth of {use} pack assembly to {F.PACK_YEAR} ({d['region']})",
                d["region"],
                d["commodity"],
                round(max(need - cap[key], 0.0), 6),
                capex * cost_level(d["region"], "pack"),
                capex_src,
                d["region"],
                d["region"],
                lead,
                life,
                "A-packs",
            )
        )
    return out, recipes
