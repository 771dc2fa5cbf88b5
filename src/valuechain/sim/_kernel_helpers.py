"""Inlined pieces shared by the full kernel (``valuechain.sim.full``) and the delta kernel.

Each takes arrays and scalars only and is compiled into its caller (``inline="always"``), so
moving them here changes no compiled code.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "_dot",
    "_dry_sums",
    "_front_extra",
    "_least_share",
    "_online",
    "_pull_block",
    "_pull_chain",
    "_pull_deep",
    "_pull_spare",
    "_route_limit",
    "_shock_target",
    "_substitute",
    "_target_sum",
]


@njit(inline="always", cache=True)
def _route_limit(rc: float, rb: float, m: float) -> float:
    # capacity x m when m >= 1; at most m x the baseline flow (never above capacity) when m < 1
    if m >= 1.0:
        return rc * m
    lim = m * rb
    return lim if lim < rc else rc


@njit(inline="always", cache=True)
def _front_extra(m: float, v: float, rb: float, rc: float) -> float:
    # what a route with multiplier m > 1 asks above its target v (buyers pulling purchases
    # forward): up to m x its baseline flow rb, within its capacity rc
    if m > 1.0:
        x = min(rb * m, rc) - v
        if x > 0.0:
            return x
    return 0.0


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


@njit(inline="always", cache=True)
def _input_room(p, b, x, left, lvl, in_ptr, in_hub, in_coef):  # type: ignore[no-untyped-def]
    # x, capped by what producer p's input hubs hold above their level in scenario b
    for e2 in range(in_ptr[p], in_ptr[p + 1]):
        g = in_hub[e2]
        x = min(x, (left[g, b] - lvl[g, b]) / in_coef[e2])
    return x


@njit(inline="always", cache=True)
def _produce(  # type: ignore[no-untyped-def]
    p, e, b, x, done, avail, left, pipe, act, in_ptr, in_hub, in_coef, out_ptr, out_hub, out_yield, out_lag
):
    # producer p runs x more in scenario b: it takes its inputs from their hubs and delivers its
    # other outputs to theirs (lagged ones a period later); returns its output e
    act[p, b] += x
    for e2 in range(in_ptr[p], in_ptr[p + 1]):
        left[in_hub[e2], b] -= x * in_coef[e2]
    own = 0.0
    for e3 in range(out_ptr[p], out_ptr[p + 1]):
        g = out_hub[e3]
        qty = x * out_yield[e3]
        if e3 == e:
            own += qty
        elif out_lag[e3]:
            pipe[g, b] += qty
        elif done[g]:
            left[g, b] += qty
        else:
            avail[g, b] += qty
    return own


@njit(inline="always", cache=True)
def _held_room(p, b, x, left, in_ptr, in_hub, in_coef):  # type: ignore[no-untyped-def]
    # x, capped by what producer p's input hubs hold in scenario b (never below empty)
    for e2 in range(in_ptr[p], in_ptr[p + 1]):
        x = min(x, left[in_hub[e2], b] / in_coef[e2])
    return x


@njit(cache=True)
def _pull_once(  # type: ignore[no-untyped-def]
    h, b, need, done, avail, left, pipe, act, flow, rlim, pcap, lvl,
    r_from, pull_ptr, pull_route, prod_ptr, prod_out,
    in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
):  # fmt: skip
    # _pull_spare with depth 0, without its stack of frames (nothing to allocate at every call:
    # substitution and front-loading ask for it scenario by scenario)
    got = 0.0
    for q in range(pull_ptr[h], pull_ptr[h + 1]):
        if need - got <= 0.0:
            break
        r = pull_route[q]
        o = r_from[r]
        x = min(need - got, left[o, b] - lvl[o, b], rlim[r, b] - flow[r, b])
        if x > 0.0:
            flow[r, b] += x
            left[o, b] -= x
            got += x
    for q in range(prod_ptr[h], prod_ptr[h + 1]):
        if need - got <= 0.0:
            break
        e = prod_out[q]
        p = out_proc[e]
        x = _input_room(
            p, b, min(pcap[p, b] - act[p, b], (need - got) / out_yield[e]), left, lvl, in_ptr, in_hub, in_coef
        )
        if x > 0.0:
            got += _produce(
                p, e, b, x, done, avail, left, pipe, act, in_ptr, in_hub, in_coef, out_ptr, out_hub, out_yield, out_lag
            )
    return got


@njit(cache=True)
def _pull_spare(  # type: ignore[no-untyped-def]
    h, b, need, depth, done, avail, left, pipe, act, flow, rlim, pcap, lvl,
    r_from, pull_ptr, pull_route, prod_ptr, prod_out,
    in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
):  # fmt: skip
    # spare supply for hub h in scenario b, up to need: first what its origins hold above their
    # level lvl (the stock level plus stock pulled forward, per scenario), over open routes
    # within their spare capacity, then extra output of its producers' spare capacity fed by
    # what their input hubs hold above their level. With depth > 0, what an origin or an input
    # hub lacks for it is first pulled to that hub the same way, with depth - 1 (spare capacity
    # further up the chain ramps up); what comes back is passed on whole, and a hub below its
    # level stays as far below it (a pull takes no stock and refills none). Returns what h got;
    # the producers' other outputs go to their hubs.
    #
    # The pulls further up are a depth-first recursion, written with a stack of frames (Numba
    # cannot load a cached recursive function): frame s pulls for hub fi[s, 0] with depth - s
    # left; fi[s, 1] is its step (0: routes, 1: producers), fi[s, 2] the route or producer it is
    # at, fi[s, 3] the producer's input it is at (-1: the producer not started), fi[s, 4] 1 when
    # the pull one step up for that route or input has come back; fr[s] holds its need, what it
    # got, the producer's extra activity (which falls to what each input holds for it, input by
    # input in the order of their hubs' labels, so an input is not pulled for once one before it
    # cannot follow) and what the last pull one step up brought. A finished frame adds what it
    # got to its hub's left.
    if depth <= 0:
        return _pull_once(
            h, b, need, done, avail, left, pipe, act, flow, rlim, pcap, lvl,
            r_from, pull_ptr, pull_route, prod_ptr, prod_out,
            in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
        )  # fmt: skip
    fi = np.empty((depth + 1, 5), dtype=np.int64)
    fr = np.empty((depth + 1, 4))
    s = -1
    child = h
    child_need = need
    while True:
        if child >= 0:  # open a frame: a pull for hub `child`
            s += 1
            fi[s, 0] = child
            fi[s, 1] = 0
            fi[s, 2] = pull_ptr[child]
            fi[s, 3] = -1
            fi[s, 4] = 0
            fr[s, 0] = child_need
            fr[s, 1] = 0.0
        hh = fi[s, 0]
        d = depth - s
        child = -1
        if fi[s, 1] == 0:  # routes into hh
            while fi[s, 2] < pull_ptr[hh + 1] and fr[s, 0] - fr[s, 1] > 0.0:
                r = pull_route[fi[s, 2]]
                o = r_from[r]
                room = min(fr[s, 0] - fr[s, 1], rlim[r, b] - flow[r, b])
                spare = max(left[o, b] - lvl[o, b], 0.0)
                if fi[s, 4] == 1:  # back from the origin's pull
                    spare = max(left[o, b] - fr[s, 3] - lvl[o, b], 0.0) + fr[s, 3]
                    fi[s, 4] = 0
                elif room > 0.0 and d > 0 and spare < room:
                    fi[s, 4] = 1
                    child = o
                    child_need = room - spare
                    break
                x = min(room, spare)
                if x > 0.0:
                    flow[r, b] += x
                    left[o, b] -= x
                    fr[s, 1] += x
                fi[s, 2] += 1
            if child < 0:
                fi[s, 1] = 1
                fi[s, 2] = prod_ptr[hh]
                fi[s, 3] = -1
        if child < 0 and fi[s, 1] == 1:  # producers of hh
            while fi[s, 2] < prod_ptr[hh + 1] and fr[s, 0] - fr[s, 1] > 0.0:
                e = prod_out[fi[s, 2]]
                p = out_proc[e]
                if fi[s, 3] < 0:
                    x = min(pcap[p, b] - act[p, b], (fr[s, 0] - fr[s, 1]) / out_yield[e])
                    if x <= 0.0:
                        fi[s, 2] += 1
                        continue
                    fr[s, 2] = x
                    fi[s, 3] = in_ptr[p]
                    fi[s, 4] = 0
                while fi[s, 3] < in_ptr[p + 1] and fr[s, 2] > 0.0:
                    e2 = fi[s, 3]
                    g = in_hub[e2]
                    spare = max(left[g, b] - lvl[g, b], 0.0)
                    if fi[s, 4] == 1:  # back from the input hub's pull
                        spare = max(left[g, b] - fr[s, 3] - lvl[g, b], 0.0) + fr[s, 3]
                        fi[s, 4] = 0
                    elif d > 0 and fr[s, 2] * in_coef[e2] > spare:
                        fi[s, 4] = 1
                        child = g
                        child_need = fr[s, 2] * in_coef[e2] - spare
                        break
                    fr[s, 2] = min(fr[s, 2], spare / in_coef[e2])
                    fi[s, 3] += 1
                if child >= 0:
                    break
                x = _held_room(p, b, fr[s, 2], left, in_ptr, in_hub, in_coef)
                if x > 0.0:
                    fr[s, 1] += _produce(
                        p, e, b, x, done, avail, left, pipe, act,
                        in_ptr, in_hub, in_coef, out_ptr, out_hub, out_yield, out_lag,
                    )  # fmt: skip
                fi[s, 2] += 1
                fi[s, 3] = -1
        if child >= 0:  # a pull one step further up, then back to this frame
            continue
        if s == 0:
            return fr[0, 1]
        left[hh, b] += fr[s, 1]
        fr[s - 1, 3] = fr[s, 1]
        s -= 1


@njit(inline="always", cache=True)
def _online(ramp, start, t, n_t):  # type: ignore[no-untyped-def]
    # share of a process's spare capacity online in period t when it comes online over `ramp`
    # periods from `start`, the first period it ran above its plan (n_t: not yet, so t): 1 / ramp
    # in that period, 1 / ramp more each period after; all of it at once without a ramp
    if ramp <= 0.0:
        return 1.0
    s = t if start >= n_t else start
    return min(1.0, (t - s + 1) / ramp)


@njit(cache=True)
def _allowed_share(share, ramp, start, t, n_t):  # type: ignore[no-untyped-def]
    # share of activity an alternative may take in period t, its ramp having started in `start`
    # (n_t: not started); it rises linearly to `share` over `ramp` periods
    if start >= n_t:
        return 0.0
    if ramp <= 0.0:
        return share
    return share * min(1.0, (t - start + 1) / ramp)


@njit(cache=True)
def _alt_activity(e, a_e, top, k0, k1, alt_in, alt_coef, alt_got, shares):  # type: ignore[no-untyped-def]
    # the most activity input e and its alternatives support: the fixed point of
    # a = a_e + sum_k min(shares[k] a, y_k), y_k the activity alternative k's supply covers
    # (alt_got[k] / its coefficient; a free alternative covers its whole share), at most top.
    # Alternatives limited by their supply add y_k; those limited by their share add shares[k] a;
    # which are which follows from the largest candidate down (a step only ever lowers a).
    fixed = a_e
    free = 0.0
    for k in range(k0, k1):
        if alt_in[k] == e:
            if alt_coef[k] > 0.0:
                fixed += alt_got[k] / alt_coef[k]
            else:
                free += shares[k]
    a = top if free >= 1.0 else min(top, fixed / (1.0 - free))
    for _ in range(k1 - k0):
        fixed = a_e
        free_s = 0.0
        for k in range(k0, k1):
            if alt_in[k] == e:
                y = alt_got[k] / alt_coef[k] if alt_coef[k] > 0.0 else np.inf
                if y > shares[k] * a:
                    free_s += shares[k]
                else:
                    fixed += y
        b = top if free_s >= 1.0 else min(top, fixed / (1.0 - free_s))
        if not b < a:
            break
        a = b
    return a


@njit(cache=True)
def _substitute(  # type: ignore[no-untyped-def]
    p, nb, t, n_t, depth, plan, hratio, alt_start, alt_got, shares,
    alt_ptr, alt_in, alt_hub, alt_coef, alt_share, alt_ramp,
    done, avail, left, pipe, act, flow, rlim, pcap, lvl,
    r_from, pull_ptr, pull_route, prod_ptr, prod_out,
    in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
):  # fmt: skip
    # raise the activity of process p, in each scenario b of a block where it fell short of its
    # plan, by running part of it on the alternatives of its short inputs; act[p, b] holds its
    # activity on its own inputs, whose unused part is already back at their hubs. See the
    # module docstring of valuechain.sim.full. (One call per block, not per scenario: a call
    # passes some thirty arrays, whose reference counts it updates.) An input may have several
    # alternatives: each covers at most its allowed share of the activity, and they are drawn on
    # in their order (``shares``: scratch for the allowed shares, one per alternative).
    k0 = alt_ptr[p]
    k1 = alt_ptr[p + 1]
    for b in range(nb):
        if not act[p, b] < plan[p, b] * (1.0 - 1e-9):
            continue  # not short: nothing to substitute
        for k in range(k0, k1):
            if alt_start[k, b] >= n_t and hratio[in_hub[alt_in[k]], b] < 1.0 - 1e-9:
                alt_start[k, b] = t
        for k in range(k0, k1):
            shares[k] = _allowed_share(alt_share[k], alt_ramp[k], alt_start[k, b], t, n_t)
        pl = plan[p, b]
        a0 = act[p, b]
        e0 = in_ptr[p]
        e1 = in_ptr[p + 1]
        # the most activity the inputs without an alternative and the allowed shares support
        top = pl
        for e in range(e0, e1):
            a_e = pl * hratio[in_hub[e], b]
            s = -1.0
            for k in range(k0, k1):
                if alt_in[k] == e:
                    s = max(s, 0.0) + shares[k]
            if s <= 0.0:
                top = min(top, a_e)
            elif s < 1.0:
                top = min(top, a_e / (1.0 - s))
        if not top > a0 + 1e-9 * pl:  # (not a rounding difference)
            continue
        # take the extra use of the own inputs back from their hubs, then pull the alternatives,
        # each for what the ones before it left of the activity above what its input supports
        for e in range(e0, e1):
            a_e = pl * hratio[in_hub[e], b]
            left[in_hub[e], b] -= in_coef[e] * (min(top, a_e) - a0)
        for k in range(k0, k1):
            alt_got[k] = 0.0
        for k in range(k0, k1):
            e = alt_in[k]
            a_e = pl * hratio[in_hub[e], b]
            rest = top - a_e
            for j in range(k0, k):
                if alt_in[j] == e:
                    rest -= alt_got[j] / alt_coef[j] if alt_coef[j] > 0.0 else shares[j] * top
            if rest > 0.0:
                g = alt_hub[k]
                need = alt_coef[k] * min(rest, shares[k] * top)
                x = min(need, left[g, b] - lvl[g, b])
                if x > 0.0:
                    left[g, b] -= x
                    alt_got[k] = x
                alt_got[k] += _pull_spare(
                    g, b, need - alt_got[k], depth, done, avail, left, pipe, act, flow, rlim, pcap, lvl,
                    r_from, pull_ptr, pull_route, prod_ptr, prod_out,
                    in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
                )  # fmt: skip
        a = top
        for e in range(e0, e1):
            a_e = pl * hratio[in_hub[e], b]
            if a_e < top and _has_alt(e, k0, k1, alt_in):
                a = min(a, _alt_activity(e, a_e, top, k0, k1, alt_in, alt_coef, alt_got, shares))
        # give back what the final activity does not use: of the alternatives, in their order,
        # what each covers of the activity above its input's own share
        for e in range(e0, e1):
            a_e = pl * hratio[in_hub[e], b]
            left[in_hub[e], b] += in_coef[e] * (min(top, a_e) - min(a, a_e))
        for e in range(e0, e1):
            a_e = pl * hratio[in_hub[e], b]
            rest = max(a - a_e, 0.0)
            for k in range(k0, k1):
                if alt_in[k] == e:
                    u = rest  # (the last alternative of e covers the rest: the fixed point leaves it room)
                    if _has_alt(e, k + 1, k1, alt_in):
                        y = alt_got[k] / alt_coef[k] if alt_coef[k] > 0.0 else shares[k] * a
                        u = min(y, shares[k] * a, rest)
                    rest -= u
                    left[alt_hub[k], b] += alt_got[k] - alt_coef[k] * u
        act[p, b] = a


@njit(inline="always", cache=True)
def _has_alt(e, k0, k1, alt_in):  # type: ignore[no-untyped-def]
    # whether input e has an alternative among k0..k1 - 1 (a loop: Numba compiles it)
    found = False
    for k in range(k0, k1):
        found = found or alt_in[k] == e
    return found


@njit(inline="always", cache=True)
def _pull_routes(h, nb, deficit, got, left, flow, rlim, lvl, r_from, pull_ptr, pull_route):  # type: ignore[no-untyped-def]
    # spare supply over the open routes into hub h, for every scenario of a block (got[b] from
    # zero; deficit is used up): what each origin holds above its level, within the route's room
    for b in range(nb):
        got[b] = 0.0
    for q in range(pull_ptr[h], pull_ptr[h + 1]):
        r = pull_route[q]
        o = r_from[r]
        for b in range(nb):
            if deficit[b] > 0.0:
                x = min(deficit[b], left[o, b] - lvl[o, b], rlim[r, b] - flow[r, b])
                if x > 0.0:
                    flow[r, b] += x
                    left[o, b] -= x
                    got[b] += x
                    deficit[b] -= x


@njit(cache=True)
def _pull_chain(  # type: ignore[no-untyped-def]
    h, nb, deficit, got, depth, done, avail, left, pipe, act, flow, rlim, pcap, lvl,
    r_from, pull_ptr, pull_route, prod_ptr, prod_out,
    in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
):  # fmt: skip
    # _pull_spare up to `depth` steps up the chain for every scenario of a block (deficit[b]
    # asked, got[b] received; deficit is used up). Not inlined: as a branch of the inlined
    # _pull_block it slowed re-sourcing at depth 0 by a third on the global network.
    for b in range(nb):
        got[b] = 0.0
        if deficit[b] > 0.0:
            got[b] = _pull_spare(
                h, b, deficit[b], depth, done, avail, left, pipe, act, flow, rlim, pcap, lvl,
                r_from, pull_ptr, pull_route, prod_ptr, prod_out,
                in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
            )  # fmt: skip
            deficit[b] -= got[b]


@njit(inline="always", cache=True)
def _pull_block(  # type: ignore[no-untyped-def]
    h, nb, deficit, got, done, avail, left, pipe, act, flow, rlim, pcap, lvl,
    r_from, pull_ptr, pull_route, prod_ptr, prod_out,
    in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
):  # fmt: skip
    # _pull_spare at depth 0 for every scenario of a block at once (deficit[b] asked, got[b]
    # received; deficit is used up), with the scenarios in the innermost loops
    _pull_routes(h, nb, deficit, got, left, flow, rlim, lvl, r_from, pull_ptr, pull_route)
    for q in range(prod_ptr[h], prod_ptr[h + 1]):
        e = prod_out[q]
        p = out_proc[e]
        y = out_yield[e]
        for b in range(nb):
            if deficit[b] > 0.0:
                x = _input_room(p, b, min(pcap[p, b] - act[p, b], deficit[b] / y), left, lvl, in_ptr, in_hub, in_coef)
                if x > 0.0:
                    got[b] += _produce(
                        p, e, b, x, done, avail, left, pipe, act,
                        in_ptr, in_hub, in_coef, out_ptr, out_hub, out_yield, out_lag,
                    )  # fmt: skip
                    deficit[b] -= x * y


@njit(cache=True)
def _pull_deep(  # type: ignore[no-untyped-def]
    h, nb, deficit, got, done, avail, left, pipe, act, flow, rlim, pcap, lvl,
    r_from, pull_ptr, pull_route, prod_ptr, prod_out,
    in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
):  # fmt: skip
    # _pull_block one step further up: before a producer of h is asked for extra output, what
    # its input hubs lack for it is pulled to them as spare supply (_pull_spare, depth 0), each
    # for no more than the inputs before it hold, as in _pull_spare; used for the volume buyers
    # pull forward, which an exporter makes from spare capacity up the chain
    _pull_routes(h, nb, deficit, got, left, flow, rlim, lvl, r_from, pull_ptr, pull_route)
    for q in range(prod_ptr[h], prod_ptr[h + 1]):
        e = prod_out[q]
        p = out_proc[e]
        y = out_yield[e]
        for b in range(nb):
            if deficit[b] > 0.0:
                x = min(pcap[p, b] - act[p, b], deficit[b] / y)
                if x <= 0.0:
                    continue
                for e2 in range(in_ptr[p], in_ptr[p + 1]):
                    g = in_hub[e2]
                    spare = max(left[g, b] - lvl[g, b], 0.0)
                    if x * in_coef[e2] > spare:
                        more = _pull_spare(
                            g, b, x * in_coef[e2] - spare, 0, done, avail, left, pipe, act, flow, rlim, pcap, lvl,
                            r_from, pull_ptr, pull_route, prod_ptr, prod_out,
                            in_ptr, in_hub, in_coef, out_ptr, out_proc, out_hub, out_yield, out_lag,
                        )  # fmt: skip
                        left[g, b] += more
                        spare = max(left[g, b] - more - lvl[g, b], 0.0) + more
                    x = min(x, spare / in_coef[e2])  # the next inputs: for what this one holds
                    if x <= 0.0:
                        break
                x = _held_room(p, b, x, left, in_ptr, in_hub, in_coef)
                if x > 0.0:
                    got[b] += _produce(
                        p, e, b, x, done, avail, left, pipe, act,
                        in_ptr, in_hub, in_coef, out_ptr, out_hub, out_yield, out_lag,
                    )  # fmt: skip
                    deficit[b] -= x * y
