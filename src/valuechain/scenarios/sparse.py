"""Shocks of large ensembles as the few multipliers that differ from 1.

A sampled ensemble touches a small share of its (scenario, period, item) cells: a register
scenario of the global network changes about 300 of 21,600 route multipliers over 24 months, an
outage one process for a few months. :class:`SparseShocks` holds only those cells, as entries
``(scenario, period, kind, item, value)``; every other multiplier is 1. It means exactly what the
dense :class:`~valuechain.scenarios.compiled.ShockArrays` with the same cells means (convert with
:meth:`SparseShocks.to_dense` and :meth:`ShockArrays.to_sparse
<valuechain.scenarios.compiled.ShockArrays.to_sparse>`), costs memory in proportion to the cells
changed instead of scenarios x periods x items, and the simulator reads it without expanding it.

Entries are kept sorted by (scenario, period, kind, item) with no duplicates; entries given for the
same cell more than once are combined by multiplying them, as shocks combine when compiled.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numba import njit

from valuechain.errors import ScenarioError
from valuechain.scenarios.compiled import ShockArrays, period_months

if TYPE_CHECKING:
    from valuechain.network.model import Network

__all__ = ["KINDS", "SparseShocks"]

#: Item kinds of an entry, by code: 0 process capacity, 1 route capacity, 2 demand.
KINDS = ("process", "route", "demand")


def _int(x: object) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(x).astype(np.int64, copy=False).ravel())


@njit(cache=True)
def _scan(scenario, period, kind, item, value, n_s, n_t, sizes):  # type: ignore[no-untyped-def]
    """One pass over the entries: each one's cell key and whether the keys rise strictly.

    Also the first entry out of range in each of scenario, period, kind, item (for a kind in
    range) and value (finite, >= 0), -1 where none is.
    """
    n = value.shape[0]
    bad = np.full(5, -1, dtype=np.int64)
    key = np.empty(n, dtype=np.int64)
    width = max(sizes.max(), 1)
    rising = True
    for i in range(n):
        sc, pe, k, it, v = scenario[i], period[i], kind[i], item[i], value[i]
        if bad[0] < 0 and (sc < 0 or sc >= n_s):
            bad[0] = i
        if bad[1] < 0 and (pe < 0 or pe >= n_t):
            bad[1] = i
        if 0 <= k < 3:
            if bad[3] < 0 and (it < 0 or it >= sizes[k]):
                bad[3] = i
        elif bad[2] < 0:
            bad[2] = i
        if bad[4] < 0 and not (np.isfinite(v) and v >= 0.0):
            bad[4] = i
        key[i] = ((sc * n_t + pe) * 3 + k) * width + it
        if i and key[i] <= key[i - 1]:
            rising = False
    return key, bad, rising


@njit(cache=True)
def _runs(key, value):  # type: ignore[no-untyped-def]
    """Where each run of equal keys in sorted ``key`` starts, and the product of its values in order."""
    n = key.shape[0]
    first = np.empty(n, dtype=np.int64)
    prod = np.empty(n)
    m = -1
    for i in range(n):
        if m >= 0 and key[i] == key[i - 1]:
            prod[m] *= value[i]
        else:
            m += 1
            first[m] = i
            prod[m] = value[i]
    return first[: m + 1], prod[: m + 1]


@dataclass(frozen=True, eq=False)
class SparseShocks:
    """Compiled shocks for one network and horizon, as the multipliers that differ from 1.

    Attributes
    ----------
    scenarios, probability, periods, processes, routes, demands, expansions
        As in :class:`~valuechain.scenarios.compiled.ShockArrays`: labels of the S scenarios and
        their probabilities, the horizon (T periods) and the item axes in the row order of the
        network's tables.
    scenario, period, kind, item, value
        One entry per changed cell: scenario position (0..S-1), period position (0..T-1), kind
        (0 process capacity, 1 route capacity, 2 demand; see :data:`KINDS`), position on that
        kind's item axis, and the multiplier (finite, >= 0). Sorted and unique after
        construction (duplicates multiplied).
    expansion_allowed
        Whether each expansion option may be built in each scenario, shape (S, E).

    Examples
    --------
    >>> import valuechain as vc
    >>> net = vc.load_network("toy-battery")
    >>> per = pd.period_range("2025-01", periods=3, freq="M")
    >>> p = net.processes.index.get_loc("cn-graphite-mine")
    >>> sp = SparseShocks.from_entries(net, per, 2, scenario=[1, 1], period=[0, 1], kind=[0, 0],
    ...                                item=[p, p], value=[0.0, 0.5])
    >>> len(sp.value), sp.to_dense().process_capacity[1, :, p].tolist()
    (2, [0.0, 0.5, 1.0])
    >>> sp.to_dense().to_sparse().value.tolist()
    [0.0, 0.5]
    """

    scenarios: pd.Index
    probability: np.ndarray
    periods: pd.PeriodIndex
    processes: pd.Index
    routes: pd.Index
    demands: pd.Index
    expansions: pd.Index
    scenario: np.ndarray
    period: np.ndarray
    kind: np.ndarray
    item: np.ndarray
    value: np.ndarray
    expansion_allowed: np.ndarray

    def __post_init__(self) -> None:
        s, t = len(self.scenarios), len(self.periods)
        cols = {n: _int(getattr(self, n)) for n in ("scenario", "period", "kind", "item")}
        value = np.ascontiguousarray(np.asarray(self.value, dtype=np.float64).ravel())
        n = len(value)
        if any(len(c) != n for c in cols.values()):
            raise ScenarioError("SparseShocks entries must have one scenario, period, kind, item and value each")
        sizes = np.array([len(self.processes), len(self.routes), len(self.demands)], dtype=np.int64)
        key, bad, rising = _scan(*cols.values(), value, s, t, sizes)  # type: ignore[call-arg]
        for field, hi, first_bad in (("scenario", s, bad[0]), ("period", t, bad[1]), ("kind", 3, bad[2])):
            if first_bad >= 0:
                raise ScenarioError(f"SparseShocks.{field} must lie in 0..{hi - 1}")
        if bad[3] >= 0:
            i = int(bad[3])
            k = int(cols["kind"][i])
            raise ScenarioError(
                f"SparseShocks entry {i}: item {int(cols['item'][i])} is not a {KINDS[k]} position (0..{sizes[k] - 1})"
            )
        if bad[4] >= 0:
            raise ScenarioError("SparseShocks.value must hold finite multipliers >= 0")
        if len(self.probability) != s:
            raise ScenarioError(f"SparseShocks.probability has {len(self.probability)} values; expected {s}")
        if s and abs(float(np.sum(self.probability)) - 1.0) > 1e-9:
            raise ScenarioError(f"scenario probabilities must sum to 1; they sum to {np.sum(self.probability):.12g}")
        if np.shape(self.expansion_allowed) != (s, len(self.expansions)):
            raise ScenarioError(
                f"SparseShocks.expansion_allowed has shape {np.shape(self.expansion_allowed)}; "
                f"expected {(s, len(self.expansions))}"
            )
        # canonical order: sorted by (scenario, period, kind, item), one entry per cell
        if not rising:
            order = np.argsort(key, kind="stable")
            first, value = _runs(key[order], value[order])
            keep = order if len(first) == n else order[first]
            cols = {k: v[keep] for k, v in cols.items()}
        for name, c in cols.items():
            object.__setattr__(self, name, c)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "probability", np.asarray(self.probability, dtype=np.float64))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_entries(
        cls,
        network: Network,
        periods: pd.PeriodIndex,
        scenarios: int | list[str] | pd.Index,
        *,
        scenario: object,
        period: object,
        kind: object,
        item: object,
        value: object,
        probability: np.ndarray | None = None,
    ) -> SparseShocks:
        """Shocks of ``network`` from entries (item positions in the row order of its tables).

        ``scenarios`` is a number of scenarios (named ``s0``, ``s1``, ...) or their names;
        they are equally likely unless ``probability`` is given.
        """
        base = ShockArrays.baseline(network, periods, 0)
        names = (
            pd.Index([f"s{i}" for i in range(scenarios)], name="scenario")
            if isinstance(scenarios, int)
            else pd.Index(list(scenarios), name="scenario")
        )
        s = len(names)
        if probability is None:
            probability = np.full(s, 1.0 / s) if s else np.zeros(0)
        return cls(
            scenarios=names,
            probability=np.asarray(probability, dtype=float),
            periods=periods,
            processes=base.processes,
            routes=base.routes,
            demands=base.demands,
            expansions=base.expansions,
            scenario=scenario,  # type: ignore[arg-type]
            period=period,  # type: ignore[arg-type]
            kind=kind,  # type: ignore[arg-type]
            item=item,  # type: ignore[arg-type]
            value=value,  # type: ignore[arg-type]
            expansion_allowed=np.ones((s, len(base.expansions)), dtype=bool),
        )

    @classmethod
    def from_dense(cls, shocks: ShockArrays) -> SparseShocks:
        """The entries of ``shocks`` that differ from 1."""
        parts = []
        for k, arr in enumerate((shocks.process_capacity, shocks.route_capacity, shocks.demand)):
            s, t, i = np.nonzero(arr != 1.0)
            parts.append((s, t, np.full(len(s), k), i, arr[s, t, i]))
        cat = [np.concatenate([p[j] for p in parts]) for j in range(5)]
        return cls(
            **_axes(shocks),
            scenario=cat[0],
            period=cat[1],
            kind=cat[2],
            item=cat[3],
            value=cat[4],
            expansion_allowed=shocks.expansion_allowed,
        )

    # ------------------------------------------------------------------ use
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

    def to_dense(self) -> ShockArrays:
        """The same shocks as :class:`~valuechain.scenarios.compiled.ShockArrays` (every cell stored)."""
        s, t = self.n_scenarios, len(self.periods)
        dense = [np.ones((s, t, len(ax))) for ax in (self.processes, self.routes, self.demands)]
        for k, arr in enumerate(dense):
            m = self.kind == k
            arr[self.scenario[m], self.period[m], self.item[m]] = self.value[m]
        return ShockArrays(
            **_axes(self),
            process_capacity=dense[0],
            route_capacity=dense[1],
            demand=dense[2],
            expansion_allowed=np.asarray(self.expansion_allowed, dtype=bool),
        )

    def entry_range(self, s0: int, s1: int) -> slice:
        """The slice of entries that belong to scenarios ``s0 .. s1 - 1``."""
        a, b = np.searchsorted(self.scenario, [s0, s1])
        return slice(int(a), int(b))

    def select(self, which: slice) -> SparseShocks:
        """The scenarios of a contiguous slice (probabilities renormalised to sum to 1)."""
        start, stop, step = which.indices(self.n_scenarios)
        if step != 1:
            raise ScenarioError("SparseShocks.select takes a contiguous slice of scenarios")
        rng = self.entry_range(start, stop)
        prob = self.probability[start:stop]
        total = prob.sum()
        return replace(
            self,
            scenarios=self.scenarios[start:stop],
            probability=prob / total if total > 0 else np.full(len(prob), 1.0 / max(len(prob), 1)),
            scenario=self.scenario[rng] - start,
            period=self.period[rng],
            kind=self.kind[rng],
            item=self.item[rng],
            value=self.value[rng],
            expansion_allowed=self.expansion_allowed[start:stop],
        )

    def __repr__(self) -> str:
        cells = self.n_scenarios * len(self.periods) * (len(self.processes) + len(self.routes) + len(self.demands))
        share = len(self.value) / cells if cells else 0.0
        return (
            f"SparseShocks({self.n_scenarios:,} scenarios x {len(self.periods)} periods, "
            f"{len(self.value):,} changed multipliers ({share:.2%} of cells))"
        )


def _axes(shocks: ShockArrays | SparseShocks) -> dict[str, Any]:
    """What the dense and the sparse form share: scenarios, probabilities, periods and item labels."""
    names = ("scenarios", "probability", "periods", "processes", "routes", "demands", "expansions")
    return {k: getattr(shocks, k) for k in names}
