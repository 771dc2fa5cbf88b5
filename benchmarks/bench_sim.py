"""Benchmark of the simulation engine; prints its figures.

Usage::

    PYTHONPATH=src python benchmarks/bench_sim.py           # full run (several minutes)
    PYTHONPATH=src python benchmarks/bench_sim.py --quick   # CI-sized run

Figures:

* kernel throughput in edge x scenario x period updates per second (edges = recipe inputs and
  outputs, routes and demand rows; the kernel run as ``simulate`` runs it, with its in-place
  summaries), on seeded synthetic layered networks and on the largest bundled network, and the
  same for the plain-Python reference (tests/sim/reference.py), with the ratio kernel /
  reference on the same network;
* wall time of 1e5 scenarios x 24 months through ``simulate`` (streamed, summaries only) after
  compilation, with the shocks drawn as sparse chunks: random single-process outages (with the
  split by stage), and samples of the default risk register;
* peak resident memory of a streamed ensemble of 1e6 scenarios (``keep="summary"``), measured
  in a fresh subprocess as its VmHWM (``/proc/self/status``; ``getrusage`` would report the
  parent's peak, which a child inherits across fork and exec on Linux);
* warm-cache CLI start time (``valuechain --help``), best of 5.

Timings are wall-clock on whatever else the machine is doing; compare ratios from one run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "sim"))

import valuechain as vc  # noqa: E402
from valuechain.scenarios import RiskRegister, SparseShocks, random_outages  # noqa: E402
from valuechain.sim import compile_network, simulate, synthetic_network  # noqa: E402
from valuechain.sim.kernel import run_chunk  # noqa: E402
from valuechain.sim.simulate import _Accumulator, _Plan, summary_statics  # noqa: E402


def outage_chunks(net: vc.Network, n: int, chunk: int, seed: int, periods: int = 24) -> Iterator[SparseShocks]:
    """Random single-process outages (``random_outages``: severity 0.2--1, start 0--11, 1--12 months), in chunks."""
    for k, a in enumerate(range(0, n, chunk)):
        yield random_outages(net, min(chunk, n - a), seed=seed * 1_000_003 + k, periods=periods)


def kernel_rate(
    net: vc.Network, n_scen: int, periods: int = 24, chunk: int = 8192, seed: int = 0, repeat: int = 3
) -> tuple[float, int]:
    """Updates per second of the kernel alone (with its summaries) over ``n_scen`` scenarios or more, best of
    ``repeat``, and the number of scenarios run."""
    arr = compile_network(net)
    sh = next(outage_chunks(net, min(chunk, n_scen), min(chunk, n_scen), seed, periods))
    ev = _Plan(arr, net, sh).events(sh, 0, sh.n_scenarios)
    args, statics = arr.kernel_args(), summary_statics(arr)
    run_chunk(args, ev, statics, resourcing=False)  # warm
    reps = max(1, -(-n_scen // sh.n_scenarios))
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(reps):
            run_chunk(args, ev, statics, resourcing=False)
        best = min(best, time.perf_counter() - t0)
    return arr.n_edges * reps * sh.n_scenarios * periods / best, reps * sh.n_scenarios


def reference_rate(net: vc.Network, n_scen: int, periods: int = 24) -> float:
    from reference import reference_simulate

    arr = compile_network(net)
    sh = next(outage_chunks(net, n_scen, n_scen, 1, periods)).to_dense()
    t0 = time.perf_counter()
    reference_simulate(net, sh, "pro-rata")
    dt = time.perf_counter() - t0
    return arr.n_edges * n_scen * periods / dt


def stream_time(net: vc.Network, n: int, chunk: int = 8192) -> tuple[float, float]:
    """Seconds for ``n`` scenarios x 24 months through simulate (streamed), and of drawing the shocks alone."""
    simulate(net, outage_chunks(net, 100, 100, 0))  # compile and warm
    t0 = time.perf_counter()
    for _ in outage_chunks(net, n, chunk, 3):
        pass
    gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = simulate(net, outage_chunks(net, n, chunk, 3), keep="summary")
    total = time.perf_counter() - t0
    assert res.n_scenarios == n
    return total, gen


def register_time(net: vc.Network, n: int, chunk: int = 8192) -> tuple[float, float]:
    """Seconds for ``n`` default-register samples x 24 months through simulate (sparse), and of drawing alone."""
    reg = RiskRegister.default()
    simulate(net, reg.iter_samples(net, 100, seed=1, sparse=True))  # compile and warm
    t0 = time.perf_counter()
    for _ in reg.iter_samples(net, n, seed=2, chunk_size=chunk, sparse=True):
        pass
    gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = simulate(net, reg.iter_samples(net, n, seed=2, chunk_size=chunk, sparse=True))
    total = time.perf_counter() - t0
    assert res.n_scenarios == n
    return total, gen


def stream_split(net: vc.Network, n: int, chunk: int = 8192) -> dict[str, float]:
    """Seconds of each stage of a streamed run of ``n`` scenarios, driven stage by stage.

    The same steps as ``simulate(net, chunks, keep="summary")`` (drawing the shocks, grouping
    them for the kernel, the kernel with its summaries, adding up), each timed on its own.
    """
    arr = compile_network(net)
    args, statics = arr.kernel_args(), summary_statics(arr)
    times = dict.fromkeys(("drawing", "grouping", "kernel", "adding up"), 0.0)
    plan = acc = None
    chunks = outage_chunks(net, n, chunk, 3)
    while True:
        t0 = time.perf_counter()
        sh = next(chunks, None)
        times["drawing"] += time.perf_counter() - t0
        if sh is None:
            break
        if plan is None or acc is None:
            plan = _Plan(arr, net, sh)
            acc = _Accumulator(arr, len(sh.periods), None, "summary")
        t0 = time.perf_counter()
        ev = plan.events(sh, 0, sh.n_scenarios)
        t1 = time.perf_counter()
        res = run_chunk(args, ev, statics, sh.probability * sh.n_scenarios, resourcing=False)
        t2 = time.perf_counter()
        acc.add(0, res)
        t3 = time.perf_counter()
        times["grouping"] += t1 - t0
        times["kernel"] += t2 - t1
        times["adding up"] += t3 - t2
    return times


_MEMORY_CHILD = """
import sys, time
sys.path.insert(0, {src!r}); sys.path.insert(0, {bench!r})
from bench_sim import outage_chunks
import valuechain as vc
from valuechain.sim import simulate, synthetic_network
net = {net_expr}
simulate(net, outage_chunks(net, 10, 10, 0))
t0 = time.perf_counter()
res = simulate(net, outage_chunks(net, {n}, {chunk}, 5), keep="summary")
dt = time.perf_counter() - t0
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(res.n_scenarios, dt, int(hwm) / 1024.0)
"""


def streamed_memory(net_expr: str, n: int, chunk: int = 5000) -> tuple[int, float, float]:
    code = _MEMORY_CHILD.format(
        src=str(ROOT / "src"), bench=str(ROOT / "benchmarks"), net_expr=net_expr, n=n, chunk=chunk
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), float(out[1]), float(out[2])


def cli_start() -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "valuechain", "--help"]
    subprocess.run(cmd, capture_output=True, env=env, check=True)  # warm the caches
    best = np.inf
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env, check=True)
        best = min(best, time.perf_counter() - t0)
    return float(best)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="CI-sized run")
    a = ap.parse_args()
    quick = a.quick
    sizes = [50, 500] if quick else [50, 500, 5000]
    n_kernel = 2_000 if quick else 20_000
    print(f"valuechain sim benchmark ({'quick' if quick else 'full'}), {os.cpu_count()} cores, numba threads "
          f"{__import__('numba').get_num_threads()}; machine shared with other work, timings are noisy")  # fmt: skip
    print(
        "\n# kernel vs reference, edge x scenario x period updates per second (24 periods, pro-rata; kernel best of 3)"
    )
    print(f"{'network':<28}{'edges':>8}{'scenarios':>11}{'kernel/s':>12}{'reference/s':>13}{'ratio':>9}")
    nets = [(f"synthetic-{n}", synthetic_network(n, seed=1)) for n in sizes]
    largest = max(vc.list_networks().index, key=lambda nm: len(vc.load_network(nm).processes))
    nets.append((f"{largest} (bundled)", vc.load_network(largest)))
    for name, net in nets:
        rate, n_run = kernel_rate(net, n_kernel)
        ref_s = 2 if len(net.processes) <= 500 else 1
        ref = reference_rate(net, ref_s, periods=24 if len(net.processes) <= 500 else 4)
        edges = compile_network(net).n_edges
        print(f"{name:<28}{edges:>8}{n_run:>11,}{rate:>12.3g}{ref:>13.3g}{rate / ref:>9.0f}")

    n_stream = 10_000 if quick else 100_000
    print(f"\n# {n_stream:,} scenarios x 24 months through simulate (streamed, chunks of 8,192), after compilation")
    for name, net in [
        (f"{largest} (bundled)", vc.load_network(largest)),
        ("synthetic-500", synthetic_network(500, seed=1)),
    ]:
        total, gen = stream_time(net, n_stream)
        print(f"{name:<28} {total:8.2f} s   random outages (of which drawing them: {gen:.2f} s)")
    total, gen = register_time(vc.load_network(largest), n_stream)
    print(f"{largest + ' (bundled)':<28} {total:8.2f} s   default risk register (of which drawing: {gen:.2f} s)")
    split = stream_split(vc.load_network(largest), n_stream)
    print(f"{largest} stage by stage: " + ", ".join(f"{k} {v:.2f} s" for k, v in split.items())
          + f" (sum {sum(split.values()):.2f} s)")  # fmt: skip

    n_mem = 100_000 if quick else 1_000_000
    print(f"\n# peak memory of a streamed ensemble of {n_mem:,} scenarios (keep='summary'), fresh process")
    for name, expr in [(largest, f"vc.load_network({largest!r})"), ("synthetic-500", "synthetic_network(500, seed=1)")]:
        n, dt, rss = streamed_memory(expr, n_mem)
        print(f"{name:<28} {n:>10,} scenarios  {dt:8.1f} s  peak RSS {rss:8.0f} MB")

    print(f"\n# warm CLI start (valuechain --help), best of 5: {cli_start():.2f} s")


if __name__ == "__main__":
    main()
