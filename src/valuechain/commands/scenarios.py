"""Commands on scenarios: ``scenarios list``, ``scenarios show NAME|FILE [--network NET]`` and ``scenarios schema``."""

from __future__ import annotations

import re
import warnings
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["register"]

console = Console(highlight=False)
scenarios_app = typer.Typer(
    help="List and inspect the named scenarios and scenario files, and print the scenario file format.",
    no_args_is_help=True,
)


def _first_sentence(text: str) -> str:
    head = re.split(r"(?<!No)\. (?=[A-Z])", text)[0].strip()
    return head if head.endswith(".") else head + "."


@scenarios_app.command("list")
def list_cmd() -> None:
    """List the named scenarios of the library (``scenarios show NAME`` gives the details)."""
    from valuechain.scenarios import named, names

    table = Table("name", "shocks", "description")
    for name in names():
        sc = named(name)
        kinds = ", ".join(dict.fromkeys(type(s).__name__ for s in sc.shocks))
        table.add_row(name, f"{len(sc.shocks)}: {kinds}", _first_sentence(sc.description))
    console.print(table)


def _hit_line(r: object) -> str:
    import pandas as pd

    assert isinstance(r, pd.Series)
    if not r["table"]:
        return f"       skipped: {r['note']}"
    if r["table"] == "expansion":
        return f"       expansion {r['item']} ({r['detail']}): may not be built"
    if str(r["note"]).startswith("licence regime"):
        return (
            f"       {r['table']} {r['item']} ({r['detail']}): licence regime, lowest month x{r['factor']:.3g}, "
            f"differs from 1 from {r['from']} to {'the end of the horizon' if r['to'] == 'end of horizon' else r['to']}"
        )
    rec = r["recovery_months"]
    to = "the end of the horizon" if r["to"] == "end of horizon" else str(r["to"])
    tail = f", then {rec:g} months of recovery" if rec and rec > 0 else ""
    return (
        f"       {r['table']} {r['item']} ({r['detail']}): x{r['factor']:.3g} from {r['from']} to {to} "
        f"({r['months']:g} months in the horizon{tail})"
    )


def _print_regime(shock: object, months: int) -> None:
    """Print a licence regime's multiplier by destination (columns) and month (rows)."""
    sched = shock.schedule(months)  # type: ignore[attr-defined]
    console.print(
        "     route multiplier by destination and month: approved share x requested volume "
        "(> 1 while buyers front-load; leakage, which depends on the network, not included)"
    )
    table = Table("month", *[str(k) for k in sched.index])
    for col in sched.columns:
        table.add_row(str(col), *[f"{v:.2f}" for v in sched[col]])
    console.print(table)


@scenarios_app.command("show")
def show_cmd(
    name: Annotated[str, typer.Argument(help="Scenario name from the library, or a scenarios YAML file.")],
    network: Annotated[str | None, typer.Option("--network", "-n", help="Network name or folder.")] = None,
    start: Annotated[
        str | None, typer.Option(help="First period, e.g. 2025-01 (default: earliest dated shock).")
    ] = None,
    periods: Annotated[int, typer.Option(help="Number of periods.")] = 24,
    freq: Annotated[str, typer.Option(help="Period length: M, Q or Y.")] = "M",
    clip: Annotated[
        bool, typer.Option("--clip", help="Keep the part inside the horizon of shocks outside it.")
    ] = False,
) -> None:
    """Show a scenario's shocks and, with --network, what they hit and for how long."""
    from pathlib import Path

    from valuechain.scenarios import ScenarioSet, load_scenarios, named

    if name.endswith((".yaml", ".yml")) or Path(name).is_file():
        sset = load_scenarios(name)
    else:
        sset = ScenarioSet([named(name)])
    table = None
    if network is not None:
        from valuechain.network import load_network
        from valuechain.scenarios import default_start, explain
        from valuechain.scenarios._time import make_horizon

        net = load_network(network)
        horizon = make_horizon(default_start(net, sset) if start is None else start, periods, freq)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = explain(net, sset, start=start, periods=periods, freq=freq, outside="clip" if clip else "error")
        console.print(
            f"On network [bold]{net.name}[/bold], horizon {horizon.label()} "
            f"({len(horizon.periods)} periods of {freq.upper()}, {horizon.n_months} months)\n"
        )
    for sc in sset:
        console.print(f"[bold]{sc.name}[/bold] (probability {sc.probability:g})")
        if sc.description:
            console.print(sc.description)
        if sc.source:
            console.print(f"[dim]Source: {sc.source}[/dim]")
        for i, shock in enumerate(sc.shocks, start=1):
            console.print(f"  {i}. {repr(shock).replace(', skip_missing=True', '')}", markup=False, soft_wrap=True)
            if getattr(shock, "is_regime", False):
                _print_regime(shock, periods)
            if table is not None:
                hits = table[(table["scenario"] == sc.name) & (table["shock"] == i)]
                for _, r in hits.iterrows():
                    console.print(_hit_line(r), markup=False, soft_wrap=True)


@scenarios_app.command("schema")
def schema_cmd() -> None:
    """Print the scenario file format: a scenario's fields and every shock type's fields."""
    from valuechain.scenarios.files import schema

    console.print(schema(), markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the scenario commands to ``app``."""
    app.add_typer(scenarios_app, name="scenarios")
