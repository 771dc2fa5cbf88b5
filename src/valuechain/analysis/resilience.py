r"""Time-to-recover impact, time-to-survive and the risk exposure index as linear programs.

After Simchi-Levi et al. (2015, "Identifying risks and mitigating disruptions in the automotive
supply chain", *Interfaces* 45(5); 2018, "Stress testing the supply chain"). Time is in months
throughout; quantities are in each commodity's unit, values in the network's currency.

**Time to recover (TTR) impact.** The operational program of :func:`valuechain.opt.build` over
monthly periods :math:`\tau = 1..T`, one scenario, no new capacity (expansions are switched off),
stocks carried between periods from the hubs' initial stocks, and the costs of everything but lost
demand weighted by :math:`\varepsilon` (1 by default: the value of lost demand dwarfs operating and
transport costs in the bundled networks, and a tiny weight makes HiGHS's re-solves fragile):

.. math::

    L(n, d) = \min \sum_{\tau, j} v_j\, u_{\tau j} + \varepsilon\, c^\top x
    \quad \text{s.t.}\quad
    \text{balance}_{\tau h}:\ \sum_p a_{hp} y_{\tau p} + \sum_{r \to h} f_{\tau r}
    - \sum_{r \leftarrow h} f_{\tau r} + b_{\tau h} + s_{\tau-1,h} - s_{\tau h} + u_{\tau h} \ge D_{\tau h}

    0 \le y_{\tau p} \le k\, cap_p\, \mu_{\tau p}(n, d), \quad 0 \le f_{\tau r} \le k\, cap_r, \quad
    0 \le u_{\tau j} \le D_{\tau j}, \quad s_{0h} = s^{init}_h

where :math:`y` are process activities, :math:`f` route flows, :math:`b` market purchases,
:math:`s` stocks and :math:`u` unmet demand (value :math:`v_j` per unit, the network's
``value_of_lost_demand``); :math:`\mu_{\tau p}(n, d) = 0` for the processes of disrupted node
:math:`n` during the first :math:`\lfloor d \rfloor` months (and :math:`1 - (d - \lfloor d
\rfloor)` in the next one), 1 otherwise. A capacity of ``inf`` (no limit, the schema's default)
times a multiplier of 0 is a bound of 0; times a positive multiplier it stays ``inf``. The
optimiser re-allocates flows, stocks and spare capacity freely, so the answers are the best any
sourcing policy can do.

* **Performance impact** of node :math:`n`: :math:`I_n = L(n, TTR_n) - L_0` (currency), the extra
  value of demand lost when :math:`n` is down for its time to recover (``processes.ttr``, in
  network periods, converted to months), over the baseline's :math:`L_0 = L(\cdot, 0)`; the units
  lost are :math:`\sum_{\tau, j} u_{\tau j}(n, TTR_n) - u_{\tau j}(\cdot, 0)`.
* **Risk exposure index**: :math:`REI_n = I_n / \max_m I_m` (dimensionless, in [0, 1]).

**Time to survive (TTS)** is the longest time :math:`t` (months, a real number) for which the
network, with node :math:`n` down from time 0, loses no more demand value over :math:`[0, t]` than
the intact network does. Every quantity is cumulative over :math:`[0, t]`, capacities are rates per
month times :math:`t`, and demand over :math:`[0, t]` is linear in :math:`t` within each month, so
for :math:`t` in month :math:`m` (:math:`m - 1 \le t \le m`) the program is linear in the decision
variable :math:`t`:

.. math::

    TTS_n = \max t \quad \text{s.t.} \quad m - 1 \le t \le m,

    \sum_p a_{hp} Y_p + \sum_{r \to h} F_r - \sum_{r \leftarrow h} F_r + \sum_{m' \in h} B_{m'}
    + \sum_{j \in h} U_j \ \ge\ \sum_{j \in h} \big(C_{j,m-1} + \bar d_{jm} (t - m + 1)\big)
    - s^{init}_h \qquad \text{(every hub } h)

    Y_p \le \bar c_p\, t, \quad F_r \le \bar c_r\, t, \quad B_{m'} \le \bar c_{m'}\, t, \quad
    U_j \le C_{j,m-1} + \bar d_{jm} (t - m + 1)

    \sum_j v_j U_j \le (1 + tol)\big(\Lambda_{m-1} + (\Lambda_m - \Lambda_{m-1})(t - m + 1)\big),
    \qquad Y_p = 0 \ (p \in n), \qquad Y, F, B, U \ge 0

with :math:`Y_p` the activity of process :math:`p`, :math:`F_r` the flow on route :math:`r`,
:math:`B_{m'}` the purchases from market :math:`m'` and :math:`U_j` the demand of row :math:`j`
left unserved, all over :math:`[0, t]`; :math:`\bar c` capacities per month (rows only for
finite ones), :math:`\bar d_{jm}` the demand of row :math:`j` per month in month :math:`m` (growth
applied month by month), :math:`C_{jm} = \sum_{k \le m} \bar d_{jk}` and :math:`a_{hp}` the recipe
coefficients (outputs positive, inputs negative). :math:`\Lambda_m` is the least value the intact
network loses over its first :math:`m` months (the same rows with :math:`t = m`, no node down,
minimising :math:`\sum_j v_j U_j`); it is 0 when the intact network serves all demand, as in
Simchi-Levi et al., and lets a network that cannot serve everything be measured against itself.
The month holding :math:`TTS_n` is found by bisection (the times survived form an interval from
0), and its program gives :math:`TTS_n` exactly; :math:`TTS_n = \infty` when the outage is
survived to the end of the horizon. Routes deliver without lead time and stocks may be drawn at
any time in :math:`[0, t]`, so the program is a relaxation of any time-stepped operation: the
simulator's time to survive, in whole periods, is never longer.

With ``spare_ramp`` a process's capacity above its baseline activity :math:`\bar b_p` comes online
over its ramp :math:`R_p` (months): :math:`Y_p \le \bar b_p t + (\bar c_p - \bar b_p)\,G_p(t)`,
:math:`G_p` the integral of the share online, :math:`\min(1, k / R_p)` in month :math:`k`, which is
linear in each month. The ramp runs from the horizon's first month, in the intact network too; the
simulator's ramp starts in the first month a plant runs above plan, so the program still bounds it.
With demand growth, a slower ramp also costs the intact network, whose loss is the allowance, so a
time to survive can then lengthen; with demand held, ramps only shorten it.

Each TTR evaluation changes the activity bounds in place and re-solves warm
(:meth:`Model.update_bounds <valuechain.opt.Model.update_bounds>`); each TTS evaluation changes
the bounds of the node's :math:`Y_p` in one HiGHS program built from the network's tables. Every
solve is checked: a result that is not optimal, or a solution that breaks the bounds just set, is
a :class:`~valuechain.errors.SolverError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.analysis._survival import _BOUND_SLACK, SurvivalLP, _node_sets
from valuechain.errors import ScenarioError, SolverError

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.opt import Model

__all__ = [
    "OperationsLP",
    "SurvivalLP",
    "impact_table",
    "position",
    "risk_exposure_index",
    "scaled_bounds",
    "ttr_impact",
    "tts_lp",
]


def scaled_bounds(ub: np.ndarray, mult: np.ndarray) -> np.ndarray:
    """Upper bounds ``ub`` times multipliers ``mult`` >= 0, where an unlimited bound times 0 is 0.

    Examples
    --------
    >>> scaled_bounds(np.array([np.inf, np.inf, 4.0]), np.array([0.0, 0.5, 0.5])).tolist()
    [0.0, inf, 2.0]
    """
    ub, mult = np.broadcast_arrays(np.asarray(ub, dtype=float), np.asarray(mult, dtype=float))
    out = np.zeros(ub.shape)
    on = mult > 0
    out[on] = ub[on] * mult[on]
    return out


class OperationsLP:
    """The operational program of the module docstring, built once and re-solved per disruption.

    Parameters
    ----------
    network
        The network.
    periods
        Horizon in months.
    start
        First month (default: January after the network's base year).
    kind
        'process' (one node per process) or 'stage' (one node per region and output commodity:
        every process of that country-stage).
    eps
        Weight of the costs other than lost demand.

    Attributes
    ----------
    nodes
        Node ids.
    ttr
        Time to recover per node, in months.
    baseline, baseline_units
        :math:`L_0` (currency) and the units of each demand row left unserved over the horizon
        without any outage.
    """

    def __init__(
        self, network: Network, *, periods: int = 12, start: Any = None, kind: str = "process", eps: float = 1.0
    ) -> None:
        from valuechain.opt import Study, build
        from valuechain.scenarios.compiled import ShockArrays
        from valuechain.sim.simulate import default_periods

        self.nodes, self._members, self.ttr = _node_sets(network, kind)
        self.network = network
        self.kind = kind
        per = default_periods(network, periods, start)
        sh = ShockArrays.baseline(network, per, ["disruption"])
        sh.expansion_allowed[:] = False
        self.model: Model = build(network, Study(name="operations", discount_rate=0.0, stocks=True), shocks=sh)
        m = self.model
        unmet = m.lp.var_blocks["unmet"]
        if eps != 1.0:
            for name, blk in m.lp.var_blocks.items():
                if name != "unmet":
                    m.update_cost(name, m.cost[blk.offset : blk.offset + blk.size] * eps)
        self._unmet = unmet
        self._value = m.cost[unmet.offset : unmet.offset + unmet.size].copy()
        act = m.lp.var_blocks["activity"]
        self._act = act
        self._ub = m.col_ub[act.offset : act.offset + act.size].reshape(act.shape).copy()
        self.periods = periods
        self._base_act: np.ndarray | None = None
        self.baseline, self.baseline_units = self.impact(-1, 0.0)
        x = self.model.values
        assert x is not None
        self._base_act = x[act.offset : act.offset + act.size].reshape(act.shape).copy()

    def lost(self, node: int, months: float) -> float:
        """Lost demand value :math:`L(n, d)` with node ``node`` down ``months`` months (node -1: none)."""
        return self.impact(node, months)[0]

    def impact(self, node: int, months: float) -> tuple[float, np.ndarray]:
        """Lost demand with node ``node`` down ``months`` months (node -1: none).

        Returns
        -------
        tuple of float and numpy.ndarray
            :math:`L(n, d)` in currency, and the units left unserved per demand row (in the
            order of ``network.demand``), summed over the horizon.

        Raises
        ------
        SolverError
            HiGHS did not prove an optimum, or its solution breaks the bounds of the outage
            (the solver did not take the new bounds).
        """
        from valuechain.opt import solve

        mult = np.ones(self._ub.shape[1])
        full = math.floor(months + 1e-9)
        mult[: min(full, mult.size)] = 0.0
        if full < mult.size and months - full > 1e-9:
            mult[full] = 1.0 - (months - full)
        if node >= 0 and self._base_act is not None:
            hit = mult < 1.0
            if not (self._base_act[:, hit][:, :, self._members[node]] > 1e-9).any():
                # the baseline optimum does not use the node while it is down: it stays optimal
                return self.baseline, self.baseline_units.copy()
        ub = self._ub.copy()
        if node >= 0:
            mem = self._members[node]
            ub[:, :, mem] = scaled_bounds(ub[:, :, mem], mult[None, :, None])
        if np.isnan(ub).any():  # cannot happen with scaled_bounds; never hand HiGHS a NaN bound
            raise SolverError(f"NaN activity bound for {self._label(node)}")
        self.model.update_bounds("activity", ub=ub.ravel())
        result = solve(self.model, allow_nonoptimal=True)
        if result.termination.value != "optimal":
            # a warm re-solve of a modified model can stop early (status unknown or a spurious
            # 'unbounded'); the program is bounded (costs >= 0), so solve it again from scratch,
            # which raises SolverError unless it proves an optimum
            self.model._highs = None
            solve(self.model)
        x = self.model.values
        if x is None:
            raise SolverError(f"HiGHS returned no solution for {self._label(node)}")
        act = x[self._act.offset : self._act.offset + self._act.size].reshape(self._act.shape)
        over = float(np.max(act - ub, initial=0.0))
        if over > _BOUND_SLACK * max(1.0, float(np.max(np.abs(act), initial=0.0))):
            raise SolverError(
                f"HiGHS's solution for {self._label(node)} runs a process {over:.6g} above the bound of the "
                "outage: the solver did not take the new bounds"
            )
        u = x[self._unmet.offset : self._unmet.offset + self._unmet.size]
        units = u.reshape(self._unmet.shape).sum(axis=(0, 1))
        return float(np.dot(u, self._value)), units

    def _label(self, node: int) -> str:
        return "the baseline" if node < 0 else f"an outage of {self.kind} '{self.nodes[node]}'"

    def survives(self, node: int, months: float, tol: float) -> bool:
        """Whether node ``node`` down ``months`` months loses no more than the baseline (+ ``tol`` relative)."""
        return self.lost(node, months) <= self.baseline + tol * max(abs(self.baseline), self._scale())

    def _scale(self) -> float:
        return float(self._value.max()) if self._value.size else 1.0


def _nodes(lp: OperationsLP | SurvivalLP, targets: list[str] | None) -> list[int]:
    if targets is None:
        return list(range(len(lp.nodes)))
    from valuechain._params import closest

    out = []
    for t in targets:
        if t not in lp.nodes:
            raise ScenarioError(
                f"unknown {lp.kind} '{t}' in network '{lp.network.name}'" + closest(t, map(str, lp.nodes))
            )
        out.append(position(lp.nodes, t))
    return out


def position(nodes: pd.Index, name: str) -> int:
    """Position of node ``name`` in ``nodes`` (-1 when absent)."""
    return int(nodes.get_indexer(pd.Index([name]))[0])


def _units(network: Network) -> str:
    """The unit of the demand's commodities, or 'mixed: a, b' when they differ."""
    com = network.commodities
    units = sorted({str(com.at[c, "unit"]) for c in network.demand["commodity"] if c in com.index})
    return units[0] if len(units) == 1 else "mixed: " + ", ".join(units)


def impact_table(
    op: OperationsLP, idx: list[int] | None = None, *, progress: Callable[[], None] | None = None
) -> pd.DataFrame:
    """Performance impact of the nodes at positions ``idx`` of ``op`` (default all), with the REI.

    Parameters
    ----------
    op
        The operational program.
    idx
        Node positions in ``op.nodes``.
    progress
        Called once after each node (e.g. to advance a progress bar).

    Returns
    -------
    pandas.DataFrame
        As :func:`ttr_impact`.
    """
    idx = list(range(len(op.nodes))) if idx is None else idx
    net = op.network
    total = float(np.dot(op.model.demand.ravel(), op._value))
    lost = np.zeros(len(idx))
    units = np.zeros((len(idx), len(op.baseline_units)))
    for i, node in enumerate(idx):
        value, u = op.impact(node, float(op.ttr[node]))
        lost[i] = max(value - op.baseline, 0.0)
        units[i] = np.maximum(u - op.baseline_units, 0.0)
        if progress is not None:
            progress()
    small = lost < 1e-9 * max(op._scale(), 1.0)
    lost[small] = 0.0
    units[small] = 0.0
    out = pd.DataFrame(
        {
            "ttr": op.ttr[idx],
            "lost_units": units.sum(axis=1),
            "lost_value": lost,
            "lost_share": lost / total if total > 0 else 0.0,
        },
        index=op.nodes[idx],
    )
    coms = pd.Index(net.demand["commodity"].astype(str))
    if coms.nunique() > 1:
        for c in coms.unique():
            out[f"lost_units:{c}"] = units[:, np.asarray(coms == c)].sum(axis=1)
    out = risk_exposure_index(out)
    out.attrs["units"] = {
        "ttr": "months",
        "lost_units": _units(net),
        "lost_value": net.units.get("currency", "currency"),
        "lost_share": "share of the value of all demand over the horizon",
        "rei": "share of the largest lost value",
    }
    return out


def ttr_impact(
    network: Network, targets: list[str] | None = None, *, periods: int = 12, start: Any = None, kind: str = "process"
) -> pd.DataFrame:
    """Performance impact of each node down for its time to recover, with the best re-allocation.

    Parameters
    ----------
    network
        The network.
    targets
        Node ids (process ids, or ``REGION:commodity`` stages for ``kind="stage"``); default all.
    periods, start
        Horizon in months (should exceed the longest time to recover).
    kind
        'process' or 'stage'.

    Returns
    -------
    pandas.DataFrame
        Indexed by node, most exposed first: ``ttr`` (months), ``lost_units`` (units of demand lost
        beyond the baseline over the horizon, summed over demand rows in their commodities' units),
        ``lost_value`` (currency: value of that demand), ``lost_share`` (of the value of all
        demand over the horizon), ``rei`` (``lost_value`` over the largest ``lost_value``) and,
        when demand covers several commodities, ``lost_units:<commodity>`` per commodity.
        ``attrs["units"]`` names the unit of each column.

    Examples
    --------
    >>> import valuechain as vc
    >>> t = ttr_impact(vc.load_network("toy-battery"), ["cn-cam", "de-hydromet"])
    >>> float(t.loc["de-hydromet", "lost_value"])
    0.0
    >>> bool(t.loc["cn-cam", "rei"] == 1.0)
    True
    >>> t.attrs["units"]["lost_units"]
    'GWh'
    """
    op = OperationsLP(network, periods=periods, start=start, kind=kind)
    return impact_table(op, _nodes(op, targets))


def risk_exposure_index(impact: pd.DataFrame, column: str = "lost_value") -> pd.DataFrame:
    """Add ``rei`` = impact / worst impact (0 everywhere when nothing is lost), sorted worst first.

    The index is dimensionless, in [0, 1]; ``column`` holds the impact (by default the value of
    demand lost, in currency).

    Examples
    --------
    >>> risk_exposure_index(pd.DataFrame({"lost_value": [2.0, 8.0, 0.0]}, index=["a", "b", "c"]))["rei"].tolist()
    [1.0, 0.25, 0.0]
    """
    out = impact.copy()
    worst = float(out[column].max()) if len(out) else 0.0
    out["rei"] = out[column] / worst if worst > 0 else 0.0
    return out.sort_values(["rei", column], ascending=False, kind="stable")


def tts_lp(
    network: Network,
    targets: list[str] | None = None,
    *,
    periods: int = 24,
    start: Any = None,
    kind: str = "process",
    tol: float = 1e-6,
    with_impact: bool = True,
    spare_ramp: bool = False,
) -> pd.DataFrame:
    """Time to survive by linear programming: the longest time, in months, losing no more than intact.

    Parameters
    ----------
    network
        The network.
    targets
        Node ids (default all).
    periods
        Horizon in months, of the time to survive and of the TTR impact.
    start
        First month (default: January after the network's base year); outages start in it.
    kind
        'process' or 'stage'.
    tol
        Allowance on the intact network's lost value, relative.
    with_impact
        Also compute the TTR impact and the risk exposure index (:func:`ttr_impact`).
    spare_ramp
        Spare capacity comes online over each process's ``ramp_up``, from the first month of the
        horizon (see :class:`SurvivalLP`); False (the default): at once.

    Returns
    -------
    pandas.DataFrame
        Indexed by node: ``tts`` (months, a real number; ``inf`` when the outage is survived to
        the end of the horizon), ``ttr`` (months), ``at_risk`` (``tts < ttr``) and, with ``with_impact``,
        the columns of :func:`ttr_impact`.

    Examples
    --------
    >>> import valuechain as vc
    >>> tts_lp(vc.load_network("toy-battery"), ["cn-cam", "de-cam", "de-hydromet"])["tts"].round(3).to_dict()
    {'cn-cam': 0.0, 'de-cam': inf, 'de-hydromet': inf}

    The simulator's re-sourcing survives a German cathode outage for 3 months only; the program
    re-routes Chinese cathode to the German cell plant for the whole horizon.
    """
    lp = SurvivalLP(network, periods=periods, start=start, kind=kind, tol=tol, spare_ramp=spare_ramp)
    idx = _nodes(lp, targets)
    tts = np.asarray([lp.tts(i) for i in idx])
    out = pd.DataFrame({"tts": tts, "ttr": lp.ttr[idx]}, index=lp.nodes[idx])
    out["at_risk"] = out["tts"] < out["ttr"]
    if with_impact:
        impact = ttr_impact(network, targets, periods=periods, start=start, kind=kind)
        out = out.join(impact.drop(columns="ttr")).loc[out.index]
        out.attrs["units"] = {"tts": "months", **impact.attrs["units"]}
    else:
        out.attrs["units"] = {"tts": "months", "ttr": "months"}
    return out
