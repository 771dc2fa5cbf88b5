"""Resilience measures from batched simulation runs: time to survive and criticality rankings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from valuechain._params import OneOf, check
from valuechain.errors import ScenarioError
from valuechain.network.model import Network
from valuechain.network.validate import hub_id
from valuechain.scenarios.compiled import ShockArrays
from valuechain.scenarios.sparse import SparseShocks
from valuechain.sim.compile import compile_network
from valuechain.sim.simulate import MODES, check_ramp_depth, default_periods, run_arrays

__all__ = ["criticality", "outage_shocks", "time_to_survive"]


def _hub_cut(network: Network, hub: str) -> tuple[np.ndarray, np.ndarray]:
    """Process and route positions (network row order) that deliver into ``hub``."""
    region, _, com = hub.partition(":")
    rec = network.recipes
    makers = set(rec.loc[(rec["kind"] == "output") & (rec["commodity"] == com), "process"])
    procs = network.processes
    p = np.flatnonzero(
        np.array([pid in makers and procs.at[pid, "region"] == region for pid in procs.index], dtype=bool)
    )
    rt = network.routes
    r = np.flatnonzero([hub_id(d, c) == hub for d, c in zip(rt["destination"], rt["commodity"], strict=True)])
    return p, r


def outage_shocks(
    network: Network,
    targets: list[str],
    durations: list[int] | np.ndarray,
    periods: pd.PeriodIndex,
    *,
    kind: str = "process",
) -> SparseShocks:
    """One scenario per target: a full outage from the first period for the given duration.

    Parameters
    ----------
    network
        The network.
    targets
        Process ids (``kind="process"``) or hub ids (``kind="hub"``). A hub outage stops every
        process in the hub's region that makes its commodity and every route into it; stocks
        held at the hub remain usable.
    durations
        Outage length in periods, one per target.
    periods
        The horizon.
    kind
        'process' or 'hub'.

    Returns
    -------
    SparseShocks
        Scenarios named after the targets, equally likely (``.to_dense()`` for the full arrays).
    """
    parts: list[tuple[np.ndarray, ...]] = []
    for s, (target, d) in enumerate(zip(targets, durations, strict=True)):
        if kind == "process":
            items = [(0, np.array([network.processes.index.get_loc(target)]))]
        else:
            p, r = _hub_cut(network, target)
            items = [(0, np.asarray(p, dtype=np.int64)), (1, np.asarray(r, dtype=np.int64))]
        t = np.arange(min(int(d), len(periods)))
        for k, pos in items:
            tt, ii = np.meshgrid(t, pos, indexing="ij")
            parts.append((np.full(tt.size, s), tt.ravel(), np.full(tt.size, k), ii.ravel()))
    cols = [np.concatenate([q[j] for q in parts]) if parts else np.zeros(0, dtype=np.int64) for j in range(4)]
    return SparseShocks.from_entries(
        network, periods, [str(t) for t in targets],
        scenario=cols[0], period=cols[1], kind=cols[2], item=cols[3], value=np.zeros(len(cols[0])),
    )  # fmt: skip


def _check_targets(network: Network, kind: str, targets: list[str] | None) -> list[str]:
    check("time_to_survive", "kind", kind, OneOf(("process", "hub")), error=ScenarioError)
    pool = [str(x) for x in (network.processes.index if kind == "process" else network.hub_ids)]
    if targets is None:
        return pool
    from valuechain._params import closest

    for t in targets:
        if t not in pool:
            raise ScenarioError(f"unknown {kind} '{t}' in network '{network.name}'" + closest(t, pool))
    return list(targets)


def time_to_survive(
    network: Network,
    targets: list[str] | None = None,
    *,
    kind: str = "process",
    mode: str = "re-sourcing",
    periods: int = 24,
    start: object = None,
    tol: float = 1e-6,
    ramp_depth: int | None = 0,
    spare_ramp: bool = False,
) -> pd.DataFrame:
    """Time to survive: the longest outage from the first period that still serves all demand.

    For each target a full outage of ``d`` periods starting at period 0 is simulated over the whole
    horizon; demand counts as served when no demand row, in no period, misses a larger share of
    its demand than in the baseline run, give or take ``tol``. ``d`` is found by bisection, all targets batched in
    one kernel run per step (so the answer assumes, as bisection does, that a longer outage is
    never easier to survive).

    Parameters
    ----------
    network
        The network.
    targets
        Process or hub ids (default: all of the kind).
    kind
        'process' or 'hub' (see :func:`outage_shocks` for what a hub outage is).
    mode
        Simulation mode, 're-sourcing' (default) or 'pro-rata'.
    periods, start
        The horizon, in months.
    tol
        Tolerance on the share of demand missed.
    ramp_depth
        How far up the chain re-sourcing ramps up spare capacity (see
        :func:`valuechain.sim.simulate`; ``None``: the whole chain, as :func:`valuechain.analysis.tts_lp` does).
    spare_ramp
        Whether spare capacity comes online over each plant's ``ramp_up`` (see
        :func:`valuechain.sim.simulate`); :func:`valuechain.analysis.tts_lp` takes the same option,
        with every ramp started in the outage's first month (so it bounds this one from above).

    Returns
    -------
    pandas.DataFrame
        Indexed by target: ``tts`` (months; ``inf`` when an outage over the whole horizon is
        survived), ``ttr`` (processes: the network's time to recover, in months), ``at_risk``
        (``tts < ttr``).

    Examples
    --------
    >>> import valuechain as vc
    >>> net = vc.load_network("toy-battery")
    >>> tts = time_to_survive(net, ["cn-cam", "de-cam", "de-hydromet"])
    >>> tts["tts"].to_dict()
    {'cn-cam': 0.0, 'de-cam': 3.0, 'de-hydromet': inf}
    >>> time_to_survive(net, ["de-cam"], ramp_depth=None)["tts"].to_dict()  # China's cathode chain ramps up
    {'de-cam': inf}
    >>> time_to_survive(net, ["de-cells"], ramp_depth=None)["tts"].to_dict()  # China's cell plants, at once
    {'de-cells': inf}
    >>> time_to_survive(net, ["de-cells"], ramp_depth=None, spare_ramp=True)["tts"].to_dict()  # over 2-3 months
    {'de-cells': 0.0}
    """
    check("time_to_survive", "mode", mode, OneOf(MODES), error=ScenarioError)
    check_ramp_depth("time_to_survive", ramp_depth)
    check("time_to_survive", "spare_ramp", spare_ramp, lambda v: isinstance(v, bool), error=ScenarioError,
          expected="True or False")  # fmt: skip
    names = _check_targets(network, kind, targets)
    per = default_periods(network, periods, start)
    arr = compile_network(network, 1)
    base = run_arrays(
        arr, network, ShockArrays.baseline(network, per, ["baseline"]), mode=mode, ramp_depth=ramp_depth,
        spare_ramp=spare_ramp,
    )  # fmt: skip
    base_worst = float(base.totals["max_shortfall_share"].iloc[0])

    def survives(idx: np.ndarray, dur: np.ndarray) -> np.ndarray:
        sh = outage_shocks(network, [names[i] for i in idx], dur, per, kind=kind)
        res = run_arrays(arr, network, sh, mode=mode, ramp_depth=ramp_depth, spare_ramp=spare_ramp)
        worst = res.totals["max_shortfall_share"].to_numpy()
        return np.asarray(worst <= base_worst + tol)

    n = len(names)
    lo = np.zeros(n, dtype=np.int64)  # survives (no outage)
    hi = np.full(n, periods, dtype=np.int64)
    full_ok = survives(np.arange(n), hi) if n else np.zeros(0, dtype=bool)
    open_ = ~full_ok
    while True:
        idx = np.flatnonzero(open_ & (hi - lo > 1))
        if not len(idx):
            break
        mid = (lo[idx] + hi[idx]) // 2
        ok = survives(idx, mid)
        lo[idx[ok]] = mid[ok]
        hi[idx[~ok]] = mid[~ok]
    tts = np.where(full_ok, np.inf, lo.astype(float))
    out = pd.DataFrame({"kind": kind, "tts": tts}, index=pd.Index(names, name=kind))
    if kind == "process":
        ttr = pd.Series(arr.process_ttr, index=arr.processes)
        out["ttr"] = ttr.loc[names].to_numpy()
        out["at_risk"] = out["tts"] < out["ttr"]
    return out


def criticality(
    network: Network,
    *,
    periods: int = 24,
    start: object = None,
    mode: str = "pro-rata",
    chunk_size: int | None = None,
    substitution: bool = True,
    chemistry_switching: bool = True,
) -> pd.DataFrame:
    """Rank processes by the value lost when each is knocked out for the whole horizon.

    Every process is shut down in turn (one scenario per process, all run in one batched
    kernel call) and the runs are ranked by lost value.

    Parameters
    ----------
    network
        The network.
    periods, start
        The horizon, in months.
    mode
        Simulation mode.
    chunk_size
        Scenarios per kernel call (default: automatic).
    substitution
        Whether re-sourcing may run processes on the material alternatives of their inputs.
    chemistry_switching
        Whether re-sourcing may run processes on cells of another chemistry.

    Returns
    -------
    pandas.DataFrame
        Indexed by process, most critical first: ``rank``, ``region``, ``lost_value``,
        ``lost_cells_gwh``, ``shortfall_periods``, ``share`` (of the largest lost value).

    Examples
    --------
    >>> import valuechain as vc
    >>> crit = criticality(vc.load_network("toy-battery"), periods=12)
    >>> crit.index[:3].tolist()
    ['cn-aam', 'au-mine', 'cn-refinery']
    """
    check("criticality", "mode", mode, OneOf(MODES), error=ScenarioError)
    per = default_periods(network, periods, start)
    names = [str(p) for p in network.processes.index]
    sh = outage_shocks(network, names, [periods] * len(names), per)
    arr = compile_network(network, 1)
    res = run_arrays(
        arr, network, sh, mode=mode, chunk_size=chunk_size, substitution=substitution,
        chemistry_switching=chemistry_switching,
    )  # fmt: skip
    t = res.totals.drop(columns="probability")
    t.index = t.index.rename("process")
    t.insert(0, "region", network.processes["region"].loc[t.index].to_numpy())
    t = t.reset_index().sort_values(["lost_value", "lost_cells_gwh", "process"], ascending=[False, False, True])
    t = t.set_index("process")
    top = float(t["lost_value"].max()) if len(t) else 0.0
    t["share"] = t["lost_value"] / top if top > 0 else 0.0
    t.insert(0, "rank", np.arange(1, len(t) + 1))
    return t
