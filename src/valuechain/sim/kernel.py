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

__all__ = ["OUTPUTS", "Workspace", "run_chunk", "simulate_kernel"]

#: Outputs the kernel can write.
OUTPUTS = ("supply", "stock", "served", "activity", "flow")
#: Largest block of scenarios one thread runs together.
BLOCK = 256


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
    """Run all scenarios of a chunk; see the module docstring for the semantics.

    ``out_supply``, ``out_stock`` and ``out_flow`` may be empty (shape ``(0, 0, 0)``): they are
    then not written.
    """
    n_t = mult_p.shape[0]
    n_s = mult_p.shape[2]
    n_h = stock0.shape[0]
    n_p = base_act.shape[0]
    n_r = route_base.shape[0]
    n_d = demand_qty.shape[0]
    n_nodes = order_kind.shape[0]
    n_blocks = (n_s + block - 1) // block
    w_sup = out_supply.shape[0] > 0
    w_stock = out_stock.shape[0] > 0
    w_flow = out_flow.shape[0] > 0
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
        # targets of the period, computed once from the multipliers: routes (baseline flow
        # within the route's limit) and demand rows; in re-sourcing mode also the limits
        rtar = np.empty((n_r, nb))
        dtar = np.empty((n_d, nb))
        pcap = np.empty((n_p, nb) if resourcing else (0, nb))
        rlim = np.empty((n_r, nb) if resourcing else (0, nb))
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
                if resourcing:
                    for b in range(nb):
                        c = cp * row[b]
                        pcap[p, b] = c
                        plan[p, b] = min(bp, c)
                else:
                    for b in range(nb):
                        plan[p, b] = min(bp, cp * row[b])
            for r in range(n_r):
                rb = route_base[r]
                rc = route_cap[r]
                row = mr[r, s0 : s0 + nb]
                if resourcing:
                    for b in range(nb):
                        lim = _route_limit(rc, rb, row[b])
                        rlim[r, b] = lim
                        rtar[r, b] = min(rb, lim)
                else:
                    for b in range(nb):
                        rtar[r, b] = min(rb, _route_limit(rc, rb, row[b]))
            for d in range(n_d):
                dq = demand_qty[d]
                row = md[d, s0 : s0 + nb]
                for b in range(nb):
                    dtar[d, b] = dq * row[b]
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
                            for b in range(nb):
                                qsum[b] += rtar[j, b]
                        else:
                            for b in range(nb):
                                qsum[b] += dtar[j, b]
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
                    for u in range(u0, u1):
                        k = use_kind[u]
                        j = use_idx[u]
                        if k == 1:
                            g = r_to[j]
                            if r_lag[j]:
                                for b in range(nb):
                                    a = rtar[j, b] * hratio[h, b]
                                    flow[j, b] = a
                                    pipe[g, b] += a
                            else:
                                for b in range(nb):
                                    a = rtar[j, b] * hratio[h, b]
                                    flow[j, b] = a
                                    avail[g, b] += a
                        elif k == 2:
                            served = out_served[t, j, s0 : s0 + nb]
                            for b in range(nb):
                                served[b] = dtar[j, b] * hratio[h, b]
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
                for b in range(nb):
                    v = min(max(left[h, b], 0.0), lv)
                    left[h, b] = v
                    avail[h, b] = v + pipe[h, b]
                    pipe[h, b] = 0.0
                if w_stock:
                    row = out_stock[t, h, s0 : s0 + nb]
                    for b in range(nb):
                        row[b] = left[h, b]
            for p in range(n_p):
                row = out_act[t, p, s0 : s0 + nb]
                for b in range(nb):
                    row[b] = act[p, b]
            if w_flow:
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
    outputs: tuple[str, ...] = OUTPUTS,
    workspace: Workspace | None = None,
) -> dict[str, np.ndarray]:
    """Run the kernel on one chunk of multipliers shaped ``(period, item, scenario)``.

    Returns the ``outputs`` asked for among ``supply``, ``stock`` (period, hub, scenario),
    ``served`` (period, demand, scenario), ``activity`` (period, process, scenario) and ``flow``
    (period, route, scenario); ``served`` and ``activity`` are always returned. With a
    ``workspace``, the outputs are views of its buffers, valid until its next use.
    """
    n_t, n_p, n_s = mult_p.shape
    if block is None:
        block = default_block(n_s)
    shapes = {"supply": n_hubs, "stock": n_hubs, "served": mult_d.shape[1], "activity": n_p, "flow": mult_r.shape[1]}
    keep = set(outputs) | {"served", "activity"}
    ws = workspace if workspace is not None else Workspace()
    out = {k: ws.array(k, (n_t, m, n_s)) if k in keep else np.empty((0, 0, 0)) for k, m in shapes.items()}
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
    return {k: v for k, v in out.items() if k in keep}


class Workspace:
    """Flat buffers reused from chunk to chunk.

    A fresh array for every chunk costs page faults and zeroing by the operating system on first
    touch, which takes about as long as the kernel itself; views of buffers that are already
    mapped do not.
    """

    def __init__(self) -> None:
        self._buffers: dict[str, np.ndarray] = {}

    def array(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A C-contiguous float64 array of ``shape`` (uninitialised) over the buffer ``name``."""
        n = int(np.prod(shape))
        buf = self._buffers.get(name)
        if buf is None or buf.size < n:
            buf = np.empty(n)
            self._buffers[name] = buf
        return buf[:n].reshape(shape)


def default_block(n_s: int) -> int:
    """Scenarios per block: up to BLOCK, at least one block per thread."""
    return int(min(BLOCK, max(8, -(-n_s // get_num_threads()))))


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
