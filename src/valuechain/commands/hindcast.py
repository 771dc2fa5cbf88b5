"""The ``hindcast`` command: a scenario's simulated monthly flows against an observed monthly series."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.console import Console

__all__ = ["register"]

console = Console(highlight=False)


def _fmt(x: float, pct: bool = False) -> str:
    if isinstance(x, float) and math.isnan(x):
        return "-"
    return f"{100 * x:.0f} %" if pct else f"{x:,.4g}"


def hindcast_cmd(
    network: Annotated[str, typer.Argument(help="Network name or folder.")],
    scenario: Annotated[str, typer.Option("--scenario", "-s", help="Named scenario or a scenario YAML file.")],
    observed: Annotated[
        Path,
        typer.Option(
            "--observed",
            "-o",
            help="Observed monthly series: CSV with period (YYYY-MM), exporter, partner, commodity, quantity, unit.",
        ),
    ],
    plot: Annotated[
        Path | None, typer.Option("--plot", help="PNG of simulated against observed (default: next to the CSV).")
    ] = None,
    mode: Annotated[
        str,
        typer.Option(help="Simulation mode: re-sourcing (as in the record) or pro-rata (no exporter ships extra)."),
    ] = "re-sourcing",
    rush_from_stock: Annotated[
        float,
        typer.Option(
            "--rush-from-stock",
            help="Share (0 to 1) of its stock level an exporter may ship for front-loaded orders (default 0).",
        ),
    ] = 0.0,
) -> None:
    """Compare a scenario's simulated monthly flows with an observed monthly series.

    Prints, per commodity and partner: the level before the episode, the collapse depth in its
    first month, the months until flows are back to 80 % of the earlier level (observed and
    simulated) and the mean absolute percentage error of the monthly totals; writes a PNG.
    """
    from valuechain.analysis.hindcast import hindcast
    from valuechain.errors import ScenarioError
    from valuechain.network import load_network
    from valuechain.scenarios import load_scenarios, named

    net = load_network(network)
    if scenario.endswith((".yaml", ".yml")):
        scs = list(load_scenarios(scenario))
        if len(scs) != 1:
            raise ScenarioError(f"{scenario}: a hindcast takes one scenario; the file holds {len(scs)}")
        sc = scs[0]
    else:
        sc = named(scenario)
    h = hindcast(net, sc, observed, mode=mode, rush_from_stock=rush_from_stock)
    console.print(
        f"Hindcast of [bold]{h.scenario}[/bold] on {net.name}: announced {h.announced}, episode month "
        f"{h.episode}; level = mean of up to 12 months before {h.announced}; collapse = 1 - volume in "
        f"{h.episode} / level; recovery = months from {h.episode} to 80 % of the level"
    )
    for key, r in h.measures.iterrows():
        com, exp, par = cast("tuple[str, str, str]", key)
        console.print(
            f"\n[bold]{com}[/bold] {exp} -> {par} ({r['unit']} per month, {r['routes']} routes simulated)",
            soft_wrap=True,
        )
        console.print(
            f"  level before    observed {_fmt(r['level_before_obs'])}  simulated {_fmt(r['level_before_sim'])}"
        )
        console.print(
            f"  collapse        observed {_fmt(r['collapse_obs'], True)}  simulated {_fmt(r['collapse_sim'], True)}"
        )
        console.print(
            f"  recovery months observed {_fmt(r['recovery_months_obs'])}  simulated {_fmt(r['recovery_months_sim'])}"
        )
        console.print(f"  MAPE            {'-' if math.isnan(r['mape_pct']) else format(r['mape_pct'], '.1f') + ' %'}")
        s = h.series[(h.series["commodity"] == com) & (h.series["exporter"] == exp) & (h.series["partner"] == par)]
        console.print("  month     observed | simulated")
        obs, sim = s["observed"].to_numpy(dtype=float), s["simulated"].to_numpy(dtype=float)
        for per, o, v in zip(s["period"], obs, sim, strict=True):
            console.print(f"  {per}  {_fmt(float(o))} | {_fmt(float(v))}")
    out = plot if plot is not None else observed.with_name(f"{observed.stem}-hindcast.png")
    console.print(f"Plot: {h.plot(out)}")


def register(app: typer.Typer) -> None:
    """Add the ``hindcast`` command to ``app``."""
    app.command("hindcast")(hindcast_cmd)
