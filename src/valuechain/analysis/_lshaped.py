r"""The multi-cut L-shaped method (Benders decomposition with one cut per scenario and iteration).

The master holds :math:`\theta_s \ge Q_s(\hat x) + g_s^\top (x - \hat x)` for every evaluated
proposal :math:`\hat x`; its optimum over the whole first stage is a lower bound, the best
evaluated proposal an upper bound. Second stages are evaluated by a callback, here
(:class:`~valuechain.analysis._twostage.Subproblems`) or on Dask workers
(:mod:`valuechain.study.decompose`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from valuechain.analysis._twostage import FirstStage, SecondStage, _highs_lp, _optimal
from valuechain.errors import SolverError

__all__ = ["Evaluator", "LShapedResult", "lshaped"]


Evaluator = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class LShapedResult:
    r"""Outcome of the L-shaped method.

    Attributes
    ----------
    x
        The first-stage plan (the best evaluated proposal).
    objective
        Its cost: :math:`c^\top x + \sum_s p_s Q_s(x)` (an upper bound on the optimum).
    bound
        The last master optimum (a lower bound).
    gap
        ``(objective - bound) / max(1, |objective|)``.
    iterations
        Master solves in the trust region.
    evaluations
        Rounds of second-stage solves (one per proposal).
    second_stage
        :math:`Q_s(x)` per scenario at the plan.
    seconds, master_seconds
        Wall time in all, and in the master.
    cuts
        Cuts added.
    history
        (iteration, bound, objective) per iteration.
    """

    x: np.ndarray
    objective: float
    bound: float
    gap: float
    iterations: int
    evaluations: int
    second_stage: np.ndarray
    seconds: float
    master_seconds: float
    cuts: int
    history: tuple[tuple[int, float, float], ...]


def lshaped(
    first: FirstStage,
    probability: np.ndarray,
    evaluate: Evaluator,
    lower: np.ndarray,
    *,
    gap: float = 1e-7,
    max_iterations: int = 1000,
    time_limit: float = math.inf,
    start: np.ndarray | None = None,
    progress: Callable[[int, float, float], None] | None = None,
    jensen: Sequence[tuple[np.ndarray, np.ndarray, SecondStage]] = (),
    floor: float = -math.inf,
    radius: float = 1.0,
) -> LShapedResult:
    """Minimise ``c x + sum_s p_s Q_s(x)`` by the multi-cut L-shaped method in a trust region.

    The master is solved in a box around the incumbent (Linderoth and Wright's trust region, in the
    infinity norm, scaled per column by ``max(1, |x_j|)``): the plain method's masters jump between
    extreme first-stage plans on a network's thousands of first-stage columns. A proposal that
    lowers the cost by at least 1e-4 of the predicted decrease becomes the incumbent (a serious
    step); otherwise its cuts still refine the model (a null step) and the box shrinks when the
    model over-promised. When the predicted decrease falls below the tolerance the master is solved
    without the box: its optimum is a valid lower bound, and the method stops once the incumbent
    is within ``gap`` of it (else the box grows and the method goes on).

    Parameters
    ----------
    first
        The first stage.
    probability
        :math:`p_s`, one per scenario (in the order of ``evaluate``'s answers).
    evaluate
        ``x -> (Q_s(x), g_s)``: second-stage costs (unweighted) and subgradients, scenario by column.
    lower
        A lower bound on every :math:`Q_s` (keeps the masters bounded).
    gap
        Stop when ``(upper - lower) / max(1, |upper|)`` is at most this.
    max_iterations, time_limit
        Other stopping rules (the result then carries the gap reached).
    start
        A first incumbent (e.g. the plan of a smaller sample); default: the least plan the
        first-stage rows allow.
    progress
        Called with (iteration, lower bound, upper bound) after every iteration.
    jensen
        Second stages written out in the master, each as ``(thetas, weights, stage)``: the row
        ``sum_i weights_i theta_{thetas_i} >= q^T y`` with ``y`` feasible for ``stage`` at the
        master's ``x``. Valid when ``stage`` is the weighted mean of those scenarios' bounds
        (weights summing to 1) and they share its costs and matrix: a second stage's optimum is
        jointly convex in ``x`` and its bounds, so the mean scenario's optimum is at most the
        weighted mean of theirs (Jensen). The block gives the master the recourse's shape where
        no cut has been made yet, which lifts the lower bound early.
    floor
        A lower bound on the optimum known beforehand (e.g. the wait-and-see bound): the method's
        bound is never below it.
    radius
        The trust region's first radius (relative to each column's size). From a good ``start`` a
        small one keeps the first proposals near it, where the subproblems' warm re-solves are
        cheap and steps are serious.

    Returns
    -------
    LShapedResult
    """
    from valuechain.opt import _highs

    t0 = time.perf_counter()
    p = np.asarray(probability, dtype=float)
    n, ns = first.n, p.size
    # theta_s = lower_s + phi_s, phi_s >= 0: the cuts' right-hand sides stay near the second stage's
    # spread instead of its size (1e12 on a network), which keeps the master's numbers tame
    base = np.asarray(lower, dtype=float)
    cost = np.concatenate([first.cost, p])
    lb = np.concatenate([first.lb, np.zeros(ns)])
    ub = np.concatenate([first.ub, np.full(ns, np.inf)])
    master = _highs_lp(cost, lb, ub, first.a_start, first.a_index, first.a_value, first.row_lo, first.row_hi,
                       offset=first.offset + float(p @ base))  # fmt: skip
    ints = np.flatnonzero(first.integer).astype(np.int32)
    if ints.size:
        master.changeColsIntegrality(ints.size, ints, np.ones(ints.size, dtype=np.uint8))
    for thetas, weights, st in jensen:
        _add_jensen(master, n, np.asarray(thetas), np.asarray(weights, dtype=float), st, base)
    rows0 = int(master.getNumRow())  # rows before the first cut
    cols = np.arange(n, dtype=np.int32)
    master_s, cuts, it, evals = 0.0, 0, 0, 0
    history: list[tuple[int, float, float]] = []

    def solve_master(box: float | None) -> tuple[np.ndarray, float]:
        nonlocal master_s, master
        if box is None:
            lo, hi = first.lb, first.ub
        else:
            width = box * np.maximum(1.0, np.abs(centre))
            lo, hi = np.maximum(first.lb, centre - width), np.minimum(first.ub, centre + width)
        if n:
            _highs.check(master.changeColsBounds(n, cols, lo, hi), "the trust region")
        tm = time.perf_counter()
        try:
            _optimal(master, "the L-shaped master")
        except SolverError:  # a warm start gone astray (large cut coefficients): from scratch
            # by IPM, then by the simplex, each in a new HiGHS instance holding the same LP (on the
            # global network's N = 100 master the warm simplex once ended 'unknown' and IPM solved
            # it from scratch only in a third try; another time the warm simplex ended in a 'solve
            # error' after which the same instance refused every run, status 'not set')
            for way in ("ipm", "simplex"):
                fresh = _highs.new_highs()
                _highs.check(fresh.passModel(master.getLp()), "the L-shaped master")
                fresh.setOptionValue("solver", way)
                try:
                    _optimal(fresh, "the L-shaped master")
                except SolverError:
                    if way == "simplex":
                        raise
                    continue
                fresh.setOptionValue("solver", "choose")
                master = fresh
                break
        master_s += time.perf_counter() - tm
        return np.asarray(master.getSolution().col_value, dtype=float), float(master.getInfo().objective_function_value)

    def add_cuts(x: np.ndarray, q: np.ndarray, g: np.ndarray, theta: np.ndarray | None) -> None:
        nonlocal cuts
        # one cut per scenario whose theta underestimates Q_s: theta_s - g_s x >= Q_s - g_s x_hat
        viol = np.arange(ns) if theta is None else np.flatnonzero(q - base - theta > 1e-10 * np.maximum(1.0, np.abs(q)))
        if viol.size == 0:
            return
        starts, idx, vals = [0], [], []
        rhs = np.empty(viol.size)
        for j, s in enumerate(viol):
            nz = np.flatnonzero(g[s])
            idx.append(np.concatenate([nz, [n + s]]))
            vals.append(np.concatenate([-g[s, nz], [1.0]]))
            starts.append(starts[-1] + nz.size + 1)
            rhs[j] = q[s] - base[s] - float(g[s, nz] @ x[nz])
        cut_lo.append(rhs)
        ii = np.concatenate(idx).astype(np.int32)
        st = np.asarray(starts[:-1], dtype=np.int32)
        _highs.check(master.addRows(viol.size, rhs, np.full(viol.size, np.inf), ii.size, st, ii, np.concatenate(vals)),
                     "the cuts")  # fmt: skip
        cuts += int(viol.size)

    age = np.zeros(0, dtype=np.int64)  # iterations each cut has been slack in a row
    cut_lo: list[np.ndarray] = []  # the cuts' right-hand sides, in row order

    def prune() -> None:
        """Drop cuts slack for 10 master solves in a row, once the cuts outnumber 5 per scenario.

        A cut holds up to one coefficient per first-stage column (thousands on a network), so an
        unpruned master grows by millions of coefficients every few iterations. Only long-slack
        cuts go (dropping every cut slack now makes the method cycle), and a slack cut has a basic
        slack, so deleting it keeps the basis valid for the next warm solve.
        """
        nonlocal age, cut_lo
        n_cuts = master.getNumRow() - rows0
        if age.size < n_cuts:
            age = np.concatenate([age, np.zeros(n_cuts - age.size, dtype=np.int64)])
        act = np.asarray(master.getSolution().row_value, dtype=float)[rows0:]
        cut_lo = [np.concatenate(cut_lo)] if len(cut_lo) > 1 else cut_lo
        lo = cut_lo[0] if cut_lo else np.zeros(0)
        slack = act - lo > 1e-7 * np.maximum(1.0, np.abs(lo))
        age = np.where(slack, age + 1, 0)
        if n_cuts <= 5 * ns:
            return
        drop = np.flatnonzero(age >= 10)
        if drop.size:
            rows = (rows0 + drop).astype(np.int32)
            _highs.check(master.deleteRows(rows.size, rows), "the removal of slack cuts")
            age = np.delete(age, drop)
            cut_lo = [np.delete(lo, drop)]

    def value(x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        nonlocal evals
        evals += 1
        q, g = evaluate(x)
        return float(first.cost @ x + p @ q + first.offset), q, g

    # the incumbent: the least first-stage plan that the first-stage rows allow
    if start is None:
        sol, _ = solve_master(None)
        start = sol[:n]
    centre = np.clip(np.asarray(start, dtype=float), first.lb, first.ub)
    f_c, q_c, g_c = value(centre)
    add_cuts(centre, q_c, g_c, None)
    radius, null_run = float(radius), 0
    low = floor
    for it in range(1, max_iterations + 1):
        sol, model_val = solve_master(radius)
        prune()
        pred = f_c - model_val
        if pred <= gap * max(1.0, abs(f_c)) * 0.5:
            # the model sees no progress in the box: a lower bound from the whole first stage
            _, low_all = solve_master(None)
            low = max(low, low_all)
            history.append((it, low, f_c))
            if progress is not None:
                progress(it, low, f_c)
            if f_c - low <= gap * max(1.0, abs(f_c)):
                break
            radius *= 4.0
            continue
        x = sol[:n]
        f_x, q, g = value(x)
        add_cuts(x, q, g, sol[n : n + ns])
        if f_c - f_x >= 1e-4 * pred:  # serious step
            at_edge = np.any(np.abs(x - centre) >= 0.99 * radius * np.maximum(1.0, np.abs(centre)))
            if f_c - f_x >= 0.5 * pred and at_edge:
                radius = min(radius * 2.0, 1e8)
            centre, f_c, q_c = x.copy(), f_x, q
            null_run = 0
        else:  # null step
            rho = min(1.0, radius) * (f_x - f_c) / pred
            null_run += rho > 0
            if rho > 3.0 or (null_run >= 3 and 1.0 < rho <= 3.0):
                radius /= min(rho, 4.0)
                null_run = 0
        if it % 10 == 0:
            # the bound from the whole first stage, also while the box still moves, and cuts where
            # that master's optimum lies (a plain L-shaped step: without it the bound stalls)
            sol_all, low_all = solve_master(None)
            low = max(low, low_all)
            x_far = sol_all[:n]
            f_far, q_far, g_far = value(x_far)
            add_cuts(x_far, q_far, g_far, sol_all[n : n + ns])
            if f_far < f_c:
                centre, f_c, q_c = x_far.copy(), f_far, q_far
        history.append((it, low, f_c))
        if progress is not None:
            progress(it, low, f_c)
        if f_c - low <= gap * max(1.0, abs(f_c)) or time.perf_counter() - t0 > time_limit:
            break
    return LShapedResult(
        x=centre,
        objective=f_c,
        bound=low,
        gap=(f_c - low) / max(1.0, abs(f_c)),
        iterations=it,
        evaluations=evals,
        second_stage=q_c,
        seconds=time.perf_counter() - t0,
        master_seconds=master_s,
        cuts=cuts,
        history=tuple(history),
    )


def _add_jensen(
    master: Any, n: int, thetas: np.ndarray, weights: np.ndarray, st: SecondStage, base: np.ndarray
) -> None:
    """Write ``stage`` out in the master, bounding ``sum_i w_i theta_i`` from below (see :func:`lshaped`).

    The master's thetas are ``base + phi`` and phi are its columns ``n ..``: the row reads
    ``sum_i w_i phi_i - q^T y >= -sum_i w_i base_i``.
    """
    from valuechain.opt import _highs

    own = st.cost.size
    first_col = int(master.getNumCol())
    _highs.check(master.addCols(own, np.zeros(own), st.lb, st.ub, 0, np.zeros(0, dtype=np.int32),
                                np.zeros(0, dtype=np.int32), np.zeros(0)), "the mean scenario's columns")  # fmt: skip
    gi = np.asarray(st.a_index, dtype=np.int64)
    idx = np.where(gi < own, first_col + gi, st.link[np.maximum(gi - own, 0)])
    _highs.check(master.addRows(st.row_lo.size, st.row_lo, st.row_hi, idx.size, st.a_start[:-1].astype(np.int32),
                                idx.astype(np.int32), st.a_value), "the mean scenario's rows")  # fmt: skip
    nz = np.flatnonzero(st.cost)
    ii = np.concatenate([n + thetas, first_col + nz]).astype(np.int32)
    vv = np.concatenate([weights, -st.cost[nz]])
    rhs = -float(weights @ base[thetas])
    _highs.check(master.addRows(1, np.array([rhs]), np.array([np.inf]), ii.size, np.array([0], dtype=np.int32), ii, vv),
                 "the mean scenario's bound")  # fmt: skip
