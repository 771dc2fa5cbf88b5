"""The executive summary: the toolkit's three questions answered in plain sentences with numbers.

1. How dependent is the region at each stage, and on whom (direct, embedded, by owner)?
2. What would the named export controls do, month by month, and how widely do the risk
   register's samples spread?
3. What does the least-cost plan to meet the study's targets build, where and by when, what does
   it cost (total and per kWh), and which targets bind at what shadow price?
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from valuechain.report import fmt
from valuechain.report.facts import CRMA_BENCHMARK, Top

if TYPE_CHECKING:
    from valuechain.study.runner import StudyRun

__all__ = ["builds", "cost_breakdown", "executive_summary"]


#: A plan's share this close above the benchmark is at it (solver tolerances; shown rounded to a point).
_AT_BENCHMARK = 1e-4


def _list(items: list[str], limit: int = 6) -> str:
    if not items:
        return "none"
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more


def _dependency(run: StudyRun, dep: pd.DataFrame) -> list[str]:
    net, region = run.network, fmt.region(run.network, run.region)
    over = [
        f"{fmt.commodity(net, str(c), with_unit=False, short=True)} ({r.today.text(net)})"
        for c, r in dep.iterrows()
        if r.today.share > CRMA_BENCHMARK
    ]
    agg = [
        f"{fmt.commodity(net, str(c), with_unit=False, short=True)} ({fmt.pct(r.today.aggregate_share)} from "
        f"{fmt.region(net, r.today.aggregate)})"
        for c, r in dep.iterrows()
        if r.today.aggregate and r.today.aggregate_share > CRMA_BENCHMARK
    ]
    out = [
        f"**Dependency today.** Of the {len(dep)} commodities {region} uses, {len(over)} take more than "
        f"{fmt.pct(CRMA_BENCHMARK)} of their supply from one foreign country: {_list(over)}."
        + (f" Aggregates of several countries are not counted against the benchmark: {_list(agg)}." if agg else "")
    ]
    emb = [
        (str(c), r.embedded)
        for c, r in dep.iterrows()
        if r.embedded is not None and r.stage in ("cell", "pack") and r.embedded[1].share > CRMA_BENCHMARK
    ]
    if emb:
        c, (u, top) = max(emb, key=lambda kv: kv[1][1].share)
        n_cn = sum(1 for _, (_, t) in emb if t.origin == top.origin)
        out.append(
            f"**Embedded.** Counting where the materials inside come from, {len(emb)} of {region}'s cells and packs "
            f"depend on one country for more than {fmt.pct(CRMA_BENCHMARK)} of an input, {n_cn} of them on "
            f"{fmt.region(net, top.origin)}; the highest: {fmt.commodity(net, c, with_unit=False, short=True)}, whose "
            f"{fmt.commodity(net, u, with_unit=False, short=True)} comes {fmt.pct(top.share)} from "
            f"{fmt.region(net, top.origin)}."
        )
    cells = [(str(c), r.owner) for c, r in dep.iterrows() if r.stage == "cell" and r.owner.origin]
    if cells:
        parts = [
            f"{fmt.commodity(net, c, with_unit=False, short=True)}: {top.text(net)} "
            f"(made abroad {fmt.pct(1 - fmt.num(dep.at[c, 'domestic']))} by location)"
            for c, top in cells
        ]
        out.append(
            f"**By owner.** Largest foreign owner of the plants supplying {region}'s cells: " + "; ".join(parts) + "."
        )
    return out


def _controls(run: StudyRun, share: pd.DataFrame) -> list[str]:
    if share.empty or run.shocks is None:
        return []
    net, res = run.network, run.shocks
    cur = res.currency or net.units.get("currency", "")
    worst = str(share.max().idxmax())
    s = share[worst]
    hit = s[s > 0]
    tot = res.totals
    first = fmt.month(hit.index[0]) if len(hit) else "never"
    line = (
        f"**Named export controls.** {len(share.columns)} named Chinese export-control scenarios simulated month by "
        f"month from {fmt.month(share.index[0])} to {fmt.month(share.index[-1])}. The worst, {worst}, leaves "
        f"final demand unserved from {first}, peaking at {fmt.pct(fmt.num(s.max()), 1)} of its value in "
        f"{fmt.month(s.idxmax())} and {fmt.pct(fmt.num(s.iloc[-1]), 1)} in the last month; over the two years it loses "
        f"{fmt.money(fmt.num(tot.at[worst, 'lost_value']), cur)} of final demand and "
        f"{fmt.quantity(fmt.num(tot.at[worst, 'lost_cells_gwh']), 'GWh')} of cells."
    )
    none = [str(n) for n in share.columns if fmt.num(share[n].max()) == 0]
    if none:
        line += f" {_list(none)} cause{'s' if len(none) == 1 else ''} no shortfall."
    out = [line]
    bands = run.register_bands
    if bands is not None and len(bands):
        n = int(bands.attrs.get("samples", 0))
        p95 = bands["p95"]
        p50 = fmt.num(bands["p50"].max())
        median = (
            "in every month at least half of the samples lose nothing"
            if fmt.clean(p50) == 0
            else f"the median sample loses up to {fmt.pct(p50, 1)} of a month's final demand"
        )
        out.append(
            f"**Spread over the risk register.** Over {n} equally likely samples of the risk register, "
            f"{fmt.pct(fmt.num(bands.attrs.get('p_any', math.nan)))} leave some final demand unserved in at least one "
            f"month; {median}, the 95th percentile reaches {fmt.pct(fmt.num(p95.max()), 1)} in "
            f"{fmt.month(p95.idxmax())}, and the average over samples peaks at "
            f"{fmt.pct(fmt.num(bands['mean'].max()), 1)}."
        )
    return out


def builds(run: StudyRun) -> pd.DataFrame:
    """What the targets plan builds beyond the plan without the targets.

    One row per option and commodity: the first year the targets plan builds it and the capacity it
    builds over the horizon less what the reference plan (the same study without the targets) builds
    of the same option, where that is positive. Capacity both plans build (the growth that world
    demand needs whatever the targets) is not the targets' doing and is left out.
    """
    if run.targets is None:
        return pd.DataFrame()
    cap = run.targets.capacity
    cols = ["expansion", "region", "commodity"]
    empty = pd.DataFrame(columns=[*cols, "year", "capacity"])
    if "plan" in cap:
        ref = cap[cap["plan"] == "reference"].groupby(cols)["capacity"].sum()
        cap = cap[(cap["plan"] == "capped") & (cap["capacity"] > fmt.ABS_TOL)]
    else:
        ref = pd.Series(dtype=float)
    if cap.empty:
        return empty
    g = cap.groupby(cols, as_index=False).agg(year=("year", "min"), capacity=("capacity", "sum"))
    before = ref.reindex(pd.MultiIndex.from_frame(g[cols])).fillna(0.0).to_numpy()
    g = g.assign(capacity=g["capacity"].to_numpy() - before)
    g = g[g["capacity"] > fmt.ABS_TOL * np.maximum(1.0, before)]
    if g.empty:
        return empty
    value = run.network.commodities["value"].reindex(g["commodity"]).fillna(0.0).to_numpy()
    return g.assign(v=g["capacity"] * value).sort_values("v", ascending=False).drop(columns="v")


def cost_breakdown(run: StudyRun) -> pd.Series:
    """Premium of the targets plan over the reference plan by kind of cost (expected, discounted)."""
    if run.targets is None:
        return pd.Series(dtype=float)
    a = run.targets.plan.costs.astype(float)
    b = run.targets.reference_plan.costs.astype(float).reindex(a.index).fillna(0.0)
    return (a - b).rename("premium")


def _plan(run: StudyRun) -> list[str]:
    t = run.targets
    if t is None:
        why = run.skipped.get("targets", "not run")
        return [f"The targets study did not run, so this section is empty: {why}. No figures are shown in its place."]
    net = run.network
    cur = net.units.get("currency", "")
    b = builds(run)
    where = [
        f"{fmt.commodity(net, str(r.commodity), with_unit=False, short=True)} in {fmt.region(net, str(r.region))} "
        f"({fmt.quantity(fmt.num(r.capacity), str(net.commodities.at[r.commodity, 'unit']))} a year "
        f"from {fmt.year(r.year)})"
        for r in b.itertuples()
    ]
    parts = cost_breakdown(run)
    scale = abs(t.premium) + abs(fmt.num(t.plan.objective))
    penalty = fmt.clean(fmt.num(parts.get("policy violations", 0.0)), scale)
    capital = fmt.clean(fmt.num(parts.get("capital", 0.0)), scale)
    operating = fmt.clean(fmt.num(parts.get("operating", 0.0)), scale)
    years = fmt.horizon(run.study.start, run.study.years)
    line = (
        f"**Least-cost plan for the targets.** Beyond the plan without them, it builds {_list(where, 8)}. "
        f"It costs {fmt.money(t.premium, cur)} more "
        f"than the same study without the targets (expected over the scenarios, discounted at "
        f"{fmt.pct(run.study.discount_rate)}, {years}), {fmt.money(t.premium_per_kwh, cur)} per kWh of cells "
        f"served in {fmt.region(net, run.region)}: {fmt.money(operating, cur)} of higher operating costs, "
        f"{fmt.money(capital, cur)} of capital"
    )
    line += (
        f" and {fmt.money(penalty, cur)} of penalties the model pays for targets it cannot meet in time."
        if penalty > 0
        else "."
    )
    table = t.table.droplevel("stage")
    binding = table[table["cost_per_pp"].abs() > fmt.REL_TOL * scale].sort_values("cost_per_pp", ascending=False)
    if len(binding):
        line += (
            " Binding targets, by the cost of one more percentage point: "
            + _list(
                [
                    f"{fmt.commodity(net, str(c), with_unit=False, short=True)} "
                    f"{fmt.money(fmt.num(r.cost_per_pp), cur)}"
                    for c, r in binding.iterrows()
                ],
                6,
            )
            + "."
        )
    missed = table[table["violation"] > fmt.ABS_TOL]
    if len(missed):
        line += " Not met by the end of the horizon: " + _list(_shortfalls(run, missed)) + "."
    return [line]


def _shortfalls(run: StudyRun, missed: pd.DataFrame) -> list[str]:
    """Each target not met with what it lacks; a minimum over several commodities once, not per commodity.

    The targets table gives such a minimum's shortfall on each of its commodities
    (``violation_shared``, part of ``violation``); it is one line for the group, and what a
    commodity lacks besides (its own targets) a line of its own.
    """
    net = run.network
    total = {str(c): fmt.num(v) for c, v in missed["violation"].items()}
    shared_col = missed["violation_shared"] if "violation_shared" in missed else pd.Series(0.0, index=missed.index)
    shared = {str(c): fmt.num(v) for c, v in shared_col.items()}
    groups = []
    for pol in run.study.policies:
        coms = [str(c) for c in getattr(pol, "commodities", ())]
        if pol.kind == "min_domestic_share" and len(coms) > 1 and all(shared.get(c, 0.0) > fmt.ABS_TOL for c in coms):
            groups.append(coms)
    out, grouped = [], set()
    for c in total:
        group = next((g for g in groups if c in g), None)
        if group is not None and c not in grouped:
            grouped.update(group)
            names = " and ".join(fmt.commodity(net, g, with_unit=False, short=True) for g in group)
            unit = str(net.commodities.at[c, "unit"])
            out.append(f"{names} (short by {fmt.quantity(shared[c], unit)} together)")
        own = total[c] - (shared[c] if group is not None else 0.0)
        if own > fmt.ABS_TOL:
            name = fmt.commodity(net, c, with_unit=False, short=True)
            out.append(f"{name} (short by {fmt.quantity(own, str(net.commodities.at[c, 'unit']))})")
    return out


def _after(run: StudyRun, dep: pd.DataFrame) -> list[str]:
    if run.after is None or "plan" not in dep:
        return []
    net = run.network
    capped = dep[dep["target"].notna() & dep["plan"].notna()]
    still = [
        f"{fmt.commodity(net, str(c), with_unit=False, short=True)} ({r.plan.text(net)})"
        for c, r in capped.iterrows()
        if isinstance(r.plan, Top) and r.plan.share > CRMA_BENCHMARK + _AT_BENCHMARK
    ]
    when = str(run.plan_flows.label).removeprefix("plan, ") if run.plan_flows is not None else "its last year"
    head = f"**Under the plan** ({when}, expected flows over the study's scenarios), "
    supply = "of the region's supply (imports plus its own output kept at home) from one country"
    if still:
        head += (
            f"{len(still)} of the {len(capped)} capped commodities still {'takes' if len(still) == 1 else 'take'} "
            "more than "
            f"{fmt.pct(CRMA_BENCHMARK)} {supply}: {_list(still)}."
        )
    else:
        head += f"none of the {len(capped)} capped commodities takes more than {fmt.pct(CRMA_BENCHMARK)} {supply}."
    return [
        head + " The study's caps measure one country's share of what the region uses that year in every "
        "scenario: its plants' inputs after substitution and its final demand, less the stock it draws (stock has "
        "no country of origin, so stock bought while a cap was looser does not count toward meeting it)."
    ]


def executive_summary(run: StudyRun, dep: pd.DataFrame, share: pd.DataFrame) -> list[str]:
    """The summary's bullet points, each a few plain sentences with numbers and units.

    Parameters
    ----------
    run
        The finished study run.
    dep
        :func:`valuechain.report.facts.dependency_table` of the run.
    share
        :func:`valuechain.report.facts.shortfall_share` of the run.

    Returns
    -------
    list of str
        Paragraphs (``**bold**`` marks their topic).
    """
    out: list[str] = []
    if len(dep):
        out += _dependency(run, dep)
    out += _controls(run, share)
    out += _plan(run)
    if len(dep):
        out += _after(run, dep)
    if run.criticality is not None and len(run.criticality):
        net = run.network
        top = run.criticality.iloc[0]
        pid = str(run.criticality.index[0])
        out.append(
            f"**Most critical plant.** Stopping {fmt.process(net, pid)} for the whole {run.months}-month horizon "
            f"would lose {fmt.money(fmt.num(top['lost_value']), net.units.get('currency', ''))} of final demand, "
            "the most of any process."
        )
    return out
