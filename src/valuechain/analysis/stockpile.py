r"""Stockpile targets: the least-cost strategic stocks that ride out an export control (:func:`stockpile_targets`).

For each scenario, over the months :math:`t = 1..M` of the control (from its first month), the
operational program of :mod:`valuechain.analysis.resilience` (no new capacity) gets one more
decision per hub :math:`h` of the region: the stock :math:`x_h \ge 0` held when the control
starts. It enters the first month's balance and is carried by the stock variables:

.. math::

    \min \sum_h (p_h + M' c_h)\, x_h + \sum_{t, j} v_j u_{tj}
    \quad\text{s.t. the balances, capacities and shocks of the scenario}, \quad
    u_{tj} \le \hat D_{tj}

where :math:`p_h` is the commodity's value per unit, :math:`c_h` the hub's holding cost per unit
and network period, :math:`M'` the control's length in network periods, and :math:`D^0 - S^0`
the demand to serve: in the region, what the same program serves without the control (the
network's own shortfall is not the stockpile's to cover); elsewhere, the least of that and what
is served under the control without stocks (the region's stocks are not there to cover other
regions' losses). Operating and transport costs are left out, so stocks are bought only where
they save demand. The stocks thus
make time-to-survive at least the control's duration, at least cost; days of cover are
:math:`x_h` divided by the hub's daily use without the control (inputs to processes, exports
and final demand at the hub in the network's baseline).

The stock decision is implemented as a purchase in the first month from a market added at each
hub of the region, priced at :math:`p_h + M' c_h` (the opt engine has no initial-stock decision).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.errors import ScenarioError
from valuechain.network.model import PERIODS

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.scenarios.compiled import ShockArrays

__all__ = ["stockpile_targets"]

_DAYS_PER_MONTH = 365.25 / 12


def _with_stock_markets(network: Network, hubs: pd.DataFrame, price: np.ndarray) -> Network:
    from valuechain.network.model import Network as Net

    tables = dict(network.tables)
    extra = pd.DataFrame(
        {
            "region": hubs["region"].to_numpy(),
            "commodity": hubs["commodity"].to_numpy(),
            "side": "buy",
            "price": price,
            "tier": 99,
        }
    )
    mk = tables.get("markets")
    tables["markets"] = pd.concat([mk, extra], ignore_index=True) if mk is not None and len(mk) else extra
    tables = {k: (v.reset_index() if v.index.name == "id" else v) for k, v in tables.items()}
    return Net.from_frames(
        network.name, tables, year=network.year, period=network.period, units=network.units, check_balance=False
    )


def _control_window(network: Network, name: str, months: int, horizon: int) -> ShockArrays:
    """The scenario compiled monthly from its first shocked month for ``months`` months."""
    from valuechain.scenarios import compile_shocks, named
    from valuechain.sim.simulate import default_periods

    per = default_periods(network, horizon)
    sh = compile_shocks(network, [named(name)], start=per[0], periods=horizon, freq="M", outside="clip")
    hit = np.asarray(
        (sh.route_capacity < 1).any(axis=2) | (sh.process_capacity < 1).any(axis=2) | (sh.demand < 1).any(axis=2)
    )
    when = np.flatnonzero(hit[0])
    t0 = int(when[0]) if when.size else 0
    t1 = min(t0 + months, horizon)
    return replace(
        sh,
        periods=sh.periods[t0:t1],
        process_capacity=sh.process_capacity[:, t0:t1].copy(),
        route_capacity=sh.route_capacity[:, t0:t1].copy(),
        demand=sh.demand[:, t0:t1].copy(),
    )


def stockpile_targets(
    network: Network,
    scenarios: list[str] | None = None,
    *,
    region: str = "EU27",
    months: int = 6,
    horizon: int = 36,
) -> pd.DataFrame:
    """Least-cost stocks at the region's hubs that keep all demand served through each export control.

    Parameters
    ----------
    network
        The network.
    scenarios
        Names from the scenario library (default: every Chinese export-control scenario there).
    region
        Region or group holding the stocks.
    months
        Length of the control to ride out, in months (library controls are open-ended; China's
        graphite licences run six months at a time, public_figures P027).
    horizon
        Months searched from the network's first month for the control's start.

    Returns
    -------
    pandas.DataFrame
        One row per scenario and hub with a stock: ``region``, ``commodity``, ``unit``, ``stock``,
        ``daily_use``, ``days_of_cover``, ``value_tied_up``, ``holding_cost`` (over the control),
        ``months``, ``start``, ``unmet_left`` (value of demand still lost; 0 when the stocks suffice).

    Examples
    --------
    >>> import valuechain as vc
    >>> s = stockpile_targets(vc.load_network("toy-battery"), ["cn-oct2025-controls"], region="DE", months=3)
    >>> float(s["unmet_left"].max())
    0.0
    """
    from valuechain.opt import Study, build, solve
    from valuechain.scenarios import named, names

    if scenarios is None:
        scenarios = [
            n
            for n in names()
            if n.startswith("cn-") and any(type(s).__name__ == "ExportControl" for s in named(n).shocks)
        ]
    members = set(network.members(region))
    hubs = network.hubs.reset_index(drop=True) if network.hubs.index.name else network.hubs
    mine = hubs[hubs["region"].isin(members)].reset_index(drop=True)
    if mine.empty:
        raise ScenarioError(f"region '{region}' has no hubs in network '{network.name}'")
    value = network.commodities["value"].reindex(mine["commodity"]).fillna(0.0).to_numpy(float)
    hold = mine["holding_cost"].to_numpy(float)
    per_period = PERIODS[network.period]
    rows: list[dict[str, Any]] = []
    use = _daily_use(network, mine)
    study = Study(name="stockpile", discount_rate=0.0, stocks=True)
    for name in scenarios:
        sh = _control_window(network, name, months, horizon)
        n_m = len(sh.periods)
        price = value + hold * n_m / per_period
        net = _with_stock_markets(network, mine, np.maximum(price, 1e-6))
        base_sh = type(sh).baseline(net, sh.periods, ["baseline"])
        base_sh.expansion_allowed[:] = False
        sh = replace(sh, expansion_allowed=np.zeros_like(sh.expansion_allowed))
        base = build(net, study, shocks=base_sh)
        nb = base.lp.var_blocks["buy"].size
        base.update_bounds("buy", ub=np.zeros(nb))
        solve(base)
        xb = base.values
        assert xb is not None
        ub = base.lp.var_blocks["unmet"]
        served = base.demand - xb[ub.offset : ub.offset + ub.size].reshape(ub.shape)
        model = build(net, study, shocks=sh)
        buy = model.lp.var_blocks["buy"]
        um = model.lp.var_blocks["unmet"]
        model.update_bounds("buy", ub=np.zeros(buy.size))
        solve(model)
        xa = model.values
        assert xa is not None
        served_a = model.demand - xa[um.offset : um.offset + um.size].reshape(um.shape)
        inside = np.asarray([r in members for r in network.demand["region"]])
        target = np.where(inside[None, None, :], served, np.minimum(served, served_a))
        model.update_demand(np.maximum(target, 0.0))
        for bname, blk in model.lp.var_blocks.items():
            if bname not in ("unmet", "buy"):
                model.update_cost(bname, np.zeros(blk.size))
        cap = np.zeros(buy.shape)
        cap[:, 0, -len(mine) :] = np.inf
        model.update_bounds("buy", ub=cap.ravel())
        model._highs = None  # a fresh solve: the costs changed wholesale
        solve(model)
        x = model.values
        assert x is not None
        stock = x[buy.offset : buy.offset + buy.size].reshape(buy.shape)[0, 0, -len(mine) :]
        lost = (x[um.offset : um.offset + um.size] * model.cost[um.offset : um.offset + um.size]).reshape(um.shape)
        left = float(lost[:, :, inside].sum())
        regs = mine["region"].astype(str).tolist()
        cmds = mine["commodity"].astype(str).tolist()
        for i in np.flatnonzero(stock > 1e-6):
            rows.append(
                {
                    "scenario": name,
                    "hub": f"{regs[i]}:{cmds[i]}",
                    "region": regs[i],
                    "commodity": cmds[i],
                    "unit": str(network.commodities["unit"].get(cmds[i], "")),
                    "stock": float(stock[i]),
                    "daily_use": use[i],
                    "days_of_cover": float(stock[i]) / use[i] if use[i] > 0 else np.inf,
                    "value_tied_up": float(stock[i]) * value[i],
                    "holding_cost": float(stock[i]) * hold[i] * n_m / per_period,
                    "months": n_m,
                    "start": str(sh.periods[0]),
                    "unmet_left": left,
                }
            )
        if not (stock > 1e-6).any():
            rows.append({"scenario": name, "hub": None, "stock": 0.0, "months": n_m, "start": str(sh.periods[0]),
                         "unmet_left": left})  # fmt: skip
    cols = ["scenario", "hub", "region", "commodity", "unit", "stock", "daily_use", "days_of_cover",
            "value_tied_up", "holding_cost", "months", "start", "unmet_left"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def _daily_use(network: Network, mine: pd.DataFrame) -> np.ndarray:
    """Baseline use per day at each of ``mine``'s hubs.

    Process inputs at baseline activity, baseline exports and final demand (the network's own
    baseline, per network period).
    """
    pos = {f"{r}:{c}": i for i, (r, c) in enumerate(zip(mine["region"], mine["commodity"], strict=True))}
    use = np.zeros(len(mine))
    procs = network.processes
    rec = network.recipes[(network.recipes["kind"] == "input") & network.recipes["process"].isin(procs.index)]
    act = dict(zip(procs.index.astype(str), procs["baseline_activity"].fillna(0.0).to_numpy(float), strict=True))
    where = dict(zip(procs.index.astype(str), procs["region"].astype(str), strict=True))
    for p, c, coef in zip(rec["process"], rec["commodity"], rec["coefficient"].to_numpy(float), strict=True):
        i = pos.get(f"{where[str(p)]}:{c}")
        if i is not None:
            use[i] += coef * act[str(p)]
    rt = network.routes
    for o, c, f in zip(rt["origin"], rt["commodity"], rt["baseline_flow"].fillna(0.0).to_numpy(float), strict=True):
        i = pos.get(f"{o}:{c}")
        if i is not None:
            use[i] += f
    dem = network.demand
    for r, c, q in zip(dem["region"], dem["commodity"], dem["quantity"].to_numpy(float), strict=True):
        i = pos.get(f"{r}:{c}")
        if i is not None:
            use[i] += q
    return use / (PERIODS[network.period] * _DAYS_PER_MONTH)
