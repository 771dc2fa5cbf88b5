"""The built model: the program as arrays, its Pyomo model for user extensions, and updates in place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain._params import closest
from valuechain.errors import SolverError, StudyError
from valuechain.opt._highs import check as _check
from valuechain.opt._lp import Block, LinearProgram

if TYPE_CHECKING:
    import pyomo.environ as pyo

    from valuechain.network.model import Network
    from valuechain.opt.formulation import Context
    from valuechain.opt.solver import SolveResult
    from valuechain.opt.study import Study
    from valuechain.scenarios.compiled import ShockArrays

__all__ = ["Model"]


@dataclass(eq=False, repr=False)
class Model:
    """A built planning model: what :func:`~valuechain.opt.solve` hands to HiGHS.

    The core of the program (variables, balances, capacities, policies, costs) is held as sparse
    arrays in :attr:`lp`; :attr:`pyomo` is a Pyomo ``ConcreteModel`` with one indexed ``Var`` per
    variable block (``activity[s, t, process]``, ``flow[s, t, route]``, ``build[t, expansion]``, ...,
    indexed by the network's ids) and an ``extra_cost`` expression. Add your own variables,
    constraints and costs to it in a notebook; :func:`~valuechain.opt.solve` passes them to HiGHS
    together with the core, and their duals come back in the Plan's ``user_duals``. Setting bounds on
    (or fixing) a core variable in Pyomo also reaches the solver.

    Attributes
    ----------
    network, study, shocks
        What the model was built from.
    lp
        The core program: variable and row blocks, with their axes.
    pyomo
        The Pyomo model to extend (variables are created on first access).
    build_seconds
        Time spent in :func:`~valuechain.opt.build`.
    result
        The last :class:`~valuechain.opt.SolveResult`, or ``None`` before the first solve.

    Examples
    --------
    >>> import pyomo.environ as pyo
    >>> import valuechain as vc
    >>> from valuechain.opt import build, solve
    >>> model = build(vc.load_network("toy-transport"))
    >>> m = model.pyomo
    >>> per = model.periods[0]
    >>> m.cap_route = pyo.Constraint(expr=m.flow[model.scenarios[0], per, "san-diego-topeka"] <= 200)
    >>> round(solve(model).objective, 3)  # 75 x (0.162 - 0.126) + 25 x (0.162 - 0.153) more
    156.6
    """

    network: Network
    study: Study
    shocks: ShockArrays
    lp: LinearProgram
    col_lb: np.ndarray
    col_ub: np.ndarray
    cost: np.ndarray
    integer: np.ndarray
    row_lo: np.ndarray
    row_hi: np.ndarray
    a_start: np.ndarray
    a_index: np.ndarray
    a_value: np.ndarray
    cost_parts: list[tuple[str, np.ndarray, np.ndarray]]
    policy_rows: dict[str, list[str]]
    build_seconds: float = 0.0
    demand: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))
    result: SolveResult | None = None
    _highs: Any = None
    _extras: Any = None
    _solution: Any = None
    _share_terms: dict[str, Any] = field(default_factory=dict)
    _relaxed: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)
    _coef_pos: dict[str, np.ndarray] = field(default_factory=dict)
    # (the Pyomo model, made on first access: a run that adds nothing never imports Pyomo)
    _pyomo: Any = field(default=None, repr=False)

    @property
    def pyomo(self) -> pyo.ConcreteModel:
        """The Pyomo model to extend (see the class notes); made on first access."""
        if self._pyomo is None:
            self._pyomo = _pyomo_model(self.lp, self.network.name)
        return self._pyomo

    @classmethod
    def _from_build(cls, ctx: Context, *, build_seconds: float) -> Model:
        import time

        t0 = time.perf_counter()
        lp = ctx.lp
        lb, ub, cost, integer = lp.columns()
        rlo, rhi = lp.row_bounds()
        start, index, value = lp.csr()
        model = cls(
            network=ctx.network,
            study=ctx.study,
            shocks=ctx.shocks,
            lp=lp,
            col_lb=lb.copy(),
            col_ub=ub.copy(),
            cost=cost.copy(),
            integer=integer,
            row_lo=rlo,
            row_hi=rhi,
            a_start=start,
            a_index=index,
            a_value=value,
            cost_parts=ctx.cost_parts,
            policy_rows=ctx.policy_rows,
            demand=ctx.demand,
            _share_terms=ctx.share_terms,
        )
        lp._ri.clear()
        lp._ci.clear()
        lp._v.clear()
        model.build_seconds = build_seconds + time.perf_counter() - t0
        return model

    # ------------------------------------------------------------------ descriptions
    @property
    def n_vars(self) -> int:
        """Number of core variables."""
        return self.lp.n_vars

    @property
    def n_rows(self) -> int:
        """Number of core rows."""
        return self.lp.n_rows

    @property
    def is_mip(self) -> bool:
        """Whether the core has integer variables (options with fixed costs or minimum sizes)."""
        return bool(self.integer.any())

    @property
    def periods(self) -> pd.Index:
        """Period labels (years for yearly horizons)."""
        return self.lp.var_blocks["activity"].axes[1]

    @property
    def scenarios(self) -> pd.Index:
        """Scenario names."""
        return self.lp.var_blocks["activity"].axes[0]

    @property
    def variables(self) -> list[str]:
        """Names of the variable blocks."""
        return list(self.lp.var_blocks)

    @property
    def constraints(self) -> list[str]:
        """Names of the row blocks (balances, capacities, policies, ...)."""
        return list(self.lp.row_blocks)

    @property
    def values(self) -> np.ndarray | None:
        """Values of the core variables in the last solution (storage order), or ``None``."""
        return None if self._solution is None else self._solution.x[: self.n_vars]

    def __repr__(self) -> str:
        kind = "MILP" if self.is_mip else "LP"
        return (
            f"<Model '{self.network.name}' {kind}: {self.n_vars:,} variables, {self.n_rows:,} rows, "
            f"{len(self.scenarios)} scenarios x {len(self.periods)} periods>"
        )

    # ------------------------------------------------------------------ positions
    def _block(self, name: str, rows: bool) -> Block:
        blocks = self.lp.row_blocks if rows else self.lp.var_blocks
        if name not in blocks:
            kind = "constraint" if rows else "variable"
            raise StudyError(f"unknown {kind} block '{name}'" + closest(name, blocks))
        return blocks[name]

    def _positions(self, blk: Block, key: Any) -> np.ndarray:
        if key is None:
            return np.arange(blk.size) + blk.offset
        try:
            return np.asarray([blk.position(key)])
        except KeyError as e:
            raise StudyError(f"no element {key!r} in '{blk.name}' (indexed by {', '.join(blk.dims)})") from e

    def column(self, block: str, key: Any) -> int:
        """Position of variable ``block[key]`` among the core variables."""
        return int(self._positions(self._block(block, rows=False), key)[0])

    # ------------------------------------------------------------------ updates in place
    def update_rhs(self, name: str, value: float | np.ndarray, key: Any = None) -> None:
        """Change the right-hand side of rows of block ``name`` (all rows, or the one at ``key``).

        The finite side of each row changes (both sides for equalities). The change reaches the
        solver's copy in place, so the next :func:`~valuechain.opt.solve` starts from the last basis.

        Examples
        --------
        Ten more cases for New York come from San Diego's spare capacity at 0.225 k$ a case:

        >>> import valuechain as vc
        >>> from valuechain.opt import build, solve
        >>> model = build(vc.load_network("toy-transport"))
        >>> key = (model.scenarios[0], model.periods[0], "new-york:cases")
        >>> model.update_rhs("balance", 335.0, key=key)
        >>> round(solve(model).objective, 3)
        155.925
        """
        pos = self._positions(self._block(name, rows=True), key)
        val = np.broadcast_to(np.asarray(value, dtype=float), pos.shape)
        lo, hi = self.row_lo[pos], self.row_hi[pos]
        eq = lo == hi
        set_lo = np.isfinite(lo) | eq
        set_hi = np.isfinite(hi) | eq
        self._no_nan(val, pos, f"right-hand side of '{name}'", rows=True)
        self._set_rows(pos, np.where(set_lo, val, lo), np.where(set_hi, val, hi), f"the row bounds of '{name}'")

    def update_demand(self, demand: float | np.ndarray) -> None:
        """Set the demand to serve, shape (scenario, period, demand row) or broadcastable to it, in place.

        Moves the balances' right-hand sides and the unmet-demand bounds together, so that a
        re-solve sees the new demand (a sweep over demand levels uses this).

        Examples
        --------
        >>> import valuechain as vc
        >>> from valuechain.opt import build, solve
        >>> model = build(vc.load_network("toy-transport"))
        >>> base = solve(model).objective
        >>> model.update_demand(model.demand * 1.05)  # 45 more cases, 50 spare at the plants
        >>> solve(model).warm
        True
        """
        unmet = self.lp.var_blocks["unmet"]
        bal = self.lp.row_blocks["balance"]
        new = np.broadcast_to(np.asarray(demand, dtype=float), unmet.shape)
        if not (np.isfinite(new).all() and (new >= 0).all()):
            raise StudyError("demand must be finite and >= 0")
        hubs = bal.axes[2].get_indexer(unmet.axes[2])
        delta = np.zeros(bal.shape)
        for j, h in enumerate(hubs):
            delta[:, :, h] += new[:, :, j] - self.demand[:, :, j]
        rows = np.arange(bal.size) + bal.offset
        self.update_rhs("balance", self.row_lo[rows] + delta.ravel())
        self.update_bounds("unmet", ub=new.ravel() if self.study.allow_unmet else 0.0)
        self.demand = new.copy()

    def update_bounds(
        self,
        name: str,
        key: Any = None,
        *,
        lb: float | np.ndarray | None = None,
        ub: float | np.ndarray | None = None,
    ) -> None:
        """Change the bounds of variables of block ``name`` (all, or the one at ``key``) in place.

        ``lb`` and ``ub`` are scalars or arrays in the block's storage order (see ``model.lp``).
        To scale capacities by shock multipliers, use :func:`~valuechain.opt.scale_capacity`, under
        which an unlimited capacity stopped by a multiplier of 0 is 0 (``0 * inf`` is NaN).

        Raises
        ------
        StudyError
            A new bound is NaN (the message names the variable).
        SolverError
            HiGHS rejected the bounds (e.g. a lower bound of +inf); the model keeps its old bounds.
        """
        pos = self._positions(self._block(name, rows=False), key)
        new_lb, new_ub = self.col_lb[pos], self.col_ub[pos]
        if lb is not None:
            new_lb = np.broadcast_to(np.asarray(lb, dtype=float), pos.shape)
            self._no_nan(new_lb, pos, f"lower bound of '{name}'")
        if ub is not None:
            new_ub = np.broadcast_to(np.asarray(ub, dtype=float), pos.shape)
            self._no_nan(new_ub, pos, f"upper bound of '{name}'")
        old_lb, old_ub = self.col_lb[pos], self.col_ub[pos]
        self.col_lb[pos], self.col_ub[pos] = new_lb, new_ub
        if self._highs is not None:
            try:
                _check(
                    self._highs.changeColsBounds(pos.size, pos.astype(np.int32), self.col_lb[pos], self.col_ub[pos]),
                    f"the column bounds of '{name}'" + self._why_bounds(self.col_lb[pos], self.col_ub[pos], pos),
                )
            except SolverError:
                self.col_lb[pos], self.col_ub[pos] = old_lb, old_ub
                raise

    def update_cost(self, name: str, cost: float | np.ndarray, key: Any = None) -> None:
        """Change the objective coefficients of variables of block ``name`` in place."""
        pos = self._positions(self._block(name, rows=False), key)
        new = np.broadcast_to(np.asarray(cost, dtype=float), pos.shape)
        bad = np.flatnonzero(~np.isfinite(new))
        if bad.size:
            where = self.lp.label(int(pos[bad[0]]))
            raise StudyError(f"update_cost: the cost of '{name}' must be finite; got {new[bad[0]]} at {where}")
        old = self.cost[pos]
        self.cost[pos] = new
        if self._highs is not None:
            try:
                _check(
                    self._highs.changeColsCost(pos.size, pos.astype(np.int32), self.cost[pos]),
                    f"the costs of '{name}'",
                )
            except SolverError:
                self.cost[pos] = old
                raise

    def update_share(self, policy: str, share: float) -> None:
        """Change the share of a share policy (maximum origin share, minimum domestic share) in place.

        The policy's rows read ``from_origin - share * total <= 0`` (or the domestic analogue); the
        coefficients are recomputed from the stored terms and changed in the solver's copy.
        """
        from valuechain._params import Interval, check

        if policy not in self._share_terms:
            raise StudyError(f"'{policy}' is not a share policy of this model" + closest(policy, self._share_terms))
        check("update_share", "share", share, Interval(0, 1), error=StudyError)
        if policy in self._relaxed:
            raise StudyError(f"policy '{policy}' is switched off; restore_policy() it before changing its share")
        rows, cols, a_fixed, a_share, rhs_share = self._share_terms[policy]
        values = a_fixed + share * a_share
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise StudyError(
                f"update_share: policy '{policy}' would get a coefficient {values[bad[0]]} "
                f"in {self.lp.label(int(rows[bad[0]]), rows=True)}"
            )
        pos = self._csr_positions(policy, rows, cols)
        changed = np.flatnonzero(self.a_value[pos] != values)  # (the origin's own terms never change)
        self.a_value[pos[changed]] = values[changed]
        if self._highs is not None:
            change, error = self._highs.changeCoeff, _error()
            for r, c, v in zip(rows[changed].tolist(), cols[changed].tolist(), values[changed].tolist(), strict=True):
                if change(r, c, v) == error:
                    self._highs = None  # part of the change reached HiGHS: rebuild its copy at the next solve
                    raise SolverError(
                        f"HiGHS rejected the coefficient {v} of {self.lp.label(c)} "
                        f"in {self.lp.label(r, rows=True)} (policy '{policy}')"
                    )
        if rhs_share is not None:
            rpos, rvals = rhs_share
            hi_new = share * rvals
            self._no_nan(hi_new, rpos, f"right-hand side of policy '{policy}'", rows=True)
            self._set_rows(rpos, self.row_lo[rpos], hi_new, f"the row bounds of policy '{policy}'")

    def _csr_positions(self, policy: str, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Positions in the row-wise matrix of a share policy's coefficients (found once, then kept)."""
        pos = self._coef_pos.get(policy)
        if pos is None:
            n = np.int64(self.n_vars + 1)
            row_of = np.repeat(np.arange(self.a_start.size - 1, dtype=np.int64), np.diff(self.a_start))
            keys = row_of * n + self.a_index.astype(np.int64)  # sorted: rows in order, columns sorted within
            pos = self._coef_pos[policy] = np.searchsorted(keys, rows.astype(np.int64) * n + cols.astype(np.int64))
        return pos

    def relax_policy(self, policy: str) -> None:
        """Switch a policy off in place: its rows get no bounds until :meth:`restore_policy`.

        The model then solves as if it had been built without the policy (its elastic violation,
        if any, stays at zero), and a re-solve after :meth:`restore_policy` starts from that
        solution's basis. A sweep uses this to solve the plan without a cap and then the capped
        plans from one build.

        Examples
        --------
        >>> import valuechain as vc
        >>> from valuechain.opt import build, solve
        >>> from valuechain.opt import load_study
        >>> model = build(vc.load_network("toy-battery"), load_study("toy-battery"))
        >>> capped = solve(model).objective
        >>> model.relax_policy("cn-share-of-de-cells")
        >>> round((capped - solve(model).objective) / 1e6)  # the cap costs this much (M)
        1145
        >>> model.restore_policy("cn-share-of-de-cells")
        >>> result = solve(model)
        >>> result.warm, abs(result.objective - capped) <= 1e-9 * capped
        (True, True)
        """
        if policy not in self.policy_rows:
            raise StudyError(f"'{policy}' is not a policy of this model" + closest(policy, self.policy_rows))
        if policy in self._relaxed:
            return
        blocks = [self.lp.row_blocks[name] for name in self.policy_rows[policy]]
        pos = np.concatenate([np.arange(b.size) + b.offset for b in blocks]) if blocks else np.zeros(0, int)
        self._relaxed[policy] = (pos, self.row_lo[pos].copy(), self.row_hi[pos].copy())
        free = np.full(pos.size, np.inf)
        self._set_rows(pos, -free, free, f"the row bounds of policy '{policy}'")

    def restore_policy(self, policy: str) -> None:
        """Give a policy switched off by :meth:`relax_policy` its rows' bounds back, in place."""
        if policy not in self._relaxed:
            raise StudyError(f"policy '{policy}' is not switched off; relax_policy() it first")
        pos, lo, hi = self._relaxed.pop(policy)
        self._set_rows(pos, lo, hi, f"the row bounds of policy '{policy}'")

    def _no_nan(self, values: np.ndarray, pos: np.ndarray, what: str, *, rows: bool = False) -> None:
        """Refuse a NaN in an update, naming the variable or row it would reach."""
        where = self.lp.first_nan(np.asarray(values, dtype=float), pos, rows=rows)
        if where is not None:
            raise StudyError(f"the new {what} is NaN at {where}; give a number (inf or -inf for no bound)")

    def _why_bounds(self, lb: np.ndarray, ub: np.ndarray, pos: np.ndarray, *, rows: bool = False) -> str:
        """The first bound HiGHS refuses (an infinite lower bound of +inf or upper bound of -inf)."""
        bad = np.flatnonzero((lb == np.inf) | (ub == -np.inf))
        if bad.size == 0:
            return ""
        j = int(bad[0])
        return f" (lower bound {lb[j]}, upper bound {ub[j]} at {self.lp.label(int(pos[j]), rows=rows)})"

    def _set_rows(self, pos: np.ndarray, lo: np.ndarray, hi: np.ndarray, what: str) -> None:
        """Set row bounds here and in the solver's copy; on a rejection, restore them and raise."""
        old_lo, old_hi = self.row_lo[pos], self.row_hi[pos]
        self.row_lo[pos], self.row_hi[pos] = lo, hi
        if self._highs is None:
            return
        try:
            _check(
                self._highs.changeRowsBounds(pos.size, pos.astype(np.int32), self.row_lo[pos], self.row_hi[pos]),
                what + self._why_bounds(self.row_lo[pos], self.row_hi[pos], pos, rows=True),
            )
        except SolverError:
            self.row_lo[pos], self.row_hi[pos] = old_lo, old_hi
            raise

    def to_pyomo(self) -> pyo.ConcreteModel:
        """Return the whole core program as a separate, fully algebraic Pyomo model.

        Every variable block becomes a dense indexed ``Var`` (with its bounds and domain), every row
        block an indexed ``Constraint`` over the same labels (``balance[s, t, hub]``,
        ``policy:<name>[s, t, ...]``, ...), and the costs an ``Objective``. Use it to inspect the
        equations, write an LP/MPS file or hand the model to another Pyomo solver; it is a copy:
        changes to it do not reach :func:`~valuechain.opt.solve` (extend :attr:`pyomo` for that).
        Building it takes far longer than :func:`~valuechain.opt.build` on large models.

        Examples
        --------
        >>> import valuechain as vc
        >>> from valuechain.opt import build
        >>> full = build(vc.load_network("toy-transport")).to_pyomo()
        >>> print(full.balance["baseline", 1963, "new-york:cases"].expr)  # doctest: +NORMALIZE_WHITESPACE
        325.0  <=  flow[baseline,1963,seattle-new-york] + flow[baseline,1963,san-diego-new-york]
                   + unmet[baseline,1963,'new-york:cases'] - stock[baseline,1963,'new-york:cases']
        """
        import pyomo.environ as pyo
        from pyomo.core.expr.numeric_expr import LinearExpression

        m = _pyomo_model(self.lp, self.network.name, dense=True)
        m.del_component("extra_cost")
        var_of: list[Any] = [None] * self.n_vars
        for name, blk in self.lp.var_blocks.items():
            comp = m.component(name)
            datas = list(comp.values()) if blk.axes else [comp]
            for j, vd in enumerate(datas):
                pos = blk.offset + j
                lb, ub = self.col_lb[pos], self.col_ub[pos]
                vd.setlb(None if np.isinf(lb) else float(lb))
                vd.setub(None if np.isinf(ub) else float(ub))
                if self.integer[pos]:
                    vd.domain = pyo.Integers
                var_of[pos] = vd
        start, index, value = self.a_start, self.a_index.tolist(), self.a_value.tolist()
        for name, blk in self.lp.row_blocks.items():
            labels = list(blk.index()) if blk.axes else [None]

            def rule(_m: Any, *key: Any, blk: Block = blk) -> Any:
                r = blk.position(key) if blk.axes else blk.offset
                lo, hi = int(start[r]), int(start[r + 1])
                if lo == hi:
                    return pyo.Constraint.Skip
                body = LinearExpression(
                    constant=0.0, linear_coefs=value[lo:hi], linear_vars=[var_of[c] for c in index[lo:hi]]
                )
                rlo, rhi = self.row_lo[r], self.row_hi[r]
                return (None if np.isinf(rlo) else float(rlo), body, None if np.isinf(rhi) else float(rhi))

            if blk.axes:
                idx = pyo.Set(initialize=labels, dimen=len(blk.axes), ordered=True)
                m.add_component(f"{name}_index", idx)
                m.add_component(name, pyo.Constraint(idx, rule=rule))
            else:
                m.add_component(name, pyo.Constraint(rule=rule))
        nz = np.flatnonzero(self.cost)
        m.objective = pyo.Objective(
            expr=LinearExpression(
                constant=0.0, linear_coefs=self.cost[nz].tolist(), linear_vars=[var_of[j] for j in nz]
            ),
            sense=pyo.minimize,
        )
        return m

    def add_cost(self, expr: Any) -> None:
        """Add a linear Pyomo expression (over core or your own variables) to the objective."""
        self.pyomo.extra_cost.expr = self.pyomo.extra_cost.expr + expr


def _error() -> Any:
    import highspy

    return highspy.HighsStatus.kError


def _pyomo_model(lp: LinearProgram, name: str, *, dense: bool = False) -> pyo.ConcreteModel:
    """One indexed Var per variable block (sparse unless ``dense``), over Sets of the network's ids."""
    import pyomo.environ as pyo

    m = pyo.ConcreteModel(name=name)
    sets: dict[str, tuple[list[object], Any]] = {}

    def get_set(block: str, axis: pd.Index) -> Any:
        labels = axis.tolist()
        name = str(axis.name)
        have = sets.get(name)
        if have is not None and have[0] == labels:
            return have[1]
        comp_name = name if have is None else f"{block}_{name}"
        s = pyo.Set(initialize=labels, ordered=True)
        m.add_component(comp_name, s)
        if have is None:
            sets[name] = (labels, s)
        return s

    for blk in lp.var_blocks.values():
        if blk.axes:
            args = [get_set(blk.name, a) for a in blk.axes]
            m.add_component(blk.name, pyo.Var(*args, dense=dense))
        else:
            m.add_component(blk.name, pyo.Var())
    m.extra_cost = pyo.Expression(expr=0.0)
    return m
