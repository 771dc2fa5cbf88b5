"""The report's analytical sections: dependency, targets, price of resilience, shocks, criticality.

Each function adds one section to a :class:`~valuechain.report.html.Report` from a finished
:class:`~valuechain.study.runner.StudyRun`; every number goes through :mod:`valuechain.report.fmt`
and every id is replaced by the network's name.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from valuechain.report import fmt
from valuechain.report.facts import CRMA_BENCHMARK, Top
from valuechain.report.summary import builds, cost_breakdown

if TYPE_CHECKING:
    from valuechain.report.html import Report
    from valuechain.study.runner import StudyRun

__all__ = ["criticality", "dependency", "largest_supplier", "price_of_resilience", "shocks", "targets"]


def _close(fig: Any) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def _skipped(run: StudyRun, key: str) -> str:
    return (
        f"The targets study did not run, so this section is empty: {run.skipped.get(key, 'not run')}. "
        "No figures are shown in its place."
    )


def _flag(top: Top, net: Any) -> str:
    if not top.origin and not top.aggregate:
        return "none"
    return top.text(net)


def _over(today: Top, plan: Top | None) -> str:
    states = [n for n, t in (("today", today), ("under the plan", plan)) if t is not None and t.share > CRMA_BENCHMARK]
    return " and ".join(states) if states else "no"


def _months(n: int) -> str:
    return f"{n} month" + ("" if n == 1 else "s")


def dependency(rep: Report, run: StudyRun, heading: str, dep: pd.DataFrame) -> None:
    """Dependency at each stage today (direct, by owner, embedded) and under the plan, capped stages first."""
    from valuechain.report.plots import plot_today_and_plan

    rep.add_heading(heading)
    if dep.empty:
        return
    net, region = run.network, run.region
    rname = fmt.region(net, region)
    capped = dep[dep["target"].notna()]
    if len(capped):
        fig = plot_today_and_plan(capped, net, region=region, benchmark=CRMA_BENCHMARK)
        rep.add_figure(
            fig,
            "Capped commodities: largest foreign country today and under the plan",
            name="origin-shares",
            caption=f"Each bar is labelled with its own country: the plan's largest supplier can differ from today's. "
            f"Shares of {rname}'s supply (own production kept at home plus imports); under the plan, the expected "
            "flows of the plan's last year. The caps measure one country's share of what the region uses that "
            "year, in every scenario: its plants' inputs after substitution and its final demand, less the stock it "
            "draws (which has no country of origin). Stock the region builds counts in its supply, not in its use, "
            "so a bar can sit below what the cap measures, and stands above its cap only where the plan does not "
            "meet it (see 'not met' in the targets table). "
            "Aggregates of several countries (rest of the world, other EU member "
            "states) are never counted as one country; when they supply more than the top country they are noted.",
        )
        _close(fig)
        rows = []
        for c, r in capped.iterrows():
            plan = r.plan if isinstance(r.plan, Top) else None
            rows.append(
                {
                    "Commodity": fmt.commodity(net, str(c), with_unit=False, short=True),
                    "Cap on one country": fmt.pct(r.target),
                    "Today": _flag(r.today, net),
                    "Under the plan": _flag(plan, net) if plan else "–",
                    f"Made in {region}, today → plan": f"{fmt.pct(r.domestic)} → {fmt.pct(r.plan_domestic)}",
                    "Over the benchmark": _over(r.today, plan),
                }
            )
        rep.add_table(pd.DataFrame(rows), "Today and under the plan, every capped commodity", index=False)
    rows = []
    for c, r in dep.iterrows():
        emb = r.embedded
        rows.append(
            {
                "Stage": str(r.stage).capitalize(),
                "Commodity": fmt.commodity(net, str(c), short=True),
                "Used a year": fmt.quantity(r.use, r.unit),
                f"Made in {region}": fmt.pct(r.domestic),
                "Top foreign country": _flag(r.today, net),
                "Top foreign owner": _flag(r.owner, net),
                "Most concentrated input inside": (
                    f"{fmt.commodity(net, emb[0], with_unit=False, short=True)}: {emb[1].text(net)}" if emb else "–"
                ),
            }
        )
    rep.add_table(
        pd.DataFrame(rows),
        f"Every commodity {rname} uses, today",
        index=False,
        caption="Top foreign country: where the supply is shipped from (direct). Top foreign owner: the country "
        "whose firms own the plants that make it. Input inside: the upstream material with the most concentrated "
        "origin in what the commodity embodies (embedded).",
    )


def targets(rep: Report, run: StudyRun, heading: str) -> None:
    """What the least-cost plan builds, what it costs and which targets bind."""
    rep.add_heading(heading)
    t = run.targets
    if t is None:
        rep.add_text(_skipped(run, "targets"), warn=True)
        return
    net = run.network
    cur = net.units.get("currency", "")
    b = builds(run)
    rep.add_text(
        f"The least-cost plan that meets the study's targets ({run.study.name}: caps on one country's share, minimum "
        f"shares made in {fmt.region(net, run.region)}, the export ban), against the same study without them; what it "
        f"builds is what it adds to the plan without them. Costs "
        f"are expected over the study's scenarios and discounted at {fmt.pct(run.study.discount_rate)} a year."
    )
    if len(b):
        rows = [
            {
                "Where": fmt.region(net, str(r.region)),
                "What": fmt.commodity(net, str(r.commodity), with_unit=False, short=True),
                "Plant": fmt.process(net, str(r.expansion)),
                "From": fmt.year(r.year),
                "Capacity a year": fmt.quantity(fmt.num(r.capacity), str(net.commodities.at[r.commodity, "unit"])),
            }
            for r in b.itertuples()
        ]
        rep.add_table(pd.DataFrame(rows), "What the plan builds", index=False)
    parts = cost_breakdown(run)
    scale = abs(fmt.num(t.plan.objective))
    parts = parts[[fmt.clean(fmt.num(v), scale) != 0 for v in parts]]
    rows = [{"Cost": str(k).capitalize(), "Change": fmt.money(fmt.num(v), cur)} for k, v in parts.items()]
    rows.append({"Cost": "Total premium", "Change": fmt.money(t.premium, cur)})
    rows.append({"Cost": "Per kWh of cells served in the region", "Change": fmt.money(t.premium_per_kwh, cur)})
    rep.add_table(
        pd.DataFrame(rows),
        "What the targets cost",
        index=False,
        caption="Change of each kind of cost against the plan without the targets. 'Policy violations' is the "
        "penalty the model pays for the part of an elastic target it cannot meet in time.",
    )
    table = t.table.droplevel("stage")
    capped = table[table[["target_share", "min_domestic", "min_recycled"]].notna().any(axis=1)]
    # a minimum made in the region over several commodities (NZIA: cells, NMC and LFP together)
    # binds on their sum, so one of them alone may stay below it
    together: dict[str, list[str]] = {}
    for pol in run.study.policies:
        comms = [str(c) for c in (getattr(pol, "commodities", None) or ())]
        if type(pol).__name__ == "MinDomesticShare" and len(comms) > 1:
            for c in comms:
                together[c] = [o for o in comms if o != c]
    rows = []
    for c, r in capped.iterrows():
        u = str(net.commodities.at[c, "unit"]) if c in net.commodities.index else ""
        rows.append(
            {
                "Commodity": fmt.commodity(net, str(c), with_unit=False, short=True),
                "Target": _target_text(net, r, together.get(str(c), [])),
                "By": fmt.year(r.target_year),
                "Planned share, top origin": fmt.pct(r.planned_share),
                "Planned, made in region": _made_text(r),
                "Cost of one more point": fmt.money(fmt.num(r.cost_per_pp), cur, scale=scale),
                "Not met by": _not_met(net, r, u, together.get(str(c), [])),
            }
        )
    rep.add_table(
        pd.DataFrame(rows),
        "Targets and their shadow prices",
        index=False,
        caption="Shares as the study's targets measure them, in the worst scenario of the plan's last year. The "
        "top origin's planned share is what the region gets from one country over what it uses that year (inputs "
        "to its plants after substitution plus final demand served, less stock drawn), as the CRMA measures "
        "consumption; today's is of its supply. Made in region is the "
        "region's production as a share of its own use (inputs to its plants plus final demand served; goods "
        "passing through to others are not use); 'no use in region' means the region uses none in any scenario, "
        "so the target holds whatever it makes. A share made in the region 'with' other commodities is met by "
        "their sum, so one of them alone may be below it. Cost of one more point: the shadow price, the rise in "
        "the total cost if the target were one percentage point tighter; zero when the target does not bind. Not met "
        "by: what the targets on a commodity lack, summed over the horizon's years in the worst scenario, so a "
        "target met in the last year can still be short in earlier ones; a target over several commodities lacks "
        "its amount on their sum, given once on each of them ('together with').",
    )


def _not_met(net: Any, r: Any, unit: str, others: list[str]) -> str:
    """What the targets on a commodity lack; a shortfall shared with other commodities says so, not counted twice."""
    total = fmt.num(r.violation)
    if total <= fmt.ABS_TOL:
        return "met"
    shared = fmt.num(getattr(r, "violation_shared", 0.0))
    if shared <= fmt.ABS_TOL or not others:
        return fmt.quantity(total, unit)
    names = " and ".join(fmt.commodity(net, o, with_unit=False, short=True) for o in others)
    with_them = f"{fmt.quantity(shared, unit)} together with {names}"
    own = total - shared
    return with_them if own <= fmt.ABS_TOL else f"{fmt.quantity(own, unit)}, and {with_them}"


def _made_text(r: Any) -> str:
    """Planned share made in the region (and recycled there), or why there is none."""
    parts = []
    for lo, got, what in ((r.min_domestic, r.planned_domestic, ""), (r.min_recycled, r.planned_recycled, " recycled")):
        if math.isnan(lo):
            continue
        parts.append("no use in region" if math.isnan(got) else f"{fmt.pct(got)}{what}")
    return "; ".join(dict.fromkeys(parts)) if parts else "–"


def _target_text(net: Any, r: Any, with_: list[str]) -> str:
    """'≤ 65% from one origin; ≥ 40% made in region with …' for one row of the targets table."""
    parts = []
    if not math.isnan(r.target_share):
        parts.append(f"≤ {fmt.pct(r.target_share)} from one origin")
    if not math.isnan(r.min_domestic):
        also = ", ".join(fmt.commodity(net, o, with_unit=False, short=True) for o in with_)
        parts.append(f"≥ {fmt.pct(r.min_domestic)} made in region" + (f" with {also}" if also else ""))
    if not math.isnan(r.min_recycled):
        parts.append(f"≥ {fmt.pct(r.min_recycled)} recycled in region")
    return "; ".join(parts)


def price_of_resilience(rep: Report, run: StudyRun, heading: str) -> None:
    """The curve of one cap, and how it relates to the targets' premium."""
    from valuechain.report.plots import plot_price_of_resilience

    rep.add_heading(heading)
    res = run.resilience
    if res is None:
        rep.add_text(_skipped(run, "resilience"), warn=True)
        return
    net = run.network
    cur = net.units.get("currency", "")
    policy = str(res.attrs.get("policy", "the study's first cap"))
    tp = run.targets.premium if run.targets is not None else None
    parts = cost_breakdown(run)
    text = (
        f"The curve prices **one cap alone**: the study's cap '{policy}' on one origin's share of consumption, "
        "tightened step by step, with the study's other targets removed (the export ban and the scenarios kept). "
        "Each point is the least cost of the plan at that cap minus the cost of the same study without any cap: "
        "expected over the scenarios and discounted, the same basis as the targets' premium, and per kWh of cells "
        "served in the region."
    )
    if tp is not None:
        pen = fmt.num(parts.get("policy violations", 0.0))
        text += (
            f"\n\nThe targets' premium of {fmt.money(tp, cur)} is far larger because it adds every other target at "
            f"once (the minimum shares made in the region for extraction, processing, recycling and cells, and the "
            f"caps on cells) and, of it, {fmt.money(pen, cur)} are penalties for targets the plan cannot meet in "
            f"time. A single cap on materials costs {fmt.money(fmt.num(res['premium'].max()), cur)} at "
            f"{fmt.pct(fmt.num(res['share'].min()))}, the tightest point of the curve."
        )
    rep.add_text(text)
    fig = plot_price_of_resilience(res, currency=cur, targets_premium=tp)
    rep.add_figure(fig, "Premium against the cap", name="price-of-resilience")
    _close(fig)
    scale = fmt.num(res.attrs.get("reference_cost", 0.0))
    rows = [
        {
            "Cap on one origin": fmt.pct(fmt.num(r.share)),
            "Premium": fmt.money(fmt.num(r.premium), cur, scale=scale),
            "Per kWh of cells": fmt.money(
                fmt.num(r.premium_per_kwh) if fmt.clean(fmt.num(r.premium), scale) else 0.0, cur
            ),
            "Cost of one more point": fmt.money(fmt.num(r.cost_per_pp), cur, scale=scale),
            "Cap met": "yes"
            if fmt.num(r.violation) <= fmt.ABS_TOL
            else f"no, short by {fmt.number(fmt.num(r.violation))}",
        }
        for r in res.sort_values("share", ascending=False).itertuples()
    ]
    rep.add_table(pd.DataFrame(rows), "Points of the curve", index=False)


def shocks(rep: Report, run: StudyRun, heading: str, share: pd.DataFrame) -> None:
    """Shortfall month by month under the named controls, with the register's spread, and plants that run dry."""
    from valuechain.report.plots import plot_shortfall
    from valuechain.study.runner import COMBINED

    rep.add_heading(heading)
    res = run.shocks
    if res is None or share.empty:
        return
    net = run.network
    cur = res.currency or net.units.get("currency", "")
    bands = run.register_bands
    text = (
        f"Each named Chinese export-control scenario of the library, and {COMBINED}, which combines them, simulated "
        f"month by month from {fmt.month(share.index[0])} to {fmt.month(share.index[-1])}: plants re-source from other "
        "suppliers where they can, and what cannot be made or bought goes unserved. Controls announced before the "
        "horizon apply from its first month. Each named scenario is one story, not a forecast: no probability is "
        "attached to it."
    )
    if bands is not None:
        text += (
            f" The grey bands give the spread over {int(bands.attrs.get('samples', 0))} equally likely scenarios drawn "
            "from the risk register (each control fires with its probability, severity and duration drawn from its "
            "range)."
        )
    rep.add_text(text)
    fig = plot_shortfall(share, bands, highlight=COMBINED)
    rep.add_figure(
        fig,
        "Final demand unserved, month by month",
        name="shortfall",
        caption="Value of final demand not served in the month, as a share of the month's final demand "
        "(commodities valued at their price per unit).",
    )
    _close(fig)
    tot = res.totals
    rows = [
        {
            "Scenario": str(s),
            "Value lost": fmt.money(fmt.num(r.lost_value), cur, scale=fmt.num(tot["lost_value"].max())),
            "Cells lost": fmt.quantity(fmt.num(r.lost_cells_gwh), "GWh"),
            "Months with shortfall": str(int(r.shortfall_periods)),
            "Worst month": fmt.pct(fmt.num(share[s].max()), 1) if s in share else "–",
        }
        for s, r in tot.iterrows()
    ]
    rep.add_table(
        pd.DataFrame(rows),
        "Losses over the horizon, by scenario",
        index=False,
        caption="Value lost: final demand not served over the horizon. " + lost_value_basis(net) + " Cells lost: "
        "cell output below the baseline. Worst month: the largest monthly share of final demand unserved, valued at "
        "price.",
    )
    _dry(rep, run)


def _dry(rep: Report, run: StudyRun) -> None:
    res, net = run.shocks, run.network
    if res is None:
        return
    p = res.processes[res.processes["p_dry"] > 0].copy()
    if p.empty:
        rep.add_text("No plant runs short of an input in any named scenario.")
        return
    crit = run.criticality
    p["matters"] = crit["lost_value"].reindex(p.index).fillna(0.0) if crit is not None else 0.0
    p = p.sort_values(["earliest_dry", "matters", "p_dry"], ascending=[True, False, False]).head(15)
    cur = net.units.get("currency", "")
    n = res.n_scenarios
    rows = [
        {
            "Plant": fmt.process(net, str(pid)),
            "Where": fmt.region(net, str(net.processes.at[pid, "region"])) if pid in net.processes.index else "",
            "First month short": fmt.month(res.periods[int(r.earliest_dry)]) if math.isfinite(r.earliest_dry) else "–",
            "Scenarios where it runs short": f"{round(r.p_dry * n)} of {n}",
            "Value lost if it stops": fmt.money(fmt.num(r.matters), cur),
        }
        for pid, r in p.iterrows()
    ]
    rep.add_table(
        pd.DataFrame(rows),
        "Plants that run short first",
        index=False,
        caption="Ranked by the first month a plant runs short of an input in any named scenario, then by how much "
        "it matters: the value of final demand lost if it stopped for the whole horizon (see Criticality).",
    )


def lost_value_basis(net: Any) -> str:
    """How the simulations value unserved final demand, from the network's demand table.

    Rows with a ``value_of_lost_demand`` are valued at it (stated as a multiple of the
    commodity's price); the others at the commodity's price per unit.
    """
    dem = net.demand
    cur = net.units.get("currency", "")
    if "value_of_lost_demand" not in dem:
        return "Unserved final demand is valued at each commodity's price per unit."
    parts = []
    for c, g in dem[dem["value_of_lost_demand"].notna()].groupby("commodity", sort=False):
        vold = fmt.num(g["value_of_lost_demand"].median())
        price = fmt.num(net.commodities.at[c, "value"]) if c in net.commodities.index else math.nan
        unit = str(net.commodities.at[c, "unit"]) if c in net.commodities.index else ""
        ratio = f" ({fmt.number(vold / price, 2)} × its price)" if price and math.isfinite(price) else ""
        parts.append(
            f"{fmt.commodity(net, str(c), with_unit=False, short=True)} at {fmt.money(vold, cur)} per {unit}{ratio}"
        )
    if not parts:
        return "Unserved final demand is valued at each commodity's price per unit."
    return (
        "In lost value, unserved final demand counts as follows: "
        + "; ".join(parts)
        + " (the network's value of lost demand: an assumption, not a market price); all other final demand at "
        "the commodity's price per unit."
    )


def criticality(rep: Report, run: StudyRun, heading: str) -> None:
    """The processes the chain can least afford to lose, with the measure's definition."""
    from valuechain.report.plots import plot_criticality

    rep.add_heading(heading)
    crit = run.criticality
    if crit is None:
        return
    net = run.network
    cur = net.units.get("currency", "")
    rep.add_text(
        f"**Criticality** of a plant: the value of final demand lost ({cur}, at each commodity's price per unit) "
        f"when that plant alone stops for the whole {run.months}-month horizon while the rest of the chain re-sources "
        "where it can. **Time to survive**: how many months the downstream chain can keep serving demand from stocks "
        "and other suppliers after the plant stops: here the months of the horizon in which final demand is still "
        "served in full. **Time to recover**: months the plant needs to come back to full output after a stop (the "
        "network's recovery time). " + lost_value_basis(net)
    )
    fig = plot_criticality(crit, net, 15)
    rep.add_figure(fig, "The 15 most critical plants", name="criticality")
    _close(fig)
    ttr = run.shocks.processes["ttr"] if run.shocks is not None else pd.Series(dtype=float)  # in months
    rows = []
    for pid, r in crit.head(15).iterrows():
        periods = int(r.shortfall_periods)
        rows.append(
            {
                "Plant": fmt.process(net, str(pid)),
                "Where": fmt.region(net, str(r.region)),
                "Value lost": fmt.money(fmt.num(r.lost_value), cur),
                "Cells lost": fmt.quantity(fmt.num(r.lost_cells_gwh), "GWh"),
                "Time to survive": _months(run.months - periods) if periods else f"over {_months(run.months)}",
                "Time to recover": f"{fmt.number(fmt.num(ttr.get(pid, math.nan)), 2)} months",
            }
        )
    rep.add_table(pd.DataFrame(rows), "Top 15", index=False)


def _coverage_cell(share: float, top: str, net: Any) -> str:
    return f"{fmt.pct(share)} without {fmt.region(net, top).removeprefix('the ')}" if top else "–"


def _published_cell(r: Any, net: Any) -> str:
    low, high = float(r["published_low"]), float(r["published_high"])
    if math.isnan(low):
        return "–"
    rng = (
        fmt.pct(high) if low == high else (f"under {fmt.pct(high)}" if low == 0 else f"{fmt.pct(low)}–{fmt.pct(high)}")
    )
    top = fmt.region(net, str(r["published_top"])).removeprefix("the ")
    return f"{rng} without {top} ({fmt.year(r['published_year'])}; {r['verdict']})"


def largest_supplier(rep: Report, run: StudyRun) -> None:
    """The largest-supplier test (IEA method), stage by stage: today, in 2030 with the pipeline, and published."""
    t = run.largest_supplier
    if t is None or t.empty:
        return
    net = run.network
    year, base = int(t.attrs.get("year", 2030)), int(t.attrs.get("base_year", net.year or 2024))
    rows = []
    for c, r in t.iterrows():
        rows.append(
            {
                "Stage": str(r["stage"]).capitalize(),
                "Commodity": fmt.commodity(net, str(c), short=True),
                f"Largest supplier {base}": f"{fmt.region(net, str(r['top'])).removeprefix('the ')} "
                f"{fmt.pct(r['top_share'])}",
                f"Demand covered {base}": _coverage_cell(r["coverage"], str(r["top"]), net),
                f"Pipeline adds by {year}": fmt.quantity(r[f"added_{year}"], str(r["unit"])),
                f"Demand covered {year}": _coverage_cell(r[f"coverage_{year}"], str(r[f"top_{year}"]), net),
                "IEA (GCMO 2025)": _published_cell(r, net),
            }
        )
    low = [fmt.commodity(net, str(c), with_unit=False, short=True) for c, r in t.iterrows() if r["coverage"] < 0.5]
    text = (
        "The largest-supplier test of the IEA's Global Critical Minerals Outlook 2025: how much of world demand "
        "the rest of the world could meet if the largest supplier country stopped, (world capacity − its "
        "capacity) / world demand, capped at 100%."
    )
    if low:
        text += (
            f" In {base} the rest of the world could not cover half of demand for {len(low)} of {len(t)} "
            f"commodities ({'; '.join(low)})."
        )
    rep.add_text(text)
    rep.add_table(
        pd.DataFrame(rows),
        "Largest-supplier test: share of world demand covered without the largest supplier",
        index=False,
        caption=f"{year}: the network's capacity plus the projects table's plants in operation or under construction "
        f"(their capacity for {year}, else the latest dated), against demand grown at the network's rates; capacity "
        "the table does not list stays at its level of today, so the figure is a lower bound. Regions that group "
        "several countries are never the largest supplier. IEA: refined material in 2035 from a secondary "
        "reproduction of the report (confidence low), compared with the network's figure for "
        f"{year} within 10 points; nickel is not comparable (the IEA removes Indonesia's refined nickel).",
    )
