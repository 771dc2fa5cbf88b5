"""Scale-out on Dask, above both engines: simulation ensembles and optimisation sweeps.

:func:`connect` and :func:`cluster` give a ``dask.distributed`` client (a local cluster by
default, or any scheduler's address). :func:`simulate_distributed` spreads an ensemble over its
workers: the network and its compiled arrays are scattered once, each task runs one piece of the
ensemble with the simulator's :func:`~valuechain.sim.ensemble.run_piece` and sends back its
summary state, and the pieces are merged in scenario order. :func:`simulate` is
:func:`valuechain.sim.simulate` with a ``client``, and is what ``valuechain.simulate`` names.
:func:`solve_many` solves one network under many studies, one task each. The engines know nothing
of Dask: ``sim/`` and ``opt/`` import neither each other nor anything above them.
:func:`outlook` is :func:`valuechain.analysis.outlook.outlook` with a ``client``: the compiled
evaluator is scattered once and each chunk of samples is one task.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING, Any

from valuechain.errors import ScenarioError, StudyError, ValueChainError
from valuechain.scenarios.compiled import ShockArrays
from valuechain.scenarios.sparse import SparseShocks
from valuechain.sim.ensemble import RegisterSample, first_chunk, merge_states, pieces, run_piece

if TYPE_CHECKING:
    from distributed import Client

    from valuechain.analysis.outlook import OutlookResult
    from valuechain.network.model import Network
    from valuechain.sim.result import SimResult

__all__ = ["RegisterSample", "cluster", "connect", "outlook", "simulate", "simulate_distributed", "solve_many"]


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
        :class:`~valuechain.scenarios.compiled.ShockArrays` or
        :class:`~valuechain.scenarios.sparse.SparseShocks` (cut into slices of ``chunk_size``
        scenarios, default eight slices), an iterator of such chunks (one task each), or a
        :class:`~valuechain.sim.ensemble.RegisterSample`
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

    first, shocks, arr = first_chunk(network, shocks)
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    limit = in_flight or 2 * n_workers
    arr_f, net_f = client.scatter([arr, network], broadcast=True, hash=False)
    states: dict[int, dict[str, Any]] = {}
    pending = as_completed()
    index: dict[Any, int] = {}
    for k, (piece, weights) in enumerate(pieces(shocks, network, chunk_size)):
        if isinstance(piece, (ShockArrays, SparseShocks)):
            if not piece.periods.equals(first.periods):
                raise ScenarioError(f"chunk {k} of the stream covers other periods than the first chunk")
            piece = client.scatter(piece, hash=False)
        fut = client.submit(run_piece, arr_f, net_f, piece, weights, mode, pure=False)
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
    return merge_states(arr, network, [states[k] for k in sorted(states)], mode, alpha, labels)


def simulate(network: Network, shocks: object = None, *, client: Client | None = None, **options: Any) -> SimResult:
    """:func:`valuechain.sim.simulate`, or with a Dask ``client`` the same ensemble on its workers.

    Parameters
    ----------
    network, shocks, **options
        As for :func:`valuechain.sim.simulate` (``periods``, ``start``, ``mode``, ``keep``,
        ``chunk_size``, ``progress``, ``alpha``).
    client
        A ``dask.distributed.Client``: split the ensemble over its workers and keep summaries
        only (:func:`simulate_distributed`; ``shocks`` may also be a
        :class:`~valuechain.sim.ensemble.RegisterSample`, drawn on the workers).

    Returns
    -------
    SimResult

    Examples
    --------
    >>> import valuechain as vc
    >>> vc.simulate(vc.load_network("toy-battery")).expected("lost_value")
    0.0
    """
    from valuechain.sim import simulate as local

    if client is None:
        return local(network, shocks, **options)
    if not isinstance(shocks, (Iterator, ShockArrays, SparseShocks, RegisterSample)):
        from valuechain.sim.simulate import _as_shocks

        shocks = _as_shocks(network, shocks, options.get("periods", 24), options.get("start"))
    unknown = set(options) - {"periods", "start", "mode", "chunk_size", "alpha", "keep", "progress"}
    if unknown:
        raise ScenarioError(f"simulate got unknown options {sorted(unknown)}")
    return simulate_distributed(
        client,
        network,
        shocks,
        mode=options.get("mode", "pro-rata"),
        chunk_size=options.get("chunk_size"),
        alpha=options.get("alpha", 0.95),
    )


def _solve_one(network: Network, item: Any, options: dict[str, Any]) -> Any:
    from valuechain.opt import build, extract, optimise, solve

    if isinstance(item, tuple):  # (study, shocks)
        study, shocks = item
        model = build(network, study, shocks=shocks)
        solve(model, **options)
        return extract(model)
    return optimise(network, item, **options)


def solve_many(
    network: Network, studies: Iterable[Any], *, client: Client | None = None, **solve_options: Any
) -> list[Any]:
    """Solve one network under many studies, on a Dask cluster when ``client`` is given.

    Parameters
    ----------
    network
        The network (scattered once to every worker).
    studies
        :class:`~valuechain.opt.study.Study` objects (e.g. one study with its policies varied by
        ``Study.replace``), paths of study specs, or ``(study, shocks)`` pairs whose
        :class:`ShockArrays` replace the study's named scenarios.
    client
        A ``dask.distributed.Client``; ``None`` solves them one after the other here.
    **solve_options
        Passed to :func:`valuechain.opt.optimise` (``time_limit``, ``mip_gap``, ...).

    Returns
    -------
    list of Plan
        In the order of ``studies``.

    Examples
    --------
    >>> import valuechain as vc
    >>> net = vc.load_network("toy-transport")
    >>> [round(p.objective, 3) for p in solve_many(net, [vc.load_study("toy-transport")])]
    [153.675]
    """
    todo = list(studies)
    if client is None:
        return [_solve_one(network, s, solve_options) for s in todo]
    net_f = client.scatter(network, broadcast=True, hash=False)
    futures = [client.submit(_solve_one, net_f, s, solve_options, pure=False) for s in todo]
    return list(client.gather(futures))


def _on_workers(client: Client) -> Any:
    """A ``map_chunks`` for :func:`valuechain.analysis.outlook.outlook` that runs each chunk as a task."""

    def run(fn: Any, model: Any, args: Any) -> Iterator[Any]:
        model_f = client.scatter(model, broadcast=True, hash=False)
        ahead = 2 * max(1, len(client.scheduler_info().get("workers", {})))
        todo = iter(args)
        queue = deque(client.submit(fn, model_f, *a, pure=False) for a in islice(todo, ahead))
        while queue:  # in chunk order, a few tasks ahead; each result is released once fetched
            fut = queue.popleft()
            nxt = next(todo, None)
            if nxt is not None:
                queue.append(client.submit(fn, model_f, *nxt, pure=False))
            res = fut.result()
            fut.release()
            yield res

    return run


def outlook(study: Any = None, *, client: Client | None = None, **options: Any) -> OutlookResult:
    """:func:`valuechain.analysis.outlook.outlook`, or with a Dask ``client`` its chunks on the workers.

    Parameters
    ----------
    study, **options
        As for :func:`valuechain.analysis.outlook.outlook` (``network``, ``samples``, ``seed``,
        ``target``, ``completion``, ``plan``, ``progress``, ``chunk_size``).
    client
        A ``dask.distributed.Client``: the compiled evaluator is scattered to every worker once
        and each chunk of ``chunk_size`` samples is one task. The tables are those of a local
        run with the same samples and seed.

    Returns
    -------
    OutlookResult

    Examples
    --------
    >>> import valuechain as vc
    >>> vc.outlook("eu-crma-2030", samples=200, seed=3).samples
    200
    """
    from valuechain.analysis.outlook import outlook as local

    if client is None:
        return local(study, **options)
    if "map_chunks" in options:
        raise StudyError("outlook runs its chunks on the client's workers: give a client or map_chunks, not both")
    return local(study, map_chunks=_on_workers(client), **options)
