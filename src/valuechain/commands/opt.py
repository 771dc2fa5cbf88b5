"""The ``solve`` command: run a study spec and write its plan."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["register"]

console = Console(highlight=False)


def _fmt(x: float) -> str:
    if math.isnan(x):
        return "n/a"
    return f"{x:,.6g}" if abs(x) < 1e6 else f"{x:,.0f}"


#: Names of the files ``solve --out`` writes (a folder of only these may be replaced).
_TABLES = ("activity", "expansion_activity", "flows", "expansions", "stocks", "unmet", "purchases", "sales")
OUTPUTS = tuple(f"{name}.{ext}" for name in (*_TABLES, "prices", "costs", "policy-*") for ext in ("csv", "parquet"))


def solve_cmd(
    spec: Annotated[str, typer.Argument(help="Study spec: a models/NAME.yaml file or a bundled spec's name.")],
    out: Annotated[Path | None, typer.Option("--out", help="Folder to write the plan's tables to.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="File format of the tables: csv or parquet.")] = "csv",
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="Solver time limit in seconds.")] = None,
    mip_gap: Annotated[float | None, typer.Option("--mip-gap", help="Relative MIP gap (0 proves optimality).")] = None,
    log: Annotated[bool, typer.Option("--log", help="Print HiGHS's log while solving.")] = False,
) -> None:
    """Solve a study: build the model, hand it to HiGHS, print a summary and write the plan."""
    from valuechain.errors import StudyError

    if fmt not in ("csv", "parquet"):
        raise StudyError(f"--format must be csv or parquet; got '{fmt}'")
    from valuechain._output import atomic_dir, check_out_dir

    if out is not None:
        check_out_dir(out, earlier=OUTPUTS)  # before the computation, not after it
    from valuechain.network import load_network
    from valuechain.opt import build, extract, solve
    from valuechain.opt.results import summary
    from valuechain.study import check_study, load_study

    with console.status("reading the study and the network...") as status:
        study = load_study(spec)
        net = load_network(study.network or "")
        check_study(study, net)
        status.update(f"building the model of '{study.name}' on '{net.name}'...")
        model = build(net, study)
        status.update(f"solving {model.n_vars:,} variables and {model.n_rows:,} rows with HiGHS...")
        if log:
            status.stop()  # the solver's log goes to the terminal; the spinner would overwrite it
        result = solve(model, time_limit=time_limit, mip_gap=mip_gap, log=log)
        status.update("reading the plan...")
        plan = extract(model)
    console.print(f"[bold]{study.name}[/bold] on {net.name}: {model!r}")
    console.print(
        f"{result.termination}: objective {_fmt(result.objective)} {net.units.get('currency', '')}  "
        f"(build {result.build_seconds:.2f} s, hand-off {result.handoff_seconds:.2f} s, "
        f"solve {result.solve_seconds:.2f} s)"
    )
    parts = summary(plan)
    costs = Table("cost", "expected, discounted", box=None, title="Cost split", title_justify="left")
    for name, value in parts["costs"].to_dict().items():
        if abs(float(value)) > 0:
            costs.add_row(str(name), _fmt(float(value)))
    console.print(costs)
    built = parts["built"]
    if len(built):
        t = Table("period", "expansion", "built", "region", box=None, title="Built", title_justify="left")
        for key, row in built.iterrows():
            per, eid = key  # type: ignore[misc]
            t.add_row(str(per), str(eid), _fmt(float(row["built"])), str(net.expansions.loc[eid, "region"]))
        console.print(t)
    else:
        console.print("Built: nothing")
    unmet = parts["unmet"]
    if len(unmet):
        t = Table(
            "period", "hub", "demand (mean)", "unmet (mean)", box=None, title="Unmet demand", title_justify="left"
        )
        for key, row in unmet.iterrows():
            per, hub = key  # type: ignore[misc]
            t.add_row(str(per), str(hub), _fmt(float(row["demand"])), _fmt(float(row["unmet"])))
        console.print(t)
    else:
        console.print("Unmet demand: none")
    for name, df in plan.policies.items():
        binding = int((df["dual"].abs() > 1e-9).sum())
        console.print(f"policy {name}: {binding} of {len(df)} rows binding")
    if out is not None:
        with atomic_dir(out, earlier=OUTPUTS) as tmp:  # every table at once, or none
            for name, df in plan.tables().items():
                flat = df.reset_index()
                path = tmp / f"{name}.{fmt}"
                if fmt == "csv":
                    flat.to_csv(path, index=False)
                else:
                    flat.columns = [str(c) for c in flat.columns]
                    typed = flat.astype({c: "str" for c in flat.columns if flat[c].dtype == object})
                    typed.to_parquet(path, index=False)
        console.print(f"wrote {len(plan.tables())} tables to {out}")


def register(app: typer.Typer) -> None:
    """Add the ``solve`` command to the CLI."""
    app.command("solve")(solve_cmd)
