"""The engine-neutral form of shocks: multipliers per scenario, period and item.

Every shock compiles, for one network and horizon, to multipliers on process capacity, route
capacity and demand, plus the expansion options it forbids. The simulator and the optimiser both
consume :class:`ShockArrays`, so a scenario means the same thing to both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from valuechain.errors import ScenarioError
from valuechain.network.validate import hub_id

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.scenarios.sparse import SparseShocks

__all__ = ["ShockArrays", "period_months", "route_limit"]

_FREQ_MONTHS = {"M": 1, "Q": 3, "Y": 12}


def period_months(periods: pd.PeriodIndex) -> int:
    """Length in months (1, 3 or 12) of one period of a monthly, quarterly or yearly horizon."""
    freq = str(periods.freqstr)[0].upper()
    return _FREQ_MONTHS.get(freq, 12 if freq == "A" else 1)


def route_limit(capacity: np.ndarray, baseline_flow: np.ndarray, multiplier: np.ndarray) -> np.ndarray:
    """Largest flow a route may carry under a route multiplier (arrays broadcast).

    ``capacity * m`` where ``m >= 1``; ``min(capacity, m * baseline_flow)`` where ``m < 1``.
    Unlimited capacities stay unlimited at ``m >= 1`` and are bounded by the baseline flow below it.

    Examples
    --------
    >>> import numpy as np
    >>> route_limit(np.array([np.inf, 200.0, 200.0]), np.array([100.0, 100.0, 0.0]), np.array([0.7, 1.0, 0.5]))
    array([ 70., 200.,   0.])
    """
    cap = np.asarray(capacity, dtype=float)
    base = np.asarray(baseline_flow, dtype=float)
    m = np.asarray(multiplier, dtype=float)
    with np.errstate(invalid="ignore"):
        scaled = np.where(m > 0, cap * m, 0.0)
    return np.where(m >= 1.0, scaled, np.minimum(cap, m * base))


@dataclass(frozen=True, eq=False)
class ShockArrays:
    """Compiled shocks for one network over one horizon.

    Item axes follow the row order of the network's tables, so position ``p`` of the process
    axis is ``network.processes.index[p]``, and so on.

    Attributes
    ----------
    scenarios
        Scenario names (length S).
    probability
        Probability of each scenario, shape (S,), summing to 1.
    periods
        The horizon (length T), a ``pandas.PeriodIndex`` of months ('M'), quarters ('Q') or years ('Y').
    processes, routes, demands, expansions
        Item labels: process ids (P), route ids (R), hub ids of the demand rows (D), expansion ids (E).
    process_capacity
        Multiplier on each process's capacity, shape (S, T, P), >= 0 (1 = unchanged; > 1 = surge).
    route_capacity
        Multiplier on each route, shape (S, T, R), >= 0. A multiplier m >= 1 scales the route's
        capacity; m < 1 (an export control, a trade ban) limits the route to m times its baseline
        flow, never above its capacity: a licence regime caps shipments at a share of historical
        trade, and a lane with no baseline trade is closed. See :func:`route_limit`.
    demand
        Multiplier on each demand row's quantity, shape (S, T, D), >= 0.
    expansion_allowed
        Whether each expansion option may be built in each scenario, shape (S, E).
    """

    scenarios: pd.Index
    probability: np.ndarray
    periods: pd.PeriodIndex
    processes: pd.Index
    routes: pd.Index
    demands: pd.Index
    expansions: pd.Index
    process_capacity: np.ndarray
    route_capacity: np.ndarray
    demand: np.ndarray
    expansion_allowed: np.ndarray

    def __post_init__(self) -> None:
        s, t = len(self.scenarios), len(self.periods)
        shapes = {
            "probability": (self.probability, (s,)),
            "process_capacity": (self.process_capacity, (s, t, len(self.processes))),
            "route_capacity": (self.route_capacity, (s, t, len(self.routes))),
            "demand": (self.demand, (s, t, len(self.demands))),
            "expansion_allowed": (self.expansion_allowed, (s, len(self.expansions))),
        }
        for name, (arr, shape) in shapes.items():
            if arr.shape != shape:
                raise ScenarioError(f"ShockArrays.{name} has shape {arr.shape}; expected {shape}")
        for name in ("process_capacity", "route_capacity", "demand"):
            arr = getattr(self, name)
            if arr.size and not (np.isfinite(arr).all() and (arr >= 0).all()):
                raise ScenarioError(f"ShockArrays.{name} must hold finite multipliers >= 0")
        if s and abs(float(self.probability.sum()) - 1.0) > 1e-9:
            raise ScenarioError(f"scenario probabilities must sum to 1; they sum to {self.probability.sum():.12g}")

    @property
    def n_scenarios(self) -> int:
        """Number of scenarios S."""
        return len(self.scenarios)

    @property
    def period_months(self) -> int:
        """Length of one period in months (1, 3 or 12)."""
        return period_months(self.periods)

    def __len__(self) -> int:
        return self.n_scenarios

    @classmethod
    def baseline(
        cls,
        network: Network,
        periods: pd.PeriodIndex,
        scenarios: int | list[str] = 1,
    ) -> ShockArrays:
        """Arrays with every multiplier 1 (no shock), for ``scenarios`` equally likely scenarios."""
        names = [f"s{i}" for i in range(scenarios)] if isinstance(scenarios, int) else list(scenarios)
        s, t = len(names), len(periods)
        dem = network.demand
        demands = pd.Index([hub_id(r, c) for r, c in zip(dem["region"], dem["commodity"], strict=True)], name="demand")
        return cls(
            scenarios=pd.Index(names, name="scenario"),
            probability=np.full(s, 1.0 / s) if s else np.zeros(0),
            periods=periods,
            processes=network.processes.index.rename("process"),
            routes=network.routes.index.rename("route"),
            demands=demands,
            expansions=network.expansions.index.rename("expansion"),
            process_capacity=np.ones((s, t, len(network.processes))),
            route_capacity=np.ones((s, t, len(network.routes))),
            demand=np.ones((s, t, len(demands))),
            expansion_allowed=np.ones((s, len(network.expansions)), dtype=bool),
        )

    def to_sparse(self) -> SparseShocks:
        """The multipliers that differ from 1, as :class:`~valuechain.scenarios.sparse.SparseShocks`."""
        from valuechain.scenarios.sparse import SparseShocks

        return SparseShocks.from_dense(self)

    def select(self, which: slice | np.ndarray | list[int]) -> ShockArrays:
        """Return the arrays of a subset of scenarios (probabilities renormalised to sum to 1)."""
        prob = self.probability[which]
        total = prob.sum()
        return replace(
            self,
            scenarios=self.scenarios[which],
            probability=prob / total if total > 0 else np.full(len(prob), 1.0 / max(len(prob), 1)),
            process_capacity=self.process_capacity[which],
            route_capacity=self.route_capacity[which],
            demand=self.demand[which],
            expansion_allowed=self.expansion_allowed[which],
        )
