"""Where a network's figures come from: counts by kind of source and by stage.

Every row of a network table names one source (``source`` column, an id of ``sources.csv``). A
*figure* is a non-zero finite number in a numeric field of such a row. Its kind follows from the id
of the row's source:

``direct``
    a published figure, a seed fact or an observed trade figure (ids starting ``P``, ``S``, ``T``);
``derived``
    a derivation from cited inputs (``D-...``);
``assumption``
    an assumption with its reason (``A-...``);
``unsourced``
    no source on the row; ``other`` for ids of any other form.

Provenance is recorded per row, not per figure: a row's capacity, activity and cost all count with
the one source of the row, so these counts describe the rows' sources rather than prove each number.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from valuechain.network.model import Network

__all__ = ["KIND_ORDER", "figure_provenance", "provenance_counts", "source_kind"]

KIND_ORDER = ("direct", "derived", "assumption", "unsourced", "other")
_TABLES = ("commodities", "hubs", "processes", "recipes", "routes", "demand", "expansions")
_SKIP = {"lat", "lon"}  # coordinates are not figures of the chain


def source_kind(source_id: str) -> str:
    """Kind of a source id: direct, derived, assumption, unsourced or other.

    Examples
    --------
    >>> [source_kind(s) for s in ("P040", "S050", "T001", "D-trade", "A-stocks", "", "X1")]
    ['direct', 'direct', 'direct', 'derived', 'assumption', 'unsourced', 'other']
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


def figure_provenance(net: Network) -> pd.DataFrame:
    """One row per figure of the network, with its table, field, stage, source and kind.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``row``, ``field``, ``stage``, ``source`` and ``kind``.
    """
    stage = net.commodities["stage"].astype(str).to_dict()
    proc_stage = _stage_of_process(net)
    recs: list[tuple[str, str, str, str, str, str]] = []
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
        for (idx, row), st in zip(df.iterrows(), stages, strict=True):
            src = str(row["source"]) if isinstance(row["source"], str) else ""
            kind = source_kind(src)
            for f in num:
                v = row[f]
                if v is None or not isinstance(v, (int, float)) or not math.isfinite(float(v)) or float(v) == 0.0:
                    continue
                recs.append((table, str(idx), f, st or "(none)", src, kind))
    return pd.DataFrame(recs, columns=["table", "row", "field", "stage", "source", "kind"])


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
    order = [s for s in net.commodities["stage"].astype(str).unique()]
    stages = [s for s in order if s in set(figs["stage"])] + sorted(set(figs["stage"]) - set(order))
    tab = pd.crosstab(figs["stage"], figs["kind"]).reindex(index=stages, columns=list(KIND_ORDER), fill_value=0)
    tab.loc["total"] = tab.sum()
    tab["total"] = tab.sum(axis=1)
    return tab.astype(int)
