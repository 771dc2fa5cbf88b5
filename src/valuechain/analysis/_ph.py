r"""Progressive hedging over the scenarios of a split two-stage program, to measure it against the L-shaped method.

Progressive hedging (Rockafellar and Wets, 1991) gives every scenario its own copy of the first
stage and drives the copies together: at each iteration every scenario solves

.. math::

    x_s = \arg\min_x\; (c + w_s)^\top x + \tfrac12 \sum_j \rho_j (x_j - \bar x_j)^2 + Q_s(x)

over the first-stage rows (the quadratic linearised by tangents, an LP re-solved warm:
:meth:`~valuechain.analysis._subproblems.Subproblems.proximal`), then :math:`\bar x = \sum_s p_s x_s` and
:math:`w_s \leftarrow w_s + \rho (x_s - \bar x)`. The multipliers keep
:math:`\sum_s p_s w_s = 0`, so each set of them gives a Lagrangian lower bound (the same LPs as
the L-shaped method's, :meth:`~valuechain.analysis._subproblems.Subproblems.lagrangian`), and every
consensus plan :math:`\bar x` (a mean of plans the first-stage rows allow) an upper bound when its
second stages are solved. ``rho`` is cost-proportional (Watson and Woodruff, 2011): a column's cost
over the spread of the scenarios' first plans.

:func:`valuechain.study.decompose.solve_saa` uses the L-shaped method; this one is measured in
``benchmarks/bench_saa.py --form ph`` (benchmarks/README.md says why the L-shaped method stays).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from valuechain.analysis._lshaped import column_money
from valuechain.analysis._subproblems import Subproblems
from valuechain.errors import SolverError

__all__ = ["PHResult", "progressive_hedging"]


@dataclass(frozen=True)
class PHResult:
    r"""Outcome of :func:`progressive_hedging`.

    Attributes
    ----------
    x, objective
        The best consensus plan evaluated, and its cost (an upper bound on the optimum).
    bound
        The best Lagrangian bound (a lower bound).
    gap
        ``(objective - bound) / max(1, |objective|)``.
    iterations
        Progressive-hedging steps (one LP per scenario each), after the first (the wait-and-see LPs).
    seconds
        Wall time.
    history
        (iteration, bound, objective, spread) at every check; the spread is
        :math:`\sum_s p_s \sum_j c_j |x_{s,j} - \bar x_j|`, the first-stage cost by which the
        scenarios' plans differ from the consensus.
    """

    x: np.ndarray
    objective: float
    bound: float
    gap: float
    iterations: int
    seconds: float
    history: tuple[tuple[int, float, float, float], ...]


def progressive_hedging(
    sub: Subproblems,
    probability: np.ndarray,
    *,
    rho: float = 1.0,
    gap: float = 1e-4,
    max_iterations: int = 10_000,
    time_limit: float = math.inf,
    check_every: int = 5,
    progress: Callable[[int, float, float, float], None] | None = None,
) -> PHResult:
    r"""Minimise ``c x + sum_s p_s Q_s(x)`` over ``sub``'s scenarios by progressive hedging.

    Parameters
    ----------
    sub
        The scenarios (their second stages and the first stage).
    probability
        :math:`p_s`, one per scenario of ``sub``, summing to 1.
    rho
        Scale of the cost-proportional penalty: :math:`\rho_j` = ``rho`` times column ``j``'s cost
        over its width: the spread of the scenarios' first plans in that column (at least 1e-3
        of the column's mean value, or 1), which also places the tangents.
    gap
        Stop when ``(upper - lower) / max(1, |upper|)`` is at most this.
    max_iterations, time_limit
        Other stopping rules.
    check_every
        Iterations between bounds (a Lagrangian LP and a second-stage solve per scenario).
    progress
        Called with (iteration, lower bound, upper bound, spread) at every check.
    """
    t0 = time.perf_counter()
    f = sub.first
    p = np.asarray(probability, dtype=float)
    ns = p.size
    every = np.arange(ns)
    c = np.asarray(f.cost, dtype=float)
    money = column_money(c)

    def upper(x: np.ndarray) -> float:
        q, _ = sub.evaluate(x, gradients=False)
        return float(c @ x + p @ q + f.offset)

    got: list[np.ndarray] = []
    values = sub.lagrangian(every, np.broadcast_to(c, (ns, f.n)), keys=list(range(ns)), first_values=got)
    xs = np.array(got).reshape(ns, f.n)
    low = float(p @ values + f.offset)  # the wait-and-see bound
    xbar = p @ xs
    width = np.maximum(p @ np.abs(xs - xbar), np.maximum(1e-3 * np.abs(xbar), 1.0))
    r = rho * money / width
    w = r * (xs - xbar)
    best_x, best = xbar, upper(xbar)
    history = [(0, low, best, float(p @ (np.abs(xs - xbar) @ money)))]
    if progress is not None:
        progress(*history[-1])
    it = 0
    for it in range(1, max_iterations + 1):
        xs = sub.proximal(every, c + w, xbar, r, width)
        xbar = p @ xs
        w += r * (xs - xbar)
        w -= p @ w  # the rounding of the sum, taken out
        last = time.perf_counter() - t0 > time_limit or it == max_iterations
        if it % check_every == 0 or last:
            try:
                values = sub.lagrangian(every, c + w, keys=list(range(ns)))
                low = max(low, float(p @ values + f.offset))
            except SolverError:  # a scenario unbounded at these multipliers: no bound this time
                pass
            cost = upper(xbar)
            if cost < best:
                best_x, best = xbar, cost
            history.append((it, low, best, float(p @ (np.abs(xs - xbar) @ money))))
            if progress is not None:
                progress(*history[-1])
            if best - low <= gap * max(1.0, abs(best)) or last:
                break
    return PHResult(
        x=best_x,
        objective=best,
        bound=low,
        gap=(best - low) / max(1.0, abs(best)),
        iterations=it,
        seconds=time.perf_counter() - t0,
        history=tuple(history),
    )
