r"""Two-stage linear programs in split form, their persistent HiGHS subproblems and the L-shaped method.

A two-stage program reads

.. math::

    \min_x\; c^\top x + \sum_s p_s Q_s(x) \quad\text{s.t.}\quad a_{lo} \le A x \le a_{hi},\;
    x_{lo} \le x \le x_{hi}, \qquad
    Q_s(x) = \min_y \{ q_s^\top y : r_{lo} \le W_s y + T_s x \le r_{hi},\; y_{lo} \le y \le y_{hi} \}.

:func:`split` cuts a model built by :func:`valuechain.opt.build` into that form: the variable and
row blocks whose first axis is ``scenario`` are the second stage (one :class:`SecondStage` per
scenario, its costs divided by the scenario's probability), the others the first stage
(:class:`FirstStage`: expansions, open decisions, strategic reserves, the CVaR threshold).

:class:`Subproblems` keeps one HiGHS model per scenario in which the first-stage columns the
scenario uses are columns fixed at the master's proposal ``x``. Moving to a new proposal changes
only those bounds, so HiGHS re-solves from the previous basis; the reduced costs of the fixed
columns are a subgradient of :math:`Q_s` at ``x``.

:func:`lshaped` is the multi-cut L-shaped method (Benders decomposition with one cut per scenario
and iteration): the master holds :math:`\theta_s \ge Q_s(\hat x) + g_s^\top (x - \hat x)`, its
optimum is a lower bound, the best evaluated proposal an upper bound.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from valuechain.errors import SolverError, StudyError

if TYPE_CHECKING:
    from valuechain.opt import Model

__all__ = [
    "FirstStage",
    "LShapedResult",
    "SecondStage",
    "Subproblems",
    "extensive",
    "first_columns",
    "lshaped",
    "split",
]


@dataclass(frozen=True, eq=False)
class FirstStage:
    """The first stage: costs, bounds, integrality and rows over the first-stage columns only.

    ``labels`` names every column: (variable block, period, item), in column order.
    """

    cost: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    integer: np.ndarray
    a_start: np.ndarray
    a_index: np.ndarray
    a_value: np.ndarray
    row_lo: np.ndarray
    row_hi: np.ndarray
    offset: float = 0.0
    labels: tuple[tuple[str, object, object], ...] = ()

    @property
    def n(self) -> int:
        """Number of first-stage columns."""
        return int(self.cost.size)


@dataclass(frozen=True, eq=False)
class SecondStage:
    """One scenario's second stage: its own columns, then the first-stage columns it uses (``link``)."""

    name: str
    probability: float
    cost: np.ndarray  # own columns, not weighted by the probability
    lb: np.ndarray
    ub: np.ndarray
    link: np.ndarray  # positions in the first stage of the linked columns (after the own ones)
    a_start: np.ndarray
    a_index: np.ndarray  # over own columns (0..n_own-1) then linked ones (n_own..)
    a_value: np.ndarray
    row_lo: np.ndarray
    row_hi: np.ndarray


def _owner(blocks: dict[str, Any], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Scenario of every element (-1 for first stage) and its position within its scenario."""
    who = np.full(n, -1, dtype=np.int64)
    local = np.zeros(n, dtype=np.int64)
    for blk in blocks.values():
        if blk.axes and blk.dims[0] == "scenario" and blk.size:
            inner = blk.size // blk.shape[0]
            s = np.repeat(np.arange(blk.shape[0]), inner)
            who[blk.offset : blk.offset + blk.size] = s
            local[blk.offset : blk.offset + blk.size] = np.tile(np.arange(inner), blk.shape[0])
    return who, local


def first_columns(model: Model) -> np.ndarray:
    """Positions of a built model's first-stage columns, in the order of :func:`split`'s first stage."""
    col_s, _ = _owner(model.lp.var_blocks, model.n_vars)
    return np.flatnonzero(col_s < 0)


def _first_labels(blocks: dict[str, Any]) -> tuple[tuple[str, object, object], ...]:
    out: list[tuple[str, object, object]] = []
    for b in blocks.values():
        if b.axes and b.dims[0] == "scenario":
            continue
        if not b.axes:
            out.append((b.name, "", ""))
            continue
        for key in b.index():
            k = key if isinstance(key, tuple) else (key,)
            out.append((b.name, k[0], k[1] if len(k) > 1 else ""))
    return tuple(out)


def _gather(start: np.ndarray, rows: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Positions in the compressed arrays of the entries of ``rows`` (in row order)."""
    total = int(lens.sum())
    first = np.cumsum(lens) - lens
    return np.repeat(start[rows] - first, lens) + np.arange(total)


def split(model: Model) -> tuple[FirstStage, list[SecondStage]]:
    """Split a built model into its first stage and one second stage per scenario.

    Parameters
    ----------
    model
        A model from :func:`valuechain.opt.build` (what was added to ``model.pyomo`` is not read).

    Returns
    -------
    (FirstStage, list of SecondStage)

    Raises
    ------
    StudyError
        If a row of one scenario holds a variable of another (the model is not two-stage).
    """
    lp = model.lp
    n, m = model.n_vars, model.n_rows
    col_s, _ = _owner(lp.var_blocks, n)
    row_s, _ = _owner(lp.row_blocks, m)
    start, index, value = model.a_start, model.a_index.astype(np.int64), model.a_value
    row_of = np.repeat(np.arange(m), np.diff(start))
    first_cols = np.flatnonzero(col_s < 0)
    first_pos = np.full(n, -1, dtype=np.int64)
    first_pos[first_cols] = np.arange(first_cols.size)
    cs = col_s[index]
    rs = row_s[row_of]
    bad = np.flatnonzero((cs >= 0) & (cs != rs))
    if bad.size:
        raise StudyError(
            f"{lp.label(int(row_of[bad[0]]), rows=True)} holds {lp.label(int(index[bad[0]]))} of another "
            "scenario or stage; the model is not a two-stage program"
        )
    # first-stage rows
    frow = np.flatnonzero(row_s < 0)
    keep = rs < 0
    f_start = np.zeros(frow.size + 1, dtype=np.int64)
    np.cumsum(np.diff(start)[frow], out=f_start[1:])
    first = FirstStage(
        cost=model.cost[first_cols].copy(),
        lb=model.col_lb[first_cols].copy(),
        ub=model.col_ub[first_cols].copy(),
        integer=model.integer[first_cols].copy(),
        a_start=f_start,
        a_index=first_pos[index[keep]].astype(np.int32),
        a_value=value[keep].copy(),
        row_lo=model.row_lo[frow].copy(),
        row_hi=model.row_hi[frow].copy(),
        offset=float(lp.offset),
        labels=_first_labels(lp.var_blocks),
    )
    prob = np.asarray(model.shocks.probability, dtype=float)
    names = [str(s) for s in model.scenarios]
    seconds = []
    order_r = np.argsort(row_s, kind="stable")
    order_c = np.argsort(col_s, kind="stable")
    r_bounds = np.searchsorted(row_s[order_r], np.arange(len(names) + 1))
    c_bounds = np.searchsorted(col_s[order_c], np.arange(len(names) + 1))
    for s, name in enumerate(names):
        rows = order_r[r_bounds[s] : r_bounds[s + 1]]
        cols = order_c[c_bounds[s] : c_bounds[s + 1]]
        own = np.full(n, -1, dtype=np.int64)
        own[cols] = np.arange(cols.size)
        lens = np.diff(start)[rows]
        take = _gather(start, rows, lens)
        idx = index[take]
        link = np.unique(first_pos[idx[own[idx] < 0]])
        link_local = np.full(first_cols.size, -1, dtype=np.int64)
        link_local[link] = cols.size + np.arange(link.size)
        local = np.where(own[idx] >= 0, own[idx], link_local[np.maximum(first_pos[idx], 0)])
        p = float(prob[s])
        if p <= 0:
            raise StudyError(f"scenario '{name}' has probability {p}; a sampled plan needs positive probabilities")
        a_start = np.zeros(rows.size + 1, dtype=np.int64)
        np.cumsum(lens, out=a_start[1:])
        seconds.append(
            SecondStage(
                name=name,
                probability=p,
                cost=model.cost[cols] / p,
                lb=model.col_lb[cols].copy(),
                ub=model.col_ub[cols].copy(),
                link=link,
                a_start=a_start,
                a_index=local.astype(np.int32),
                a_value=value[take].copy(),
                row_lo=model.row_lo[rows].copy(),
                row_hi=model.row_hi[rows].copy(),
            )
        )
    return first, seconds


def _highs_lp(
    cost: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    start: np.ndarray,
    index: np.ndarray,
    value: np.ndarray,
    rlo: np.ndarray,
    rhi: np.ndarray,
    *,
    offset: float = 0.0,
) -> Any:
    """A HiGHS instance holding the LP (rows given compressed)."""
    import highspy

    from valuechain.opt import _highs

    lp = highspy.HighsLp()
    lp.num_col_ = int(cost.size)
    lp.num_row_ = int(rlo.size)
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.asarray(lb, dtype=float)
    lp.col_upper_ = np.asarray(ub, dtype=float)
    lp.row_lower_ = np.asarray(rlo, dtype=float)
    lp.row_upper_ = np.asarray(rhi, dtype=float)
    lp.offset_ = float(offset)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.asarray(start, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(value, dtype=float)
    h = _highs.new_highs()
    _highs.check(h.passModel(lp), f"a model of {lp.num_col_:,} columns and {lp.num_row_:,} rows")
    return h


def _optimal(h: Any, what: str, threads: int | None = 1) -> None:
    import highspy

    from valuechain.opt import _highs

    _highs.run(h, threads, what)
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise SolverError(f"HiGHS did not solve {what} to optimality: {h.modelStatusToString(status)}")


@dataclass(eq=False)
class Subproblems:
    """Second stages kept as persistent HiGHS models, re-solved warm at each first-stage proposal.

    Parameters
    ----------
    stages
        The second stages.
    first
        The first stage (for the bounds of the linked columns when computing lower bounds).
    """

    stages: list[SecondStage]
    first: FirstStage
    _models: list[Any] = field(default_factory=list, repr=False)
    iterations: int = 0

    def __getstate__(self) -> dict[str, Any]:  # HiGHS models do not travel: rebuilt where they land
        return {"stages": self.stages, "first": self.first, "_models": [], "iterations": self.iterations}

    def _model(self, k: int) -> Any:
        if not self._models:
            self._models = [None] * len(self.stages)
        if self._models[k] is None:
            st = self.stages[k]
            cost = np.concatenate([st.cost, np.zeros(st.link.size)])
            lb = np.concatenate([st.lb, self.first.lb[st.link]])
            ub = np.concatenate([st.ub, self.first.ub[st.link]])
            self._models[k] = _highs_lp(cost, lb, ub, st.a_start, st.a_index, st.a_value, st.row_lo, st.row_hi)
        return self._models[k]

    def lower_bounds(self) -> np.ndarray:
        """Least second-stage cost of every scenario over all first stages the first-stage rows allow.

        Each is the scenario's LP with the whole first stage free (at no cost) under its own rows;
        it bounds :math:`Q_s(x)` from below for every feasible ``x``.

        Raises
        ------
        SolverError
            If that LP is unbounded (a second stage that can earn without limit).
        """
        f = self.first
        out = np.empty(len(self.stages))
        for k, st in enumerate(self.stages):
            own = st.cost.size
            gi = np.asarray(st.a_index, dtype=np.int64)
            cols = np.where(gi < own, gi, 0)
            linked = gi >= own
            cols[linked] = own + st.link[gi[linked] - own]
            h = _highs_lp(
                np.concatenate([st.cost, np.zeros(f.n)]),
                np.concatenate([st.lb, f.lb]),
                np.concatenate([st.ub, f.ub]),
                np.concatenate([st.a_start[:-1], st.a_start[-1] + f.a_start]),
                np.concatenate([cols, own + f.a_index.astype(np.int64)]),
                np.concatenate([st.a_value, f.a_value]),
                np.concatenate([st.row_lo, f.row_lo]),
                np.concatenate([st.row_hi, f.row_hi]),
            )
            _optimal(h, f"the lower bound of scenario '{st.name}' (its second stage over every first stage)")
            out[k] = float(h.getInfo().objective_function_value)
        return out

    def evaluate(self, x: np.ndarray, *, gradients: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """Second-stage costs (unweighted) at ``x`` and their subgradients (scenario x first-stage column).

        Raises
        ------
        SolverError
            If a scenario's second stage is infeasible at ``x`` (the method needs complete recourse:
            unmet demand and elastic policies give it; hard policies may not).
        """
        from valuechain.opt import _highs

        x = np.asarray(x, dtype=float)
        values = np.empty(len(self.stages))
        grads = np.zeros((len(self.stages), x.size)) if gradients else None
        for k, st in enumerate(self.stages):
            h = self._model(k)
            n_own = st.cost.size
            cols = (n_own + np.arange(st.link.size)).astype(np.int32)
            if cols.size:
                v = x[st.link]
                _highs.check(h.changeColsBounds(cols.size, cols, v, v), "the first-stage values")
            _optimal(h, f"the second stage of scenario '{st.name}'")
            info = h.getInfo()
            self.iterations += int(info.simplex_iteration_count)
            values[k] = float(info.objective_function_value)
            if grads is not None and cols.size:
                col_dual = np.asarray(h.getSolution().col_dual, dtype=float)
                grads[k, st.link] = col_dual[n_own:]
        return values, grads


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
    cols = np.arange(n, dtype=np.int32)
    master_s, cuts, it, evals = 0.0, 0, 0, 0
    history: list[tuple[int, float, float]] = []

    def solve_master(box: float | None) -> tuple[np.ndarray, float]:
        nonlocal master_s
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
        except SolverError:  # a warm start gone astray (large cut coefficients): from scratch, by IPM
            master.clearSolver()
            master.setOptionValue("solver", "ipm")
            try:
                _optimal(master, "the L-shaped master")
            finally:
                master.setOptionValue("solver", "choose")
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
        ii = np.concatenate(idx).astype(np.int32)
        st = np.asarray(starts[:-1], dtype=np.int32)
        _highs.check(master.addRows(viol.size, rhs, np.full(viol.size, np.inf), ii.size, st, ii, np.concatenate(vals)),
                     "the cuts")  # fmt: skip
        cuts += int(viol.size)

    def prune() -> None:
        """Drop the cuts slack at the master's optimum once they outnumber 5 per scenario.

        A cut holds up to one coefficient per first-stage column (thousands on a network), so an
        unpruned master grows by millions of coefficients every few iterations. Slack cuts have a
        basic slack: deleting them keeps the basis valid for the next warm solve.
        """
        rows0 = first.row_lo.size
        n_cuts = master.getNumRow() - rows0
        if n_cuts <= 5 * ns:
            return
        s = master.getSolution()
        act = np.asarray(s.row_value, dtype=float)[rows0:]
        lo = np.asarray(master.getLp().row_lower_, dtype=float)[rows0:]
        slack = np.flatnonzero(act - lo > 1e-7 * np.maximum(1.0, np.abs(lo)))
        if slack.size:
            drop = (rows0 + slack).astype(np.int32)
            _highs.check(master.deleteRows(drop.size, drop), "the removal of slack cuts")

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
    radius, low, null_run = 1.0, -math.inf, 0
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
        add_cuts(x, q, g, sol[n:])
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
        history.append((it, low, f_c))
        if progress is not None:
            progress(it, low, f_c)
        if time.perf_counter() - t0 > time_limit:
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


def extensive(first: FirstStage, stages: Sequence[SecondStage], *, threads: int | None = 1) -> tuple[float, np.ndarray]:
    """Solve the extensive form of a split program: its optimum and first-stage plan."""
    n = first.n
    costs, lbs, ubs = [first.cost], [first.lb], [first.ub]
    starts, idx, vals, rlo, rhi = [first.a_start[:-1]], [first.a_index.astype(np.int64)], [first.a_value], [
        first.row_lo], [first.row_hi]  # fmt: skip
    nnz, col = int(first.a_start[-1]), n
    for st in stages:
        own = st.cost.size
        costs.append(st.probability * st.cost)
        lbs.append(st.lb)
        ubs.append(st.ub)
        gi = np.asarray(st.a_index, dtype=np.int64)
        glob = col + gi
        linked = gi >= own
        glob[linked] = st.link[gi[linked] - own]
        starts.append(st.a_start[:-1] + nnz)
        idx.append(glob)
        vals.append(st.a_value)
        rlo.append(st.row_lo)
        rhi.append(st.row_hi)
        nnz += int(st.a_start[-1])
        col += own
    start = np.concatenate([*starts, [nnz]])
    h = _highs_lp(np.concatenate(costs), np.concatenate(lbs), np.concatenate(ubs), start, np.concatenate(idx),
                  np.concatenate(vals), np.concatenate(rlo), np.concatenate(rhi), offset=first.offset)  # fmt: skip
    ints = np.flatnonzero(first.integer).astype(np.int32)
    if ints.size:
        h.changeColsIntegrality(ints.size, ints, np.ones(ints.size, dtype=np.uint8))
    _optimal(h, "the extensive form", threads=threads)
    x = np.asarray(h.getSolution().col_value, dtype=float)[:n]
    return float(h.getInfo().objective_function_value), x
