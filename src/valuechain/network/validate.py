"""Checks that span tables: references, hubs, recipes, units, emptiness and baseline balance."""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from valuechain._params import closest
from valuechain.errors import NetworkError, NetworkWarning
from valuechain.network.schema import Locator, fields

__all__ = ["baseline_activity", "baseline_imbalance", "check_tables", "fill_derived", "has_baseline", "hub_id"]


#: One row of each table that other tables refer to, in words.
_SINGULAR = {
    "commodities": "commodity",
    "regions": "region",
    "processes": "process",
    "expansions": "expansion option",
    "sources": "source",
}


def hub_id(region: str, commodity: str) -> str:
    """The label of the hub where ``commodity`` is traded in ``region`` (``"REGION:COMMODITY"``)."""
    return f"{region}:{commodity}"


def _column(df: pd.DataFrame, name: str) -> np.ndarray:
    if name == "id" and df.index.name == "id":
        return df.index.to_numpy(dtype=object)
    return df[name].to_numpy(dtype=object)


def _isin(values: np.ndarray, options: Collection[object]) -> np.ndarray:
    """Which of ``values`` (an object array) are among ``options`` (hash lookups, whole array at once)."""
    if not len(options) or not len(values):
        return np.zeros(len(values), dtype=bool)
    opts = np.fromiter(options, dtype=object, count=len(options))
    return pd.Series(values, dtype=object).isin(opts).to_numpy(dtype=bool)


def _pairs_in(first: np.ndarray, second: np.ndarray, pairs: pd.MultiIndex) -> np.ndarray:
    """Which pairs ``(first[i], second[i])`` are among ``pairs``."""
    if len(first) == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(pd.MultiIndex.from_arrays([first, second]).isin(pairs), dtype=bool)


def _first(mask: np.ndarray) -> int:
    """Position of the first True in ``mask``."""
    return int(np.flatnonzero(mask)[0])


def _labels(regions: Any, commodities: Any) -> Any:
    """Hub ids ``REGION:COMMODITY`` of paired text columns, built a column at a time."""
    return pd.array(regions, dtype="str") + ":" + pd.array(commodities, dtype="str")


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
        On an empty network (no commodities, regions or hubs, or neither processes nor
        demand), a reference to an unknown id, a recipe or route touching a hub that
        does not exist, a process or expansion with no output, a unit that is not the commodity's,
        or clashing ids.

    Warns
    -----
    NetworkWarning
        When baseline flows (activities, route flows, demand) do not balance at some hub.
    """
    locs = {t: loc.with_ids(tables[t].index.array) if tables[t].index.name == "id" else loc for t, loc in locs.items()}
    for t in ("commodities", "regions", "hubs"):
        if len(tables[t]) == 0:
            raise NetworkError(
                f"the network is empty: {t} has no rows; expected at least one commodity, one region and one hub",
                file=locs[t].file,
            )

    if len(tables["processes"]) == 0 and len(tables["demand"]) == 0:
        raise NetworkError(
            "the network is empty: processes and demand have no rows, so nothing is made and nothing is used; "
            "expected at least one process or one demand row",
            file=locs["processes"].file,
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
            bad = values != "" if not f.required else np.ones(len(values), dtype=bool)
            if bad.any():
                bad[bad] = ~_isin(values[bad], valid)
            if bad.any():
                pos = _first(bad)
                v = values[pos]
                tables_named = [r.split(".")[0] for r in f.references]
                what = " or ".join(tables_named)
                noun = " or ".join(_SINGULAR.get(n, n) for n in tables_named)
                raise locs[t].error(
                    pos, f.name, f"unknown {noun} '{v}'; expected an id from {what}" + closest(v, valid)
                )

    regions = tables["regions"]
    groups = {g for gs in regions["groups"] for g in str(gs).split(";") if g}
    rids = _column(regions, "id")
    clash_group = _isin(rids, groups)
    if clash_group.any():
        pos = _first(clash_group)
        raise locs["regions"].error(
            pos, "id", f"region id '{rids[pos]}' is also used as a group name; expected distinct names"
        )

    procs, exps = tables["processes"], tables["expansions"]
    pids, eids = _column(procs, "id"), _column(exps, "id")
    colon = np.asarray(procs.index.str.contains(":", regex=False), dtype=bool) if len(pids) else np.zeros(0, bool)
    if colon.any():
        pos = _first(colon)
        raise locs["processes"].error(pos, "id", f"process id {pids[pos]!r} contains ':'; expected an id without ':'")
    clash = _isin(eids, pids)
    if clash.any():
        pid = sorted(eids[clash])[0]
        pos = _first(eids == pid)
        raise locs["expansions"].error(
            pos, "id", f"id '{pid}' is also a process id; expected ids distinct from processes"
        )

    hubs = pd.MultiIndex.from_arrays([_column(tables["hubs"], "region"), _column(tables["hubs"], "commodity")])

    # Recipes: every coefficient touches an existing hub; every process and option has an output.
    rec = tables["recipes"]
    owners = pd.Index(np.concatenate([pids, eids]))
    owner_regions = np.concatenate([_column(procs, "region"), _column(exps, "region")])
    rec_pid, rec_com = _column(rec, "process"), _column(rec, "commodity")
    rec_reg = owner_regions[owners.get_indexer(pd.Index(rec_pid))] if len(rec) else rec_pid
    no_hub = ~_pairs_in(rec_reg, rec_com, hubs)
    if no_hub.any():
        pos = _first(no_hub)
        reg, com, pid = rec_reg[pos], rec_com[pos], rec_pid[pos]
        raise locs["recipes"].error(
            pos,
            "commodity",
            f"no hub for commodity '{com}' in region '{reg}' (region of '{pid}'); "
            f"expected a row ({reg}, {com}) in hubs",
        )
    makers = rec_pid[_column(rec, "kind") == "output"]
    for t, ids in (("processes", pids), ("expansions", eids)):
        no_output = ~_isin(ids, makers)
        if no_output.any():
            pos = _first(no_output)
            raise locs[t].error(
                pos,
                "id",
                f"'{ids[pos]}' has no output in recipes; expected at least one recipe row with kind 'output'",
            )

    _check_recourse(tables, locs, hubs)

    routes = tables["routes"]
    com, o, d = (_column(routes, c) for c in ("commodity", "origin", "destination"))
    to_itself = o == d
    no_origin, no_destination = ~_pairs_in(o, com, hubs), ~_pairs_in(d, com, hubs)
    wrong = to_itself | no_origin | no_destination
    if wrong.any():
        pos = _first(wrong)
        if to_itself[pos]:
            raise locs["routes"].error(
                pos, "destination", f"route from '{o[pos]}' to itself; expected a different destination"
            )
        end, reg = ("origin", o[pos]) if no_origin[pos] else ("destination", d[pos])
        raise locs["routes"].error(
            pos,
            end,
            f"commodity '{com[pos]}' has no hub in region '{reg}' ({end}); expected a row ({reg}, {com[pos]}) in hubs",
        )
    for t in ("demand", "markets"):
        reg, com = _column(tables[t], "region"), _column(tables[t], "commodity")
        no_hub = ~_pairs_in(reg, com, hubs)
        if no_hub.any():
            pos = _first(no_hub)
            raise locs[t].error(
                pos,
                "commodity",
                f"no hub for commodity '{com[pos]}' in region '{reg[pos]}'; "
                f"expected a row ({reg[pos]}, {com[pos]}) in hubs",
            )

    # Units: a row that states a unit must state its commodity's.
    commodities = tables["commodities"]
    units = _column(commodities, "unit")
    for t in ("hubs", "routes", "demand", "markets"):
        com, unit = _column(tables[t], "commodity"), _column(tables[t], "unit")
        expected = units[commodities.index.get_indexer(pd.Index(com))] if len(com) else unit
        mismatch = (unit != "") & (unit != expected)
        if mismatch.any():
            pos = _first(mismatch)
            raise locs[t].error(
                pos, "unit", f"unit '{unit[pos]}' does not match commodity '{com[pos]}'; expected '{expected[pos]}'"
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
    idx = pd.Index(_labels(hubs["region"], hubs["commodity"]), name="hub")
    where = pd.Index(idx.to_numpy(dtype=object), dtype=object)  # hub id -> row, looked up as objects
    cols = {c: np.zeros(len(idx)) for c in ("production", "imports", "consumption", "exports", "demand")}

    def add(col: str, s: pd.Series) -> None:
        at = where.get_indexer(s.index.to_numpy(dtype=object))
        if (at < 0).any():
            raise KeyError(f"no hub {s.index[at < 0][0]!r}")
        cols[col][at] += s.to_numpy()

    procs, rec = tables["processes"], tables["recipes"]
    if len(rec):
        act = baseline_activity(procs)
        at = pd.Index(_column(procs, "id"), dtype=object).get_indexer(_column(rec, "process"))
        keep = at >= 0  # recipes of processes (not of expansion options)
        r, at = rec[keep], at[keep]
        q = r["coefficient"].to_numpy() * act.to_numpy()[at]
        h = _labels(procs["region"].array.take(at), r["commodity"])
        flows = pd.DataFrame({"hub": h, "q": q, "kind": r["kind"].to_numpy()})
        for kind, col in (("output", "production"), ("input", "consumption")):
            add(col, flows[flows["kind"] == kind].groupby("hub")["q"].sum())
    routes = tables["routes"]
    if len(routes):
        f = routes["baseline_flow"].to_numpy()
        add("exports", pd.Series(f, index=_labels(routes["origin"], routes["commodity"])).groupby(level=0).sum())
        add("imports", pd.Series(f, index=_labels(routes["destination"], routes["commodity"])).groupby(level=0).sum())
    dem = tables["demand"]
    if len(dem):
        add("demand", pd.Series(dem["quantity"].to_numpy(), index=_labels(dem["region"], dem["commodity"])))
    out = pd.DataFrame(cols, index=idx)
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


def _check_recourse(tables: Mapping[str, pd.DataFrame], locs: Mapping[str, Locator], hubs: pd.MultiIndex) -> None:
    """Refill rates are shares; alternatives replace an input of their process, from a hub in its region."""
    refill = tables["hubs"]["refill_rate"].to_numpy(dtype=float)
    over = refill > 1.0
    if over.any():
        pos = _first(over)
        raise locs["hubs"].error(
            pos, "refill_rate", f"refill_rate {refill[pos]} is above 1; expected a share in [0, 1]"
        )
    alt = tables["alternatives"]
    if not len(alt):
        return
    procs, rec = tables["processes"], tables["recipes"]
    is_in = _column(rec, "kind") == "input"
    inputs = set(zip(_column(rec, "process")[is_in], _column(rec, "commodity")[is_in], strict=True))
    region = dict(zip(_column(procs, "id"), _column(procs, "region"), strict=True))
    for pos, (pid, com, other, share) in enumerate(
        zip(
            _column(alt, "process"),
            _column(alt, "commodity"),
            _column(alt, "alternative"),
            alt["share_max"],
            strict=True,
        )
    ):
        if (pid, com) not in inputs:
            raise locs["alternatives"].error(
                pos, "commodity", f"'{com}' is not an input of process '{pid}'; expected one of its recipe inputs"
            )
        if other == com:
            raise locs["alternatives"].error(
                pos, "alternative", f"alternative '{other}' is the input it replaces; expected another commodity"
            )
        if (region[pid], other) not in hubs:
            raise locs["alternatives"].error(
                pos,
                "alternative",
                f"no hub for commodity '{other}' in region '{region[pid]}' (region of '{pid}'); "
                f"expected a row ({region[pid]}, {other}) in hubs",
            )
        if not share <= 1.0:
            raise locs["alternatives"].error(
                pos, "share_max", f"share_max {share} is above 1; expected a share in [0, 1]"
            )
