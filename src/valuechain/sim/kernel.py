"""Running the simulation kernels on a chunk of scenarios: shock events, blocks, workspaces.

Two Numba kernels compute a chunk: the full kernel (``valuechain.sim.full``, whose docstring
states the semantics) visits every node for every scenario, and the delta kernel
(``valuechain.sim.delta``) computes only the rows a shock changes. This module is their Python
side: the layout of shock entries (:class:`Events`), the choice of kernel and block size,
preallocated buffers (:class:`Workspace`) and :func:`run_chunk`, which checks and converts its
arguments and calls one kernel (the full one in one lane of blocks per thread). Both kernels
take their shared inlined pieces from ``valuechain.sim._kernel_helpers``, so neither imports
this module.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

import numpy as np
from numba import get_num_threads

from valuechain.sim.full import simulate_kernel

__all__ = [
    "OUTPUTS",
    "Events",
    "Workspace",
    "events_from_dense",
    "in_cache",
    "kernel_form",
    "make_events",
    "no_recourse",
    "run_chunk",
    "simulate_kernel",
]

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
    recourse: tuple[np.ndarray, ...] | None = None,
    lanes: int | None = None,
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
    are sparse enough for it to pay (:func:`_sparse_enough`). The delta kernel does not model
    front-loading, so 'auto' keeps the full kernel when a route multiplier is above 1, and
    'delta' refuses such shocks.

    ``recourse`` (``SimArrays.recourse_args()``) holds the refill rates of hubs and the
    alternatives of process inputs, which re-sourcing runs use; ``None``: neither. Both act only
    in re-sourcing mode, which always runs the full kernel, so the delta kernel needs neither.

    ``lanes`` is the number of threads the full kernel's blocks are split over (default: Numba's
    thread count); the results do not depend on it.
    """
    n_s, n_t = events.n_s, events.n_t
    n_h, n_p, n_r, n_d = len(args[27]), len(args[22]), len(args[24]), len(args[26])
    ptr, kind, item, value = kernel_form((events.ptr, events.kind, events.item, events.value))
    events = Events(n_s, n_t, ptr, kind, item, value)
    w = np.ones(n_s) if weight is None else kernel_form((np.asarray(weight, dtype=np.float64),))[0]
    shapes = {"supply": n_h, "stock": n_h, "served": n_d, "demand": n_d, "activity": n_p, "flow": n_r}
    shapes.update({"ratio": n_h, "qsum": n_h, "left": n_h})  # (the reference run of the delta kernel)
    unknown = set(outputs) - set(shapes)
    if unknown:
        raise ValueError(f"unknown kernel outputs {sorted(unknown)}; expected some of {list(OUTPUTS)}")
    if method not in ("auto", "full", "delta"):
        raise ValueError(f"unknown kernel method {method!r}; expected 'auto', 'full' or 'delta'")
    if method == "delta" and (resourcing or outputs):
        raise ValueError("the delta kernel runs pro-rata summaries only (no re-sourcing, no dense outputs)")
    pulled = _front_loads(events)
    if method == "delta" and pulled:
        raise ValueError("the delta kernel does not model front-loading (a route multiplier above 1)")
    delta = method == "delta" or (
        method == "auto" and not resourcing and not outputs and not pulled and _sparse_enough(args, events)
    )
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
        _in_lanes(
            n_blocks,
            *kernel_form(args),
            events.ptr, events.kind, events.item, events.value, w, int(n_t), bool(resourcing), int(block),
            *kernel_form(recourse if recourse is not None else no_recourse(n_h, n_p)),
            *kernel_form(statics),
            *res.values(),
            *part.values(),
            *out.values(),
            lanes=lanes,
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


def _in_lanes(n_blocks: int, *kernel_args: Any, lanes: int | None = None) -> None:
    """Run :func:`simulate_kernel` on ``n_blocks`` blocks, one lane of blocks per thread.

    The kernel releases the GIL (``nogil``), so the lanes run on separate cores. There are
    ``lanes`` of them (default: Numba's thread count, at most one per block); lane ``k`` of ``n``
    runs the contiguous blocks ``k * n_blocks // n`` up to ``(k + 1) * n_blocks // n``, so every
    block runs once. Blocks write disjoint parts of the outputs, so the lanes need no locking and
    the results do not depend on their number. The threads are Python's because the kernel
    compiled as a parallel loop (``prange``) took more than twice as long to compile: Numba
    optimises the loop's body once more when it lowers the loop and again in its caller.
    """
    n = max(1, min(n_blocks, get_num_threads() if lanes is None else lanes))
    if n == 1:
        simulate_kernel(*kernel_args, 0, 1)  # type: ignore[call-arg]
        return
    with ThreadPoolExecutor(n - 1) as pool:
        rest = [pool.submit(simulate_kernel, *kernel_args, k, n) for k in range(1, n)]  # type: ignore[call-arg]
        simulate_kernel(*kernel_args, 0, n)  # type: ignore[call-arg]
        for f in rest:
            f.result()


def kernel_form(arrays: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """The arrays as the kernels are compiled for: C-contiguous and writeable (copied if not).

    Numba compiles one specialisation of a kernel per combination of its arguments' types, and
    an array's type holds its layout and whether it is read-only. Arrays taken from pandas are
    read-only (copy-on-write) and arrays a Dask worker unpickles are read-only too, so without
    this each source of arrays compiled the large kernels again (about 20 s each) instead of
    loading the one specialisation held in the cache. Arrays already in that form are passed
    as they are; the others are network-sized, so a copy costs little next to a kernel call.
    """
    return tuple(x if x.flags.c_contiguous and x.flags.writeable else np.array(x, order="C") for x in arrays)


def in_cache(kernel: Any) -> bool:
    """Whether Numba's on-disk cache holds a specialisation of ``kernel`` that :func:`run_chunk` can load.

    That is an entry for this source of the kernel, compiled for this machine, whose array
    arguments are all in the form :func:`kernel_form` gives. Reads the cache's small index file
    only (no compilation); ``False`` when the kernel has no cache or its index cannot be read.
    """
    from numba.core import types

    try:
        cache = kernel._cache
        want = cache._index_key(None, kernel.targetctx.codegen())[1:]
        index = cache._cache_file._load_index()
    except Exception:  # (a private interface of Numba: any change of it reads as "not cached")
        return False
    for key in index:
        sig = key[0]
        if key[1:] == want and all(t.layout == "C" and t.mutable for t in sig if isinstance(t, types.Array)):
            return True
    return False


def no_recourse(n_h: int, n_p: int) -> tuple[np.ndarray, ...]:
    """Recourse arrays with no refill, no alternatives, pulls one step up, spare capacity at once, no rush stock.

    For ``n_h`` hubs and ``n_p`` processes.
    """
    none_i, none_f = np.zeros(0, dtype=np.int64), np.zeros(0)
    return (
        np.zeros(n_h),
        np.zeros(n_p + 1, dtype=np.int64),
        none_i,
        none_i,
        none_f,
        none_f,
        none_f,
        np.zeros(1, dtype=np.int64),
        none_f,
        np.zeros(1),
    )


def _front_loads(events: Events) -> bool:
    """Whether some route multiplier is above 1 (buyers pulling purchases forward)."""
    return bool(np.any((events.kind == 1) & (events.value > 1.0)))


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
            args_v, statics_v = hubs_in_visiting_order(args, statics)
            vis = self._visiting = (args, (kernel_form(args_v), kernel_form(statics_v)))
            self._reference = None
        args_v, statics_v = vis[1]
        ref = self._reference
        if ref is None or ref[0] != n_t:
            ref = self._reference = (n_t, kernel_form(reference_run(args_v, statics_v, n_t)))
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
