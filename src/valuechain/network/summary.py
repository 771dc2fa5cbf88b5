"""Readable summaries of a network: what it holds, by stage and commodity."""

from __future__ import annotations

import pandas as pd

from valuechain.network.model import Network
from valuechain.network.validate import baseline_activity

__all__ = ["commodity_totals"]


def commodity_totals(network: Network) -> pd.DataFrame:
    """Totals per commodity over the whole network, per period.

    Returns
    -------
    pandas.DataFrame
        Indexed by commodity id, with ``stage``, ``unit``, ``capacity`` (largest output of the
        processes that make it), ``production`` (baseline output), ``demand``, ``trade``
        (baseline flow over routes) and ``initial_stock``.
    """
    com = network.commodities
    out = pd.DataFrame(index=com.index.rename("commodity"))
    out["stage"] = com["stage"]
    out["unit"] = com["unit"]
    procs = network.processes
    rec = network.recipes[(network.recipes["kind"] == "output") & network.recipes["process"].isin(procs.index)]
    coef = rec["coefficient"].to_numpy()
    cap = procs.loc[rec["process"], "capacity"].to_numpy() * coef
    act = baseline_activity(procs).loc[rec["process"]].to_numpy() * coef
    by = rec["commodity"].to_numpy()
    out["capacity"] = pd.Series(cap, index=by).groupby(level=0).sum().reindex(com.index, fill_value=0.0)
    out["production"] = pd.Series(act, index=by).groupby(level=0).sum().reindex(com.index, fill_value=0.0)
    out["demand"] = network.demand.groupby("commodity")["quantity"].sum().reindex(com.index, fill_value=0.0)
    out["trade"] = network.routes.groupby("commodity")["baseline_flow"].sum().reindex(com.index, fill_value=0.0)
    out["initial_stock"] = network.hubs.groupby("commodity")["initial_stock"].sum().reindex(com.index, fill_value=0.0)
    return out
