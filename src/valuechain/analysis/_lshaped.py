r"""The multi-cut L-shaped method (Benders decomposition with one cut per scenario and iteration).

The master holds :math:`\theta_s \ge Q_s(\hat x) + g_s^\top (x - \hat x)` for every evaluated
proposal :math:`\hat x`; its optimum over the whole first stage is a lower bound, the best
evaluated proposal an upper bound. Proposals come from a level-bundle step (the plan nearest
the best one whose model cost reaches a level between the bounds), not from the plain master's
optimum, which jumps between extreme plans on a network's thousands of first-stage columns.
The master's cut duals give each scenario a multiplier on its copy of the first stage; with them,
each scenario's LP over the whole first stage gives a Lagrangian bound, which may lift the lower
bound where the cuts are still loose (:meth:`_Masters.multipliers`); the cuts those LPs give (and
the wait-and-see LPs') may go into the masters too. Second stages are evaluated
by a callback, here
(:class:`~valuechain.analysis._subproblems.Subproblems`) or on Dask workers
(:mod:`valuechain.study.decompose`).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from valuechain.analysis._twostage import FirstStage, SecondStage, _highs_lp, _optimal
from valuechain.errors import SolverError

__all__ = ["Cuts", "Evaluator", "LShapedResult", "lshaped"]


Evaluator = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
#: Cuts not made at one plan: per scenario an intercept ``a_s`` and a slope ``b_s`` (scenario by
#: column) with :math:`Q_s(x) \ge a_s + b_s^\top x` everywhere.
Cuts = tuple[np.ndarray, np.ndarray]

#: The share of the method's time that Lagrangian bounds may take (see :func:`lshaped`).
LAGRANGIAN_SHARE = 0.25
#: Iterations before the first Lagrangian bound (0: as soon as the time share allows). On the global
#: network (benchmarks/README.md) the first bound, after 14 iterations at N = 100, lifted the bound
#: off the wait-and-see floor (gap 2.1 % to 1.3 % in 300 s); at N = 1,000, with one multiplier per
#: group of ten samples, the one bound taken stayed below the floor, so ``solve_saa`` leaves them
#: off for grouped cuts rather than by a count of iterations.
LAGRANGIAN_AFTER = 0

#: The level's place between the lower and the upper bound (the share of the gap kept above the
#: lower bound). On the global network at N = 10 from the mean scenario's plan, 0.5 and 0.3 were
#: measured (benchmarks/README.md, "A level-bundle master").
LEVEL = 0.5


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
        Iterations (a bound master and a projection master each, but the last).
    evaluations
        Rounds of second-stage solves (one per proposal).
    second_stage
        :math:`Q_s(x)` per scenario at the plan.
    seconds, master_seconds
        Wall time in all, and in the master.
    cuts
        Cuts added.
    invalid_cuts
        Cuts dropped because they asked more than a scenario's cost at an evaluated plan (a sign
        of inexact second-stage solves; 0 when every solve was exact enough).
    rescues
        Bound masters solved again from scratch because the warm solve reported a minimum above
        the model's cost at the best plan.
    history
        (iteration, bound, objective) per iteration.
    lagrangian_bounds, lagrangian_seconds, lagrangian_bound
        Lagrangian bounds computed, their time, and the last one (``-inf`` if none).
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
    invalid_cuts: int
    rescues: int
    history: tuple[tuple[int, float, float], ...]
    lagrangian_bounds: int = 0
    lagrangian_seconds: float = 0.0
    lagrangian_bound: float = -math.inf


def lshaped(
    first: FirstStage,
    probability: np.ndarray,
    evaluate: Evaluator,
    lower: np.ndarray,
    *,
    gap: float = 1e-7,
    max_iterations: int = 100_000,
    time_limit: float = math.inf,
    start: np.ndarray | None = None,
    progress: Callable[[int, float, float], None] | None = None,
    jensen: Sequence[tuple[np.ndarray, np.ndarray, SecondStage]] = (),
    floor: float = -math.inf,
    level: float = LEVEL,
    lagrangian: Callable[[np.ndarray], float | tuple[float, Cuts]] | None = None,
    lagrangian_seconds: float = 0.0,
    lagrangian_share: float = LAGRANGIAN_SHARE,
    lagrangian_after: int = LAGRANGIAN_AFTER,
    cuts: Cuts | None = None,
) -> LShapedResult:
    r"""Minimise ``c x + sum_s p_s Q_s(x)`` by the multi-cut L-shaped method with a level-bundle master.

    Two LPs hold the same cuts. The *bound master* minimises the cut model over the whole first
    stage; its optimum is a lower bound. The *projection master* finds the proposal: the plan
    nearest the incumbent :math:`\hat x` (the best plan evaluated) whose model cost is at most the
    level :math:`\ell = \text{low} + \lambda(\text{up} - \text{low})`, with
    :math:`\lambda` = ``level``. Nearness is measured in money:
    :math:`\sum_j c_j |x_j - \hat x_j|`, the first-stage cost of the change (a level bundle method
    in the weighted 1-norm, so the master stays an LP). The level, not a radius, sets the step:
    the method needs no trust-region rules, and each proposal moves few columns, which keeps the
    second stages' warm re-solves cheap.

    Both masters are solved in scaled units: a column in units of :math:`S / c_j` (its cost
    coefficient becomes 1) and :math:`\theta_s = \text{lower}_s + S \phi_s`, with :math:`S` a
    thousandth of the first plan's cost. On the global network the unscaled master (costs to
    9e7, right-hand sides to 6e11, cut coefficients from 1e-14 to 9e8) failed warm and once from
    scratch. Cut coefficients below 1e-11 of a cut's largest (solver noise) are dropped.

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
        A first incumbent (e.g. the plan of the mean scenario or of a smaller sample); default: the
        least plan the first-stage rows allow.
    progress
        Called with (iteration, lower bound, upper bound) after every iteration.
    jensen
        Second stages written out in both masters, each as ``(thetas, weights, stage)``: the row
        ``sum_i weights_i theta_{thetas_i} >= q^T y`` with ``y`` feasible for ``stage`` at the
        master's ``x``. Valid when ``stage`` is the weighted mean of those scenarios' bounds
        (weights summing to 1) and they share its costs and matrix: a second stage's optimum is
        jointly convex in ``x`` and its bounds, so the mean scenario's optimum is at most the
        weighted mean of theirs (Jensen). The block gives the master the recourse's shape where
        no cut has been made yet, which lifts the lower bound early.
    floor
        A lower bound on the optimum known beforehand (e.g. the wait-and-see bound): the method's
        bound is never below it.
    level
        :math:`\lambda` in (0, 1): the share of the gap the level keeps above the lower bound.
    lagrangian
        ``w -> bound``: the Lagrangian bound :math:`\sum_s p_s \min_x (c + w_s)^\top x + Q_s(x)`
        (with the first stage's offset) for multipliers ``w`` (scenario by column, averaging to
        zero), one LP per scenario with the whole first stage. When given, it is called with the
        bound master's multipliers (:meth:`_Masters.multipliers`) whenever the time since the last
        call is long enough that these bounds take at most ``lagrangian_share`` of the method's
        time; its answer lifts the lower bound when higher. A ``SolverError`` from it (a scenario
        LP not solved to optimality) counts as no bound. The cut
        model's minimum stays on the wait-and-see floor for long on the global network, while
        these bounds use each scenario's true cost. It may also answer ``(bound, cuts)``: each
        scenario's cut at its plan in that bound's LPs (``Subproblems.lagrangian(..., cuts=)``), added
        to the masters, whose minimum is from then on at least that bound.
    lagrangian_seconds
        What one such bound is expected to take (e.g. the wait-and-see bound's time), for its
        first call; later calls go by the last one's time.
    lagrangian_share
        In (0, 1).
    lagrangian_after
        Iterations before the first Lagrangian bound (default :data:`LAGRANGIAN_AFTER`).
    cuts
        Cuts known beforehand (:data:`Cuts`), put in the masters at the start: e.g. each
        scenario's cut at its own wait-and-see plan, with which the cut model's minimum is at least
        the wait-and-see bound and the masters know, per scenario, the worth of each first-stage
        column where that scenario alone would plan.

    Returns
    -------
    LShapedResult
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1); got {level!r}")
    if not 0.0 < lagrangian_share < 1.0:
        raise ValueError(f"lagrangian_share must lie in (0, 1); got {lagrangian_share!r}")
    t0 = time.perf_counter()
    p = np.asarray(probability, dtype=float)
    ns = p.size
    base = np.asarray(lower, dtype=float)
    master_s, it, evals = 0.0, 0, 0
    lag_calls, lag_s, lag_last = 0, 0.0, -math.inf
    lag_due = t0 + lagrangian_seconds * (1.0 - lagrangian_share) / lagrangian_share
    history: list[tuple[int, float, float]] = []

    def value(x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        nonlocal evals
        evals += 1
        q, g = evaluate(x)
        return float(first.cost @ x + p @ q + first.offset), q, g

    if start is None:
        start = _least_plan(first)
    x_c = np.clip(np.asarray(start, dtype=float), first.lb, first.ub)
    f_c, q_c, g_c = value(x_c)
    m = _Masters(first, p, base, scale=max(1.0, abs(f_c) / 1e3), jensen=jensen)
    m.add_cuts(x_c, q_c, g_c)
    made = ns
    if cuts is not None:
        m.add_affine(*cuts)
        made += ns
    low = floor
    for it in range(1, max_iterations + 1):
        tm = time.perf_counter()
        ceiling = f_c if m.jensen else min(f_c, m.model_cost(x_c))
        got = m.bound(ceiling)
        low = low if got is None else max(low, got)
        if lagrangian is not None and got is not None and it > lagrangian_after and time.perf_counter() >= lag_due:
            tl = time.perf_counter()
            try:
                got_lag = lagrangian(m.multipliers())
            except SolverError:  # a scenario LP not solved (e.g. unbounded through a column in a row): no bound
                got_lag = -math.inf
            lag_last = float(got_lag[0] if isinstance(got_lag, tuple) else got_lag)
            lag_calls += 1
            if lag_last <= f_c + 1e-7 * max(1.0, abs(f_c)):  # above the best plan's cost: inexact, not used
                low = max(low, lag_last)
                if isinstance(got_lag, tuple):  # (nor are its cuts)
                    m.add_affine(*got_lag[1])
                    made += ns
            took = time.perf_counter() - tl
            lag_s += took
            tm += took  # not the masters' time
            lag_due = time.perf_counter() + took * (1.0 - lagrangian_share) / lagrangian_share
        if f_c - low <= gap * max(1.0, abs(f_c)):
            master_s += time.perf_counter() - tm
            history.append((it, low, f_c))
            if progress is not None:
                progress(it, low, f_c)
            break
        # no bound yet (the first master's answer refused): a plain L-shaped step to its minimiser
        x = m.project(x_c, low + level * (f_c - low)) if math.isfinite(low) else m.minimiser()
        master_s += time.perf_counter() - tm
        f_x, q, g = value(x)
        m.drop_invalid(x, q)  # the cuts so far against this plan's second stages
        m.add_cuts(x, q, g)
        made += ns
        if f_x < f_c:
            x_c, f_c, q_c = x, f_x, q
        else:
            m.drop_invalid(x_c, q_c)  # the new cuts against the best plan's: the bound stays below it
        m.prune()
        history.append((it, low, f_c))
        if progress is not None:
            progress(it, low, f_c)
        if time.perf_counter() - t0 > time_limit:
            break
    return LShapedResult(
        x=x_c,
        objective=f_c,
        bound=low,
        gap=(f_c - low) / max(1.0, abs(f_c)),
        iterations=it,
        evaluations=evals,
        second_stage=q_c,
        seconds=time.perf_counter() - t0,
        master_seconds=master_s,
        cuts=made,
        invalid_cuts=m.invalid,
        rescues=m.rescues,
        history=tuple(history),
        lagrangian_bounds=lag_calls,
        lagrangian_seconds=lag_s,
        lagrangian_bound=lag_last,
    )


def column_money(cost: np.ndarray) -> np.ndarray:
    """Money per unit of each first-stage column: its cost, or the median positive cost where it has none."""
    c = np.asarray(cost, dtype=float)
    return np.where(c > 0, c, float(np.median(c[c > 0])) if np.any(c > 0) else 1.0)


def _least_plan(first: FirstStage) -> np.ndarray:
    """The least-cost plan the first-stage rows allow (no recourse)."""
    h = _highs_lp(first.cost, first.lb, first.ub, first.a_start, first.a_index, first.a_value, first.row_lo,
                  first.row_hi)  # fmt: skip
    _optimal(h, "the least first-stage plan")
    return np.asarray(h.getSolution().col_value, dtype=float)


class _Masters:
    r"""The bound master and the projection master of :func:`lshaped`, in scaled units, with the same cuts.

    Columns of both: the first stage in units of ``S / c_j`` (``x = u * x'``), then
    :math:`\phi_s = (\theta_s - \text{lower}_s) / S`. The projection master adds the level row and,
    per first-stage column, a pair of non-negative columns with ``x' - d^+ + d^- = \hat x'``
    (its objective, :math:`\sum_j d^+_j + d^-_j`, is the change's first-stage cost over ``S``).
    """

    #: Seconds a warm master solve may take before the master is solved again from scratch.
    WARM_LIMIT = 60.0
    #: A cut whose duals were zero in both masters this many solves in a row is dropped ...
    AGE = 30
    #: ... once there are more cuts than this many per scenario.
    KEEP = 10

    def __init__(
        self,
        first: FirstStage,
        p: np.ndarray,
        base: np.ndarray,
        *,
        scale: float,
        jensen: Sequence[tuple[np.ndarray, np.ndarray, SecondStage]],
    ) -> None:
        from valuechain.opt import _highs

        self.n, self.ns, self.s = first.n, p.size, float(scale)
        n, ns, s = self.n, self.ns, self.s
        c = np.asarray(first.cost, dtype=float)
        weight = column_money(c)  # money per unit of a column, in the distance
        # x = unit * x'; integer columns keep their units (a scaled one would lose integrality)
        self.unit = np.where(np.asarray(first.integer, dtype=bool), 1.0, s / weight)
        self.first = first
        cost = np.concatenate([c * self.unit / s, p])
        lb = np.concatenate([first.lb / self.unit, np.zeros(ns)])
        ub = np.concatenate([first.ub / self.unit, np.full(ns, np.inf)])
        a_value = first.a_value * self.unit[first.a_index]
        self.offset = (first.offset + float(p @ base)) / s
        self.base = base
        self.bound_lp = _highs_lp(cost, lb, ub, first.a_start, first.a_index, a_value, first.row_lo, first.row_hi,
                                  offset=self.offset)  # fmt: skip
        proj = _highs_lp(np.zeros(n + ns), lb, ub, first.a_start, first.a_index, a_value, first.row_lo, first.row_hi)
        ints = np.flatnonzero(first.integer).astype(np.int32)
        for h in (self.bound_lp, proj):
            if ints.size:
                h.changeColsIntegrality(ints.size, ints, np.ones(ints.size, dtype=np.uint8))
            for thetas, weights, st in jensen:
                _add_jensen(h, n, np.asarray(thetas), np.asarray(weights, dtype=float), st, base, self.unit, s)
        nz = np.flatnonzero(cost)
        self.level_row = int(proj.getNumRow())
        _highs.check(proj.addRows(1, np.array([-np.inf]), np.array([np.inf]), nz.size, np.zeros(1, dtype=np.int32),
                                  nz.astype(np.int32), cost[nz]), "the level row")  # fmt: skip
        extra = int(proj.getNumCol())
        none = np.zeros(0, dtype=np.int32)
        per = weight * self.unit / s  # 1 for a scaled column
        _highs.check(proj.addCols(2 * n, np.concatenate([per, per]), np.zeros(2 * n), np.full(2 * n, np.inf), 0,
                                  none, none, np.zeros(0)), "the distance columns")  # fmt: skip
        idx = np.stack([np.arange(n), extra + np.arange(n), extra + n + np.arange(n)], axis=1).ravel()
        self.move_rows = (self.level_row + 1 + np.arange(n)).astype(np.int32)
        _highs.check(proj.addRows(n, np.zeros(n), np.zeros(n), idx.size, (3 * np.arange(n)).astype(np.int32),
                                  idx.astype(np.int32), np.tile([1.0, -1.0, 1.0], n)), "the distance rows")  # fmt: skip
        self.proj = proj
        self.rows0 = (int(self.bound_lp.getNumRow()), int(proj.getNumRow()))
        self.age = np.zeros(0, dtype=np.int64)
        # the cuts as held in the masters (scaled): phi_{owner} >= rhs + slope @ x'
        self.slope = np.zeros((0, n))
        self.rhs = np.zeros(0)
        self.owner = np.zeros(0, dtype=np.int64)
        self.invalid = 0  # cuts found above an evaluated second-stage cost, and dropped
        self.rescues = 0  # bound masters solved again from scratch after a warm answer too high
        self.cost = cost
        self.p = p
        self.jensen = bool(jensen)
        in_rows = np.zeros(n, dtype=bool)
        in_rows[np.asarray(first.a_index, dtype=np.int64)] = True
        #: columns nothing bounds above (no upper bound, in no first-stage row): a Lagrangian LP
        #: in which one costs less than nothing is unbounded
        self.free = np.isinf(first.ub) & np.isfinite(first.lb) & ~in_rows

    def add_cuts(self, x: np.ndarray, q: np.ndarray, g: np.ndarray) -> None:
        r"""Add :math:`\theta_s \ge Q_s(x) + g_s^\top (y - x)` for every scenario to both masters."""
        from valuechain.opt import _highs

        n, s = self.n, self.s
        gs = np.asarray(g, dtype=float) * self.unit / s  # per unit of x', per S
        big = np.abs(gs).max(axis=1, initial=0.0)
        slope = np.where(np.abs(gs) > 1e-11 * np.maximum(big, 1e-300)[:, None], gs, 0.0)
        xs = x / self.unit
        rows, cols = np.nonzero(slope)  # row by row, columns ascending
        at = np.searchsorted(rows, np.arange(self.ns + 1))  # where each cut's slopes start
        # over each cut's own columns (a product over all columns rounds differently, and the
        # masters' path follows such last digits)
        rhs = (np.asarray(q, dtype=float) - self.base) / s - np.array(
            [slope[k, cols[a:b]] @ xs[cols[a:b]] for k, (a, b) in enumerate(itertools.pairwise(at))]
        )
        # each cut's row: -slope over its columns, then +1 on its scenario's phi
        ii = np.insert(cols, at[1:], n + np.arange(self.ns)).astype(np.int32)
        vv = np.insert(-slope[rows, cols], at[1:], 1.0)
        st = (at[:-1] + np.arange(self.ns)).astype(np.int32)
        for h in (self.bound_lp, self.proj):
            _highs.check(h.addRows(self.ns, rhs, np.full(self.ns, np.inf), ii.size, st, ii, vv), "the cuts")
        self.slope = np.vstack([self.slope, slope])
        self.rhs = np.concatenate([self.rhs, rhs])
        self.owner = np.concatenate([self.owner, np.arange(self.ns)])

    def add_affine(self, intercept: np.ndarray, slope: np.ndarray) -> None:
        r"""Add :math:`\theta_s \ge a_s + b_s^\top x` for every scenario to both masters (:data:`Cuts`)."""
        self.add_cuts(np.zeros(self.n), intercept, slope)  # a cut made at x = 0

    def drop_invalid(self, x: np.ndarray, q: np.ndarray) -> int:
        r"""Drop the cuts that ask more than :math:`Q_s(x)` at an evaluated ``x``; return how many.

        A valid cut never exceeds its scenario's cost anywhere. One that does at a plan whose
        second stages were solved rests on an inexact second-stage solve; left in, it lifts the
        lower bound above the optimum (on the global network at N = 10 a bound once passed the
        best plan's cost and stopped the method with a negative gap).
        """
        limit = (np.asarray(q, dtype=float) - self.base) / self.s
        asked = self.rhs + self.slope @ (x / self.unit)
        over = asked - limit[self.owner] > 1e-6 * np.maximum(1.0, np.abs(limit[self.owner]))
        bad = np.flatnonzero(over)
        if bad.size:
            self._delete(bad)
            self.invalid += int(bad.size)
        return int(bad.size)

    def _delete(self, cuts: np.ndarray) -> None:
        from valuechain.opt import _highs

        r_b, r_p = self.rows0
        for h, r0 in ((self.bound_lp, r_b), (self.proj, r_p)):
            rows = (r0 + cuts).astype(np.int32)
            _highs.check(h.deleteRows(rows.size, rows), "the removal of cuts")
        keep = np.ones(self.rhs.size, dtype=bool)
        keep[cuts] = False
        self.slope, self.rhs, self.owner = self.slope[keep], self.rhs[keep], self.owner[keep]
        self.age = self.age[keep[: self.age.size]]

    def bound(self, ceiling: float) -> float | None:
        """The cut model's minimum over the whole first stage (a lower bound), in money.

        ``ceiling`` is a value the minimum cannot exceed (the model's cost at the best plan). A
        warm solve that reports more is wrong: on the global network at N = 10 a warm bound master
        twice reported an optimum above the best plan's cost, after 1,262 and 1,430 iterations.
        The master is then solved again from scratch; if that too reports more, the answer is
        ``None`` (no bound from this model).
        """
        self.bound_lp = _solve(self.bound_lp, "the L-shaped bound master", self.WARM_LIMIT)
        low = float(self.bound_lp.getInfo().objective_function_value) * self.s
        tol = 1e-7 * max(1.0, abs(ceiling))
        if low <= ceiling + tol:
            return low
        self.rescues += 1
        fresh = _fresh(self.bound_lp, "the L-shaped bound master")
        low = float(fresh.getInfo().objective_function_value) * self.s
        if low <= ceiling + tol:
            self.bound_lp = fresh
            return low
        return None

    def multipliers(self) -> np.ndarray:
        r"""Lagrange multipliers of the copies of the first stage, one row per scenario, from the last bound master.

        The bound master's cut duals :math:`\mu_k` weigh scenario ``s``'s cuts into a slope
        :math:`g_s = \sum_k \mu_k \beta_k / p_s` (the weight left to :math:`p_s`, if any, is on
        the constant cut :math:`\theta_s \ge \text{lower}_s`); the multipliers are
        :math:`w_s = \bar g - g_s` with :math:`\bar g = \sum_s p_s g_s`, so
        :math:`\sum_s p_s w_s = 0`. With them each scenario's optimum over its own first stage,
        :math:`\min_x (c + w_s)^\top x + Q_s(x)`, is at least its share of the cut model's
        minimum (:math:`Q_s \ge` its cuts), so their weighted sum is a lower bound on the
        optimum at least the master's, tighter where the cuts are loose. Call right after
        :meth:`bound`, before cuts are added or dropped. Columns that nothing bounds above get
        multipliers with :math:`c_j + w_{sj} \ge 0` (:func:`_payable`): on the global network at
        N = 100 the master's own made four of five of these LPs unbounded.
        """
        r_b, _ = self.rows0
        mu = np.abs(np.asarray(self.bound_lp.getSolution().row_dual, dtype=float)[r_b:])
        if mu.size != self.rhs.size:
            raise AssertionError("the bound master's rows changed since its solve")
        weighted = np.zeros((self.ns, self.n))
        np.add.at(weighted, self.owner, mu[:, None] * self.slope)  # sum_k mu_k beta_k per scenario, scaled
        g = weighted / np.maximum(self.p, 1e-300)[:, None]
        w = (weighted.sum(axis=0)[None, :] - g) * (self.s / self.unit)[None, :]  # in money per unit of x
        w -= (self.p @ w)[None, :]  # the rounding of the sum, taken out: sum_s p_s w_s = 0
        w[:, self.free] = _payable(w[:, self.free], self.p, self.first.cost[self.free])
        return w

    def minimiser(self) -> np.ndarray:
        """The first stage at the bound master's last optimum."""
        x = np.asarray(self.bound_lp.getSolution().col_value, dtype=float)[: self.n] * self.unit
        return np.clip(x, self.first.lb, self.first.ub)

    def model_cost(self, x: np.ndarray) -> float:
        """The cut model's cost at ``x`` (cuts only, not the written-out mean scenarios), in money."""
        xs = x / self.unit
        phi = np.zeros(self.ns)
        if self.rhs.size:
            np.maximum.at(phi, self.owner, self.rhs + self.slope @ xs)
        return float(self.cost[: self.n] @ xs + self.cost[self.n :] @ phi + self.offset) * self.s

    def project(self, centre: np.ndarray, level: float) -> np.ndarray:
        """The plan nearest ``centre`` (in first-stage cost) whose model cost is at most ``level``."""
        from valuechain.opt import _highs

        xs = centre / self.unit
        _highs.check(self.proj.changeRowBounds(self.level_row, -np.inf, level / self.s - self.offset), "the level")
        _highs.check(self.proj.changeRowsBounds(self.n, self.move_rows, xs, xs), "the incumbent")
        self.proj = _solve(self.proj, "the L-shaped projection master", self.WARM_LIMIT)
        x = np.asarray(self.proj.getSolution().col_value, dtype=float)[: self.n] * self.unit
        return np.clip(x, self.first.lb, self.first.ub)

    def prune(self) -> None:
        """Drop cuts with zero duals in both masters for :attr:`AGE` solves, once they are many.

        A cut holds up to one coefficient per first-stage column (thousands on a network), so an
        unpruned master grows by millions of coefficients and its solves slow down (on the global
        network at N = 10 the masters took 157 s of 297 over 307 iterations unpruned, against 59 s of 236
        over 440 iterations pruned). The
        same rows go from both masters, which keeps them alike.
        """
        r_b, r_p = self.rows0
        n_cuts = int(self.proj.getNumRow()) - r_p
        if self.age.size < n_cuts:
            self.age = np.concatenate([self.age, np.zeros(n_cuts - self.age.size, dtype=np.int64)])
        d_b = np.asarray(self.bound_lp.getSolution().row_dual, dtype=float)[r_b:]
        d_p = np.asarray(self.proj.getSolution().row_dual, dtype=float)[r_p:]
        if d_b.size == d_p.size == n_cuts:  # else rows changed since the solves: no news of the cuts
            self.age = np.where((np.abs(d_b) > 0) | (np.abs(d_p) > 0), 0, self.age + 1)
        if n_cuts <= self.KEEP * self.ns:
            return
        drop = np.flatnonzero(self.age >= self.AGE)
        if drop.size:
            self._delete(drop)


def _payable(w: np.ndarray, p: np.ndarray, cost: np.ndarray) -> np.ndarray:
    r"""Multipliers of columns nothing bounds above, moved so that :math:`c_j + w_{sj} \ge 0` throughout.

    At :math:`c_j + w_{sj} < 0` scenario ``s``'s Lagrangian LP is unbounded (its term is
    :math:`-\infty`, so the whole bound is). The negative multipliers are raised to :math:`-c_j`;
    the positive ones then shrink by a common factor per column, which puts
    :math:`\sum_s p_s w_{sj}` back to zero. (With :math:`c_j \ge 0`, zero multipliers, the
    wait-and-see bound, satisfy both.)
    """
    v = np.maximum(w, -np.asarray(cost, dtype=float)[None, :])
    up = np.where(v > 0.0, v, 0.0)
    plus = p @ up
    excess = p @ v  # >= 0: the negatives only rose
    keep = np.divide(plus - excess, plus, out=np.ones_like(plus), where=plus > 0.0)
    return np.where(v > 0.0, v * keep[None, :], v)


def _solve(h: Any, what: str, warm_limit: float) -> Any:
    """Solve ``h`` warm; if that fails or runs past ``warm_limit`` s, from scratch in a new instance.

    Returns the instance that holds the optimum (``h`` or its replacement). From scratch means the
    simplex, then the interior point, each in a new HiGHS instance holding the same LP: a warm
    master gone astray has ended 'unknown', in a 'solve error' after which the instance refused
    every run, and in a simplex that ran for minutes.
    """
    h.setOptionValue("time_limit", float(warm_limit))
    try:
        _optimal(h, what)
        return h
    except SolverError:
        return _fresh(h, what)


def _fresh(h: Any, what: str) -> Any:
    """Solve the LP ``h`` holds from scratch in a new HiGHS instance (simplex, then interior point)."""
    from valuechain.opt import _highs

    for way in ("simplex", "ipm"):
        fresh = _highs.new_highs()
        _highs.check(fresh.passModel(h.getLp()), what)
        fresh.setOptionValue("solver", way)
        try:
            _optimal(fresh, what)
        except SolverError:
            if way == "ipm":
                raise
            continue
        fresh.setOptionValue("solver", "choose")
        return fresh
    raise AssertionError("unreachable")


def _add_jensen(
    master: Any,
    n: int,
    thetas: np.ndarray,
    weights: np.ndarray,
    st: SecondStage,
    base: np.ndarray,
    unit: np.ndarray,
    scale: float,
) -> None:
    """Write ``stage`` out in a master of :class:`_Masters`, bounding ``sum_i w_i theta_i`` from below.

    The master's first-stage columns are ``x / unit`` and its columns ``n ..`` are
    ``phi = (theta - base) / scale``; the stage's own columns keep their units. The row reads
    ``sum_i w_i phi_i - q^T y / scale >= -sum_i w_i base_i / scale``.
    """
    from valuechain.opt import _highs

    own = st.cost.size
    first_col = int(master.getNumCol())
    _highs.check(master.addCols(own, np.zeros(own), st.lb, st.ub, 0, np.zeros(0, dtype=np.int32),
                                np.zeros(0, dtype=np.int32), np.zeros(0)), "the mean scenario's columns")  # fmt: skip
    gi = np.asarray(st.a_index, dtype=np.int64)
    linked = gi >= own
    to_first = st.link[np.maximum(gi - own, 0)]
    idx = np.where(linked, to_first, first_col + gi)
    val = np.where(linked, st.a_value * unit[to_first], st.a_value)
    _highs.check(master.addRows(st.row_lo.size, st.row_lo, st.row_hi, idx.size, st.a_start[:-1].astype(np.int32),
                                idx.astype(np.int32), val), "the mean scenario's rows")  # fmt: skip
    nz = np.flatnonzero(st.cost)
    ii = np.concatenate([n + thetas, first_col + nz]).astype(np.int32)
    vv = np.concatenate([weights, -st.cost[nz] / scale])
    rhs = -float(weights @ base[thetas]) / scale
    _highs.check(master.addRows(1, np.array([rhs]), np.array([np.inf]), ii.size, np.array([0], dtype=np.int32), ii, vv),
                 "the mean scenario's bound")  # fmt: skip
