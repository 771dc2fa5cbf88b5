"""Checks that span tables: references, hubs, recipes, units, emptiness and baseline balance."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from valuechain._params import closest
from valuechain.errors import NetworkError, NetworkWarning
from valuechain.network.schema import Locator, fields

__all__ = ["baseline_activity", "baseline_imbalance", "check_tables", "fill_derived", "has_baseline", "hub_id"]


def hub_id(region: str, commodity: str) -> str:
    """The label of the hub where ``commodity`` is traded in ``region`` (``"REGION:COMMODITY"``)."""
    return f"{region}:{commodity}"


def _column(df: pd.DataFrame, name: str) -> np.ndarray:
    if name == "id" and df.index.name == "id":
        return df.index.to_numpy(dtype=object)
    return df[name].to_numpy(dtype=object)


def _ids(tables: Mapping[str, pd.DataFrame], target: str) -> set[str]:
    table, _, col = target.partition(".")
    return {str(v) for v in _column(tables[table], col)}


def fill_derived(tables: dict[str, pd.DataFrame]) -> None:
    """Fill defaults that depend on other fields (in place, before the network is frozen).

    ``owner`` defaults to the region and ``technology_origin`` to the owner (processes and
    expansions). An empty ``baseline_activity`` stays empty: it is read through
    :func:`baseline_activity`, which falls back on the capacity.
    """
    for t in ("processes", "expansions"):
        df = tables[t]
        owner = df["owner"].where(df["owner"] != "", df["region"])
        df["owner"] = owner.astype("str")
        df["technology_origin"] = df["technology_origin"].where(df["technology_origin"] != "", owner).astype("str")


def baseline_activity(processes: pd.DataFrame) -> pd.Series:
    """Baseline activity of every process: the stated one, else the capacity if finite, else 0."""
    cap = processes["capacity"]
    fallback = cap.where(np.isfinite(cap), 0.0)
    return processes["baseline_activity"].fillna(fallback).rename("baseline_activity")


def check_tables(
    tables: Mapping[str, pd.DataFrame],
    locs: Mapping[str, Locator],
    *,
    check_balance: bool = True,
) -> None:
    """Check the relations between the (already typed) tables of a network.

    Raises
    ------
    NetworkError
        On an empty network, a reference to an unknown id, a recipe or route touching a hub that
        does not exist, a process or expansion with no output, a unit that is not the commodity's,
        or clashing ids.

    Warns
    -----
    NetworkWarning
        When baseline flows (activities, route flows, demand) do not balance at some hub.
    """
    for t in ("commodities", "regions", "hubs"):
        if len(tables[t]) == 0:
            raise NetworkError(
                f"the network is empty: {t} has no rows; expected at least one commodity, one region and one hub",
                file=locs[t].file,
            )

    # References declared in the schema.
    for t, df in tables.items():
        for f in fields(t):
            if not f.references:
                continue
            valid: set[str] = set()
            for target in f.references:
                valid |= _ids(tables, target)
            values = _column(df, f.name)
            for pos, v in enumerate(values):
                if v == "" and not f.required:
                    continue
                if v not in valid:
                    what = " or ".join(r.split(".")[0] for r in f.references)
                    raise locs[t].error(
                        pos,
                        f.name,
                        f"unknown {what[:-1] if what.endswith('s') else what} '{v}'; expected an id from {what}"
                        + closest(v, valid),
                    )

    regions = tables["regions"]
    groups = {g for gs in regions["groups"] for g in str(gs).split(";") if g}
    for pos, rid in enumerate(regions.index):
        if rid in groups:
            raise locs["regions"].error(
                pos, "id", f"region id '{rid}' is also used as a group name; expected distinct names"
            )

    procs, exps = tables["processes"], tables["expansions"]
    for pos, pid in enumerate(procs.index):
        if ":" in pid:
            raise locs["processes"].error(pos, "id", f"process id {pid!r} contains ':'; expected an id without ':'")
    clash = set(procs.index) & set(exps.index)
    if clash:
        pid = sorted(clash)[0]
        pos = list(exps.index).index(pid)
        raise locs["expansions"].error(
            pos, "id", f"id '{pid}' is also a process id; expected ids distinct from processes"
        )

    hubs = set(zip(tables["hubs"]["region"], tables["hubs"]["commodity"], strict=True))
    units = dict(zip(tables["commodities"].index, tables["commodities"]["unit"], strict=True))

    # Recipes: every coefficient touches an existing hub; every process and option has an output.
    rec = tables["recipes"]
    region_of = {
        **dict(zip(procs.index, procs["region"], strict=True)),
        **dict(zip(exps.index, exps["region"], strict=True)),
    }
    for pos, (pid, com) in enumerate(zip(rec["process"], rec["commodity"], strict=True)):
        reg = region_of[pid]
        if (reg, com) not in hubs:
            raise locs["recipes"].error(
                pos,
                "commodity",
                f"no hub for commodity '{com}' in region '{reg}' (region of '{pid}'); "
                f"expected a row ({reg}, {com}) in hubs",
            )
    has_output = set(rec.loc[rec["kind"] == "output", "process"])
    for t, df in (("processes", procs), ("expansions", exps)):
        for pos, pid in enumerate(df.index):
            if pid not in has_output:
                raise locs[t].error(
                    pos, "id", f"'{pid}' has no output in recipes; expected at least one recipe row with kind 'output'"
                )

    routes = tables["routes"]
    for pos, (com, o, d) in enumerate(zip(routes["commodity"], routes["origin"], routes["destination"], strict=True)):
        if o == d:
            raise locs["routes"].error(
                pos, "destination", f"route from '{o}' to itself; expected a different destination"
            )
        for end, reg in (("origin", o), ("destination", d)):
            if (reg, com) not in hubs:
                raise locs["routes"].error(
                    pos,
                    end,
                    f"commodity '{com}' has no hub in region '{reg}' ({end}); expected a row ({reg}, {com}) in hubs",
                )
    for t in ("demand", "markets"):
        df = tables[t]
        for pos, (reg, com) in enumerate(zip(df["region"], df["commodity"], strict=True)):
            if (reg, com) not in hubs:
                raise locs[t].error(
                    pos,
                    "commodity",
                    f"no hub for commodity '{com}' in region '{reg}'; expected a row ({reg}, {com}) in hubs",
                )

    # Units: a row that states a unit must state its commodity's.
    for t in ("hubs", "routes", "demand", "markets"):
        df = tables[t]
        for pos, (com, unit) in enumerate(zip(df["commodity"], df["unit"], strict=True)):
            if unit and unit != units[com]:
                raise locs[t].error(
                    pos, "unit", f"unit '{unit}' does not match commodity '{com}'; expected '{units[com]}'"
                )

    if check_balance:
        _warn_unbalanced(tables)


def baseline_imbalance(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Baseline supply and use at every hub.

    Returns
    -------
    pandas.DataFrame
        Indexed by hub id, with columns ``production``, ``imports``, ``consumption``, ``exports``,
        ``demand`` and ``imbalance`` (supply minus use), all per period in the commodity's unit.
    """
    hubs = tables["hubs"]
    idx = pd.Index([hub_id(r, c) for r, c in zip(hubs["region"], hubs["commodity"], strict=True)], name="hub")
    out = pd.DataFrame(0.0, index=idx, columns=["production", "imports", "consumption", "exports", "demand"])
    procs, rec = tables["processes"], tables["recipes"]
    if len(rec):
        act = baseline_activity(procs)
        r = rec[rec["process"].isin(procs.index)]
        regs = procs.loc[r["process"], "region"].to_numpy()
        q = r["coefficient"].to_numpy() * act.loc[r["process"]].to_numpy()
        h = [hub_id(a, b) for a, b in zip(regs, r["commodity"], strict=True)]
        flows = pd.DataFrame({"hub": h, "q": q, "kind": r["kind"].to_numpy()})
        for kind, col in (("output", "production"), ("input", "consumption")):
            s = flows[flows["kind"] == kind].groupby("hub")["q"].sum()
            out.loc[s.index, col] += s
    routes = tables["routes"]
    if len(routes):
        src = [hub_id(a, b) for a, b in zip(routes["origin"], routes["commodity"], strict=True)]
        dst = [hub_id(a, b) for a, b in zip(routes["destination"], routes["commodity"], strict=True)]
        f = routes["baseline_flow"].to_numpy()
        exp = pd.Series(f, index=src).groupby(level=0).sum()
        imp = pd.Series(f, index=dst).groupby(level=0).sum()
        out.loc[exp.index, "exports"] += exp
        out.loc[imp.index, "imports"] += imp
    dem = tables["demand"]
    if len(dem):
        d = pd.Series(
            dem["quantity"].to_numpy(),
            index=[hub_id(a, b) for a, b in zip(dem["region"], dem["commodity"], strict=True)],
        )
        out.loc[d.index, "demand"] += d
    out["imbalance"] = out["production"] + out["imports"] - out["consumption"] - out["exports"] - out["demand"]
    return out


def _warn_unbalanced(tables: Mapping[str, pd.DataFrame]) -> None:
    bal = baseline_imbalance(tables)
    scale = (
        bal[["production", "imports"]].sum(axis=1).combine(bal[["consumption", "exports", "demand"]].sum(axis=1), max)
    )
    bad = bal[(bal["imbalance"].abs() > 1e-6 + 0.01 * scale)]
    if len(bad):
        examples = "; ".join(
            f"{h}: supply {r.production + r.imports:.6g} vs use {r.consumption + r.exports + r.demand:.6g}"
            for h, r in bad.head(3).iterrows()
        )
        more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        warnings.warn(
            f"baseline flows do not balance at {len(bad)} hub(s): {examples}{more}",
            NetworkWarning,
            stacklevel=4,
        )


def has_baseline(raw_processes: pd.DataFrame | None, routes: pd.DataFrame) -> bool:
    """Whether a network states baseline flows (so that their balance is worth checking)."""
    if raw_processes is not None and "baseline_activity" in raw_processes.columns:
        col = pd.to_numeric(raw_processes["baseline_activity"].replace("", np.nan), errors="coerce")
        if col.notna().any():
            return True
    return bool(len(routes)) and bool((routes["baseline_flow"] > 0).any())
