"""The figures the report states, computed once from a finished study run.

Shares of supply by origin come from the run's dependency frame (today) and the plan's origin
shares (under the plan). The CRMA benchmark (no more than 65 % from one third country) is
applied to countries only: a region that stands for several countries (``RoW``, ``EU-other``)
is never the 'top country'; when such an aggregate supplies more than the top country, it is
named beside it as an aggregate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.report import fmt

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.study.runner import StudyRun

__all__ = ["CRMA_BENCHMARK", "Top", "dependency_table", "origin_share", "shortfall_share", "top_country"]

#: The CRMA benchmark: no more than 65 % of a strategic raw material from one third country.
CRMA_BENCHMARK = 0.65


@dataclass(frozen=True)
class Top:
    """The largest foreign country supplying a commodity, and the largest aggregate if it is larger."""

    origin: str = ""
    share: float = 0.0
    aggregate: str = ""
    aggregate_share: float = 0.0

    def text(self, net: Network) -> str:
        """``Australia 87%``, with a larger aggregate named as such."""
        if not self.origin and not self.aggregate:
            return "none"
        out = f"{fmt.region(net, self.origin)} {fmt.pct(self.share)}" if self.origin else "no single country"
        if self.aggregate:
            out += f" (and {fmt.pct(self.aggregate_share)} from {fmt.region(net, self.aggregate)}, several countries)"
        return out


def top_country(net: Network, shares: dict[str, float], region: str) -> Top:
    """The largest foreign *country* in ``shares`` (origin -> share of supply).

    Origins inside ``region`` (its own id, its members) are domestic; aggregates (see
    :func:`valuechain.report.fmt.is_aggregate`) are never a country and are returned beside the
    top country when they supply more.

    Examples
    --------
    >>> import valuechain as vc
    >>> net = vc.load_network("global-li-ion-2024")
    >>> t = top_country(net, {"RoW": 0.83, "JP": 0.14, "CN": 0.03}, "EU27")
    >>> t.origin, t.share, t.aggregate
    ('JP', 0.14, 'RoW')
    """
    members = set(net.members(region)) | {region} if region in net.groups or region in net.regions.index else {region}
    foreign = {o: fmt.num(s) for o, s in shares.items() if o not in members and fmt.num(s) > fmt.REL_TOL}
    countries = {o: s for o, s in foreign.items() if not fmt.is_aggregate(net, o)}
    aggregates = {o: s for o, s in foreign.items() if fmt.is_aggregate(net, o)}
    o, s = max(countries.items(), key=lambda kv: kv[1]) if countries else ("", 0.0)
    a, sa = max(aggregates.items(), key=lambda kv: kv[1]) if aggregates else ("", 0.0)
    return Top(o, s, a, sa) if sa > s else Top(o, s)


def _shares(cell: Any) -> dict[str, float]:
    return {str(k): fmt.num(v) for k, v in dict(cell).items()}


def origin_share(dep: pd.DataFrame, view: str = "direct") -> dict[str, dict[str, float]]:
    """Shares of supply by origin per commodity, from a dependency frame's ``share`` rows of a view."""
    rows = dep[(dep["view"] == view) & (dep["metric"] == "share") & (dep["upstream"] == dep["commodity"])]
    out: dict[str, dict[str, float]] = {}
    for c, o, v in zip(rows["commodity"], rows["origin"], rows["value"], strict=True):
        out.setdefault(str(c), {})[str(o)] = fmt.num(v)
    return out


def _embedded(dep: pd.DataFrame, net: Network, region: str) -> dict[str, tuple[str, Top]]:
    """Per commodity, its most concentrated upstream input: (upstream commodity, top country)."""
    rows = dep[(dep["view"] == "embedded") & (dep["metric"] == "share") & (dep["upstream"] != dep["commodity"])]
    out: dict[str, tuple[str, Top]] = {}
    for (c, u), g in rows.groupby(["commodity", "upstream"], sort=False):
        top = top_country(net, dict(zip(g["origin"].astype(str), g["value"].astype(float), strict=True)), region)
        if top.origin and (str(c) not in out or top.share > out[str(c)][1].share):
            out[str(c)] = (str(u), top)
    return out


def dependency_table(run: StudyRun) -> pd.DataFrame:
    """One row per commodity the region uses, today and under the plan.

    Use, domestic share, top foreign country today (direct, by owner, embedded) and under the
    plan, and the study's cap.

    Returns
    -------
    pandas.DataFrame
        Indexed by commodity id, upstream first; columns ``stage``, ``unit``, ``use``,
        ``domestic``, ``today`` (:class:`Top`), ``owner`` (:class:`Top`), ``embedded``
        (``(upstream, Top)`` or ``None``), ``plan`` (:class:`Top` or ``None``), ``plan_domestic``,
        ``target`` (the study's cap on one origin's share, NaN when uncapped).
    """
    net, region, dep = run.network, run.region, run.dependency
    if dep is None or run.before is None:
        return pd.DataFrame()
    direct, owner = origin_share(dep), origin_share(dep, "owner")
    embedded = _embedded(dep, net, region)
    target = pd.Series(dtype=float)
    if run.targets is not None:
        target = run.targets.table["target_share"].droplevel("stage")
    rows = []
    for c, r in run.before.iterrows():
        c = str(c)
        plan = None
        plan_dom = math.nan
        if run.after is not None and c in run.after.index:
            plan = top_country(net, _shares(run.after.loc[c, "shares"]), region)
            plan_dom = fmt.num(run.after.at[c, "domestic_share"])
        rows.append(
            {
                "commodity": c,
                "stage": str(r["stage"]),
                "unit": str(r["unit"]),
                "use": fmt.num(r["consumption"]),
                "domestic": fmt.num(r["domestic_share"]),
                "today": top_country(net, direct.get(c, {}), region),
                "owner": top_country(net, owner.get(c, {}), region),
                "embedded": embedded.get(c),
                "plan": plan,
                "plan_domestic": plan_dom,
                "target": fmt.num(target.get(c, math.nan)),
            }
        )
    return pd.DataFrame(rows).set_index("commodity")


def shortfall_share(run: StudyRun) -> pd.DataFrame:
    """Share of the value of final demand unserved per month (rows) and named scenario (columns)."""
    res = run.shocks
    if res is None:
        return pd.DataFrame()
    ds = res.dataset
    value = run.network.commodities["value"].reindex(ds["commodity"].to_numpy()).fillna(0.0).to_numpy(dtype=float)
    short = (ds["shortfall"].to_numpy() * value).sum(axis=2)
    demand = (ds["demand"].to_numpy() * value).sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(demand > 0, short / demand, 0.0)
    share = np.where(share < fmt.REL_TOL, 0.0, share)
    return pd.DataFrame(share.T, index=res.periods, columns=pd.Index(ds["scenario"].to_numpy(), name="scenario"))
