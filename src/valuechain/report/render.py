"""Turn a :class:`~valuechain.report.run.ReportRun` into the HTML report and its PNGs.

Every figure and number is taken from the run's objects (the network, the dependency frame, the
targets result, the simulations); nothing is typed in. Each section says what it was computed
from, and the methods section gives the network's sources, the study spec, the solver's status
and the time of each step.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from valuechain._output import atomic_dir
from valuechain.analysis.planned import share_of
from valuechain.report.html import Report

if TYPE_CHECKING:
    from valuechain.report.run import ReportRun

__all__ = ["SECTIONS", "TARGETS_FLOAT_FORMAT", "render"]

#: Section headings of the report, in order.
SECTIONS = (
    "Summary",
    "Flows today and under the plan",
    "Dependency by stage",
    "Dependency targets",
    "Price of resilience",
    "Shortfall under Chinese export controls",
    "Criticality",
    "Methods and sources",
)
#: How floats of the targets table are written (also used by the tests to read them back).
TARGETS_FLOAT_FORMAT = "{:,.6g}"
#: The CRMA benchmark: no more than 65% of a strategic raw material from one third country.
CRMA_BENCHMARK = 0.65


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.0f}%"


def _over(frame: pd.DataFrame, limit: float = CRMA_BENCHMARK) -> list[str]:
    rows = frame[frame["top_share"] > limit]
    return [f"{c} ({r.top_origin} {_pct(r.top_share)})" for c, r in rows.iterrows()]


def _skipped_line(run: ReportRun, key: str) -> str:
    return (
        f"The targets study did not run, so this section is empty: {run.skipped[key]}. "
        "No figures are shown in its place."
    )


def _summary(rep: Report, run: ReportRun) -> None:
    rep.add_heading(SECTIONS[0])
    net, region = run.network, run.region
    lines = [
        f"How dependent is {region} on single foreign suppliers along the lithium-ion battery chain, what "
        f"would it take to bring that dependency under the study's targets, and what would the named export "
        f"controls do to supply? Network **{net.name}** (base year {net.year}, {len(net.processes)} processes, "
        f"{len(net.routes)} routes, {len(net.sources)} sources); study **{run.study.name}**."
    ]
    if run.before is not None:
        over = _over(run.before)
        lines.append(
            f"Today {len(over)} of the {len(run.before)} commodities {region} uses take more than "
            f"{_pct(CRMA_BENCHMARK)} of their supply from one foreign country: " + ("; ".join(over) or "none") + "."
        )
    if run.after is not None and run.before is not None:
        after = run.after
        over_after = _over(after)
        label = run.plan_flows.label if run.plan_flows is not None else "the plan"
        lines.append(
            f"In the targets plan ({label}, expected flows over the study's scenarios) {len(over_after)} of the "
            f"{len(after)} commodities it uses do: " + ("; ".join(over_after) or "none") + "."
        )
    elif "targets" in run.skipped:
        lines.append(_skipped_line(run, "targets"))
    if run.targets is not None:
        cur = run.network.units.get("currency", "")
        built = run.targets.capacity
        if "plan" in built:
            built = built[(built["plan"] == "capped") & (built["capacity"] > 0)]
        lines.append(
            f"Meeting the targets costs {run.targets.premium:,.4g} {cur} more than the least-cost plan without them "
            f"(expected, discounted over {run.study.years} years; {run.targets.premium_per_kwh:,.3g} {cur} per kWh of "
            f"cells served in {run.region})"
            + (f", building capacity in {built['region'].nunique()} regions." if "region" in built else ".")
        )
    if run.shocks is not None:
        from valuechain.report.plots import shortfall_by_scenario

        share = shortfall_by_scenario(run.shocks, net)
        worst = share.max()
        name = str(worst.idxmax())
        lines.append(
            f"Of the {len(run.scenarios)} named Chinese export-control scenarios simulated over {run.months} months, "
            f"{name} leaves the most final demand unserved: at worst {100 * worst.max():.2g}% of its value in a month."
        )
    if run.criticality is not None and len(run.criticality):
        top = str(run.criticality.index[0])
        where = str(run.criticality.at[top, "region"])
        lines.append(f"The process the chain can least afford to lose is {top} (region {where}).")
    rep.add_text("\n\n".join(lines))


def _flows(rep: Report, run: ReportRun) -> None:
    from valuechain.report.sankey import flow_sankey

    rep.add_heading(SECTIONS[1])
    rep.add_text(
        "Flows between stages and regions, each commodity weighted by its value per unit so that all stages share "
        "one scale. Hover over a link for its value."
    )
    net = run.network
    rep.add_figure(flow_sankey(net, title=f"Baseline flows, {net.name} ({net.year})"), "Baseline flows")
    if run.plan_flows is not None:
        f = run.plan_flows
        fig = flow_sankey(
            net,
            f.activity,
            f.route_flow,
            f.served,
            expansion_activity=f.expansion_activity,
            title=f"Planned flows ({f.label}), study {run.study.name}",
        )
        rep.add_figure(
            fig,
            "Planned flows",
            caption="Expected activities, new capacity, trade and served demand of the targets plan in its last year "
            "(demand grows over the horizon, so flows are larger than at baseline).",
        )
    else:
        rep.add_text(_skipped_line(run, "targets"), warn=True)


def _dependency(rep: Report, run: ReportRun) -> None:
    from valuechain.report.plots import plot_origin_shares

    rep.add_heading(SECTIONS[2])
    if run.before is None:
        return
    fig = plot_origin_shares(run.before, run.after, region=run.region)
    rep.add_figure(
        fig,
        "Largest foreign supplier by stage",
        name="origin-shares",
        caption=f"Share of {run.region}'s supply (own production kept at home plus imports) from its largest foreign "
        "origin today (valuechain.dependency, direct view, on the network's baseline flows)"
        + (
            ", and that origin's share in the targets plan's last year (expected flows over the study's scenarios), "
            "measured the same way. The targets table measures shares as the study's caps do (the region's "
            "production plus imports, in the worst scenario), so a plan that refines in the region for export while "
            "importing for its own use can meet a cap there and still show a dependent supply here."
            if run.after is not None
            else "."
        ),
    )
    _close(fig)
    table = run.before[["stage", "unit", "consumption", "domestic_share", "top_origin", "top_share"]].copy()
    if run.after is not None:
        after = run.after
        table["top_share_plan"] = [
            share_of(after, str(c), str(o)) for c, o in zip(table.index, table["top_origin"], strict=True)
        ]
        table["domestic_share_plan"] = after["domestic_share"].reindex(table.index)
    rep.add_table(table, f"{run.region} supply by origin")


def _targets(rep: Report, run: ReportRun) -> None:
    rep.add_heading(SECTIONS[3])
    if run.targets is None:
        rep.add_text(_skipped_line(run, "targets"), warn=True)
        return
    rep.add_text(
        f"One row per stage and commodity: the top origin and its share today, the target share and year, the new "
        f"capacity the least-cost plan builds, its cost premium over the plan without targets, the shadow price of "
        f"the cap and the demand left unmet. From valuechain.analysis.targets on study {run.study.name}."
    )
    rep.add_table(run.targets.table.reset_index(), "Targets", float_format=TARGETS_FLOAT_FORMAT, index=False)


def _resilience(rep: Report, run: ReportRun) -> None:
    rep.add_heading(SECTIONS[4])
    if run.resilience is None:
        rep.add_text(_skipped_line(run, "resilience"), warn=True)
        return
    from valuechain.analysis.pricing import plot_price_of_resilience

    fig = plot_price_of_resilience(run.resilience)
    rep.add_figure(
        fig,
        "Price of resilience",
        name="price-of-resilience",
        caption="Cost of the least-cost plan as the cap on the top origin's share tightens, each point a solved model.",
    )
    _close(fig)
    rep.add_table(run.resilience, "Points of the curve")


def _shocks(rep: Report, run: ReportRun) -> None:
    from valuechain.report.plots import plot_shortfall_scenarios

    rep.add_heading(SECTIONS[5])
    res = run.shocks
    if res is None:
        return
    from valuechain.report.run import COMBINED, SIM_MODE

    rep.add_text(
        f"Each named Chinese export-control scenario of the library (valuechain.scenarios.named), and "
        f"{COMBINED} which combines them, simulated month by month ({SIM_MODE}) on the network from "
        f"{res.periods[0]} for {len(res.periods)} months. Controls announced before the horizon apply from its first "
        "month."
    )
    fig = plot_shortfall_scenarios(res, run.network, highlight=COMBINED)
    rep.add_figure(
        fig,
        "Final demand unserved",
        name="shortfall",
        caption="Value of final demand not served in the month, as a share of the month's final demand.",
    )
    _close(fig)
    tot = res.totals[["lost_value", "lost_cells_gwh", "shortfall_periods", "max_shortfall_share"]]
    rep.add_table(tot, "Losses by scenario", caption=f"lost_value in {res.currency}; lost cells in GWh.")


def _criticality(rep: Report, run: ReportRun) -> None:
    from valuechain.report.plots import plot_criticality

    rep.add_heading(SECTIONS[6])
    crit = run.criticality
    if crit is None:
        return
    rep.add_text(
        f"Every process of the network stopped in turn for the whole {run.months}-month horizon "
        "(valuechain.sim.criticality); ranked by the value of final demand lost."
    )
    fig = plot_criticality(crit, 15, currency=run.network.units.get("currency", ""))
    rep.add_figure(fig, "Most critical processes", name="criticality")
    _close(fig)
    rep.add_table(crit.head(15), "Top 15")


def _methods(rep: Report, run: ReportRun) -> None:
    import valuechain as vc

    rep.add_heading(SECTIONS[7])
    net, study = run.network, run.study
    counts = {
        "commodities": len(net.commodities),
        "regions": len(net.regions),
        "processes": len(net.processes),
        "routes": len(net.routes),
        "demand rows": len(net.demand),
        "expansion options": len(net.expansions),
        "sources": len(net.sources),
    }
    rep.add_text(
        f"Network {net.name} ({net.path or 'built in code'}), base year {net.year}, rates per {net.period}: "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
        + ". Every row of its tables names one of the sources listed below."
    )
    if study.path is not None and Path(study.path).is_file():
        rep.add_code(Path(study.path).read_text("utf-8"), f"Study spec ({study.path})")
    solver: list[dict[str, Any]] = []
    if run.targets is not None:
        for label, plan in (
            ("targets plan", getattr(run.targets, "plan", None)),
            ("reference plan", getattr(run.targets, "reference_plan", None)),
        ):
            if plan is None:
                continue
            r = plan.result
            solver.append(
                {
                    "model": label,
                    "status": str(r.termination),
                    "objective": float(r.objective),
                    "build s": float(r.build_seconds),
                    "solve s": float(r.solve_seconds),
                }
            )
    if solver:
        rep.add_table(pd.DataFrame(solver).set_index("model"), "Solver (HiGHS)")
    if run.skipped:
        for key, why in run.skipped.items():
            rep.add_text(f"Step '{key}' did not run: {why}.", warn=True)
    steps = pd.DataFrame({"seconds": pd.Series(run.timings, dtype=float)})
    steps.index.name = "step"
    rep.add_table(steps, "Time per step", caption=f"valuechain {vc.__version__}; quick settings: {run.quick}.")
    src = net.sources.copy()
    rep.add_table(src, f"Sources of {net.name} ({len(src)})")


def _close(fig: Any) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


#: Names of the files a report folder holds (a folder of only these may be replaced).
OUTPUTS = ("report.html", "*.png", "targets.csv")


def render(run: ReportRun, out: str | Path) -> Path:
    """Write the report of ``run`` to ``out/report.html`` and its figures as PNGs in ``out``.

    The targets table is also written in full precision to ``out/targets.csv`` when the targets
    step ran. The folder is written as a whole (see :func:`valuechain._output.atomic_dir`): it is
    replaced only once every file is written, and left as it was on an error or Ctrl-C.

    Returns
    -------
    pathlib.Path
        The HTML file.
    """
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    study = run.study
    rep = Report(
        f"{study.name}: dependency, targets and shocks",
        subtitle=(study.description + " " if study.description else "")
        + f"Network {run.network.name}; region {run.region}.",
    )
    for part in (_summary, _flows, _dependency, _targets, _resilience, _shocks, _criticality, _methods):
        part(rep, run)
    out = Path(out)
    with atomic_dir(out, earlier=OUTPUTS) as tmp:  # the whole folder at once, never mixed with an older run
        rep.write(tmp / "report.html")
        if run.targets is not None:
            run.targets.table.to_csv(tmp / "targets.csv")
    return out / "report.html"
