"""Hand a built model to HiGHS, solve it, and keep the solver's copy for warm re-solves (:func:`solve`)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np

from valuechain._params import Interval, check
from valuechain.errors import InfeasibleError, SolverError, StudyError
from valuechain.opt import _highs

if TYPE_CHECKING:
    from valuechain.opt.model import Model

__all__ = ["METHODS", "SolveResult", "Termination", "solve"]

#: The LP methods :func:`solve` offers ('auto' picks one; see :func:`choose_method`).
METHODS = ("auto", "simplex", "ipm", "hipo", "pdlp")
#: From this many columns a cold LP goes to the interior-point solver under ``method="auto"``
#: (benchmarks/README.md, "Solver choice": from 15,330 columns on, the interior point with crossover
#: was ahead on every model measured, 1.4x at 15,330 columns and 9-14x from 39,642; at 305 columns
#: and below the simplex was as fast or faster; nothing was measured in between).
IPM_FROM = 15_000


class Termination(StrEnum):
    """Why the solver stopped."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    INFEASIBLE_OR_UNBOUNDED = "infeasible_or_unbounded"
    TIME_LIMIT = "time_limit"
    ITERATION_LIMIT = "iteration_limit"
    INTERRUPTED = "interrupted"
    ERROR = "error"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SolveResult:
    """The outcome of one solve.

    Attributes
    ----------
    termination
        Why the solver stopped.
    objective
        Objective of the solution found (expected discounted cost), NaN without one.
    bound
        Best bound on the optimum (equal to the objective for LPs solved to optimality).
    gap
        Relative gap between objective and bound (0 for LPs).
    has_solution
        Whether a primal solution is available.
    is_mip
        Whether the model had integer variables.
    duals
        Where the shadow prices come from: 'lp', 'fixed-mip' (integers fixed at their values and
        the LP re-solved) or 'unavailable'.
    build_seconds, handoff_seconds, solve_seconds
        Time spent building, handing the model to HiGHS (0 for warm re-solves of an unchanged
        model) and solving.
    warm
        Whether the solve reused the solver's copy of the model.
    iterations
        Simplex iterations (LP) of the main solve (interior-point iterations for 'ipm' and 'hipo',
        PDLP iterations for 'pdlp').
    method
        The LP method HiGHS ran ('simplex', 'ipm', 'hipo', 'pdlp'; 'mip' for a MIP).
    """

    termination: Termination
    objective: float
    bound: float
    gap: float
    has_solution: bool
    is_mip: bool
    duals: str
    build_seconds: float
    handoff_seconds: float
    solve_seconds: float
    warm: bool
    iterations: int
    method: str = "simplex"

    @property
    def ok(self) -> bool:
        """Whether the solve ended at a proven optimum."""
        return self.termination is Termination.OPTIMAL

    def __str__(self) -> str:
        return (
            f"{self.termination} objective={self.objective:.10g} gap={self.gap:.3g} "
            f"(build {self.build_seconds:.2f} s, hand-off {self.handoff_seconds:.2f} s, "
            f"solve {self.solve_seconds:.2f} s)"
        )


def choose_method(n_cols: int, *, warm: bool, is_mip: bool) -> str:
    """The LP method ``method="auto"`` runs: simplex when a basis can be reused or the LP is small.

    A warm basis (a re-solve after ``update_*``) only helps the simplex; a MIP runs HiGHS's branch
    and bound whatever the method; a cold LP of at least :data:`IPM_FROM` columns goes to the
    interior-point solver (on the global network's LPs of 15,330 to 124,734 columns it was 1.4x to
    over 8x faster than the dual simplex).

    Examples
    --------
    >>> choose_method(10_000, warm=False, is_mip=False), choose_method(5_000_000, warm=True, is_mip=False)
    ('simplex', 'simplex')
    >>> choose_method(40_000, warm=False, is_mip=False)
    'ipm'
    """
    if is_mip or warm or n_cols < IPM_FROM:
        return "simplex"
    return "ipm"


def _set_method(h: Any, method: str) -> None:
    """Point HiGHS's ``solver`` option at ``method``; 'hipo' only where this highspy has it."""
    import highspy

    status = h.setOptionValue("solver", method)
    if status == highspy.HighsStatus.kError:
        version = getattr(highspy, "__version__", None) or "this version"
        raise SolverError(
            f"HiGHS ({version}) does not offer the LP method '{method}'; use one of simplex, ipm, pdlp"
            if method == "hipo"
            else f"HiGHS rejected the LP method '{method}'"
        )


def _termination(status: Any) -> Termination:
    import highspy

    s = highspy.HighsModelStatus
    table = {
        s.kOptimal: Termination.OPTIMAL,
        s.kInfeasible: Termination.INFEASIBLE,
        s.kUnbounded: Termination.UNBOUNDED,
        s.kUnboundedOrInfeasible: Termination.INFEASIBLE_OR_UNBOUNDED,
        s.kTimeLimit: Termination.TIME_LIMIT,
        s.kIterationLimit: Termination.ITERATION_LIMIT,
        s.kInterrupt: Termination.INTERRUPTED,
        s.kModelEmpty: Termination.OPTIMAL,
    }
    if status in (s.kLoadError, s.kModelError, s.kPresolveError, s.kSolveError, s.kPostsolveError, s.kMemoryLimit):
        return Termination.ERROR
    return table.get(status, Termination.UNKNOWN)


@dataclass
class _Extras:
    """What the user added in Pyomo, compiled: new columns, rows, costs and bound overrides."""

    var_data: list[Any]  # user VarData in column order (after the core)
    col_lb: np.ndarray
    col_ub: np.ndarray
    col_int: np.ndarray
    cost_cols: np.ndarray
    cost_vals: np.ndarray
    offset: float
    row_data: list[Any]
    row_lo: np.ndarray
    row_hi: np.ndarray
    r: np.ndarray
    c: np.ndarray
    v: np.ndarray
    override_cols: np.ndarray
    override_lb: np.ndarray
    override_ub: np.ndarray

    def same_as(self, other: _Extras | None) -> bool:
        if other is None:
            return False
        if [id(v) for v in self.var_data] != [id(v) for v in other.var_data]:
            return False
        if [id(d) for d in self.row_data] != [id(d) for d in other.row_data]:
            return False
        pairs = (
            (self.col_lb, other.col_lb), (self.col_ub, other.col_ub), (self.col_int, other.col_int),
            (self.cost_cols, other.cost_cols), (self.cost_vals, other.cost_vals), (self.row_lo, other.row_lo),
            (self.row_hi, other.row_hi), (self.r, other.r), (self.c, other.c), (self.v, other.v),
            (self.override_cols, other.override_cols), (self.override_lb, other.override_lb),
            (self.override_ub, other.override_ub),
        )  # fmt: skip
        return self.offset == other.offset and all(np.array_equal(a, b) for a, b in pairs)


def _compile_user(model: Model) -> _Extras:
    """Compile the user's Pyomo additions against the core's columns (none while no one asked for the Pyomo model)."""
    if model._pyomo is None:
        return _NO_EXTRAS
    import pyomo.environ as pyo
    from pyomo.repn.standard_repn import generate_standard_repn

    m = model.pyomo
    blocks = model.lp.var_blocks
    core_ids: dict[int, int] = {}
    over_c, over_lb, over_ub = [], [], []
    for name, blk in blocks.items():
        comp = m.component(name)
        if comp is None:
            continue
        for vd in comp.values():
            idx = vd.index()
            pos = blk.position(idx) if blk.axes else blk.offset
            core_ids[id(vd)] = pos
            lb, ub = vd.lb, vd.ub
            if vd.fixed:
                lb = ub = float(vd.value)
            if lb is not None or ub is not None:
                over_c.append(pos)
                over_lb.append(-math.inf if lb is None else float(lb))
                over_ub.append(math.inf if ub is None else float(ub))
    user_vars: list[Any] = []
    user_pos: dict[int, int] = {}

    def col(vd: Any) -> int:
        key = id(vd)
        if key in core_ids:
            return core_ids[key]
        if key not in user_pos:
            user_pos[key] = model.n_vars + len(user_vars)
            user_vars.append(vd)
        return user_pos[key]

    def linear(expr: Any, what: str) -> tuple[float, list[int], list[float]]:
        repn = generate_standard_repn(expr, compute_values=True, quadratic=False)
        if not repn.is_linear():
            raise StudyError(f"{what} is not linear; only linear constraints and costs can be added")
        return float(repn.constant), [col(v) for v in repn.linear_vars], [float(c) for c in repn.linear_coefs]

    rows: list[Any] = []
    lo: list[float] = []
    hi: list[float] = []
    rr: list[int] = []
    cc: list[int] = []
    vv: list[float] = []
    for cd in m.component_data_objects(pyo.Constraint, active=True, descend_into=True):
        const, cols, coefs = linear(cd.body, f"constraint '{cd.name}'")
        i = len(rows)
        rows.append(cd)
        lo.append(-math.inf if cd.lb is None else float(cd.lb) - const)
        hi.append(math.inf if cd.ub is None else float(cd.ub) - const)
        rr += [i] * len(cols)
        cc += cols
        vv += coefs
    offset, ccols, cvals = linear(m.extra_cost.expr, "the extra cost")
    ulb, uub, uint = [], [], []
    for vd in user_vars:
        lb, ub = vd.lb, vd.ub
        if vd.fixed:
            lb = ub = float(vd.value)
        ulb.append(-math.inf if lb is None else float(lb))
        uub.append(math.inf if ub is None else float(ub))
        uint.append(bool(vd.is_integer() or vd.is_binary()))
    f = np.asarray
    return _Extras(
        var_data=user_vars, col_lb=f(ulb, float), col_ub=f(uub, float), col_int=f(uint, bool),
        cost_cols=f(ccols, np.int64), cost_vals=f(cvals, float), offset=offset,
        row_data=rows, row_lo=f(lo, float), row_hi=f(hi, float),
        r=f(rr, np.int64), c=f(cc, np.int64), v=f(vv, float),
        override_cols=f(over_c, np.int64), override_lb=f(over_lb, float), override_ub=f(over_ub, float),
    )  # fmt: skip


_e, _f = np.zeros(0), np.zeros(0, dtype=np.int64)
#: The extras of a model whose Pyomo model was never made (read only: every array is empty).
_NO_EXTRAS = _Extras(
    var_data=[], col_lb=_e, col_ub=_e, col_int=np.zeros(0, dtype=bool), cost_cols=_f, cost_vals=_e, offset=0.0,
    row_data=[], row_lo=_e, row_hi=_e, r=_f, c=_f, v=_e, override_cols=_f, override_lb=_e, override_ub=_e,
)  # fmt: skip


def _col_name(model: Model, ex: _Extras, j: int) -> str:
    """Name of column ``j``: a core variable by its block and labels, or the user's Pyomo variable."""
    if j < model.n_vars:
        return model.lp.label(j)
    return f"the user variable '{ex.var_data[j - model.n_vars].name}'"


def _row_name(model: Model, ex: _Extras, i: int) -> str:
    """Name of row ``i``: a core row by its block and labels, or the user's Pyomo constraint."""
    if i < model.n_rows:
        return model.lp.label(i, rows=True)
    return f"the user constraint '{ex.row_data[i - model.n_rows].name}'"


def _no_nan(model: Model, ex: _Extras, arrays: dict[str, np.ndarray], *, rows: bool) -> None:
    """Raise :class:`SolverError` naming the first element of any array that holds a NaN."""
    for what, values in arrays.items():
        bad = np.flatnonzero(np.isnan(values))
        if bad.size:
            name = (_row_name if rows else _col_name)(model, ex, int(bad[0]))
            more = f" and {bad.size - 1:,} more" if bad.size > 1 else ""
            raise SolverError(f"the model has a NaN {what} at {name}{more}; HiGHS would reject it")


def _pass(model: Model, ex: _Extras, *, log: bool = False) -> Any:
    """Pass core + extras to a new HiGHS instance (compressed rows, no copies through Python lists).

    Every array is checked for NaN first (naming the variable or row), and every call's status.
    """
    import highspy

    n_core, m_core = model.n_vars, model.n_rows
    n = n_core + len(ex.var_data)
    lb = np.concatenate([model.col_lb, ex.col_lb])
    ub = np.concatenate([model.col_ub, ex.col_ub])
    if ex.override_cols.size:
        lb[ex.override_cols] = np.maximum(lb[ex.override_cols], ex.override_lb)
        ub[ex.override_cols] = np.minimum(ub[ex.override_cols], ex.override_ub)
    cost = np.concatenate([model.cost, np.zeros(len(ex.var_data))])
    np.add.at(cost, ex.cost_cols, ex.cost_vals)
    integer = np.concatenate([model.integer, ex.col_int])
    if ex.r.size or ex.row_data:
        order = np.lexsort((ex.c, ex.r))
        counts = np.bincount(ex.r, minlength=len(ex.row_data))
        start = np.concatenate([model.a_start, model.a_start[-1] + np.cumsum(counts)])
        index = np.concatenate([model.a_index, ex.c[order].astype(np.int32)])
        value = np.concatenate([model.a_value, ex.v[order]])
        rlo = np.concatenate([model.row_lo, ex.row_lo])
        rhi = np.concatenate([model.row_hi, ex.row_hi])
    else:
        start, index, value, rlo, rhi = model.a_start, model.a_index, model.a_value, model.row_lo, model.row_hi
    _no_nan(model, ex, {"lower bound": lb, "upper bound": ub, "cost": cost}, rows=False)
    _no_nan(model, ex, {"lower bound": rlo, "upper bound": rhi}, rows=True)
    bad = np.flatnonzero(~np.isfinite(value))
    if bad.size:
        row = int(np.searchsorted(start, bad[0], side="right") - 1)
        col = int(index[bad[0]])
        raise SolverError(
            f"the model has a coefficient {value[bad[0]]} of {_col_name(model, ex, col)} "
            f"in {_row_name(model, ex, row)}; HiGHS would reject it"
        )
    if not np.isfinite(ex.offset):
        raise SolverError(f"the user's extra cost has a constant {ex.offset}; HiGHS would reject it")
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = m_core + len(ex.row_data)
    lp.col_cost_ = cost
    lp.col_lower_ = lb
    lp.col_upper_ = ub
    lp.row_lower_ = rlo
    lp.row_upper_ = rhi
    lp.offset_ = ex.offset
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = start.astype(np.int32)
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    h = _highs.new_highs(log=log)
    _highs.check(
        h.passModel(lp),
        f"the model of {n:,} columns and {lp.num_row_:,} rows (passModel; its log says why: solve with log=True)",
    )
    ints = np.flatnonzero(integer).astype(np.int32)
    if ints.size:
        _highs.check(
            h.changeColsIntegrality(ints.size, ints, np.ones(ints.size, dtype=np.uint8)),
            f"the integrality of {ints.size:,} columns",
        )
    return h


@dataclass
class _Solution:
    x: np.ndarray
    row_dual: np.ndarray | None
    col_dual: np.ndarray | None


def solve(
    model: Model,
    time_limit: float | None = None,
    mip_gap: float | None = None,
    threads: int | None = None,
    allow_nonoptimal: bool = False,
    *,
    method: str = "auto",
    duals: bool = True,
    log: bool = False,
) -> SolveResult:
    """Solve a built model with HiGHS.

    The first call hands the model (core arrays + whatever you added to ``model.pyomo``) to a
    HiGHS instance kept on the model; later calls reuse it when nothing was added to the Pyomo
    model since, so changes made with :meth:`Model.update_rhs <valuechain.opt.Model.update_rhs>`,
    ``update_bounds``, ``update_cost`` or ``update_share`` re-solve from the last basis.

    Parameters
    ----------
    model
        A model from :func:`~valuechain.opt.build`.
    time_limit
        Seconds (default: the study's ``solver.time_limit``, else none).
    mip_gap
        Relative MIP gap (default: the study's, else HiGHS's 1e-4); 0 proves optimality.
    threads
        Threads HiGHS may use (default: the study's, else HiGHS's choice).
    allow_nonoptimal
        Return a result when the solver stops without a proven optimum instead of raising.
    method
        The LP method: 'simplex' (HiGHS's dual simplex, warm from the last basis on re-solves),
        'ipm' (interior point with crossover), 'hipo' (HiGHS's newer interior-point solver, where
        this highspy is built with it), 'pdlp' (first-order primal-dual, to HiGHS's default
        tolerances) or 'auto' (:func:`choose_method`: by size and by whether a basis exists).
        MIPs take 'auto' or 'simplex'.
    duals
        For MIPs, fix the integers at their values and re-solve the LP to get shadow prices.
    log
        Print HiGHS's banner and log on standard output (off by default: nothing is printed).

    Returns
    -------
    SolveResult

    Raises
    ------
    InfeasibleError
        The model is infeasible. The message names the hubs (region and commodity) whose hard
        demand no supply can reach, and every hard policy that had to bend: each set of policies
        that cannot hold together (the study is feasible without any one of them), with how far
        each bends when they are relaxed at the study's policy penalty.
    SolverError
        Any other outcome than a proven optimum (time limit, unbounded), or a call HiGHS rejected
        (the message names what it rejected: bounds, costs, options, the run).

    Examples
    --------
    >>> import valuechain as vc
    >>> from valuechain.opt import build, solve
    >>> result = solve(build(vc.load_network("toy-transport")))
    >>> result.termination, round(result.objective, 3)
    (<Termination.OPTIMAL: 'optimal'>, 153.675)
    """
    import highspy

    opts = dict(model.study.solver)
    time_limit = time_limit if time_limit is not None else opts.get("time_limit")
    mip_gap = mip_gap if mip_gap is not None else opts.get("mip_gap")
    threads = threads if threads is not None else opts.get("threads")
    if time_limit is not None:
        check("solve", "time_limit", time_limit, Interval(0, math.inf, "neither"), error=StudyError)
    if mip_gap is not None:
        check("solve", "mip_gap", mip_gap, Interval(0, 1), error=StudyError)
    if threads is not None:
        check("solve", "threads", int(threads), Interval(1, 1024), error=StudyError)
    check("solve", "method", method, lambda v: v in METHODS, error=StudyError, expected=f"one of {', '.join(METHODS)}")

    t0 = time.perf_counter()
    extras = _compile_user(model)
    warm = model._highs is not None and extras.same_as(model._extras)
    if not warm:
        model._highs = None  # never leave a copy that no longer matches the model
        model._highs = _pass(model, extras, log=log)
        model._extras = extras
    h = model._highs
    is_mip = bool(model.integer.any() or extras.col_int.any())
    if is_mip and method not in ("auto", "simplex"):
        raise StudyError(
            f"the model has integer variables: method must be 'auto' or 'simplex' for a MIP, not '{method}'"
        )
    has_basis = warm and bool(h.getBasis().valid)
    if method == "auto" and not has_basis and not is_mip and opts.get("method", "auto") != "auto":
        method = str(opts["method"])  # the study's method for cold LPs (re-solves keep their basis)
    run_method = choose_method(model.n_vars, warm=has_basis, is_mip=is_mip) if method == "auto" else method
    _set_method(h, "choose" if is_mip else run_method)
    t1 = time.perf_counter()
    _highs.check(h.setOptionValue("output_flag", bool(log)), "the option output_flag")
    limit = float(time_limit) if time_limit is not None else highspy.kHighsInf
    _highs.check(h.setOptionValue("time_limit", limit), f"the option time_limit={limit}")
    gap_opt = float(mip_gap) if mip_gap is not None else 1e-4
    _highs.check(h.setOptionValue("mip_rel_gap", gap_opt), f"the option mip_rel_gap={gap_opt}")
    _highs.run(h, None if threads is None else int(threads), f"the model of study '{model.study.name}'")
    t2 = time.perf_counter()
    term = _termination(h.getModelStatus())
    info = h.getInfo()
    has_sol = int(info.primal_solution_status) == 2
    objective = float(info.objective_function_value) if has_sol else math.nan
    if is_mip:
        bound = float(info.mip_dual_bound)
        gap = float(info.mip_gap) if has_sol else math.inf
    else:
        bound, gap = objective, 0.0
    source = "unavailable"
    sol = None
    if has_sol:
        n_cols, n_rows = model.n_vars + len(extras.var_data), model.n_rows + len(extras.row_data)
        lp_duals = not is_mip and int(info.dual_solution_status) == 2
        x, rd, cd = _highs.solution(h, n_cols, n_rows, duals=lp_duals)
        row_dual: np.ndarray | None = rd if lp_duals else None
        col_dual: np.ndarray | None = cd if lp_duals else None
        if lp_duals:
            source = "lp"
        elif is_mip and duals and term is Termination.OPTIMAL:
            row_dual, col_dual = _fixed_duals(model, extras, x, threads=threads)
            source = "fixed-mip" if row_dual is not None else "unavailable"
        sol = _Solution(x=x, row_dual=row_dual, col_dual=col_dual)
        _load_pyomo(model, extras, x, row_dual)
    model._solution = sol
    result = SolveResult(
        termination=term,
        objective=objective,
        bound=bound,
        gap=gap,
        has_solution=has_sol,
        is_mip=is_mip,
        duals=source,
        build_seconds=model.build_seconds,
        handoff_seconds=0.0 if warm else t1 - t0,
        solve_seconds=t2 - t1,
        warm=warm,
        iterations=_iterations(info, run_method),
        method="mip" if is_mip else run_method,
    )
    model.result = result
    if term is not Termination.OPTIMAL and not allow_nonoptimal:
        _raise(model, result)
    return result


def _iterations(info: Any, method: str) -> int:
    if method in ("ipm", "hipo"):
        return int(info.ipm_iteration_count) + int(info.crossover_iteration_count)
    if method == "pdlp":
        return int(info.pdlp_iteration_count)
    return int(info.simplex_iteration_count)


def _fixed_duals(
    model: Model, extras: _Extras, x: np.ndarray, *, threads: int | None = None
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Shadow prices of a MIP: integers fixed at their (rounded) values, the LP re-solved."""
    ints = np.flatnonzero(np.concatenate([model.integer, extras.col_int]))
    h = _pass(model, extras)
    vals = np.round(x[ints])
    _highs.check(
        h.changeColsIntegrality(ints.size, ints.astype(np.int32), np.zeros(ints.size, dtype=np.uint8)),
        "the integrality of the integer columns (fixing them to read duals)",
    )
    _highs.check(
        h.changeColsBounds(ints.size, ints.astype(np.int32), vals, vals),
        "the bounds of the integer columns fixed at their values (to read duals)",
    )
    _highs.run(h, threads, "the LP with the integers fixed (to read duals)")
    info = h.getInfo()
    if int(info.dual_solution_status) != 2:
        return None, None
    n_cols, n_rows = model.n_vars + len(extras.var_data), model.n_rows + len(extras.row_data)
    _, row_dual, col_dual = _highs.solution(h, n_cols, n_rows, duals=True)
    return row_dual, col_dual


def _load_pyomo(model: Model, extras: _Extras, x: np.ndarray, row_dual: np.ndarray | None) -> None:
    """Put values into the Pyomo variables that exist (created by the user), and user-row duals."""
    if model._pyomo is None:  # (no Pyomo model was made: nothing to load)
        return
    import pyomo.environ as pyo

    m = model.pyomo
    for name, blk in model.lp.var_blocks.items():
        comp = m.component(name)
        if comp is None:
            continue
        for vd in comp.values():
            vd.set_value(float(x[blk.position(vd.index()) if blk.axes else blk.offset]), skip_validation=True)
    for i, vd in enumerate(extras.var_data):
        vd.set_value(float(x[model.n_vars + i]), skip_validation=True)
    if extras.row_data:
        if m.component("dual") is None:
            m.dual = pyo.Suffix(direction=pyo.Suffix.IMPORT)
        for i, cd in enumerate(extras.row_data):
            m.dual[cd] = float(row_dual[model.n_rows + i]) if row_dual is not None else math.nan


def _raise(model: Model, result: SolveResult) -> None:
    term = result.termination
    if term in (Termination.INFEASIBLE, Termination.INFEASIBLE_OR_UNBOUNDED):
        from valuechain.opt._diagnose import diagnose

        raise InfeasibleError(
            f"study '{model.study.name}' on network '{model.network.name}' is {term.value}. " + diagnose(model)
        )
    if term is Termination.TIME_LIMIT:
        extra = f" with a gap of {result.gap:.3g}" if result.has_solution else " without a feasible solution"
        raise SolverError(
            f"HiGHS stopped at the time limit{extra}; raise time_limit "
            "or pass allow_nonoptimal=True to use the incumbent"
        )
    raise SolverError(
        f"HiGHS stopped without an optimal solution: {term.value}; pass allow_nonoptimal=True to inspect it"
    )
