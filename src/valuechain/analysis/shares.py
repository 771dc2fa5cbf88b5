"""Who makes a commodity: shares of world output or capacity by region, owner or technology.

These are the figures that calibration compares with published ones ("China refines 70% of the
world's lithium"); :mod:`valuechain.analysis.dependency` answers the other question, who supplies
a given region.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuechain._params import closest
from valuechain.errors import NetworkError
from valuechain.network import Network

__all__ = ["hhi", "stage_shares"]

_BY = ("region", "owner", "technology_origin")
_MEASURES = ("production", "capacity")


def hhi(shares: pd.Series | list[float]) -> float:
    """Herfindahl-Hirschman index of market shares, on the 0-10,000 scale.

    Parameters
    ----------
    shares
        Shares as fractions (they are normalised to sum to 1; zeros and NaN are ignored).

    Returns
    -------
    float
        The sum of squared percentage shares: 10,000 for a monopoly, 10,000 / n for n equal
        suppliers. NaN if there are no positive shares.

    Examples
    --------
    >>> hhi([0.5, 0.3, 0.2])
    3800.0
    >>> hhi([1.0])
    10000.0
    """
    s = np.asarray(shares, dtype=float).ravel()
    s = s[s > 0]  # (NaN compares False, so it goes with the zeros)
    if s.size == 0:
        return float("nan")
    s = s / s.sum()
    return round(float(((100.0 * s) ** 2).sum()), 9)


def stage_shares(
    network: Network,
    commodity: str,
    *,
    measure: str = "production",
    by: str = "region",
    made_from: str | None = None,
) -> pd.Series:
    """Shares of world output (or capacity) of a commodity.

    Parameters
    ----------
    network
        The network.
    commodity
        Commodity id.
    measure
        'production' (baseline output) or 'capacity' (output at full capacity).
    by
        'region', 'owner' or 'technology_origin' of the processes.
    made_from
        Count only processes that consume this commodity (e.g. ``made_from="lithium_ore"`` for
        primary lithium refining, leaving out recovery from black mass).

    Returns
    -------
    pandas.Series
        Shares (fractions summing to 1) indexed by region, owner or technology origin, largest
        first; the series' ``attrs["total"]`` holds the world total in the commodity's unit.

    Raises
    ------
    NetworkError
        If the commodity is unknown, a parameter is invalid, nothing makes the commodity, or a
        capacity share is asked of processes with unlimited capacity.

    Examples
    --------
    >>> import valuechain as vc
    >>> net = vc.load_network("toy-battery")
    >>> stage_shares(net, "lithium_chem", made_from="lithium_ore").to_dict()
    {'CN': 1.0}
    """
    if commodity not in network.commodities.index:
        raise NetworkError(f"unknown commodity '{commodity}'" + closest(commodity, network.commodities.index))
    if measure not in _MEASURES:
        raise NetworkError(
            f"The 'measure' parameter of stage_shares must be one of {', '.join(_MEASURES)}. Got {measure!r}."
        )
    if by not in _BY:
        raise NetworkError(f"The 'by' parameter of stage_shares must be one of {', '.join(_BY)}. Got {by!r}.")
    procs = network.processes
    rec = network.recipes[network.recipes["process"].isin(procs.index)]
    out = rec[(rec["kind"] == "output") & (rec["commodity"] == commodity)]
    if made_from is not None:
        users = set(rec.loc[(rec["kind"] == "input") & (rec["commodity"] == made_from), "process"])
        out = out[out["process"].isin(users)]
    level = network.baseline_activity if measure == "production" else procs["capacity"]
    q = out["coefficient"].to_numpy() * level.loc[out["process"]].to_numpy()
    if not np.isfinite(q).all():
        pid = out["process"].to_numpy()[~np.isfinite(q)][0]
        raise NetworkError(
            f"process '{pid}' has unlimited capacity; expected finite capacities to compute capacity shares"
        )
    s = pd.Series(q, index=procs.loc[out["process"], by].to_numpy()).groupby(level=0).sum()
    total = float(s.sum())
    if total <= 0:
        raise NetworkError(f"no process makes '{commodity}' ({measure}) in network '{network.name}'")
    shares = (s / total).sort_values(ascending=False)
    shares.index.name = by
    shares.name = f"share of {measure}"
    shares.attrs["total"] = total
    return shares
