"""Ensembles in pieces: what a worker runs and how the pieces' summaries are merged.

The simulator does not schedule anything itself: the study layer (:mod:`valuechain.study.scale`)
hands the pieces of an ensemble to ``dask.distributed`` workers. Each piece runs with
:func:`run_piece` and sends back the small summary state of its scenarios (per-scenario totals and
probability-weighted sums); :func:`merge_states` merges those states in scenario order, so a
distributed run gives the summaries of a local ``simulate(..., keep="summary")`` run with the same
shocks, up to the order of floating-point sums.

Three kinds of ensemble are split (:func:`pieces`):

* a :class:`~valuechain.scenarios.compiled.ShockArrays` or
  :class:`~valuechain.scenarios.sparse.SparseShocks` with many scenarios (cut into slices);
* an iterator of such chunks (each chunk a task, a bounded number in flight);
* a :class:`RegisterSample` (a risk-register sample described by its seed: each worker draws its
  own block of scenarios, so no shock array crosses the network; the register's sampler gives
  scenario ``i`` the same draws whatever block it is drawn in).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.errors import ScenarioError
from valuechain.network.model import Network
from valuechain.scenarios.compiled import ShockArrays
from valuechain.scenarios.sparse import SparseShocks
from valuechain.sim.compile import SimArrays, compile_network
from valuechain.sim.result import SimResult
from valuechain.sim.simulate import _Accumulator, _default_chunk, _Plan, summary_statics

if TYPE_CHECKING:
    from valuechain.scenarios.register import RiskRegister

__all__ = ["RegisterSample", "first_chunk", "merge_states", "pieces", "run_piece"]

_SUMS = ("e_short", "e_dem", "p_dry", "first_sum")
_COLS = ("lost_value", "lost_cells_gwh", "shortfall_periods", "max_shortfall_share")


@dataclass(frozen=True)
class RegisterSample:
    """``n`` scenarios of a risk register drawn with ``seed``, to be drawn where they are run.

    Equivalent to ``register.iter_samples(network, n, seed=seed, periods=periods, ...)``: pass it
    as the shocks of :func:`valuechain.study.scale.simulate_distributed` (or
    ``valuechain.simulate(..., client=...)``) and every worker samples its own block.

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


def run_piece(arr: SimArrays, network: Network, piece: Any, weights: np.ndarray | None, mode: str) -> dict[str, Any]:
    """Run one piece of an ensemble (on a worker) and return its summary state."""
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


def pieces(shocks: object, network: Network, chunk_size: int | None) -> Iterator[tuple[Any, np.ndarray | None]]:
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


def first_chunk(network: Network, shocks: object) -> tuple[ShockArrays | SparseShocks, object, SimArrays]:
    """The first chunk of an ensemble, the ensemble and the network compiled for it.

    The first chunk is drawn or read to check the shocks and to compile the network; an iterator
    comes back re-chained after its first chunk.

    Raises
    ------
    ScenarioError
        When ``shocks`` is no ensemble, or belongs to another network (raised here rather than
        on a worker).
    """
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
    _Plan(arr, network, first)
    return first, shocks, arr


def merge_states(
    arr: SimArrays,
    network: Network,
    states: Sequence[dict[str, Any]],
    mode: str,
    alpha: float,
    labels: pd.Index | None = None,
) -> SimResult:
    """Merge the summary states of an ensemble's pieces, in scenario order, into one result."""
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
