"""Hypothesis strategies: small random layered networks and shock arrays for them; and small hand-built networks."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from valuechain import NetworkBuilder
from valuechain.scenarios.compiled import ShockArrays
from valuechain.sim import default_periods


@st.composite
def networks(draw):
    """A random network: layers of commodities, multi-input / multi-output recipes, co-products,
    routes, demand, stocks (some with days of cover and a refill rate), alternative inputs, and
    (often) a recycling loop from the last layer to the first."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    ramps = np.random.default_rng([seed, 1])
    n_reg = draw(st.integers(1, 3))
    n_lay = draw(st.integers(2, 4))
    per_lay = draw(st.integers(1, 2))
    n_proc = draw(st.integers(2, 9))
    loop = draw(st.booleans())
    period = draw(st.sampled_from(["year", "quarter", "month"]))
    regs = [f"R{i}" for i in range(n_reg)]
    coms = [[f"c{lay}{j}" for j in range(per_lay)] for lay in range(n_lay)]
    b = NetworkBuilder("random", year=2024, period=period)
    for r in regs:
        b.add_region(r)
    for lay, cs in enumerate(coms):
        for c in cs:
            last = lay == n_lay - 1
            b.add_commodity(c, unit="GWh" if last else "t", stage="cell" if last else "product", value=float(lay + 1))

    def amount(lo=1.0, hi=100.0):
        return float(np.round(rng.uniform(lo, hi), 3))

    hubs = set()
    for i in range(n_proc):
        lay = int(rng.integers(n_lay))
        reg = str(rng.choice(regs))
        ins = {}
        if lay > 0:
            for c in rng.choice(coms[lay - 1], size=int(rng.integers(1, len(coms[lay - 1]) + 1)), replace=False):
                ins[str(c)] = amount(0.2, 3.0)
        outs = {
            str(c): amount(0.2, 3.0)
            for c in rng.choice(coms[lay], size=int(rng.integers(1, len(coms[lay]) + 1)), replace=False)
        }
        cap = math.inf if rng.random() < 0.15 else amount(5, 100)
        base = None if rng.random() < 0.2 and math.isfinite(cap) else amount(0, min(cap, 100))
        # periods to bring spare capacity online (spare_ramp), from a generator of its own so that the
        # rest of the network is the one the seed gave before ramps were drawn
        ramp = float(ramps.choice([0.0, 0.25, 0.5, 1.0]))
        b.add_process(f"p{i}", region=reg, capacity=cap, baseline_activity=base, inputs=ins, outputs=outs, ramp_up=ramp)
        hubs |= {(reg, c) for c in [*ins, *outs]}
        if ins and rng.random() < 0.5:
            # an alternative to one input: another commodity of an earlier layer
            c = str(rng.choice(sorted(ins)))
            others = [x for cs in coms[:lay] for x in cs if x != c]
            if others:
                other = str(rng.choice(others))
                b.add_alternative(
                    f"p{i}", c, alternative=other, coefficient=amount(0.2, 3.0),
                    share_max=float(rng.choice([1.0, 0.5, round(float(rng.uniform(0, 1)), 3)])),
                    ramp_months=float(rng.choice([0.0, 1.0, 2.5, 6.0])),
                    recourse=("substitution", "chemistry_switching")[i % 2],
                )  # fmt: skip
                hubs.add((reg, other))
                # sometimes a second alternative to the same input (LFP cells for NMC or sodium-ion
                # ones), drawn by a generator of its own so that the rest of the network is the same
                more = [x for x in others if x != other]
                if more and ramps.random() < 0.4:
                    second = str(ramps.choice(more))
                    b.add_alternative(
                        f"p{i}", c, alternative=second, coefficient=float(np.round(ramps.uniform(0.2, 3.0), 3)),
                        share_max=float(ramps.choice([1.0, 0.3, 0.6])),
                        ramp_months=float(ramps.choice([0.0, 2.0])),
                        recourse=("substitution", "chemistry_switching")[(i + int(ramps.integers(2))) % 2],
                    )  # fmt: skip
                    hubs.add((reg, second))
    if loop:
        reg = str(rng.choice(regs))
        b.add_process(
            "recycler",
            region=reg,
            capacity=amount(5, 50),
            baseline_activity=amount(0, 5),
            inputs={coms[-1][0]: 1.0},
            outputs={coms[0][0]: 0.5, coms[1][0]: 0.2},
        )
        hubs |= {(reg, coms[-1][0]), (reg, coms[0][0]), (reg, coms[1][0])}
    all_coms = [c for cs in coms for c in cs]
    n_routes = int(rng.integers(0, 2 * n_reg)) if n_reg > 1 else 0
    for k in range(n_routes):
        o, d = rng.choice(regs, size=2, replace=False)
        c = str(rng.choice(all_coms))
        cap = math.inf if rng.random() < 0.2 else amount(1, 50)
        b.add_route(f"r{k}", c, str(o), str(d), capacity=cap, baseline_flow=amount(0, 30))
        hubs |= {(str(o), c), (str(d), c)}
    for r, c in sorted(hubs):
        if rng.random() < 0.4:
            b.add_demand(r, c, quantity=amount(0, 50), value_of_lost_demand=amount(1, 10))
    for r, c in sorted(hubs):
        if rng.random() < 0.4:
            init = amount(0, 40)
            policy = {}
            if rng.random() < 0.5:
                policy["refill_rate"] = float(rng.choice([1.0, round(float(rng.uniform(0, 1)), 3)]))
            if rng.random() < 0.3:
                policy["days_of_cover"] = amount(0, 60)
            cap = init + amount(0, 20) if rng.random() < 0.5 else math.inf
            b.add_hub(r, c, initial_stock=init, stock_capacity=cap, **policy)
    return b.build(check_balance=False)


@st.composite
def shock_arrays(draw, net):
    """Random multipliers (some 0, some 1, some in (0, 1.5)) for a few scenarios and periods."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n_s = draw(st.integers(1, 3))
    n_t = draw(st.integers(1, 4))
    sh = ShockArrays.baseline(net, default_periods(net, n_t), n_s)

    def fill(a):
        u = rng.random(a.shape)
        a[...] = np.where(u < 0.2, 0.0, np.where(u < 0.5, 1.0, rng.uniform(0, 1.5, a.shape)))

    fill(sh.process_capacity)
    fill(sh.route_capacity)
    fill(sh.demand)
    return sh


def storage_network(**alt):
    """Storage packs made of NMC cells; an LFP cell plant with spare capacity serves its own demand.

    The packs may run on LFP cells (recourse "chemistry_switching", ``alt``: share_max, ramp_months).
    """
    b = NetworkBuilder("storage", year=2024, period="month")
    b.add_region("A")
    for c in ("nmc", "lfp"):
        b.add_commodity(c, unit="GWh", stage="cell", value=1.0)
    b.add_commodity("ess", unit="GWh", stage="pack", value=10.0)
    b.add_process("cells-nmc", region="A", capacity=5.0, baseline_activity=5.0, outputs={"nmc": 1.0})
    b.add_process("cells-lfp", region="A", capacity=20.0, baseline_activity=5.0, outputs={"lfp": 1.0})
    b.add_process(
        "pack-ess", region="A", capacity=10.0, baseline_activity=5.0, inputs={"nmc": 1.0}, outputs={"ess": 1.0}
    )
    b.add_demand("A", "lfp", quantity=5.0)
    b.add_demand("A", "ess", quantity=5.0)
    b.add_alternative("pack-ess", "nmc", alternative="lfp", coefficient=1.0, recourse="chemistry_switching", **alt)
    return b.build()
