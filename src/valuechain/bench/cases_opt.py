"""Benchmark cases of the optimisation engine and of a whole study.

The planning problem of every size is :func:`opt_problem`: the two-stage flow LP on toy-battery,
``S`` scenarios x 10 yearly periods of seeded capacity and demand multipliers, with a cap on
China's share of German cells. ``benchmarks/bench_opt.py`` (build vs a bare HiGHS hand-off,
memory) uses the same problem.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

from valuechain.bench.registry import case

#: Yearly periods of the planning problem.
PERIODS = 10
#: Variables per scenario and period of the planning problem on toy-battery.
VARS_PER_SCENARIO_PERIOD = 41


def opt_problem(n_vars: int, seed: int = 7) -> tuple[Any, Any, Any]:
    """``(network, study, shocks)`` of a planning LP with about ``n_vars`` variables.

    Examples
    --------
    >>> net, study, shocks = opt_problem(5_000)
    >>> shocks.n_scenarios, len(study.policies)
    (12, 1)
    """
    import numpy as np
    import pandas as pd

    from valuechain.network import load_network
    from valuechain.opt import MaxOriginShare, Study
    from valuechain.scenarios.compiled import ShockArrays

    net = load_network("toy-battery")
    s = max(1, round(n_vars / (VARS_PER_SCENARIO_PERIOD * PERIODS)))
    shocks = ShockArrays.baseline(net, pd.period_range("2025", periods=PERIODS, freq="Y"), s)
    rng = np.random.default_rng(seed)
    shocks.process_capacity[:] = rng.uniform(0.6, 1.1, shocks.process_capacity.shape)
    shocks.route_capacity[:] = rng.uniform(0.5, 1.0, shocks.route_capacity.shape)
    shocks.demand[:] = rng.uniform(0.9, 1.1, shocks.demand.shape)
    cap = MaxOriginShare(commodities=("cell_nmc",), region="DE", origin="CN", share=0.6, label="cn-cells")
    study = Study(start=2025, years=PERIODS, discount_rate=0.05, policies=(cap,))
    return net, study, shocks


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a))


@case("opt-build-solve", sizes=(10_000, 30_000, 100_000), quick_sizes=(1_000,), size_label="variables")
def opt_build_solve(size: Any, quick: bool) -> dict[str, Any]:
    """Build the planning LP (arrays + Pyomo model), hand it to HiGHS and solve it (1 thread)."""
    import pyomo.environ  # noqa: F401 - a one-off import, kept out of the timings

    from valuechain.opt import build, solve

    net, study, shocks = opt_problem(int(size))
    t0 = time.perf_counter()
    model = build(net, study, shocks=shocks)
    build_s = time.perf_counter() - t0
    res = solve(model, threads=1)
    return {"n_vars": model.n_vars, "n_rows": model.n_rows, "build_s": round(build_s, 3),
            "handoff_s": round(res.handoff_seconds, 3), "solve_s": round(res.solve_seconds, 3),
            "objective": res.objective}  # fmt: skip


@case("opt-resolve", sizes=(10_000, 100_000), quick_sizes=(1_000,), size_label="variables")
def opt_resolve(size: Any, quick: bool) -> dict[str, Any]:
    """Persistent re-solve after a cap change (update_share 0.6 -> 0.45) vs build and solve again."""
    from valuechain.opt import build, solve

    net, study, shocks = opt_problem(int(size))
    model = build(net, study, shocks=shocks)
    first = solve(model, threads=1)
    t0 = time.perf_counter()
    model.update_share("cn-cells", 0.45)
    warm = solve(model, threads=1)
    warm_s = time.perf_counter() - t0
    study2 = study.replace(policies=(dataclasses.replace(study.policies[0], share=0.45),))
    t0 = time.perf_counter()
    fresh = solve(build(net, study2, shocks=shocks), threads=1)
    scratch_s = time.perf_counter() - t0
    first_s = first.build_seconds + first.handoff_seconds + first.solve_seconds
    return {"n_vars": model.n_vars, "first_s": round(first_s, 3),
            "warm_s": round(warm_s, 4), "rebuild_s": round(scratch_s, 3), "speed_up": round(scratch_s / warm_s, 1),
            "warm": warm.warm, "same_objective": _same(fresh.objective, warm.objective),
            "objective_change": warm.objective - first.objective}  # fmt: skip


@case("opt-sweep-dask", sizes=(8,), quick_sizes=(2,), size_label="studies")
def opt_sweep_dask(size: Any, quick: bool) -> dict[str, Any]:
    """A sweep of the cap (``size`` studies, 1e4 variables each) solved here vs on 2 Dask workers."""
    from valuechain.study.scale import cluster, solve_many

    net, study, shocks = opt_problem(1_000 if quick else 10_000)
    shares = [0.3 + 0.5 * i / max(1, int(size) - 1) for i in range(int(size))]
    studies = [(study.replace(policies=(dataclasses.replace(study.policies[0], share=s),)), shocks)
               for s in shares]  # fmt: skip
    solve_many(net, studies[:1])  # import pyomo and highspy here too
    t0 = time.perf_counter()
    local = solve_many(net, studies)
    local_s = time.perf_counter() - t0
    with cluster(workers=2, threads=1, processes=not quick) as client:
        solve_many(net, studies[:2], client=client)  # import pyomo and highspy on the workers
        t0 = time.perf_counter()
        dist = solve_many(net, studies, client=client)
        dask_s = time.perf_counter() - t0
    same = all(_same(a.objective, b.objective) for a, b in zip(local, dist, strict=True))
    return {"studies": len(studies), "local_s": round(local_s, 3), "dask_s": round(dask_s, 3),
            "speed_up": round(local_s / dask_s, 2), "same_objectives": same}  # fmt: skip


@case("study-default", sizes=("eu-crma-2030",), quick_sizes=("eu-crma-2030",), size_label="study")
def study_default(size: Any, quick: bool) -> dict[str, Any]:
    """End to end: load the default study spec, solve its targets plan, and simulate its network's baseline."""
    spec = Path("models") / f"{size}.yaml"
    if not spec.exists():
        return {"skipped": f"{spec} is not in this checkout"}
    import valuechain as vc
    from valuechain.analysis.targets import targets
    from valuechain.sim import simulate

    t0 = time.perf_counter()
    result = targets(None, str(spec))  # caps relative to today's shares need the targets layer
    study, plan = result.study, result.plan
    opt_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    net = vc.load_network(study.network) if isinstance(study.network, str) else study.network
    if net is None:
        return {"skipped": f"{spec} names no network"}
    res = simulate(net, periods=24)
    sim_s = time.perf_counter() - t0
    return {"optimise_s": round(opt_s, 3), "objective": plan.objective, "simulate_s": round(sim_s, 3),
            "baseline_lost_value": float(res.expected("lost_value"))}  # fmt: skip


@case("opt-saa", sizes=(10, 100, 1000), quick_sizes=(6,), size_label="samples")
def opt_saa(size: Any, quick: bool) -> dict[str, Any]:
    """A sampled plan (SAA) on the global network: the L-shaped method in this process, to a 1e-4 gap (15 min at most).

    ``size`` register samples of ``models/eu-crma-2030.yaml`` (seed 1); the quick run plans
    toy-battery over 6 samples by the extensive form and by the L-shaped method.
    """
    import valuechain as vc
    from valuechain.study import load_study
    from valuechain.study.decompose import solve_saa

    spec = Path("models") / ("toy-battery.yaml" if quick else "eu-crma-2030.yaml")
    if not spec.exists():
        return {"skipped": f"{spec} is not in this checkout"}
    study = load_study(str(spec))
    net = vc.load_network(study.network or "")
    out: dict[str, Any] = {"samples": int(size)}
    if quick:
        ext = solve_saa(net, study, int(size), 1, form="extensive", evaluate=0, replications=0)
        out["extensive_objective"] = ext.objective
    res = solve_saa(net, study, int(size), 1, form="lshaped", evaluate=0, replications=0, time_limit=900.0,
                    gap=1e-8 if quick else 1e-4)  # fmt: skip
    out.update(objective=res.objective, bound=res.bound, gap=res.gap, iterations=res.iterations,
               solve_s=round(res.seconds["solve"], 3))  # fmt: skip
    if quick:
        out["same_objective"] = _same(out["extensive_objective"], res.objective)
    return out
