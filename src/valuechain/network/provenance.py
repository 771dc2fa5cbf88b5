"""Where a network's figures come from: counts by kind of source and by stage.

A *figure* is a non-zero finite number in a numeric field of a row of a network table. Its kind
follows from where it comes from:

``direct``
    a published figure, a seed fact, an observed trade figure or a cited report (ids ``P...``,
    ``S...``, ``T...``, ``W...``);
``derived from direct``
    a derivation whose inputs are all direct;
``derived``
    a derivation that also takes assumptions or other derivations (``D-...``);
``assumption``
    an assumption with its reason (``A-...``), or a derivation from assumptions only;
``unsourced``
    no source; ``other`` for ids of any other form.

Provenance is per figure where the network's ``derivations`` table names the figure (table, row,
field) with its method and the source ids of its inputs; every other figure takes the one source
of its row.

The recipe coefficient that defines a process's unit of activity is not a figure: a process runs
in units of its first output whose coefficient is 1 (a mine in tonnes of ore, a cell line in GWh),
or, where no output has coefficient 1, of its first input whose coefficient is 1 (a refinery of
black mass in tonnes of black mass). That 1 is a choice of unit, which no source can hold; the
other coefficients of the recipe are figures (a pack line's GWh of cells per GWh of pack is one).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from valuechain.network.model import Network
from valuechain.network.schema import KEYS, stages

__all__ = ["KIND_ORDER", "derivation_kind", "figure_provenance", "provenance_counts", "source_kind", "unit_rows"]

KIND_ORDER = ("direct", "derived from direct", "derived", "assumption", "unsourced", "other")
_TABLES = ("commodities", "hubs", "processes", "recipes", "routes", "demand", "expansions", "projects")
_SKIP = {"lat", "lon", "status_year", "announced_start"}  # coordinates and dates are not figures of the chain


def source_kind(source_id: str) -> str:
    """Kind of a source id: direct, derived, assumption, unsourced or other.

    Examples
    --------
    >>> [source_kind(s) for s in ("P040", "S050", "T001", "W001", "D-trade", "A-stocks", "", "X1")]
    ['direct', 'direct', 'direct', 'direct', 'derived', 'assumption', 'unsourced', 'other']
    """
    s = (source_id or "").strip()
    if not s or s.lower() == "nan":
        return "unsourced"
    if s.startswith("D-"):
        return "derived"
    if s.startswith("A-"):
        return "assumption"
    if s[0] in "PSTW" and s[1:].isdigit():
        return "direct"
    return "other"


def _stage_of_process(net: Network) -> dict[str, str]:
    """Stage of each process or expansion: the stage of its first output commodity."""
    stage = net.commodities["stage"].astype(str).to_dict()
    rec = net.recipes
    outs = rec[rec["kind"] == "output"].drop_duplicates("process")
    return {str(p): stage.get(str(c), "") for p, c in zip(outs["process"], outs["commodity"], strict=True)}


def derivation_kind(inputs: str) -> str:
    """Kind of a derived figure from the source ids of its inputs (separated by ';').

    Examples
    --------
    >>> [derivation_kind(i) for i in ("P016;P243", "A-costs;P008", "A-ttr", "D-trade;T001", "")]
    ['derived from direct', 'derived', 'assumption', 'derived', 'unsourced']
    """
    kinds = {source_kind(i) for i in inputs.split(";") if i.strip()}
    if not kinds:
        return "unsourced"
    if kinds == {"direct"}:
        return "derived from direct"
    if kinds == {"assumption"}:
        return "assumption"
    return "derived"


def _list_kind(ids: str) -> str:
    """Kind of a figure citing several sources: direct if all are, else as a derivation from them."""
    kind = derivation_kind(ids)
    return "direct" if kind == "derived from direct" else kind


def unit_rows(recipes: pd.DataFrame) -> set[int]:
    """Positions of the recipe rows that define their process's unit of activity.

    For each process, its first output with coefficient 1, or, where it has none, its first input with
    coefficient 1; a process with neither has no such row.

    Examples
    --------
    >>> rec = pd.DataFrame({
    ...     "process": ["pack", "pack", "refinery", "refinery", "refinery"],
    ...     "commodity": ["cells", "packs", "black_mass", "lithium", "nickel"],
    ...     "kind": ["input", "output", "input", "output", "output"],
    ...     "coefficient": [1.0, 1.0, 1.0, 0.08, 0.1],
    ... })
    >>> sorted(unit_rows(rec))
    [1, 2]
    """
    kind = recipes["kind"].astype(str).to_numpy()
    one = recipes["coefficient"].astype(float).to_numpy() == 1.0
    first: dict[tuple[str, str], int] = {}
    for i, (p, k) in enumerate(zip(recipes["process"].astype(str), kind, strict=True)):
        if one[i] and (p, k) not in first:
            first[(p, k)] = i
    procs = dict.fromkeys(recipes["process"].astype(str))
    out = (first.get((p, "output"), first.get((p, "input"))) for p in procs)
    return {i for i in out if i is not None}


def _row_keys(table: str, df: pd.DataFrame) -> list[str]:
    """Key of every row as the derivations table writes it: the id, or the key fields joined by '/'."""
    if KEYS[table] == ("id",):
        return [str(i) for i in df.index]
    cols = [df[c].astype(str).to_numpy() for c in KEYS[table]]
    return ["/".join(parts) for parts in zip(*cols, strict=True)]


def figure_provenance(net: Network) -> pd.DataFrame:
    """One row per figure of the network, with its table, field, stage, source and kind.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``row``, ``field``, ``stage``, ``source``, ``kind`` and ``per_figure``
        (True where the derivations table names the figure; ``source`` is then its inputs).
    """
    stage = net.commodities["stage"].astype(str).to_dict()
    proc_stage = _stage_of_process(net)
    der = net.derivations
    named = {
        (str(t), str(r), str(f)): str(i)
        for t, r, f, i in zip(der["table"], der["row"], der["field"], der["inputs"], strict=True)
    }
    recs: list[tuple[str, str, str, str, str, str, bool]] = []
    for table in _TABLES:
        df = net.tables[table]
        if "source" not in df.columns or df.empty:
            continue
        num = [c for c in df.select_dtypes(include=[np.number]).columns if c not in _SKIP]
        if table == "commodities":
            stages = [stage.get(str(i), "") for i in df.index]
        elif table in ("processes", "expansions"):
            stages = [proc_stage.get(str(i), "") for i in df.index]
        elif table == "recipes":
            stages = [proc_stage.get(str(p), "") for p in df["process"]]
        else:
            stages = [stage.get(str(c), "") for c in df["commodity"]]
        keys = _row_keys(table, df)
        units = unit_rows(df) if table == "recipes" else set()
        for pos, ((_, row), st, key) in enumerate(zip(df.iterrows(), stages, keys, strict=True)):
            src = str(row["source"]) if isinstance(row["source"], str) else ""
            kind = source_kind(src) if ";" not in src else _list_kind(src)
            for f in num:
                if pos in units and f == "coefficient":
                    continue
                v = row[f]
                if v is None or not isinstance(v, (int, float)) or not math.isfinite(float(v)) or float(v) == 0.0:
                    continue
                inputs = named.get((table, key, f))
                if inputs is None:
                    recs.append((table, key, f, st or "(none)", src, kind, False))
                else:
                    recs.append((table, key, f, st or "(none)", inputs, derivation_kind(inputs), True))
    return pd.DataFrame(recs, columns=["table", "row", "field", "stage", "source", "kind", "per_figure"])


def provenance_counts(net: Network) -> pd.DataFrame:
    """Figures by stage (rows, upstream first, plus ``total``) and kind of source (columns).

    Examples
    --------
    >>> import valuechain as vc
    >>> c = provenance_counts(vc.load_network("toy-battery"))
    >>> int(c.loc["total", "total"]) == int(c.loc["total", list(KIND_ORDER)].sum())
    True
    """
    figs = figure_provenance(net)
    used = set(net.commodities["stage"].astype(str))
    order = [s for s in stages() if s in used]  # upstream first, as the schema lists the stages
    rows = [s for s in order if s in set(figs["stage"])] + sorted(set(figs["stage"]) - set(order))
    tab = pd.crosstab(figs["stage"], figs["kind"]).reindex(index=rows, columns=list(KIND_ORDER), fill_value=0)
    tab.loc["total"] = tab.sum()
    tab["total"] = tab.sum(axis=1)
    return tab.astype(int)
