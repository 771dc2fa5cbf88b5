"""Breaking loops of the process--hub graph: Numba kernels on integer CSR arrays.

Used by :func:`valuechain.sim.compile.plan_order` (whose module notes state the rule): a cycle is
found depth-first from a component's smallest node, its least-flow delivery edge is lagged, and
only the component that edge belonged to is split again.
"""

from __future__ import annotations

import heapq

import numpy as np
from numba import njit

__all__ = ["break_loops", "smallest_first_order"]


@njit(cache=True)
def _split(seg, lo, hi, gid, grp, ptr, head, alive, index, low, onstack, it, stack, calls, comp):  # type: ignore[no-untyped-def]
    """Tarjan's algorithm on the nodes ``seg[lo:hi]`` (those with ``grp == gid``) over live edges.

    Writes a component number to ``comp`` of each node and returns the number of components.
    """
    counter = n_comp = sp = 0
    for k in range(lo, hi):
        if index[seg[k]] >= 0:
            continue
        calls[0] = seg[k]
        depth = 1
        while depth > 0:
            v = calls[depth - 1]
            if index[v] < 0:  # first visit
                index[v] = low[v] = counter
                counter += 1
                stack[sp] = v
                sp += 1
                onstack[v] = True
                it[v] = ptr[v]
            if it[v] < ptr[v + 1]:
                e = it[v]
                it[v] += 1
                w = head[e]
                if alive[e] and grp[w] == gid:
                    if index[w] < 0:
                        calls[depth] = w
                        depth += 1
                    elif onstack[w]:
                        low[v] = min(low[v], index[w])
            else:
                depth -= 1
                if depth > 0:
                    low[calls[depth - 1]] = min(low[calls[depth - 1]], low[v])
                if low[v] == index[v]:  # v is the root of a component: pop it
                    w = -1
                    while w != v:
                        sp -= 1
                        w = stack[sp]
                        onstack[w] = False
                        comp[w] = n_comp
                    n_comp += 1
    for k in range(lo, hi):
        index[seg[k]] = -1
    return n_comp


@njit(cache=True)
def _first_cycle(start, gid, grp, ptr, head, alive, state, it, path, path_edge, depth_of, cycle):  # type: ignore[no-untyped-def]
    """Edges of the first cycle a depth-first search from ``start`` meets, in ``cycle``; returns their count.

    The search stays on nodes with ``grp == gid`` and live edges, takes each node's edges in
    order, and stops at the first edge back to a node on its current path.
    """
    state[start] = 1
    path[0] = start
    depth_of[start] = 0
    it[start] = ptr[start]
    depth = 1
    n_cycle = 0
    while depth > 0:
        v = path[depth - 1]
        if it[v] < ptr[v + 1]:
            e = it[v]
            it[v] += 1
            w = head[e]
            if not alive[e] or grp[w] != gid:
                continue
            if state[w] == 1:
                for k in range(depth_of[w], depth - 1):
                    cycle[n_cycle] = path_edge[k]
                    n_cycle += 1
                cycle[n_cycle] = e
                n_cycle += 1
                break
            if state[w] == 0:
                state[w] = 1
                path_edge[depth - 1] = e
                path[depth] = w
                depth_of[w] = depth
                it[w] = ptr[w]
                depth += 1
        else:
            state[v] = 2
            depth -= 1
    return n_cycle


@njit(cache=True)
def _reaches(src, dst, gid, grp, ptr, head, alive, seen, trail):  # type: ignore[no-untyped-def]
    """Whether ``dst`` can be reached from ``src`` over live edges between nodes with ``grp == gid``.

    ``seen`` must be all False on entry and is left so; ``trail`` is scratch space.
    """
    seen[src] = True
    trail[0] = src
    n_seen = 1
    k = 0
    found = src == dst
    while k < n_seen and not found:
        v = trail[k]
        k += 1
        for e in range(ptr[v], ptr[v + 1]):
            w = head[e]
            if alive[e] and grp[w] == gid and not seen[w]:
                seen[w] = True
                trail[n_seen] = w
                n_seen += 1
                if w == dst:
                    found = True
                    break
    for j in range(n_seen):
        seen[trail[j]] = False
    return found


@njit(cache=True)
def break_loops(ptr, tail, head, lagable, weight, alive):  # type: ignore[no-untyped-def]
    """Clear ``alive`` on the edges lagged to make the graph acyclic; False if a cycle has no lagable edge.

    Works through a stack of strongly connected components, each a sorted segment of ``seg``
    whose nodes carry its number in ``grp``: lag one edge of the first cycle found from the
    component's smallest node, split the component again and push its parts that still hold
    a cycle (more than one node, or a live self-loop).
    """
    n = len(ptr) - 1
    seg = np.arange(n)
    grp = np.zeros(n, dtype=np.int64)  # component number of each node, -1 once off every cycle
    index = np.full(n, -1, dtype=np.int64)
    onstack = np.zeros(n, dtype=np.bool_)
    state = np.zeros(n, dtype=np.int8)
    low, it, stack, calls, comp, path_edge, cycle, buf = np.zeros((8, n), dtype=np.int64)
    todo = np.zeros((n + 1, 3), dtype=np.int64)  # segment start, end and component number
    todo[0, 1] = n
    n_todo, next_gid = 1, 1
    while n_todo > 0:
        n_todo -= 1
        lo, hi, gid = todo[n_todo, 0], todo[n_todo, 1], todo[n_todo, 2]
        if gid > 0:  # (component 0 is the whole graph, split before looking for cycles)
            n_cycle = _first_cycle(seg[lo], gid, grp, ptr, head, alive, state, it, stack, path_edge, calls, cycle)
            for k in range(lo, hi):
                state[seg[k]] = 0
            best = -1
            for k in range(n_cycle):
                e = cycle[k]
                if lagable[e] and (best < 0 or weight[e] < weight[best] or (weight[e] == weight[best] and e < best)):
                    best = e
            if best < 0:
                return False
            alive[best] = False
            if _reaches(tail[best], head[best], gid, grp, ptr, head, alive, onstack, buf):
                n_todo += 1  # still strongly connected (a path replaces the edge): keep it as it is
                continue
        n_comp = _split(seg, lo, hi, gid, grp, ptr, head, alive, index, low, onstack, it, stack, calls, comp)
        # regroup the segment by component, keeping each component's nodes sorted
        start = np.zeros(n_comp + 1, dtype=np.int64)
        for k in range(lo, hi):
            start[comp[seg[k]] + 1] += 1
        for c in range(n_comp):
            start[c + 1] += start[c]
        fill = start[:n_comp].copy()
        for k in range(lo, hi):
            c = comp[seg[k]]
            buf[fill[c]] = seg[k]
            fill[c] += 1
        for k in range(hi - lo):
            seg[lo + k] = buf[k]
        for c in range(n_comp):
            a, b = lo + start[c], lo + start[c + 1]
            looped = b - a > 1
            if not looped:
                v = seg[a]
                for e in range(ptr[v], ptr[v + 1]):
                    if alive[e] and head[e] == v:
                        looped = True
            label = next_gid if looped else -1
            for k in range(a, b):
                grp[seg[k]] = label
            if looped:
                todo[n_todo, 0], todo[n_todo, 1], todo[n_todo, 2] = a, b, next_gid
                n_todo += 1
                next_gid += 1
    return True


def smallest_first_order(ptr: np.ndarray, head: np.ndarray, alive: np.ndarray) -> list[int]:
    """Topological order over live edges that always takes the smallest node whose predecessors are done."""
    indeg = np.bincount(head[alive], minlength=len(ptr) - 1).tolist()
    ptr_, head_, alive_ = ptr.tolist(), head.tolist(), alive.tolist()
    ready = [v for v, d in enumerate(indeg) if d == 0]  # ascending, so already a heap
    order = []
    while ready:
        v = heapq.heappop(ready)
        order.append(v)
        for e in range(ptr_[v], ptr_[v + 1]):
            if alive_[e]:
                w = head_[e]
                indeg[w] -= 1
                if indeg[w] == 0:
                    heapq.heappush(ready, w)
    return order
