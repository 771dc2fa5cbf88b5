"""Turn a :class:`~valuechain.report.run.ReportRun` into the HTML report and its PNGs.

Every figure and number is taken from the run's objects (the network, the dependency frame, the
targets result, the simulations); nothing is typed in. Numbers are formatted by
:mod:`valuechain.report.fmt` and ids replaced by the network's names. The summary answers the
study's three questions; the sections follow (:mod:`valuechain.report.sections`), then the data
quality and methods (:mod:`valuechain.report.quality`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from valuechain._output import atomic_dir
from valuechain.report import fmt, quality, sections
from valuechain.report.facts import CRMA_BENCHMARK, dependency_table, shortfall_share
from valuechain.report.html import Report
from valuechain.report.outlook import outlook_section

if TYPE_CHECKING:
    from valuechain.report.run import ReportRun

__all__ = ["CRMA_BENCHMARK", "EARLY", "SECTIONS", "Prerendered", "prerender", "render"]

#: Section headings of the report, in order.
SECTIONS = (
    "Summary",
    "Flows today and under the plan",
    "Dependency by stage",
    "Dependency targets",
    "Will the pipeline meet the benchmarks?",
    "Price of resilience",
    "Shortfall under Chinese export controls",
    "Criticality",
    "Data quality",
    "Methods and sources",
)


def _summary(rep: Report, run: ReportRun, dep: pd.DataFrame, share: pd.DataFrame) -> None:
    from valuechain.report.summary import executive_summary

    rep.add_heading(SECTIONS[0])
    net, region = run.network, fmt.region(run.network, run.region)
    rep.add_text(
        f"How dependent is {region} on single foreign suppliers along the lithium-ion battery chain, what would "
        "the named export controls do to its supply, and what would it take, and cost, to bring that dependency "
        f"under the study's targets? Network **{net.name}** (base year {fmt.year(net.year)}, "
        f"{len(net.processes)} plants, {len(net.routes)} trade routes, {len(net.sources)} sources); study "
        f"**{run.study.name}**."
    )
    rep.add_list(executive_summary(run, dep, share), box=True)


def _flows_today(rep: Report, run: ReportRun) -> None:
    from valuechain.report.sankey import stage_sankey

    rep.add_heading(SECTIONS[1])
    net = run.network
    cur = net.units.get("currency", "")
    rep.add_text(
        "Flows between stages and regions, valued at each commodity's price per unit so that every stage shares "
        f"one scale ({cur} a year). Regions are grouped as China, the EU27, South Korea, Japan, the United States and "
        "the rest of the world; a group carrying under 4% of a stage's flow is folded into the rest of the world. "
        "Each link runs from where a commodity is made to the stage and region that use it, so trade shows as links "
        "between regions. Choose a commodity in the menu at the top right to see its own flows; hover over a link "
        "for its value. Production scrap returned to recycling is not drawn."
    )
    fig, _ = stage_sankey(net, title=f"Today ({fmt.year(net.year)})")
    rep.add_figure(fig, "Today")


def _flows_plan(rep: Report, run: ReportRun) -> None:
    from valuechain.report.sankey import stage_sankey

    if run.plan_flows is None:
        rep.add_text(_skipped_line(run, "targets"), warn=True)
        return
    f = run.plan_flows
    fig, _ = stage_sankey(
        run.network, f.activity, f.route_flow, f.served, expansion_activity=f.expansion_activity, title="Under the plan"
    )
    rep.add_figure(
        fig,
        "Under the targets plan",
        caption="Expected activities, new capacity, trade and served demand of the targets plan in its last "
        "year (demand grows over the horizon, so flows are larger than today).",
    )


def _skipped_line(run: ReportRun, key: str) -> str:
    return (
        f"The targets study did not run, so this section is empty: {run.skipped[key]}. "
        "No figures are shown in its place."
    )


#: Names of the files a report folder holds (a folder of only these may be replaced).
OUTPUTS = ("report.html", "*.png", "targets.csv")


class _Facts:
    """What several parts of the report read, worked out once."""

    def __init__(self, run: ReportRun) -> None:
        self.run = run

    @cached_property
    def dep(self) -> pd.DataFrame:
        return dependency_table(self.run)

    @cached_property
    def share(self) -> pd.DataFrame:
        return shortfall_share(self.run)


def _outlook(rep: Report, run: ReportRun) -> None:
    if run.outlook is not None:
        outlook_section(rep, run.outlook, run.network, SECTIONS[4])
        return
    rep.add_heading(SECTIONS[4])
    rep.add_text(f"The pipeline outlook was not computed: {run.skipped.get('outlook', 'not run')}.", warn=True)


#: The report's parts in order: each draws into its own fragment from the run (and the shared facts).
_PARTS: dict[str, Callable[[Report, ReportRun, _Facts], None]] = {
    "summary": lambda rep, run, f: _summary(rep, run, f.dep, f.share),
    "flows today": lambda rep, run, f: _flows_today(rep, run),
    "flows under the plan": lambda rep, run, f: _flows_plan(rep, run),
    "dependency": lambda rep, run, f: sections.dependency(rep, run, SECTIONS[2], f.dep),
    "largest supplier": lambda rep, run, f: sections.largest_supplier(rep, run),
    "targets": lambda rep, run, f: sections.targets(rep, run, SECTIONS[3]),
    "outlook": lambda rep, run, f: _outlook(rep, run),
    "price of resilience": lambda rep, run, f: sections.price_of_resilience(rep, run, SECTIONS[5]),
    "shocks": lambda rep, run, f: sections.shocks(rep, run, SECTIONS[6], f.share),
    "criticality": lambda rep, run, f: sections.criticality(rep, run, SECTIONS[7]),
    "data quality": lambda rep, run, f: quality.data_quality(rep, run, SECTIONS[8]),
    "methods": lambda rep, run, f: quality.methods(rep, run, SECTIONS[9]),
}
#: Parts drawn only from the network and from the steps that run beside the targets step (the largest-
#: supplier test, the outlook, the shocks and the criticality), which :func:`prerender` can draw early.
EARLY = ("flows today", "largest supplier", "outlook", "shocks", "criticality", "data quality")


@dataclass
class Prerendered:
    """The :data:`EARLY` parts of a run's report, drawn before the run ended (:func:`prerender`)."""

    run: ReportRun
    facts: _Facts
    parts: dict[str, Report]


def _use_agg() -> None:
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")


def _draw(run: ReportRun, facts: _Facts, names: tuple[str, ...] | list[str]) -> dict[str, Report]:
    out = {}
    for name in names:
        out[name] = Report("")
        _PARTS[name](out[name], run, facts)
    return out


def prerender(run: ReportRun) -> Prerendered:
    """Draw the :data:`EARLY` parts of ``run``'s report now, for :func:`render` to take later.

    :func:`valuechain.study.run_study` calls it (``prepare=prerender``) in the thread that runs the
    steps beside the targets step, once they are done, so that drawing them overlaps the targets
    solve. It reads only what those steps made; :func:`render` draws every other part, and the
    report is the same as one drawn at once.
    """
    _use_agg()
    facts = _Facts(run)
    return Prerendered(run, facts, _draw(run, facts, EARLY))


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
    _use_agg()
    study = run.study
    rep = Report(
        f"{fmt.region(run.network, run.region).removeprefix('the ')}: battery supply dependency, targets and shocks",
        subtitle=(study.description + " " if study.description else "")
        + f"Study {study.name} on network {run.network.name}.",
    )
    early = run.prepared if isinstance(run.prepared, Prerendered) and run.prepared.run is run else None
    facts = early.facts if early is not None else _Facts(run)
    drawn = dict(early.parts) if early is not None else {}
    drawn.update(_draw(run, facts, [name for name in _PARTS if name not in drawn]))
    for name in _PARTS:
        rep.extend(drawn[name])
    out = Path(out)
    with atomic_dir(out, earlier=OUTPUTS) as tmp:  # the whole folder at once, never mixed with an older run
        rep.write(tmp / "report.html")
        if run.targets is not None:
            run.targets.table.to_csv(tmp / "targets.csv")
    return out / "report.html"
