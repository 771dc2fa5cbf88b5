r"""Time-to-recover impact, time-to-survive and the risk exposure index as linear programs.

After Simchi-Levi et al. (2015, "Identifying risks and mitigating disruptions in the automotive
supply chain", *Interfaces* 45(5); 2018, "Stress testing the supply chain"). One formulation
serves all three: the operational program of :func:`valuechain.opt.build` over monthly periods
:math:`t = 1..T`, one scenario, no new capacity (expansions are switched off), stocks carried
between periods from the hubs' initial stocks, and the costs of everything but lost demand
weighted by :math:`\varepsilon` (1 by default: the value of lost demand dwarfs operating and
transport costs in the bundled networks, and a tiny weight makes HiGHS's re-solves fragile):

.. math::

    L(n, d) = \min \sum_{t, j} v_j\, u_{tj} + \varepsilon\, c^\top x
    \quad \text{s.t.}\quad
    \text{balance}_{th}:\ \sum_p a_{hp} y_{tp} + \sum_{r \to h} f_{tr} - \sum_{r \leftarrow h} f_{tr}
    + b_{th} + s_{t-1,h} - s_{th} + u_{th} \ge D_{th}

    0 \le y_{tp} \le k\, cap_p\, \mu_{tp}(n, d), \quad 0 \le f_{tr} \le k\, cap_r, \quad
    0 \le u_{tj} \le D_{tj}, \quad s_{0h} = s^{init}_h

where :math:`y` are process activities, :math:`f` route flows, :math:`b` market purchases,
:math:`s` stocks and :math:`u` unmet demand (value :math:`v_j` per unit, the network's
``value_of_lost_demand``); :math:`\mu_{tp}(n, d) = 0` for the processes of disrupted node
:math:`n` during the first :math:`\lfloor d \rfloor` months (and :math:`1 - (d - \lfloor d
\rfloor)` in the next one), 1 otherwise. The optimiser re-allocates flows, stocks and spare
capacity freely, so the answers are the best any sourcing policy can do.

* **Performance impact** of node :math:`n` (TTR analysis): :math:`I_n = L(n, TTR_n) - L_0`,
  the extra value of demand lost when :math:`n` is down for its time to recover
  (``processes.ttr``, in network periods, converted to months), over the baseline's
  :math:`L_0 = L(\cdot, 0)`.
* **Risk exposure index**: :math:`REI_n = I_n / \max_m I_m`.
* **Time to survive** (TTS): :math:`\max \{d : L(n, d) \le L_0 + tol\}`, found by bisection over
  :math:`d \in [0, T]` on the monotone feasibility check (a longer outage is never easier); ``inf``
  when an outage over the whole horizon loses nothing.

Each evaluation changes the activity bounds in place and re-solves warm (:meth:`Model.update_bounds`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain._params import OneOf, check
from valuechain.errors import ScenarioError
from valuechain.network.model import PERIODS

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.opt import Model

__all__ = ["OperationsLP", "risk_exposure_index", "ttr_impact", "tts_lp"]


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
    """

    def __init__(
        self, network: Network, *, periods: int = 12, start: Any = None, kind: str = "process", eps: float = 1.0
    ) -> None:
        from valuechain.opt import Study, build
        from valuechain.scenarios.compiled import ShockArrays
        from valuechain.sim.simulate import default_periods

        check("OperationsLP", "kind", kind, OneOf(("process", "stage")), error=ScenarioError)
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
        self._unmet = (unmet.offset, unmet.size)
        self._value = m.cost[unmet.offset : unmet.offset + unmet.size].copy()
        act = m.lp.var_blocks["activity"]
        self._act = act
        self._ub = m.col_ub[act.offset : act.offset + act.size].reshape(act.shape).copy()
        self.periods = periods
        procs = network.processes
        if kind == "process":
            self.nodes = pd.Index(procs.index.astype(object), name="process")
            self._members = [np.array([i]) for i in range(len(procs))]
            ttr = procs["ttr"].to_numpy(float)
        else:
            rec = network.recipes[network.recipes["kind"] == "output"]
            first = rec.drop_duplicates("process").set_index("process")["commodity"]
            label = [f"{r}:{first.get(p, '-')}" for p, r in zip(procs.index, procs["region"], strict=True)]
            codes, uniq = pd.factorize(pd.Index(label))
            self.nodes = pd.Index(list(uniq), name="stage", dtype=object)
            self._members = [np.flatnonzero(codes == i) for i in range(len(uniq))]
            ttr = np.asarray([procs["ttr"].to_numpy(float)[mem].max() for mem in self._members])
        self.ttr = ttr * PERIODS[network.period]  # months
        self._base_act: np.ndarray | None = None
        self.baseline = self.lost(-1, 0.0)
        x = self.model.values
        assert x is not None
        self._base_act = x[act.offset : act.offset + act.size].reshape(act.shape).copy()

    def lost(self, node: int, months: float) -> float:
        """Lost demand value :math:`L(n, d)` with node ``node`` down ``months`` months (node -1: none)."""
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
                return self.baseline
        ub = self._ub.copy()
        if node >= 0:
            ub[:, :, self._members[node]] *= mult[None, :, None]
        self.model.update_bounds("activity", ub=ub.ravel())
        result = solve(self.model, allow_nonoptimal=True)
        if result.termination.value != "optimal":
            # a warm re-solve of a modified model can stop early (status unknown or a spurious
            # 'unbounded'); the program is bounded (costs >= 0), so solve it again from scratch
            self.model._highs = None
            solve(self.model)
        x = self.model.values
        assert x is not None
        off, n = self._unmet
        return float(np.dot(x[off : off + n], self._value))

    def survives(self, node: int, months: float, tol: float) -> bool:
        """Whether node ``node`` down ``months`` months loses no more than the baseline (+ ``tol`` relative)."""
        return self.lost(node, months) <= self.baseline + tol * max(abs(self.baseline), self._scale())

    def _scale(self) -> float:
        return float(self._value.max()) if self._value.size else 1.0

    def tts(self, node: int, *, tol: float = 1e-6) -> float:
        """Time to survive of ``node`` in months (``inf`` if the whole horizon is survived)."""
        if self.survives(node, float(self.periods), tol):
            return math.inf
        lo, hi = 0, self.periods
        if not self.survives(node, 1.0, tol):
            return 0.0
        lo = 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.survives(node, float(mid), tol):
                lo = mid
            else:
                hi = mid
        return float(lo)


def _nodes(op: OperationsLP, targets: list[str] | None) -> list[int]:
    if targets is None:
        return list(range(len(op.nodes)))
    from valuechain._params import closest

    out = []
    for t in targets:
        if t not in op.nodes:
            raise ScenarioError(
                f"unknown {op.kind} '{t}' in network '{op.network.name}'" + closest(t, map(str, op.nodes))
            )
        out.append(int(op.nodes.get_loc(t)))
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
        Indexed by node: ``ttr`` (months), ``lost_value`` (value of demand lost beyond the
        baseline), ``lost_share`` (of the value of all demand over the horizon), ``rei``.

    Examples
    --------
    >>> import valuechain as vc
    >>> t = ttr_impact(vc.load_network("toy-battery"), ["cn-cam", "de-hydromet"])
    >>> float(t.loc["de-hydromet", "lost_value"])
    0.0
    >>> bool(t.loc["cn-cam", "rei"] == 1.0)
    True
    """
    op = OperationsLP(network, periods=periods, start=start, kind=kind)
    idx = _nodes(op, targets)
    total = float(np.dot(op.model.demand.ravel(), op._value))
    lost = np.asarray([max(op.lost(i, float(op.ttr[i])) - op.baseline, 0.0) for i in idx])
    lost[lost < 1e-9 * max(op._scale(), 1.0)] = 0.0
    out = pd.DataFrame(
        {"ttr": op.ttr[idx], "lost_value": lost, "lost_share": lost / total if total > 0 else 0.0},
        index=op.nodes[idx],
    )
    return risk_exposure_index(out)


def risk_exposure_index(impact: pd.DataFrame, column: str = "lost_value") -> pd.DataFrame:
    """Add ``rei`` = impact / worst impact (0 everywhere when nothing is lost), sorted worst first.

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
) -> pd.DataFrame:
    """Time to survive by linear programming: the longest outage that loses no demand.

    Parameters
    ----------
    network
        The network.
    targets
        Node ids (default all).
    periods, start
        Horizon in months; outages start in the first month.
    kind
        'process' or 'stage'.
    tol
        Tolerance on lost value, relative to the baseline's lost value (or to the largest value of
        lost demand per unit when the baseline loses nothing).
    with_impact
        Also compute the TTR impact and the risk exposure index on the same program.

    Returns
    -------
    pandas.DataFrame
        Indexed by node: ``tts`` (months, ``inf`` if the horizon is survived), ``ttr`` (months),
        ``at_risk`` (``tts < ttr``) and, with ``with_impact``, ``lost_value``, ``lost_share``, ``rei``.

    Examples
    --------
    >>> import valuechain as vc
    >>> tts_lp(vc.load_network("toy-battery"), ["cn-cam", "de-cam", "de-hydromet"])["tts"].to_dict()
    {'cn-cam': 0.0, 'de-cam': inf, 'de-hydromet': inf}

    The simulator's re-sourcing survives a German cathode outage for 3 months only; the program
    re-routes Chinese cathode to the German cell plant for the whole horizon.
    """
    op = OperationsLP(network, periods=periods, start=start, kind=kind)
    idx = _nodes(op, targets)
    tts = np.asarray([op.tts(i, tol=tol) for i in idx])
    out = pd.DataFrame({"tts": tts, "ttr": op.ttr[idx]}, index=op.nodes[idx])
    out["at_risk"] = out["tts"] < out["ttr"]
    if with_impact:
        total = float(np.dot(op.model.demand.ravel(), op._value))
        lost = np.asarray([max(op.lost(i, float(op.ttr[i])) - op.baseline, 0.0) for i in idx])
        lost[lost < 1e-9 * max(op._scale(), 1.0)] = 0.0
        out["lost_value"] = lost
        out["lost_share"] = lost / total if total > 0 else 0.0
        out = risk_exposure_index(out).loc[out.index]
    return out
