"""Commands of the simulation engine: ``simulate`` and ``criticality``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from valuechain.errors import ScenarioError

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.sim.result import SimResult

__all__ = ["register"]

console = Console(highlight=False)


MODES = ("pro-rata", "re-sourcing")
FORMATS = ("csv", "parquet")


def _choice(option: str, value: str, options: tuple[str, ...]) -> str:
    if value not in options:
        from valuechain._params import closest

        raise ScenarioError(f"{option} must be one of {', '.join(options)}. Got {value!r}." + closest(value, options))
    return value


def _ramp_depth(text: str) -> int | None:
    """``--ramp-depth``: an integer >= 0, or 'all' for the whole chain (None)."""
    t = text.strip().lower()
    if t == "all":
        return None
    if not t.isdigit():
        raise ScenarioError(f"--ramp-depth must be an integer >= 0 or 'all'. Got {text!r}.")
    return int(t)


def _forbidden(forbid: str | None) -> set[str]:
    """The named recourses ``--forbid`` lists (comma-separated), checked."""
    from valuechain.network.model import RECOURSES

    if forbid is None:
        return set()
    names = [n.strip() for n in forbid.split(",") if n.strip()]
    if not names:
        raise ScenarioError(f"--forbid must name one or more of {', '.join(RECOURSES)}. Got {forbid!r}.")
    return {_choice("--forbid", n, RECOURSES) for n in names}


def _scenarios_api(name: str) -> Any:
    """``valuechain.scenarios.<name>``, with a one-line error when the scenarios layer lacks it."""
    import valuechain.scenarios as scen

    if not hasattr(scen, name):
        raise ScenarioError(
            f"this installation of valuechain has no valuechain.scenarios.{name}; "
            "named scenarios and risk registers are unavailable"
        )
    return getattr(scen, name)


def _num(x: float, digits: int = 4) -> str:
    if isinstance(x, float) and math.isnan(x):
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "unlimited"
    if x == 0:
        return "0"
    return f"{x:,.{digits}g}" if abs(x) < 1e6 else f"{x:,.0f}"


def _start(value: str | None) -> str | None:
    """``--start`` as given, once checked to be a month ``YYYY-MM``."""
    import re

    if value is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise ScenarioError(f"--start: expected a month YYYY-MM such as 2025-01, got {value!r}")
    return value


def _scenario(net: Network, scenario: str, start: str | None, periods: int) -> tuple[Any, str]:
    """A library scenario or a scenario file, compiled on ``net`` (from ``start``, clipping earlier shocks)."""
    if scenario.endswith((".yaml", ".yml")):
        sset = _scenarios_api("load_scenarios")(scenario)
        what = f"scenario file {scenario} ({', '.join(sset.names)})"
    else:
        sset = _scenarios_api("named")(scenario)
        what = f"scenario '{scenario}'"
    if start is None:
        return sset, what
    compiled = _scenarios_api("compile_shocks")(net, sset, start=start, periods=periods, outside="clip")
    return compiled, f"{what} from {start}"


def _shocks_for(
    net: Network,
    scenario: str | None,
    samples: int | None,
    outages: int | None,
    seed: int,
    periods: int,
    start: str | None = None,
) -> tuple[Any, str]:
    """Return the shocks to run and a line describing them (the scenarios layer loads on demand)."""
    given = [
        name for name, v in (("--scenario", scenario), ("--samples", samples), ("--outages", outages)) if v is not None
    ]
    if len(given) > 1:
        raise ScenarioError(f"give one of --scenario, --samples and --outages, not {' and '.join(given)}")
    if start is not None and (samples is not None or outages is not None):
        raise ScenarioError("--start applies to --scenario and to the baseline, not to --samples or --outages")
    if scenario is not None:
        return _scenario(net, scenario, start, periods)
    if samples is not None:
        if samples < 1:
            raise ScenarioError(f"--samples must be an integer >= 1. Got {samples}.")
        register = _scenarios_api("RiskRegister").default()
        chunk = max(1, min(samples, 20_000))
        stream = register.iter_samples(net, samples, seed=seed, chunk_size=chunk, periods=periods, sparse=True)
        return iter(stream), f"{samples:,} samples of the default risk register (seed {seed})"
    if outages is not None:
        if outages < 1:
            raise ScenarioError(f"--outages must be an integer >= 1. Got {outages}.")
        shocks = _scenarios_api("random_outages")(net, outages, seed=seed, periods=periods)
        return shocks, f"{outages:,} random single-plant outages (seed {seed})"
    return None, "baseline (no shock)"


def _check_size(net: Network, samples: int | None, outages: int | None, periods: int, ensemble: bool) -> None:
    """Refuse, before anything is drawn or allocated, a run larger than the memory available."""
    from valuechain.sim._memory import check_memory

    n = samples if samples is not None else outages if outages is not None else 1
    sized = f"--samples {samples:,}" if samples is not None else f"--outages {outages:,}" if outages else ""
    check_memory(
        net,
        scenarios=max(n, 1),
        periods=periods,
        keep="summary" if ensemble else "full",
        dense=samples is None,
        what=f"simulate {sized + ' ' if sized else ''}--periods {periods:,}",
    )


def _summary(res: SimResult, what: str) -> None:
    cur = f" {res.currency}" if res.currency else ""
    console.print(
        f"[bold]{res.network}[/bold]: {what}, {res.mode}, {res.n_scenarios:,} scenario(s) x {len(res.periods)} months "
        f"({res.periods[0]}..{res.periods[-1]})"
    )
    risk = res.risk()
    t = Table("measure", "expected", f"VaR {100 * res.alpha:g}%", f"CVaR {100 * res.alpha:g}%", "worst", box=None)
    for key, label in (("lost_cells_gwh", "lost cells (GWh)"), ("lost_value", f"lost value{cur}")):
        vals = risk.loc[[key], ["expected", "var", "cvar", "worst"]].to_numpy(dtype=float)[0]
        t.add_row(label, *(_num(float(v)) for v in vals))
    console.print(t)
    worst = res.worst_hubs(5)
    if len(worst):
        w = Table(
            "hub", "stage", "expected shortfall", "share of demand", f"lost value{cur}", title="Worst hubs", box=None
        )
        for hub, r in worst.iterrows():
            share = r["shortfall"] / r["demand"] if r["demand"] > 0 else float("nan")
            w.add_row(
                str(hub),
                str(r["stage"]),
                f"{_num(r['shortfall'])} {r['unit']}",
                f"{100 * share:.1f}%",
                _num(r["lost_value"]),
            )
        console.print(w)
    else:
        console.print("No demand goes unserved.")
    dry = res.first_dry(5)
    if len(dry):
        d = Table("process", "first period short of input", "probability", title="First plants to run dry", box=None)
        for pid, r in dry.iterrows():
            d.add_row(str(pid), str(res.periods[int(r["earliest_dry"])]), f"{100 * r['p_dry']:.1f}%")
        console.print(d)


#: Names of the files ``simulate --out`` writes (a folder of only these may be replaced).
OUTPUTS = tuple(f"{t}.{x}" for t in ("totals", "hubs", "stages", "processes", "risk", "hub_periods") for x in FORMATS)
OUTPUTS += ("shortfall.png",)


def _write(res: SimResult, out: Path, fmt: str) -> list[Path]:
    """Write the tables and the shortfall plot into ``out``, the whole folder at once."""
    from valuechain._output import atomic_dir

    with atomic_dir(out, earlier=OUTPUTS) as tmp:
        names = _write_into(res, tmp, fmt)
    return [out / name for name in names]


def _write_into(res: SimResult, out: Path, fmt: str) -> list[str]:
    frames = res.to_frames()
    frames["stages"] = frames["stages"].assign(period=frames["stages"]["period"].astype(str))
    ds = res.dataset if res.kept == "full" else None
    if ds is not None and ds.sizes["scenario"] * ds.sizes["period"] * ds.sizes["hub"] <= 5_000_000:
        hub_vars = ["supply", "stock", "demand", "served", "shortfall"]
        tidy = ds[hub_vars].to_dataframe()[hub_vars].reset_index()
        frames["hub_periods"] = tidy.assign(period=tidy["period"].astype(str))
    written = []
    for name, df in frames.items():
        path = out / f"{name}.{fmt}"
        keep_index = name in ("totals", "hubs", "processes", "risk")
        if fmt == "csv":
            df.to_csv(path, index=keep_index)
        else:
            (df.reset_index() if keep_index else df).to_parquet(path, index=False)
        written.append(path.name)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = res.plot_shortfall()
    png = out / "shortfall.png"
    try:
        fig.savefig(png, dpi=120, bbox_inches="tight")
    finally:
        plt.close(fig)  # (pyplot keeps every figure it made until it is closed)
    written.append(png.name)
    return written


def simulate_cmd(
    network: Annotated[str, typer.Argument(help="Network name or folder.")],
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario",
            help="A named scenario of the library, or a scenario file (.yaml/.yml; see 'valuechain scenarios schema').",
        ),
    ] = None,
    samples: Annotated[
        int | None, typer.Option("--samples", help="Number of samples of the default risk register.")
    ] = None,
    outages: Annotated[
        int | None,
        typer.Option("--outages", help="Number of random single-plant outages (20-100% of capacity, 1-12 months)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sampler.")] = 0,
    periods: Annotated[int, typer.Option("--periods", help="Horizon in months.")] = 24,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="First month, YYYY-MM; shocks that began earlier apply from it (default: the earliest dated "
            "shock, else January after the network's year). 'valuechain run' starts in January after the "
            "network's year, in re-sourcing mode.",
        ),
    ] = None,
    mode: Annotated[
        str, typer.Option("--mode", help="How hubs share out supply: pro-rata or re-sourcing.")
    ] = "pro-rata",
    out: Annotated[Path | None, typer.Option("--out", help="Folder for tables and the shortfall plot.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="Format of the tables: csv or parquet.")] = "csv",
    workers: Annotated[
        int | None, typer.Option("--workers", help="Run --samples on a local Dask cluster of this many workers.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Run --samples on this dask.distributed scheduler (tcp://...).")
    ] = None,
    forbid: Annotated[
        str | None,
        typer.Option(
            "--forbid",
            help="Named recourses re-sourcing may not use, comma-separated: substitution, chemistry_switching.",
        ),
    ] = None,
    ramp_depth: Annotated[
        str,
        typer.Option(
            "--ramp-depth",
            help="How many steps up the chain re-sourcing ramps up spare capacity: 0 (the hub's own origins and "
            "producers), a number, or 'all' (the whole chain, as the optimiser's programs).",
        ),
    ] = "0",
    spare_ramp: Annotated[
        bool,
        typer.Option(
            "--spare-ramp",
            help="Re-sourcing brings a plant's spare capacity online over its ramp_up (a share each month) "
            "instead of at once.",
        ),
    ] = False,
    rush_from_stock: Annotated[
        float,
        typer.Option(
            "--rush-from-stock",
            help="Share (0 to 1) of its stock level an exporter may ship for front-loaded orders before a "
            "licence regime takes effect (default 0: only what it spares).",
        ),
    ] = 0.0,
) -> None:
    """Run a scenario, an ensemble of samples or the baseline through a network, month by month."""
    from valuechain.network import load_network
    from valuechain.study.scale import simulate

    if periods < 1:
        raise ScenarioError(f"--periods must be an integer >= 1. Got {periods}.")
    if seed < 0:
        raise ScenarioError(f"--seed must be an integer >= 0. Got {seed}.")
    _choice("--mode", mode, MODES)
    _choice("--format", fmt, FORMATS)
    if (workers is not None or scheduler is not None) and samples is None and outages is None:
        raise ScenarioError("--workers and --scheduler spread an ensemble: use them with --samples N or --outages N")
    if workers is not None and workers < 1:
        raise ScenarioError(f"--workers must be an integer >= 1. Got {workers}.")
    start = _start(start)
    forbidden = _forbidden(forbid)
    if forbidden and (workers is not None or scheduler is not None):
        raise ScenarioError("--forbid runs on this machine only; leave out --workers and --scheduler")
    depth = _ramp_depth(ramp_depth)
    if not 0.0 <= rush_from_stock <= 1.0:
        raise ScenarioError(f"--rush-from-stock must be a number from 0 to 1. Got {rush_from_stock:g}.")
    if (depth != 0 or spare_ramp or rush_from_stock) and (workers is not None or scheduler is not None):
        raise ScenarioError(
            "--ramp-depth, --spare-ramp and --rush-from-stock run on this machine only; leave out --workers and "
            "--scheduler"
        )
    if out is not None:
        from valuechain._output import check_out_dir

        check_out_dir(out, earlier=OUTPUTS)  # before the computation, not after it
    net = load_network(network)
    ensemble = samples is not None or outages is not None
    _check_size(net, samples, outages, periods, ensemble)
    shocks, what = _shocks_for(net, scenario, samples, outages, seed, periods, start)
    if ensemble and (workers is not None or scheduler is not None):
        from valuechain.scenarios import RiskRegister
        from valuechain.study.scale import RegisterSample, cluster

        if samples is not None:
            shocks = RegisterSample(RiskRegister.default(), samples, seed, periods=periods)
        where = scheduler or f"a local cluster of {workers or 2} workers"
        with (
            console.status(f"simulating {what} on {where}"),
            cluster(scheduler, workers=workers or 2) as client,
        ):
            res = simulate(net, shocks, periods=periods, mode=mode, client=client)
    else:
        res = simulate(
            net, shocks, periods=periods, start=start, mode=mode, progress=True, keep="summary" if ensemble else "full",
            substitution="substitution" not in forbidden, chemistry_switching="chemistry_switching" not in forbidden,
            ramp_depth=depth, spare_ramp=spare_ramp, rush_from_stock=rush_from_stock,
        )  # fmt: skip
    _summary(res, what)
    if out is not None:
        files = _write(res, out, fmt)
        console.print(f"wrote {len(files)} files to {out}: " + ", ".join(p.name for p in files))


def criticality_cmd(
    network: Annotated[str, typer.Argument(help="Network name or folder.")],
    top: Annotated[int, typer.Option("--top", help="Number of processes to list.")] = 10,
    periods: Annotated[int, typer.Option("--periods", help="Horizon in months.")] = 24,
    mode: Annotated[
        str, typer.Option("--mode", help="How hubs share out supply: pro-rata or re-sourcing.")
    ] = "pro-rata",
) -> None:
    """Knock out every process in turn and rank them by the value lost."""
    from valuechain.network import load_network
    from valuechain.sim import criticality

    if periods < 1:
        raise ScenarioError(f"--periods must be an integer >= 1. Got {periods}.")
    if top < 1:
        raise ScenarioError(f"--top must be an integer >= 1. Got {top}.")
    _choice("--mode", mode, MODES)
    net = load_network(network)
    from valuechain.sim._memory import check_memory

    check_memory(
        net, scenarios=len(net.processes), periods=periods, what=f"criticality --periods {periods:,}"
    )  # one outage scenario per process
    with console.status(f"knocking out {len(net.processes)} processes in turn"):
        crit = criticality(net, periods=periods, mode=mode)
    cur = net.units.get("currency", "")
    t = Table("rank", "process", "region", f"lost value {cur}".strip(), "lost cells (GWh)", "months short", box=None,
              title=f"{net.name}: most critical processes (full outage over {periods} months, {mode})")  # fmt: skip
    for pid, r in crit.head(top).iterrows():
        t.add_row(str(r["rank"]), str(pid), str(r["region"]), _num(r["lost_value"]), _num(r["lost_cells_gwh"]),
                  str(r["shortfall_periods"]))  # fmt: skip
    console.print(t)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` and ``criticality`` to ``app``."""
    app.command("simulate")(simulate_cmd)
    app.command("criticality")(criticality_cmd)
