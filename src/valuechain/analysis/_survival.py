"""The time-to-survive program, built once from a network's tables and re-solved per node.

The formulation, in the symbols of this code, is in :mod:`valuechain.analysis.resilience`,
which exports :class:`SurvivalLP`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain._params import OneOf, check
from valuechain.errors import ScenarioError, SolverError
from valuechain.network.model import PERIODS
from valuechain.network.validate import hub_id

if TYPE_CHECKING:
    from valuechain.network.model import Network

__all__ = ["SurvivalLP"]

#: Largest excess of an activity over the upper bound just set that a solution may show.
_BOUND_SLACK = 1e-6


def _node_sets(network: Network, kind: str) -> tuple[pd.Index, list[np.ndarray], np.ndarray]:
    """Nodes (processes or country-stages), their member process positions and TTR in months."""
    check("resilience", "kind", kind, OneOf(("process", "stage")), error=ScenarioError)
    procs = network.processes
    ttr_p = procs["ttr"].to_numpy(float)
    if kind == "process":
        nodes = pd.Index(procs.index.astype(object), name="process")
        members = [np.array([i]) for i in range(len(procs))]
        ttr = ttr_p
    else:
        rec = network.recipes[network.recipes["kind"] == "output"]
        first = rec.drop_duplicates("process").set_index("process")["commodity"]
        label = [f"{r}:{first.get(p, '-')}" for p, r in zip(procs.index, procs["region"], strict=True)]
        codes, uniq = pd.factorize(pd.Index(label))
        nodes = pd.Index(list(uniq), name="stage", dtype=object)
        members = [np.flatnonzero(codes == i) for i in range(len(uniq))]
        ttr = np.asarray([ttr_p[m].max() for m in members])
    return nodes, members, ttr * PERIODS[network.period]


class SurvivalLP:
    r"""The time-to-survive program of :mod:`valuechain.analysis.resilience`, built once and re-solved per node.

    Parameters
    ----------
    network
        The network.
    start
        The month whose demand rates (growth applied) the program uses (default: January after the
        network's base year).
    kind
        'process' or 'stage', as for :class:`OperationsLP`.
    tol
        Relative allowance on the intact network's lost value per month :math:`\lambda_0`.

    Attributes
    ----------
    nodes
        Node ids.
    ttr
        Time to recover per node, in months.
    lost_rate
        :math:`\lambda_0`, value of demand per month that the intact network cannot serve.

    Examples
    --------
    >>> import valuechain as vc
    >>> from valuechain.analysis import SurvivalLP
    >>> lp = SurvivalLP(vc.load_network("toy-battery"))
    >>> lp.lost_rate
    0.0
    >>> lp.tts(int(lp.nodes.get_loc("de-hydromet")))
    inf
    """

    def __init__(self, network: Network, *, start: Any = None, kind: str = "process", tol: float = 1e-6) -> None:
        import highspy

        from valuechain.opt import Study
        from valuechain.sim.simulate import default_periods

        self.nodes, self._members, self.ttr = _node_sets(network, kind)
        self.network = network
        self.kind = kind
        per_month = 1.0 / PERIODS[network.period]
        hubs = pd.Index(network.hub_ids)
        procs, routes, dem, mk = network.processes, network.routes, network.demand, network.markets
        mk = mk[mk["side"] == "buy"]
        first = default_periods(network, 1, start)[0].start_time
        years = first.year + (first.month - 1) / 12.0
        base = float(network.year) if network.year is not None else years
        rate = per_month * dem["quantity"].to_numpy(float) * (1.0 + dem["growth"].to_numpy(float)) ** (years - base)
        value = dem["value_of_lost_demand"].to_numpy(float)
        value = np.where(np.isnan(value), Study().unmet_penalty, value)
        n_p, n_r, n_m, n_d = len(procs), len(routes), len(mk), len(dem)
        # columns: t, Y (processes), F (routes), B (purchases), U (unserved demand)
        self._y0 = 1
        f0, b0, u0 = 1 + n_p, 1 + n_p + n_r, 1 + n_p + n_r + n_m
        n_col = u0 + n_d
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        vals: list[np.ndarray] = []

        def hub_pos(regions: Any, commodities: Any) -> np.ndarray:
            return np.asarray(hubs.get_indexer([hub_id(r, c) for r, c in zip(regions, commodities, strict=True)]))

        # hub balances: rows 0..H-1
        rec = network.recipes
        rec = rec[rec["process"].isin(procs.index)]
        sign = np.where(rec["kind"].to_numpy(object) == "output", 1.0, -1.0)
        p_pos = procs.index.get_indexer(pd.Index(rec["process"]))
        p_hub = hub_pos(procs["region"].to_numpy(object)[p_pos], rec["commodity"])
        r_com = routes["commodity"].to_numpy(object)
        r_from = hub_pos(routes["origin"], r_com)
        r_to = hub_pos(routes["destination"], r_com)
        m_hub = hub_pos(mk["region"], mk["commodity"])
        d_hub = hub_pos(dem["region"], dem["commodity"])
        if min((x.min(initial=0) for x in (p_hub, r_from, r_to, m_hub, d_hub)), default=0) < 0:
            raise SolverError(f"network '{network.name}': a recipe, route, market or demand names no hub")
        for r, c, v in (
            (p_hub, self._y0 + p_pos, sign * rec["coefficient"].to_numpy(float)),
            (r_to, f0 + np.arange(n_r), np.ones(n_r)),
            (r_from, f0 + np.arange(n_r), -np.ones(n_r)),
            (m_hub, b0 + np.arange(n_m), np.ones(n_m)),
            (d_hub, u0 + np.arange(n_d), np.ones(n_d)),
        ):
            rows.append(r)
            cols.append(c)
            vals.append(v)
        d_at_hub = np.bincount(d_hub, weights=rate, minlength=len(hubs))
        rows.append(np.arange(len(hubs)))
        cols.append(np.zeros(len(hubs), dtype=np.int64))
        vals.append(-d_at_hub)
        init = network.hubs["initial_stock"].to_numpy(float)
        row_lo = [-init]
        row_hi = [np.full(len(hubs), np.inf)]
        n_row = len(hubs)
        # rates: column - cap x t <= 0 for every finite capacity, and U_j - d_j t <= 0
        caps = np.concatenate(
            [
                per_month * procs["capacity"].to_numpy(float),
                per_month * routes["capacity"].to_numpy(float),
                per_month * mk["cap"].to_numpy(float),
                rate,
            ]
        )
        lim = np.flatnonzero(np.isfinite(caps))
        k = np.arange(lim.size) + n_row
        rows += [k, k]
        cols += [lim + 1, np.zeros(lim.size, dtype=np.int64)]
        vals += [np.ones(lim.size), -caps[lim]]
        row_lo.append(np.full(lim.size, -np.inf))
        row_hi.append(np.zeros(lim.size))
        n_row += lim.size
        # lost value: sum_j v_j U_j - (1 + tol) lambda_0 t <= 0 (last row; lambda_0 set below)
        self._loss_row = n_row
        rows += [np.full(n_d, n_row), np.array([n_row])]
        cols += [u0 + np.arange(n_d), np.array([0])]
        vals += [value, np.array([0.0])]
        row_lo.append(np.array([-np.inf]))
        row_hi.append(np.array([0.0]))
        n_row += 1

        # one entry per (row, column), ordered by column then row
        key, inv = np.unique(np.concatenate(cols) * n_row + np.concatenate(rows), return_inverse=True)
        v_all = np.bincount(inv, weights=np.concatenate(vals), minlength=key.size)
        c_all, r_all = np.divmod(key, n_row)
        lp: Any = highspy.HighsLp()
        lp.num_col_ = n_col
        lp.num_row_ = n_row
        lp.col_cost_ = np.zeros(n_col)
        lp.col_lower_ = np.zeros(n_col)
        lp.col_upper_ = np.full(n_col, np.inf)
        lp.row_lower_ = np.concatenate(row_lo)
        lp.row_upper_ = np.concatenate(row_hi)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        start = np.concatenate([[0], np.cumsum(np.bincount(c_all, minlength=n_col))])
        lp.a_matrix_.start_ = start.astype(np.int32)
        lp.a_matrix_.index_ = r_all.astype(np.int32)
        lp.a_matrix_.value_ = v_all
        if not np.isfinite(lp.a_matrix_.value_).all() or np.isnan(lp.row_lower_).any():
            raise SolverError(f"network '{network.name}': the time-to-survive program has a non-finite coefficient")
        self._hs = highspy
        h: Any = highspy.Highs()
        self._h = h
        h.setOptionValue("output_flag", False)
        self._ok(h.passModel(lp), "passModel", "building the time-to-survive program")
        self._n_col = n_col
        self._hub_lo = row_lo[0]

        # lambda_0: the intact network's least lost value per month in a steady state (t = 1, no stocks)
        self._ok(h.changeColsCost(n_d, (u0 + np.arange(n_d)).astype(np.int32), value), "changeColsCost", "lambda_0")
        self._ok(h.changeColBounds(0, 1.0, 1.0), "changeColBounds", "lambda_0")
        self._ok(h.changeRowsBounds(len(hubs), np.arange(len(hubs), dtype=np.int32),
                                    np.zeros(len(hubs)), row_hi[0]), "changeRowsBounds", "lambda_0")  # fmt: skip
        self._ok(h.changeRowBounds(self._loss_row, -np.inf, np.inf), "changeRowBounds", "lambda_0")
        status = self._run("the intact network's steady state")
        if status != "optimal":
            raise SolverError(f"network '{network.name}': the steady-state program of the intact network is {status}")
        self.lost_rate = max(float(h.getInfo().objective_function_value), 0.0)
        if self.lost_rate < 1e-9 * max(float(np.dot(value, rate)), 1.0):
            self.lost_rate = 0.0
        # back to the time-to-survive program: max t
        self._ok(h.changeColsCost(n_d, (u0 + np.arange(n_d)).astype(np.int32), np.zeros(n_d)), "changeColsCost", "")
        self._ok(h.changeColCost(0, 1.0), "changeColCost", "")
        self._ok(h.changeObjectiveSense(highspy.ObjSense.kMaximize), "changeObjectiveSense", "")
        self._ok(h.changeColBounds(0, 0.0, np.inf), "changeColBounds", "")
        self._ok(h.changeRowsBounds(len(hubs), np.arange(len(hubs), dtype=np.int32), row_lo[0], row_hi[0]),
                 "changeRowsBounds", "")  # fmt: skip
        self._ok(h.changeRowBounds(self._loss_row, -np.inf, 0.0), "changeRowBounds", "")
        self._ok(h.changeCoeff(self._loss_row, 0, -(1.0 + tol) * self.lost_rate), "changeCoeff", "")

    def _ok(self, status: Any, call: str, what: str) -> None:
        if status == self._hs.HighsStatus.kError:
            raise SolverError(f"HiGHS rejected {call} ({what or 'time-to-survive program'})")

    def _run(self, what: str) -> str:
        """Run HiGHS; return 'optimal', 'unbounded' or raise, re-solving from scratch once if needed."""
        ms = self._hs.HighsModelStatus
        for attempt in range(2):
            self._ok(self._h.run(), "run", what)
            st = self._h.getModelStatus()
            if st == ms.kOptimal:
                return "optimal"
            if st in (ms.kUnbounded, ms.kUnboundedOrInfeasible):
                # t = 0 with nothing produced, moved or lost is always feasible: so unbounded
                return "unbounded"
            if attempt == 0:
                self._h.clearSolver()
        raise SolverError(f"HiGHS stopped on the time-to-survive program for {what}: {self._h.modelStatusToString(st)}")

    def tts(self, node: int) -> float:
        """Time to survive of ``node`` in months (``inf`` if the network keeps up without it)."""
        mem = (self._y0 + self._members[node]).astype(np.int32)
        what = f"{self.kind} '{self.nodes[node]}'"
        self._ok(
            self._h.changeColsBounds(mem.size, mem, np.zeros(mem.size), np.zeros(mem.size)), "changeColsBounds", what
        )
        try:
            if self._run(what) == "unbounded":
                return math.inf
            x = np.asarray(self._h.getSolution().col_value, dtype=float)
            if x.size != self._n_col or np.abs(x[mem]).max(initial=0.0) > _BOUND_SLACK:
                raise SolverError(f"HiGHS's time-to-survive solution for {what} runs the node it should stop")
            t = float(x[0])
            return t if t > 0 else 0.0
        finally:
            inf = np.full(mem.size, np.inf)
            self._ok(self._h.changeColsBounds(mem.size, mem, np.zeros(mem.size), inf), "changeColsBounds", what)
