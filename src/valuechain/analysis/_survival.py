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
from valuechain.opt._highs import new_highs, run

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
    periods
        Horizon in months: demand grows month by month over it, and a node whose outage is
        survived to its end gets ``inf``.
    tol
        Relative allowance on the intact network's lost value :math:`\Lambda`.
    spare_ramp
        Whether a process's capacity above its baseline activity (its spare) comes online over its
        ``ramp_up``: a share ``min(1, k / R)`` of it in the k-th month of the horizon, with ``R``
        the ramp in months, in the intact network and in every outage (see
        :mod:`valuechain.analysis.resilience`). False (the default): all of it at once.

    Attributes
    ----------
    nodes
        Node ids.
    ttr
        Time to recover per node, in months.
    lost
        :math:`\Lambda(m)` for :math:`m = 0..` ``periods``: the least value of demand the intact
        network loses over its first :math:`m` months (currency).

    Examples
    --------
    >>> import valuechain as vc
    >>> from valuechain.analysis import SurvivalLP
    >>> lp = SurvivalLP(vc.load_network("toy-battery"))
    >>> float(lp.lost.max())
    0.0
    >>> lp.tts(int(lp.nodes.get_loc("de-hydromet")))
    inf
    """

    def __init__(
        self,
        network: Network,
        *,
        periods: int = 24,
        start: Any = None,
        kind: str = "process",
        tol: float = 1e-6,
        spare_ramp: bool = False,
    ) -> None:
        import highspy

        from valuechain.opt import Study
        from valuechain.sim.simulate import default_periods

        check("tts_lp", "spare_ramp", spare_ramp, lambda v: isinstance(v, bool), error=ScenarioError,
              expected="True or False")  # fmt: skip
        self.nodes, self._members, self.ttr = _node_sets(network, kind)
        self.network = network
        self.kind = kind
        per_month = 1.0 / PERIODS[network.period]
        hubs = pd.Index(network.hub_ids)
        procs, routes, dem, mk = network.processes, network.routes, network.demand, network.markets
        mk = mk[mk["side"] == "buy"]
        first = default_periods(network, periods, start).start_time
        years = np.asarray(first.year, dtype=float) + (np.asarray(first.month, dtype=float) - 1.0) / 12.0
        base = float(network.year) if network.year is not None else float(years[0])
        growth = (1.0 + dem["growth"].to_numpy(float))[None, :] ** (years[:, None] - base)
        self._rates = per_month * dem["quantity"].to_numpy(float)[None, :] * growth  # (month, demand row)
        rate = self._rates[0]
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
        self._u_rows = (n_row + np.searchsorted(lim, n_p + n_r + n_m + np.arange(n_d))).astype(np.int32)
        rows += [k, k]
        cols += [lim + 1, np.zeros(lim.size, dtype=np.int64)]
        vals += [np.ones(lim.size), -caps[lim]]
        row_lo.append(np.full(lim.size, -np.inf))
        row_hi.append(np.zeros(lim.size))
        # spare capacity online over ramp_up: per month m, row Y_p - (base + spare r_m) t <= spare
        # (C_{m-1} - r_m (m - 1)), r_k = min(1, k / R) the share online in month k and C_m = sum_{k<=m} r_k
        p_lim = lim[lim < n_p]
        spare = caps[p_lim] - per_month * procs["baseline_activity"].to_numpy(float)[p_lim]
        ramp = procs["ramp_up"].to_numpy(float)[p_lim] * PERIODS[network.period]
        on = (spare > 0) & (ramp > 0) & spare_ramp
        self._ramp_rows = (n_row + np.flatnonzero(on)).astype(np.int32)
        self._ramp_base = caps[p_lim][on] - spare[on]
        self._ramp_spare = spare[on]
        self._ramp_months = ramp[on]
        n_row += lim.size
        # lost value: sum_j v_j U_j <= (1 + tol) Lambda(t) (last row; set per month below)
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
        h: Any = new_highs()
        self._h = h
        self._ok(h.passModel(lp), "passModel", "building the time-to-survive program")
        self._n_col = n_col
        self._init = init
        self._d_hub = d_hub
        self._dem_hubs = np.unique(d_hub).astype(np.int32)
        self._value = value
        self._tol = tol
        self.periods = periods

        # Lambda_m: the least value the intact network loses over [0, m] (t fixed at m, min sum_j v_j U_j)
        u_cols = (u0 + np.arange(n_d)).astype(np.int32)
        self._ok(h.changeColsCost(n_d, u_cols, value), "changeColsCost", "intact network")
        self._ok(h.changeRowBounds(self._loss_row, -np.inf, np.inf), "changeRowBounds", "intact network")
        self._cum_rates = np.vstack([np.zeros((1, n_d)), np.cumsum(self._rates, axis=0)])
        self._segment = 0
        self.lost: np.ndarray | None = None
        lost = np.zeros(periods + 1)
        for m in range(1, periods + 1):
            self._use_segment(m)
            self._ok(h.changeColBounds(0, float(m), float(m)), "changeColBounds", "intact network")
            if self._run(f"the intact network over {m} months") != "optimal":
                raise SolverError(f"network '{network.name}': the intact network's program has no optimum")
            lost[m] = max(float(h.getInfo().objective_function_value), 0.0)
        lost[lost < 1e-9 * max(float(np.dot(value, self._cum_rates[-1])), 1.0)] = 0.0
        self.lost = lost
        # the time-to-survive program: max t
        self._ok(h.changeColsCost(n_d, u_cols, np.zeros(n_d)), "changeColsCost", "")
        self._ok(h.changeColCost(0, 1.0), "changeColCost", "")
        self._ok(h.changeObjectiveSense(highspy.ObjSense.kMaximize), "changeObjectiveSense", "")
        self._segment = 0

    def _set_rates(self, d: np.ndarray) -> None:
        """Demand per month ``d`` (per demand row) as the coefficients of t."""
        at_hub = np.bincount(self._d_hub, weights=d, minlength=int(self._init.size))
        for hub in self._dem_hubs.tolist():
            self._ok(self._h.changeCoeff(hub, 0, -float(at_hub[hub])), "changeCoeff", "demand per month")
        for row, dj in zip(self._u_rows.tolist(), d.tolist(), strict=True):
            self._ok(self._h.changeCoeff(row, 0, -dj), "changeCoeff", "demand per month")

    def _use_segment(self, m: int) -> None:
        """Set the program for t in month ``m`` (1-based): cumulative demand and allowance linear in t."""
        if m == self._segment:
            return
        d = self._rates[m - 1]
        offset = self._cum_rates[m - 1] - d * (m - 1)  # cumulative demand = offset + d t on [m - 1, m]
        self._set_rates(d)
        n_h, n_d = self._init.size, d.size
        lo = -self._init + np.bincount(self._d_hub, weights=offset, minlength=n_h)
        self._ok(self._h.changeRowsBounds(n_h, np.arange(n_h, dtype=np.int32), lo, np.full(n_h, np.inf)),
                 "changeRowsBounds", "month")  # fmt: skip
        self._ok(self._h.changeRowsBounds(n_d, self._u_rows, np.full(n_d, -np.inf), offset), "changeRowsBounds", "")
        self._ok(self._h.changeColBounds(0, float(m - 1), float(m)), "changeColBounds", "month")
        if self._ramp_rows.size:
            r_m = np.minimum(1.0, m / self._ramp_months)
            done = np.minimum(1.0, np.arange(1, m)[None, :] / self._ramp_months[:, None]).sum(axis=1)
            for row, coef in zip(self._ramp_rows.tolist(), (self._ramp_base + self._ramp_spare * r_m).tolist(),
                                 strict=True):  # fmt: skip
                self._ok(self._h.changeCoeff(row, 0, -coef), "changeCoeff", "spare capacity online")
            rhs = self._ramp_spare * (done - r_m * (m - 1))
            n = self._ramp_rows.size
            self._ok(self._h.changeRowsBounds(n, self._ramp_rows, np.full(n, -np.inf), rhs), "changeRowsBounds", "")
        self._segment = m
        if self.lost is None:  # computing Lambda itself: no allowance yet
            return
        # allowance: Lambda interpolated linearly over month m
        slope = (self.lost[m] - self.lost[m - 1]) * (1.0 + self._tol)
        allowance = self.lost[m - 1] * (1.0 + self._tol) - slope * (m - 1)
        self._ok(self._h.changeCoeff(self._loss_row, 0, -slope), "changeCoeff", "lost value allowance")
        self._ok(self._h.changeRowBounds(self._loss_row, -np.inf, allowance), "changeRowBounds", "")

    def _ok(self, status: Any, call: str, what: str) -> None:
        if status == self._hs.HighsStatus.kError:
            raise SolverError(f"HiGHS rejected {call} ({what or 'time-to-survive program'})")

    def _run(self, what: str) -> str:
        """Run HiGHS; return 'optimal' or 'infeasible', or raise (after one fresh re-solve without presolve)."""
        ms = self._hs.HighsModelStatus
        found = {ms.kOptimal: "optimal", ms.kInfeasible: "infeasible"}  # t is bounded: never unbounded
        run(self._h, 1, what)  # (through the scheduler's keeper: a bare run would size it behind its back)
        st = self._h.getModelStatus()
        if st not in found:
            # presolve may not tell infeasible from unbounded, and a warm start may stop early:
            # solve again from scratch without presolve
            self._h.clearSolver()
            self._ok(self._h.setOptionValue("presolve", "off"), "setOptionValue", what)
            try:
                run(self._h, 1, what)
            finally:
                self._ok(self._h.setOptionValue("presolve", "choose"), "setOptionValue", what)
            st = self._h.getModelStatus()
        if st not in found:
            raise SolverError(
                f"HiGHS stopped on the time-to-survive program for {what}: {self._h.modelStatusToString(st)}"
            )
        return found[st]

    def tts(self, node: int) -> float:
        """Time to survive of ``node`` in months (``inf`` if the network keeps up without it over the horizon).

        The month holding the answer is found by bisection (feasible times form an interval from
        0), then the program of that month gives it exactly.
        """
        mem = (self._y0 + self._members[node]).astype(np.int32)
        what = f"{self.kind} '{self.nodes[node]}'"
        zero = np.zeros(mem.size)
        self._ok(self._h.changeColsBounds(mem.size, mem, zero, zero), "changeColsBounds", what)
        try:
            lo, hi = 1, self.periods
            known = 0.0  # survived for at least this long
            while lo <= hi:
                m = (lo + hi) // 2
                self._use_segment(m)
                status = self._run(f"{what} in month {m}")
                if status == "infeasible":
                    hi = m - 1
                    continue
                x = np.asarray(self._h.getSolution().col_value, dtype=float)
                if x.size != self._n_col or np.abs(x[mem]).max(initial=0.0) > _BOUND_SLACK:
                    raise SolverError(f"HiGHS's time-to-survive solution for {what} runs the node it should stop")
                t = float(x[0])
                if t < m - 1e-9 * m:
                    return t if t > 0 else 0.0
                if m == self.periods:
                    return math.inf  # survives the whole horizon
                known, lo = float(m), m + 1
            return known
        finally:
            inf = np.full(mem.size, np.inf)
            self._ok(self._h.changeColsBounds(mem.size, mem, zero, inf), "changeColsBounds", what)
