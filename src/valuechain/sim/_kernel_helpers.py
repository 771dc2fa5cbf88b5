"""Inlined pieces shared by the full kernel (``valuechain.sim.full``) and the delta kernel.

Each takes arrays and scalars only and is compiled into its caller (``inline="always"``), so
moving them here changes no compiled code.
"""

from __future__ import annotations

from numba import njit

__all__ = ["_dot", "_dry_sums", "_least_share", "_route_limit", "_shock_target", "_target_sum"]


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
