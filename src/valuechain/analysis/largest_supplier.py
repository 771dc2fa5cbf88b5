"""The largest-supplier test: how much of world demand the rest of the world covers without its top supplier.

For every commodity of a network (a stage of the chain), the test removes the country with the most
supply capacity and asks what share of world demand the remaining capacity could meet,

``coverage = min(1, (C_world - C_top) / D)``

where ``C_world`` is world capacity to make the commodity (process capacity times output yield,
summed over processes), ``C_top`` the capacity of the region that holds the most of it, and ``D``
world demand (use by processes at baseline activity plus final demand). This is the N-1 test of the
IEA's *Global Critical Minerals Outlook 2025* ("supply from all but the largest supplier" as a share
of demand), applied to every stage of the network rather than to refined minerals only.

Two points in time:

* **2024** (the network's base year): the network's capacities and baseline demand.
* **2030 under the pipeline**: the network's capacities plus, for every project whose status is
  ``operating`` or ``construction``, the capacity it is to have by 2030 beyond what the network
  already counts for it. A project's 2030 capacity is its planned capacity in 2030 by the rule
  the pipeline outlook uses (:func:`valuechain.analysis.completion.planned_capacity`): its
  ``capacity_2030``, or else the latest dated capacity it reports (2027, 2025, 2024: a plant keeps
  what it reached), and its ``capacity_full`` where that function dates it by 2030 (from 2030 when
  the project reports a dated figure after 2024, else from its announced start or two years after
  its status year). The increment is that capacity less the capacity of the project's process in
  the network (0 when it has none), never below 0. Projects announced, delayed, cancelled
  or bankrupt add nothing. Capacity outside the projects table stays at its 2024 level, so the 2030
  figure is a lower bound wherever the table does not list a country's expansions. Demand in 2030 is
  final demand grown at each demand row's ``growth`` rate; the use of a commodity by processes grows
  with the end products it ends up in (the growth of final demand for commodities no process uses,
  the battery packs here, weighted by base-year quantities), and final demand for other uses grows at
  its own rate.

Regions that are not one country (``RoW``, ``EU-other``, any region whose id holds a dash or is
named as a group of countries) can never be the largest supplier: their capacity counts for the
rest of the world. ``aggregates`` overrides the list.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from valuechain._params import closest
from valuechain.errors import NetworkError, ValueChainError
from valuechain.network import Network

__all__ = [
    "PIPELINE_STATUSES",
    "PUBLISHED_COLUMNS",
    "TOLERANCE",
    "compare",
    "largest_supplier",
    "pipeline_additions",
    "read_published",
]

#: Project statuses whose capacity counts in the 2030 pipeline.
PIPELINE_STATUSES = ("operating", "construction")
#: Columns of a table of published coverage figures (see :func:`read_published`).
PUBLISHED_COLUMNS = (
    "commodity",
    "year",
    "top",
    "coverage_low",
    "coverage_high",
    "basis",
    "source",
    "confidence",
    "note",
)
#: How far (in share of demand) a computed coverage may lie outside a published range and still agree.
TOLERANCE = 0.10


def _aggregates(network: Network, aggregates: Iterable[str] | None) -> set[str]:
    if aggregates is not None:
        return set(aggregates)
    reg = network.regions
    names = reg["name"].astype(str) if "name" in reg.columns else pd.Series("", index=reg.index)
    out = {str(r) for r in reg.index if r == "RoW" or "-" in str(r)}
    out |= {str(r) for r, n in names.items() if n.lower().startswith(("rest of", "other "))}
    return out


def _capacity_by_region(network: Network) -> pd.DataFrame:
    """Capacity to make each commodity, per (commodity, region), in the commodity's unit per year."""
    procs = network.processes
    rec = network.recipes[network.recipes["process"].isin(procs.index)]
    out = rec[rec["kind"] == "output"]
    cap = procs["capacity"].astype(float).loc[out["process"]].to_numpy()
    q = out["coefficient"].astype(float).to_numpy() * cap
    bad = ~np.isfinite(q)
    if bad.any():
        pid = out["process"].to_numpy()[bad][0]
        raise NetworkError(f"process '{pid}' has unlimited capacity; the largest-supplier test needs finite capacities")
    df = pd.DataFrame(
        {"commodity": out["commodity"].to_numpy(), "region": procs.loc[out["process"], "region"].to_numpy(), "cap": q}
    )
    return df.groupby(["commodity", "region"], as_index=False).agg(cap=("cap", "sum"))


def _demand(network: Network, years: int) -> pd.DataFrame:
    """World demand per commodity: use by processes plus final demand, in the base year and ``years`` later."""
    procs = network.processes
    rec = network.recipes[network.recipes["process"].isin(procs.index)]
    inp = rec[rec["kind"] == "input"]
    act = network.baseline_activity.loc[inp["process"]].to_numpy()
    use = pd.Series(inp["coefficient"].astype(float).to_numpy() * act, index=inp["commodity"].to_numpy())
    use = use.groupby(level=0).sum()
    dm = network.demand
    growth = dm["growth"].astype(float) if "growth" in dm.columns else pd.Series(0.0, index=dm.index)
    growth = growth.fillna(0.0)
    qty = dm["quantity"].astype(float)
    final = qty.groupby(dm["commodity"].to_numpy()).sum()
    final_later = (qty * (1.0 + growth) ** years).groupby(dm["commodity"].to_numpy()).sum()
    # End products: commodities with final demand that no process uses (packs in the battery chain).
    ends = (~dm["commodity"].isin(set(inp["commodity"]))).to_numpy()
    base_ends = float(qty[ends].sum())
    factor = float((qty[ends] * (1.0 + growth[ends]) ** years).sum()) / base_ends if base_ends > 0 else 1.0
    coms = sorted(set(use.index) | set(final.index))
    d0 = pd.Series([float(use.get(c, 0.0)) + float(final.get(c, 0.0)) for c in coms], index=coms)
    d1 = pd.Series([factor * float(use.get(c, 0.0)) + float(final_later.get(c, 0.0)) for c in coms], index=coms)
    out = pd.DataFrame({"demand": d0, "demand_later": d1})
    out.attrs["pack_growth_factor"] = factor
    return out


def pipeline_additions(network: Network, projects: pd.DataFrame | None = None) -> pd.DataFrame:
    """Capacity the project pipeline adds by 2030 beyond the network's, project by project.

    Parameters
    ----------
    network
        The network (its processes give the capacity already counted for a project).
    projects
        A projects table (columns as the network's ``projects``); default the network's own.

    Returns
    -------
    pandas.DataFrame
        One row per project that adds capacity: ``project``, ``commodity``, ``region``, ``status``,
        ``capacity_2030`` (planned capacity in 2030, as the pipeline outlook plans it), ``counted``
        (capacity of its process in the network) and ``added`` (the increment, in the commodity's unit per year).
    """
    proj = network.projects if projects is None else projects
    cols = ["project", "commodity", "region", "status", "capacity_2030", "counted", "added"]
    if proj is None or len(proj) == 0:
        return pd.DataFrame(columns=cols)
    from valuechain.analysis.completion import planned_capacity

    caps = network.processes["capacity"].astype(float)
    live = proj[proj["status"].astype(str).isin(PIPELINE_STATUSES)]
    kept, extension = planned_capacity(live, np.array([2030]))
    rows = []
    for (pid, row), cap in zip(live.iterrows(), (kept + extension)[:, 0], strict=True):
        proc = str(row.get("process", "") or "")
        counted = float(caps.get(proc, 0.0)) if proc in caps.index else 0.0
        added = max(0.0, float(cap) - counted)
        if added > 0:
            rows.append(
                [str(pid), str(row["commodity"]), str(row["region"]), str(row["status"]), float(cap), counted, added]
            )
    return pd.DataFrame(rows, columns=cols)


def _top(cap: pd.Series, aggregates: set[str]) -> tuple[str, float]:
    countries = cap[[r not in aggregates for r in cap.index]]
    if countries.empty or float(countries.max()) <= 0:
        return "", 0.0
    return str(countries.idxmax()), float(countries.max())


def largest_supplier(
    network: Network,
    *,
    projects: pd.DataFrame | None = None,
    year: int = 2030,
    aggregates: Iterable[str] | None = None,
    published: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share of world demand the rest of the world could cover without its largest supplier, per commodity.

    Parameters
    ----------
    network
        The network; its capacities and baseline demand are the base year.
    projects
        Projects table for the pipeline; default the network's ``projects`` (none: no additions).
    year
        Year of the pipeline view (demand grows to it from the network's year; default 2030).
    aggregates
        Regions that are not one country and so cannot be the largest supplier (default: ``RoW``,
        ids with a dash such as ``EU-other``, and regions named "Rest of ..." or "Other ...").
    published
        Published coverage figures (:func:`read_published`) to put beside the computed ones.

    Returns
    -------
    pandas.DataFrame
        Indexed by commodity, in the network's commodity order: ``stage``, ``unit``, ``demand``,
        ``capacity``, ``top``, ``top_share`` (of world capacity), ``coverage`` (fraction, capped
        at 1), and the same for the pipeline year (``demand_<year>``, ``added_<year>``,
        ``capacity_<year>``, ``top_<year>``, ``top_share_<year>``, ``coverage_<year>``), then
        ``published_year``, ``published_top``, ``published_low``, ``published_high``,
        ``published_source`` where a published figure exists (NaN or empty otherwise), and
        ``verdict`` (:func:`compare` of the pipeline-year coverage with the published range).
        ``attrs`` hold the base year, the pipeline year and the growth factor of end-product demand
        used for the use of commodities by processes (``pack_growth_factor``).

    Raises
    ------
    NetworkError
        If a process has unlimited capacity or a published figure names an unknown commodity.

    Examples
    --------
    >>> import valuechain as vc
    >>> from valuechain.analysis.largest_supplier import largest_supplier
    >>> t = largest_supplier(vc.load_network("toy-battery"))
    >>> bool(((t["coverage"] >= 0) & (t["coverage"] <= 1)).all())
    True
    """
    base = int(network.year) if network.year else 2024
    if year < base:
        raise ValueChainError(f"The 'year' parameter of largest_supplier must be at least {base}. Got {year!r}.")
    agg = _aggregates(network, aggregates)
    cap = _capacity_by_region(network)
    dem = _demand(network, year - base)
    add = pipeline_additions(network, projects)
    add_by = add.groupby(["commodity", "region"])["added"].sum() if len(add) else pd.Series(dtype=float)
    by_commodity = {str(c): g.set_index("region")["cap"] for c, g in cap.groupby("commodity")}
    extra_by = {str(c): g.droplevel(0) for c, g in add_by.groupby(level=0)} if len(add_by) else {}
    rows = []
    for com in network.commodities.index:
        d0 = float(dem["demand"].get(com, 0.0))
        c0 = by_commodity.get(str(com), pd.Series(dtype=float))
        if d0 <= 0 or c0.sum() <= 0:
            continue
        c1 = c0.add(extra_by[str(com)], fill_value=0.0) if str(com) in extra_by else c0
        d1 = float(dem["demand_later"].get(com, 0.0))
        rows.append(_row(network, str(com), d0, c0, d1, c1, agg, year))
    out = pd.DataFrame(rows).set_index("commodity") if rows else pd.DataFrame()
    if len(out):
        _attach_published(out, published, year)
    out.attrs.update({"base_year": base, "year": year, "pack_growth_factor": dem.attrs["pack_growth_factor"]})
    return out


def _coverage(world: float, top: float, demand: float) -> float:
    return min(1.0, max(0.0, world - top) / demand) if demand > 0 else float("nan")


def _row(
    network: Network, com: str, d0: float, c0: pd.Series, d1: float, c1: pd.Series, agg: set[str], year: int
) -> dict[str, object]:
    t0, v0 = _top(c0, agg)
    t1, v1 = _top(c1, agg)
    w0, w1 = float(c0.sum()), float(c1.sum())
    return {
        "commodity": com,
        "stage": str(network.commodities.loc[com, "stage"]),
        "unit": str(network.commodities.loc[com, "unit"]),
        "demand": d0,
        "capacity": w0,
        "top": t0,
        "top_share": v0 / w0,
        "coverage": _coverage(w0, v0, d0),
        f"demand_{year}": d1,
        f"added_{year}": w1 - w0,
        f"capacity_{year}": w1,
        f"top_{year}": t1,
        f"top_share_{year}": v1 / w1,
        f"coverage_{year}": _coverage(w1, v1, d1),
    }


def compare(coverage: float, top: str, low: float, high: float, published_top: str, tol: float = TOLERANCE) -> str:
    """Whether a computed coverage agrees with a published one.

    Parameters
    ----------
    coverage, top
        The computed coverage (fraction) and the largest supplier it removed.
    low, high
        The published range (equal for a point figure; ``low`` 0 for an upper bound).
    published_top
        The largest supplier the publisher removed.
    tol
        Slack on either side of the published range.

    Returns
    -------
    str
        ``"not comparable"`` when the two remove different suppliers (or a figure is missing),
        else ``"agree"`` when ``low - tol <= coverage <= high + tol``, else ``"disagree"``.

    Examples
    --------
    >>> compare(0.62, "CN", 0.65, 0.65, "CN")
    'agree'
    >>> compare(0.30, "CN", 0.65, 0.65, "CN")
    'disagree'
    >>> compare(0.30, "CN", 0.0, 0.55, "ID")
    'not comparable'
    """
    if top != published_top or any(isinstance(x, float) and math.isnan(x) for x in (coverage, low, high)):
        return "not comparable"
    return "agree" if low - tol <= coverage <= high + tol else "disagree"


def _attach_published(out: pd.DataFrame, published: pd.DataFrame | None, year: int) -> None:
    cols: dict[str, dict[str, object]] = {
        "published_year": {},
        "published_top": {},
        "published_low": {},
        "published_high": {},
        "published_source": {},
        "verdict": {},
    }
    rows = [] if published is None else [p for _, p in published.iterrows() if str(p["commodity"]) in out.index]
    for p in rows:
        com = str(p["commodity"])
        low, high, top = float(p["coverage_low"]), float(p["coverage_high"]), str(p["top"])
        cols["published_year"][com] = float(p["year"])
        cols["published_top"][com] = top
        cols["published_low"][com] = low
        cols["published_high"][com] = high
        cols["published_source"][com] = str(p["source"])
        cover = float(out[f"coverage_{year}"].get(com, float("nan")))
        cols["verdict"][com] = compare(cover, str(out[f"top_{year}"].get(com, "")), low, high, top)
    for name, values in cols.items():
        text = name in ("published_top", "published_source", "verdict")
        out[name] = pd.Series(values, dtype=object if text else float).reindex(out.index)
        if text:
            out[name] = out[name].fillna("").astype(str)


def read_published(path: str | Path, network: Network | None = None) -> pd.DataFrame:
    """Read a table of published largest-supplier coverage figures.

    Parameters
    ----------
    path
        CSV file with the columns :data:`PUBLISHED_COLUMNS`: ``commodity`` (a commodity id),
        ``year`` (the year the figure is for), ``coverage_low`` and ``coverage_high`` (fractions
        in [0, 1]; equal for a point figure, ``coverage_low`` 0 for an upper bound such as "less
        than 55 %"), ``basis`` (what the publisher measured), ``source`` (a source id),
        ``confidence`` and ``note``.
    network
        When given, every commodity and source must be in it.

    Returns
    -------
    pandas.DataFrame
        The rows, typed.

    Raises
    ------
    ValueChainError
        Naming the file, row and field, when the file is missing or a value is malformed.
    """
    p = Path(path)
    if not p.is_file():
        raise ValueChainError(f"{p}: no such file (expected a table of published coverage figures)")
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    missing = [c for c in PUBLISHED_COLUMNS if c not in df.columns]
    if missing:
        raise ValueChainError(f"{p}: missing column '{missing[0]}' (expected {', '.join(PUBLISHED_COLUMNS)})")
    for i, r in df.iterrows():
        where = f"{p}: row {int(str(i)) + 1}"
        try:
            int(r["year"])
        except ValueError:
            raise ValueChainError(f"{where}, field 'year': expected a year, got {r['year']!r}") from None
        vals = []
        for col in ("coverage_low", "coverage_high"):
            try:
                v = float(r[col])
            except ValueError:
                raise ValueChainError(f"{where}, field '{col}': expected a fraction, got {r[col]!r}") from None
            if not 0.0 <= v <= 1.0:
                raise ValueChainError(f"{where}, field '{col}': expected a fraction in [0, 1], got {v!r}")
            vals.append(v)
        if vals[0] > vals[1]:
            raise ValueChainError(f"{where}, field 'coverage_low': {vals[0]} is above coverage_high {vals[1]}")
        if network is not None:
            if r["commodity"] not in network.commodities.index:
                raise ValueChainError(
                    f"{where}, field 'commodity': unknown commodity {r['commodity']!r}"
                    + closest(str(r["commodity"]), network.commodities.index)
                )
            for sid in str(r["source"]).split(";"):
                if sid not in network.sources.index:
                    raise ValueChainError(f"{where}, field 'source': unknown source {sid!r}")
    out = df.astype({"year": int, "coverage_low": float, "coverage_high": float})
    return out
