"""Calibration of a network against published figures (``calibration_targets.csv`` in its folder).

Each row of the targets file names a figure the network should reproduce, how to compute it from
the network's tables, the published value and the tolerance. Kinds:

``share``
    A region's (or group's) share of world production or capacity of some commodities, optionally
    only of the plants that make them from ``made_from`` (refining from ore, not from black mass);
    with a ``partner`` group, the share within that group instead of the world.
``total``
    A world total of demand, production or capacity.
``import_share`` / ``export_share``
    A partner's share of the reporter's imports (exports) in the baseline routes; ``basis`` is
    ``extra`` (trade with regions outside the reporter group) or ``total`` (everything the
    reporters use, or make, their own supply included). ``partner`` may be ``*extra*``: every
    region outside the reporter group.
``ownership_share``
    The share of the reporter's production made in plants owned by ``partner`` (an owner id).
``ownership_total``
    Production of plants owned by ``partner``, anywhere.

A target passes if the network's value lies in the band ``[lo, hi]`` when the row gives one, else
within ``tolerance`` of ``target`` (absolute for shares, relative for totals).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd

from valuechain.errors import NetworkError
from valuechain.network.model import Network

__all__ = ["KINDS", "calibration_report", "compute_target", "read_targets"]

KINDS = ("share", "total", "import_share", "export_share", "ownership_share", "ownership_total")
_COLUMNS = (
    "id",
    "description",
    "kind",
    "commodities",
    "measure",
    "region",
    "partner",
    "basis",
    "made_from",
    "target",
    "tolerance",
    "lo",
    "hi",
    "source",
    "source_value",
)
_DEFAULT_TOL = {"share": 0.03, "total": 0.10, "import_share": 0.05, "export_share": 0.05, "ownership_share": 0.05}


def _num(path: Path, row: int, field: str, text: str, *, required: bool) -> float:
    if text.strip() == "":
        if required:
            raise NetworkError(f"{path.name} row {row}: field '{field}' is empty; expected a number")
        return math.nan
    try:
        v = float(text)
    except ValueError:
        raise NetworkError(f"{path.name} row {row}: field '{field}' is '{text}'; expected a number") from None
    if not math.isfinite(v):
        raise NetworkError(f"{path.name} row {row}: field '{field}' is '{text}'; expected a finite number")
    return v


def read_targets(path: str | Path) -> pd.DataFrame:
    """Read and check a calibration targets file.

    Returns
    -------
    pandas.DataFrame
        One row per target with the columns of the file (numbers as floats, NaN where empty).

    Raises
    ------
    NetworkError
        If the file is missing or a row lacks a field, names an unknown kind or holds a bad number.
    """
    p = Path(path)
    if not p.is_file():
        raise NetworkError(f"no calibration targets at {p}; expected a file calibration_targets.csv")
    with open(p, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows:
        raise NetworkError(f"{p.name} has no targets; expected at least one row")
    missing = [c for c in _COLUMNS if c not in rows[0]]
    if missing:
        raise NetworkError(f"{p.name} lacks the column '{missing[0]}'; expected columns {', '.join(_COLUMNS)}")
    out = []
    for n, r in enumerate(rows, start=2):
        if r["kind"] not in KINDS:
            raise NetworkError(f"{p.name} row {n} ({r['id']}): kind '{r['kind']}'; expected one of {', '.join(KINDS)}")
        rec: dict[str, object] = {c: (r[c] or "").strip() for c in _COLUMNS}
        rec["target"] = _num(p, n, "target", r["target"], required=not (r["lo"] or r["hi"]))
        for f in ("tolerance", "lo", "hi"):
            rec[f] = _num(p, n, f, r[f], required=False)
        out.append(rec)
    return pd.DataFrame(out)


def _made(net: Network, commodities: list[str], measure: str, made_from: str = "") -> pd.DataFrame:
    """Output (or capacity) of the commodities per process, with the process's region and owner."""
    rec = net.recipes
    outs = rec[(rec["kind"] == "output") & rec["commodity"].isin(commodities)]
    if made_from:
        makers = set(rec.loc[(rec["kind"] == "input") & (rec["commodity"] == made_from), "process"])
        outs = outs[outs["process"].isin(makers)]
    procs = net.processes
    level = net.baseline_activity if measure == "production" else procs["capacity"].astype(float)
    q = outs["coefficient"].to_numpy(float) * level.reindex(outs["process"]).to_numpy(float)
    return pd.DataFrame(
        {
            "region": procs["region"].reindex(outs["process"]).to_numpy(),
            "owner": procs["owner"].reindex(outs["process"]).to_numpy(),
            "quantity": q,
        }
    )


def _use(net: Network, commodities: list[str], regions: list[str]) -> float:
    rec = net.recipes
    ins = rec[(rec["kind"] == "input") & rec["commodity"].isin(commodities)]
    act = net.baseline_activity.reindex(ins["process"]).to_numpy(float)
    reg = net.processes["region"].reindex(ins["process"]).to_numpy()
    used = float((ins["coefficient"].to_numpy(float) * act)[np.isin(reg, regions)].sum())
    d = net.demand
    return used + float(d.loc[d["commodity"].isin(commodities) & d["region"].isin(regions), "quantity"].sum())


def compute_target(net: Network, t: pd.Series | dict[str, object]) -> float:
    """The network's value for one target row (see the module docstring for the kinds).

    Raises
    ------
    NetworkError
        If the row names an unknown region, group or measure.
    """
    kind, coms = str(t["kind"]), str(t["commodities"]).split(";")
    measure = str(t["measure"] or "production")
    if measure not in ("production", "capacity", "demand"):
        raise NetworkError(f"target '{t['id']}': measure '{measure}'; expected production, capacity or demand")
    if kind == "total":
        if measure == "demand":
            return float(net.demand.loc[net.demand["commodity"].isin(coms), "quantity"].sum())
        return float(_made(net, coms, measure, str(t["made_from"]))["quantity"].sum())
    if kind == "ownership_total":
        m = _made(net, coms, measure)
        return float(m.loc[m["owner"] == t["partner"], "quantity"].sum())
    reporters = net.members(str(t["region"]) or "all")
    if kind == "share":
        m = _made(net, coms, measure, str(t["made_from"]))
        if t["partner"]:  # the share within a group (Poland's share of EU output) rather than the world's
            m = m[m["region"].isin(net.members(str(t["partner"])))]
        world = float(m["quantity"].sum())
        return float(m.loc[m["region"].isin(reporters), "quantity"].sum()) / world if world > 0 else math.nan
    if kind == "ownership_share":
        m = _made(net, coms, measure)
        m = m[m["region"].isin(reporters)]
        tot = float(m["quantity"].sum())
        return float(m.loc[m["owner"] == t["partner"], "quantity"].sum()) / tot if tot > 0 else math.nan
    partner = str(t["partner"])
    partners = (
        [str(r) for r in net.regions.index if str(r) not in reporters] if partner == "*extra*" else net.members(partner)
    )
    r = net.routes
    r = r[r["commodity"].isin(coms)]
    flow = r["baseline_flow"].astype(float)
    own, other = ("destination", "origin") if kind == "import_share" else ("origin", "destination")
    mine = r[own].isin(reporters)
    if str(t["basis"] or "extra") == "extra":
        denom = float(flow[mine & ~r[other].isin(reporters)].sum())
    elif kind == "import_share":
        denom = _use(net, coms, reporters)
    else:
        made = _made(net, coms, "production")
        denom = float(made.loc[made["region"].isin(reporters), "quantity"].sum())
    num = float(flow[mine & r[other].isin(partners) & ~r[other].isin(reporters)].sum())
    return num / denom if denom > 0 else math.nan


def calibration_report(net: Network, targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every target with the network's value, the difference, the tolerance and whether it passes.

    Parameters
    ----------
    net
        The network.
    targets
        Target rows as from :func:`read_targets`; by default the network folder's
        ``calibration_targets.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``kind``, ``description``, ``source``, ``published`` (as the source gives it),
        ``network``, ``target``, ``lo``, ``hi``, ``difference`` (from the target, as a share or
        relative for totals; for a band, how far outside it),
        ``tolerance`` (text) and ``passed``.

    Raises
    ------
    NetworkError
        If the network has no folder with a targets file, or a row cannot be computed.
    """
    if targets is None:
        if net.path is None:
            raise NetworkError(f"network '{net.name}' has no folder; expected calibration_targets.csv next to it")
        targets = read_targets(Path(net.path) / "calibration_targets.csv")
    rows = []
    for _, t in targets.iterrows():
        v = compute_target(net, t)
        kind = str(t["kind"])
        relative = kind in ("total", "ownership_total")
        tol = float(t["tolerance"]) if not math.isnan(float(t["tolerance"])) else _DEFAULT_TOL.get(kind, 0.10)
        target = float(t["target"])
        lo, hi = float(t["lo"]), float(t["hi"])
        if not (math.isnan(lo) and math.isnan(hi)):
            lo = 0.0 if math.isnan(lo) else lo
            hi = math.inf if math.isnan(hi) else hi
            tol_text = f"band {lo:g} to {hi:g}"
        elif relative:
            lo, hi = target * (1 - tol), target * (1 + tol)
            tol_text = f"+-{100 * tol:g} %"
        else:
            lo, hi = target - tol, target + tol
            tol_text = f"+-{100 * tol:g} pp"
        # For a band, how far outside it (0 inside); else from the target.
        diff = (
            v - min(max(v, lo), hi) if math.isnan(target) else (v / target - 1 if relative and target else v - target)
        )
        rows.append(
            {
                "id": t["id"],
                "kind": kind,
                "description": t["description"],
                "source": t["source"],
                "published": t["source_value"],
                "network": v,
                "target": target,
                "lo": lo,
                "hi": hi,
                "difference": diff,
                "tolerance": tol_text,
                "passed": bool(lo - 1e-6 <= v <= hi + 1e-6),
            }
        )
    return pd.DataFrame(rows)
