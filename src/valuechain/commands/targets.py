"""``valuechain targets`` and ``valuechain resilience``: dependency targets and TTS/TTR per process."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

__all__ = ["register"]

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def _pct(x: object) -> str:
    return "-" if not isinstance(x, (int, float)) or math.isnan(x) else f"{100 * x:.0f}%"


def _num(x: object, k_digits: int = 0) -> str:
    """An amount with a k, M or G suffix ('-' for none); ``k_digits`` decimals for thousands."""
    if not isinstance(x, (int, float)) or math.isnan(x):
        return "-"
    if math.isinf(x):
        return "inf"
    a = abs(x)
    if a >= 1e9:
        return f"{x / 1e9:,.2f} G"
    if a >= 1e6:
        return f"{x / 1e6:,.2f} M"
    if a >= 1e4:
        return f"{x / 1e3:,.{k_digits}f} k"
    return f"{x:,.4g}"


def targets_cmd(
    study: Annotated[
        str, typer.Argument(help="Study spec (a .yaml file or a name in models/).")
    ] = "models/eu-crma-2030.yaml",
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the targets table to this CSV file.")] = None,
    capacity_csv: Annotated[
        Path | None, typer.Option("--capacity-csv", help="Write new capacity by region and year to this CSV file.")
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option("--samples", help="Plan over this many risk-register samples instead of the named scenarios."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the register samples.")] = 1,
    workers: Annotated[
        int, typer.Option("--workers", help="Dask workers of the local cluster for --samples (0: this process).")
    ] = 2,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address for --samples (instead of a local one).")
    ] = None,
    method: Annotated[str, typer.Option("--method", help="LP method: auto, simplex, ipm, hipo or pdlp.")] = "auto",
    form: Annotated[
        str, typer.Option("--form", help="With --samples: auto, extensive (one LP) or lshaped (decomposition).")
    ] = "auto",
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            help="With --samples: seconds for the solve (L-shaped: its gap is shown; extensive form: "
            "replaces the study's).",
        ),
    ] = 600.0,
) -> None:
    """Least-cost plan that meets a study's dependency caps, and what it costs over the uncapped plan."""
    from valuechain._output import atomic_file, check_out_file
    from valuechain.analysis.targets import targets
    from valuechain.network import load_network
    from valuechain.study import check_study, load_study

    for path, option in ((csv, "--csv"), (capacity_csv, "--capacity-csv")):
        if path is not None:
            check_out_file(path, option)  # before the computation, not after it
    spec = load_study(study)
    net = load_network(spec.network or "")
    check_study(spec, net)
    if samples is not None:
        _sampled(net, spec, samples, seed, workers, scheduler, method, form, capacity_csv, time_limit)
        return
    with console.status("solving the capped and the reference plans"):
        res = targets(net, spec, method=method)
    t = Table(
        "stage", "commodity", "today", "domestic", "target", "by", "planned", "made here", "new capacity", "unit",
        "where", "cost / pp", "violation",
        title=f"Targets for {res.region}: {res.study.name} ({res.seconds:.1f} s)",
        caption=(
            f"premium over the uncapped plan {_num(res.premium)} (expected, discounted), "
            f"{res.premium_per_kwh:,.2f} per kWh of cells served; cost / pp = cost of one more point of independence; "
            "domestic = made in the region as a share of its supply today; made here = planned production in the "
            "region over its own use, as the targets measure it, in the worst scenario of the last year "
            "('no use': it uses none); violation = what the targets on the commodity lack, * where a target over "
            "several commodities lacks it on their sum (shown on each, not to be added up)"
        ),
        title_justify="left",
    )  # fmt: skip
    for key, r in res.table.iterrows():
        stage, com = (str(k) for k in key)  # type: ignore[attr-defined]
        target = _pct(r["target_share"])
        if isinstance(r["min_domestic"], float) and not math.isnan(r["min_domestic"]):
            target = f"{target} / >={_pct(r['min_domestic'])}"
        if isinstance(r["min_recycled"], float) and not math.isnan(r["min_recycled"]):
            target = f"{target} / rec>={_pct(r['min_recycled'])}"
        origin = r["top_origin"] if isinstance(r["top_origin"], str) else "-"
        t.add_row(
            str(stage), str(com), f"{origin} {_pct(r['top_share'])}", _pct(r["domestic_share"]), target,
            "-" if math.isnan(r["target_year"]) else str(int(r["target_year"])), _pct(r["planned_share"]),
            _made(r),
            _num(r["new_capacity"]), str(r["unit"]), str(r["builds"])[:40], _num(r["cost_per_pp"]),
            _violation(r),
        )  # fmt: skip
    console.print(t)
    lost = res.unmet.groupby(level=[0, 1])["unmet"].sum()
    console.print("unmet demand over the horizon (all commodities, own units): " + ", ".join(
        f"{'/'.join(str(x) for x in k)} {_num(v)}" for k, v in lost.items()  # type: ignore[attr-defined]
    ))  # fmt: skip
    for path, frame, option in ((csv, res.table, "--csv"), (capacity_csv, res.capacity, "--capacity-csv")):
        if path is None:
            continue
        with atomic_file(path, option) as tmp:
            frame.to_csv(tmp)
        console.print(f"wrote {path}")


def _violation(r: Any) -> str:
    """The violation, marked * when it is (partly) a shortfall shared with other commodities."""
    shared = r.get("violation_shared", 0.0)
    return _num(r["violation"]) + ("*" if isinstance(shared, float) and shared > 1e-9 else "")


def _made(r: Any) -> str:
    """Planned share made here (of the region's own use), or 'no use' where a target applies to none."""
    if math.isnan(r["min_domestic"]):
        return "-"
    return "no use" if math.isnan(r["planned_domestic"]) else _pct(r["planned_domestic"])


def _sampled(
    net: object, spec: object, samples: int, seed: int, workers: int, scheduler: str | None, method: str, form: str,
    capacity_csv: Path | None, time_limit: float = 600.0,
) -> None:  # fmt: skip
    """``targets --samples``: the sampled plan, its capacity and its confidence intervals."""
    from contextlib import nullcontext

    from valuechain.errors import ValueChainError
    from valuechain.study.decompose import solve_saa
    from valuechain.study.scale import cluster

    if samples < 1 or seed < 0 or workers < 0 or not time_limit > 0:
        raise ValueChainError(
            f"--samples must be >= 1, --seed >= 0, --workers >= 0 and --time-limit > 0; "
            f"got {samples}, {seed}, {workers}, {time_limit}"
        )
    ctx = cluster(scheduler, workers=max(workers, 1)) if scheduler or workers > 0 else nullcontext(None)
    with ctx as client, console.status(f"planning over {samples} register samples") as status:
        res = solve_saa(net, spec, samples, seed, form=form, method=method, client=client,  # type: ignore[arg-type]
                        time_limit=time_limit, progress=lambda msg: status.update(msg))  # fmt: skip
    cap = res.capacity()
    title = f"New capacity of the plan over {res.samples} register samples (seed {res.seed}, {res.form})"
    t = Table("year", "expansion", "new capacity", title=title, title_justify="left")
    for key, v in cap.items():
        year, exp = key if isinstance(key, tuple) else (key, "")
        t.add_row(str(year), str(exp), _num(float(v)))
    console.print(t)
    stock = res.first_stage.xs("reserve", level=0) if "reserve" in res.first_stage.index.get_level_values(0) else None
    if stock is not None:
        console.print(f"strategic stock capacity held: {_num(float(stock.sum()))} (all hubs and years, own units)")
    console.print(f"in-sample optimum ({res.form}, {res.samples} samples): {_num(res.objective)}; "
                  f"bound {_num(res.bound)}, gap {res.gap:.2g}; {res.iterations} iterations")  # fmt: skip
    if res.expected_cost is not None:
        e = res.expected_cost
        console.print(f"expected cost out of sample: {_num(e.estimate)}, {e.confidence:.0%} interval "
                      f"[{_num(e.low)}, {_num(e.high)}] over {e.n} fresh samples")  # fmt: skip
    if res.optimality_gap is not None:
        g = res.optimality_gap
        console.print(f"optimality gap (multiple replications, {g.n} batches): {_num(g.estimate)}, "
                      f"{g.confidence:.0%} upper bound {_num(g.high)}")  # fmt: skip
    console.print("times: " + ", ".join(f"{k} {v:.1f} s" for k, v in res.seconds.items()))
    if capacity_csv is not None:
        try:
            cap.rename("capacity").to_csv(capacity_csv)
        except OSError as e:
            raise ValueChainError(f"cannot write {capacity_csv}: {e.strerror or e}") from None
        console.print(f"wrote {capacity_csv}")


def resilience_cmd(
    network: Annotated[str, typer.Argument(help="Network name or folder.")],
    top: Annotated[int, typer.Option("--top", "-n", help="Rows to show (most exposed first).")] = 15,
    kind: Annotated[
        str, typer.Option("--kind", help="'process' or 'stage' (region and output commodity).")
    ] = "process",
    periods: Annotated[int, typer.Option("--periods", help="Horizon in months.")] = 12,
    tts: Annotated[bool, typer.Option("--tts/--no-tts", help="Also compute the LP time to survive (slower).")] = True,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the full table to this CSV file.")] = None,
    spare_ramp: Annotated[
        bool,
        typer.Option(
            "--spare-ramp",
            help="In the time to survive, spare capacity comes online over each plant's ramp_up (a share each "
            "month from the first) instead of at once.",
        ),
    ] = False,
) -> None:
    """Time to recover impact, risk exposure index and time to survive per process, by linear programming."""
    import pandas as pd
    from rich.progress import Progress

    from valuechain.analysis.resilience import OperationsLP, SurvivalLP, impact_table, position
    from valuechain.errors import ValueChainError
    from valuechain.network import load_network

    if top < 1:
        raise ValueChainError(f"The '--top' option must be an integer >= 1. Got {top}.")
    if spare_ramp and not tts:
        raise ValueChainError("--spare-ramp changes the time to survive only; leave out --no-tts")
    from valuechain._output import atomic_file, check_out_file

    if csv is not None:
        check_out_file(csv, "--csv")  # before the computation, not after it
    net = load_network(network)
    op = OperationsLP(net, periods=periods, kind=kind)
    with Progress(console=console, transient=True) as bar:
        job = bar.add_task("TTR impact", total=len(op.nodes))
        frame = impact_table(op, progress=lambda: bar.advance(job))
    units = frame.attrs["units"]
    shown = frame.head(top).copy()
    if tts:
        lp = SurvivalLP(net, periods=periods, kind=kind, spare_ramp=spare_ramp)
        shown.insert(1, "tts", [lp.tts(position(lp.nodes, str(name))) for name in shown.index])
    single = not str(units["lost_units"]).startswith("mixed")
    by_com = [c for c in frame.columns if str(c).startswith("lost_units:")]

    def lost_units(r: pd.Series) -> str:
        if single:
            return _num(r["lost_units"])
        com = net.commodities
        parts = [(float(r[c]), str(c).split(":", 1)[1]) for c in by_com if float(r[c]) > 0]

        def worth(qc: tuple[float, str]) -> float:  # units differ: largest first by the commodity's value
            v = float(com["value"].get(qc[1], math.nan))
            return qc[0] * (v if math.isfinite(v) and v > 0 else 1.0)

        parts.sort(key=worth, reverse=True)
        text = "; ".join(f"{_num(q)} {com['unit'].get(c, '')} {c}" for q, c in parts[:2])
        return (text + (f"; +{len(parts) - 2} more" if len(parts) > 2 else "")) or "0"

    head = f"units lost ({units['lost_units']})" if single else "units lost"
    t = Table(kind, "region", "TTR (months)", "TTS (months)", head, f"lost value ({units['lost_value']})", "REI",
              title=f"Risk exposure of {net.name} ({periods}-month horizon, LP re-allocation"
                    f"{'; spare capacity online over ramp_up' if spare_ramp else ''})",
              title_justify="left")  # fmt: skip
    regions = net.processes["region"] if kind == "process" else None
    for name, r in shown.iterrows():
        reg = str(regions.get(name, "")) if regions is not None else str(name).split(":")[0]
        t.add_row(
            str(name),
            reg,
            f"{r['ttr']:.2f}",
            ("inf" if math.isinf(r["tts"]) else f"{r['tts']:.2f}") if "tts" in r else "-",
            lost_units(r),
            _num(r["lost_value"]),
            f"{r['rei']:.3f}",
        )
    console.print(t)
    if csv is not None:
        with atomic_file(csv, "--csv") as tmp:
            (shown if tts else frame).to_csv(tmp)
        console.print(f"wrote {csv}")


def register(app: typer.Typer) -> None:
    """Add the ``targets`` and ``resilience`` commands to ``app``."""
    app.command(
        "targets",
        help="Least-cost plan that meets a study's dependency caps (default: models/eu-crma-2030.yaml): "
        "capacity to add by stage, region and year, cost premium, shadow prices of the caps.",
    )(targets_cmd)
    app.command(
        "resilience",
        help="Time-to-recover impact, risk exposure index and time to survive per process (or country-stage), "
        "by linear programming with the best re-allocation of stocks and spare capacity.",
    )(resilience_cmd)
