"""Peak memory and time of the README's Monte Carlo line, in a fresh process.

Run: PYTHONPATH=src python benchmarks/bench_mc_memory.py [--samples 100000] [--chunk-size N]

Runs, as the README writes it::

    reg = vc.scenarios.RiskRegister.default()
    mc = vc.simulate(net, reg.iter_samples(net, 100_000, seed=1, sparse=True))
    mc.risk()

on ``global-li-ion-2024``, after a 20-sample warm-up that loads the compiled kernels. Prints the
peak resident memory of the process (``ru_maxrss``) after loading and after the run, the time
of the line and of ``risk()``, and the risk table. ``--chunk-size`` passes ``chunk_size`` to
``iter_samples`` (the README does not). Peak memory is a property of the whole process: run the
script once per figure, in a process of its own.
"""

from __future__ import annotations

import argparse
import resource
import time

import valuechain as vc


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--chunk-size", type=int, default=None, help="chunk_size of iter_samples (default: its own)")
    a = ap.parse_args()
    extra = {} if a.chunk_size is None else {"chunk_size": a.chunk_size}

    net = vc.load_network("global-li-ion-2024")
    reg = vc.scenarios.RiskRegister.default()
    t0 = time.perf_counter()
    vc.simulate(net, reg.iter_samples(net, 20, seed=1, sparse=True))  # load the kernels
    warm = time.perf_counter() - t0
    before = peak_mb()

    t0 = time.perf_counter()
    mc = vc.simulate(net, reg.iter_samples(net, a.samples, seed=1, sparse=True, **extra))
    run = time.perf_counter() - t0
    t0 = time.perf_counter()
    risk = mc.risk()
    risk_time = time.perf_counter() - t0

    call = f"reg.iter_samples(net, {a.samples:_}, seed=1, sparse=True{f', chunk_size={a.chunk_size}' if extra else ''})"
    print(f"vc.simulate(net, {call}); mc.risk()")
    print(f"warm-up (20 samples, kernels loaded): {warm:.1f} s; peak RSS after it {before:,.0f} MB")
    print(f"simulate: {run:.1f} s; risk(): {risk_time:.3f} s; result keeps {mc.kept}")
    print(f"peak RSS of the process: {peak_mb():,.0f} MB")
    print(risk.to_string())


if __name__ == "__main__":
    main()
