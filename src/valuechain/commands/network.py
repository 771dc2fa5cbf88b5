"""Commands on networks (``networks list|show|check|schema|calibration|provenance|projects``) and ``doctor``."""

from __future__ import annotations

import math
import platform
import time
import warnings
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["register"]

console = Console(highlight=False)
networks_app = typer.Typer(help="List, show and check networks.", no_args_is_help=True)


def _fmt(x: float) -> str:
    if isinstance(x, float) and math.isinf(x):
        return "unlimited"
    if x == 0:
        return "-"
    return f"{x:,.6g}" if abs(x) < 1e6 else f"{x:,.0f}"


@networks_app.command("list")
def list_cmd() -> None:
    """List the networks that can be loaded by name."""
    from valuechain.network import list_networks

    nets = list_networks()
    table = Table("name", "year", "description", "path", box=None)
    for name, row in nets.iterrows():
        year = (
            ""
            if row["year"] is None or (isinstance(row["year"], float) and math.isnan(row["year"]))
            else str(row["year"])
        )
        table.add_row(str(name), year, str(row["description"]).split(". ")[0][:80], str(row["path"]))
    console.print(table)


@networks_app.command("show")
def show_cmd(network: Annotated[str, typer.Argument(help="Network name or folder.")]) -> None:
    """Show a readable summary of a network: counts, stages, regions and totals."""
    from valuechain.network import load_network
    from valuechain.network.summary import commodity_totals

    net = load_network(network)
    year = f" ({net.year})" if net.year else ""
    console.print(
        f"[bold]{net.name}[/bold]{year}, rates per {net.period}"
        + (f", {net.units.get('currency')}" if net.units.get("currency") else "")
    )
    if net.description:
        console.print(net.description)
    if net.path:
        console.print(f"[dim]{net.path}[/dim]")
    counts = net.counts()
    console.print("  ".join(f"{n} {t}" for t, n in counts.items() if n))
    regions = ", ".join(map(str, net.regions.index))
    console.print(f"\n[bold]Regions[/bold] ({len(net.regions)}): {regions}")
    for g, members in net.groups.items():
        console.print(f"  {g}: {', '.join(members)}")
    totals = commodity_totals(net)
    table = Table(
        "stage",
        "commodity",
        "unit",
        "capacity",
        "production",
        "demand",
        "traded",
        "stock",
        title=f"Totals per {net.period}",
        title_justify="left",
    )
    for com, row in totals.iterrows():
        table.add_row(
            row["stage"],
            str(com),
            row["unit"],
            _fmt(row["capacity"]),
            _fmt(row["production"]),
            _fmt(row["demand"]),
            _fmt(row["trade"]),
            _fmt(row["initial_stock"]),
        )
    console.print(table)


@networks_app.command("check")
def check_cmd(path: Annotated[str, typer.Argument(help="Network name or folder.")]) -> None:
    """Validate a network; exit 1 with a one-line error naming file, row and field if it is invalid."""
    from valuechain.errors import NetworkWarning
    from valuechain.network import load_network

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NetworkWarning)
        net = load_network(path)
    for w in caught:
        if issubclass(w.category, NetworkWarning):
            console.print(f"warning: {w.message}", markup=False)
    for table, why in (
        ("processes", "nothing is made in it, and simulate and criticality need at least one process"),
        ("demand", "no final demand, so no shortfall can be measured"),
    ):
        if len(net.tables[table]) == 0:
            console.print(f"warning: {table} has no rows: {why}", markup=False)
    console.print(
        f"ok: {net.name} ({sum(net.counts().values())} rows in {sum(1 for n in net.counts().values() if n)} tables)"
    )


@networks_app.command("schema")
def schema_cmd() -> None:
    """Print the documentation of every table and field (generated from the schema)."""
    from valuechain.network import schema_markdown

    console.print(schema_markdown(), markup=False)


@networks_app.command("calibration")
def calibration_cmd(network: Annotated[str, typer.Argument(help="Network name or folder.")]) -> None:
    """Compare a network with the published figures in its calibration_targets.csv; exit 1 if any fails."""
    from valuechain.network import load_network
    from valuechain.network.calibration import calibration_report

    net = load_network(network)
    rep = calibration_report(net)
    table = Table("target", "source", "network", "published", "target", "difference", "tolerance", "result", box=None)
    table.columns[0].no_wrap = True
    table.columns[3].max_width = 28
    for rec in rep.to_dict("records"):
        total = rec["kind"] in ("total", "ownership_total")
        v, t, lo, hi, d = (float(rec[k]) for k in ("network", "target", "lo", "hi", "difference"))
        val = f"{v:,.1f}" if total else f"{100 * v:.1f} %"
        if math.isnan(t):
            tgt = f"{100 * lo:g}-{100 * hi:g} %" if math.isfinite(hi) else f"> {100 * lo:g} %"
        else:
            tgt = f"{t:,.1f}" if total else f"{100 * t:.1f} %"
        d = round(100 * d, 1) + 0.0  # (no "-0.0")
        diff = f"{d:+.1f} %" if total else f"{d:+.1f} pp"
        table.add_row(
            str(rec["id"]),
            str(rec["source"]),
            val,
            str(rec["published"]),
            tgt,
            diff,
            str(rec["tolerance"]),
            "pass" if rec["passed"] else "FAIL",
        )
    Console(highlight=False, width=max(console.width, 150)).print(table)
    failed = int((~rep["passed"]).sum())
    console.print(f"{len(rep) - failed} of {len(rep)} targets pass", markup=False)
    if failed:
        raise typer.Exit(1)


@networks_app.command("provenance")
def provenance_cmd(network: Annotated[str, typer.Argument(help="Network name or folder.")]) -> None:
    """Count a network's figures by kind of source (direct, derived, assumption) and by stage."""
    from valuechain.network import load_network
    from valuechain.network.provenance import figure_provenance, provenance_counts

    net = load_network(network)
    tab = provenance_counts(net)
    table = Table("stage", *map(str, tab.columns), box=None)
    for stage, row in tab.iterrows():
        table.add_row(str(stage), *(f"{int(v):,}" for v in row))
    Console(highlight=False, width=max(console.width, 120)).print(table)
    tot = {str(k): int(v) for k, v in zip(tab.columns, tab.to_numpy()[-1], strict=True)}  # the "total" row
    n = max(tot["total"], 1)
    per_figure = int(figure_provenance(net)["per_figure"].sum())

    def pct(k: str) -> str:
        return f"{100 * tot[k] / n:.0f} %"

    console.print(
        f"direct {pct('direct')}, derived from direct {pct('derived from direct')}, derived {pct('derived')}, "
        f"assumption {pct('assumption')} of {n:,} non-zero figures; direct or derived from direct: "
        f"{100 * (tot['direct'] + tot['derived from direct']) / n:.0f} %. {per_figure:,} figures are named in the "
        "derivations table (provenance per figure); the others take their row's source (per row).",
        markup=False,
    )


@networks_app.command("projects")
def projects_cmd(network: Annotated[str, typer.Argument(help="Network name or folder.")]) -> None:
    """List a network's named plants and projects: status, capacity by year, owner and sources."""
    import pandas as pd

    from valuechain.network import load_network

    net = load_network(network)
    proj = net.projects
    if proj.empty:
        console.print(f"{net.name} has no projects table", markup=False)
        return
    units = net.commodities["unit"].astype(str).to_dict()
    cols = ["capacity_2024", "capacity_2025", "capacity_2027", "capacity_2030", "capacity_full"]
    table = Table(
        "id",
        "region",
        "makes",
        "owner/tech",
        "status",
        "start",
        "2024",
        "2025",
        "2027",
        "2030",
        "full",
        "unit",
        "sources",
        box=None,
    )
    # Ids in full (tests and users grep for them); long source lists wrap instead.
    table.columns[0].min_width = max(len(str(i)) for i in proj.index)
    table.columns[-1].overflow = "fold"
    for pid, r in proj.iterrows():
        caps = ["" if math.isnan(float(r[c])) else _fmt(float(r[c])) for c in cols]
        start = "" if pd.isna(r["announced_start"]) else str(r["announced_start"])
        year = "" if pd.isna(r["status_year"]) else f" ({r['status_year']})"
        table.add_row(
            str(pid),
            str(r["region"]),
            str(r["commodity"]),
            f"{r['owner']}/{r['technology_origin']}",
            f"{r['status']}{year}",
            start,
            *caps,
            units.get(str(r["commodity"]), ""),
            str(r["source"]),
        )
    Console(highlight=False, width=max(console.width, 160)).print(table)
    counts = proj["status"].value_counts()
    console.print(
        f"{len(proj)} plants and projects: " + ", ".join(f"{int(n)} {st}" for st, n in counts.items()), markup=False
    )


def doctor() -> None:
    """Show the versions of Python and the engines, and check that HiGHS solves a tiny LP."""
    import importlib.metadata as md

    table = Table("component", "version / status", box=None)
    table.add_row("python", f"{platform.python_version()} ({platform.machine()}, {platform.system()})")
    for pkg in ("valuechain", "numpy", "pandas", "numba", "pyomo", "highspy", "networkx", "xarray", "dask"):
        try:
            table.add_row(pkg, md.version(pkg))
        except md.PackageNotFoundError:
            table.add_row(pkg, "[red]not installed[/red]")
    ok = True
    try:
        import highspy
        import numpy as np

        from valuechain.opt._highs import new_highs, run

        h = new_highs()  # no banner on standard output
        inf = highspy.kHighsInf
        # min x + 3y  s.t.  x + 2y >= 2, x, y >= 0   (optimum 2 at x = 2)
        h.addVars(2, np.array([0.0, 0.0]), np.array([inf, inf]))
        h.changeColsCost(2, np.array([0, 1], dtype=np.int32), np.array([1.0, 3.0]))
        h.addRow(2.0, inf, 2, np.array([0, 1], dtype=np.int32), np.array([1.0, 2.0]))
        t = time.perf_counter()
        run(h, 1, "the tiny LP")
        obj = h.getInfo().objective_function_value
        good = h.getModelStatus() == highspy.HighsModelStatus.kOptimal and abs(obj - 2.0) < 1e-9
        ok &= good
        table.add_row(
            "HiGHS tiny LP", f"{'ok' if good else 'FAILED'}: objective {obj:g} in {time.perf_counter() - t:.3f} s"
        )
    except Exception as e:
        ok = False
        table.add_row("HiGHS tiny LP", f"[red]FAILED: {e}[/red]")
    try:
        import pyomo.environ as pyo

        m = pyo.ConcreteModel()
        m.x = pyo.Var(bounds=(0, None))
        m.y = pyo.Var(bounds=(0, None))
        m.c = pyo.Constraint(expr=m.x + 2 * m.y >= 2)
        m.o = pyo.Objective(expr=m.x + 3 * m.y)
        res = pyo.SolverFactory("appsi_highs").solve(m)
        good = str(res.solver.termination_condition) == "optimal" and abs(pyo.value(m.o) - 2.0) < 1e-9
        ok &= good
        table.add_row("Pyomo + HiGHS", "ok" if good else "FAILED")
    except Exception as e:
        ok = False
        table.add_row("Pyomo + HiGHS", f"[red]FAILED: {e}[/red]")
    console.print(table)
    if not ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the network commands and ``doctor`` to ``app``."""
    app.add_typer(networks_app, name="networks")
    app.command("doctor")(doctor)
