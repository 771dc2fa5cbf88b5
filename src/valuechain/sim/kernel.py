"""The Numba simulation kernel: arrays in, arrays out.

One call runs every scenario of a chunk over every period. Scenarios are processed in blocks:
the state of a block is held as ``(item, scenario)`` arrays and every innermost loop runs over
the scenarios of the block, so the compiler vectorises it; blocks run in parallel threads.
Shock multipliers arrive as ``(period, item, scenario)`` arrays and results are written to
preallocated ``(period, item, scenario)`` outputs.

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
"""

from __future__ import annotations

import numpy as np
from numba import get_num_threads, njit, prange

__all__ = ["simulate_kernel"]


@njit(inline="always", cache=True)
def _route_limit(rc: float, rb: float, m: float) -> float:
    # capacity x m when m >= 1; at most m x the baseline flow (never above capacity) when m < 1
    if m >= 1.0:
        return rc * m
    lim = m * rb
    return lim if lim < rc else rc


@njit(parallel=True, cache=True)
def simulate_kernel(  # type: ignore[no-untyped-def]
    order_kind, order_idx,
    in_ptr, in_proc, in_hub, in_coef,
    out_ptr, out_proc, out_hub, out_yield, out_lag,
    r_from, r_to, r_lag,
    use_ptr, use_kind, use_idx, in_use,
    pull_ptr, pull_route, prod_ptr, prod_out,
    base_act, capacity, route_base, route_cap, demand_qty, stock0, stock_level, pipe0,
    mult_p, mult_r, mult_d, resourcing, block,
    out_supply, out_stock, out_served, out_act, out_flow,
):  # fmt: skip
    """Run all scenarios of a chunk; see the module docstring for the semantics."""
    n_t = mult_p.shape[0]
    n_s = mult_p.shape[2]
    n_h = stock0.shape[0]
    n_p = base_act.shape[0]
    n_r = route_base.shape[0]
    n_nodes = order_kind.shape[0]
    n_blocks = (n_s + block - 1) // block
    for ib in prange(n_blocks):
        s0 = ib * block
        nb = min(n_s, s0 + block) - s0
        pipe = np.zeros((n_h, nb))
        avail = np.empty((n_h, nb))
        left = np.empty((n_h, nb))
        done = np.zeros(n_h, dtype=np.bool_)
        hratio = np.ones((n_h, nb))
        act = np.empty((n_p, nb))
        plan = np.empty((n_p, nb))
        flow = np.empty((n_r, nb))
        qsum = np.empty(nb)
        deficit = np.empty(nb)
        # (left, act and flow need no reset: each is set when its hub or process is visited,
        # before anything reads it)
        for h in range(n_h):
            for b in range(nb):
                avail[h, b] = stock0[h] + pipe0[h]
        for t in range(n_t):
            mp = mult_p[t]
            mr = mult_r[t]
            md = mult_d[t]
            for h in range(n_h):
                done[h] = False
            for p in range(n_p):
                bp = base_act[p]
                cp = capacity[p]
                row = mp[p, s0 : s0 + nb]
                for b in range(nb):
                    plan[p, b] = min(bp, cp * row[b])
            for n in range(n_nodes):
                i = order_idx[n]
                if order_kind[n] == 0:
                    h = i
                    u0 = use_ptr[h]
                    u1 = use_ptr[h + 1]
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
                            rb = route_base[j]
                            rc = route_cap[j]
                            row = mr[j, s0 : s0 + nb]
                            for b in range(nb):
                                qsum[b] += min(rb, _route_limit(rc, rb, row[b]))
                        else:
                            dq = demand_qty[j]
                            row = md[j, s0 : s0 + nb]
                            for b in range(nb):
                                qsum[b] += dq * row[b]
                    if resourcing:
                        for b in range(nb):
                            deficit[b] = qsum[b] - avail[h, b]
                        for q in range(pull_ptr[h], pull_ptr[h + 1]):
                            r = pull_route[q]
                            o = r_from[r]
                            for b in range(nb):
                                if deficit[b] > 0.0:
                                    x = min(
                                        deficit[b],
                                        left[o, b] - stock_level[o],
                                        _route_limit(route_cap[r], route_base[r], mr[r, s0 + b]) - flow[r, b],
                                    )
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
                                    x = min(capacity[p] * mp[p, s0 + b] - act[p, b], deficit[b] / y)
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
                    sup = out_supply[t, h, s0 : s0 + nb]
                    for b in range(nb):
                        av = avail[h, b]
                        q = qsum[b]
                        rt = 1.0 if av >= q else av / q
                        hratio[h, b] = rt
                        left[h, b] = av - rt * q
                        sup[b] = av
                    for u in range(u0, u1):
                        k = use_kind[u]
                        j = use_idx[u]
                        if k == 1:
                            g = r_to[j]
                            rb = route_base[j]
                            rc = route_cap[j]
                            row = mr[j, s0 : s0 + nb]
                            if r_lag[j]:
                                for b in range(nb):
                                    a = min(rb, _route_limit(rc, rb, row[b])) * hratio[h, b]
                                    flow[j, b] = a
                                    pipe[g, b] += a
                            else:
                                for b in range(nb):
                                    a = min(rb, _route_limit(rc, rb, row[b])) * hratio[h, b]
                                    flow[j, b] = a
                                    avail[g, b] += a
                        elif k == 2:
                            dq = demand_qty[j]
                            row = md[j, s0 : s0 + nb]
                            served = out_served[t, j, s0 : s0 + nb]
                            for b in range(nb):
                                served[b] = dq * row[b] * hratio[h, b]
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
                    else:
                        g = in_hub[e0]
                        for b in range(nb):
                            act[p, b] = hratio[g, b]
                        for e in range(e0 + 1, e1):
                            g = in_hub[e]
                            for b in range(nb):
                                act[p, b] = min(act[p, b], hratio[g, b])
                        for b in range(nb):
                            act[p, b] *= plan[p, b]
                        for e in range(e0, e1):
                            g = in_hub[e]
                            c = in_coef[e]
                            for b in range(nb):
                                left[g, b] += c * (plan[p, b] * hratio[g, b] - act[p, b])
                    for e in range(out_ptr[p], out_ptr[p + 1]):
                        g = out_hub[e]
                        y = out_yield[e]
                        if out_lag[e]:
                            for b in range(nb):
                                pipe[g, b] += act[p, b] * y
                        else:
                            for b in range(nb):
                                avail[g, b] += act[p, b] * y
            # end of the period: keep stock up to its level; next period starts with it plus
            # what lagged edges delivered
            for h in range(n_h):
                lv = stock_level[h]
                row = out_stock[t, h, s0 : s0 + nb]
                for b in range(nb):
                    v = min(max(left[h, b], 0.0), lv)
                    row[b] = v
                    avail[h, b] = v + pipe[h, b]
                    pipe[h, b] = 0.0
            for p in range(n_p):
                row = out_act[t, p, s0 : s0 + nb]
                for b in range(nb):
                    row[b] = act[p, b]
            for r in range(n_r):
                row = out_flow[t, r, s0 : s0 + nb]
                for b in range(nb):
                    row[b] = flow[r, b]


def run_chunk(
    args: tuple[np.ndarray, ...],
    mult_p: np.ndarray,
    mult_r: np.ndarray,
    mult_d: np.ndarray,
    *,
    n_hubs: int,
    resourcing: bool,
    block: int | None = None,
) -> dict[str, np.ndarray]:
    """Run the kernel on one chunk of multipliers shaped ``(period, item, scenario)``.

    Returns the outputs ``supply``, ``stock`` (period, hub, scenario), ``served`` (period, demand,
    scenario), ``activity`` (period, process, scenario) and ``flow`` (period, route, scenario).
    """
    n_t, n_p, n_s = mult_p.shape
    if block is None:  # blocks of up to 256 scenarios, at least one per thread
        block = int(min(256, max(8, -(-n_s // get_num_threads()))))
    out = {
        "supply": np.zeros((n_t, n_hubs, n_s)),
        "stock": np.zeros((n_t, n_hubs, n_s)),
        "served": np.zeros((n_t, mult_d.shape[1], n_s)),
        "activity": np.zeros((n_t, n_p, n_s)),
        "flow": np.zeros((n_t, mult_r.shape[1], n_s)),
    }
    simulate_kernel(  # type: ignore[call-arg]
        *args,
        np.ascontiguousarray(mult_p, dtype=np.float64),
        np.ascontiguousarray(mult_r, dtype=np.float64),
        np.ascontiguousarray(mult_d, dtype=np.float64),
        bool(resourcing),
        int(block),
        out["supply"],
        out["stock"],
        out["served"],
        out["activity"],
        out["flow"],
    )
    return out


@njit(cache=True)
def summarise_kernel(  # type: ignore[no-untyped-def]
    served, act, mult_p, mult_d,
    demand_qty, demand_value, base_act, capacity, has_inputs,
    cell_proc, cell_slot, cell_yield, base_cells, weight,
    lost_value_t, short_periods, worst_share, lost_cells,
    e_short, e_dem, p_dry, first_sum, earliest,
):  # fmt: skip
    """Reduce one chunk's outputs to per-scenario totals and weighted sums, in one pass.

    Writes ``lost_value_t`` (period, scenario), ``short_periods``, ``worst_share`` and
    ``lost_cells`` (scenario); adds ``weight``-weighted sums to ``e_short``, ``e_dem``
    (period, demand), ``p_dry`` and ``first_sum`` (process); lowers ``earliest`` (process).
    """
    n_t, n_d, n_s = served.shape
    n_p = act.shape[1]
    n_c = base_cells.shape[0]
    any_short = np.zeros(n_s, dtype=np.bool_)
    prod = np.zeros((n_c, n_s))
    first = np.empty((n_p, n_s), dtype=np.int64)
    for p in range(n_p):
        for s in range(n_s):
            first[p, s] = n_t
    for t in range(n_t):
        for s in range(n_s):
            lost_value_t[t, s] = 0.0
            any_short[s] = False
        for d in range(n_d):
            dq = demand_qty[d]
            val = demand_value[d]
            es = 0.0
            ed = 0.0
            for s in range(n_s):
                target = dq * mult_d[t, d, s]
                short = max(target - served[t, d, s], 0.0)
                lost_value_t[t, s] += short * val
                if short > 1e-9 * target + 1e-12:
                    any_short[s] = True
                if target > 0.0 and short / target > worst_share[s]:
                    worst_share[s] = short / target
                es += weight[s] * short
                ed += weight[s] * target
            e_short[t, d] += es
            e_dem[t, d] += ed
        for s in range(n_s):
            if any_short[s]:
                short_periods[s] += 1
        for c in range(n_c):
            for s in range(n_s):
                prod[c, s] = 0.0
        for k in range(cell_proc.shape[0]):
            p = cell_proc[k]
            c = cell_slot[k]
            y = cell_yield[k]
            for s in range(n_s):
                prod[c, s] += y * act[t, p, s]
        for c in range(n_c):
            for s in range(n_s):
                lost_cells[s] += max(base_cells[c] - prod[c, s], 0.0)
        for p in range(n_p):
            if not has_inputs[p]:
                continue
            bp = base_act[p]
            cp = capacity[p]
            for s in range(n_s):
                plan = min(bp, cp * mult_p[t, p, s])
                if first[p, s] == n_t and act[t, p, s] < plan * (1 - 1e-9) - 1e-12:
                    first[p, s] = t
    for p in range(n_p):
        for s in range(n_s):
            f = first[p, s]
            if f < n_t:
                p_dry[p] += weight[s]
                first_sum[p] += weight[s] * f
                if f < earliest[p]:
                    earliest[p] = f


@njit(parallel=True, cache=True)
def to_period_major(x, s0, s1, cols, out):  # type: ignore[no-untyped-def]
    """Copy ``x[s0:s1, :, cols]`` (scenario, period, item) into ``out`` as (period, item, scenario)."""
    n_t = x.shape[1]
    n_i = cols.shape[0]
    tile = 16
    for t in prange(n_t):
        for a in range(s0, s1, tile):
            b_end = min(s1, a + tile)
            for i in range(n_i):
                c = cols[i]
                for s in range(a, b_end):
                    out[t, i, s - s0] = x[s, t, c]
