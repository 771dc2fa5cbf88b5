"""Cold solves by the dual simplex and the interior point, and a warm re-solve with other samples' bounds.

Usage (one case per run; the "Solver choice" figures in benchmarks/README.md come from these)::

    PYTHONPATH=src python benchmarks/bench_methods.py --studies            # every bundled study's plan
    PYTHONPATH=src python benchmarks/bench_methods.py --samples 1          # one register sample
    PYTHONPATH=src python benchmarks/bench_methods.py --samples 10 --time-limit 200
    PYTHONPATH=src python benchmarks/bench_methods.py --samples 10 --no-crossover --methods ipm

Prints one line per solve: size, method, status, objective, seconds, iterations and the load average.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

STUDIES = ("toy-transport", "toy-battery", "us-china-cap-2030", "eu-export-controls-stress", "eu-crma-2030")


def _line(label: str, model: object, method: str, res: object) -> str:
    return (
        f"{label}: {model.n_vars:,} x {model.n_rows:,} {method}: {res.termination} {res.objective:.12g} "  # type: ignore[attr-defined]
        f"{res.solve_seconds:.3f} s, {res.iterations} it, load {os.getloadavg()[0]:.2f}"  # type: ignore[attr-defined]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--studies", action="store_true", help="each bundled study's plan (best of 3 for the fast ones)")
    ap.add_argument("--samples", type=int, default=1, help="register samples of models/eu-crma-2030.yaml")
    ap.add_argument("--methods", default="simplex,ipm")
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--no-crossover", action="store_true", help="interior point without crossover")
    args = ap.parse_args()

    import valuechain as vc
    from valuechain.analysis.saa import sample_shocks
    from valuechain.opt import build, solve
    from valuechain.study import load_study

    methods = args.methods.split(",")
    if args.studies:
        for name in STUDIES:
            spec = Path("models") / f"{name}.yaml"
            study = load_study(str(spec))
            net = vc.load_network(study.network or "")
            for m in methods:
                best = None
                for _ in range(1 if m == "simplex" and "toy" not in name else 3):
                    model = build(net, study)
                    res = solve(model, method=m, duals=False, time_limit=args.time_limit, allow_nonoptimal=True)
                    best = res if best is None or res.solve_seconds < best.solve_seconds else best
                print(_line(name, model, m, best), flush=True)
        return
    study = load_study("models/eu-crma-2030.yaml")
    net = vc.load_network(study.network or "")
    n = args.samples
    if args.no_crossover:  # the split model's extensive form, as the gap estimate's replications solve it
        from valuechain.analysis._twostage import extensive, split

        first, stages = split(build(net, study, shocks=sample_shocks(net, study, n, 1)))
        t = time.perf_counter()
        z, _ = extensive(first, stages, method="ipm", crossover=False, threads=None)
        print(f"{n} samples, cold ipm without crossover: {z:.12g} {time.perf_counter() - t:.3f} s, "
              f"load {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
        return
    for m in methods:
        model = build(net, study, shocks=sample_shocks(net, study, n, 1))
        res = solve(model, method=m, duals=False, time_limit=args.time_limit, allow_nonoptimal=True)
        print(_line(f"{n} samples, cold", model, m, res), flush=True)
        if not res.ok:
            continue
        # warm: the next n samples' bounds put in this model, re-solved from its basis by the simplex
        other = build(net, study, shocks=sample_shocks(net, study, n, 1, first=n))
        h = model._highs
        cols = np.flatnonzero((other.col_lb != model.col_lb) | (other.col_ub != model.col_ub)).astype(np.int32)
        rows = np.flatnonzero((other.row_lo != model.row_lo) | (other.row_hi != model.row_hi)).astype(np.int32)
        h.changeColsBounds(cols.size, cols, other.col_lb[cols], other.col_ub[cols])
        h.changeRowsBounds(rows.size, rows, other.row_lo[rows], other.row_hi[rows])
        h.setOptionValue("solver", "simplex")
        t = time.perf_counter()
        h.run()
        info = h.getInfo()
        print(
            f"{n} samples, warm simplex after {m} ({cols.size} column and {rows.size} row bounds differ): "
            f"{h.modelStatusToString(h.getModelStatus())} {info.objective_function_value:.12g} "
            f"{time.perf_counter() - t:.3f} s, {info.simplex_iteration_count} it, load {os.getloadavg()[0]:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
