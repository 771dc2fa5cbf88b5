r"""Two-stage linear programs in split form, and their extensive form.

A two-stage program reads

.. math::

    \min_x\; c^\top x + \sum_s p_s Q_s(x) \quad\text{s.t.}\quad a_{lo} \le A x \le a_{hi},\;
    x_{lo} \le x \le x_{hi}, \qquad
    Q_s(x) = \min_y \{ q_s^\top y : r_{lo} \le W_s y + T_s x \le r_{hi},\; y_{lo} \le y \le y_{hi} \}.

:func:`split` cuts a model built by :func:`valuechain.opt.build` into that form: the variable and
row blocks whose first axis is ``scenario`` are the second stage (one :class:`SecondStage` per
scenario, its costs divided by the scenario's probability), the others the first stage
(:class:`FirstStage`: expansions, open decisions, strategic reserves, the CVaR threshold).

:func:`extensive` solves the whole as one LP. The second stages as persistent HiGHS models
(:class:`~valuechain.analysis._subproblems.Subproblems`) are in :mod:`valuechain.analysis._subproblems`,
the multi-cut L-shaped method (Benders decomposition with one cut per scenario and iteration) in
:mod:`valuechain.analysis._lshaped`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from valuechain.errors import SolverError, StudyError

if TYPE_CHECKING:
    from valuechain.opt import Model

__all__ = ["FirstStage", "SecondStage", "extensive", "first_columns", "split"]


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


def extensive(
    first: FirstStage,
    stages: Sequence[SecondStage],
    *,
    threads: int | None = 1,
    method: str = "auto",
    crossover: bool = True,
) -> tuple[float, np.ndarray]:
    """Solve the extensive form of a split program: its optimum and first-stage plan.

    ``method`` is an LP method of :func:`valuechain.opt.solve` ('auto': by size, see
    :func:`~valuechain.opt.solver.choose_method`). Without ``crossover`` an interior-point solve
    stops at its interior optimum (no basis, an objective to the solver's optimality tolerance),
    for when only the optimum is wanted.
    """
    from valuechain.opt.solver import _set_method, choose_method

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
    else:
        run = choose_method(col, warm=False, is_mip=False) if method == "auto" else method
        _set_method(h, run)
        if not crossover:
            h.setOptionValue("run_crossover", "off")
    _optimal(h, "the extensive form", threads=threads)
    x = np.asarray(h.getSolution().col_value, dtype=float)[:n]
    return float(h.getInfo().objective_function_value), x
