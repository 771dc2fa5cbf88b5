"""Speed of the scenario layer: the risk-register sampler and compile_shocks.

Run: PYTHONPATH=src python benchmarks/bench_scenarios.py [--n 1000000] [--chunk 100000]

Prints scenarios per second for the default risk register on toy-battery and on a wider network
with the canonical ids (30 regions, about 300 routes), and the time to compile every library
scenario. Timings on a shared machine are noisy: compare figures from one run.
"""

from __future__ import annotations

import argparse
import time
import warnings

import valuechain as vc
from valuechain.scenarios import RiskRegister, ScenarioSet, ScenarioWarning, compile_shocks, named, names

COMMODITIES = {
    "natural_graphite": "mining",
    "anode_natural": "active material",
    "anode_synthetic": "active material",
    "cam_nmc": "active material",
    "cam_lfp": "active material",
    "pcam": "precursor",
    "lithium_carbonate": "refining",
    "lithium_hydroxide": "refining",
    "cell_nmc": "cell",
    "cell_lfp": "cell",
    "cobalt_ore": "mining",
    "nickel_sulphate": "refining",
    "black_mass": "black mass",
}
REGIONS = [
    "CN",
    "AU",
    "CL",
    "AR",
    "ID",
    "PH",
    "CD",
    "ZA",
    "BR",
    "CA",
    "US",
    "KR",
    "JP",
    "MA",
    "IN",
    "DE",
    "HU",
    "PL",
    "FR",
    "ES",
    "SE",
    "FI",
    "PT",
    "SK",
    "BE",
    "GB",
    "NO",
    "EU-other",
    "RoW",
    "MZ",
]
EU = {"DE", "HU", "PL", "FR", "ES", "SE", "FI", "PT", "SK", "BE", "EU-other"}
OECD = EU - {"EU-other"} | {"AU", "CL", "CA", "US", "KR", "JP", "GB", "NO"}


def wide_network() -> vc.Network:
    b = vc.NetworkBuilder("wide", year=2024)
    for c, st in COMMODITIES.items():
        b.add_commodity(c, unit="t", stage=st)
    for r in REGIONS:
        groups = [g for g, members in (("EU27", EU), ("OECD", OECD)) if r in members]
        b.add_region(r, groups=groups or None)
    exporters = ["CN", "CD", "ID", "DE", "KR", "JP", "US", "AU", "CL", "PL"]
    for c in COMMODITIES:
        for o in exporters:
            b.add_process(f"{o}-{c}".lower(), region=o, capacity=100, outputs={c: 1})
            for d in REGIONS[::3]:
                if d != o:
                    b.add_route(f"{o}-{d}-{c}".lower(), c, o, d, capacity=10)
    return b.build(check_balance=False)


def bench_sampler(net: vc.Network, n: int, chunk: int) -> None:
    reg = RiskRegister.default()
    list(reg.iter_samples(net, 2000, seed=0, chunk_size=1000))  # warm up
    t = time.perf_counter()
    done = 0
    for part in reg.iter_samples(net, n, seed=1, chunk_size=chunk):
        done += len(part)
    dt = time.perf_counter() - t
    cells = len(part.periods) * (len(part.routes) + len(part.processes) + len(part.demands))
    print(
        f"sampler  {net.name:12s} routes={len(net.routes):4d}  n={done:,}  chunk={chunk:,}  {dt:6.2f} s  "
        f"{done / dt:,.0f} scenarios/s  ({cells} multipliers per scenario, "
        f"{chunk * cells * 8 / 1e6:,.0f} MB per chunk)"
    )


def bench_compile(net: vc.Network) -> None:
    sset = ScenarioSet([named(n) for n in names()])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        t = time.perf_counter()
        for _ in range(10):
            m = compile_shocks(net, sset, start="2023-12", periods=48, outside="clip")
        dt = (time.perf_counter() - t) / 10
    print(f"compile  {net.name:12s} {len(m)} library scenarios x 48 months: {dt * 1000:.1f} ms")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--chunk", type=int, default=100_000)
    a = p.parse_args()
    toy, wide = vc.load_network("toy-battery"), wide_network()
    bench_sampler(toy, a.n, a.chunk)
    bench_sampler(wide, a.n // 10, a.chunk // 10)
    bench_compile(toy)
    bench_compile(wide)


if __name__ == "__main__":
    main()
