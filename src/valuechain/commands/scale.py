"""Commands of scale: ``valuechain networks synth`` and ``valuechain scale simulate`` (on Dask)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from valuechain.errors import ValueChainError

scale_app = typer.Typer(help="Large ensembles on a Dask cluster.", no_args_is_help=True)


def synth(
    n_processes: Annotated[int, typer.Argument(help="Number of processes (plants and recyclers).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the network to.")],
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generator.")] = 0,
    tiers: Annotated[int, typer.Option("--tiers", help="Commodity tiers.")] = 5,
    regions: Annotated[int, typer.Option("--regions", help="Number of regions.")] = 20,
) -> None:
    """Generate a seeded synthetic plant-level network and save it as a network folder."""
    from rich.console import Console

    from valuechain._output import atomic_dir, check_out_dir
    from valuechain.network import save_network
    from valuechain.network.synthetic import synthetic_network

    check_out_dir(out)  # before the computation, not after it
    t0 = time.perf_counter()
    net = synthetic_network(n_processes, tiers=tiers, regions=regions, seed=seed, name=out.name or None)
    built = time.perf_counter() - t0
    with atomic_dir(out) as tmp:
        save_network(net, tmp)
    counts = ", ".join(f"{v} {k}" for k, v in net.counts().items() if v)
    Console().print(f"wrote {out}/ ({counts}; built in {built:.1f} s)")


@scale_app.command("simulate")
def simulate_cmd(
    network: Annotated[str, typer.Argument(help="Network name or folder.")],
    n: Annotated[int, typer.Option("--n", help="Scenarios drawn from the risk register.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sample.")] = 0,
    register: Annotated[str, typer.Option("--register", help="'default' or a register CSV/YAML file.")] = "default",
    periods: Annotated[int, typer.Option("--periods", help="Months simulated.")] = 24,
    mode: Annotated[str, typer.Option("--mode", help="pro-rata or re-sourcing.")] = "re-sourcing",
    workers: Annotated[int, typer.Option("--workers", help="Workers of the local Dask cluster.")] = 2,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Address of a Dask scheduler (instead of a local cluster).")
    ] = None,
    chunk: Annotated[int, typer.Option("--chunk", help="Scenarios per task.")] = 5_000,
    processes: Annotated[
        bool, typer.Option("--processes/--threads", help="Local workers as processes (default) or threads.")
    ] = True,
    out: Annotated[Path | None, typer.Option("--out", help="Write the per-scenario totals to this CSV.")] = None,
) -> None:
    """Simulate a risk-register sample on Dask; each worker draws and runs its own blocks."""
    from rich.console import Console
    from rich.table import Table

    from valuechain.network import load_network
    from valuechain.scenarios import RiskRegister
    from valuechain.study.scale import RegisterSample, cluster, simulate

    if n < 1 or chunk < 1:
        raise ValueChainError(f"--n and --chunk must be integers >= 1. Got {n} and {chunk}.")
    from valuechain._output import atomic_file, check_out_file

    if out is not None:
        check_out_file(out, "--out")  # before the computation, not after it
    net = load_network(network)
    reg = RiskRegister.default() if register == "default" else RiskRegister.from_file(register)
    spec = RegisterSample(reg, n, seed=seed, periods=periods)
    t0 = time.perf_counter()
    with cluster(scheduler, workers=workers, processes=processes) as client:
        res = simulate(net, spec, client=client, mode=mode, chunk_size=chunk)
    dt = time.perf_counter() - t0
    risk = res.risk()
    table = Table(title=f"{net.name}: {n:,} scenarios x {periods} months in {dt:.1f} s")
    for col in ("metric", *map(str, risk.columns)):
        table.add_column(col)
    for metric, row in risk.iterrows():
        table.add_row(str(metric), *(f"{v:,.4g}" for v in row))
    Console().print(table)
    if out is not None:
        with atomic_file(out, "--out") as tmp:
            res.totals.to_csv(tmp)
        Console().print(f"wrote {out}")


@scale_app.command("report")
def report_cmd(
    results: Annotated[Path, typer.Argument(help="A benchmark record, benchmarks/results/<date>.json.")],
) -> None:
    """Print the log-log slopes of time and memory fitted to a benchmark record."""
    from rich.console import Console
    from rich.table import Table

    from valuechain.bench.scaling import fit_slopes, load_record

    if not results.is_file():
        raise ValueChainError(f"{results}: no such benchmark record (run 'valuechain bench' first)")
    try:
        slopes = fit_slopes(load_record(results))
    except (ValueError, KeyError, TypeError) as e:
        raise ValueChainError(f"{results}: not a benchmark record ({e})") from e
    table = Table(title=f"log-log slopes, {results.name}")
    for col in ("what", "slope", "points", "range"):
        table.add_column(col)
    for r in slopes.itertuples():
        table.add_row(str(r.what), f"{r.slope:.2f}", str(r.points), f"{r.x} {r.x_range}")
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add ``networks synth`` (or ``synth`` if there is no networks group) and ``scale simulate``."""
    group = next((g.typer_instance for g in app.registered_groups if g.name == "networks"), None)
    (group or app).command("synth")(synth)
    app.add_typer(scale_app, name="scale")
