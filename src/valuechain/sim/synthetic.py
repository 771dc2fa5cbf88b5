"""Seeded synthetic layered networks, for benchmarks and tests of scale.

The network is built forward, layer by layer, so that its baseline balances at every hub by
construction: primary processes (no inputs) make layer-0 commodities; part of every hub's supply
is exported over routes; processes of the next layer take a share of what is left as inputs;
whatever a hub does not pass on becomes final demand there. Recycling processes close loops from
the last layer back to the first, and their output is added to the demand where it lands.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from valuechain.network.builder import NetworkBuilder
from valuechain.network.model import Network

__all__ = ["synthetic_network"]


def synthetic_network(
    n_processes: int = 100,
    *,
    layers: int = 5,
    regions: int = 8,
    commodities_per_layer: int | None = None,
    routes_per_commodity: int = 4,
    loops: int = 2,
    stock_months: float = 0.5,
    seed: int = 0,
) -> Network:
    """Build a random layered network whose baseline balances, reproducible from ``seed``.

    Parameters
    ----------
    n_processes
        Approximate number of processes (primary, converting and recycling).
    layers
        Number of commodity layers; the last one is stage 'cell' (GWh).
    regions
        Number of regions.
    commodities_per_layer
        Commodities per layer (default: about one per 20 processes, at least one).
    routes_per_commodity
        Trade routes drawn per commodity.
    loops
        Recycling processes from the last layer back to the first (they make the graph cyclic).
    stock_months
        Initial stock at every third hub, in months of its baseline supply.
    seed
        Seed of the random generator.

    Returns
    -------
    Network
        Rates per year; processes have 10--50% spare capacity.

    Examples
    --------
    >>> net = synthetic_network(60, seed=1)
    >>> len(net.processes) >= 50
    True
    """
    rng = np.random.default_rng(seed)
    k = commodities_per_layer or max(1, n_processes // (20 * layers) + 1)
    regs = [f"R{i:02d}" for i in range(regions)]
    coms = [[f"c{lay}_{j}" for j in range(k)] for lay in range(layers)]
    b = NetworkBuilder(f"synthetic-{n_processes}-{seed}", year=2024, period="year", units={"currency": "USD"})
    for r in regs:
        b.add_region(r)
    for lay, cs in enumerate(coms):
        last = lay == layers - 1
        for c in cs:
            b.add_commodity(c, unit="GWh" if last else "t", stage="cell" if last else "product",
                            value=float(rng.uniform(10, 1000)) * (1 + lay))  # fmt: skip
    supply: dict[tuple[str, str], float] = defaultdict(float)
    demand: dict[tuple[str, str], float] = defaultdict(float)
    per_layer = max(1, (n_processes - loops) // layers)
    n = 0

    def add_process(region: str, act: float, inputs: dict[str, float], outputs: dict[str, float]) -> None:
        nonlocal n
        cap = act * float(rng.uniform(1.1, 1.5))
        b.add_process(f"p{n:05d}", region=region, capacity=cap, baseline_activity=act, inputs=inputs,
                      outputs=outputs, ttr=float(rng.integers(1, 7)))  # fmt: skip
        n += 1
        for c, y in outputs.items():
            supply[(region, c)] += act * y

    for _ in range(per_layer):
        add_process(str(rng.choice(regs)), float(rng.uniform(100, 1000)), {}, {str(rng.choice(coms[0])): 1.0})
    route_id = 0
    for lay in range(layers):
        # exports: a share of each producing hub's supply leaves over routes
        for c in coms[lay]:
            origins = [r for r in regs if supply[(r, c)] > 0]
            for _ in range(routes_per_commodity if origins else 0):
                o = str(rng.choice(origins))
                d = str(rng.choice([r for r in regs if r != o]))
                f = supply[(o, c)] * float(rng.uniform(0.05, 0.25))
                supply[(o, c)] -= f
                supply[(d, c)] += f
                b.add_route(f"r{route_id:05d}", c, o, d, capacity=f * 1.5, baseline_flow=f,
                            lead_time=float(rng.integers(0, 3)))  # fmt: skip
                route_id += 1
        if lay < layers - 1:
            hubs = [(r, c) for (r, c), q in supply.items() if c in coms[lay] and q > 1e-9]
            for _ in range(per_layer):
                region, c1 = hubs[int(rng.integers(len(hubs)))]
                local = [c for (r, c) in hubs if r == region]
                ins = {c1: float(rng.uniform(0.5, 2.0))}
                if len(local) > 1 and rng.random() < 0.5:
                    ins[str(rng.choice(local))] = float(rng.uniform(0.5, 2.0))
                act = min(supply[(region, c)] * float(rng.uniform(0.2, 0.5)) / q for c, q in ins.items())
                for c, q in ins.items():
                    supply[(region, c)] -= act * q
                outs = {str(rng.choice(coms[lay + 1])): 1.0}
                if rng.random() < 0.2:  # co-product
                    outs.setdefault(str(rng.choice(coms[lay + 1])), float(rng.uniform(0.1, 0.5)))
                add_process(region, act, ins, outs)
    finals = [(r, c) for (r, c), q in supply.items() if c in coms[-1] and q > 1e-9]
    for _ in range(loops if finals and layers > 1 else 0):
        region, c = finals[int(rng.integers(len(finals)))]
        act = supply[(region, c)] * 0.1
        supply[(region, c)] -= act
        back = str(rng.choice(coms[0]))
        add_process(region, act, {c: 1.0}, {back: 0.5})
    for (r, c), q in sorted(supply.items()):
        demand[(r, c)] += q
    for i, ((r, c), q) in enumerate(sorted(demand.items())):
        if q > 1e-9:
            b.add_demand(r, c, quantity=q, value_of_lost_demand=float(rng.uniform(1e3, 1e4)))
        if i % 3 == 0:
            b.add_hub(r, c, initial_stock=q * stock_months / 12.0)
    return b.build()
