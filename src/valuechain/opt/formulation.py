"""Build the planning model of a network and a study: variables, rows, costs (:func:`build`)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.errors import StudyError
from valuechain.network.model import PERIODS
from valuechain.network.stocks import stock_policy
from valuechain.network.validate import hub_id
from valuechain.opt._annuity import crf
from valuechain.opt._lp import INF, Block, LinearProgram, _loc, scale_capacity
from valuechain.opt._recourse import add_substitution
from valuechain.opt._recourse import use_terms as substitution_use
from valuechain.opt.model import Model
from valuechain.opt.study import Study
from valuechain.scenarios.compiled import route_limit
from valuechain.scenarios.sparse import SparseShocks

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.scenarios.compiled import ShockArrays

__all__ = ["Context", "assemble", "build"]


@dataclass(eq=False)
class Context:
    """What a policy needs to add its rows: the program, the blocks and the network's indices.

    Policies call :meth:`supply_terms`, :meth:`use_terms` and :meth:`constraint`; the attributes
    hold positions (integers) into the network's tables in the order of the blocks' axes.
    """

    network: Network
    study: Study
    shocks: ShockArrays
    lp: LinearProgram
    blocks: dict[str, Block]
    weight: np.ndarray  # (S, T): probability x discount factor
    discount: np.ndarray  # (T,)
    demand: np.ndarray  # (S, T, D) demand quantities per study period
    commodities: pd.Index
    regions: pd.Index
    proc_region: np.ndarray
    exp_region: np.ndarray
    recipe_p: tuple[np.ndarray, np.ndarray, np.ndarray]  # process pos, commodity pos, signed coef
    recipe_e: tuple[np.ndarray, np.ndarray, np.ndarray]
    route_com: np.ndarray
    route_from: np.ndarray
    route_to: np.ndarray
    market_region: np.ndarray
    market_com: np.ndarray
    market_side: np.ndarray
    demand_region: np.ndarray
    demand_com: np.ndarray
    buy_rows: np.ndarray
    cost_parts: list[tuple[str, np.ndarray, np.ndarray]] = field(default_factory=list)
    policy_rows: dict[str, list[str]] = field(default_factory=dict)
    share_terms: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    def region_mask(self, region_or_group: str, owner: str) -> np.ndarray:
        """Boolean mask over the regions table of the members of ``region_or_group``."""
        try:
            members = set(self.network.members(region_or_group))
        except Exception as e:  # NetworkError -> StudyError naming the policy
            raise StudyError(f"{owner}: {e}") from None
        return self.regions.isin(members)

    def commodity_positions(self, commodities: tuple[str, ...], owner: str) -> np.ndarray:
        """Positions of commodity ids in the commodities table."""
        from valuechain._params import closest

        out = []
        for c in commodities:
            if c not in self.commodities:
                raise StudyError(f"{owner}: unknown commodity '{c}'" + closest(c, map(str, self.commodities)))
            out.append(_loc(self.commodities, c))
        return np.asarray(out, dtype=np.int64)

    # ------------------------------------------------------------------ terms
    def supply_terms(
        self, com: np.ndarray, into: np.ndarray, origin: np.ndarray | None = None, via: np.ndarray | None = None
    ) -> list[tuple[Block, np.ndarray, np.ndarray, np.ndarray]]:
        """Return the terms (block, item, slot, coefficient) of the supply of ``com`` to ``into``.

        Supply is production in the regions of mask ``into``, imports from outside, and purchases.

        ``origin`` (a region mask) keeps only production in, and imports from, those regions
        (purchases from outside markets have no origin country and are then left out); ``via``
        (a commodity mask) keeps only production by processes that consume one of those.
        """
        terms = []
        for name, (item, c, coef), region in (
            ("activity", self.recipe_p, self.proc_region),
            ("expansion_activity", self.recipe_e, self.exp_region),
        ):
            blk = self.blocks[name]
            keep = (coef > 0) & into[region[item]] & np.isin(c, com)
            if origin is not None:
                keep &= origin[region[item]]
            if via is not None:
                users = np.unique(item[(coef < 0) & via[c]])
                keep &= np.isin(item, users)
            terms.append((blk, item[keep], _slot(com, c[keep]), coef[keep]))
        if via is None:
            keep = into[self.route_to] & ~into[self.route_from] & np.isin(self.route_com, com)
            if origin is not None:
                keep &= origin[self.route_from]
            r = np.flatnonzero(keep)
            terms.append((self.blocks["flow"], r, _slot(com, self.route_com[r]), np.ones(r.size)))
            if origin is None:
                rows = self.buy_rows
                m = np.flatnonzero(into[self.market_region[rows]] & np.isin(self.market_com[rows], com))
                terms.append((self.blocks["buy"], m, _slot(com, self.market_com[rows][m]), np.ones(m.size)))
        return terms

    def use_terms(self, com: np.ndarray, within: np.ndarray) -> list[tuple[Block, np.ndarray, np.ndarray, np.ndarray]]:
        """Terms of the use of commodities ``com`` by processes in regions ``within`` (positive)."""
        terms = []
        for name, (item, c, coef), region in (
            ("activity", self.recipe_p, self.proc_region),
            ("expansion_activity", self.recipe_e, self.exp_region),
        ):
            keep = (coef < 0) & within[region[item]] & np.isin(c, com)
            terms.append((self.blocks[name], item[keep], _slot(com, c[keep]), -coef[keep]))
        return terms + substitution_use(self, com, within)  # what the plants use after substitution

    def expand(
        self, rows: Block, axes: tuple[pd.Index, ...], terms: list[tuple[Block, np.ndarray, np.ndarray, np.ndarray]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Global (row, column, value) triplets of ``terms`` over every scenario and period."""
        sc, per = rows.axes[:2]
        s_idx = np.arange(len(sc))[:, None, None]
        t_idx = np.arange(len(per))[None, :, None]
        out_r, out_c, out_v = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
        for blk, item, slot, coef in terms:
            if item.size == 0:
                continue
            slots = np.unravel_index(slot, tuple(len(a) for a in axes)) if len(axes) > 1 else (slot,)
            r, c, v = np.broadcast_arrays(
                rows.flat(s_idx, t_idx, *[x[None, None, :] for x in slots]),
                blk.flat(s_idx, t_idx, item[None, None, :]),
                np.asarray(coef, dtype=float)[None, None, :],
            )
            out_r.append(r.ravel())
            out_c.append(c.ravel())
            out_v.append(v.ravel())
        return np.concatenate(out_r), np.concatenate(out_c), np.concatenate(out_v)

    def constraint(
        self,
        name: str,
        axes: tuple[pd.Index, ...],
        terms: list[tuple[Block, np.ndarray, np.ndarray, np.ndarray]],
        *,
        hi: float | np.ndarray = 0.0,
        elastic: bool = False,
        penalty: float = 0.0,
        policy: str | None = None,
        keep_zeros: bool = False,
    ) -> Block:
        """Add rows ``sum(terms) <= hi`` over (scenario, period, *axes).

        Each term is (block, item positions, slot positions along ``axes``, coefficients): the
        variable ``block[s, t, item]`` enters row ``[s, t, slot]`` with that coefficient, for
        every scenario ``s`` and period ``t``. When ``elastic``, a violation variable priced at
        ``penalty`` (per unit, probability-weighted and discounted) lets the rows bend.
        """
        sc, per = self.blocks["activity"].axes[:2]
        rows = self.lp.add_rows(name, (sc, per, *axes), hi=hi)
        r, c, v = self.expand(rows, axes, terms)
        self.lp.add_terms(r, c, v, keep_zeros=keep_zeros)
        if elastic:
            cost = penalty * self.weight.reshape(self.weight.shape + (1,) * len(axes)) * np.ones(rows.shape)
            viol = self.lp.add_vars(f"{name}__violation", rows.axes, cost=cost)
            self.lp.add_terms(np.arange(rows.size) + rows.offset, np.arange(viol.size) + viol.offset, -1.0)
            self.cost_parts.append(("policy violations", np.arange(viol.size) + viol.offset, cost.ravel()))
        if policy is not None:
            self.policy_rows.setdefault(policy, []).append(name)
        return rows

    def share_constraint(
        self,
        name: str,
        axes: tuple[pd.Index, ...],
        fixed: list[tuple[Block, np.ndarray, np.ndarray, np.ndarray]],
        scaled: list[tuple[Block, np.ndarray, np.ndarray, np.ndarray]],
        share: float,
        *,
        rhs_scaled: np.ndarray | None = None,
        elastic: bool = False,
        penalty: float = 0.0,
        policy: str,
    ) -> Block:
        """Rows ``fixed + share * scaled <= share * rhs_scaled``, kept so the share can change in place."""
        terms = fixed + [(b, i, s, share * np.asarray(c, dtype=float)) for b, i, s, c in scaled]
        hi = share * rhs_scaled if rhs_scaled is not None else 0.0
        rows = self.constraint(
            name, axes, terms, hi=hi, elastic=elastic, penalty=penalty, policy=policy, keep_zeros=True
        )
        rf, cf, vf = self.expand(rows, axes, fixed)
        rs, cs, vs = self.expand(rows, axes, scaled)
        big = np.int64(1) << 40
        key = np.concatenate([rf, rs]) * big + np.concatenate([cf, cs])
        uniq, inv = np.unique(key, return_inverse=True)
        a_fixed = np.bincount(inv, weights=np.concatenate([vf, np.zeros(vs.size)]), minlength=uniq.size)
        a_share = np.bincount(inv, weights=np.concatenate([np.zeros(vf.size), vs]), minlength=uniq.size)
        rpos, cpos = np.divmod(uniq, big)
        rhs = None
        if rhs_scaled is not None:
            rhs = (np.arange(rows.size) + rows.offset, np.broadcast_to(rhs_scaled, rows.shape).ravel().copy())
        self.share_terms[policy] = (rpos, cpos, a_fixed, a_share, rhs)
        return rows


def _slot(com: np.ndarray, c: np.ndarray) -> np.ndarray:
    lookup = {int(v): i for i, v in enumerate(com)}
    return np.asarray([lookup[int(v)] for v in c], dtype=np.int64)


def _labels(periods: pd.PeriodIndex) -> pd.Index:
    freq = str(periods.freqstr)[0].upper()
    if freq in ("Y", "A"):
        return pd.Index(np.asarray(periods.year, dtype=np.int64), name="period")
    return pd.Index([str(p) for p in periods], name="period", dtype=object)


def build(network: Network, study: Study | None = None, *, shocks: ShockArrays | SparseShocks | None = None) -> Model:
    r"""Build the two-stage planning model of ``network`` under ``study``.

    Parameters
    ----------
    network
        The network.
    study
        Horizon, scenarios, policies and objective options (default: one year, one scenario
        without shocks, no policies).
    shocks
        Compiled shocks to use instead of compiling the study's scenarios (``SparseShocks`` are
        expanded to ``ShockArrays``).

    Returns
    -------
    Model
        The program (``model.lp``), its Pyomo model for user extensions (``model.pyomo``) and the
        maps back to the network's ids.

    Notes
    -----
    Symbols as in the code: scenarios :math:`s` with probability :math:`\pi_s`, periods :math:`t`
    (0-based) of :math:`\bar y` years each (``yfrac``; 1 for yearly studies), :math:`y_t = t \bar y`
    years after the first period; weight :math:`w_{st} = \pi_s \delta_t`; :math:`k` = study period /
    network period. Multipliers :math:`\mu` come from the
    :class:`~valuechain.scenarios.compiled.ShockArrays`.

    **One discounting convention** for every cost: a cost incurred in period :math:`t` is weighted
    by :math:`\delta_t = (1+r)^{-y_t}` (``disc``), so costs of the first period are not discounted
    and those of year :math:`t` of a yearly study are divided by :math:`(1+r)^t`.

    First stage: ``build[t,e]`` (capacity of option :math:`e` decided in :math:`t`), ``open[t,e]``
    (binary, only for options with a fixed cost or a minimum size), ``reserve[t,h]`` (strategic
    stock capacity at hub :math:`h`). Second stage, per scenario: ``activity[s,t,p]``,
    ``expansion_activity[s,t,e]``, ``flow[s,t,r]``, ``buy[s,t,m]``, ``sell[s,t,m]``,
    ``stock[s,t,h]``, ``unmet[s,t,d]``.

    .. math::

        \min \sum_{\tau,e} \big(\Delta_{\tau e}\,\bar y\,CRF_e\,capex_e\,build_{\tau e}
             + \delta_\tau\,fixed_e\,open_{\tau e}\big)
             + \sum_{t,h} \delta_t k\,hold_h\,reserve_{th}
             + \sum_{s,t} w_{st} \Big(\sum_p vc_p\,activity + \sum_e vc_e\,expansion\_activity
             + \sum_r (cost_r + tariff_r)\,flow + \sum_m price_m (1+\sigma_{st})\,buy
             - \sum_m price_m\,sell + \sum_d v_d\,unmet\Big)
             + \lambda\,(\eta + \tfrac{1}{1-\alpha} \sum_s \pi_s \xi_s)

    * **Fixed cost** (``fixed_cost``, a currency amount): charged once, in the period
      :math:`\tau` in which the capacity is built (decided), discounted by :math:`\delta_\tau`.
    * **Capex** (``capex``, currency per unit of capacity): annualised with the capital recovery
      factor of option :math:`e`'s lifetime :math:`L_e` (years),
      :math:`CRF_e = r(1+r)^{L_e} / ((1+r)^{L_e} - 1)` (:math:`1/L_e` at :math:`r = 0`;
      ``crf``), and paid every year from the period of building for :math:`L_e` years, or to the
      end of the horizon if that comes first: :math:`\Delta_{\tau e} = \sum_{\tau \le t < \tau +
      L^p_e} \delta_t` (``disc_pay``), :math:`L^p_e` the lifetime in periods. The CRF repays the
      outlay with payments at the end of each year; counted, like every cost of a year, at the
      year's start, the full series of a yearly study is worth :math:`(1+r)\,\delta_\tau\,capex_e`.
      Cut at the horizon, the payments left out are the capacity's value beyond it.

    :math:`\sigma_{st}` is the study's spot premium in periods with an active shock. Rows:

    * ``balance[s,t,h]``: :math:`\sum_p out_{pc}\,activity - \sum_p in_{pc}\,activity` (same for
      options) :math:`+ \sum_{r \to h} flow - \sum_{r \leftarrow h} flow + buy - sell
      + stock_{s,t-1,h} - stock_{s,t,h} + unmet \ge D_{std}` (free disposal; the initial stock
      enters the first period's right-hand side);
    * ``expansion_capacity[s,t,e]``: :math:`expansion\_activity_{ste} \le k \sum_{\tau + L_e \le t}
      build_{\tau e}`, and 0 in scenarios where the option is not allowed;
    * ``build_limit[e]``: :math:`\sum_t build_{te} \le max_e`; ``build_open_max/min[t,e]``:
      :math:`min_e\,open \le build \le max_e\,open`;
    * ``stock_reserve[s,t,h]``: :math:`stock_{sth} \le reserve_{th} + L_h` (:math:`L_h`: order-up-to level, held free);
    * ``substitution_share[s,t,a]``: alternative inputs (:mod:`valuechain.opt._recourse`);
    * ``cvar[s]``: :math:`\xi_s \ge \sum_{t,d} \delta_t v_d\,unmet_{std} - \eta`, :math:`\xi \ge 0`;
    * one block of rows per policy (see :mod:`valuechain.opt.policies`).

    Route lead times are not modelled: in planning periods of a year, a flow arrives in the period
    it leaves. Balances allow free disposal, so a process with no cost may run above what is used.

    Bounds: :math:`activity \le k\,cap_p\,\mu^P_{stp}`, :math:`flow \le k\,cap_r\,\mu^R_{str}`,
    :math:`buy \le k\,cap_m`, :math:`unmet \le D_{std} = k\,q_d (1+g_d)^{y_t - y_0} \mu^D_{std}`.

    Examples
    --------
    >>> import valuechain as vc
    >>> from valuechain.opt import build, solve
    >>> model = build(vc.load_network("toy-transport"))
    >>> round(solve(model).objective, 3)
    153.675
    """
    start = time.perf_counter()
    ctx = assemble(network, study, shocks=shocks)
    return Model._from_build(ctx, build_seconds=time.perf_counter() - start)


def assemble(
    network: Network, study: Study | None = None, *, shocks: ShockArrays | SparseShocks | None = None
) -> Context:
    """Assemble the program of :func:`build` as arrays only, without the Pyomo model (the benchmark's floor)."""
    study = study if study is not None else Study()
    if shocks is None:
        shocks = study.shock_arrays(network)
    elif isinstance(shocks, SparseShocks):
        shocks = shocks.to_dense()
    if list(shocks.processes) != list(network.processes.index) or list(shocks.routes) != list(network.routes.index):
        raise StudyError("the shock arrays were compiled for a different network (process or route ids differ)")
    lp = LinearProgram()
    n_s, n_t = shocks.n_scenarios, len(shocks.periods)
    months = shocks.period_months
    k = months / PERIODS[network.period]
    yfrac = months / 12.0
    ydiff = np.arange(n_t) * yfrac
    rate = study.discount_rate
    disc = (1.0 + rate) ** -ydiff
    prob = np.asarray(shocks.probability, dtype=float)
    weight = prob[:, None] * disc[None, :]

    sc = pd.Index(list(map(str, shocks.scenarios)), name="scenario", dtype=object)
    per = _labels(shocks.periods)
    procs = network.processes
    exps = network.expansions
    routes = network.routes
    hubs = network.hubs
    dem = network.demand
    mk = network.markets
    pidx = pd.Index(procs.index.astype(object), name="process", dtype=object)
    eidx = pd.Index(exps.index.astype(object), name="expansion", dtype=object)
    ridx = pd.Index(routes.index.astype(object), name="route", dtype=object)
    hidx = pd.Index(list(network.hub_ids), name="hub", dtype=object)
    didx = pd.Index(
        [hub_id(r, c) for r, c in zip(dem["region"], dem["commodity"], strict=True)], name="hub", dtype=object
    )
    midx = pd.Index(
        [
            f"{r}:{c}:{sd}:{int(t)}"
            for r, c, sd, t in zip(mk["region"], mk["commodity"], mk["side"], mk["tier"], strict=True)
        ],
        name="market",
        dtype=object,
    )
    coms = pd.Index(network.commodities.index.astype(object), name="commodity", dtype=object)
    regs = pd.Index(network.regions.index.astype(object), name="region", dtype=object)
    hub_pos = {h: i for i, h in enumerate(hidx)}

    # ---------------------------------------------------------------- second-stage variables
    pcap = procs["capacity"].to_numpy(float)
    act = lp.add_vars(
        "activity",
        (sc, per, pidx),
        # a process of unlimited capacity that a shock stops (multiplier 0) is stopped: 0 x inf = 0
        ub=scale_capacity(k * pcap[None, None, :], shocks.process_capacity),
        cost=weight[:, :, None] * procs["variable_cost"].to_numpy(float)[None, None, :],
    )
    exp_allowed = np.asarray(shocks.expansion_allowed, dtype=bool)
    xact = lp.add_vars(
        "expansion_activity",
        (sc, per, eidx),
        ub=np.where(exp_allowed[:, None, :], INF, 0.0) * np.ones((1, n_t, 1)),
        cost=weight[:, :, None] * exps["variable_cost"].to_numpy(float)[None, None, :],
    )
    rcap = routes["capacity"].to_numpy(float)
    rbase = routes["baseline_flow"].to_numpy(float)
    rcost = routes["cost"].to_numpy(float)
    rtar = routes["tariff"].to_numpy(float)
    flow = lp.add_vars(
        "flow",
        (sc, per, ridx),
        # m >= 1 scales capacity; m < 1 caps the route at m x its baseline flow (see route_limit)
        ub=route_limit(k * rcap[None, None, :], k * rbase[None, None, :], shocks.route_capacity),
        cost=weight[:, :, None] * (rcost + rtar),
    )
    cost_parts: list[tuple[str, np.ndarray, np.ndarray]] = []

    def part(label: str, blk: Block, coef: np.ndarray) -> None:
        cost_parts.append((label, np.arange(blk.size) + blk.offset, np.broadcast_to(coef, blk.shape).ravel()))

    part("operating", act, weight[:, :, None] * procs["variable_cost"].to_numpy(float))
    part("operating", xact, weight[:, :, None] * exps["variable_cost"].to_numpy(float))
    part("transport", flow, weight[:, :, None] * rcost)
    part("tariffs", flow, weight[:, :, None] * rtar)

    shocked = (
        (shocks.process_capacity < 1).any(axis=2)
        | (shocks.route_capacity < 1).any(axis=2)
        | (shocks.demand != 1).any(axis=2)
    )
    premium = 1.0 + study.spot_premium * shocked  # (n_s, n_t)
    side = mk["side"].to_numpy(object)
    price = mk["price"].to_numpy(float)
    mcap = mk["cap"].to_numpy(float)
    buy_rows = np.flatnonzero(side == "buy")
    sell_rows = np.flatnonzero(side == "sell")
    buy = lp.add_vars(
        "buy",
        (sc, per, midx[buy_rows].rename("market")),
        ub=k * mcap[buy_rows],
        cost=weight[:, :, None] * premium[:, :, None] * price[buy_rows],
    )
    part("purchases", buy, weight[:, :, None] * premium[:, :, None] * price[buy_rows])
    sell = lp.add_vars(
        "sell",
        (sc, per, midx[sell_rows].rename("market")),
        ub=k * mcap[sell_rows],
        cost=-weight[:, :, None] * price[sell_rows],
    )
    part("sales", sell, -weight[:, :, None] * price[sell_rows])

    first_day = shocks.periods.start_time
    years = np.asarray(first_day.year, dtype=float) + (np.asarray(first_day.month, dtype=float) - 1) / 12
    base_year = float(network.year) if network.year is not None else years[0]
    growth = (1.0 + dem["growth"].to_numpy(float))[None, :] ** (years[:, None] - base_year)
    demand = k * dem["quantity"].to_numpy(float)[None, None, :] * growth[None, :, :] * shocks.demand
    vold = dem["value_of_lost_demand"].to_numpy(float)
    vold = np.where(np.isnan(vold), study.unmet_penalty, vold)
    unmet = lp.add_vars(
        "unmet", (sc, per, didx), ub=demand if study.allow_unmet else 0.0, cost=weight[:, :, None] * vold
    )
    part("unmet demand", unmet, weight[:, :, None] * vold)

    # ---------------------------------------------------------------- first-stage variables
    lead = np.ceil(exps["lead_time"].to_numpy(float) * 12.0 / months - 1e-9).astype(np.int64)
    life_p = np.maximum(np.ceil(exps["lifetime"].to_numpy(float) * 12.0 / months - 1e-9).astype(np.int64), 1)
    tt = np.arange(n_t)
    avail = (tt[None, :, None] >= tt[:, None, None] + lead[None, None, :]) & (
        tt[None, :, None] < tt[:, None, None] + lead[None, None, :] + life_p[None, None, :]
    )  # (tau, t, e): capacity decided in tau is there in t
    # capex: the annuity CRF(r, L) x capex a year, paid in every period from the one of building
    # (tau) for L years, or to the end of the horizon if sooner; each period pays a share yfrac
    paying = (tt[None, :, None] >= tt[:, None, None]) & (tt[None, :, None] < tt[:, None, None] + life_p[None, None, :])
    disc_pay = np.einsum("t,ate->ae", disc, paying.astype(float))  # (tau, e)
    annuity = np.asarray([crf(rate, life) for life in exps["lifetime"].to_numpy(float)]) * yfrac
    max_size = exps["max_size"].to_numpy(float)
    min_size = exps["min_size"].to_numpy(float)
    fixed = exps["fixed_cost"].to_numpy(float)
    capex = exps["capex"].to_numpy(float)
    can_build = (tt[:, None] + lead[None, :] <= n_t - 1) & np.asarray(exp_allowed.any(axis=0))[None, :]
    capital = disc_pay * annuity * capex
    bld = lp.add_vars("build", (per, eidx), ub=np.where(can_build, max_size[None, :], 0.0), cost=capital)
    part("capital", bld, capital)
    binary = (fixed > 0) | (min_size > 0)
    bin_e = np.flatnonzero(binary)
    for e in bin_e:
        if not math.isfinite(max_size[e]):
            raise StudyError(
                f"expansion option '{eidx[e]}' has a fixed cost or a minimum size but no finite max_size; "
                "give it a max_size so that the model can switch it on and off"
            )
    open_ = lp.add_vars(
        "open",
        (per, eidx[bin_e].rename("expansion")),
        ub=np.where(can_build[:, bin_e], 1.0, 0.0),
        cost=disc[:, None] * fixed[bin_e],  # once, in the period of building
        integer=True,
    )
    part("fixed", open_, disc[:, None] * fixed[bin_e])
    if bin_e.size:
        ax = (per, eidx[bin_e].rename("expansion"))
        rmax = lp.add_rows("build_open_max", ax, hi=0.0)
        rmin = lp.add_rows("build_open_min", ax, hi=0.0)
        ti, ei = np.meshgrid(tt, np.arange(bin_e.size), indexing="ij")
        lp.add_terms(rmax.flat(ti, ei), bld.flat(ti, bin_e[ei]), 1.0)
        lp.add_terms(rmax.flat(ti, ei), open_.flat(ti, ei), -max_size[bin_e][ei])
        lp.add_terms(rmin.flat(ti, ei), bld.flat(ti, bin_e[ei]), -1.0)
        lp.add_terms(rmin.flat(ti, ei), open_.flat(ti, ei), min_size[bin_e][ei])
    lim_e = np.flatnonzero(np.isfinite(max_size))
    if n_t > 1 and lim_e.size:
        lim = lp.add_rows("build_limit", (eidx[lim_e].rename("expansion"),), hi=max_size[lim_e])
        ti, ei = np.meshgrid(tt, np.arange(lim_e.size), indexing="ij")
        lp.add_terms(lim.flat(ei), bld.flat(ti, lim_e[ei]), 1.0)

    # expansion capacity rows
    xcap = lp.add_rows("expansion_capacity", (sc, per, eidx), hi=0.0)
    if len(eidx):
        s3, t3, e3 = np.arange(n_s)[:, None, None], tt[None, :, None], np.arange(len(eidx))[None, None, :]
        lp.add_terms(xcap.flat(s3, t3, e3), xact.flat(s3, t3, e3), 1.0)
        ta, tb, e_av = np.nonzero(avail)
        sx = np.arange(n_s)[:, None]
        lp.add_terms(xcap.flat(sx, tb[None, :], e_av[None, :]), bld.flat(ta, e_av)[None, :], -k)

    # ---------------------------------------------------------------- stocks
    policy = stock_policy(network)  # initial stock and order-up-to level, as the simulator's
    init = policy["initial_stock"].to_numpy(float)
    if study.stocks:
        scap = hubs["stock_capacity"].to_numpy(float)
        hold = hubs["holding_cost"].to_numpy(float)
        end = np.where(tt[:, None] == n_t - 1, np.minimum(init, scap)[None, :], 0.0) * study.keep_stocks
        stock = lp.add_vars("stock", (sc, per, hidx), lb=end[None, :, :] * np.ones((n_s, 1, 1)), ub=scap)
        reserve = lp.add_vars("reserve", (per, hidx), ub=scap, cost=disc[:, None] * k * hold[None, :])
        part("holding", reserve, disc[:, None] * k * hold[None, :])
        srow = lp.add_rows("stock_reserve", (sc, per, hidx), hi=policy["level"].to_numpy(float)[None, None, :])
        s_g, t_g, h_g = np.meshgrid(np.arange(n_s), tt, np.arange(len(hidx)), indexing="ij")
        lp.add_terms(srow.flat(s_g, t_g, h_g), stock.flat(s_g, t_g, h_g), 1.0)
        lp.add_terms(srow.flat(s_g, t_g, h_g), reserve.flat(t_g, h_g), -1.0)

    # ---------------------------------------------------------------- balances
    rhs = np.zeros((n_s, n_t, len(hidx)))
    d_hub = np.asarray([hub_pos[h] for h in didx], dtype=np.int64)
    for j, h in enumerate(d_hub):
        rhs[:, :, h] += demand[:, :, j]
    rhs[:, 0, :] -= init
    bal = lp.add_rows("balance", (sc, per, hidx), lo=rhs)
    s_ax, t_ax = np.arange(n_s)[:, None, None], tt[None, :, None]

    def into_balance(blk: Block, items: np.ndarray, hub: np.ndarray, coef: np.ndarray) -> None:
        if items.size:
            lp.add_terms(
                bal.flat(s_ax, t_ax, hub[None, None, :]),
                blk.flat(s_ax, t_ax, items[None, None, :]),
                coef[None, None, :],
            )

    rec = network.recipes
    com_pos = {c: i for i, c in enumerate(coms)}
    reg_pos = {r: i for i, r in enumerate(regs)}
    recipes: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for name, table, blk in (("p", procs, act), ("e", exps, xact)):
        r = rec[rec["process"].isin(table.index)]
        item = np.asarray([table.index.get_loc(p) for p in r["process"]], dtype=np.int64)
        cpos = np.asarray([com_pos[c] for c in r["commodity"]], dtype=np.int64)
        coef = np.where(r["kind"].to_numpy(object) == "output", 1.0, -1.0) * r["coefficient"].to_numpy(float)
        hub = np.asarray(
            [
                hub_pos[hub_id(reg, c)]
                for reg, c in zip(table["region"].to_numpy(object)[item], r["commodity"], strict=True)
            ],
            dtype=np.int64,
        )
        into_balance(blk, item, hub, coef)
        recipes[name] = (item, cpos, coef)
    r_from = np.asarray(
        [hub_pos[hub_id(o, c)] for o, c in zip(routes["origin"], routes["commodity"], strict=True)], dtype=np.int64
    )
    r_to = np.asarray(
        [hub_pos[hub_id(o, c)] for o, c in zip(routes["destination"], routes["commodity"], strict=True)], dtype=np.int64
    )
    into_balance(flow, np.arange(len(ridx)), r_to, np.ones(len(ridx)))
    into_balance(flow, np.arange(len(ridx)), r_from, -np.ones(len(ridx)))
    m_hub = np.asarray(
        [hub_pos[hub_id(r, c)] for r, c in zip(mk["region"], mk["commodity"], strict=True)], dtype=np.int64
    )
    into_balance(buy, np.arange(buy_rows.size), m_hub[buy_rows], np.ones(buy_rows.size))
    into_balance(sell, np.arange(sell_rows.size), m_hub[sell_rows], -np.ones(sell_rows.size))
    into_balance(unmet, np.arange(len(didx)), d_hub, np.ones(len(didx)))
    if study.stocks:
        hh = np.arange(len(hidx))
        into_balance(stock, hh, hh, -np.ones(len(hh)))
        if n_t > 1:
            lp.add_terms(
                bal.flat(s_ax, t_ax[:, 1:], hh[None, None, :]), stock.flat(s_ax, t_ax[:, :-1], hh[None, None, :]), 1.0
            )

    add_substitution(lp, network, study, (sc, per), months, act, bal, hub_pos, weight, part)

    # ---------------------------------------------------------------- CVaR on unmet demand
    if study.cvar_weight > 0:
        lam, alpha = study.cvar_weight, study.cvar_alpha
        eta = lp.add_vars("cvar_eta", (), lb=-INF, cost=lam)
        xi = lp.add_vars("cvar_excess", (sc,), cost=lam * prob / (1.0 - alpha))
        cv = lp.add_rows("cvar", (sc,), lo=0.0)
        cost_parts.append(("cvar", np.asarray([eta.offset]), np.asarray([lam])))
        part("cvar", xi, lam * prob / (1.0 - alpha))
        lp.add_terms(cv.flat(np.arange(n_s)), xi.flat(np.arange(n_s)), 1.0)
        lp.add_terms(np.full(1, cv.offset) + np.arange(n_s), eta.offset, 1.0)
        loss = disc[None, :, None] * vold[None, None, :] * np.ones((n_s, 1, 1))
        lp.add_terms(cv.flat(s_ax), unmet.flat(s_ax, t_ax, np.arange(len(didx))[None, None, :]), -loss)

    blocks = dict(lp.var_blocks)
    ctx = Context(
        network=network,
        study=study,
        shocks=shocks,
        lp=lp,
        blocks=blocks,
        weight=weight,
        discount=disc,
        demand=demand,
        commodities=coms,
        regions=regs,
        proc_region=np.asarray([reg_pos[r] for r in procs["region"]], dtype=np.int64),
        exp_region=np.asarray([reg_pos[r] for r in exps["region"]], dtype=np.int64),
        recipe_p=recipes["p"],
        recipe_e=recipes["e"],
        route_com=np.asarray([com_pos[c] for c in routes["commodity"]], dtype=np.int64),
        route_from=np.asarray([reg_pos[r] for r in routes["origin"]], dtype=np.int64),
        route_to=np.asarray([reg_pos[r] for r in routes["destination"]], dtype=np.int64),
        market_region=np.asarray([reg_pos[r] for r in mk["region"]], dtype=np.int64),
        market_com=np.asarray([com_pos[c] for c in mk["commodity"]], dtype=np.int64),
        market_side=side,
        demand_region=np.asarray([reg_pos[r] for r in dem["region"]], dtype=np.int64),
        demand_com=np.asarray([com_pos[c] for c in dem["commodity"]], dtype=np.int64),
        buy_rows=buy_rows,
        cost_parts=cost_parts,
    )
    names: set[str] = set()
    for pol in study.policies:
        if pol.name in names:
            raise StudyError(f"two policies are named '{pol.name}'; policy names must be unique")
        names.add(pol.name)
        pol.add(ctx)
    return ctx
