"""One large streamed ensemble on a plant-level synthetic network; prints time and peak memory.

Usage::

    PYTHONPATH=src python benchmarks/bench_scale.py                       # 1e7 scenario-months, 1e4 processes
    PYTHONPATH=src python benchmarks/bench_scale.py --processes 1000 --scenario-months 1e6   # a few seconds

The network is ``synthetic_network(processes, seed=1)``; the scenarios are random single-plant
outages (``valuechain.scenarios.random_outages``), drawn chunk by chunk and streamed through
``simulate`` with summaries only, so memory stays bounded by one chunk whatever the ensemble's
size. Printed: the time to build and to compile the network, then the streamed run's wall time,
scenario-months and edge updates per second, its expected lost value, and the process's peak
resident memory (VmHWM from ``/proc/self/status``, covering everything the run did).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from valuechain.scenarios import SparseShocks, random_outages  # noqa: E402
from valuechain.sim import compile_network, simulate, synthetic_network  # noqa: E402


def peak_mb() -> float:
    with open("/proc/self/status") as f:
        line = next(x for x in f if x.startswith("VmHWM"))
    return int(line.split()[1]) / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--processes", type=int, default=10_000, help="processes of the synthetic network")
    ap.add_argument("--scenario-months", type=float, default=1e7, help="scenarios x periods to run")
    ap.add_argument("--periods", type=int, default=24, help="months per scenario")
    ap.add_argument("--chunk", type=int, default=8192, help="scenarios per streamed chunk")
    ap.add_argument("--mode", default="pro-rata", choices=("pro-rata", "re-sourcing"))
    a = ap.parse_args()
    n = -(-int(a.scenario_months) // a.periods)
    print(f"valuechain scale run: {os.cpu_count()} cores; {n:,} scenarios x {a.periods} months on a "
          f"{a.processes:,}-process synthetic network, {a.mode}, chunks of {a.chunk:,}", flush=True)  # fmt: skip

    t0 = time.perf_counter()
    net = synthetic_network(a.processes, seed=1)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    arr = compile_network(net)
    comp = time.perf_counter() - t0
    print(f"network: {len(net.processes):,} processes, {len(arr.hubs):,} hubs, {len(arr.routes):,} routes, "
          f"{arr.n_edges:,} edges; built in {build:.1f} s, compiled in {comp:.1f} s "
          f"({len(arr.lagged)} edges lagged to break loops)", flush=True)  # fmt: skip
    simulate(net, random_outages(net, 8, seed=0, periods=a.periods), keep="summary", mode=a.mode)  # load kernels

    done = 0
    t_run = time.perf_counter()
    step = max(1, n // 10)
    shown = 0

    def chunks() -> Iterator[SparseShocks]:
        nonlocal done, shown
        for k, s0 in enumerate(range(0, n, a.chunk)):
            c = min(a.chunk, n - s0)
            yield random_outages(net, c, seed=1_000 + k, periods=a.periods)
            done += c
            if done - shown >= step or done == n:
                shown = done
                dt = time.perf_counter() - t_run
                print(f"  {done:>12,} scenarios  {dt:8.1f} s  {done * a.periods / dt:12,.0f} scenario-months/s",
                      flush=True)  # fmt: skip

    res = simulate(net, chunks(), mode=a.mode)
    wall = time.perf_counter() - t_run
    sm = n * a.periods
    print(f"done: {res.n_scenarios:,} scenarios = {sm:,} scenario-months in {wall:.1f} s "
          f"({sm / wall:,.0f} scenario-months/s, {sm * arr.n_edges / wall:.3g} edge updates/s); "
          f"expected lost value {res.expected('lost_value'):,.4g}; peak RSS {peak_mb():,.0f} MB",
          flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
