r"""Sampled stochastic plans: risk-register samples on a study's periods and the statistics of a plan.

A sample average approximation (SAA) plans against :math:`N` equally likely scenarios drawn from
a :class:`~valuechain.scenarios.RiskRegister`. The register's sampler works in months; here it is
asked for the study's yearly periods (``freq="Y"`` from the study's first year), and a year's
multiplier is then the mean of its months', the way a named scenario is compiled for the
optimiser. Scenario ``i`` of a seed is the same in every call, so the in-sample scenarios are
``0 .. N-1`` and fresh ones for evaluation are numbered from ``N`` on.

Statistics of a plan :math:`\hat x` (Mak, Morton and Wood 1999):

* **expected cost**, out of sample: the first stage fixed at :math:`\hat x`, the second stage solved
  for :math:`M` fresh scenarios; the mean of :math:`c^\top \hat x + Q_i(\hat x)` and its two-sided
  confidence interval from Student's :math:`t` with :math:`M-1` degrees of freedom;
* **optimality gap**, by the multiple-replication procedure: :math:`K` independent batches of
  :math:`n` fresh scenarios; in each, :math:`G_k = \hat f_k(\hat x) - z^*_k` (the plan's average
  cost on the batch less the batch's own SAA optimum, so :math:`G_k \ge 0`); the one-sided interval
  :math:`[0, \bar G + t_{K-1} s_G / \sqrt K]`. It bounds :math:`f(\hat x) - z^*` from above on
  average, the more loosely the smaller :math:`n` (:math:`E z^*_n \le z^*`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.opt import Study
    from valuechain.scenarios import RiskRegister
    from valuechain.scenarios.compiled import ShockArrays

__all__ = ["Interval", "SAAResult", "gap_interval", "mean_interval", "sample_shocks", "t_quantile"]


def sample_shocks(
    network: Network, study: Study, n: int, seed: int, *, first: int = 0, register: RiskRegister | None = None
) -> ShockArrays:
    """Register samples ``first .. first + n - 1`` compiled on the study's yearly periods.

    Parameters
    ----------
    network, study
        The network and the study (its horizon gives the periods).
    n, seed, first
        Number of scenarios, seed, number of the first scenario.
    register
        The risk register (default: :meth:`RiskRegister.default`, which skips what the network lacks).

    Returns
    -------
    ShockArrays
        ``n`` scenarios of probability ``1 / n``, labelled by their numbers.
    """
    from valuechain.scenarios import RiskRegister

    reg = register if register is not None else RiskRegister.default()
    periods = study.periods(network)
    arrays = reg.sample(network, n, seed=seed, first=first, start=periods[0], periods=len(periods), freq="Y")
    return arrays  # type: ignore[return-value]


def _t_cdf(t: float, df: int) -> float:
    """Student's t distribution function (Simpson's rule on the density from 0)."""
    if t == 0:
        return 0.5
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)
    x = np.linspace(0.0, abs(t), 2001)
    f = c * (1 + x * x / df) ** (-(df + 1) / 2)
    h = x[1] - x[0]
    area = h / 3 * (f[0] + f[-1] + 4 * f[1:-1:2].sum() + 2 * f[2:-1:2].sum())
    return 0.5 + math.copysign(float(area), t)


def t_quantile(p: float, df: int) -> float:
    """Quantile ``p`` of Student's t with ``df`` degrees of freedom.

    Examples
    --------
    >>> round(t_quantile(0.975, 4), 3)  # tables: 2.776
    2.776
    >>> round(t_quantile(0.95, 1000), 3)  # close to the normal's 1.645
    1.646
    """
    lo, hi = -1e3, 1e3
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if _t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


@dataclass(frozen=True)
class Interval:
    """An estimate with a confidence interval at level ``confidence`` from ``n`` observations."""

    estimate: float
    low: float
    high: float
    confidence: float
    n: int

    def __contains__(self, value: float) -> bool:
        return self.low <= value <= self.high

    def __str__(self) -> str:
        return f"{self.estimate:,.6g} [{self.low:,.6g}, {self.high:,.6g}] ({self.confidence:.0%}, n={self.n})"


def mean_interval(values: np.ndarray, confidence: float = 0.95) -> Interval:
    """Mean of ``values`` with its two-sided t interval.

    Examples
    --------
    >>> iv = mean_interval(np.array([1.0, 2.0, 3.0]))  # mean 2, s = 1, t(0.975, 2) = 4.303
    >>> round(iv.low, 3), round(iv.high, 3)
    (-0.484, 4.484)
    """
    v = np.asarray(values, dtype=float)
    mean = float(v.mean())
    if v.size < 2:
        return Interval(mean, -math.inf, math.inf, confidence, int(v.size))
    half = t_quantile(0.5 + confidence / 2, v.size - 1) * float(v.std(ddof=1)) / math.sqrt(v.size)
    return Interval(mean, mean - half, mean + half, confidence, int(v.size))


def gap_interval(gaps: np.ndarray, confidence: float = 0.95) -> Interval:
    """Mean of the replications' gaps and the one-sided interval ``[0, mean + t s / sqrt(K)]``."""
    g = np.asarray(gaps, dtype=float)
    mean = float(g.mean())
    if g.size < 2:
        return Interval(mean, 0.0, math.inf, confidence, int(g.size))
    half = t_quantile(confidence, g.size - 1) * float(g.std(ddof=1)) / math.sqrt(g.size)
    return Interval(mean, 0.0, max(mean + half, 0.0), confidence, int(g.size))


@dataclass(frozen=True, eq=False, repr=False)
class SAAResult:
    """A sampled stochastic plan and its statistics.

    Attributes
    ----------
    first_stage
        The plan: the value of every first-stage variable (``build``, ``reserve`` ...), indexed by
        block and labels.
    objective
        The SAA optimum found (in sample, expected discounted cost over the ``samples``).
    bound, gap
        Lower bound and relative gap (0 and the solver's for the extensive form).
    form
        'extensive' or 'lshaped'.
    samples, seed
        In-sample size and seed.
    expected_cost
        Out-of-sample expected cost of the plan, with its interval (``None`` if not evaluated).
    optimality_gap
        Multiple-replication gap of the plan (``None`` if not estimated).
    seconds
        Wall time per step ('sample+build', 'solve', 'evaluate', 'gap'; for the L-shaped method
        also 'mean plan' (its first plan), 'wait-and-see' (the floor) and 'master', the masters'
        share of 'solve').
    iterations
        Master iterations (L-shaped) or simplex iterations (extensive).
    distinct
        Distinct scenarios among the samples, each solved once (samples repeat; a repeated one
        weighs as many samples; summed over the chunks of the L-shaped method, whose chunks
        may each hold the same scenario). ``None`` when not counted.
    """

    first_stage: pd.Series
    objective: float
    bound: float
    gap: float
    form: str
    samples: int
    seed: int
    expected_cost: Interval | None
    optimality_gap: Interval | None
    seconds: dict[str, float]
    iterations: int
    distinct: int | None = None

    def capacity(self) -> pd.Series:
        """New capacity built, by period and expansion option (only options built)."""
        if "build" not in self.first_stage.index.get_level_values(0):
            return pd.Series(dtype=float)
        b = self.first_stage.xs("build", level=0)
        return b[b > 1e-9]

    def __repr__(self) -> str:
        lines = [
            f"<SAAResult {self.form} over {self.samples} samples (seed {self.seed}): "
            f"objective {self.objective:,.8g}, bound {self.bound:,.8g}, gap {self.gap:.2g}>"
        ]
        if self.expected_cost is not None:
            lines.append(f"  expected cost out of sample: {self.expected_cost}")
        if self.optimality_gap is not None:
            lines.append(f"  optimality gap (MRP): {self.optimality_gap}")
        return "\n".join(lines)
