"""Monte Carlo plant outages: one random process down per scenario, drawn as sparse shocks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from valuechain._params import check
from valuechain.errors import ScenarioError
from valuechain.scenarios.sparse import SparseShocks

if TYPE_CHECKING:
    from valuechain.network.model import Network

__all__ = ["random_outages"]


def _pair(name: str, value: object, low: float, high: float | None = None) -> tuple[float, float]:
    ok = (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        and low <= value[0] <= value[1]
        and (high is None or value[1] <= high)
    )
    if not ok:
        rng = f"in [{low:g}, {high:g}]" if high is not None else f">= {low:g}"
        raise ScenarioError(f"The '{name}' parameter of random_outages must be a pair (lo, hi) with lo <= hi, {rng}. "
                            f"Got {value!r}.")  # fmt: skip
    return float(value[0]), float(value[1])  # type: ignore[index]


def random_outages(
    network: Network,
    n: int,
    *,
    seed: int,
    periods: int = 24,
    start: object = None,
    severity: tuple[float, float] = (0.2, 1.0),
    begins: tuple[int, int] = (0, 11),
    months: tuple[int, int] = (1, 12),
) -> SparseShocks:
    """``n`` scenarios, each a single process losing part of its capacity for a while.

    The process is drawn uniformly among the network's processes, the lost share uniformly in
    ``severity``, the first month uniformly among the integers in ``begins`` and the duration
    among the integers in ``months`` (clipped to the horizon).

    Parameters
    ----------
    network
        The network.
    n
        Number of scenarios (equally likely).
    seed
        Seed of the draws (same seed, same scenarios).
    periods, start
        Monthly horizon: number of months and first month (default: January after the network's
        base year).
    severity, begins, months
        Ranges ``(lo, hi)`` of the lost share of capacity, the first month (offset from
        ``start``) and the duration in months.

    Returns
    -------
    SparseShocks
        Scenarios named ``outage-<i>``.

    Examples
    --------
    >>> import valuechain as vc
    >>> sh = random_outages(vc.load_network("toy-battery"), 1000, seed=1)
    >>> sh.n_scenarios, bool((sh.kind == 0).all()), bool(((sh.value >= 0) & (sh.value <= 0.8)).all())
    (1000, True, True)
    """
    from valuechain.scenarios._time import default_periods

    check("random_outages", "n", n, lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
          error=ScenarioError, expected="an integer >= 1")  # fmt: skip
    check("random_outages", "seed", seed, lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
          error=ScenarioError, expected="an integer >= 0")  # fmt: skip
    lo_s, hi_s = _pair("severity", severity, 0.0, 1.0)
    lo_b, hi_b = _pair("begins", begins, 0.0)
    lo_m, hi_m = _pair("months", months, 1.0)
    if not len(network.processes):
        raise ScenarioError(f"network '{network.name}' has no processes to take out")
    per: pd.PeriodIndex = default_periods(network, periods, start)
    rng = np.random.default_rng(seed)
    p = rng.integers(len(network.processes), size=n)
    first = rng.integers(int(lo_b), int(hi_b) + 1, size=n)
    dur = rng.integers(int(lo_m), int(hi_m) + 1, size=n)
    sev = rng.uniform(lo_s, hi_s, size=n)
    end = np.minimum(first + dur, periods)
    length = np.maximum(end - first, 0)
    s = np.repeat(np.arange(n), length)
    t = np.repeat(first, length) + (np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length, length))
    return SparseShocks.from_entries(
        network, per, [f"outage-{i}" for i in range(n)],
        scenario=s, period=t, kind=np.zeros(len(s), dtype=np.int64), item=p[s], value=1.0 - sev[s],
    )  # fmt: skip
