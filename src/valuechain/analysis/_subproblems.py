"""Second stages as bound changes on a few persistent HiGHS models, re-solved warm.

:class:`Subproblems` keeps one HiGHS model per *shape* of second stage (sampled scenarios of a
study share one: they differ only in bounds) in which the first-stage columns are columns fixed at
the master's proposal ``x``. A scenario is solved by setting its bounds and its last basis there, so
HiGHS re-solves warm; the reduced costs of the fixed columns are a subgradient of :math:`Q_s` at
``x``. It also keeps each shape's LP with the first stage free, for the wait-and-see and
Lagrangian bounds, and with a linearised proximal term, for progressive hedging. The split form it
works on is :mod:`valuechain.analysis._twostage`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from valuechain.analysis._twostage import FirstStage, SecondStage, _highs_lp, _optimal
from valuechain.errors import SolverError, StudyError

__all__ = ["Subproblems"]


def _resolve(h: Any, what: str, basis: Any = None) -> None:
    """Re-solve ``h`` warm (from ``basis`` if given, else from what it holds); cold if that fails.

    The dual simplex from a kept basis can stop short of an optimum when the bounds moved far
    (HiGHS's status 'unknown': on the global network a second stage did so after 36 L-shaped
    proposals), and a kept basis can be refused. Either way the model is solved again from
    scratch by the interior point with crossover (which leaves a basis for the next warm start);
    only if that fails too is it an error.
    """
    try:
        if basis is not None:
            _set_basis(h, basis)
        _optimal(h, what)
        return
    except SolverError:
        pass
    h.clearSolver()
    h.setOptionValue("solver", "ipm")
    try:
        _optimal(h, what)
    finally:
        h.setOptionValue("solver", "choose")


#: Tangent points of the linearised proximal term, in widths of a column (see :func:`_add_proximal`):
#: dense near the centre, where the quadratic is flat, and far enough out (4,096 widths) that the
#: term's last slope outweighs the multipliers (a step past it is unbounded).
TANGENTS = np.concatenate([4.0 ** np.arange(-6, 1), 8.0 ** np.arange(1, 5)])


def _is_ph(key: Any) -> bool:
    return isinstance(key, tuple) and len(key) == 2 and key[0] == "ph"


def _add_proximal(h: Any, own: int, rho: np.ndarray, width: np.ndarray) -> int:
    r"""Give a relaxed model (own columns, then the first stage) a linearised proximal term; return its first row.

    Per first-stage column ``j``: a free column :math:`d_j` with the row :math:`x_j - d_j = \bar x_j`
    (its bounds set to the centre at each call) and a column :math:`t_j \ge 0` at cost 1 above
    the tangents of :math:`\tfrac12 \rho_j d_j^2` at :math:`\pm a\, w_j` for ``a`` in
    :data:`TANGENTS` (``w`` the column's width): an LP, re-solved warm, where HiGHS's QP solver
    failed on the global network ("Solve error" on the first scenario after minutes).
    """
    from valuechain.opt import _highs

    n, ncol, nrow = rho.size, int(h.getNumCol()), int(h.getNumRow())
    none = np.zeros(0, dtype=np.int32)
    _highs.check(h.addCols(n, np.zeros(n), np.full(n, -np.inf), np.full(n, np.inf), 0, none, none, np.zeros(0)),
                 "the proximal deviations")  # fmt: skip
    _highs.check(h.addCols(n, np.ones(n), np.zeros(n), np.full(n, np.inf), 0, none, none, np.zeros(0)),
                 "the proximal costs")  # fmt: skip
    j = np.arange(n)
    idx = np.stack([own + j, ncol + j], axis=1).ravel().astype(np.int32)
    _highs.check(h.addRows(n, np.zeros(n), np.zeros(n), idx.size, (2 * j).astype(np.int32), idx,
                           np.tile([1.0, -1.0], n)), "the proximal rows")  # fmt: skip
    pts = np.concatenate([TANGENTS, -TANGENTS])
    at = (pts[None, :] * width[:, None]).ravel()  # column-major by column j
    rj = np.repeat(j, pts.size)
    # t_j - rho_j a d_j >= -rho_j a^2 / 2
    lo = -0.5 * rho[rj] * at**2
    idx = np.stack([ncol + n + rj, ncol + rj], axis=1).ravel().astype(np.int32)
    val = np.stack([np.ones(rj.size), -rho[rj] * at], axis=1).ravel()
    _highs.check(h.addRows(rj.size, lo, np.full(rj.size, np.inf), idx.size, (2 * np.arange(rj.size)).astype(np.int32),
                           idx, val), "the proximal tangents")  # fmt: skip
    return nrow


@dataclass(frozen=True, eq=False)
class _Variant:
    """One scenario of a :class:`Subproblems`: its shape and where its bounds differ from the shape's."""

    name: str
    probability: float
    shape: int
    cols: np.ndarray  # own columns whose bounds differ from the shape's
    col_lb: np.ndarray
    col_ub: np.ndarray
    rows: np.ndarray  # rows whose bounds differ
    row_lo: np.ndarray
    row_hi: np.ndarray


#: A kept basis: HiGHS's own copy (a byte per column and row, held in C++), or the same as two arrays
#: of status codes (how it travels, :func:`_basis_arrays`).
Basis = Any


def _get_basis(h: Any) -> Basis:
    """The model's basis, as HiGHS's own copy.

    Kept as it comes: on the global network reading its statuses into arrays took 15 ms a
    scenario and writing them back 11 ms, against 7 ms for a warm re-solve that needed no
    iteration (and 2 and 4 microseconds to copy the basis out and in).
    """
    return h.getBasis()


def _basis_arrays(basis: Basis) -> tuple[np.ndarray, np.ndarray]:
    """A basis as two small arrays of status codes (columns, rows), which pickle."""
    if isinstance(basis, tuple):
        return basis
    return (np.fromiter((int(c) for c in basis.col_status), dtype=np.int8),
            np.fromiter((int(r) for r in basis.row_status), dtype=np.int8))  # fmt: skip


def _set_basis(h: Any, basis: Basis) -> None:
    """Give the model a basis kept by :func:`_get_basis` (its own scenario's last one), or its arrays."""
    import highspy

    from valuechain.opt import _highs

    if isinstance(basis, tuple):
        top = int(max(basis[0].max(initial=0), basis[1].max(initial=0)))
        status = [highspy.HighsBasisStatus(i) for i in range(top + 1)]
        b = highspy.HighsBasis()
        b.col_status = [status[c] for c in basis[0]]
        b.row_status = [status[r] for r in basis[1]]
        b.valid = True
        basis = b
    _highs.check(h.setBasis(basis), "a scenario's basis")


def _same_shape(a: SecondStage, b: SecondStage) -> bool:
    """Whether two second stages differ at most in their bounds (column and row).

    Costs and coefficients are compared to 1e-12 relative: a scenario's costs come back from the
    model divided by its probability, which leaves rounding that differs with the batch size.
    """
    return (
        all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ("link", "a_start", "a_index"))
        and a.cost.size == b.cost.size
        and np.allclose(a.cost, b.cost, rtol=1e-12, atol=0.0)
        and np.allclose(a.a_value, b.a_value, rtol=1e-12, atol=0.0)
    )


def _differ(base_lo: np.ndarray, base_hi: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.flatnonzero((base_lo != lo) | (base_hi != hi)).astype(np.int32)


class Subproblems:
    """Second stages as bound changes on a few persistent HiGHS models, re-solved warm.

    Sampled scenarios of one study differ only in bounds (capacities, supplies): the scenarios of
    one *shape* (same costs, matrix and linked columns) share one HiGHS model, and a scenario is
    solved by setting its bounds there (only where they differ from the shape's) and its own last
    optimal basis (HiGHS's own copy, a byte per column and row). Costs are equal within a
    shape, so any of its bases stays dual feasible and the dual simplex starts from it; a
    scenario's own basis from the previous proposal is the nearest (on the global network 3x fewer
    simplex iterations than the basis another scenario left). Memory is one model per shape (one
    for a sampled study, whatever the number of scenarios) plus each scenario's differing bounds
    and basis.

    Parameters
    ----------
    stages
        The second stages (more can be added with :meth:`add`).
    first
        The first stage (for the bounds of the linked columns when computing lower bounds).
    """

    def __init__(self, stages: Sequence[SecondStage], first: FirstStage) -> None:
        self.first = first
        self.iterations = 0
        self._shapes: list[SecondStage] = []
        self._variants: list[_Variant] = []
        self._models: dict[int, Any] = {}
        self._loaded: dict[int, int] = {}  # shape -> scenario whose bounds its model holds
        self._bases: list[Basis | None] = []  # each scenario's last optimal basis
        # shape -> its LP with the first stage free, kept for Lagrangian bounds and for progressive hedging
        # (with a proximal term), and the scenario whose bounds each holds
        self._kept: dict[str, dict[int, Any]] = {"lagrangian": {}, "proximal": {}}
        self._kept_loaded: dict[str, dict[int, int]] = {"lagrangian": {}, "proximal": {}}
        self._relaxed_bases: dict[Any, Basis] = {}
        self._rho: np.ndarray | None = None  # the penalty of the kept proximal models, its widths
        self._width = np.zeros(0)
        self._centre_rows: dict[int, int] = {}  # shape -> first row of x - d = centre in its proximal model
        self._links: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}  # shape -> _linked(shape)
        self.add(stages)

    def __getstate__(self) -> dict[str, Any]:  # HiGHS models do not travel: rebuilt where they land
        return {**self.__dict__, "_models": {}, "_loaded": {}, "_kept": {"lagrangian": {}, "proximal": {}},
                "_kept_loaded": {"lagrangian": {}, "proximal": {}},
                "_bases": [None if b is None else _basis_arrays(b) for b in self._bases],
                "_relaxed_bases": {k: _basis_arrays(b) for k, b in self._relaxed_bases.items()}}  # fmt: skip

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __len__(self) -> int:
        return len(self._variants)

    def add(self, stages: Sequence[SecondStage]) -> None:
        """Append scenarios, kept as the bounds in which they differ from a stored shape."""
        for st in stages:
            k = next((i for i, sh in enumerate(self._shapes) if _same_shape(sh, st)), -1)
            if k < 0:
                k = len(self._shapes)
                self._shapes.append(st)
            sh = self._shapes[k]
            cols = _differ(sh.lb, sh.ub, st.lb, st.ub)
            rows = _differ(sh.row_lo, sh.row_hi, st.row_lo, st.row_hi)
            self._bases.append(None)
            self._variants.append(
                _Variant(st.name, st.probability, k, cols, st.lb[cols], st.ub[cols], rows, st.row_lo[rows],
                         st.row_hi[rows])
            )  # fmt: skip

    @property
    def names(self) -> list[str]:
        """Scenario names, in order."""
        return [v.name for v in self._variants]

    @property
    def own_columns(self) -> int:
        """Own (second-stage) columns of the first scenario."""
        return int(self._shapes[0].cost.size) if self._shapes else 0

    def live_models(self) -> int:
        """HiGHS models held now (one per shape once solved; never one per scenario)."""
        return len(self._models)

    def stage(self, k: int) -> SecondStage:
        """Scenario ``k``'s second stage in full (its shape with its own bounds)."""
        v = self._variants[k]
        sh = self._shapes[v.shape]
        lb, ub, rlo, rhi = sh.lb.copy(), sh.ub.copy(), sh.row_lo.copy(), sh.row_hi.copy()
        lb[v.cols], ub[v.cols], rlo[v.rows], rhi[v.rows] = v.col_lb, v.col_ub, v.row_lo, v.row_hi
        return SecondStage(
            v.name, v.probability, sh.cost, lb, ub, sh.link, sh.a_start, sh.a_index, sh.a_value, rlo, rhi
        )

    def mean_stage(self, positions: Sequence[int] | np.ndarray | None = None) -> SecondStage:
        """The probability-weighted mean of scenarios' bounds, on their shared costs and matrix.

        Parameters
        ----------
        positions
            Scenarios to average (default: all).

        Raises
        ------
        StudyError
            If they do not share one shape (costs, matrix and linked columns).
        """
        pos = np.arange(len(self._variants)) if positions is None else np.asarray(positions, dtype=np.int64)
        shapes = {self._variants[k].shape for k in pos}
        if len(shapes) != 1:
            raise StudyError(f"the mean of {pos.size} scenarios needs one shared shape; they have {len(shapes)}")
        w = np.array([self._variants[k].probability for k in pos])
        w = w / w.sum()
        acc = None
        for wk, k in zip(w, pos, strict=True):
            st = self.stage(int(k))
            vals = [wk * st.lb, wk * st.ub, wk * st.row_lo, wk * st.row_hi]
            acc = vals if acc is None else [a + v for a, v in zip(acc, vals, strict=True)]
        assert acc is not None
        st = self.stage(int(pos[0]))
        return SecondStage(f"mean of {pos.size}", 1.0, st.cost, acc[0], acc[1], st.link, st.a_start, st.a_index,
                           st.a_value, acc[2], acc[3])  # fmt: skip

    def _load(self, h: Any, k: int, loaded: int | None = None) -> None:
        """Set scenario ``k``'s own bounds in ``h``, which holds those of scenario ``loaded`` (or the shape's)."""
        from valuechain.opt import _highs

        v = self._variants[k]
        sh = self._shapes[v.shape]
        old = self._variants[loaded] if loaded is not None else None
        for idx, lo, hi, base_lo, base_hi, rows in (
            (v.cols, v.col_lb, v.col_ub, sh.lb, sh.ub, False),
            (v.rows, v.row_lo, v.row_hi, sh.row_lo, sh.row_hi, True),
        ):
            prev = (old.rows if rows else old.cols) if old is not None else idx[:0]
            at = np.union1d(prev, idx).astype(np.int32)
            if at.size == 0:
                continue
            new_lo, new_hi = base_lo[at].copy(), base_hi[at].copy()
            pos = np.searchsorted(at, idx)
            new_lo[pos], new_hi[pos] = lo, hi
            if rows:
                _highs.check(h.changeRowsBounds(at.size, at, new_lo, new_hi), "a scenario's row bounds")
            else:
                _highs.check(h.changeColsBounds(at.size, at, new_lo, new_hi), "a scenario's column bounds")

    def _model(self, shape: int) -> Any:
        if shape not in self._models:
            st = self._shapes[shape]
            cost = np.concatenate([st.cost, np.zeros(st.link.size)])
            lb = np.concatenate([st.lb, self.first.lb[st.link]])
            ub = np.concatenate([st.ub, self.first.ub[st.link]])
            self._models[shape] = _highs_lp(cost, lb, ub, st.a_start, st.a_index, st.a_value, st.row_lo, st.row_hi)
            self._loaded.pop(shape, None)
        return self._models[shape]

    def lower_bounds(
        self, *, first_cost: bool = False, cuts: list[tuple[float, np.ndarray]] | None = None
    ) -> np.ndarray:
        r"""Least second-stage cost of every scenario over all first stages the first-stage rows allow.

        Each is the scenario's LP with the whole first stage free (at no cost) under its own rows;
        it bounds :math:`Q_s(x)` from below for every feasible ``x``. One LP per shape is built and
        re-solved per scenario with its bounds, then dropped (kept with ``first_cost``, with each
        scenario's basis, for the Lagrangian bounds that follow, :meth:`lagrangian`).

        With ``first_cost`` the first stage carries its cost: each value is then the scenario's
        optimum with perfect foresight, :math:`\min_x c^\top x + Q_s(x)`, and their mean (with the
        first stage's offset) is the wait-and-see lower bound on the two-stage optimum; ``cuts``
        then receives each scenario's cut at its own plan (:meth:`lagrangian`).

        Raises
        ------
        SolverError
            If that LP is unbounded (a second stage that can earn without limit).
        """
        cost = self.first.cost if first_cost else np.zeros(self.first.n)
        if first_cost:  # models and bases kept: the Lagrangian bounds start from them
            return self.lagrangian(np.arange(len(self)), np.broadcast_to(cost, (len(self), cost.size)),
                                   keys=list(range(len(self))), what="the wait-and-see bound", cuts=cuts)  # fmt: skip
        return self._relaxed(lambda _k: cost, "the lower bound")

    def _linked(self, shape: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A shape's coefficients on first-stage columns: their rows, first-stage columns and values."""
        st = self._shapes[shape]
        own = st.cost.size
        gi = np.asarray(st.a_index, dtype=np.int64)
        rows = np.repeat(np.arange(st.row_lo.size), np.diff(st.a_start))
        at = np.flatnonzero(gi >= own)
        return rows[at], st.link[gi[at] - own], np.asarray(st.a_value, dtype=float)[at]

    def _relaxed_lp(self, shape: int) -> Any:
        """A HiGHS model of a shape's LP with the whole first stage free under the first-stage rows (at no cost)."""
        f = self.first
        st = self._shapes[shape]
        own = st.cost.size
        gi = np.asarray(st.a_index, dtype=np.int64)
        cols = np.where(gi < own, gi, 0)
        linked = gi >= own
        cols[linked] = own + st.link[gi[linked] - own]
        return _highs_lp(
            np.concatenate([st.cost, np.zeros(f.n)]),
            np.concatenate([st.lb, f.lb]),
            np.concatenate([st.ub, f.ub]),
            np.concatenate([st.a_start[:-1], st.a_start[-1] + f.a_start]),
            np.concatenate([cols, own + f.a_index.astype(np.int64)]),
            np.concatenate([st.a_value, f.a_value]),
            np.concatenate([st.row_lo, f.row_lo]),
            np.concatenate([st.row_hi, f.row_hi]),
        )

    def _relaxed(
        self,
        first_cost: Any,
        what: str,
        scenarios: Sequence[int] | np.ndarray | None = None,
        keys: Sequence[Any] | None = None,
        *,
        rho: np.ndarray | None = None,
        centre: np.ndarray | None = None,
        first_values: list[np.ndarray] | None = None,
        cuts: list[tuple[float, np.ndarray]] | None = None,
    ) -> np.ndarray:
        r"""Scenarios' LPs with the first stage free at ``first_cost(i)`` under the first-stage rows.

        ``scenarios`` are the scenarios to solve, in order (default: each once); the ``i``-th solve
        has first-stage costs ``first_cost(i)``. With ``keys`` (one per solve) the models stay and
        each solve starts from the basis its key left last time (the Lagrangian bounds of the
        L-shaped method solve the same scenarios again with other costs); without, the models
        are dropped after the call. With ``rho`` (and ``centre``) the objective also holds the
        linearised :math:`\tfrac12 \sum_j \rho_j (x_j - \bar x_j)^2` (:func:`_add_proximal`, for
        progressive hedging; its models stay too). ``first_values`` receives each solve's first
        stage, ``cuts`` each solve's cut on its scenario's :math:`Q_s` (see :meth:`lagrangian`).
        """
        from valuechain.opt import _highs

        f = self.first
        order = np.arange(len(self._variants)) if scenarios is None else np.asarray(scenarios, dtype=np.int64)
        out = np.empty(order.size)
        store = "proximal" if rho is not None else "lagrangian" if keys is not None else None
        models: dict[int, Any] = self._kept[store] if store else {}
        loaded: dict[int, int] = {}
        centred: set[int] = set()
        for i, k in enumerate(order):
            v = self._variants[int(k)]
            own = self._shapes[v.shape].cost.size
            if v.shape not in models:
                models[v.shape] = self._relaxed_lp(v.shape)
                if rho is not None:
                    self._centre_rows[v.shape] = _add_proximal(models[v.shape], own, rho, self._width)
            h = models[v.shape]
            fcols = (own + np.arange(f.n)).astype(np.int32)
            if f.n:
                _highs.check(h.changeColsCost(f.n, fcols, np.asarray(first_cost(i), dtype=float)), "first-stage costs")
            if rho is not None and centre is not None and v.shape not in centred:
                rows = (self._centre_rows[v.shape] + np.arange(f.n)).astype(np.int32)
                _highs.check(h.changeRowsBounds(f.n, rows, centre, centre), "the centre")
                centred.add(v.shape)
            held = self._kept_loaded[store].get(v.shape) if store else None  # a kept model's last scenario
            self._load(h, int(k), loaded=loaded.get(v.shape, held))
            loaded[v.shape] = int(k)
            if store:  # before the solve: a solve that raises leaves the model holding these bounds
                self._kept_loaded[store][v.shape] = int(k)
            name = f"{what} of scenario '{v.name}' (its second stage over every first stage)"
            if keys is None:
                _resolve(h, name)
            else:
                _resolve(h, name, self._relaxed_bases.get(keys[i]))
                self._relaxed_bases[keys[i]] = _get_basis(h)
            out[i] = float(h.getInfo().objective_function_value)
            if first_values is None and cuts is None:
                continue
            sol = h.getSolution()
            xk = np.asarray(sol.col_value, dtype=float)[own : own + f.n]
            if first_values is not None:
                first_values.append(xk)
            if cuts is not None:
                # the second-stage rows' duals price the first stage in Q_s: slope -A^T y over the
                # linked coefficients; Q_s at this plan is the optimum less its first-stage cost
                if v.shape not in self._links:
                    self._links[v.shape] = self._linked(v.shape)
                rows, cols, vals = self._links[v.shape]
                y = np.asarray(sol.row_dual, dtype=float)
                slope = np.zeros(f.n)
                np.add.at(slope, cols, -vals * y[rows])
                q = out[i] - float(np.asarray(first_cost(i), dtype=float) @ xk)
                cuts.append((q - float(slope @ xk), slope))
        return out

    def lagrangian(
        self,
        scenarios: np.ndarray,
        costs: np.ndarray,
        keys: Sequence[Any],
        what: str = "the Lagrangian bound",
        first_values: list[np.ndarray] | None = None,
        cuts: list[tuple[float, np.ndarray]] | None = None,
    ) -> np.ndarray:
        r"""Each scenario's optimum with the first stage free at its own costs: :math:`\min_x c_i^\top x + Q_{s_i}(x)`.

        The terms of a Lagrangian bound on the two-stage optimum: with first-stage costs
        :math:`c + w_s` whose multipliers average to zero (:math:`\sum_s p_s w_s = 0`), the
        probability-weighted sum of these optima is at most the optimum (the wait-and-see bound
        is the case :math:`w = 0`). ``costs[i]`` are the first-stage costs of solve ``i`` on
        scenario ``scenarios[i]``; ``keys[i]`` names it across calls, so that the next call with
        other costs starts from its basis (the models stay in this object). ``first_values``
        receives each solve's first stage.

        ``cuts`` receives, per solve, a cut :math:`(a, b)` with :math:`Q_{s_i}(x) \ge a + b^\top x`
        for every ``x``, tight at the solve's plan :math:`\hat x`: the duals of the second-stage
        rows are an optimal dual of :math:`Q_{s_i}(\hat x)` (the own columns' reduced costs do not
        involve the first-stage rows), so :math:`b = -A^\top y` over the linked coefficients is a
        subgradient there. Such cuts from every scenario at multipliers averaging to zero make a cut
        model whose minimum is at least this Lagrangian bound.
        """
        c = np.asarray(costs, dtype=float)
        return self._relaxed(lambda i: c[i], what, scenarios=scenarios, keys=keys, first_values=first_values,
                             cuts=cuts)  # fmt: skip

    def proximal(
        self, scenarios: np.ndarray, costs: np.ndarray, centre: np.ndarray, rho: np.ndarray, width: np.ndarray
    ) -> np.ndarray:
        r"""Each scenario's first stage at the step of progressive hedging.

        It minimises :math:`c_i^\top x + \tfrac12 \sum_j \rho_j (x_j - \bar x_j)^2 + Q_{s_i}(x)`,
        the quadratic linearised by tangents at :data:`TANGENTS` times ``width`` either side of the
        centre :math:`\bar x`. One model per shape is kept while ``rho`` and ``width`` stay the
        same, and each scenario starts from its last basis. Returns the first stages, one row per solve.
        """
        c = np.asarray(costs, dtype=float)
        rho, width = np.asarray(rho, dtype=float), np.asarray(width, dtype=float)
        if self._rho is None or not (np.array_equal(self._rho, rho) and np.array_equal(self._width, width)):
            self._kept["proximal"], self._kept_loaded["proximal"] = {}, {}  # another penalty: new models
            self._rho, self._width, self._centre_rows = rho.copy(), width.copy(), {}
            self._relaxed_bases = {k: b for k, b in self._relaxed_bases.items() if not _is_ph(k)}
        got: list[np.ndarray] = []
        self._relaxed(lambda i: c[i], "the progressive-hedging step", scenarios=scenarios,
                      keys=[("ph", int(k)) for k in scenarios], rho=rho, centre=np.asarray(centre, dtype=float),
                      first_values=got)  # fmt: skip
        return np.array(got).reshape(len(got), self.first.n)

    def evaluate(
        self, x: np.ndarray, *, gradients: bool = True, scenarios: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Second-stage costs (unweighted) at ``x`` and their subgradients (scenario x first-stage column).

        ``scenarios`` limits the solves to those scenarios (default: all), answered in that order.

        Raises
        ------
        SolverError
            If a scenario's second stage is infeasible at ``x`` (the method needs complete recourse:
            unmet demand and elastic policies give it; hard policies may not).
        """
        from valuechain.opt import _highs

        x = np.asarray(x, dtype=float)
        order = np.arange(len(self._variants)) if scenarios is None else np.asarray(scenarios, dtype=np.int64)
        values = np.empty(order.size)
        grads = np.zeros((order.size, x.size)) if gradients else None
        fixed: set[int] = set()
        for i, k in enumerate(order.tolist()):
            v = self._variants[k]
            st = self._shapes[v.shape]
            h = self._model(v.shape)
            n_own = st.cost.size
            cols = (n_own + np.arange(st.link.size)).astype(np.int32)
            if v.shape not in fixed and cols.size:
                xv = x[st.link]
                _highs.check(h.changeColsBounds(cols.size, cols, xv, xv), "the first-stage values")
            fixed.add(v.shape)
            if self._loaded.get(v.shape) != k:
                self._load(h, k, loaded=self._loaded.get(v.shape))
                self._loaded[v.shape] = k
            _resolve(h, f"the second stage of scenario '{v.name}'", self._bases[k])
            self._bases[k] = _get_basis(h)
            info = h.getInfo()
            self.iterations += int(info.simplex_iteration_count)
            values[i] = float(info.objective_function_value)
            if grads is not None and cols.size:
                col_dual = np.asarray(h.getSolution().col_dual, dtype=float)
                grads[i, st.link] = col_dual[n_own:]
        return values, grads
