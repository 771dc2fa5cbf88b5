"""Seeded synthetic multi-tier networks at plant level, for benchmarks and tests of scale.

The generator works on whole tables at once (no row-by-row building) and makes a baseline that
balances at every hub by construction:

1. Every tier has a few commodities; its plants are placed in regions drawn from a Zipf law over a
   per-tier ranking of the regions (a few countries dominate each tier) and make one main product
   (also Zipf-skewed), sometimes with a co-product; plant sizes are lognormal.
2. Working down from the last tier (cells, in GWh), each plant consumes one or two commodities of
   the tier below with random coefficients; the plants of the tier below are then scaled, product
   by product, so that they make 10--30% more than the tier above consumes.
3. Recycling plants turn some of the last tier's output back into a first-tier commodity (the
   graph has loops).
4. Per commodity, regions that consume more than they make import the difference from the regions
   with the largest surpluses, in proportion to those surpluses (so no exporter ships more than
   it has); whatever a hub has left becomes its final demand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuechain._params import check
from valuechain.errors import NetworkError
from valuechain.network.model import Network

__all__ = ["synthetic_network", "synthetic_tables"]

_STAGES = ("mining", "refining", "precursor", "active material", "component")


def _zipf(rng: np.random.Generator, n: int, size: int, a: float) -> np.ndarray:
    """``size`` draws of 0..n-1 with P(k) proportional to 1 / (k+1)^a."""
    w = 1.0 / np.arange(1, n + 1) ** a
    return rng.choice(n, size=size, p=w / w.sum())


def _whole(value: object, name: str, low: int, high: int | None, why: str = "") -> None:
    """Check that ``value`` is an integer in [low, high] (no upper bound when ``high`` is None)."""
    span = f"in [{low}, {high}]" if high is not None else f">= {low}"

    def ok(v: object) -> bool:
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
            return False
        return low <= int(v) and (high is None or int(v) <= high)

    check("synthetic_network", name, value, ok, error=NetworkError, expected=f"an integer {span}{why}")


def _other(rng: np.random.Generator, first: np.ndarray, k: int) -> np.ndarray:
    """For each entry of ``first`` (in 0..k-1), another value in 0..k-1 (k >= 2)."""
    return (first + 1 + rng.integers(0, k - 1, size=len(first))) % k


def synthetic_network(
    n_processes: int = 1000,
    *,
    tiers: int = 5,
    regions: int = 20,
    commodities_per_tier: int | None = None,
    origins: int = 3,
    loops: int | None = None,
    concentration: float = 1.2,
    size_sigma: float = 1.0,
    co_product_share: float = 0.2,
    stock_months: float = 0.5,
    seed: int = 0,
    name: str | None = None,
) -> Network:
    """Build a random multi-tier plant-level network whose baseline balances.

    The tables come from :func:`synthetic_tables` (same parameters) and are validated by
    :meth:`Network.from_frames`.

    Parameters
    ----------
    n_processes
        Number of processes (plants of every tier plus recycling plants), at least ``2 * tiers``.
    tiers
        Commodity tiers, from raw material (stage 'mining') to the last tier (stage 'cell', GWh).
    regions
        Number of regions (``R000``, ``R001``, ...).
    commodities_per_tier
        Commodities per tier (default: about one per 40 plants of the tier, between 2 and 200).
    origins
        Fewest exporting regions an importing hub draws from (more when their surplus is short).
    loops
        Recycling plants (last tier back to the first; default: one per 1,000 processes, 1 to 10).
        Each closes a loop the simulator breaks with a one-period lag.
    concentration
        Zipf exponent of the regions' share of plants in each tier (higher: more concentrated).
    size_sigma
        Sigma of the lognormal plant sizes.
    co_product_share
        Share of plants with a co-product (another commodity of their tier).
    stock_months
        Initial stock at every third hub, in months of its baseline supply.
    seed
        Seed of the random generator (same seed, same network).
    name
        Name of the network (default ``synthetic-<n>-<seed>``).

    Returns
    -------
    Network
        Rates per year; plants have 10--50% spare capacity.

    Raises
    ------
    NetworkError
        On a bad parameter.

    Examples
    --------
    >>> net = synthetic_network(400, tiers=4, regions=10, seed=1)
    >>> len(net.processes)
    400
    >>> sorted(net.commodities["stage"].unique())
    ['cell', 'mining', 'precursor', 'refining']
    """
    tables = synthetic_tables(
        n_processes, tiers=tiers, regions=regions, commodities_per_tier=commodities_per_tier, origins=origins,
        loops=loops, concentration=concentration, size_sigma=size_sigma, co_product_share=co_product_share,
        stock_months=stock_months, seed=seed,
    )  # fmt: skip
    return Network.from_frames(
        name or f"synthetic-{n_processes}-{seed}", tables, year=2024, period="year", units={"currency": "USD"},
        description=f"Seeded synthetic network: {n_processes} processes, {tiers} tiers, {regions} regions.",
    )  # fmt: skip


def synthetic_tables(
    n_processes: int = 1000,
    *,
    tiers: int = 5,
    regions: int = 20,
    commodities_per_tier: int | None = None,
    origins: int = 3,
    loops: int | None = None,
    concentration: float = 1.2,
    size_sigma: float = 1.0,
    co_product_share: float = 0.2,
    stock_months: float = 0.5,
    seed: int = 0,
) -> dict[str, pd.DataFrame]:
    """The tables of :func:`synthetic_network` (same parameters), before validation.

    Examples
    --------
    >>> t = synthetic_tables(200, seed=3)
    >>> len(t["processes"]), sorted(t)[:3]
    (200, ['commodities', 'demand', 'hubs'])
    """
    _whole(tiers, "tiers", 2, 50)
    _whole(regions, "regions", 2, 999)
    _whole(n_processes, "n_processes", 2 * tiers + 1, None, " (two plants per tier and one recycler)")
    _whole(origins, "origins", 1, None)
    rng = np.random.default_rng(seed)
    n_loops = min(10, max(1, n_processes // 1000)) if loops is None else loops
    _whole(n_loops, "loops", 0, n_processes - 2 * tiers)
    n_plants = n_processes - n_loops
    per = np.full(tiers, n_plants // tiers)
    per[: n_plants % tiers] += 1
    k = commodities_per_tier or int(np.clip(n_plants // (40 * tiers), 2, 200))
    _whole(k, "commodities_per_tier", 1, int(per.min()), " (every commodity needs a plant)")
    reg_ids = np.array([f"R{i:03d}" for i in range(regions)])
    stages = [_STAGES[min(t, 4)] for t in range(tiers - 1)] + ["cell"]
    com_ids = np.array([f"t{t}_c{j:03d}" for t in range(tiers) for j in range(k)])
    n_c = len(com_ids)

    # plants: tier, region (a per-tier ranking of the regions, Zipf shares), main product
    tier = np.repeat(np.arange(tiers), per)
    region = np.empty(n_plants, dtype=np.int64)
    main = np.empty(n_plants, dtype=np.int64)
    for t in range(tiers):
        sl = slice(int(per[:t].sum()), int(per[: t + 1].sum()))
        rank = rng.permutation(regions)
        region[sl] = rank[_zipf(rng, regions, int(per[t]), concentration)]
        m = _zipf(rng, k, int(per[t]), 0.8)
        m[: min(k, int(per[t]))] = np.arange(min(k, int(per[t])))  # every commodity has a maker
        main[sl] = t * k + m
    act = rng.lognormal(0.0, size_sigma, n_plants) * 100.0
    # inputs from the tier below: one or two distinct commodities
    has_in = tier > 0
    in1 = np.where(has_in, (tier - 1) * k + rng.integers(0, k, n_plants), -1)
    two = has_in & (rng.random(n_plants) < 0.5) & (k > 1)
    in2 = np.where(two, (tier - 1) * k + (_other(rng, in1 % k, k) if k > 1 else 0), -1)
    c1 = rng.uniform(0.5, 2.0, n_plants)
    c2 = rng.uniform(0.2, 1.0, n_plants)
    cop = (rng.random(n_plants) < co_product_share) & (k > 1)
    cop_c = np.where(cop, tier * k + (_other(rng, main % k, k) if k > 1 else 0), -1)
    cop_y = rng.uniform(0.1, 0.5, n_plants)
    # scale down from the last tier so each tier makes 10-30% more than the next consumes
    for t in range(tiers - 2, -1, -1):
        up = tier == t + 1
        use = np.zeros(n_c)
        np.add.at(use, in1[up], act[up] * c1[up])
        np.add.at(use, in2[up & two], act[up & two] * c2[up & two])
        mine = tier == t
        made = np.zeros(n_c)
        np.add.at(made, main[mine], act[mine])
        want = use * rng.uniform(1.1, 1.3, n_c)
        factor = np.where((use > 0) & (made > 0), want / np.where(made > 0, made, 1.0), 1.0)
        act[mine] *= factor[main[mine]]
    # recycling plants: last tier -> first tier, at a tenth of a hub's output
    last = np.flatnonzero(tier == tiers - 1)
    src = last[rng.integers(0, len(last), n_loops)]
    r_region = region[src]
    r_in = main[src]
    r_act = act[src] * 0.1
    r_out = rng.integers(0, k, n_loops)
    # hub balances: production and consumption per (region, commodity)
    hub = lambda reg, com: reg * n_c + com  # noqa: E731
    prod = np.zeros(regions * n_c)
    cons = np.zeros(regions * n_c)
    np.add.at(prod, hub(region, main), act)
    np.add.at(prod, hub(region[cop], cop_c[cop]), act[cop] * cop_y[cop])
    np.add.at(prod, hub(r_region, r_out), r_act * 0.5)
    np.add.at(cons, hub(region[has_in], in1[has_in]), act[has_in] * c1[has_in])
    np.add.at(cons, hub(region[two], in2[two]), act[two] * c2[two])
    np.add.at(cons, hub(r_region, r_in), r_act)
    net_pos = (prod - cons).reshape(regions, n_c)
    o_l, d_l, c_l, f_l = [], [], [], []
    for c in range(n_c):  # one vectorised allocation per commodity
        col = net_pos[:, c]
        deficit = np.flatnonzero(col < 0)
        if not len(deficit):
            continue
        surplus = np.where(col > 0, col, 0.0)
        order = np.argsort(-surplus, kind="stable")
        need = -col[deficit].sum()
        n_top = max(int(origins), int(np.searchsorted(np.cumsum(surplus[order]), need)) + 1)
        top = order[:n_top][surplus[order[:n_top]] > 0]
        share = surplus[top] / surplus[top].sum()
        flows = np.outer(share, -col[deficit])  # origin x importer
        o_l.append(np.repeat(top, len(deficit)))
        d_l.append(np.tile(deficit, len(top)))
        c_l.append(np.full(flows.size, c))
        f_l.append(flows.ravel())
    ro, rd, rc, rf = (np.concatenate(x) if x else np.zeros(0, dtype=np.int64) for x in (o_l, d_l, c_l, f_l))
    rf = rf.astype(np.float64)
    np.subtract.at(net_pos, (ro, rc), rf)
    np.add.at(net_pos, (rd, rc), rf)
    left = net_pos.ravel()
    if left.min() < -1e-6 * max(1.0, float(prod.max())):
        raise NetworkError("synthetic_network could not balance the baseline; try another seed")
    dem = np.flatnonzero(left > 1e-9 * max(1.0, float(prod.max())))

    n_all = n_plants + n_loops
    pid = np.array([f"p{i:06d}" for i in range(n_all)])
    all_act = np.concatenate([act, r_act])
    processes = pd.DataFrame(
        {
            "id": pid,
            "region": reg_ids[np.concatenate([region, r_region])],
            "capacity": all_act * rng.uniform(1.1, 1.5, n_all),
            "baseline_activity": all_act,
            "variable_cost": rng.uniform(1.0, 50.0, n_all),
            "ttr": rng.integers(1, 7, n_all).astype(float),
        }
    )
    rp = pid[n_plants:]
    recipes = pd.concat(
        [
            pd.DataFrame({"process": pid[:n_plants], "commodity": com_ids[main], "kind": "output", "coefficient": 1.0}),
            pd.DataFrame(
                {
                    "process": pid[:n_plants][cop],
                    "commodity": com_ids[cop_c[cop]],
                    "kind": "output",
                    "coefficient": cop_y[cop],
                }
            ),
            pd.DataFrame(
                {
                    "process": pid[:n_plants][has_in],
                    "commodity": com_ids[in1[has_in]],
                    "kind": "input",
                    "coefficient": c1[has_in],
                }
            ),
            pd.DataFrame(
                {
                    "process": pid[:n_plants][two],
                    "commodity": com_ids[in2[two]],
                    "kind": "input",
                    "coefficient": c2[two],
                }
            ),
            pd.DataFrame({"process": rp, "commodity": com_ids[r_in], "kind": "input", "coefficient": 1.0}),
            pd.DataFrame({"process": rp, "commodity": com_ids[r_out], "kind": "output", "coefficient": 0.5}),
        ],
        ignore_index=True,
    )
    routes = pd.DataFrame(
        {
            "id": [f"r{i:06d}" for i in range(len(rf))],
            "commodity": com_ids[rc.astype(np.int64)],
            "origin": reg_ids[ro.astype(np.int64)],
            "destination": reg_ids[rd.astype(np.int64)],
            "cost": rng.uniform(1.0, 20.0, len(rf)),
            "capacity": rf * 1.5,
            "lead_time": rng.integers(0, 3, len(rf)).astype(float),
            "baseline_flow": rf,
        }
    )
    demand = pd.DataFrame(
        {
            "region": reg_ids[dem // n_c],
            "commodity": com_ids[dem % n_c],
            "quantity": left[dem],
            "value_of_lost_demand": rng.uniform(1e3, 1e4, len(dem)),
        }
    )
    used = np.unique(np.concatenate([hub(region, main), hub(region[has_in], in1[has_in]), dem,
                                     hub(region[two], in2[two]), hub(region[cop], cop_c[cop]),
                                     hub(r_region, r_in), hub(r_region, r_out), hub(ro, rc), hub(rd, rc)]))  # fmt: skip
    supply = prod + np.bincount(hub(rd, rc).astype(np.int64), weights=rf, minlength=regions * n_c)
    stock = np.where(np.arange(len(used)) % 3 == 0, supply[used] * stock_months / 12.0, 0.0)
    hubs = pd.DataFrame({"region": reg_ids[used // n_c], "commodity": com_ids[used % n_c], "initial_stock": stock})
    tiers_of = np.repeat(np.arange(tiers), k)
    commodities = pd.DataFrame(
        {
            "id": com_ids,
            "unit": np.where(tiers_of == tiers - 1, "GWh", "t"),
            "stage": np.asarray(stages, dtype=object)[tiers_of],
            "value": rng.uniform(10.0, 1000.0, n_c) * (1 + tiers_of),
        }
    )
    regions_df = pd.DataFrame({"id": reg_ids, "name": [f"Region {i}" for i in range(regions)]})
    return {"commodities": commodities, "regions": regions_df, "hubs": hubs, "processes": processes,
            "recipes": recipes, "routes": routes, "demand": demand}  # fmt: skip
