"""Benchmark of the optimisation engine: build, hand-off to HiGHS, solve, memory, warm re-solves.

The same two-stage flow LP (toy-battery, S scenarios x T yearly periods, capacity and demand
multipliers drawn from a seeded generator) is built at about 1e4, 1e5 and 1e6 variables:

* ``valuechain``: ``build`` (program arrays + the Pyomo model users extend) and ``solve``'s
  hand-off (compiling the Pyomo additions, passing compressed rows to ``highspy``);
* ``floor``: the same program assembled as arrays and passed straight to ``highspy.Highs.passModel``
  (no Pyomo model, no wrapper) - the least any Pyomo-facing build can cost;
* ``warm``: a demand change (``Model.update_demand``) and then a cap change (``Model.update_share``)
  applied in place and re-solved from the last basis, against building and solving again from scratch.

Each size runs in its own subprocess so that ``ru_maxrss`` is that size's peak memory.

Recorded on a shared two-core machine (other work running; timings are noisy, ratios come from one run),
``python benchmarks/bench_opt.py --no-solve-above 1e5`` on 2026-11-22::

         vars      rows | floor build hand-off    GB | vc build hand-off    solve    GB |  ratio
       10,030     8,404 |        0.01     0.01  0.19 |     0.02     0.01     0.53  0.22 |   1.10x
      100,230    85,404 |        0.06     0.08  0.23 |     0.06     0.08   105.18  0.55 |   1.03x
    1,000,180   853,654 |        0.42     0.82  0.63 |     0.45     0.89        -  0.60 |   1.08x

    fully algebraic Pyomo model (Model.to_pyomo) + appsi persistent HiGHS hand-off: 1e4 0.48 + 1.05 s
    (71x floor), 1e5 5.11 + 12.55 s (126x floor).
    warm re-solve vs build + solve from scratch: demand +5 % 21x (1e4), 139x (1e5); cap 0.6 -> 0.45
    21x (1e4), 96x (1e5); same objectives.

Usage::

    python benchmarks/bench_opt.py            # 1e4, 1e5, 1e6 variables
    python benchmarks/bench_opt.py --quick    # 1e3, 1e4 (CI)
    python benchmarks/bench_opt.py --no-solve-above 200000    # hand-off only above 2e5
    python benchmarks/bench_opt.py --sizes 1e6 --no-solve-above 1e5
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
T = 10  # yearly periods


def _case(n_vars: int, seed: int = 7):
    # the planning problem is shared with the benchmark registry (`valuechain bench --case opt-build-solve`)
    from valuechain.bench.cases_opt import opt_problem

    return opt_problem(n_vars, seed)


def _floor(net, study, shocks) -> dict[str, float]:
    import highspy
    import numpy as np

    from valuechain.opt.formulation import assemble

    t0 = time.perf_counter()
    ctx = assemble(net, study, shocks=shocks)
    lp = ctx.lp
    lb, ub, cost, _ = lp.columns()
    rlo, rhi = lp.row_bounds()
    start, index, value = lp.csr()
    t1 = time.perf_counter()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    m = highspy.HighsLp()
    m.num_col_, m.num_row_ = lp.n_vars, lp.n_rows
    m.col_cost_, m.col_lower_, m.col_upper_ = cost, lb, ub
    m.row_lower_, m.row_upper_ = rlo, rhi
    m.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    m.a_matrix_.start_ = start.astype(np.int32)
    m.a_matrix_.index_ = index
    m.a_matrix_.value_ = value
    h.passModel(m)
    t2 = time.perf_counter()
    return {"build": t1 - t0, "handoff": t2 - t1, "n_vars": lp.n_vars, "n_rows": lp.n_rows}


def run_one(n_vars: int, mode: str, solve_it: bool) -> dict[str, float]:
    """One measurement in this process (called in a subprocess by :func:`main`)."""
    import highspy  # noqa: F401 - imports are a one-off per session; keep them out of the timings
    import pyomo.environ  # noqa: F401

    net, study, shocks = _case(n_vars)
    out: dict[str, float] = {}
    if mode == "floor":
        out = _floor(net, study, shocks)
    elif mode == "algebraic":
        # the whole program as an algebraic Pyomo model, handed to HiGHS by Pyomo's persistent interface
        from pyomo.contrib.appsi.solvers import Highs

        from valuechain.opt import build

        t0 = time.perf_counter()
        full = build(net, study, shocks=shocks).to_pyomo()
        out["build"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        Highs().set_instance(full)
        out["handoff"] = time.perf_counter() - t1
    else:
        from valuechain.opt import build, solve

        t0 = time.perf_counter()
        model = build(net, study, shocks=shocks)
        out["build"] = time.perf_counter() - t0
        out["n_vars"], out["n_rows"] = model.n_vars, model.n_rows
        if solve_it:
            res = solve(model, threads=1)
            out["handoff"], out["solve"], out["objective"] = res.handoff_seconds, res.solve_seconds, res.objective
            if mode == "warm":
                # a demand change: every demand row in every scenario and period up 5 %
                t1 = time.perf_counter()
                model.update_demand(model.demand * 1.05)
                warm = solve(model, threads=1)
                out["warm_update"] = time.perf_counter() - t1 - warm.solve_seconds
                out["warm_solve"] = warm.solve_seconds
                out["warm_total"] = time.perf_counter() - t1
                out["warm_flag"] = float(warm.warm)
                # from scratch: build the changed model and solve it
                shocks.demand[:] *= 1.05
                t2 = time.perf_counter()
                fresh = solve(build(net, study, shocks=shocks), threads=1)
                out["scratch_total"] = time.perf_counter() - t2
                out["agree"] = float(abs(fresh.objective - warm.objective) <= 1e-6 * max(1.0, abs(fresh.objective)))
                # a cap changed: China's share of German cells from 0.6 to 0.45
                t3 = time.perf_counter()
                model.update_share("cn-cells", 0.45)
                warm_cap = solve(model, threads=1)
                out["cap_total"] = time.perf_counter() - t3
                out["cap_solve"] = warm_cap.solve_seconds
                study2 = study.replace(policies=(dataclasses.replace(study.policies[0], share=0.45),))
                t4 = time.perf_counter()
                fresh_cap = solve(build(net, study2, shocks=shocks), threads=1)
                out["cap_scratch"] = time.perf_counter() - t4
                out["cap_agree"] = float(
                    abs(fresh_cap.objective - warm_cap.objective) <= 1e-6 * max(1.0, abs(fresh_cap.objective))
                )
        else:
            from valuechain.opt.solver import _compile_user, _pass

            t1 = time.perf_counter()
            _pass(model, _compile_user(model))
            out["handoff"] = time.perf_counter() - t1
    out["peak_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    return out


def _sub(n_vars: int, mode: str, solve_it: bool) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--one", str(n_vars), mode, "1" if solve_it else "0"]
    env = {"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"benchmark subprocess failed ({n_vars}, {mode}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="CI sizes (1e3, 1e4 variables)")
    ap.add_argument("--no-solve-above", type=float, default=float("inf"), help="skip solving sizes above this")
    ap.add_argument(
        "--algebraic-up-to",
        type=float,
        default=100_000,
        help="also time the fully algebraic Pyomo model up to this size",
    )
    ap.add_argument("--sizes", type=float, nargs="+", help="numbers of variables to run (default 1e4 1e5 1e6)")
    ap.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        n, mode, solve_it = int(args.one[0]), args.one[1], args.one[2] == "1"
        print(json.dumps(run_one(n, mode, solve_it)))
        return
    sizes = [1_000, 10_000] if args.quick else [10_000, 100_000, 1_000_000]
    if args.sizes:
        sizes = [int(x) for x in args.sizes]
    print(
        f"{'vars':>9} {'rows':>9} | {'floor build':>11} {'hand-off':>8} {'GB':>5} | {'vc build':>8} {'hand-off':>8} "
        f"{'solve':>8} {'GB':>5} | {'ratio':>6}"
    )
    warm_rows = []
    alg_rows = []
    for n in sizes:
        solve_it = n <= args.no_solve_above
        fl = _sub(n, "floor", False)
        vc = _sub(n, "warm" if (solve_it and n <= 100_000) else "vc", solve_it)
        ratio = (vc["build"] + vc["handoff"]) / (fl["build"] + fl["handoff"])
        solve_s = f"{vc['solve']:8.2f}" if "solve" in vc else f"{'-':>8}"
        print(
            f"{int(vc['n_vars']):>9,} {int(vc['n_rows']):>9,} | {fl['build']:11.2f} {fl['handoff']:8.2f} "
            f"{fl['peak_gb']:5.2f} | {vc['build']:8.2f} {vc['handoff']:8.2f} {solve_s} {vc['peak_gb']:5.2f} | "
            f"{ratio:6.2f}x"
        )
        if "warm_total" in vc:
            warm_rows.append(vc)
        if n <= args.algebraic_up_to:
            alg = _sub(n, "algebraic", False)
            alg_rows.append((vc, alg, fl))
    if alg_rows:
        print("\nfully algebraic Pyomo model (Model.to_pyomo) + appsi persistent HiGHS hand-off, for reference")
        print(f"{'vars':>9} | {'build':>7} {'hand-off':>8} {'GB':>5} | {'x floor':>8}")
        for vc, alg, fl in alg_rows:
            r = (alg["build"] + alg["handoff"]) / (fl["build"] + fl["handoff"])
            print(
                f"{int(vc['n_vars']):>9,} | {alg['build']:7.2f} {alg['handoff']:8.2f} {alg['peak_gb']:5.2f} | {r:7.1f}x"
            )
    if warm_rows:
        print("\nwarm re-solve after a 5 % demand change (update_demand + solve) vs build + solve from scratch")
        print(
            f"{'vars':>9} | {'update':>7} {'solve':>7} {'total':>7} | {'scratch':>8} | {'speed-up':>8} | same objective"
        )
        for vc in warm_rows:
            print(
                f"{int(vc['n_vars']):>9,} | {vc['warm_update']:7.3f} {vc['warm_solve']:7.3f} {vc['warm_total']:7.3f} | "
                f"{vc['scratch_total']:8.3f} | {vc['scratch_total'] / vc['warm_total']:7.1f}x | {bool(vc['agree'])}"
            )
        print("\nwarm re-solve after a cap change (update_share 0.6 -> 0.45 + solve) vs build + solve from scratch")
        print(f"{'vars':>9} | {'solve':>7} {'total':>7} | {'scratch':>8} | {'speed-up':>8} | same objective")
        for vc in warm_rows:
            print(
                f"{int(vc['n_vars']):>9,} | {vc['cap_solve']:7.3f} {vc['cap_total']:7.3f} | {vc['cap_scratch']:8.3f} | "
                f"{vc['cap_scratch'] / vc['cap_total']:7.1f}x | {bool(vc['cap_agree'])}"
            )


if __name__ == "__main__":
    main()
