"""Seeded synthetic layered networks for the simulator's tests and benchmarks.

A thin front to :func:`valuechain.network.synthetic.synthetic_network` (the one generator of the
project), keeping the parameter names the simulator has used: layers are its tiers.
"""

from __future__ import annotations

from valuechain.network.model import Network
from valuechain.network.synthetic import synthetic_network as _generate

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
        Number of processes (plants and recycling plants).
    layers
        Number of commodity layers; the last one is stage 'cell' (GWh).
    regions
        Number of regions.
    commodities_per_layer
        Commodities per layer (default: about one per 40 plants, at least two).
    routes_per_commodity
        Fewest exporting regions an importing hub draws from.
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
    >>> len(net.processes)
    60
    """
    return _generate(
        n_processes, tiers=layers, regions=regions, commodities_per_tier=commodities_per_layer,
        origins=routes_per_commodity, loops=loops, stock_months=stock_months, seed=seed,
    )  # fmt: skip
