"""The full Numba simulation kernel: arrays in, arrays out.

One call runs one lane of blocks of a chunk's scenarios over every period. Scenarios are
processed in blocks: the state of a block is held as ``(item, scenario)`` arrays and every
innermost loop runs over the scenarios of the block, so the compiler vectorises it. The kernel
releases the GIL, and :func:`valuechain.sim.kernel.run_chunk` runs one lane per thread, so the
lanes run in parallel; the kernel itself is a plain loop (a ``prange`` made its compilation take
more than twice as long). Optional dense results are written to preallocated
``(period, item, scenario)`` outputs.

The semantics (the same as the plain reference implementation in the tests), for each scenario
and period ``t``:

1. Every hub starts with its stock plus what lagged edges delivered in ``t - 1`` (before the
   first period: their baseline delivery, so an unshocked run starts in its steady state).
2. Each process plans its baseline activity, capped by its capacity times the multiplier.
3. Nodes are visited in the compiled topological order. A *hub* adds up the targets of its uses
   (process inputs: coefficient x planned activity; routes: baseline flow capped by the route's
   capacity x multiplier; final demand: quantity x multiplier). In re-sourcing mode, a hub short
   of its targets first pulls spare supply (what an earlier hub holds above its stock level) over
   its open incoming routes, within their spare capacity, then extra output from its producers'
   spare capacity, fed by what their input hubs hold above their level. With a ``ramp_depth`` above
   0, what an origin or an input hub lacks for that is first pulled to it the same way, up to
   ``ramp_depth`` steps up the chain (the whole chain: spare capacity anywhere upstream runs at
   once, as in the optimiser's programs); a producer pulls for its inputs in the order of their
   hubs' labels, each for no more than the ones before it hold, and a hub below its level passes
   on what is pulled to it and stays as far below it. With ``spare_ramp`` a process's capacity
   above its plan comes online over its ramp (periods): a pull may run it up to its plan plus
   ``min(1, k / ramp)`` of that spare in the ``k``-th period from the first in which it ran above
   its plan (``k = 1`` while it never has); once online it stays online. It then hands every use
   ``target x min(1, supply / total target)`` (pro rata). In re-sourcing mode a hub with a
   refill rate then orders ``refill_rate x (level - what it has left)`` from spare supply, the
   same way (when the gap is more than a billionth of the level). A *process* runs at
   ``min(plan, allocated input / coefficient)`` over its inputs and returns unused inputs to
   their hubs. In re-sourcing mode, a process that falls short of its plan (by more than a
   billionth) and whose input has an alternative may then run part of its plan on it: the
   allowed share is 0 until the process is first short with that input short (by more than a
   billionth) and rises linearly to ``share_max`` over the ramp; the activity may rise to the
   least of its plan, what its other inputs allow and ``own / (1 - share)`` (``own``: the
   activity its input alone supports), with the alternative, ``coefficient x (activity - own)``,
   taken from spare supply at the alternative's hub (what it holds above its level, then pulled
   as above). An input with several alternatives (e.g. LFP cells for NMC or sodium-ion ones)
   may rise to ``own / (1 - sum of their shares)``; they are asked in their order, each for the
   activity above ``own`` the ones before it did not cover, up to its share of that most
   activity; the activity is then the most that ``own`` plus what each covers, at most its share
   of the activity, supports, and each gives back what it was not needed for. It then delivers
   its outputs.
4. At the end of the period each hub keeps what is left, up to its stock level (the
   order-up-to level of ``valuechain.network.stocks``: its initial stock or its days of cover,
   capped by its stock capacity) plus the stock pulled forward into it (below); the rest leaves
   the network.

Front-loading (a route multiplier ``m`` above 1: buyers pulling purchases forward before a
licence regime takes effect, ``valuechain.scenarios.licence``). The route's baseline target is
unchanged and is served with the hub's other uses as above; on top of it the route asks the
*extra* ``min(baseline x m, capacity) - target``. A hub serves its routes' extras after its uses
and its refill, from what it holds above its level and, with ``front_stock`` (``rush_from_stock``
of ``simulate``; 0 by default), from that share of its stock level: so front-loading never takes
anything from the origin's own uses in the period, and by default nothing from its stock. In
pro-rata mode what it holds above its level is the hub's surplus (which would otherwise leave the
network at the end of the period); in re-sourcing mode the hub first pulls what that surplus
lacks as spare supply, as for a shortfall (the stock is drawn only for what spare supply cannot
give), except that before a producer of the
hub is asked for extra output, what its input hubs lack for it is pulled to them first (one step
further up the chain: an exporter makes the extra from spare capacity upstream). The routes get
the same share of their extras. What a route ships extra is kept at its destination: it raises
the destination's level (lagged routes: from the next period, when it arrives), so it is stock,
not spare supply for other hubs' pulls, and it is not reordered by a refill. At the end of each
period what a hub keeps above its stock level stays as pulled-forward stock; it is used first
when the hub's supply falls short (the take-back months of a regime), and the level falls back
as it is used. The volume is bounded by the regime: its rate already limits what buyers pull
forward to ``storage`` months of baseline flow.

Shocks arrive as sparse entries (only the multipliers that differ from 1, grouped by scenario
and period): the targets of a block start at their baseline values, the entries of a period
overwrite theirs and are put back after it, so unshocked items cost nothing extra. Summaries are
taken inside the kernel, period by period, so nothing of size scenarios x periods x items has to
be written unless asked for. A scenario counts as short in a period, and a process as run dry,
when it falls short by more than a millionth: rounding in balanced baseline data (about 1e-8 in
the bundled global network) is not a disruption. Without a route multiplier above 1 none of the
front-loading state is touched, and results are exactly those of the kernel without it.

Summary runs of sparse shocks (plant outages on large networks) go to the delta kernel instead
(``valuechain.sim.delta``), which computes only the rows a shock changes; :func:`valuechain.sim.kernel.run_chunk`
chooses.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from valuechain.sim._kernel_helpers import (
    _dot,
    _dry_sums,
    _front_extra,
    _least_share,
    _online,
    _pull_block,
    _pull_chain,
    _pull_deep,
    _route_limit,
    _shock_target,
    _substitute,
    _target_sum,
)

__all__ = ["simulate_kernel"]


@njit(nogil=True, cache=True, error_model="numpy")
def simulate_kernel(  # type: ignore[no-untyped-def]
    order_kind, order_idx,
    in_ptr, in_proc, in_hub, in_coef,
    out_ptr, out_proc, out_hub, out_yield, out_lag,
    r_from, r_to, r_lag,
    use_ptr, use_kind, use_idx, in_use,
    pull_ptr, pull_route, prod_ptr, prod_out,
    base_act, capacity, route_base, route_cap, demand_qty, stock0, stock_level, pipe0,
    ev_ptr, ev_kind, ev_item, ev_val, weight, n_t, resourcing, block,
    refill, alt_ptr, alt_in, alt_hub, alt_coef, alt_share, alt_ramp, ramp_depth, spare_ramp, front_stock,
    demand_hub, demand_value, has_inputs, cell_proc, cell_slot, cell_yield, base_cells,
    lost_value_t, short_periods, worst_share, lost_cells,
    e_short, e_dem, p_dry, first_sum, earliest,
    out_supply, out_stock, out_served, out_demand, out_act, out_flow, out_ratio, out_qsum, out_left,
    lane, n_lanes,
):  # fmt: skip
    """Run all scenarios of a chunk; see the module docstring for the semantics.

    Shocks arrive as entries in CSR form over ``scenario * n_t + period`` (``ev_ptr``): kind
    (0 process, 1 route, 2 demand), item and multiplier; every other multiplier is 1. Summaries
    are written per scenario (``lost_value_t`` (period, scenario), ``short_periods``,
    ``worst_share``, ``lost_cells``) and as ``weight``-weighted sums per block of scenarios
    (``e_short``, ``e_dem`` (block, period, demand), ``p_dry``, ``first_sum`` and the smallest
    first period dry, ``earliest`` (block, process)). The dense outputs may be empty (shape
    ``(0, 0, 0)``): they are then not written. Of the chunk's blocks, this call runs lane
    ``lane`` of ``n_lanes``: blocks ``lane * n_blocks // n_lanes`` up to (not including)
    ``(lane + 1) * n_blocks // n_lanes``.
    """
    n_s = weight.shape[0]
    depth = ramp_depth[0]  # steps up the chain a re-sourcing pull may go
    ramped = resourcing and spare_ramp.shape[0] > 0  # spare capacity comes online over ramp_up
    n_h = stock0.shape[0]
    n_p = base_act.shape[0]
    n_r = route_base.shape[0]
    n_d = demand_qty.shape[0]
    n_c = base_cells.shape[0]
    n_nodes = order_kind.shape[0]
    n_blocks = (n_s + block - 1) // block
    w_sup = out_supply.shape[0] > 0
    w_stock = out_stock.shape[0] > 0
    w_served = out_served.shape[0] > 0
    w_dem = out_demand.shape[0] > 0
    w_act = out_act.shape[0] > 0
    w_flow = out_flow.shape[0] > 0
    w_ratio = out_ratio.shape[0] > 0
    w_qsum = out_qsum.shape[0] > 0
    w_left = out_left.shape[0] > 0
    keep_flow = resourcing or w_flow
    # hubs that lagged edges deliver into (the only ones whose pipeline can fill)
    lag_in = np.zeros(n_h, dtype=np.bool_)
    for e in range(out_hub.shape[0]):
        if out_lag[e]:
            lag_in[out_hub[e]] = True
    for r in range(n_r):
        if r_lag[r]:
            lag_in[r_to[r]] = True
    # targets and limits without a shock (multiplier 1)
    plan0 = np.empty(n_p)
    for p in range(n_p):
        plan0[p] = min(base_act[p], capacity[p] * 1.0)
    rlim0 = np.empty(n_r)
    rtar0 = np.empty(n_r)
    for r in range(n_r):
        lim = _route_limit(route_cap[r], route_base[r], 1.0)
        rlim0[r] = lim
        rtar0[r] = min(route_base[r], lim)
    for ib in range(lane * n_blocks // n_lanes, (lane + 1) * n_blocks // n_lanes):
        s0 = ib * block
        nb = min(n_s, s0 + block) - s0
        pipe = np.zeros((n_h, nb))
        avail = np.empty((n_h, nb))
        left = np.empty((n_h, nb))
        done = np.zeros(n_h, dtype=np.bool_)
        hratio = np.ones((n_h, nb))
        act = np.empty((n_p, nb))
        flow = np.zeros((n_r, nb))
        # targets of the period: baseline values, overwritten where a shock applies and put back
        # after the period; in re-sourcing mode also the capacity and route limits
        plan = np.empty((n_p, nb))
        rtar = np.empty((n_r, nb))
        dtar = np.empty((n_d, nb))
        pcap = np.empty((n_p, nb) if resourcing else (0, nb))
        # with ramped spare capacity the pulls see pcap_r: the plan plus the share of the spare that
        # has come online, from the first period the process was asked to run above its plan
        pcap_r = np.empty((n_p, nb) if ramped else (0, nb))
        pull_start = np.full((n_p if ramped else 0, nb), n_t, dtype=np.int64)
        pc = pcap_r if ramped else pcap
        rlim = np.empty((n_r, nb) if resourcing else (0, nb))
        for p in range(n_p):
            for b in range(nb):
                plan[p, b] = plan0[p]
            if resourcing:
                for b in range(nb):
                    pcap[p, b] = capacity[p] * 1.0
        for r in range(n_r):
            for b in range(nb):
                rtar[r, b] = rtar0[r]
            if resourcing:
                for b in range(nb):
                    rlim[r, b] = rlim0[r]
        for d in range(n_d):
            for b in range(nb):
                dtar[d, b] = demand_qty[d]
        qsum = np.empty(nb)
        deficit = np.empty(nb)
        got = np.empty(nb)
        # front-loading: what routes ask above their target (multiplier above 1), whether a hub
        # has such a route this period, the share of it a hub could serve; and the hubs' levels
        # with the stock pulled forward into them (lvl), what lagged routes bring into that stock
        # next period (xpipe), and whether a hub holds or awaits any (roomy)
        rext = np.zeros((n_r, nb))
        hext = np.zeros(n_h, dtype=np.bool_)
        xneed = np.empty(nb)
        xshare = np.empty(nb)
        lvl = np.empty((n_h, nb))
        xpipe = np.zeros((n_h, nb))
        roomy = np.zeros(n_h, dtype=np.bool_)
        for h in range(n_h):
            for b in range(nb):
                lvl[h, b] = stock_level[h]
        n_alt = alt_hub.shape[0]
        alt_start = np.full((n_alt, nb), n_t, dtype=np.int64)
        alt_got = np.zeros(n_alt)
        alt_shares = np.zeros(n_alt)  # (scratch: each alternative's allowed share)
        # summaries of the block
        first = np.full((n_p, nb), n_t, dtype=np.int32)
        prod = np.empty((n_c, nb))
        lv = np.empty(nb)
        short_b = np.empty(nb)
        w_b = weight[s0 : s0 + nb]
        any_short = np.empty(nb, dtype=np.bool_)
        n_short = np.zeros(nb, dtype=np.int64)
        worst = np.zeros(nb)
        lost_c = np.zeros(nb)
        # (left and act need no reset: each is set when its hub or process is visited, before
        # anything reads it)
        for h in range(n_h):
            for b in range(nb):
                avail[h, b] = stock0[h] + pipe0[h]
        for t in range(n_t):
            for h in range(n_h):
                done[h] = False
                hext[h] = False
            for b in range(nb):
                key = (s0 + b) * n_t + t
                for e in range(ev_ptr[key], ev_ptr[key + 1]):
                    i = ev_item[e]
                    m = ev_val[e]
                    k = ev_kind[e]
                    v, lim = _shock_target(k, i, m, base_act, capacity, route_base, route_cap, demand_qty)
                    if k == 0:
                        plan[i, b] = v
                        if resourcing:
                            pcap[i, b] = lim
                    elif k == 1:
                        rtar[i, b] = v
                        if resourcing:
                            rlim[i, b] = lim
                        x = _front_extra(m, v, route_base[i], route_cap[i])
                        if x > 0.0:
                            rext[i, b] = x
                            hext[r_from[i]] = True
                    else:
                        dtar[i, b] = v
            if ramped:
                for p in range(n_p):
                    for b in range(nb):
                        pcap_r[p, b] = plan[p, b] + max(pcap[p, b] - plan[p, b], 0.0) * _online(
                            spare_ramp[p], pull_start[p, b], t, n_t
                        )
            for n in range(n_nodes):
                i = order_idx[n]
                if order_kind[n] == 0:
                    h = i
                    u0 = use_ptr[h]
                    u1 = use_ptr[h + 1]
                    _target_sum(qsum, nb, u0, u1, use_kind, use_idx, in_proc, in_coef, plan, rtar, dtar)
                    if resourcing:
                        for b in range(nb):
                            deficit[b] = qsum[b] - avail[h, b]
                        # (the two pulls stay written out here and for the refill below: one shared
                        # inlined helper choosing between them ran depth 0 22 % slower, bench_ramp.py)
                        if depth > 0:
                            _pull_chain(
                                h, nb, deficit, got, depth, done, avail, left, pipe, act, flow, rlim, pc, lvl,
                                r_from, pull_ptr, pull_route, prod_ptr, prod_out,
                                in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
                            )  # fmt: skip
                        else:
                            _pull_block(
                                h, nb, deficit, got, done, avail, left, pipe, act, flow, rlim, pc, lvl,
                                r_from, pull_ptr, pull_route, prod_ptr, prod_out,
                                in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
                            )  # fmt: skip
                        for b in range(nb):
                            avail[h, b] += got[b]
                    # every use gets target x ratio; what is not handed out stays at the hub
                    for b in range(nb):
                        av = avail[h, b]
                        q = qsum[b]
                        rt = 1.0 if av >= q else av / q
                        hratio[h, b] = rt
                        left[h, b] = av - rt * q
                    if resourcing and refill[h] > 0.0:
                        # order a share of the gap to the order-up-to level from spare supply
                        ask = False
                        for b in range(nb):
                            gap = stock_level[h] - left[h, b]
                            deficit[b] = refill[h] * gap if gap > 1e-9 * stock_level[h] else 0.0  # (not rounding)
                            ask = ask or deficit[b] > 0.0
                        if ask:
                            if depth > 0:
                                _pull_chain(
                                    h, nb, deficit, got, depth, done, avail, left, pipe, act, flow, rlim, pc, lvl,
                                    r_from, pull_ptr, pull_route, prod_ptr, prod_out,
                                    in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
                                )  # fmt: skip
                            else:
                                _pull_block(
                                    h, nb, deficit, got, done, avail, left, pipe, act, flow, rlim, pc, lvl,
                                    r_from, pull_ptr, pull_route, prod_ptr, prod_out,
                                    in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
                                )  # fmt: skip
                            for b in range(nb):
                                left[h, b] += got[b]
                    if hext[h]:
                        # front-loading: the extra its routes ask, only from what the hub holds
                        # above its level (and, re-sourcing, spare supply pulled for it)
                        for b in range(nb):
                            xneed[b] = 0.0
                        for u in range(u0, u1):
                            if use_kind[u] == 1:
                                j = use_idx[u]
                                for b in range(nb):
                                    xneed[b] += rext[j, b]
                        if resourcing:
                            ask = False
                            for b in range(nb):
                                deficit[b] = xneed[b] - max(left[h, b] - lvl[h, b], 0.0)
                                ask = ask or deficit[b] > 0.0
                            if ask:
                                _pull_deep(
                                    h, nb, deficit, got, done, avail, left, pipe, act, flow, rlim, pc, lvl,
                                    r_from, pull_ptr, pull_route, prod_ptr, prod_out,
                                    in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
                                )  # fmt: skip
                                for b in range(nb):
                                    left[h, b] += got[b]
                        # what the hub may ship: what it holds above its level, plus the share of its
                        # stock level that front-loaded orders may draw (front_stock)
                        drawable = front_stock[0] * stock_level[h]
                        for b in range(nb):
                            xs = 0.0
                            if xneed[b] > 0.0:
                                xs = min(1.0, max(left[h, b] - lvl[h, b] + drawable, 0.0) / xneed[b])
                            xshare[b] = xs
                            left[h, b] -= xs * xneed[b]
                    if w_sup:
                        sup = out_supply[t, h, s0 : s0 + nb]
                        for b in range(nb):
                            sup[b] = avail[h, b]
                    if w_ratio:
                        row = out_ratio[t, h, s0 : s0 + nb]
                        for b in range(nb):
                            row[b] = hratio[h, b]
                    if w_qsum:
                        row = out_qsum[t, h, s0 : s0 + nb]
                        for b in range(nb):
                            row[b] = qsum[b]
                    for u in range(u0, u1):
                        if use_kind[u] != 1:
                            continue
                        j = use_idx[u]
                        g = r_to[j]
                        dest = pipe if r_lag[j] else avail
                        if hext[h]:
                            # the extra shipped is kept at the destination, above its level
                            room = xpipe if r_lag[j] else lvl
                            for b in range(nb):
                                x = rext[j, b] * xshare[b]
                                a = rtar[j, b] * hratio[h, b] + x
                                flow[j, b] = a
                                dest[g, b] += a
                                room[g, b] += x
                            roomy[g] = True
                        elif keep_flow:
                            for b in range(nb):
                                a = rtar[j, b] * hratio[h, b]
                                flow[j, b] = a
                                dest[g, b] += a
                        else:
                            for b in range(nb):
                                dest[g, b] += rtar[j, b] * hratio[h, b]
                    done[h] = True
                else:
                    # input e was allocated coefficient x plan x ratio of its hub, so the process
                    # runs at plan x (smallest ratio over its inputs) and returns the rest
                    p = i
                    e0 = in_ptr[p]
                    e1 = in_ptr[p + 1]
                    if e1 == e0:
                        for b in range(nb):
                            act[p, b] = plan[p, b]
                    elif e1 == e0 + 1:
                        # one input: it is used in full, nothing returns
                        g = in_hub[e0]
                        for b in range(nb):
                            act[p, b] = plan[p, b] * hratio[g, b]
                    elif e1 == e0 + 2:
                        # two inputs (the common case), in one pass
                        g0 = in_hub[e0]
                        g1 = in_hub[e0 + 1]
                        c0 = in_coef[e0]
                        c1 = in_coef[e0 + 1]
                        for b in range(nb):
                            pl = plan[p, b]
                            h0 = hratio[g0, b]
                            h1 = hratio[g1, b]
                            a = min(h0, h1) * pl
                            act[p, b] = a
                            left[g0, b] += c0 * (pl * h0 - a)
                            left[g1, b] += c1 * (pl * h1 - a)
                    else:
                        _least_share(act, p, e0, e1, in_hub, plan, hratio, nb)
                        for e in range(e0, e1):
                            g = in_hub[e]
                            c = in_coef[e]
                            for b in range(nb):
                                left[g, b] += c * (plan[p, b] * hratio[g, b] - act[p, b])
                    if resourcing and alt_ptr[p + 1] > alt_ptr[p]:
                        below = False  # (call only if some scenario of the block is short)
                        for b in range(nb):
                            below = below or act[p, b] < plan[p, b] * (1.0 - 1e-9)
                        if below:
                            _substitute(
                                p, nb, t, n_t, depth, plan, hratio, alt_start, alt_got, alt_shares,
                                alt_ptr, alt_in, alt_hub, alt_coef, alt_share, alt_ramp,
                                done, avail, left, pipe, act, flow, rlim, pc, lvl,
                                r_from, pull_ptr, pull_route, prod_ptr, prod_out,
                                in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
                            )  # fmt: skip
                    if not resourcing and e1 > e0:
                        # pro rata, activity is final here: note the first period short of input
                        for b in range(nb):
                            f = first[p, b]
                            first[p, b] = t if f == n_t and act[p, b] < plan[p, b] * (1 - 1e-6) - 1e-12 else f
                    for e in range(out_ptr[p], out_ptr[p + 1]):
                        g = out_hub[e]
                        y = out_yield[e]
                        dest = pipe if out_lag[e] else avail
                        for b in range(nb):
                            dest[g, b] += act[p, b] * y
            # summaries of the period: demand served and lost, cells made, processes short of input
            for b in range(nb):
                lv[b] = 0.0
                any_short[b] = False
            for d in range(n_d):
                h = demand_hub[d]
                val = demand_value[d]
                for b in range(nb):
                    target = dtar[d, b]
                    short = max(target - target * hratio[h, b], 0.0)
                    short_b[b] = short
                    lv[b] += short * val
                    any_short[b] = any_short[b] or short > 1e-6 * target + 1e-12
                    worst[b] = max(worst[b], short / target if target > 0.0 else 0.0)
                e_short[ib, t, d] = _dot(w_b, short_b)
                e_dem[ib, t, d] = _dot(w_b, dtar[d])
                if w_served:
                    row = out_served[t, d, s0 : s0 + nb]
                    for b in range(nb):
                        row[b] = dtar[d, b] * hratio[h, b]
                if w_dem:
                    row = out_demand[t, d, s0 : s0 + nb]
                    for b in range(nb):
                        row[b] = dtar[d, b]
            for b in range(nb):
                lost_value_t[t, s0 + b] = lv[b]
                if any_short[b]:
                    n_short[b] += 1
            for c in range(n_c):
                for b in range(nb):
                    prod[c, b] = 0.0
            for k in range(cell_proc.shape[0]):
                p = cell_proc[k]
                c = cell_slot[k]
                y = cell_yield[k]
                for b in range(nb):
                    prod[c, b] += y * act[p, b]
            for c in range(n_c):
                bc = base_cells[c]
                for b in range(nb):
                    lost_c[b] += max(bc - prod[c, b], 0.0)
            if resourcing:  # (re-sourcing may raise a process's activity after its visit)
                for p in range(n_p):
                    if has_inputs[p]:
                        for b in range(nb):
                            if first[p, b] == n_t and act[p, b] < plan[p, b] * (1 - 1e-6) - 1e-12:
                                first[p, b] = t
            # end of the period: keep stock up to its level; next period starts with it plus
            # what lagged edges delivered
            # (left is not read again before the hub's next visit sets it)
            for h in range(n_h):
                lv_h = stock_level[h]
                if w_left:
                    row = out_left[t, h, s0 : s0 + nb]
                    for b in range(nb):
                        row[b] = left[h, b]
                if roomy[h]:
                    # keep stock up to the level with what was pulled forward; what is kept
                    # above the stock level stays room for the next period, plus what lagged
                    # routes pulled forward into the hub this period
                    more = False
                    for b in range(nb):
                        kept = min(max(left[h, b], 0.0), lvl[h, b])
                        if w_stock:
                            out_stock[t, h, s0 + b] = kept
                        avail[h, b] = kept + pipe[h, b]
                        pipe[h, b] = 0.0
                        x = max(kept - lv_h, 0.0) + xpipe[h, b]
                        xpipe[h, b] = 0.0
                        lvl[h, b] = lv_h + x
                        more = more or x > 0.0
                    roomy[h] = more
                    continue
                if lag_in[h]:
                    for b in range(nb):
                        avail[h, b] = min(max(left[h, b], 0.0), lv_h) + pipe[h, b]
                        pipe[h, b] = 0.0
                else:
                    for b in range(nb):
                        avail[h, b] = min(max(left[h, b], 0.0), lv_h)
                if w_stock:
                    row = out_stock[t, h, s0 : s0 + nb]
                    for b in range(nb):
                        row[b] = min(max(left[h, b], 0.0), lv_h)
            if ramped:  # note the first period each process ran above its plan
                for p in range(n_p):
                    for b in range(nb):
                        if pull_start[p, b] == n_t and act[p, b] > plan[p, b] * (1.0 + 1e-9) + 1e-12:
                            pull_start[p, b] = t
            if w_act:
                for p in range(n_p):
                    row = out_act[t, p, s0 : s0 + nb]
                    for b in range(nb):
                        row[b] = act[p, b]
            if w_flow:
                for r in range(n_r):
                    row = out_flow[t, r, s0 : s0 + nb]
                    for b in range(nb):
                        row[b] = flow[r, b]
            # put the shocked targets back to their baseline values
            for b in range(nb):
                key = (s0 + b) * n_t + t
                for e in range(ev_ptr[key], ev_ptr[key + 1]):
                    i = ev_item[e]
                    k = ev_kind[e]
                    if k == 0:
                        plan[i, b] = plan0[i]
                        if resourcing:
                            pcap[i, b] = capacity[i] * 1.0
                    elif k == 1:
                        rtar[i, b] = rtar0[i]
                        rext[i, b] = 0.0
                        if resourcing:
                            rlim[i, b] = rlim0[i]
                    else:
                        dtar[i, b] = demand_qty[i]
        for b in range(nb):
            short_periods[s0 + b] = n_short[b]
            worst_share[s0 + b] = worst[b]
            lost_cells[s0 + b] = lost_c[b]
        for p in range(n_p):
            pw, fs, ea = _dry_sums(first, p, nb, weight, s0, n_t, n_t)
            p_dry[ib, p] = pw
            first_sum[ib, p] = fs
            earliest[ib, p] = ea
