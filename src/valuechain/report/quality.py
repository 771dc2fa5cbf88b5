"""Data quality and methods: the network's provenance, calibration and caveats; the study spec.

Everything is generated from the network (:mod:`valuechain.network.provenance`,
:mod:`valuechain.network.calibration`) and the study; the sources are grouped by kind and
collapsed by default. No path of the machine is shown.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import pandas as pd

from valuechain.errors import ValueChainError
from valuechain.report import fmt

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.report.html import Report
    from valuechain.study.runner import StudyRun

__all__ = ["caveats", "data_quality", "methods", "spec_table"]

_SOURCE_GROUPS = {
    "P": "Published figures",
    "S": "Seed facts",
    "T": "Observed trade",
    "D": "Derivations",
    "A": "Assumptions",
}


def caveats(net: Network, counts: pd.DataFrame | None, calib: pd.DataFrame | None) -> list[str]:
    """The main caveats of a network's data, as sentences generated from its tables."""
    from valuechain.network.provenance import source_kind

    out: list[str] = []
    if counts is not None and "total" in counts.index and fmt.num(counts.at["total", "total"]) > 0:
        tot = {k: fmt.num(v) for k, v in counts.loc["total"].items()}
        n = tot["total"]
        rest = n - sum(tot.get(k, 0.0) for k in ("direct", "derived from direct", "derived", "assumption"))
        out.append(
            f"Of the network's {round(n):,} figures, {fmt.pct(tot['direct'] / n)} come straight from a published "
            f"source, {fmt.pct(tot.get('derived from direct', 0.0) / n)} are computed from published inputs only, "
            f"{fmt.pct(tot['derived'] / n)} are computed from inputs that include assumptions and "
            f"{fmt.pct(tot['assumption'] / n)} are assumptions with a stated reason"
            + (f"; {fmt.pct(rest / n)} have no source or one of another form." if rest > 0 else ".")
        )
    routes = net.routes
    if len(routes):
        flow = routes["baseline_flow"].fillna(0.0).astype(float)
        moving = flow > 0
        src = routes["source"].astype(str)[moving]
        total = fmt.num(flow.sum())
        named = []  # (routes, share of the flows, where the flows come from)
        for sid, n in src.value_counts().items():
            title = str(net.sources.at[sid, "title"]) if sid in net.sources.index else "no source"
            share = fmt.num(flow[moving][src == sid].sum()) / total if total > 0 else 0.0
            named.append((n, share, f"'{title}' ({source_kind(str(sid))})"))
        lead = f"Trade: of the {len(routes)} routes, "
        if len(named) == 1:
            lead += f"the {int(moving.sum())} with a baseline flow take it from {named[0][2]}"
        else:
            lead += f"{int(moving.sum())} carry a baseline flow" + (
                ": " + "; ".join(f"{n} ({fmt.pct(share)} of the flows) from {what}" for n, share, what in named)
                if named
                else ""
            )
        idle = int((~moving).sum())
        tail = {0: "", 1: "; the other is an open lane with no baseline flow, which only a plan may use"}.get(
            idle, f"; the other {idle} are open lanes with no baseline flow, which only a plan may use"
        )
        out.append(
            lead + tail + ". Observed bilateral shares enter only as bounds and calibration targets (below), so "
            "other lanes are estimates."
        )
    hubs = net.hubs
    if "initial_stock" in hubs:
        nosrc = hubs["source"].fillna("").astype(str) == "" if "source" in hubs else hubs["initial_stock"].isna()
        out.append(
            f"Stocks: {int(nosrc.sum())} of {len(hubs)} hubs have no sourced stock figure and start the simulations "
            f"with {fmt.quantity(fmt.num(hubs.loc[nosrc, 'initial_stock'].fillna(0).sum()), '')} in stock; where real "
            "stocks exist but are unrecorded, shortfalls appear sooner in the model than they would."
        )
    agg = [fmt.region(net, str(r)) for r in net.regions.index if fmt.is_aggregate(net, str(r))]
    if agg:
        out.append(
            f"Aggregates: {', '.join(agg)} each stand for several countries; they are never counted as one third "
            "country against the 65% benchmark."
        )
    if calib is not None and len(calib):
        failed = calib[~calib["passed"].astype(bool)]
        out.append(
            f"Calibration: {len(calib) - len(failed)} of {len(calib)} published figures are reproduced within their "
            "tolerance" + (f"; not reproduced: {', '.join(failed['description'].astype(str))}." if len(failed) else ".")
        )
    return out


def _calibration_rows(calib: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in calib.itertuples():
        relative = r.kind in ("total", "ownership_total")

        def show(v: Any, relative: bool = relative) -> str:
            return fmt.number(fmt.num(v)) if relative else fmt.pct(fmt.num(v), 1)

        hi = fmt.num(r.hi)
        rng = f"{show(r.lo)}–{show(hi)}" if math.isfinite(hi) else f"≥ {show(r.lo)}"
        rows.append(
            {
                "Figure": str(r.description),
                "Source": str(r.source),
                # a bare count as the source table writes it (2310000 t Ni) reads with thousands separators
                "Published": re.sub(r"(?<![\d.,])\d{5,}(?![\d.,])", lambda m: f"{int(m.group()):,}", str(r.published)),
                "Network": show(r.network),
                "Difference": f"{round(100 * fmt.num(r.difference), 1) + 0.0:+.1f} {'%' if relative else 'pp'}",
                "Tolerance": "the published band"
                if str(r.tolerance).startswith("band")
                else str(r.tolerance).replace("+-", "±"),
                "Accepted range": rng,
                "Passes": "yes" if r.passed else "NO",
            }
        )
    return pd.DataFrame(rows)


def data_quality(rep: Report, run: StudyRun, heading: str) -> None:
    """Provenance counts, the calibration table and the main caveats of the network."""
    from valuechain.network.calibration import calibration_report
    from valuechain.network.provenance import provenance_counts

    rep.add_heading(heading)
    net = run.network
    counts: pd.DataFrame | None = provenance_counts(net)
    try:
        calib: pd.DataFrame | None = calibration_report(net)
    except ValueChainError as e:
        calib = None
        rep.add_text(f"No calibration table: {e}", note=True)
    rep.add_list(caveats(net, counts, calib))
    if counts is not None:
        tab = counts.copy()
        tab.index = [str(s).capitalize() if s != "total" else "All stages" for s in tab.index]
        tab.index.name = "Stage"
        tab.columns = [str(c).capitalize() for c in tab.columns]
        tab = tab.loc[:, (tab != 0).any(axis=0)]
        rep.add_table(
            tab.map(lambda v: f"{int(v):,}").reset_index(),
            "Where the figures come from",
            index=False,
            caption="Numbers of figures (non-zero numbers in the network's tables; the coefficient that sets a "
            "process's unit of activity is not one) by stage and by the kind of their source: direct (published, "
            "seed fact or observed trade), derived from direct (computed from published inputs only), derived "
            "(computed from inputs that include assumptions), assumption (stated with its reason). A figure the "
            "network's derivations table names has the kind of its own inputs; any other takes its row's source.",
        )
    if calib is not None and len(calib):
        rep.add_table(
            _calibration_rows(calib),
            "Calibration against published figures",
            index=False,
            caption="Each row: a figure a source publishes and the same figure computed from the network.",
        )


def _policy_row(net: Network, pol: Any) -> dict[str, str]:
    coms = [fmt.commodity(net, str(c), with_unit=False) for c in getattr(pol, "commodities", ())]
    what = ", ".join(coms) if len(coms) <= 4 else f"{len(coms)} commodities ({', '.join(coms[:3])}, …)"
    kind = str(pol.kind)
    if kind == "cap_path":
        rule = "; ".join(f"≤ {fmt.pct(s)} from one origin by {fmt.year(y)}" for y, s, *_ in pol.path)
    elif hasattr(pol, "share"):
        rule = (
            ("≥ " if "min" in kind else "≤ ")
            + fmt.pct(fmt.num(pol.share))
            + (" made in the region" if "domestic" in kind else " from one origin")
        )
        via = getattr(pol, "via", None)
        if via:
            rule += " from " + ", ".join(fmt.commodity(net, str(v), with_unit=False).lower() for v in via)
    elif kind == "export_ban":
        rule = f"no exports outside {fmt.region(net, str(getattr(pol, 'except_region', '') or 'none'))}"
    else:
        rule = kind.replace("_", " ")
    soft = " (soft: a penalty when missed)" if getattr(pol, "elastic", False) else ""
    return {"Setting": f"Target '{pol.name}'", "Value": f"{rule} — {what}{soft}"}


def spec_table(run: StudyRun) -> pd.DataFrame:
    """The study spec as a readable two-column table (setting, value)."""
    st, net = run.study, run.network
    cur = net.units.get("currency", "")
    probs = st.probabilities
    scen = (
        ", ".join(f"{s} ({fmt.pct(p)})" for s, p in zip(st.scenarios, probs, strict=False))
        if probs
        else ", ".join(str(s) for s in st.scenarios) + (" (equally likely)" if len(st.scenarios) > 1 else "")
    )
    rows = [
        {"Setting": "Study", "Value": st.name + (f": {st.description}" if st.description else "")},
        {"Setting": "Network", "Value": f"{net.name}, base year {fmt.year(net.year)}"},
        {"Setting": "Region", "Value": fmt.region(net, run.region)},
        {"Setting": "Horizon", "Value": fmt.horizon(st.start, st.years)},
        {"Setting": "Scenarios", "Value": scen},
        {"Setting": "Discount rate", "Value": fmt.pct(st.discount_rate, 1)},
        {"Setting": "Unserved demand", "Value": f"penalty {fmt.money(st.unmet_penalty, cur)} per unit"},
        {"Setting": "Stocks", "Value": "modelled" if st.stocks else "not modelled"},
    ]
    rows += [_policy_row(net, p) for p in st.policies]
    return pd.DataFrame(rows)


def _and(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _sources(rep: Report, net: Network) -> None:
    src = net.sources
    groups: dict[str, dict[tuple[str, str, str, str], list[str]]] = {}
    conf: dict[tuple[str, str, str, str], set[str]] = {}
    for sid, r in src.iterrows():
        label = _SOURCE_GROUPS.get(str(sid)[:1], "Other")
        url = str(r.get("url", "") or "")
        host = urlparse(url).netloc.removeprefix("www.") if url.startswith("http") else ""
        year = fmt.year(r.get("year", "")) if str(r.get("year", "") or "") not in ("", "nan") else ""
        key = (str(r.get("title", "") or ""), str(r.get("publisher", "") or ""), year, host)
        groups.setdefault(label, {}).setdefault(key, []).append(str(sid))
        conf.setdefault(key, set()).add(str(r.get("confidence", "") or ""))
    rep.add_text(f"Every row of the network's tables names one of its {len(src)} sources, grouped here by kind.")
    for label in [*_SOURCE_GROUPS.values(), "Other"]:
        found = groups.get(label)
        if not found:
            continue
        rows = [
            {
                "Ids": ", ".join(ids),
                "Title": title,
                "Publisher": pub if pub != title else "",
                "Year": year,
                "Site": host,
                "Confidence": ", ".join(sorted(c for c in conf[(title, pub, year, host)] if c)),
            }
            for (title, pub, year, host), ids in found.items()
        ]
        n = sum(len(ids) for ids in found.values())
        rep.open_details(f"{label}: {n} sources")
        rep.add_table(pd.DataFrame(rows), index=False)
        rep.close_details()


def methods(rep: Report, run: StudyRun, heading: str) -> None:
    """The study spec, the solver, the time of each step and the sources (collapsed)."""
    import valuechain as vc

    rep.add_heading(heading)
    net = run.network
    cur = net.units.get("currency", "")
    counts = {
        "commodities": len(net.commodities),
        "regions": len(net.regions),
        "processes": len(net.processes),
        "trade routes": len(net.routes),
        "demand rows": len(net.demand),
        "expansion options": len(net.expansions),
        "sources": len(net.sources),
    }
    rep.add_text(
        f"Network {net.name}, base year {fmt.year(net.year)}, rates per {net.period}: "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        + "."
    )
    rep.add_table(spec_table(run), "The study", index=False)
    solver = []
    if run.targets is not None:
        for label, plan in (("Targets plan", run.targets.plan), ("Plan without targets", run.targets.reference_plan)):
            r = plan.result
            solver.append(
                {
                    "Model": label,
                    "Status": str(r.termination),
                    "Total cost": fmt.money(fmt.num(r.objective), cur),
                    "Build": f"{fmt.num(r.build_seconds):.1f} s",
                    "Solve": f"{fmt.num(r.solve_seconds):.1f} s",
                }
            )
    if solver:
        rep.add_table(pd.DataFrame(solver), "Solver (HiGHS)", index=False)
    for key, why in run.skipped.items():
        rep.add_text(f"Step '{key}' did not run: {why}.", warn=True)
    steps = pd.DataFrame([{"Step": str(k).capitalize(), "Time": f"{fmt.num(v):.1f} s"} for k, v in run.timings.items()])
    rep.add_table(
        steps,
        "Time per step",
        index=False,
        caption=f"valuechain {vc.__version__}; "
        + ("quick settings." if run.quick else "full settings.")
        + (
            f" The {_and(list(run.beside))} steps ran beside the targets step, while HiGHS solved the plan, so "
            "their times overlap its time and the times do not add up to the run's."
            if run.beside
            else ""
        ),
    )
    _sources(rep, net)
