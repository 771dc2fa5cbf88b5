"""The kernel of summary runs: only what a shock changes is computed.

A shock usually touches a small part of a network: one plant's outage changes its own output,
the hubs it feeds and whatever they feed in turn, and leaves the rest exactly as it would have
been. So the run first takes the *reference* trajectory (the unshocked run, one scenario, by the
full kernel in ``valuechain.sim.full``), and then, for each block of scenarios and period,
visits the nodes in the same order but computes a row of the block's state only where it may
differ from the reference:

- a hub when its supply differs (something upstream changed, or its stock did) or one of its
  uses has a shocked target;
- a process when its plan is shocked or one of its input hubs hands out a different share;
- the stock a hub carries into the next period when what it had left differs.

Supplies, what hubs keep and what lagged edges deliver are held as differences from the
reference, so a changed producer adds its change to the hub it feeds and unchanged producers add
nothing. A row whose difference is zero for every scenario of the block is clean again, and
nothing downstream of it is computed. The cost of a period is then one pass over the nodes'
flags plus the rows that changed, instead of every row of the network. The semantics are those
of the full kernel's pro-rata mode (module docstring of ``valuechain.sim.full``); results agree
with it up to rounding, and the tests compare the two. Front-loading (a route multiplier above
1) is not modelled here: runs with it take the full kernel (``valuechain.sim.kernel.run_chunk``).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from valuechain.sim._kernel_helpers import _dot, _dry_sums, _route_limit, _shock_target, _target_sum

__all__ = ["delta_kernel"]

#: A share of input below ``1 - DRY`` of the plan (less a tiny absolute slack) is running dry.
DRY = 1e-6


@njit(inline="always", cache=True)
def _open_row(x, stamp, i, t):  # type: ignore[no-untyped-def]
    # a difference row valid for period t: zeroed the first time it is written in the period
    if stamp[i] != t:
        stamp[i] = t
        for b in range(x.shape[1]):
            x[i, b] = 0.0


@njit(inline="always", cache=True)
def _mark(items, n, stamp, i, t):  # type: ignore[no-untyped-def]
    # add i to the list items[:n] of period t, once
    if stamp[i] == t:
        return n
    stamp[i] = t
    items[n] = i
    return n + 1


@njit(inline="always", cache=True)
def _least_row(arow, prow, e0, e1, in_hub, ratio, nb):  # type: ignore[no-untyped-def]
    # activity of a process with inputs e0..e1 and plan prow: its plan times the smallest share
    # of its inputs
    g = in_hub[e0]
    for b in range(nb):
        arow[b] = ratio[g, b]
    for e in range(e0 + 1, e1):
        g = in_hub[e]
        for b in range(nb):
            arow[b] = min(arow[b], ratio[g, b])
    for b in range(nb):
        arow[b] *= prow[b]


@njit(inline="always", cache=True)
def _nonzero(row) -> bool:  # type: ignore[no-untyped-def]
    for b in range(row.shape[0]):  # noqa: SIM110 (a loop Numba compiles)
        if row[b] != 0.0:
            return True
    return False


@njit(parallel=True, cache=True, error_model="numpy")
def delta_kernel(  # type: ignore[no-untyped-def]
    order_kind, order_idx,
    in_ptr, in_proc, in_hub, in_coef,
    out_ptr, out_proc, out_hub, out_yield, out_lag,
    r_from, r_to, r_lag,
    use_ptr, use_kind, use_idx, in_use,
    pull_ptr, pull_route, prod_ptr, prod_out,
    base_act, capacity, route_base, route_cap, demand_qty, stock0, stock_level, pipe0,
    ev_ptr, ev_kind, ev_item, ev_val, weight, n_t, block,
    demand_hub, demand_value, has_inputs, cell_proc, cell_slot, cell_yield, base_cells,
    sup_ref, q_ref, rt_ref, left_ref, act_ref,
    lost_value_t, short_periods, worst_share, lost_cells,
    e_short, e_dem, p_dry, first_sum, earliest, short_out, work,
):  # fmt: skip
    """Summaries of a pro-rata run, computing only rows that differ from the reference run.

    Takes the full kernel's arguments (without ``resourcing`` and dense outputs) plus the
    reference trajectory, each ``(period, item)``: supply at each hub's visit (``sup_ref``),
    the sum of its uses' targets (``q_ref``), the share it hands out (``rt_ref``), what it holds
    at the end of the period before its stock level applies (``left_ref``) and each process's
    activity (``act_ref``). Writes the same summaries as ``simulate_kernel``, except that
    ``e_short`` and ``e_dem`` hold each block's difference from the reference run's weighted
    sums: add the reference's shortfall (written to ``short_out``, (period, demand)) and demand,
    times the total weight. ``work`` (lane, 2) receives the rows each lane computed, each one value
    per scenario of a block: of nodes (hubs and processes visited) and of edges (the routes,
    recipe outputs, returned recipe inputs and demand rows a row was written for).
    """
    n_s = weight.shape[0]
    n_h = stock0.shape[0]
    n_p = base_act.shape[0]
    n_r = route_base.shape[0]
    n_d = demand_qty.shape[0]
    n_c = base_cells.shape[0]
    n_nodes = order_kind.shape[0]
    n_blocks = (n_s + block - 1) // block
    n_words = (n_nodes + 7) // 8
    plan0 = np.empty(n_p)
    for p in range(n_p):
        plan0[p] = min(base_act[p], capacity[p] * 1.0)
    rtar0 = np.empty(n_r)
    for r in range(n_r):
        rtar0[r] = min(route_base[r], _route_limit(route_cap[r], route_base[r], 1.0))
    # reference quantities the rows are compared with: what a hub keeps at its visit, the
    # first period a process is short, and the summaries of the reference run
    keep_ref = np.empty((n_t, n_h))
    short_ref = np.zeros((n_t, n_p), dtype=np.bool_)
    dshort_ref = np.empty((n_t, n_d))
    dshare_ref = np.empty((n_t, n_d))
    dcount_ref = np.zeros((n_t, n_d), dtype=np.int64)
    lv_ref = np.zeros(n_t)
    nshort_ref = np.zeros(n_t, dtype=np.int64)
    cells_ref = np.zeros((n_t, n_c))
    clost_ref = np.zeros((n_t, n_c))
    lost_ref = np.zeros(n_t)
    for t in range(n_t):
        for h in range(n_h):
            keep_ref[t, h] = sup_ref[t, h] - rt_ref[t, h] * q_ref[t, h]
        for p in range(n_p):
            short_ref[t, p] = has_inputs[p] and act_ref[t, p] < plan0[p] * (1 - DRY) - 1e-12
        for d in range(n_d):
            target = demand_qty[d]
            short = max(target - target * rt_ref[t, demand_hub[d]], 0.0)
            dshort_ref[t, d] = short
            dshare_ref[t, d] = short / target if target > 0.0 else 0.0
            dcount_ref[t, d] = short > 1e-6 * target + 1e-12
            lv_ref[t] += short * demand_value[d]
            nshort_ref[t] += dcount_ref[t, d]
        for k in range(cell_proc.shape[0]):
            cells_ref[t, cell_slot[k]] += cell_yield[k] * act_ref[t, cell_proc[k]]
        for c in range(n_c):
            clost_ref[t, c] = max(base_cells[c] - cells_ref[t, c], 0.0)
            lost_ref[t] += clost_ref[t, c]
    for t in range(n_t):
        for d in range(n_d):
            short_out[t, d] = dshort_ref[t, d]
    # each process's cell outputs (entries of cell_proc)
    cell_ptr = np.zeros(n_p + 1, dtype=np.int64)
    for k in range(cell_proc.shape[0]):
        cell_ptr[cell_proc[k] + 1] += 1
    for p in range(n_p):
        cell_ptr[p + 1] += cell_ptr[p]
    cell_of = np.argsort(cell_proc, kind="mergesort")
    # each node's position in the visiting order; the processes short in the reference, by period
    pos_h = np.empty(n_h, dtype=np.int64)
    pos_p = np.empty(n_p, dtype=np.int64)
    # and the row that holds each process's state: rows are laid out in the visiting order, so
    # that the rows a period touches lie in rising addresses (hubs come numbered in that order,
    # ``valuechain.sim.kernel.hubs_in_visiting_order``, and hold their rows at their own numbers)
    row_p = np.empty(n_p, dtype=np.int64)
    k_p = 0
    for n in range(n_nodes):
        if order_kind[n] == 0:
            pos_h[order_idx[n]] = n
        else:
            pos_p[order_idx[n]] = n
            row_p[order_idx[n]] = k_p
            k_p += 1
    rs_ptr = np.zeros(n_t + 1, dtype=np.int64)
    for t in range(n_t):
        rs_ptr[t + 1] = rs_ptr[t] + short_ref[t].sum()
    rs_proc = np.empty(rs_ptr[n_t], dtype=np.int64)
    for t in range(n_t):
        rs_proc[rs_ptr[t] : rs_ptr[t + 1]] = np.flatnonzero(short_ref[t])
    # demand rows by falling share short in the reference (the worst unchanged row is found by
    # walking down this list past the rows that changed)
    share_order = np.empty((n_t, n_d), dtype=np.int64)
    for t in range(n_t):
        share_order[t] = np.argsort(-dshare_ref[t])
    n_lanes = p_dry.shape[0]
    for lane in prange(n_lanes):
        # each lane runs blocks lane, lane + n_lanes, ... with state allocated once: rows are
        # valid where their stamp is the current epoch (block and period), so nothing is reset
        # difference rows (valid where their stamp is the current period), absolute rows
        # (valid where stamped), and the targets of the period with the stamps of shocked items
        d_av = np.empty((n_h, block))
        d_left = np.empty((n_h, block))
        d_pipe = np.empty((n_h, block))
        # a hub's row holds the difference of its supply until the hub is visited, and from then
        # on the share it hands out: producers come before a hub in the order, users after it, and
        # the stock carried into the next period is written once the period's summaries are taken
        ratio = d_av
        av_at = np.full(n_h, -1, dtype=np.int64)  # supply differs
        left_at = np.full(n_h, -1, dtype=np.int64)  # what the hub keeps differs
        pipe_at = np.full(n_h, -1, dtype=np.int64)  # lagged deliveries differ
        ratio_at = np.full(n_h, -1, dtype=np.int64)  # share row filled in
        rdiff_at = np.full(n_h, -1, dtype=np.int64)  # share differs
        hub_at = np.full(n_h, -1, dtype=np.int64)  # a use's target is shocked
        plan_at = np.full(n_p, -1, dtype=np.int64)
        rtar_at = np.full(n_r, -1, dtype=np.int64)
        dtar_at = np.full(n_d, -1, dtype=np.int64)
        plan = np.empty((n_p, block))
        rtar = np.empty((n_r, block))
        dtar = np.empty((n_d, block))
        for p in range(n_p):
            for b in range(block):
                plan[p, b] = plan0[p]
        for r in range(n_r):
            for b in range(block):
                rtar[r, b] = rtar0[r]
        for d in range(n_d):
            for b in range(block):
                dtar[d, b] = demand_qty[d]
        qsum = np.empty(block)
        prow = np.empty(block)  # the visited process's plan
        arow = np.empty(block)  # and its activity
        tmp = np.empty(block)
        first = np.full((n_p, block), n_t, dtype=np.int32)
        prod = np.empty((n_c, block))
        lv = np.empty(block)
        short_b = np.empty(block)
        w_b = np.zeros(block)
        n_dem = np.empty(block, dtype=np.int64)
        slot_at = np.full(n_c, -1, dtype=np.int64)
        slots = np.empty(n_c, dtype=np.int64)
        # nodes to visit in the period, flagged by position (read eight at a time)
        todo = np.zeros(8 * n_words, dtype=np.uint8)
        words = todo.view(np.uint64)
        carry = np.empty(n_h, dtype=np.int64)  # hubs whose carried stock may differ
        carry_at = np.full(n_h, -1, dtype=np.int64)
        seeds = np.empty(n_h, dtype=np.int64)  # hubs whose supply differs at the start of a period
        drows = np.empty(n_d, dtype=np.int64)  # demand rows that may differ
        drow_at = np.full(n_d, -1, dtype=np.int64)
        n_short = np.zeros(block, dtype=np.int64)
        worst = np.zeros(block)
        lost_c = np.zeros(block)
        flist = np.empty(n_p, dtype=np.int64)  # processes with a first period dry in the block
        first_at = np.full(n_p, -1, dtype=np.int64)
        n_blk = 0
        node_rows = 0
        edge_rows = 0
        for ib in range(lane, n_blocks, n_lanes):
            # (a last, shorter block is padded with unshocked scenarios of weight 0)
            s0 = ib * block
            nr = min(n_s, s0 + block) - s0
            w_sum = 0.0
            for b in range(block):
                w_b[b] = weight[s0 + b] if b < nr else 0.0
                w_sum += w_b[b]
                n_short[b] = 0
                worst[b] = 0.0
                lost_c[b] = 0.0
            n_seeds = 0
            n_first = 0
            for t in range(n_t):
                ep = n_blk * n_t + t
                n_carry = 0
                n_drows = 0
                n_slots = 0
                for k in range(n_seeds):
                    todo[pos_h[seeds[k]]] = 1
                n_seeds = 0
                for b in range(nr):
                    key = (s0 + b) * n_t + t
                    for e in range(ev_ptr[key], ev_ptr[key + 1]):
                        i = ev_item[e]
                        m = ev_val[e]
                        k = ev_kind[e]
                        v, _ = _shock_target(k, i, m, base_act, capacity, route_base, route_cap, demand_qty)
                        if k == 0:
                            plan[i, b] = v
                            plan_at[i] = ep
                            todo[pos_p[i]] = 1
                            for e2 in range(in_ptr[i], in_ptr[i + 1]):
                                g = in_hub[e2]
                                hub_at[g] = ep
                                todo[pos_h[g]] = 1
                        elif k == 1:
                            rtar[i, b] = v
                            rtar_at[i] = ep
                            g = r_from[i]
                            hub_at[g] = ep
                            todo[pos_h[g]] = 1
                        else:
                            dtar[i, b] = v
                            dtar_at[i] = ep
                            g = demand_hub[i]
                            hub_at[g] = ep
                            todo[pos_h[g]] = 1
                            if drow_at[i] != ep:
                                drow_at[i] = ep
                                drows[n_drows] = i
                                n_drows += 1
                for k in range(rs_ptr[t], rs_ptr[t + 1]):
                    todo[pos_p[rs_proc[k]]] = 1
                # nodes are visited in order: everything they change lies later in it
                for w in range(n_words):
                    if words[w] == 0:
                        continue
                    for n in range(8 * w, min(8 * w + 8, n_nodes)):
                        if todo[n] == 0:
                            continue
                        todo[n] = 0
                        i = order_idx[n]
                        if order_kind[n] == 0:
                            h = i
                            if av_at[h] != ep and hub_at[h] != ep:
                                continue  # supply and targets as in the reference: so is everything else
                            node_rows += 1
                            u0 = use_ptr[h]
                            u1 = use_ptr[h + 1]
                            if hub_at[h] == ep:
                                _target_sum(qsum, block, u0, u1, use_kind, use_idx, in_proc, in_coef, plan, rtar, dtar)
                            else:
                                for b in range(block):
                                    qsum[b] = q_ref[t, h]
                            s_ref = sup_ref[t, h]
                            k_ref = keep_ref[t, h]
                            r_ref = rt_ref[t, h]
                            if av_at[h] == ep:
                                for b in range(block):
                                    tmp[b] = s_ref + d_av[h, b]
                            else:
                                for b in range(block):
                                    tmp[b] = s_ref
                            changed = False
                            for b in range(block):
                                av = tmp[b]
                                q = qsum[b]
                                rt = 1.0 if av >= q else av / q
                                ratio[h, b] = rt
                                changed = changed or rt != r_ref
                            ratio_at[h] = ep
                            # what the hub has left (a hub that keeps no stock carries nothing of it)
                            if stock_level[h] > 0.0:
                                for b in range(block):
                                    d_left[h, b] = (tmp[b] - ratio[h, b] * qsum[b]) - k_ref
                                left_at[h] = ep
                                n_carry = _mark(carry, n_carry, carry_at, h, ep)
                            if changed:
                                rdiff_at[h] = ep
                            for u in range(u0, u1):
                                k = use_kind[u]
                                j = use_idx[u]
                                if k == 0:
                                    if changed:
                                        todo[pos_p[in_proc[j]]] = 1
                                    continue
                                if k == 2:
                                    if changed:
                                        n_drows = _mark(drows, n_drows, drow_at, j, ep)
                                    continue
                                if not changed and rtar_at[j] != ep:
                                    continue
                                edge_rows += 1
                                g = r_to[j]
                                r0 = rtar0[j]
                                f_ref = r0 * r_ref
                                if r_lag[j]:
                                    _open_row(d_pipe, pipe_at, g, ep)
                                    n_carry = _mark(carry, n_carry, carry_at, g, ep)
                                    dr = d_pipe
                                else:
                                    _open_row(d_av, av_at, g, ep)
                                    todo[pos_h[g]] = 1
                                    dr = d_av
                                # (an unshocked route's target is its baseline: no row to read)
                                if rtar_at[j] == ep:
                                    for b in range(block):
                                        dr[g, b] += rtar[j, b] * ratio[h, b] - f_ref
                                else:
                                    for b in range(block):
                                        dr[g, b] += r0 * ratio[h, b] - f_ref
                        else:
                            p = i
                            pr = row_p[p]
                            e0 = in_ptr[p]
                            e1 = in_ptr[p + 1]
                            shocked = plan_at[p] == ep
                            dirty = shocked
                            for e in range(e0, e1):
                                dirty = dirty or rdiff_at[in_hub[e]] == ep
                            if not dirty:
                                if short_ref[t, p]:
                                    n_first = _mark(flist, n_first, first_at, p, n_blk)
                                    for b in range(block):
                                        if first[pr, b] == n_t:
                                            first[pr, b] = t
                                continue
                            node_rows += 1
                            # the shares of unchanged input hubs, as rows
                            for e in range(e0, e1):
                                g = in_hub[e]
                                if ratio_at[g] != ep:
                                    ratio_at[g] = ep
                                    rg = rt_ref[t, g]
                                    for b in range(block):
                                        ratio[g, b] = rg
                            a_ref = act_ref[t, p]
                            pl_ref = plan0[p]
                            # (an unshocked plan is the baseline: its row is not read)
                            if shocked:
                                for b in range(block):
                                    prow[b] = plan[p, b]
                            else:
                                for b in range(block):
                                    prow[b] = pl_ref
                            if e1 == e0:
                                for b in range(block):
                                    arow[b] = prow[b]
                            elif e1 == e0 + 1:
                                g = in_hub[e0]
                                for b in range(block):
                                    arow[b] = prow[b] * ratio[g, b]
                            else:
                                _least_row(arow, prow, e0, e1, in_hub, ratio, block)
                                # unused inputs go back to the hubs that keep stock
                                for e in range(e0, e1):
                                    g = in_hub[e]
                                    if stock_level[g] <= 0.0:
                                        continue
                                    c = in_coef[e]
                                    ret = c * (pl_ref * rt_ref[t, g] - a_ref)
                                    edge_rows += 1
                                    _open_row(d_left, left_at, g, ep)
                                    n_carry = _mark(carry, n_carry, carry_at, g, ep)
                                    for b in range(block):
                                        d_left[g, b] += c * (prow[b] * ratio[g, b] - arow[b]) - ret
                            if e1 > e0:
                                # (a process's row of first dry periods is read only once one of
                                # the block's scenarios has run dry)
                                if first_at[p] != n_blk:
                                    dry = False
                                    for b in range(block):
                                        dry = dry or arow[b] < prow[b] * (1 - DRY) - 1e-12
                                    if dry:
                                        n_first = _mark(flist, n_first, first_at, p, n_blk)
                                if first_at[p] == n_blk:
                                    for b in range(block):
                                        f = first[pr, b]
                                        first[pr, b] = t if f == n_t and arow[b] < prow[b] * (1 - DRY) - 1e-12 else f
                            for b in range(block):
                                tmp[b] = arow[b] - a_ref
                            if not _nonzero(tmp):
                                continue
                            edge_rows += out_ptr[p + 1] - out_ptr[p]
                            for e in range(out_ptr[p], out_ptr[p + 1]):
                                g = out_hub[e]
                                y = out_yield[e]
                                if out_lag[e]:
                                    _open_row(d_pipe, pipe_at, g, ep)
                                    n_carry = _mark(carry, n_carry, carry_at, g, ep)
                                    for b in range(block):
                                        d_pipe[g, b] += arow[b] * y - a_ref * y
                                else:
                                    _open_row(d_av, av_at, g, ep)
                                    todo[pos_h[g]] = 1
                                    for b in range(block):
                                        d_av[g, b] += arow[b] * y - a_ref * y
                            # cells made
                            for k in range(cell_ptr[p], cell_ptr[p + 1]):
                                c = cell_slot[cell_of[k]]
                                y = cell_yield[cell_of[k]]
                                if slot_at[c] != ep:
                                    slot_at[c] = ep
                                    slots[n_slots] = c
                                    n_slots += 1
                                    for b in range(block):
                                        prod[c, b] = cells_ref[t, c]
                                for b in range(block):
                                    prod[c, b] += y * arow[b] - y * a_ref
                # summaries of the period: the reference's, corrected by the rows that differ
                for b in range(block):
                    lv[b] = lv_ref[t]
                    n_dem[b] = nshort_ref[t]
                # the worst unchanged row: the first, by falling reference share, not among those
                # that may have changed
                clean_worst = 0.0
                for k in range(n_d):
                    d = share_order[t, k]
                    if drow_at[d] != ep:
                        clean_worst = dshare_ref[t, d]
                        break
                edge_rows += n_drows
                for k in range(n_drows):
                    d = drows[k]
                    h = demand_hub[d]
                    val = demand_value[d]
                    s_ref = dshort_ref[t, d]
                    c_ref = dcount_ref[t, d]
                    if ratio_at[h] == ep:
                        for b in range(block):
                            tmp[b] = ratio[h, b]
                    else:
                        rh = rt_ref[t, h]
                        for b in range(block):
                            tmp[b] = rh
                    for b in range(block):
                        target = dtar[d, b]
                        short = max(target - target * tmp[b], 0.0)
                        short_b[b] = short
                        lv[b] += short * val - s_ref * val
                        n_dem[b] += (short > 1e-6 * target + 1e-12) - c_ref
                        worst[b] = max(worst[b], short / target if target > 0.0 else 0.0)
                    # (weighted sums: the difference from the reference's, which the caller adds)
                    e_short[lane, t, d] += _dot(w_b, short_b) - s_ref * w_sum
                    e_dem[lane, t, d] += _dot(w_b, dtar[d]) - demand_qty[d] * w_sum
                for b in range(block):
                    if b < nr:
                        lost_value_t[t, s0 + b] = lv[b]
                    worst[b] = max(worst[b], clean_worst)
                    if n_dem[b] > 0:
                        n_short[b] += 1
                    lost_c[b] += lost_ref[t]
                for k in range(n_slots):
                    c = slots[k]
                    bc = base_cells[c]
                    cl = clost_ref[t, c]
                    for b in range(block):
                        lost_c[b] += max(bc - prod[c, b], 0.0) - cl
                # end of the period: the stock carried into the next one differs where what the hub
                # keeps or what lagged edges deliver differs
                if t + 1 < n_t:
                    for k in range(n_carry):
                        h = carry[k]
                        kl = left_at[h] == ep
                        kp = pipe_at[h] == ep
                        if not kl and not kp:
                            continue
                        lv_h = stock_level[h]
                        l_ref = left_ref[t, h]
                        s_ref = min(max(l_ref, 0.0), lv_h)
                        for b in range(block):
                            tmp[b] = 0.0
                        if kl:
                            for b in range(block):
                                tmp[b] = min(max(l_ref + d_left[h, b], 0.0), lv_h) - s_ref
                        if kp:
                            for b in range(block):
                                tmp[b] += d_pipe[h, b]
                        if _nonzero(tmp):
                            av_at[h] = ep + 1
                            seeds[n_seeds] = h
                            n_seeds += 1
                            for b in range(block):
                                d_av[h, b] = tmp[b]
                # put the shocked targets back to their baseline values
                for b in range(nr):
                    key = (s0 + b) * n_t + t
                    for e in range(ev_ptr[key], ev_ptr[key + 1]):
                        i = ev_item[e]
                        k = ev_kind[e]
                        if k == 0:
                            plan[i, b] = plan0[i]
                        elif k == 1:
                            rtar[i, b] = rtar0[i]
                        else:
                            dtar[i, b] = demand_qty[i]
            for b in range(nr):
                short_periods[s0 + b] = n_short[b]
                worst_share[s0 + b] = worst[b]
                lost_cells[s0 + b] = lost_c[b]
            for k in range(n_first):
                p = flist[k]
                pr = row_p[p]
                pw, fs, ea = _dry_sums(first, pr, nr, weight, s0, n_t, earliest[lane, p])
                for b in range(block):
                    first[pr, b] = n_t
                p_dry[lane, p] += pw
                first_sum[lane, p] += fs
                earliest[lane, p] = ea
            n_blk += 1
        work[lane, 0] = node_rows
        work[lane, 1] = edge_rows
