"""Compile a network to the flat arrays the simulation kernel runs on.

Everything the kernel needs is turned into numpy arrays in CSR layouts, with items in a
canonical order (processes, hubs and routes sorted by id, demand rows by hub), so that results do
not depend on the order of rows in the network's tables.

Ordering and loops
------------------
In each period the kernel visits the nodes of the process--hub graph (hubs, processes; edges hub
-> process for inputs, process -> hub for outputs, hub -> hub for routes) in topological order: a
hub shares out its supply only after every process and route that delivers to it in the same
period has run. Loops (recycling: cells make scrap, scrap becomes lithium for cathode for cells)
are broken by a one-period lag on a *feedback set* of delivery edges (process outputs and routes,
the edges that put material into a hub): what moves along a lagged edge arrives at the start of
the next period. The set is chosen greedily: while a strongly connected component holds a cycle,
take one cycle and lag its delivery edge with the smallest baseline flow (ties broken by label),
so the lag sits where it delays the least material. Every cycle holds a delivery edge, so this
always ends with an acyclic graph. Lagging an edge can only split its own component, so the
components are worked on one at a time (Numba kernels on integer arrays, in ``_loops``).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from valuechain.errors import NetworkError
from valuechain.network.model import PERIODS, RECOURSES, Network, allowed_recourses
from valuechain.network.stocks import stock_policy
from valuechain.network.validate import hub_id

__all__ = ["USE_DEMAND", "USE_INPUT", "USE_ROUTE", "SimArrays", "compile_network", "plan_order"]

#: Kinds of hub uses in :attr:`SimArrays.use_kind`.
USE_INPUT, USE_ROUTE, USE_DEMAND = 0, 1, 2
#: Stand-in for an unlimited capacity (keeps ``capacity * 0`` equal to 0 instead of NaN).
BIG = 1e300

Node = tuple[str, str]  # ("h", hub label) or ("p", process id)


@dataclass(frozen=True, eq=False)
class SimArrays:
    """A network compiled for simulation, at the rates of one simulation period.

    Attributes hold items in canonical order: ``processes``, ``hubs`` and ``routes`` sorted by
    label, ``demands`` (hub of each demand row) sorted by hub. Rates (capacity, baseline activity,
    baseline flows, demand) are per simulation period: the network's rates times ``factor``.
    Unlimited capacities are stored as ``1e300``.
    """

    network: str
    factor: float
    processes: pd.Index
    hubs: pd.Index
    routes: pd.Index
    demands: pd.Index
    # permutations from the network's row order to the canonical order
    process_rows: np.ndarray
    route_rows: np.ndarray
    demand_rows: np.ndarray
    # topological order of nodes: kind 0 = hub, 1 = process; index into hubs / processes
    order_kind: np.ndarray
    order_idx: np.ndarray
    # process inputs (CSR over processes)
    in_ptr: np.ndarray
    in_proc: np.ndarray
    in_hub: np.ndarray
    in_coef: np.ndarray
    # process outputs (CSR over processes)
    out_ptr: np.ndarray
    out_proc: np.ndarray
    out_hub: np.ndarray
    out_yield: np.ndarray
    out_lag: np.ndarray
    # routes
    r_from: np.ndarray
    r_to: np.ndarray
    r_lag: np.ndarray
    # uses of each hub (CSR over hubs): kind USE_*, index of input entry / route / demand row
    use_ptr: np.ndarray
    use_kind: np.ndarray
    use_idx: np.ndarray
    in_use: np.ndarray
    # re-sourcing: incoming non-lagged routes and non-lagged producers of each hub (CSR over hubs)
    pull_ptr: np.ndarray
    pull_route: np.ndarray
    prod_ptr: np.ndarray
    prod_out: np.ndarray
    # re-sourcing recourse: refill rate per hub; alternatives of process inputs (CSR over
    # processes): the input entry replaced, the alternative's hub, coefficient, share, ramp
    # (periods) and named recourse (position in valuechain.network.model.RECOURSES)
    refill: np.ndarray
    alt_ptr: np.ndarray
    alt_in: np.ndarray
    alt_hub: np.ndarray
    alt_coef: np.ndarray
    alt_share: np.ndarray
    alt_ramp: np.ndarray
    alt_recourse: np.ndarray
    # rates per simulation period, stocks
    base_act: np.ndarray
    capacity: np.ndarray
    route_base: np.ndarray
    route_cap: np.ndarray
    demand_qty: np.ndarray
    stock0: np.ndarray
    stock_level: np.ndarray
    pipe0: np.ndarray
    # labels for reporting
    demand_hub: np.ndarray
    demand_value: np.ndarray
    hub_commodity: pd.Index
    hub_stage: pd.Index
    hub_unit: pd.Index
    process_ttr: np.ndarray
    process_ramp: np.ndarray  # ramp_up in periods, per process
    lagged: list[str] = field(default_factory=list)

    @property
    def n_edges(self) -> int:
        """Number of edges the kernel updates per scenario and period (inputs, outputs, routes, demand)."""
        return len(self.in_hub) + len(self.out_hub) + len(self.routes) + len(self.demands)

    def kernel_args(self) -> tuple[Any, ...]:
        """Return the static arrays, in the order the kernel takes them."""
        return (
            self.order_kind, self.order_idx, self.in_ptr, self.in_proc, self.in_hub, self.in_coef,
            self.out_ptr, self.out_proc, self.out_hub, self.out_yield, self.out_lag,
            self.r_from, self.r_to, self.r_lag, self.use_ptr, self.use_kind, self.use_idx, self.in_use,
            self.pull_ptr, self.pull_route, self.prod_ptr, self.prod_out,
            self.base_act, self.capacity, self.route_base, self.route_cap, self.demand_qty,
            self.stock0, self.stock_level, self.pipe0,
        )  # fmt: skip

    @property
    def pull_depth(self) -> int:
        """Steps in the longest chain a re-sourcing pull can climb (a route to its origin, a producer to an input hub).

        Found once, in the topological order: a hub's chain is one step longer than the longest
        of its origins' and its producers' input hubs' (which come before it in that order).
        """
        got = self.__dict__.get("_pull_depth")
        if got is None:
            longest = np.zeros(len(self.hubs), dtype=np.int64)
            for h in self.order_idx[self.order_kind == 0].tolist():
                up = [longest[self.r_from[r]] for r in self.pull_route[self.pull_ptr[h] : self.pull_ptr[h + 1]]]
                for e in self.prod_out[self.prod_ptr[h] : self.prod_ptr[h + 1]].tolist():
                    p = self.out_proc[e]
                    up.extend(longest[self.in_hub[self.in_ptr[p] : self.in_ptr[p + 1]]].tolist())
                longest[h] = 1 + max(up) if up else 0
            got = int(longest.max(initial=0))
            self.__dict__["_pull_depth"] = got
        return int(got)

    def recourse_args(
        self,
        substitution: bool = True,
        chemistry_switching: bool = True,
        ramp_depth: int | None = 0,
        spare_ramp: bool = False,
        rush_from_stock: float = 0.0,
    ) -> tuple[np.ndarray, ...]:
        """Return the re-sourcing recourse arrays the full kernel takes, with the allowed alternatives only.

        ``substitution`` allows the alternatives of the named recourse "substitution" (materials),
        ``chemistry_switching`` those of "chemistry_switching" (cell chemistries). ``ramp_depth``
        is how many steps up the chain a pull may go (``None``: the whole chain,
        :attr:`pull_depth`), as the last array but one. ``spare_ramp`` brings a plant's spare
        capacity online over its ``ramp_up`` (the last array but one: each process's ramp in periods,
        or empty: at once). ``rush_from_stock`` is the share of its stock level a hub may ship for
        front-loaded orders (the last array, of one value).
        """
        if ramp_depth is None:
            depth = self.pull_depth
        elif ramp_depth == 0:  # the default: the chain's length is not needed
            depth = 0
        else:
            depth = min(int(ramp_depth), self.pull_depth)
        allowed = allowed_recourses(substitution=substitution, chemistry_switching=chemistry_switching)
        keep = np.isin(self.alt_recourse, [RECOURSES.index(r) for r in allowed])
        if keep.all():
            alt = (self.alt_ptr, self.alt_in, self.alt_hub, self.alt_coef, self.alt_share, self.alt_ramp)
        else:
            # the rows kept stay in their order; each process's range shrinks to its kept rows
            kept = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
            ptr = kept[self.alt_ptr]
            alt = (ptr, *(a[keep] for a in (self.alt_in, self.alt_hub, self.alt_coef, self.alt_share, self.alt_ramp)))
        ramp = self.process_ramp if spare_ramp else np.zeros(0)
        return (self.refill, *alt, np.array([depth], dtype=np.int64), ramp, np.array([float(rush_from_stock)]))


def _finite(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.where(np.isfinite(x), x, BIG)


def _recipe_entries(net: Network) -> pd.DataFrame:
    """Recipe rows of processes (not expansion options), summed per (process, kind, commodity), sorted."""
    region = dict(zip(net.processes.index.tolist(), net.processes["region"].tolist(), strict=True))
    rec = net.recipes
    acc: dict[tuple[str, str, str], float] = {}
    cols = (rec[c].tolist() for c in ("process", "kind", "commodity", "coefficient"))  # fast on Arrow strings
    for p, kind, com, coef in zip(*cols, strict=True):
        if p in region and coef > 0:
            key = (str(p), str(kind), str(com))
            acc[key] = acc.get(key, 0.0) + float(coef)
    keys = sorted(acc)
    return pd.DataFrame(
        {
            "process": [k[0] for k in keys],
            "kind": [k[1] for k in keys],
            "commodity": [k[2] for k in keys],
            "coefficient": np.array([acc[k] for k in keys], dtype=float),
            "hub": [hub_id(region[k[0]], k[2]) for k in keys],
        }
    )


def _loop_graph(
    network: Network, rec: pd.DataFrame
) -> tuple[list[Node], np.ndarray, np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Nodes (sorted) and edges (sorted by tail, head, key) of the process--hub graph.

    ``rec`` is the network's ``_recipe_entries``. Returns the nodes; per edge its tail and head
    (positions among the nodes), its key (``in:<hub>``, ``out:<hub>`` or ``route:<id>``), whether
    it is a delivery edge (may be lagged) and its baseline flow. A repeated (tail, head, key)
    keeps its last row.
    """
    act = network.baseline_activity
    level = dict(zip(act.index.tolist(), act.to_numpy(), strict=True))
    procs, kinds, hubs = (rec[c].tolist() for c in ("process", "kind", "hub"))
    coef = rec["coefficient"].to_numpy(dtype=np.float64)
    routes = network.routes
    r_com, r_o, r_d = (routes[c].tolist() for c in ("commodity", "origin", "destination"))
    r_from = [hub_id(o, c) for o, c in zip(r_o, r_com, strict=True)]
    r_to = [hub_id(d, c) for d, c in zip(r_d, r_com, strict=True)]
    # nodes sort as (kind, label) with hubs ("h") before processes ("p")
    hub_labels = sorted({str(h) for h in network.hub_ids}.union(hubs, r_from, r_to))
    proc_labels = sorted({str(p) for p in network.processes.index.tolist()}.union(procs))
    nodes: list[Node] = [("h", h) for h in hub_labels] + [("p", p) for p in proc_labels]
    h_pos = {h: i for i, h in enumerate(hub_labels)}
    p_pos = {p: len(hub_labels) + i for i, p in enumerate(proc_labels)}
    is_in = np.array([k == "input" for k in kinds], dtype=np.bool_)
    hp = np.array([h_pos[h] for h in hubs], dtype=np.int64)
    pp = np.array([p_pos[p] for p in procs], dtype=np.int64)
    tail = np.concatenate([np.where(is_in, hp, pp), [h_pos[h] for h in r_from]]).astype(np.int64)
    head = np.concatenate([np.where(is_in, pp, hp), [h_pos[h] for h in r_to]]).astype(np.int64)
    keys = [("in:" if i else "out:") + h for i, h in zip(is_in.tolist(), hubs, strict=True)]
    keys += [f"route:{rid}" for rid in routes.index.tolist()]
    lev = np.array([level[p] for p in procs], dtype=np.float64)
    flow = np.concatenate([np.where(is_in, 0.0, coef * lev), routes["baseline_flow"].to_numpy(dtype=np.float64)])
    lagable = np.concatenate([~is_in, np.ones(len(r_from), dtype=np.bool_)])
    rank = {k: i for i, k in enumerate(sorted(set(keys)))}
    key_rank = np.array([rank[k] for k in keys], dtype=np.int64)
    order = np.lexsort((key_rank, head, tail))  # stable: equal edges keep their row order
    t, h, r = tail[order], head[order], key_rank[order]
    last = np.ones(len(order), dtype=np.bool_)  # the last row of each run of equal edges
    last[:-1] = (t[1:] != t[:-1]) | (h[1:] != h[:-1]) | (r[1:] != r[:-1])
    keep = order[last]
    return nodes, tail[keep], head[keep], [keys[i] for i in keep.tolist()], lagable[keep], flow[keep]


def plan_order(network: Network) -> tuple[list[Node], set[tuple[str, str, str]]]:
    """Topological order of the process--hub graph and the delivery edges lagged to break loops.

    Loops are broken one strongly connected component at a time (see the module notes): in a
    component that still holds a cycle, a depth-first search from its smallest node (hubs before
    processes, then by label), following each node's edges in the order of (head, key), finds the
    first cycle; its delivery edge of least baseline flow (ties: smallest (tail, head, key)) is
    lagged, and the rest of the component is split again. The order visits, among the nodes whose
    predecessors have all been visited, the smallest first.

    Parameters
    ----------
    network
        The network.

    Returns
    -------
    order : list of (kind, label)
        Nodes ``("h", hub)`` and ``("p", process)`` in the order the kernel visits them.
    lagged : set of (kind, source, key)
        Lagged delivery edges: ``("output", process, hub)`` or ``("route", route_id, "")``.

    Examples
    --------
    >>> import valuechain as vc
    >>> order, lagged = plan_order(vc.load_network("toy-battery"))
    >>> sorted(lagged)
    [('output', 'cn-hydromet', 'CN:lithium_chem'), ('output', 'de-hydromet', 'DE:lithium_chem')]
    """
    return _plan_order(network, _recipe_entries(network))


def _plan_order(network: Network, rec: pd.DataFrame) -> tuple[list[Node], set[tuple[str, str, str]]]:
    """:func:`plan_order`, given the network's ``_recipe_entries``."""
    from valuechain.sim._loops import break_loops, smallest_first_order

    alt = _alternative_entries(network)
    if len(alt):  # a process is visited after the hubs of its alternatives, as after its inputs
        # (of every recourse, allowed or not: one order for every run, so that allowing a recourse
        # only adds options and never reorders who draws spare supply first)
        extra = pd.DataFrame(
            {
                "process": alt["process"],
                "kind": "input",
                "commodity": alt["alternative"],
                "coefficient": 0.0,
                "hub": alt["alt_hub"],
            }
        )
        rec = pd.concat([rec, extra], ignore_index=True)
    nodes, tail, head, keys, lagable, weight = _loop_graph(network, rec)
    ptr = _csr(tail, len(nodes))
    alive = np.ones(len(tail), dtype=np.bool_)
    order = smallest_first_order(ptr, head, alive)
    if len(order) == len(nodes):  # no loop: nothing to lag (and the loop breaker need not compile)
        return [nodes[i] for i in order], set()
    if not break_loops(ptr, tail, head, lagable, weight, alive):
        raise NetworkError(f"network '{network.name}' has a loop without a delivery edge to lag")
    lagged: set[tuple[str, str, str]] = set()
    for e in np.flatnonzero(~alive).tolist():
        key = keys[e]
        if key.startswith("route:"):
            lagged.add(("route", key[len("route:") :], ""))
        else:
            lagged.add(("output", nodes[tail[e]][1], nodes[head[e]][1]))
    order = smallest_first_order(ptr, head, alive)
    return [nodes[i] for i in order], lagged


def _alternative_entries(net: Network) -> pd.DataFrame:
    """Alternatives of processes' inputs with the hubs they replace and draw from."""
    alt = net.alternatives
    region = dict(zip(net.processes.index.tolist(), net.processes["region"].tolist(), strict=True))
    procs, coms, others = (alt[c].tolist() for c in ("process", "commodity", "alternative"))
    return pd.DataFrame(
        {
            "process": procs,
            "commodity": coms,
            "alternative": others,
            "hub": [hub_id(region[p], c) for p, c in zip(procs, coms, strict=True)],
            "alt_hub": [hub_id(region[p], c) for p, c in zip(procs, others, strict=True)],
            "coefficient": alt["coefficient"].to_numpy(dtype=float),
            "share_max": alt["share_max"].to_numpy(dtype=float),
            "ramp_months": alt["ramp_months"].to_numpy(dtype=float),
            "recourse": alt["recourse"].tolist(),
        }
    )


def _csr(groups: np.ndarray, n: int) -> np.ndarray:
    """CSR pointer for entries sorted by ``groups`` (values in 0..n-1)."""
    counts = np.bincount(groups, minlength=n) if len(groups) else np.zeros(n, dtype=np.int64)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr


# Compiled arrays of live networks (networks are read-only, so identity is a safe key).
_COMPILED: weakref.WeakKeyDictionary[Network, dict[int, SimArrays]] = weakref.WeakKeyDictionary()


def _table_file(network: Network, table: str) -> str:
    """The file a table of ``network`` was read from, or its label when it was built in code."""
    return str(network.path / f"{table}.csv") if network.path is not None else f"{table} of network '{network.name}'"


def compile_network(network: Network, period_months: int = 1) -> SimArrays:
    """Compile ``network`` to :class:`SimArrays` for periods of ``period_months`` months.

    The result is remembered for as long as the network object lives, so repeated runs on one
    network compile it once.

    Parameters
    ----------
    network
        The network.
    period_months
        Length of a simulation period in months (1, 3 or 12); the network's rates, stated per
        ``network.period``, are scaled to it.

    Returns
    -------
    SimArrays

    Raises
    ------
    NetworkError
        If the network has no processes (there is nothing to run).

    Examples
    --------
    >>> import valuechain as vc
    >>> arr = compile_network(vc.load_network("toy-battery"))
    >>> len(arr.processes), len(arr.hubs), arr.factor
    (12, 15, 0.08333333333333333)
    """
    if len(network.processes) == 0:
        raise NetworkError(
            f"network '{network.name}' has no processes; expected at least one for the simulator "
            "(supply comes from processes and the stocks they refill)",
            file=_table_file(network, "processes"),
        )
    per_network = _COMPILED.setdefault(network, {})
    if period_months not in per_network:
        per_network[period_months] = _compile(network, period_months)
    return per_network[period_months]


def _compile(network: Network, period_months: int) -> SimArrays:
    net = network
    factor = period_months / PERIODS[net.period]
    procs = net.processes
    pid = pd.Index(sorted(map(str, procs.index.tolist())), name="process")
    process_rows = procs.index.get_indexer(pid)
    hubs = pd.Index(sorted(map(str, net.hub_ids.tolist())), name="hub")
    if hubs.has_duplicates:
        raise NetworkError(f"network '{net.name}' has duplicate hubs; expected one row per (region, commodity)")
    hpos = {h: i for i, h in enumerate(hubs.tolist())}
    rt = net.routes
    rid = pd.Index(sorted(map(str, rt.index.tolist())), name="route")
    route_rows = rt.index.get_indexer(rid)
    rt = rt.iloc[route_rows]
    dem = net.demand
    dlab = np.array([hub_id(r, c) for r, c in zip(dem["region"], dem["commodity"], strict=True)], dtype=object)
    qty = dem["quantity"].to_numpy(dtype=float)
    demand_rows = np.lexsort((qty, dlab.astype(str))) if len(dem) else np.zeros(0, dtype=np.int64)
    dlab = dlab[demand_rows]
    dem = dem.iloc[demand_rows]

    rec = _recipe_entries(net)
    order, lagged = _plan_order(net, rec)
    ppos = {p: i for i, p in enumerate(pid.tolist())}
    order_kind = np.array([0 if k == "h" else 1 for k, _ in order], dtype=np.int64)
    order_idx = np.array([hpos[x] if k == "h" else ppos[x] for k, x in order], dtype=np.int64)

    # (columns of Arrow strings are read as lists: iterating them is slow)
    rec["p"] = [ppos[p] for p in rec["process"].tolist()]
    rec["h"] = [hpos[h] for h in rec["hub"].tolist()]
    rec = rec.sort_values(["p", "h"], kind="stable")
    ins, outs = rec[rec["kind"] == "input"], rec[rec["kind"] == "output"]
    n_p, n_h = len(pid), len(hubs)
    in_ptr = _csr(ins["p"].to_numpy(), n_p)
    out_ptr = _csr(outs["p"].to_numpy(), n_p)
    in_hub = ins["h"].to_numpy(dtype=np.int64)
    out_hub = outs["h"].to_numpy(dtype=np.int64)
    out_lag = np.array(
        [("output", p, h) in lagged for p, h in zip(outs["process"].tolist(), outs["hub"].tolist(), strict=True)],
        dtype=np.bool_,
    )
    origin, dest, rcom = (rt[c].tolist() for c in ("origin", "destination", "commodity"))
    r_from = np.array([hpos[hub_id(o, c)] for o, c in zip(origin, rcom, strict=True)], dtype=np.int64)
    r_to = np.array([hpos[hub_id(d, c)] for d, c in zip(dest, rcom, strict=True)], dtype=np.int64)
    r_lag = np.array([("route", r, "") in lagged for r in rid.tolist()], dtype=np.bool_)
    d_hub = np.array([hpos[h] for h in dlab], dtype=np.int64)

    # uses of each hub, in canonical order: process inputs (by process), routes (by id), demand rows
    uses = [(int(h), USE_INPUT, e) for e, h in enumerate(in_hub)]
    uses += [(int(h), USE_ROUTE, r) for r, h in enumerate(r_from)]
    uses += [(int(h), USE_DEMAND, d) for d, h in enumerate(d_hub)]
    uses.sort()
    use_h = np.array([u[0] for u in uses], dtype=np.int64)
    in_use = np.zeros(len(in_hub), dtype=np.int64)
    for pos, (_, kind, e) in enumerate(uses):
        if kind == USE_INPUT:
            in_use[e] = pos
    pulls = sorted((int(r_to[r]), r) for r in range(len(rid)) if not r_lag[r])
    prods = sorted((int(h), e) for e, h in enumerate(out_hub) if not out_lag[e])

    com = net.commodities
    hub_com = [h.split(":", 1)[1] for h in hubs.tolist()]
    stage = dict(zip(com.index.tolist(), com["stage"].tolist(), strict=True))
    unit = dict(zip(com.index.tolist(), com["unit"].tolist(), strict=True))
    value = com["value"] if "value" in com.columns else pd.Series(np.nan, index=com.index)
    vold = dem["value_of_lost_demand"].to_numpy(dtype=float)
    cval = np.array([value.get(c, np.nan) for c in dem["commodity"]], dtype=float)
    dval = np.where(np.isfinite(vold), vold, np.where(np.isfinite(cval), cval, 0.0))

    policy = stock_policy(net)
    policy = policy.loc[hubs]
    stock0 = policy["initial_stock"].to_numpy(dtype=float)
    level = policy["level"].to_numpy(dtype=float)
    refill = policy["refill_rate"].to_numpy(dtype=float)
    alt = _alternative_entries(net)
    in_pos = {(p, h): i for i, (p, h) in enumerate(zip(ins["process"].tolist(), ins["hub"].tolist(), strict=True))}
    if len(alt):
        alt = alt.assign(_p=[ppos[p] for p in alt["process"].tolist()]).sort_values(["_p", "hub"], kind="stable")
    alt_p = alt["_p"].to_numpy(dtype=np.int64) if len(alt) else np.zeros(0, dtype=np.int64)
    act = net.baseline_activity.loc[pid].to_numpy(dtype=float)
    ttr = procs["ttr"].loc[pid].to_numpy(dtype=float) * PERIODS[net.period] / period_months
    ramp = procs["ramp_up"].loc[pid].to_numpy(dtype=float) * PERIODS[net.period] / period_months

    # the run starts from the baseline: lagged edges carry their baseline delivery into period 0
    pipe0 = np.zeros(n_h)
    lag_out = outs[out_lag]
    np.add.at(
        pipe0,
        lag_out["h"].to_numpy(dtype=np.int64),
        lag_out["coefficient"].to_numpy() * act[lag_out["p"].to_numpy()] * factor,
    )
    np.add.at(pipe0, r_to[r_lag], rt["baseline_flow"].to_numpy(dtype=float)[r_lag] * factor)
    lag_labels = sorted(f"{k}:{a}" + (f"->{b}" if b else "") for k, a, b in lagged)
    return SimArrays(
        network=net.name,
        factor=factor,
        processes=pid,
        hubs=hubs,
        routes=rid,
        demands=pd.Index(dlab.astype(str), name="demand"),
        process_rows=process_rows,
        route_rows=route_rows,
        demand_rows=demand_rows,
        order_kind=order_kind,
        order_idx=order_idx,
        in_ptr=in_ptr,
        in_proc=ins["p"].to_numpy(dtype=np.int64),
        in_hub=in_hub,
        in_coef=ins["coefficient"].to_numpy(dtype=float),
        out_ptr=out_ptr,
        out_proc=outs["p"].to_numpy(dtype=np.int64),
        out_hub=out_hub,
        out_yield=outs["coefficient"].to_numpy(dtype=float),
        out_lag=out_lag,
        r_from=r_from,
        r_to=r_to,
        r_lag=r_lag,
        use_ptr=_csr(use_h, n_h),
        use_kind=np.array([u[1] for u in uses], dtype=np.int64),
        use_idx=np.array([u[2] for u in uses], dtype=np.int64),
        in_use=in_use,
        pull_ptr=_csr(np.array([p[0] for p in pulls], dtype=np.int64), n_h),
        pull_route=np.array([p[1] for p in pulls], dtype=np.int64),
        prod_ptr=_csr(np.array([p[0] for p in prods], dtype=np.int64), n_h),
        prod_out=np.array([p[1] for p in prods], dtype=np.int64),
        base_act=act * factor,
        capacity=_finite(procs["capacity"].loc[pid].to_numpy(dtype=float) * factor),
        route_base=rt["baseline_flow"].to_numpy(dtype=float) * factor,
        route_cap=_finite(rt["capacity"].to_numpy(dtype=float) * factor),
        demand_qty=dem["quantity"].to_numpy(dtype=float) * factor,
        refill=refill,
        alt_ptr=_csr(alt_p, n_p),
        alt_in=np.array(
            [in_pos[(p, h)] for p, h in zip(alt["process"].tolist(), alt["hub"].tolist(), strict=True)], dtype=np.int64
        ),
        alt_hub=np.array([hpos[h] for h in alt["alt_hub"].tolist()], dtype=np.int64),
        alt_coef=alt["coefficient"].to_numpy(dtype=float),
        alt_share=alt["share_max"].to_numpy(dtype=float),
        alt_ramp=alt["ramp_months"].to_numpy(dtype=float) / period_months,
        alt_recourse=np.array([RECOURSES.index(r) for r in alt["recourse"].tolist()], dtype=np.int64),
        stock0=stock0,
        stock_level=level,
        pipe0=pipe0,
        demand_hub=d_hub,
        demand_value=dval,
        hub_commodity=pd.Index(hub_com, name="commodity"),
        hub_stage=pd.Index([str(stage[c]) for c in hub_com], name="stage"),
        hub_unit=pd.Index([str(unit[c]) for c in hub_com], name="unit"),
        process_ttr=ttr,
        process_ramp=ramp,
        lagged=lag_labels,
    )
