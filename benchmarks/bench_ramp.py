"""Re-sourcing on the global network by how far up the chain it ramps up spare capacity; prints its figures.

Usage::

    PYTHONPATH=src python benchmarks/bench_ramp.py                  # 10,000 register samples, about a minute
    PYTHONPATH=src python benchmarks/bench_ramp.py --samples 2000

Runs ``simulate`` on ``global-li-ion-2024`` with ``--samples`` scenarios of the default risk
register (seed 1, 24 months, summaries only, after a warm-up that compiles the kernel) in
pro-rata mode and in re-sourcing mode with ``ramp_depth`` 0 (the default), 1, 2 and the whole
chain, and at depth 0 and the whole chain with ``spare_ramp`` (spare capacity online over each
plant's ``ramp_up``), best of ``--repeat``. For each it prints the wall time, scenarios per second,
the time against re-sourcing at depth 0, and the expected lost value and lost cells, so that what
the deeper pulls cost is seen next to what they change. Also prints the network's longest pull
chain (``SimArrays.pull_depth``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import valuechain as vc  # noqa: E402
from valuechain.scenarios import RiskRegister  # noqa: E402
from valuechain.sim import compile_network  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    net = vc.load_network("global-li-ion-2024")
    sh = RiskRegister.default().sample(net, args.samples, seed=1, periods=24, sparse=True)
    print(f"global-li-ion-2024: {args.samples:,} register samples x 24 months; longest pull chain "
          f"{compile_network(net, 1.0).pull_depth} steps")  # fmt: skip
    cases = [("pro-rata", 0, False), ("re-sourcing", 0, False), ("re-sourcing", 1, False), ("re-sourcing", 2, False),
             ("re-sourcing", None, False), ("re-sourcing", 0, True), ("re-sourcing", None, True)]  # fmt: skip
    for mode, depth, ramp in cases:  # warm-up: compile (or load) the kernel once per mode
        vc.simulate(net, RiskRegister.default().sample(net, 8, seed=2, periods=24, sparse=True), mode=mode,
                    keep="summary", ramp_depth=depth, spare_ramp=ramp)  # fmt: skip
    base = None
    print(f"{'mode':<12} {'ramp_depth':>10} {'spare_ramp':>10} {'seconds':>8} {'scen/s':>9} {'vs depth 0':>10} "
          f"{'E[lost value] M$':>17} {'E[lost cells] GWh':>18}")  # fmt: skip
    for mode, depth, ramp in cases:
        best, res = float("inf"), None
        for _ in range(args.repeat):
            t = time.perf_counter()
            res = vc.simulate(net, sh, mode=mode, keep="summary", ramp_depth=depth, spare_ramp=ramp)
            best = min(best, time.perf_counter() - t)
        assert res is not None
        if mode == "re-sourcing" and depth == 0 and not ramp:
            base = best
        ratio = f"{best / base:.2f}x" if base else ""
        label = "whole" if depth is None else str(depth)
        lost, cells = res.expected("lost_value") / 1e6, res.expected("lost_cells_gwh")
        print(f"{mode:<12} {label:>10} {'yes' if ramp else 'no':>10} {best:8.2f} {args.samples / best:9,.0f} "
              f"{ratio:>10} {lost:17,.1f} {cells:18.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
