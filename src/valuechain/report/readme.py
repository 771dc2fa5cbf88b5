"""The README's picture, regenerated from a study run: ``valuechain run --readme-figure docs/``.

The picture (``eu-dependency-by-stage.png``) is the report's today-and-under-the-plan chart of
the capped commodities. Beside it, ``eu-dependency-by-stage.csv`` holds the numbers it draws, so
a test can tell when the picture no longer matches a fresh run (numbers, not PNG bytes, are
compared: fonts and library versions change the bytes).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from valuechain._output import atomic_file, check_writable_folder
from valuechain.report import fmt
from valuechain.report.facts import CRMA_BENCHMARK, Top, dependency_table

if TYPE_CHECKING:
    from valuechain.study.runner import StudyRun

__all__ = ["FIGURE", "figure_data", "write_figure"]

#: File name (without extension) of the README's picture and its numbers.
FIGURE = "eu-dependency-by-stage"


def figure_data(run: StudyRun) -> pd.DataFrame:
    """The numbers the README's picture draws: one row per capped commodity.

    Returns
    -------
    pandas.DataFrame
        Indexed by commodity id: ``cap`` (the study's cap on one country's share),
        ``today_origin``, ``today_share``, ``plan_origin``, ``plan_share`` (the largest foreign
        country in each state and its share of the region's supply; aggregates excluded).
    """
    dep = dependency_table(run)
    if dep.empty:
        return pd.DataFrame(columns=["cap", "today_origin", "today_share", "plan_origin", "plan_share"])
    capped = dep[dep["target"].notna()]
    rows = {}
    for c, r in capped.iterrows():
        plan = r.plan if isinstance(r.plan, Top) else Top()
        rows[str(c)] = {
            "cap": float(r.target),
            "today_origin": r.today.origin,
            "today_share": round(float(r.today.share), 4),
            "plan_origin": plan.origin,
            "plan_share": round(float(plan.share), 4),
        }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "commodity"
    return frame


def write_figure(run: StudyRun, folder: str | Path) -> tuple[Path, Path]:
    """Write the README's picture and its numbers into ``folder``.

    Returns
    -------
    (pathlib.Path, pathlib.Path)
        The PNG and the CSV.

    Raises
    ------
    OutputError
        If the folder cannot be written.
    """
    import matplotlib.pyplot as plt

    from valuechain.report.plots import plot_today_and_plan

    out = check_writable_folder(folder, "--readme-figure")
    out.mkdir(parents=True, exist_ok=True)
    dep = dependency_table(run)
    capped = dep[dep["target"].notna()]
    fig = plot_today_and_plan(capped, run.network, region=run.region, benchmark=CRMA_BENCHMARK)
    when = str(run.plan_flows.label).removeprefix("plan, ") if run.plan_flows is not None else "the plan"
    fig.axes[0].set_title(
        f"{fmt.region(run.network, run.region).removeprefix('the ')}: largest foreign country by capped stage, "
        f"today and under the targets plan ({when})",
        fontsize=10,
    )
    png, csv = out / f"{FIGURE}.png", out / f"{FIGURE}.csv"
    try:
        with atomic_file(png, "--readme-figure") as tmp:
            fig.savefig(tmp, dpi=110, bbox_inches="tight")
    finally:
        plt.close(fig)
    with atomic_file(csv, "--readme-figure") as tmp:
        figure_data(run).to_csv(tmp)
    return png, csv
