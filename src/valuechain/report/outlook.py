"""The outlook section: the chance the project pipeline meets each benchmark, and what matters to it.

Renders an :class:`~valuechain.analysis.outlook.OutlookResult` (computes nothing): a chart of the
probability of meeting each benchmark by year, the projects whose loss costs the most
probability, and the least-cost additions that bring the benchmarks to the target.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from valuechain.report import fmt

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from valuechain.analysis.outlook import OutlookResult
    from valuechain.report.html import Report

__all__ = ["outlook_figure", "outlook_section"]


def outlook_figure(res: OutlookResult) -> Figure:
    """Probability of meeting each benchmark by year, one line per benchmark."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    p = res.probabilities
    for name, grp in p.groupby("benchmark", sort=False):
        ax.plot(grp["year"], grp["p_met"], marker="o", label=str(name))
    ax.axhline(res.target, color="grey", linestyle="--", linewidth=1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("year")
    ax.set_ylabel("probability met")
    ax.set_xticks(sorted(p["year"].unique()))
    ax.legend(fontsize=7, ncol=2, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.set_title(f"{res.study}: probability the pipeline meets each benchmark ({res.samples:,} samples)")
    fig.tight_layout()
    return fig


def _close(fig: Any) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def outlook_section(rep: Report, res: OutlookResult, heading: str = "Will the pipeline meet the benchmarks?") -> None:
    """Add the outlook's chart, its projects that matter most and its additions to ``rep``."""
    rep.add_heading(heading)
    last = int(res.probabilities["year"].max())
    rep.add_text(
        f"Probability that the announced project pipeline in {res.region} meets each benchmark of {res.study}, "
        f"over {res.samples:,} samples of project outcomes (delivered or not, and late by whole years, from the "
        f"completion model {res.completion}) and of the study's shock scenarios (seed {res.seed})."
    )
    fig = outlook_figure(res)
    rep.add_figure(fig, "Probability met by year", caption=f"Dashed line: the target of {fmt.pct(res.target)}.",
                   name="outlook")  # fmt: skip
    _close(fig)
    top = res.projects[res.projects["drop"] > 0].head(10)
    rows = [
        {
            "Project": str(name),
            "Status": str(status),
            "Benchmark": str(bench),
            f"P(met) {last}": fmt.pct(float(p)),
            "Without it": fmt.pct(float(p_wo)),
        }
        for name, status, bench, p, p_wo in zip(
            top["name"], top["status"], top["benchmark"], top["p_met"], top["p_without"], strict=True
        )
    ]
    rep.add_table(
        pd.DataFrame(rows, columns=["Project", "Status", "Benchmark", f"P(met) {last}", "Without it"]),
        "The projects that matter most",
        index=False,
        caption="Each project removed in turn from the same samples; the benchmark whose probability falls most.",
    )
    after = res.after.assign(
        p_met=[fmt.pct(v) for v in res.after["p_met"]], p_after=[fmt.pct(v) for v in res.after["p_after"]]
    )
    if len(res.additions):
        rep.add_table(
            res.additions[["expansion", "region", "outputs", "cost_per_year"]],
            "Least-cost additions beyond the pipeline",
            index=False,
            caption=f"New capacity a year from the region's expansion options that brings each benchmark to "
            f"{fmt.pct(res.target)} in {last} on the same samples; cost a year is annualised capex plus variable cost.",
        )
    rep.add_table(
        after[["benchmark", "p_met", "p_after", "short"]],
        f"With the least-cost additions ({last})",
        index=False,
        caption="Short: capacity no expansion option of the network can supply.",
    )
