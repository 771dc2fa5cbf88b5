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
    from valuechain.network.model import Network
    from valuechain.report.html import Report

__all__ = ["outlook_figure", "outlook_section"]


def outlook_figure(res: OutlookResult) -> Figure:
    """Probability of meeting each benchmark by year: one row per benchmark, one column per year, each cell written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    p = res.probabilities
    grid = p.pivot_table(index="benchmark", columns="year", values="p_met", sort=False)
    grid = grid.reindex(pd.unique(p["benchmark"]))
    fig, ax = plt.subplots(figsize=(8, 0.26 * len(grid) + 1.2))
    values = grid.to_numpy(dtype=float)
    ax.imshow(values, cmap="RdYlGn", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(grid.shape[1]), [str(y) for y in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [str(b) for b in grid.index])
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            ax.text(j, i, fmt.pct(float(values[i, j])), ha="center", va="center", fontsize=8, color="black")
    ax.set_title(
        f"Probability the pipeline meets each benchmark ({res.samples:,} samples; target {fmt.pct(res.target)})"
    )
    ax.tick_params(length=0)
    fig.tight_layout()
    return fig


def _close(fig: Any) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def _outputs(net: Network, expansion: str, capacity: float) -> str:
    """What ``capacity`` of an expansion option makes a year, by commodity name and unit."""
    rec = net.recipes
    out = rec[(rec["process"] == expansion) & (rec["kind"] == "output")]
    units = net.commodities["unit"]
    return "; ".join(
        f"{fmt.commodity(net, str(c), with_unit=False, short=True)} "
        f"{fmt.quantity(capacity * float(k), str(units.get(c, '')))}"
        for c, k in zip(out["commodity"], out["coefficient"], strict=True)
    )


def _short(net: Network, parts: tuple[tuple[str, float, str], ...]) -> str:
    """What a benchmark still lacks, commodity by commodity in its own unit, in the benchmark's order."""
    return "; ".join(f"{fmt.commodity(net, c, with_unit=False)} {fmt.quantity(q, u)}" for c, q, u in parts)


def outlook_section(
    rep: Report, res: OutlookResult, net: Network, heading: str = "Will the pipeline meet the benchmarks?"
) -> None:
    """Add the outlook's chart, the projects that matter most and the additions to ``rep``."""
    rep.add_heading(heading)
    last = int(res.probabilities["year"].max())
    cur = net.units.get("currency", "")
    rep.add_text(
        f"Probability that the announced project pipeline in {fmt.region(net, res.region)} meets each benchmark of "
        f"the study, over {res.samples:,} samples (seed {res.seed}) of project outcomes (each project delivers or "
        "not, and late by whole years, with the probabilities of the network's completion model for its status) "
        "and of the study's shock scenarios. A benchmark is met in a year when the region's capacity, at its "
        "utilisation and under the sample's shocks, makes at least the required share of the region's "
        "consumption; for a cap on one country, when the share made at home leaves that country under the cap."
    )
    fig = outlook_figure(res)
    rep.add_figure(fig, "Probability met by year", caption="Green: met in nearly every sample; red: in almost none.",
                   name="outlook")  # fmt: skip
    _close(fig)
    top = res.projects[res.projects["drop"] > 0].head(10)
    rows = [
        {
            "Project": str(name),
            "Status": str(status),
            "Benchmark": str(bench),
            f"Probability met in {last}": fmt.pct(float(p)),
            "Without it": fmt.pct(float(p_wo)),
        }
        for name, status, bench, p, p_wo in zip(
            top["name"], top["status"], top["benchmark"], top["p_met"], top["p_without"], strict=True
        )
    ]
    cols = ["Project", "Status", "Benchmark", f"Probability met in {last}", "Without it"]
    rep.add_table(
        pd.DataFrame(rows, columns=cols),
        "The projects that matter most",
        index=False,
        caption="Each project removed in turn from the same samples; the benchmark whose probability falls most. "
        "Projects whose loss changes no probability are left out.",
    )
    add = res.additions
    if len(add):
        rows = [
            {
                "Where": fmt.region(net, str(reg)),
                "Plant": fmt.process(net, str(exp)),
                "Makes a year": _outputs(net, str(exp), float(cap)),
                "Cost a year": fmt.money(float(cost), cur),
            }
            for exp, reg, cap, cost in zip(
                add["expansion"], add["region"], add["capacity"], add["cost_per_year"], strict=True
            )
        ]
        rep.add_table(
            pd.DataFrame(rows),
            "Least-cost additions beyond the pipeline",
            index=False,
            caption=f"New capacity from the region's expansion options that brings each benchmark to "
            f"{fmt.pct(res.target)} in {last} on the same samples, where an option exists; cost a year is the "
            "annualised capital cost plus the variable cost.",
        )
    b = res.after[res.after["p_met"] < res.target]
    rows = [
        {
            "Benchmark": str(name),
            f"Probability met in {last}": fmt.pct(float(p)),
            "With the additions": fmt.pct(float(pa)),
            "Beyond every option": _short(net, parts) if short > 0 else "nothing",
        }
        for name, p, pa, short, parts in zip(
            b["benchmark"], b["p_met"], b["p_after"], b["short"], b["short_parts"], strict=True
        )
    ]
    if not rows:
        rep.add_text(f"Every benchmark reaches {fmt.pct(res.target)} in {last} with the pipeline alone.")
        return
    rep.add_table(
        pd.DataFrame(rows),
        f"With the least-cost additions ({last})",
        index=False,
        caption="The benchmarks below the target. Beyond every option: capacity a benchmark still lacks that no "
        "expansion option of the region makes.",
    )
