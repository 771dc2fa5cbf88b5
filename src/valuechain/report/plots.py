"""Matplotlib figures of the report: origin shares before and after, shortfall by scenario, criticality."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from valuechain.network.model import Network
    from valuechain.sim.result import SimResult

__all__ = ["plot_criticality", "plot_origin_shares", "plot_shortfall_scenarios", "shortfall_by_scenario"]


def plot_origin_shares(before: pd.DataFrame, after: pd.DataFrame | None = None, *, region: str = "EU27") -> Figure:
    """Bars of the share of each commodity's largest foreign supplier today, and under a plan.

    Parameters
    ----------
    before
        :func:`~valuechain.analysis.planned.origin_shares` of the baseline.
    after
        The same under a plan (optional). Its bar shows the share of *today's* top origin in the
        plan's supply, so the two bars of a commodity measure the same country.
    region
        The region whose supply is shown (for the title).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    rows = before[before["top_origin"] != ""]
    labels = [f"{c} ({r.stage}) · {r.top_origin}" for c, r in rows.iterrows()]
    y = np.arange(len(rows))[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.38 * len(rows) + 1.6))
    h = 0.4 if after is not None else 0.7
    ax.barh(y + (h / 2 if after is not None else 0), 100 * rows["top_share"], height=h, label="today", color="#c44e52")
    if after is not None:
        from valuechain.analysis.planned import share_of

        later = [100 * share_of(after, str(c), str(r.top_origin)) for c, r in rows.iterrows()]
        ax.barh(y - h / 2, later, height=h, label="under the plan", color="#4c72b0")
    ax.set_yticks(y, labels, fontsize=8)
    ax.axvline(65, color="#5b6775", lw=0.8, ls="--")
    ax.text(65.5, y.max() + 0.5, "CRMA 65% benchmark", fontsize=7, color="#5b6775", va="bottom")
    ax.set_xlim(0, 105)
    ax.set_xlabel(f"share of {region}'s supply from the top foreign origin (%)")
    ax.set_title(f"{region}: largest foreign supplier by stage")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def shortfall_by_scenario(result: SimResult, network: Network, *, basis: str = "value") -> pd.DataFrame:
    """Share of final demand unserved per scenario and period, weighting commodities on one scale.

    Parameters
    ----------
    result
        A simulation kept in full (``keep="full"``).
    network
        The network simulated (for the weights).
    basis
        See :func:`valuechain.report.sankey.commodity_weights`.

    Returns
    -------
    pandas.DataFrame
        Periods x scenarios, shares in [0, 1].
    """
    from valuechain.errors import ValueChainError
    from valuechain.report.sankey import commodity_weights

    ds = result.dataset
    if ds is None:
        raise ValueChainError("shortfall_by_scenario needs a simulation run with keep='full'")
    w, _ = commodity_weights(network, basis)
    wt = w.reindex(ds["commodity"].to_numpy()).fillna(0.0).to_numpy()
    short = (ds["shortfall"].to_numpy() * wt).sum(axis=2)
    dem = (ds["demand"].to_numpy() * wt).sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(dem > 0, short / dem, 0.0)
    return pd.DataFrame(share.T, index=result.periods, columns=pd.Index(ds["scenario"].to_numpy(), name="scenario"))


def plot_shortfall_scenarios(result: SimResult, network: Network, *, highlight: str | None = None) -> Figure:
    """Lines of the share of final demand unserved over time, one per scenario.

    Parameters
    ----------
    result
        A simulation of several scenarios kept in full.
    network
        The network simulated.
    highlight
        A scenario drawn thicker (e.g. the combined one).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    share = shortfall_by_scenario(result, network)
    fig, ax = plt.subplots(figsize=(8, 4))
    x = pd.PeriodIndex(share.index).to_timestamp()
    for name in share.columns:
        bold = name == highlight
        ax.plot(
            x, 100 * share[name], lw=2.6 if bold else 1.4, marker="o", ms=2.5, label=str(name), zorder=3 if bold else 2
        )
    ax.set_ylabel("final demand unserved (% of value)")
    ax.set_ylim(bottom=0)
    ax.set_title(f"{network.name}: shortfall under named shocks ({result.mode})")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    return fig


def plot_criticality(frame: pd.DataFrame, n: int = 15, *, currency: str = "") -> Figure:
    """Horizontal bars of the lost value when each of the ``n`` most critical processes stops.

    Parameters
    ----------
    frame
        The result of :func:`valuechain.sim.criticality` (indexed by process, ``lost_value``).
    n
        How many processes to show.
    currency
        Currency of the values (for the axis label).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    top = frame.sort_values("lost_value", ascending=False).head(n)
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(top) + 1.4))
    y = np.arange(len(top))[::-1]
    ax.barh(y, top["lost_value"] / 1e9, color="#8172b3")
    ax.set_yticks(y, [str(p) for p in top.index], fontsize=8)
    unit = f"billion {currency}".strip()
    ax.set_xlabel(f"final demand lost if the process stops for the whole horizon ({unit})")
    ax.set_title(f"The {len(top)} most critical processes")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig
