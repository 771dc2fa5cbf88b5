"""The Numba simulation kernel: arrays in, arrays out.

One call runs every scenario of a chunk over every period. Scenarios are processed in blocks:
the state of a block is held as ``(item, scenario)`` arrays and every innermost loop runs over
the scenarios of the block, so the compiler vectorises it; blocks run in parallel threads.
Optional dense results are written to preallocated ``(period, item, scenario)`` outputs.

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
   spare capacity, fed by spare supply at their input hubs. It then hands every use
   ``target x min(1, supply / total target)`` (pro rata). A *process* runs at
   ``min(plan, allocated input / coefficient)`` over its inputs, returns unused inputs to their
   hubs and delivers its outputs.
4. At the end of the period each hub keeps what is left, up to its stock level (its initial
   stock, capped by its stock capacity); the rest leaves the network.

Shocks arrive as sparse entries (only the multipliers that differ from 1, grouped by scenario
and period): the targets of a block start at their baseline values, the entries of a period
overwrite theirs and are put back after it, so unshocked items cost nothing extra. Summaries are
taken inside the kernel, period by period, so nothing of size scenarios x periods x items has to
be written unless asked for. A scenario counts as short in a period, and a process as run dry,
when it falls short by more than a millionth: rounding in balanced baseline data (about 1e-8 in
the bundled global network) is not a disruption.

Summary runs of sparse shocks (plant outages on large networks) go to the delta kernel instead
(``valuechain.sim.delta``), which computes only the rows a shock changes; :func:`run_chunk`
chooses.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numba import get_num_threads, njit, prange

__all__ = ["OUTPUTS", "Events", "Workspace", "events_from_dense", "make_events", "run_chunk", "simulate_kernel"]

#: Dense outputs the kernel can write, besides its summaries.
OUTPUTS = ("supply", "stock", "served", "demand", "activity", "flow")
#: Largest block of scenarios one thread runs together.
BLOCK = 256
#: Bytes of block state a thread should keep in cache (a typical L2 per core). Measured on the
#: global network (315 hubs, 218 processes, 619 routes: 28 kB per scenario), blocks of 64 ran
#: 1.2-1.5x faster than blocks of 16 or 256; networks of 50 processes run best with 256.
CACHE = 2 * 2**20
#: Above this many bytes of state per scenario (networks of about 7,000 processes and more), the
#: state of a block lives in main memory whatever its size, and long rows amortise each fetch:
#: blocks of 512 ran 1.0-1.3x faster than blocks of 64 at 1e4 processes, 1.5x at 3e4 and 1.6x at
#: 1e5 (synthetic networks), and 1.5x slower at 5,000 processes.
LARGE_STATE = 256 * 2**10
LARGE_BLOCK = 512
#: Most bytes of state one block may take (each thread holds one block at a time).
BLOCK_MEMORY = 256 * 2**20
#: Scenarios per block of the delta kernel (synthetic networks of 1e3-1e5 processes, random plant
#: outages, one interleaved run): 64 ran 1.2-1.5x faster than 16 and about as fast as 128.
DELTA_BLOCK = 64
#: Most distinct items shocked in a block of DELTA_BLOCK scenarios, as a share of the network's
#: nodes, for the delta kernel to be chosen (see ``_sparse_enough``).
DELTA_SHARE = 0.15


@njit(inline="always", cache=True)
def _route_limit(rc: float, rb: float, m: float) -> float:
    # capacity x m when m >= 1; at most m x the baseline flow (never above capacity) when m < 1
    if m >= 1.0:
        return rc * m
    lim = m * rb
    return lim if lim < rc else rc


@njit(cache=True, fastmath=True)
def _dot(a, b):  # type: ignore[no-untyped-def]
    # a weighted sum over a block's scenarios; reassociated (so vectorised): the order of a sum of
    # non-negative terms changes only its last bits
    acc = 0.0
    for i in range(a.shape[0]):
        acc += a[i] * b[i]
    return acc


@njit(inline="always", cache=True)
def _shock_target(k, i, m, base_act, capacity, route_base, route_cap, demand_qty):  # type: ignore[no-untyped-def]
    # the target of item i of kind k (0 process, 1 route, 2 demand) under multiplier m, and its
    # limit (capacity of a process or route, which re-sourcing may use up to)
    if k == 0:
        c = capacity[i] * m
        return min(base_act[i], c), c
    if k == 1:
        lim = _route_limit(route_cap[i], route_base[i], m)
        return min(route_base[i], lim), lim
    return demand_qty[i] * m, 0.0


@njit(inline="always", cache=True)
def _target_sum(qsum, nb, u0, u1, use_kind, use_idx, in_proc, in_coef, plan, rtar, dtar):  # type: ignore[no-untyped-def]
    # what the uses u0..u1 of a hub ask of it, per scenario of a block
    for b in range(nb):
        qsum[b] = 0.0
    for u in range(u0, u1):
        k = use_kind[u]
        j = use_idx[u]
        if k == 0:
            p = in_proc[j]
            c = in_coef[j]
            for b in range(nb):
                qsum[b] += c * plan[p, b]
        elif k == 1:
            for b in range(nb):
                qsum[b] += rtar[j, b]
        else:
            for b in range(nb):
                qsum[b] += dtar[j, b]


@njit(inline="always", cache=True)
def _least_share(act, p, e0, e1, in_hub, plan, ratio, nb):  # type: ignore[no-untyped-def]
    # activity of a process with inputs e0..e1: its plan times the smallest share of its inputs
    g = in_hub[e0]
    for b in range(nb):
        act[p, b] = ratio[g, b]
    for e in range(e0 + 1, e1):
        g = in_hub[e]
        for b in range(nb):
            act[p, b] = min(act[p, b], ratio[g, b])
    for b in range(nb):
        act[p, b] *= plan[p, b]


@njit(inline="always", cache=True)
def _dry_sums(first, p, nr, weight, s0, n_t, earliest):  # type: ignore[no-untyped-def]
    # weight of a block's scenarios in which process p ran dry, the weighted sum of the first
    # periods it did, and the earliest of them (or ``earliest`` if none is earlier)
    pw = 0.0
    fs = 0.0
    ea = earliest
    for b in range(nr):
        f = first[p, b]
        if f < n_t:
            pw += weight[s0 + b]
            fs += weight[s0 + b] * f
            if f < ea:
                ea = f
    return pw, fs, ea


@njit(parallel=True, cache=True, error_model="numpy")
def simulate_kernel(  # type: ignore[no-untyped-def]
    order_kind, order_idx,
    in_ptr, in_proc, in_hub, in_coef,
    out_ptr, out_proc, out_hub, out_yield, out_lag,
    r_from, r_to, r_lag,
    use_ptr, use_kind, use_idx, in_use,
    pull_ptr, pull_route, prod_ptr, prod_out,
    base_act, capacity, route_base, route_cap, demand_qty, stock0, stock_level, pipe0,
    ev_ptr, ev_kind, ev_item, ev_val, weight, n_t, resourcing, block,
    demand_hub, demand_value, has_inputs, cell_proc, cell_slot, cell_yield, base_cells,
    lost_value_t, short_periods, worst_share, lost_cells,
    e_short, e_dem, p_dry, first_sum, earliest,
    out_supply, out_stock, out_served, out_demand, out_act, out_flow, out_ratio, out_qsum, out_left,
):  # fmt: skip
    """Run all scenarios of a chunk; see the module docstring for the semantics.

    Shocks arrive as entries in CSR form over ``scenario * n_t + period`` (``ev_ptr``): kind
    (0 process, 1 route, 2 demand), item and multiplier; every other multiplier is 1. Summaries
    are written per scenario (``lost_value_t`` (period, scenario), ``short_periods``,
    ``worst_share``, ``lost_cells``) and as ``weight``-weighted sums per block of scenarios
    (``e_short``, ``e_dem`` (block, period, demand), ``p_dry``, ``first_sum`` and the smallest
    first period dry, ``earliest`` (block, process)). The dense outputs may be empty (shape
    ``(0, 0, 0)``): they are then not written.
    """
    n_s = weight.shape[0]
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
    for ib in prange(n_blocks):
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
                    else:
                        dtar[i, b] = v
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
                        for q in range(pull_ptr[h], pull_ptr[h + 1]):
                            r = pull_route[q]
                            o = r_from[r]
                            for b in range(nb):
                                if deficit[b] > 0.0:
                                    x = min(deficit[b], left[o, b] - stock_level[o], rlim[r, b] - flow[r, b])
                                    if x > 0.0:
                                        flow[r, b] += x
                                        left[o, b] -= x
                                        avail[h, b] += x
                                        deficit[b] -= x
                        for q in range(prod_ptr[h], prod_ptr[h + 1]):
                            e = prod_out[q]
                            p = out_proc[e]
                            y = out_yield[e]
                            for b in range(nb):
                                if deficit[b] > 0.0:
                                    x = min(pcap[p, b] - act[p, b], deficit[b] / y)
                                    for e2 in range(in_ptr[p], in_ptr[p + 1]):
                                        g = in_hub[e2]
                                        x = min(x, (left[g, b] - stock_level[g]) / in_coef[e2])
                                    if x > 0.0:
                                        act[p, b] += x
                                        for e2 in range(in_ptr[p], in_ptr[p + 1]):
                                            left[in_hub[e2], b] -= x * in_coef[e2]
                                        for e3 in range(out_ptr[p], out_ptr[p + 1]):
                                            g = out_hub[e3]
                                            qty = x * out_yield[e3]
                                            if out_lag[e3]:
                                                pipe[g, b] += qty
                                            elif done[g]:
                                                left[g, b] += qty
                                            else:
                                                avail[g, b] += qty
                                        deficit[b] -= x * y
                    # every use gets target x ratio; what is not handed out stays at the hub
                    for b in range(nb):
                        av = avail[h, b]
                        q = qsum[b]
                        rt = 1.0 if av >= q else av / q
                        hratio[h, b] = rt
                        left[h, b] = av - rt * q
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
                        if keep_flow:
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


class Events(NamedTuple):
    """Shock entries of one chunk in the kernel's layout.

    Entries are grouped by ``scenario * n_t + period`` (CSR pointer ``ptr``, length
    ``n_s * n_t + 1``); ``kind`` is 0 (process), 1 (route) or 2 (demand), ``item`` the position on
    the compiled (canonical) item axis and ``value`` the multiplier. One entry per cell at most.
    """

    n_s: int
    n_t: int
    ptr: np.ndarray
    kind: np.ndarray
    item: np.ndarray
    value: np.ndarray


def make_events(
    n_s: int, n_t: int, scenario: np.ndarray, period: np.ndarray, kind: np.ndarray, item: np.ndarray, value: np.ndarray
) -> Events:
    """Group entries (at most one per scenario, period, kind and item) for the kernel."""
    key = np.asarray(scenario, dtype=np.int64) * n_t + np.asarray(period, dtype=np.int64)
    kind, item = np.asarray(kind, dtype=np.int64), np.asarray(item, dtype=np.int64)
    value = np.asarray(value, dtype=np.float64)
    if len(key) > 1 and (key[1:] < key[:-1]).any():
        order = np.argsort(key, kind="stable")
        key, kind, item, value = key[order], kind[order], item[order], value[order]
    ptr = np.zeros(n_s * n_t + 1, dtype=np.int64)
    if len(key):
        np.cumsum(np.bincount(key, minlength=n_s * n_t), out=ptr[1:])
    return Events(n_s, n_t, ptr, np.ascontiguousarray(kind), np.ascontiguousarray(item), np.ascontiguousarray(value))


def events_from_dense(mult_p: np.ndarray, mult_r: np.ndarray, mult_d: np.ndarray) -> Events:
    """Events of dense multipliers shaped ``(period, item, scenario)`` in the compiled item order."""
    n_t, _, n_s = mult_p.shape
    parts = []
    for k, x in enumerate((mult_p, mult_r, mult_d)):
        t, i, s = np.nonzero(x != 1.0)
        parts.append((s, t, np.full(len(s), k), i, x[t, i, s]))
    cat = [np.concatenate([q[j] for q in parts]) for j in range(5)]
    return make_events(n_s, n_t, *cat)


def run_chunk(
    args: tuple[np.ndarray, ...],
    events: Events,
    statics: tuple[np.ndarray, ...],
    weight: np.ndarray | None = None,
    *,
    resourcing: bool,
    block: int | None = None,
    outputs: tuple[str, ...] = (),
    workspace: Workspace | None = None,
    method: str = "auto",
) -> dict[str, np.ndarray]:
    """Run the kernel on one chunk of scenarios.

    ``args`` are the compiled network's arrays (``SimArrays.kernel_args()``), ``statics`` the
    arrays the summaries need (``valuechain.sim.simulate.summary_statics``), ``weight`` each
    scenario's weight in the expected values (default 1).

    Returns the summaries -- per scenario ``lost_value_t`` (period, scenario), ``short_periods``,
    ``worst_share``, ``lost_cells``; weighted sums ``e_short`` and ``e_dem`` (period, demand),
    ``p_dry`` and ``first_sum`` (process); ``earliest`` (process; first period any scenario ran
    short of input, ``inf`` if none); ``work``, how many values the kernel computed (one per item,
    scenario and period, counting the padding of a last, shorter block), of nodes (hubs and
    processes) and of edges (recipe inputs and outputs, routes, demand rows) -- and the
    ``outputs`` asked for among ``supply``, ``stock`` (period, hub, scenario), ``served``,
    ``demand`` (period, demand row, scenario), ``activity`` (period, process, scenario) and
    ``flow`` (period, route, scenario). With a ``workspace``, the outputs are views of its
    buffers, valid until its next use.

    ``method`` 'full' visits every node for every scenario; 'delta' (pro-rata summaries only)
    computes only the rows a shock changes, against the unshocked run
    (``valuechain.sim.delta``); 'auto' takes 'delta' for pro-rata summaries when the shocks
    are sparse enough for it to pay (:func:`_sparse_enough`).
    """
    n_s, n_t = events.n_s, events.n_t
    n_h, n_p, n_r, n_d = len(args[27]), len(args[22]), len(args[24]), len(args[26])
    w = np.ones(n_s) if weight is None else np.ascontiguousarray(weight, dtype=np.float64)
    shapes = {"supply": n_h, "stock": n_h, "served": n_d, "demand": n_d, "activity": n_p, "flow": n_r}
    shapes.update({"ratio": n_h, "qsum": n_h, "left": n_h})  # (the reference run of the delta kernel)
    unknown = set(outputs) - set(shapes)
    if unknown:
        raise ValueError(f"unknown kernel outputs {sorted(unknown)}; expected some of {list(OUTPUTS)}")
    if method not in ("auto", "full", "delta"):
        raise ValueError(f"unknown kernel method {method!r}; expected 'auto', 'full' or 'delta'")
    if method == "delta" and (resourcing or outputs):
        raise ValueError("the delta kernel runs pro-rata summaries only (no re-sourcing, no dense outputs)")
    delta = method == "delta" or (method == "auto" and not resourcing and not outputs and _sparse_enough(args, events))
    if block is None and delta:
        block = min(DELTA_BLOCK, max(1, -(-n_s // get_num_threads())))
    elif block is None:
        block = default_block(n_s, 8 * (5 * n_h + 3 * n_p + 2 * n_r + n_d))
    n_blocks = max(1, -(-n_s // block))
    ws = workspace if workspace is not None else Workspace()
    out = {k: ws.array(k, (n_t, m, n_s)) if k in outputs else np.empty((0, 0, 0)) for k, m in shapes.items()}
    res = {
        "lost_value_t": np.zeros((n_t, n_s)),
        "short_periods": np.zeros(n_s, dtype=np.int64),
        "worst_share": np.zeros(n_s),
        "lost_cells": np.zeros(n_s),
    }
    # weighted sums: one row per block (full kernel) or per thread (delta kernel)
    rows = min(n_blocks, get_num_threads()) if delta else n_blocks
    part = {
        "e_short": np.zeros((rows, n_t, n_d)),
        "e_dem": np.zeros((rows, n_t, n_d)),
        "p_dry": np.zeros((rows, n_p)),
        "first_sum": np.zeros((rows, n_p)),
        "earliest": np.full((rows, n_p), n_t, dtype=np.int64),
    }
    if delta:
        from valuechain.sim.delta import delta_kernel

        # scenarios shocked near each other in the network share a block, so that the rows
        # their shocks change overlap
        ev, perm = _grouped(args, statics, events)
        per_s = {k: np.empty_like(v) for k, v in res.items()}
        short_ref = np.empty((n_t, n_d))
        lane_work = np.zeros((rows, 2), dtype=np.int64)  # (one row of sums per lane)
        # (hubs renumbered in visiting order: no result is indexed by hub)
        args_v, statics_v, ref = ws.delta_inputs(args, statics, n_t)
        delta_kernel(  # type: ignore[call-arg]
            *args_v,
            ev.ptr, ev.kind, ev.item, ev.value, w[perm], int(n_t), int(block),
            *statics_v,
            *ref,
            *per_s.values(),
            *part.values(),
            short_ref,
            lane_work,
        )  # fmt: skip
        work = lane_work.sum(axis=0) * block
        for k, v in per_s.items():
            res[k][..., perm] = v
        # (the blocks' weighted sums are differences from the reference run's)
        part["e_short"][0] += short_ref * w.sum()
        part["e_dem"][0] += args[26] * w.sum()
    else:
        simulate_kernel(  # type: ignore[call-arg]
            *args,
            events.ptr, events.kind, events.item, events.value, w, int(n_t), bool(resourcing), int(block),
            *statics,
            *res.values(),
            *part.values(),
            *out.values(),
        )  # fmt: skip
        # (every node and edge of the network, every period, for each block)
        n_edges = len(args[4]) + len(args[8]) + n_r + n_d
        work = np.array([len(args[0]), n_edges], dtype=np.int64) * n_t * n_blocks * block
    res.update({k: v.sum(axis=0) for k, v in part.items() if k != "earliest"})
    first = part["earliest"].min(axis=0)
    res["earliest"] = np.where(first < n_t, first, np.inf).astype(np.float64)
    res["work"] = work
    res.update({k: v for k, v in out.items() if k in outputs})
    return res


def _sparse_enough(args: tuple[np.ndarray, ...], events: Events) -> bool:
    """Whether the delta kernel should pay: few distinct items shocked per block of scenarios.

    Counted over the first eight blocks of DELTA_BLOCK scenarios, as a share of the network's
    nodes. Measured (kernel time, full over delta, 24 months): random single-plant outages 1.7x
    on a 1,000-process synthetic network (4.6% of its nodes per block), 3.4x on 1e4 processes
    (0.5%) and 1.2x on global-li-ion-2024 (10.5%); a random process cut in every month of every
    scenario 2.9x on 1e4 processes (10%) and 1.6x with two cuts (19%), but 0.89x on 1,000
    processes (57%) and 0.85x on the global network (41%); default risk-register samples 0.68x
    (21%). Hence the threshold DELTA_SHARE of 15%.
    """
    n_t = events.n_t
    m = min(events.n_s, 8 * DELTA_BLOCK)
    end = int(events.ptr[m * n_t])
    if end == 0:
        return True
    cell = np.repeat(np.arange(m * n_t), np.diff(events.ptr[: m * n_t + 1]))
    n_items = int(events.item[:end].max()) + 1
    n_blocks = -(-m // DELTA_BLOCK)
    seen = np.zeros(n_blocks * 3 * n_items, dtype=np.bool_)
    seen[((cell // n_t // DELTA_BLOCK) * 3 + events.kind[:end]) * n_items + events.item[:end]] = True
    per_block = np.count_nonzero(seen) / n_blocks
    return bool(per_block <= DELTA_SHARE * len(args[0]))


def _grouped(
    args: tuple[np.ndarray, ...], statics: tuple[np.ndarray, ...], events: Events
) -> tuple[Events, np.ndarray]:
    """The events with scenarios ordered by the first node (in visiting order) any of them shocks.

    Returns the reordered events and ``perm``: scenario ``k`` of the result is ``perm[k]`` of the input.
    """
    order_kind, order_idx, r_from, demand_hub = args[0], args[1], args[11], statics[0]
    n_s, n_t = events.n_s, events.n_t
    counts = np.diff(events.ptr)
    if n_s < 2 or not counts.any():
        return events, np.arange(n_s)
    pos = [np.zeros(len(x), dtype=np.int64) for x in (args[27], args[22])]  # hubs, processes
    for node_kind, p in enumerate(pos):
        at = np.flatnonzero(order_kind == node_kind)
        p[order_idx[at]] = at
    kind, item = events.kind, events.item
    node = np.empty(len(item), dtype=np.int64)
    for k, where in ((0, pos[1]), (1, pos[0][r_from]), (2, pos[0][demand_hub])):
        sel = kind == k
        node[sel] = where[item[sel]]
    cell = np.repeat(np.arange(n_s * n_t), counts)
    first = np.full(n_s, len(order_kind), dtype=np.int64)
    np.minimum.at(first, cell // n_t, node)
    perm = np.argsort(first, kind="stable")
    rank = np.empty(n_s, dtype=np.int64)
    rank[perm] = np.arange(n_s)
    return make_events(n_s, n_t, rank[cell // n_t], cell % n_t, kind, item, events.value), perm


def reference_run(args: tuple[np.ndarray, ...], statics: tuple[np.ndarray, ...], n_t: int) -> tuple[np.ndarray, ...]:
    """The unshocked run the delta kernel compares with, each ``(period, item)``.

    Supply at each hub's visit, the sum of its uses' targets, the share it hands out, what it
    holds at the end of the period, and each process's activity.
    """
    none = np.zeros(0, dtype=np.int64)
    ev = make_events(1, n_t, none, none, none, none, np.zeros(0))
    names = ("supply", "qsum", "ratio", "left", "activity")
    out = run_chunk(args, ev, statics, resourcing=False, block=1, outputs=names, method="full")
    return tuple(np.ascontiguousarray(out[k][:, :, 0]) for k in names)


def _regroup(ptr: np.ndarray, perm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A CSR's pointer with its groups in the order ``perm``, and the old position of each entry.

    Group ``i`` of the result is group ``perm[i]`` of ``ptr``; entries keep their order within a group.
    """
    lens = np.diff(ptr)[perm]
    new_ptr = np.zeros(len(perm) + 1, dtype=np.int64)
    np.cumsum(lens, out=new_ptr[1:])
    take = np.repeat(ptr[:-1][perm] - new_ptr[:-1], lens) + np.arange(new_ptr[-1])
    return new_ptr, take


def hubs_in_visiting_order(
    args: tuple[np.ndarray, ...], statics: tuple[np.ndarray, ...]
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """The kernel's arrays with hubs numbered in the order a period visits them.

    Compiled hubs are sorted by label, so the hubs a period visits one after the other lie far
    apart in every array indexed by hub (on a 1e5-process synthetic network, consecutive hubs in
    the visiting order are a median 2,800 labels apart). Numbered in visiting order, the delta
    kernel reads those arrays at rising positions. Processes, routes, demand rows and the entries
    within each hub's uses, pulls and producers keep their order, so every sum is taken in the
    same order and results do not change; only arrays indexed by hub do, and no summary is.
    """
    a = list(args)
    order_kind, order_idx = a[0], a[1]
    hub = order_kind == 0
    perm = order_idx[hub].astype(np.int64)  # new hub i is old hub perm[i]
    new = np.empty_like(perm)
    new[perm] = np.arange(len(perm))
    a[1] = order_idx.copy()
    a[1][hub] = new[order_idx[hub]]
    for k in (4, 8, 11, 12):  # in_hub, out_hub, r_from, r_to
        a[k] = new[a[k]]
    use_ptr, take = _regroup(a[14], perm)
    use_at = np.empty_like(take)
    use_at[take] = np.arange(len(take))
    a[14], a[15], a[16], a[17] = use_ptr, a[15][take], a[16][take], use_at[a[17]]
    for k in (18, 20):  # pulls (routes into each hub) and producers (output entries)
        ptr, take = _regroup(a[k], perm)
        a[k], a[k + 1] = ptr, a[k + 1][take]
    for k in (27, 28, 29):  # stock0, stock_level, pipe0
        a[k] = a[k][perm]
    st = list(statics)
    st[0] = new[st[0]]  # demand_hub
    return tuple(np.ascontiguousarray(x) for x in a), tuple(st)


class Workspace:
    """Flat buffers reused from chunk to chunk, and the delta kernel's inputs.

    A fresh array for every chunk costs page faults and zeroing by the operating system on first
    touch, which takes about as long as the kernel itself; views of buffers that are already
    mapped do not. The delta kernel's inputs (the arrays with hubs renumbered and the unshocked
    run) are the same for every chunk of a network; on chunks of a hundred scenarios the unshocked
    run alone took about as long as the delta kernel itself (40 ms at 1e4 processes).
    """

    def __init__(self) -> None:
        self._buffers: dict[str, np.ndarray] = {}
        self._visiting: tuple[tuple[np.ndarray, ...], tuple[Any, Any]] | None = None
        self._reference: tuple[int, tuple[np.ndarray, ...]] | None = None

    def delta_inputs(
        self, args: tuple[np.ndarray, ...], statics: tuple[np.ndarray, ...], n_t: int
    ) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
        """What the delta kernel runs on: the arrays with hubs renumbered, and their reference run.

        That is :func:`hubs_in_visiting_order` of ``args`` and ``statics``, and the
        :func:`reference_run` of those over ``n_t`` periods: taken once for the same arrays, and
        the reference once per horizon.
        """
        vis = self._visiting
        if vis is None or vis[0] is not args:
            vis = self._visiting = (args, hubs_in_visiting_order(args, statics))
            self._reference = None
        args_v, statics_v = vis[1]
        ref = self._reference
        if ref is None or ref[0] != n_t:
            ref = self._reference = (n_t, reference_run(args_v, statics_v, n_t))
        return args_v, statics_v, ref[1]

    def array(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A C-contiguous float64 array of ``shape`` (uninitialised) over the buffer ``name``."""
        n = int(np.prod(shape))
        buf = self._buffers.get(name)
        if buf is None or buf.size < n:
            buf = np.empty(n)
            self._buffers[name] = buf
        return buf[:n].reshape(shape)


def default_block(n_s: int, scenario_bytes: int = 0) -> int:
    """Scenarios per block, a power of two.

    When the state of 64 scenarios (``scenario_bytes`` each) fits in ``CACHE`` bytes, the largest
    power of two in 64..BLOCK that fits. A network too large for that gets long blocks, so that
    each row of state fetched from memory serves many scenarios: up to LARGE_BLOCK, within
    BLOCK_MEMORY bytes of state per block (at least 8 scenarios). At least one block per thread.
    """
    sb = max(scenario_bytes, 1)
    if sb > LARGE_STATE:
        size = max(8, min(LARGE_BLOCK, 1 << (max(BLOCK_MEMORY // sb, 1).bit_length() - 1)))
    else:
        size = 1 << max(6, min(BLOCK.bit_length() - 1, (CACHE // sb).bit_length() - 1))
    return int(min(size, max(8, -(-n_s // get_num_threads()))))
