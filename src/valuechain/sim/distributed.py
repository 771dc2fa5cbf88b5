"""Scale-out on Dask: simulation ensembles spread over a cluster.

Nothing here schedules work itself: pieces of an ensemble become ``dask.distributed`` tasks, the
network and its compiled arrays are scattered once to every worker, and each task sends back the
small summary state of its scenarios (per-scenario totals and probability-weighted sums). The
client merges those states in scenario order, so a distributed run gives the summaries of a local
``simulate(..., keep="summary")`` run with the same shocks, up to the order of floating-point sums.
Optimisation sweeps fan out from the study layer (:mod:`valuechain.study.scale`), since the
simulation engine does not import the optimiser.

Three kinds of ensemble are split:

* a :class:`~valuechain.scenarios.compiled.ShockArrays` or
  :class:`~valuechain.scenarios.sparse.SparseShocks` with many scenarios (cut into slices);
* an iterator of such chunks (each chunk a task, a bounded number in flight);
* a :class:`RegisterSample` (a risk-register sample described by its seed: each worker draws its
  own block of scenarios, so no shock array crosses the network; the register's sampler gives
  scenario ``i`` the same draws whatever block it is drawn in).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.errors import ScenarioError, ValueChainError
from valuechain.network.model import Network
from valuechain.scenarios.compiled import ShockArrays
from valuechain.scenarios.sparse import SparseShocks
from valuechain.sim.compile import SimArrays, compile_network
from valuechain.sim.result import SimResult
from valuechain.sim.simulate import _Accumulator, _default_chunk, _Plan, summary_statics

if TYPE_CHECKING:
    from distributed import Client

    from valuechain.scenarios.register import RiskRegister

__all__ = ["RegisterSample", "cluster", "connect", "simulate_distributed"]

_SUMS = ("e_short", "e_dem", "p_dry", "first_sum")
_COLS = ("lost_value", "lost_cells_gwh", "shortfall_periods", "max_shortfall_share")


@dataclass(frozen=True)
class RegisterSample:
    """``n`` scenarios of a risk register drawn with ``seed``, to be drawn where they are run.

    Equivalent to ``register.iter_samples(network, n, seed=seed, periods=periods, ...)``: pass it
    as the shocks of :func:`simulate_distributed` (or ``simulate(..., client=...)``) and every
    worker samples its own block.

    Examples
    --------
    >>> from valuechain.scenarios import RiskRegister
    >>> spec = RegisterSample(RiskRegister.default(), 1000, seed=3, periods=12)
    >>> spec.blocks(400)
    [(0, 400), (400, 400), (800, 200)]
    """

    register: RiskRegister
    n: int
    seed: int
    periods: int = 24
    start: object = None
    freq: str = "M"

    def blocks(self, size: int) -> list[tuple[int, int]]:
        """``(first, count)`` of consecutive blocks of at most ``size`` scenarios."""
        return [(a, min(size, self.n - a)) for a in range(0, self.n, size)]

    def draw(self, network: Network, first: int, count: int) -> SparseShocks:
        """The scenarios ``first .. first + count - 1`` of the sample."""
        sample = self.register.sample(
            network, count, seed=self.seed, first=first, periods=self.periods, start=self.start, freq=self.freq,
            sparse=True,
        )  # fmt: skip
        assert isinstance(sample, SparseShocks)
        return sample


def _run_piece(arr: SimArrays, network: Network, piece: Any, weights: np.ndarray | None, mode: str) -> dict[str, Any]:
    """Run one piece of an ensemble on a worker and return its summary state."""
    from valuechain.sim.kernel import Workspace, run_chunk

    if isinstance(piece, tuple):  # (RegisterSample, first, count)
        spec, first, count = piece
        sh = spec.draw(network, first, count)
    else:
        sh = piece
    n, n_t = sh.n_scenarios, len(sh.periods)
    w = sh.probability * n if weights is None else weights
    plan = _Plan(arr, network, sh)
    acc = _Accumulator(arr, n_t, None, "summary")
    step = _default_chunk(arr, n_t)
    args, statics, ws = arr.kernel_args(), summary_statics(arr), Workspace()
    for s0 in range(0, n, step):
        s1 = min(n, s0 + step)
        ev = plan.events(sh, s0, s1)
        res = run_chunk(
            args, ev, statics, w[s0:s1], resourcing=mode == "re-sourcing", workspace=ws, recourse=arr.recourse_args()
        )
        acc.add(0, res)
    state: dict[str, Any] = {k: getattr(acc, k) for k in (*_SUMS, "earliest")}
    state.update({k: np.concatenate(v) if v else np.zeros(0) for k, v in acc.per_scenario.items()})
    state["names"] = np.asarray(sh.scenarios, dtype=object)
    state["weights"] = np.asarray(w, dtype=np.float64)
    state["periods"] = sh.periods
    return state


def connect(address: str | None = None, *, workers: int = 2, threads: int = 1, processes: bool = True) -> Client:
    """A ``dask.distributed`` client: to the scheduler at ``address``, or to a new local cluster.

    Parameters
    ----------
    address
        Scheduler address such as ``tcp://10.0.0.5:8786``; ``None`` starts a ``LocalCluster``.
    workers, threads, processes
        Size and kind of the local cluster (ignored with ``address``).
    """
    from distributed import Client, LocalCluster

    if address is not None:
        try:
            return Client(address, timeout="5s")
        except (OSError, TimeoutError, ValueError) as e:
            raise ValueChainError(f"cannot reach the Dask scheduler at {address}: {e}") from e
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ValueChainError(f"The 'workers' parameter of connect must be an integer >= 1. Got {workers!r}.")
    # worker processes run as many Numba threads as they have Dask threads (no oversubscription)
    extra: dict[str, Any] = {"env": {"NUMBA_NUM_THREADS": str(threads)}} if processes else {}
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=threads, processes=processes, dashboard_address=None, **extra
    )
    return Client(cluster)


@contextmanager
def cluster(
    address: str | None = None, *, workers: int = 2, threads: int = 1, processes: bool = True
) -> Iterator[Client]:
    """:func:`connect` as a context: closes the client, and the local cluster it started, on exit."""
    client = connect(address, workers=workers, threads=threads, processes=processes)
    try:
        yield client
    finally:
        local = client.cluster if address is None else None
        client.close()
        if local is not None:
            local.close()


def _pieces(shocks: object, network: Network, chunk_size: int | None) -> Iterator[tuple[Any, np.ndarray | None]]:
    """Pieces of an ensemble and the weights of their scenarios (None: probability x piece size)."""
    if isinstance(shocks, RegisterSample):
        for first, count in shocks.blocks(chunk_size or 50_000):
            yield (shocks, first, count), None
    elif isinstance(shocks, (ShockArrays, SparseShocks)):
        n = shocks.n_scenarios
        size = chunk_size or max(1, -(-n // 8))
        for s0 in range(0, n, size):
            idx = slice(s0, min(n, s0 + size))
            # the scenario's own probability (x n, undone by the final scale) keeps run_arrays' weights
            yield shocks.select(idx), shocks.probability[idx] * n
    else:
        stream: Iterable[Any] = shocks  # type: ignore[assignment]
        for k, sh in enumerate(stream):
            if not isinstance(sh, (ShockArrays, SparseShocks)):
                raise ScenarioError(
                    f"a stream of shocks must yield ShockArrays or SparseShocks; chunk {k} is a {type(sh).__name__}"
                )
            yield sh, None


def simulate_distributed(
    client: Client,
    network: Network,
    shocks: object,
    *,
    mode: str = "pro-rata",
    chunk_size: int | None = None,
    alpha: float = 0.95,
    in_flight: int | None = None,
) -> SimResult:
    """Simulate an ensemble on a Dask cluster and merge the summaries (``keep="summary"``).

    Parameters
    ----------
    client
        A ``dask.distributed.Client`` (see :func:`connect`).
    network
        The network.
    shocks
        :class:`ShockArrays` or :class:`SparseShocks` (cut into slices of ``chunk_size``
        scenarios, default eight slices), an iterator of such chunks (one task each), or a
        :class:`RegisterSample`
        (blocks of ``chunk_size`` scenarios, default 50 000, drawn on the workers).
    mode, alpha
        As for :func:`~valuechain.sim.simulate`.
    in_flight
        Tasks submitted ahead of the results merged so far (default: twice the workers); bounds
        the memory an iterator of chunks can take.

    Returns
    -------
    SimResult
        Summaries only (``dataset`` is None). Scenario weights are those of a local run:
        a ShockArrays keeps its probabilities; chunks of a stream are weighted by their length.
    """
    from distributed import as_completed

    first: ShockArrays | SparseShocks
    if isinstance(shocks, RegisterSample):
        first = shocks.draw(network, 0, 1)
    elif isinstance(shocks, (ShockArrays, SparseShocks)):
        first = shocks
    elif isinstance(shocks, Iterable) and not isinstance(shocks, (str, bytes)):
        it = iter(shocks)
        head = next(it, None)
        if not isinstance(head, (ShockArrays, SparseShocks)):
            raise ScenarioError(
                "a stream of shocks must yield ShockArrays" + ("" if head is not None else "; it is empty")
            )
        first = head

        def chained() -> Iterator[Any]:
            yield head
            yield from it

        shocks = chained()
    else:
        raise ScenarioError(
            "a distributed simulation needs ShockArrays, SparseShocks, an iterator of them or a RegisterSample; "
            f"got {type(shocks).__name__}"
        )
    arr = compile_network(network, first.period_months)
    _Plan(arr, network, first)  # fails here, not on a worker, when the shocks belong elsewhere
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    limit = in_flight or 2 * n_workers
    arr_f, net_f = client.scatter([arr, network], broadcast=True, hash=False)
    states: dict[int, dict[str, Any]] = {}
    pending = as_completed()
    index: dict[Any, int] = {}
    for k, (piece, weights) in enumerate(_pieces(shocks, network, chunk_size)):
        if isinstance(piece, (ShockArrays, SparseShocks)):
            if not piece.periods.equals(first.periods):
                raise ScenarioError(f"chunk {k} of the stream covers other periods than the first chunk")
            piece = client.scatter(piece, hash=False)
        fut = client.submit(_run_piece, arr_f, net_f, piece, weights, mode, pure=False)
        index[fut.key] = k
        pending.add(fut)
        while pending.count() >= limit:
            done = next(pending)
            states[index[done.key]] = done.result()
            done.release()
    for done in pending:
        states[index[done.key]] = done.result()
    if not states:
        raise ScenarioError("the ensemble is empty")
    labels = first.scenarios if isinstance(first, (ShockArrays, SparseShocks)) and first is shocks else None
    return _merge(arr, network, [states[k] for k in sorted(states)], mode, alpha, labels)


def _merge(
    arr: SimArrays,
    network: Network,
    states: Sequence[dict[str, Any]],
    mode: str,
    alpha: float,
    labels: pd.Index | None = None,
) -> SimResult:
    periods = states[0]["periods"]
    acc = _Accumulator(arr, len(periods), None, "summary")
    for st in states:
        for k in _SUMS:
            setattr(acc, k, getattr(acc, k) + st[k])
        acc.earliest = np.minimum(acc.earliest, st["earliest"])
        for k in _COLS:
            acc.per_scenario[k].append(st[k])
    names = [st["names"] for st in states]
    weights = np.concatenate([st["weights"] for st in states])
    total = float(len(weights))
    if labels is not None:  # one ShockArrays: its own labels, as a local run keeps them
        return acc.result(network, labels, weights / total, periods, mode, alpha, scale=1.0 / max(total, 1.0))
    labels = pd.Index(np.concatenate(names), name="scenario")
    if labels.has_duplicates:
        labels = pd.Index([f"{i}:{x}" for i, a in enumerate(names) for x in a], name="scenario")
    return acc.result(network, labels, weights / total, periods, mode, alpha, scale=1.0 / max(total, 1.0))
