"""The stock policy of hubs: initial stock, order-up-to level and refill rate.

Both engines read stocks from here, so the simulator's refill policy and the optimiser's stocks
rest on the same quantities:

* the *initial stock* is the hub's ``initial_stock``;
* the *order-up-to level* is ``days_of_cover`` days of the hub's baseline use (process inputs at
  baseline activity plus final demand, as in the network's own days-of-cover derivation; exports
  are not counted) when that field is given, else the initial stock; either way capped by the
  hub's ``stock_capacity``;
* the *refill rate* is the share of the gap between the level and the stock that the hub orders
  from spare supply each period (``refill_rate``; 0, the default, refills a stock only from what
  is left over at the hub).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuechain.network.model import PERIODS, Network
from valuechain.network.validate import hub_id

__all__ = ["DAYS_PER_YEAR", "stock_policy"]

#: Days in a year, for days of cover.
DAYS_PER_YEAR = 365.0


def stock_policy(network: Network) -> pd.DataFrame:
    """Initial stock, order-up-to level and refill rate of every hub.

    Parameters
    ----------
    network
        The network.

    Returns
    -------
    pandas.DataFrame
        Indexed by hub id in the order of the hubs table, with columns ``initial_stock``,
        ``level`` (order-up-to level) and ``refill_rate``; stocks in the commodity's unit.

    Examples
    --------
    >>> import valuechain as vc
    >>> b = vc.NetworkBuilder("t", year=2024, period="year")
    >>> b.add_region("A"); b.add_commodity("x", unit="t", stage="product")
    >>> b.add_process("mine", region="A", capacity=730.0, outputs={"x": 1.0})
    >>> b.add_demand("A", "x", quantity=730.0)
    >>> b.add_hub("A", "x", initial_stock=5.0, days_of_cover=10.0, refill_rate=0.5)
    >>> stock_policy(b.build()).loc["A:x"].tolist()  # 730 t a year is 2 t a day: 10 days are 20 t
    [5.0, 20.0, 0.5]
    """
    hubs = network.hubs
    ids = network.hub_ids
    init = hubs["initial_stock"].to_numpy(dtype=float)
    cap = hubs["stock_capacity"].to_numpy(dtype=float)
    days = hubs["days_of_cover"].to_numpy(dtype=float)
    level = init.copy()
    given = np.isfinite(days)
    if given.any():
        use = _baseline_use(network, ids)
        level[given] = days[given] * use[given] * 12 / (PERIODS[network.period] * DAYS_PER_YEAR)
    return pd.DataFrame(
        {
            "initial_stock": init,
            "level": np.minimum(level, cap),
            "refill_rate": hubs["refill_rate"].to_numpy(dtype=float),
        },
        index=ids,
    )


def _baseline_use(network: Network, ids: pd.Index) -> np.ndarray:
    """Baseline use per network period at each hub: process inputs and final demand."""
    pos = {h: i for i, h in enumerate(ids.tolist())}
    use = np.zeros(len(ids))
    procs = network.processes
    act = network.baseline_activity
    region = dict(zip(procs.index.tolist(), procs["region"].tolist(), strict=True))
    rec = network.recipes
    for p, kind, com, coef in zip(
        *(rec[c].tolist() for c in ("process", "kind", "commodity", "coefficient")), strict=True
    ):
        if kind == "input" and p in region:
            use[pos[hub_id(region[p], com)]] += float(coef) * float(act[p])
    dem = network.demand
    for r, c, q in zip(dem["region"].tolist(), dem["commodity"].tolist(), dem["quantity"].tolist(), strict=True):
        use[pos[hub_id(r, c)]] += float(q)
    return use
