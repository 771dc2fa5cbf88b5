"""Kernel throughput against block size on synthetic networks; prints its figures.

Usage::

    PYTHONPATH=src python benchmarks/bench_blocks.py                       # 1e3 to 3e4 processes, about 3 minutes
    PYTHONPATH=src python benchmarks/bench_blocks.py --sizes 1000,10000 --blocks 64,512

For each network (``valuechain.network.synthetic.synthetic_network(n, seed=1)``) it runs the
kernel, as ``simulate`` runs it for summaries, on 2,048 random single-plant outages x 24 months
with each block size (scenarios per thread block), best of 2, and prints edge x scenario x period
updates per second next to the block size the default rule picks (``kernel.default_block``). This
is the measurement behind that rule: blocks that fit a core's cache on small networks, long
blocks once a network's state lives in main memory.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from valuechain.network.synthetic import synthetic_network  # noqa: E402
from valuechain.scenarios import random_outages  # noqa: E402
from valuechain.sim import compile_network  # noqa: E402
from valuechain.sim.kernel import default_block, run_chunk  # noqa: E402
from valuechain.sim.simulate import _Plan, summary_statics  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,3000,10000,30000", help="processes, comma-separated")
    ap.add_argument("--blocks", default="16,64,128,256,512", help="block sizes, comma-separated")
    ap.add_argument("--scenarios", type=int, default=2048)
    a = ap.parse_args()
    blocks = [int(b) for b in a.blocks.split(",")]
    print(f"{'processes':>10}{'edges':>9}{'kB/scenario':>13}{'default':>9}" + "".join(f"{b:>10}" for b in blocks))
    for size in (int(x) for x in a.sizes.split(",")):
        net = synthetic_network(size, seed=1)
        arr = compile_network(net)
        n = a.scenarios
        sh = random_outages(net, n, seed=0)
        ev = _Plan(arr, net, sh).events(sh, 0, n)
        args, statics = arr.kernel_args(), summary_statics(arr)
        per = 8 * (5 * len(arr.hubs) + 3 * len(arr.processes) + 2 * len(arr.routes) + len(arr.demands))
        rates = []
        for blk in blocks:
            run_chunk(args, ev, statics, resourcing=False, block=blk)  # warm
            best = float("inf")
            for _ in range(2):
                t0 = time.perf_counter()
                run_chunk(args, ev, statics, resourcing=False, block=blk)
                best = min(best, time.perf_counter() - t0)
            rates.append(arr.n_edges * n * 24 / best)
        print(f"{size:>10,}{arr.n_edges:>9,}{per / 1e3:>13.0f}{default_block(n, per):>9}"
              + "".join(f"{r:>10.3g}" for r in rates), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
