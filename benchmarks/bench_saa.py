"""Sampled plans on the global network: extensive form against the L-shaped method, 1 Dask worker against 2.

Usage (one case per run; the figures in benchmarks/README.md come from these commands)::

    PYTHONPATH=src python benchmarks/bench_saa.py --samples 10 --form extensive --workers 0
    PYTHONPATH=src python benchmarks/bench_saa.py --samples 100 --form lshaped --workers 2

Prints one JSON line: wall time per step, L-shaped iterations, objective, bound and gap, the
out-of-sample interval and the peak resident memory of this process and of every worker.

``--save-plans FILE`` keeps the first-stage plans at which the L-shaped method evaluated the second
stages; ``--replay FILE`` evaluates the same samples at those plans, in that order, on
``--workers`` workers, and times every round: the same work whatever the number of workers (each
scenario re-solves from its own last basis), which an L-shaped run is not (its path depends on
the chunks' warm bases).
"""

from __future__ import annotations

import argparse
import json
import resource
import time


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", default="models/eu-crma-2030.yaml")
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--form",
        default="auto",
        choices=["auto", "extensive", "lshaped", "ph"],
        help="ph: progressive hedging in this process, for comparison (no statistics)",
    )
    ap.add_argument("--rho", type=float, default=1.0, help="progressive hedging's penalty scale")
    ap.add_argument("--check-every", type=int, default=5, help="progressive hedging's iterations between bounds")
    ap.add_argument("--method", default="auto")
    ap.add_argument("--workers", type=int, default=0, help="0: no Dask, this process")
    ap.add_argument("--gap", type=float, default=1e-4)
    ap.add_argument("--evaluate", type=int, default=0)
    ap.add_argument("--replications", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=float("inf"))
    ap.add_argument("--groups", type=int, default=None, help="L-shaped cut groups (default: solve_saa's)")
    ap.add_argument("--means", type=int, default=0, help="mean scenarios in the L-shaped master (0: none)")
    ap.add_argument("--no-wait-and-see", action="store_true", help="only the L-shaped master's lower bound")
    ap.add_argument(
        "--lagrangian",
        choices=["auto", "on", "off"],
        default="auto",
        help="Lagrangian bounds during the L-shaped method (auto: solve_saa's default)",
    )
    ap.add_argument(
        "--cuts", action="store_true", help="cuts from the wait-and-see and Lagrangian solves in the masters"
    )
    ap.add_argument("--ramp", type=int, default=None, help="samples in the L-shaped ramp (default: solve_saa's)")
    ap.add_argument("--ramp-share", type=float, default=None, help="share of --time-limit for the ramp")
    ap.add_argument("--save-plans", default=None, help="keep the plans the L-shaped method evaluates (.npy)")
    ap.add_argument("--replay", default=None, help="time the second stages at the plans of a --save-plans file")
    args = ap.parse_args()

    from contextlib import nullcontext

    from valuechain.network import load_network
    from valuechain.study import check_study, load_study
    from valuechain.study.decompose import solve_saa
    from valuechain.study.scale import cluster

    study = load_study(args.study)
    net = load_network(study.network or "")
    check_study(study, net)
    if args.form == "ph":
        _ph(args, net, study)
        return
    if args.replay:
        _replay(args, net, study)
        return
    plans: list[object] = []
    if args.save_plans:
        import valuechain.analysis._lshaped as ls

        real = ls.lshaped

        def keep(first, probability, evaluate, *a, **kw):  # type: ignore[no-untyped-def]
            def kept(x):  # type: ignore[no-untyped-def]
                plans.append(x.copy())
                return evaluate(x)

            return real(first, probability, kept, *a, **kw)

        ls.lshaped = keep  # type: ignore[assignment]
    ctx = cluster(workers=args.workers) if args.workers > 0 else nullcontext(None)
    t0 = time.perf_counter()
    with ctx as client:
        res = solve_saa(
            net, study, args.samples, args.seed, form=args.form, method=args.method, client=client, gap=args.gap,
            evaluate=args.evaluate, replications=args.replications, time_limit=args.time_limit,
            groups=args.groups, means=args.means, wait_and_see=not args.no_wait_and_see,
            lagrangian={"auto": None, "on": True, "off": False}[args.lagrangian], cuts=args.cuts,
            ramp=args.ramp, **({} if args.ramp_share is None else {"ramp_share": args.ramp_share}),
            progress=lambda m: print(f"[{time.perf_counter() - t0:7.1f} s] {m}", flush=True),
        )  # fmt: skip
        workers_mb = (
            list(client.run(_peak_mb).values()) if client is not None else []  # type: ignore[union-attr]
        )
    out = {
        "samples": args.samples,
        "form": res.form,
        "groups": args.groups,
        "means": args.means,
        "wait_and_see": not args.no_wait_and_see,
        "lagrangian": args.lagrangian,
        "cuts": args.cuts,
        "ramp": args.ramp,
        "ramp_share": args.ramp_share,
        "workers": args.workers,
        "seconds": round(time.perf_counter() - t0, 1),
        "steps": {k: round(v, 1) for k, v in res.seconds.items()},
        "iterations": res.iterations,
        "objective": res.objective,
        "bound": res.bound,
        "gap": res.gap,
        "expected_cost": str(res.expected_cost) if res.expected_cost else None,
        "optimality_gap": str(res.optimality_gap) if res.optimality_gap else None,
        "peak_mb_main": round(_peak_mb()),
        "peak_mb_workers": [round(m) for m in workers_mb],
    }
    print(json.dumps(out))
    if args.save_plans:
        import numpy as np

        np.save(args.save_plans, np.array(plans))


def _replay(args: argparse.Namespace, net: object, study: object) -> None:
    """The second stages of the samples at saved plans, in order, round by round, on ``--workers``."""
    from contextlib import nullcontext

    import numpy as np

    from valuechain.study.decompose import _chunk, _evaluate, _ranges, _Runner
    from valuechain.study.scale import cluster

    plans = np.load(args.replay)
    ctx = cluster(workers=args.workers) if args.workers > 0 else nullcontext(None)
    with ctx as client:
        t0 = time.perf_counter()
        run = _Runner(client, net)  # type: ignore[arg-type]
        ranges = _ranges(0, args.samples, max(len(run.workers), 1))
        held, where = run.hold(_chunk, [(run.network, study, None, args.seed, a, c) for a, c in ranges])
        built = time.perf_counter() - t0
        rounds = []
        for x in plans:
            tr = time.perf_counter()
            out = run.map(_evaluate, [(h, x, True) for h in held], pinned=where if client else None)
            rounds.append(time.perf_counter() - tr)
            mean = float(np.concatenate([o[0] for o in out]).mean())
            total = sum(o[2] for o in out)  # simplex iterations so far
            print(f"[{time.perf_counter() - t0:7.1f} s] round {len(rounds)}: {rounds[-1]:.1f} s, "
                  f"mean second stage {mean:,.10g}, simplex iterations so far {total:,}", flush=True)  # fmt: skip
    r = np.array(rounds)
    print(json.dumps({"samples": args.samples, "workers": args.workers, "plans": len(r), "build": round(built, 1),
                      "first_round": round(float(r[0]), 1), "later_rounds": round(float(r[1:].sum()), 1),
                      "rounds": [round(float(v), 2) for v in r]}))  # fmt: skip


def _ph(args: argparse.Namespace, net: object, study: object) -> None:
    """Progressive hedging over the samples' distinct scenarios, in this process."""
    import numpy as np

    from valuechain.analysis._ph import progressive_hedging
    from valuechain.study.decompose import _chunk

    t0 = time.perf_counter()
    chunk = _chunk(net, study, None, args.seed, 0, args.samples)  # type: ignore[arg-type]
    p = np.bincount(chunk.inverse, minlength=chunk.distinct) / args.samples
    built = time.perf_counter() - t0
    print(f"[{built:7.1f} s] {args.samples} samples, {chunk.distinct} distinct scenarios", flush=True)
    res = progressive_hedging(
        chunk.sub, p, rho=args.rho, gap=args.gap, time_limit=args.time_limit, check_every=args.check_every,
        progress=lambda i, lo, up, spread: print(
            f"[{time.perf_counter() - t0:7.1f} s] PH iteration {i}: bound {lo:,.10g}, plan {up:,.10g}, "
            f"spread {spread:,.4g}", flush=True),
    )  # fmt: skip
    out = {"samples": args.samples, "form": "ph", "rho": args.rho, "seconds": round(time.perf_counter() - t0, 1),
           "steps": {"sample+build": round(built, 1), "solve": round(res.seconds, 1)},
           "iterations": res.iterations, "objective": res.objective, "bound": res.bound, "gap": res.gap,
           "peak_mb_main": round(_peak_mb())}  # fmt: skip
    print(json.dumps(out))


if __name__ == "__main__":
    main()
