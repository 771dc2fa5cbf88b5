"""``valuechain outlook``: the probability that the project pipeline meets a study's benchmarks."""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from valuechain.commands.targets import _num as _amount

__all__ = ["register"]

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def _pct(x: float) -> str:
    return "-" if math.isnan(x) else f"{100 * x:.1f}%"


def _num(x: float) -> str:
    return _amount(x, k_digits=1)


def outlook_cmd(
    study: Annotated[
        str, typer.Argument(help="Targets study (a .yaml file or a name in models/).")
    ] = "models/eu-crma-2030.yaml",
    samples: Annotated[int, typer.Option("--samples", help="Pipeline x shock samples.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the samples.")] = 1,
    target: Annotated[float, typer.Option("--target", help="Probability the additions must reach.")] = 0.8,
    completion: Annotated[
        Path | None, typer.Option("--completion", help="Completion file (default: the network's completion.csv).")
    ] = None,
    plan: Annotated[
        bool,
        typer.Option(
            "--plan/--no-plan", help="Also solve the targets model with the pipeline at its quantile as given."
        ),
    ] = True,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the tables (CSV), the chart (PNG) and an HTML page here.")
    ] = None,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", help="Samples evaluated at once (bounds memory; the result is the same).")
    ] = 10_000,
    workers: Annotated[
        int, typer.Option("--workers", help="Run the chunks on a local Dask cluster of this many workers (0: here).")
    ] = 0,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Run the chunks on this dask.distributed scheduler (tcp://...).")
    ] = None,
) -> None:
    """Probability that the announced pipeline meets each benchmark by year, the projects that matter, additions."""
    from contextlib import nullcontext

    from valuechain._output import atomic_dir, check_out_dir
    from valuechain.errors import ValueChainError
    from valuechain.network import load_network
    from valuechain.study import check_study, load_study
    from valuechain.study.scale import cluster, outlook

    if samples < 1 or seed < 0 or not 0 < target < 1 or chunk_size < 1 or workers < 0:
        raise ValueChainError(f"--samples and --chunk-size must be >= 1, --seed and --workers >= 0 and --target in "
                              f"(0, 1); got {samples}, {chunk_size}, {seed}, {workers}, {target}")  # fmt: skip
    if out is not None:
        check_out_dir(out)
    t0 = time.perf_counter()
    spec = load_study(study)
    net = load_network(spec.network or "")
    check_study(spec, net)
    ctx = cluster(scheduler, workers=max(workers, 1)) if scheduler or workers > 0 else nullcontext(None)
    with ctx as client, console.status("outlook") as status:
        res = outlook(spec, network=net, samples=samples, seed=seed, target=target, completion=completion,
                      plan=plan, progress=lambda msg: status.update(msg), chunk_size=chunk_size,
                      client=client)  # fmt: skip
    p = res.probabilities
    years = sorted(p["year"].unique())
    t = Table("benchmark", *[str(y) for y in years], f"gap {years[-1]} (pp)", f"gap {years[-1]}", "unit",
              title=f"P(met) for {res.region}: {res.study}, {res.samples:,} samples, seed {res.seed}",
              title_justify="left")  # fmt: skip
    for name, grp in p.groupby("benchmark", sort=False):
        g = grp.set_index("year")
        probs = [f"{float(v):.3f}" for v in g["p_met"].reindex(years)]
        gap_pp = f"{float(g['expected_gap_pp'].iloc[-1]):.2f}"
        t.add_row(str(name), *probs, gap_pp, _num(float(g["expected_gap"].iloc[-1])), str(g["unit"].iloc[-1]))
    console.print(t)
    top = res.projects[res.projects["drop"] > 0].head(10)
    tp = Table("project", "status", "benchmark", f"P {years[-1]}", "without", "drop",
               title="Projects that matter most (removed in turn, same samples)", title_justify="left")  # fmt: skip
    for r in top.itertuples():
        tp.add_row(str(r.project), str(r.status), str(r.benchmark), f"{r.p_met:.3f}", f"{r.p_without:.3f}",
                   f"{r.drop:.4f}")  # fmt: skip
    console.print(tp)
    ta = Table("expansion", "region", "outputs a year", "cost / yr",
               title=f"Least-cost additions beyond the pipeline to reach {res.target:.0%} in {years[-1]} "
               "(the region's expansion options, HiGHS)",
               title_justify="left")  # fmt: skip
    a = res.additions
    for exp, reg, outs, cost in zip(a["expansion"], a["region"], a["outputs"], a["cost_per_year"], strict=True):
        ta.add_row(str(exp), str(reg), str(outs), _num(float(cost)))
    console.print(ta)
    if res.plan is not None:
        tq = Table("expansion", "region", "in region", "outputs a year in the last year",
                   title=f"Targets model with the pipeline at its {1 - res.target:.0%} quantile as given: what it "
                   f"builds (objective {_num(res.plan_objective)})", title_justify="left")  # fmt: skip
        q = res.plan
        for exp, reg, inside, outs in zip(q["expansion"], q["region"], q["in_region"], q["outputs"], strict=True):
            tq.add_row(str(exp), str(reg), "yes" if inside else "no", str(outs))
        console.print(tq)
        if res.left_out:
            console.print("projects the plan could not represent: " + ", ".join(res.left_out))
    b = res.after
    cols = ["benchmark", f"P {years[-1]}", "with additions", "short (no option)"]
    tb = Table(*cols, *(["with the plan"] if "p_plan" in b else []), title_justify="left")
    for k in range(len(b)):
        extra = [f"{float(b['p_plan'].iloc[k]):.3f}"] if "p_plan" in b else []
        tb.add_row(str(b["benchmark"].iloc[k]), f"{float(b['p_met'].iloc[k]):.3f}",
                   f"{float(b['p_after'].iloc[k]):.3f}", _num(float(b["short"].iloc[k])), *extra)  # fmt: skip
    console.print(tb)
    tm = res.timings
    console.print(
        f"timings: prepare {tm['prepare']:.2f} s, {res.samples:,} samples drawn, evaluated and ranked "
        f"{tm['sample']:.2f} s, additions {tm['additions']:.2f} s"
        + (f", targets model {tm['plan']:.2f} s" if "plan" in tm else "")
        + f"; total {time.perf_counter() - t0:.2f} s"
    )
    if out is not None:
        from valuechain.report.html import Report
        from valuechain.report.outlook import outlook_section

        with atomic_dir(out) as tmp:
            res.probabilities.to_csv(tmp / "probabilities.csv", index=False)
            res.projects.to_csv(tmp / "projects.csv", index=False)
            res.additions.to_csv(tmp / "additions.csv", index=False)
            res.after.to_csv(tmp / "after.csv", index=False)
            if res.plan is not None:
                res.plan.to_csv(tmp / "plan.csv", index=False)
            rep = Report(f"Outlook: {res.study}", f"{res.samples:,} samples, seed {res.seed}")
            outlook_section(rep, res, net)
            rep.write(tmp / "outlook.html")
        console.print(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add the ``outlook`` command to ``app``."""
    app.command(
        "outlook",
        help="Probability that the announced project pipeline meets each benchmark of a targets study by year "
        "(seeded Monte Carlo over project outcomes and the study's shocks), the projects that matter most, "
        "and the least-cost additions that bring each to a target.",
    )(outlook_cmd)
