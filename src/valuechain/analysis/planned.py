"""Flows of a solved plan in one period, and a region's supply shares by origin under them.

A :class:`~valuechain.opt.Plan` holds activities, flows and unmet demand per scenario and period;
the report draws one picture of it: the expected flows of one period (the last by default),
averaged over the plan's scenarios with their probabilities. :func:`plan_flows` takes that slice
and maps it to the network's ids (process, expansion, route and demand hub), the form
:func:`~valuechain.report.sankey.flow_sankey` and :func:`origin_shares` read.

:func:`origin_shares` measures, for each commodity a region uses, who supplies it: the region
itself (its production less its exports) and each foreign origin (its imports into the region),
the rule of the ``direct`` view of :func:`valuechain.dependency`, applied to any flows: the
network's baseline or a plan's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from valuechain.errors import ValueChainError

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.opt.results import Plan

__all__ = ["Flows", "baseline_flows", "origin_shares", "plan_flows", "share_of"]


@dataclass(frozen=True)
class Flows:
    """Flows of one period by network id.

    Attributes
    ----------
    activity
        Activity per process id.
    expansion_activity
        Activity of new capacity per expansion id.
    route_flow
        Flow per route id.
    served
        Served demand per demand hub id (``REGION:COMMODITY``).
    label
        What the flows are (e.g. ``"baseline"`` or ``"plan, 2030"``).
    """

    activity: pd.Series
    expansion_activity: pd.Series
    route_flow: pd.Series
    served: pd.Series
    label: str


def baseline_flows(network: Network) -> Flows:
    """The network's baseline flows as :class:`Flows`.

    Examples
    --------
    >>> import valuechain as vc
    >>> f = baseline_flows(vc.load_network("toy-battery"))
    >>> f.label, float(f.served.sum()) > 0
    ('baseline', True)
    """
    dem = network.demand
    served = pd.Series(dem["quantity"].to_numpy(dtype=float), index=dem["region"] + ":" + dem["commodity"])
    return Flows(
        activity=network.baseline_activity.astype(float),
        expansion_activity=pd.Series(0.0, index=network.expansions.index, dtype=float),
        route_flow=network.routes["baseline_flow"].astype(float),
        served=served.groupby(level=0).sum(),
        label="baseline",
    )


def _expected(frame: pd.DataFrame, column: str, period: object, weights: pd.Series) -> pd.Series:
    """Probability-weighted mean over scenarios of ``column`` in ``period``; indexed by the last level."""
    sl = frame.xs(period, level="period")[column]
    w = weights.reindex(sl.index.get_level_values("scenario")).to_numpy(dtype=float)
    item = sl.index.get_level_values(-1)
    return pd.Series(sl.to_numpy(dtype=float) * w, index=item).groupby(level=0, sort=False).sum()


def plan_flows(
    plan: Plan, *, period: object = None, probabilities: Sequence[float] | None = None, label: str | None = None
) -> Flows:
    """The expected flows of a plan in one period, by network id.

    Parameters
    ----------
    plan
        A solved plan (:func:`valuechain.opt.extract`).
    period
        The period (a year for yearly studies); default: the last period of the plan.
    probabilities
        Probability of each of the plan's scenarios, in their order (default: equally likely).
    label
        Label of the flows (default: ``"plan, <period>"``).

    Returns
    -------
    Flows

    Raises
    ------
    ValueChainError
        If the period is not in the plan, or the probabilities do not match its scenarios.

    Examples
    --------
    >>> import valuechain as vc
    >>> from valuechain.opt import optimise
    >>> plan = optimise("toy-battery", "toy-battery")
    >>> f = plan_flows(plan)
    >>> f.label, bool((f.expansion_activity >= 0).all())
    ('plan, 2029', True)
    """
    act = plan.activity
    scen = pd.Index(pd.unique(act.index.get_level_values("scenario")))
    periods = pd.Index(pd.unique(act.index.get_level_values("period")))
    if period is None:
        period = periods[-1]
    if period not in periods:
        raise ValueChainError(f"period {period!r} is not in the plan; it has {', '.join(map(str, periods))}")
    if probabilities is None:
        w = np.full(len(scen), 1.0 / len(scen))
    else:
        w = np.asarray(probabilities, dtype=float)
        if w.shape != (len(scen),) or not np.isclose(w.sum(), 1.0):
            raise ValueChainError(
                f"probabilities must be {len(scen)} numbers summing to 1, one per scenario of the plan"
            )
    weights = pd.Series(w, index=scen)
    um = plan.unmet.assign(served=plan.unmet["demand"] - plan.unmet["unmet"])
    xact = plan.expansion_activity
    return Flows(
        activity=_expected(act, "activity", period, weights),
        expansion_activity=_expected(xact, "activity", period, weights) if len(xact) else pd.Series(dtype=float),
        route_flow=_expected(plan.flows, "flow", period, weights),
        served=_expected(um, "served", period, weights),
        label=label or f"plan, {period}",
    )


def origin_shares(network: Network, flows: Flows | None = None, region: str = "EU27") -> pd.DataFrame:
    """Who supplies each commodity a region uses, under given flows (default: the baseline).

    Supply of a commodity to the region is its own production less its exports (the domestic
    origin) plus its imports by country of dispatch; trade inside a group is internal. Use is
    the input of the region's processes and new capacity plus its served final demand.

    Parameters
    ----------
    network
        The network.
    flows
        Flows to measure (:func:`plan_flows`, :func:`baseline_flows`); default the baseline.
    region
        A region or group id.

    Returns
    -------
    pandas.DataFrame
        Indexed by commodity, in stage order: ``stage``, ``unit``, ``use``, ``supply``,
        ``domestic_share``, ``top_origin`` (largest foreign origin), ``top_share``, and
        ``shares`` (a dict origin -> share of supply, the region itself under its own id).

    Examples
    --------
    >>> import valuechain as vc
    >>> net = vc.load_network("toy-battery")
    >>> row = origin_shares(net, region="DE").loc["cam_nmc"]
    >>> row["top_origin"], round(float(row["top_share"]), 4)
    ('CN', 0.6667)
    """
    from valuechain.analysis.dependency import STAGE_ORDER

    flows = baseline_flows(network) if flows is None else flows
    members = set(network.members(region))
    procs, exps, rec = network.processes, network.expansions, network.recipes
    act = flows.activity.reindex(procs.index).fillna(0.0)
    place = procs["region"]
    if len(flows.expansion_activity) and len(exps):
        xact = flows.expansion_activity.reindex(exps.index).fillna(0.0)
        act = pd.concat([act, xact])
        place = pd.concat([place, exps["region"]])
    rec = rec[rec["process"].isin(act.index)]
    qty = rec["coefficient"].to_numpy(dtype=float) * act.loc[rec["process"]].to_numpy(dtype=float)
    inside = place.loc[rec["process"]].isin(members).to_numpy()
    tab = pd.DataFrame({"commodity": rec["commodity"].to_numpy(), "kind": rec["kind"].to_numpy(), "q": qty})[inside]
    production = tab[tab["kind"] == "output"].groupby("commodity")["q"].sum()
    use = tab[tab["kind"] == "input"].groupby("commodity")["q"].sum()
    served = flows.served
    hub_reg = served.index.str.split(":").str[0]
    hub_com = served.index.str.split(":").str[1]
    final = pd.Series(served.to_numpy(dtype=float), index=hub_com)[np.asarray(hub_reg.isin(members))]
    use = use.add(final.groupby(level=0).sum(), fill_value=0.0)
    routes = network.routes
    f = flows.route_flow.reindex(routes.index).fillna(0.0).to_numpy(dtype=float)
    o_in = routes["origin"].isin(members).to_numpy()
    d_in = routes["destination"].isin(members).to_numpy()
    trade = pd.DataFrame({"commodity": routes["commodity"].to_numpy(), "origin": routes["origin"].to_numpy(), "f": f})
    imports = trade[d_in & ~o_in & (f > 0)].groupby(["commodity", "origin"])["f"].sum()
    exports = trade[o_in & ~d_in].groupby("commodity")["f"].sum()
    com = network.commodities
    rows = []
    for c in com.index:
        if use.get(c, 0.0) <= 0:
            continue
        supply = imports.xs(c, level="commodity") if c in imports.index.get_level_values(0) else pd.Series(dtype=float)
        supply = supply.copy()
        supply[region] = max(float(production.get(c, 0.0)) - float(exports.get(c, 0.0)), 0.0)
        total = float(supply.sum())
        shares = {str(k): float(v) / total for k, v in supply.items() if v > 0} if total > 0 else {}
        foreign = sorted(((k, v) for k, v in shares.items() if k != region and v > 1e-12), key=lambda kv: -kv[1])
        rows.append(
            {
                "commodity": c,
                "stage": str(com.at[c, "stage"]),
                "unit": str(com.at[c, "unit"]),
                "use": float(use[c]),
                "supply": total,
                "domestic_share": shares.get(region, 0.0),
                "top_origin": foreign[0][0] if foreign else "",
                "top_share": foreign[0][1] if foreign else 0.0,
                "shares": shares,
            }
        )
    out = pd.DataFrame(rows).set_index("commodity")
    order = {s: i for i, s in enumerate(STAGE_ORDER)}
    return out.sort_values("stage", key=lambda s: s.map(lambda x: order.get(x, len(order))), kind="stable")


def share_of(frame: pd.DataFrame, commodity: str, origin: str) -> float:
    """The share of ``origin`` in the supply of ``commodity`` in an :func:`origin_shares` frame.

    NaN when the region does not use the commodity under those flows.

    Examples
    --------
    >>> import valuechain as vc
    >>> s = origin_shares(vc.load_network("toy-battery"), region="DE")
    >>> round(share_of(s, "cam_nmc", "DE"), 4), share_of(s, "cam_nmc", "AU")
    (0.3333, 0.0)
    """
    if commodity not in frame.index:
        return float("nan")
    shares = cast("dict[str, float]", frame.at[commodity, "shares"])
    return float(shares.get(origin, 0.0))
