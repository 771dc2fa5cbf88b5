"""A chunk of sampled scenarios as subproblems, each distinct one solved once (:mod:`valuechain.study.decompose`)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from valuechain.analysis._subproblems import Subproblems
    from valuechain.analysis._twostage import FirstStage, SecondStage
    from valuechain.network.model import Network
    from valuechain.opt import Study
    from valuechain.scenarios import RiskRegister
    from valuechain.scenarios.compiled import ShockArrays

#: Scenarios built into one model at a time when a chunk of subproblems is made (the chunk then
#: keeps only their bounds, so a chunk's peak memory is that of one such build).
BUILD_BATCH = 20


def _classify(sh: ShockArrays, seen: dict[bytes, int]) -> tuple[np.ndarray, np.ndarray]:
    """Number the scenarios of ``sh`` by their multipliers: equal samples get one number.

    ``seen`` maps a scenario's digest to its number and grows with the scenarios not in it yet.
    Returns the positions in ``sh`` of those new scenarios (in their order, so the new ones are
    numbered ``len(seen)`` onwards) and every sample's number.
    """
    arrays = (sh.process_capacity, sh.route_capacity, sh.demand, sh.expansion_allowed)
    new: list[int] = []
    number = np.empty(sh.n_scenarios, dtype=np.int64)
    for i in range(sh.n_scenarios):
        h = hashlib.blake2b(digest_size=20)  # (kept instead of the multipliers: 50 kB a sample on the global network)
        for arr in arrays:
            h.update(np.ascontiguousarray(arr[i]).tobytes())
        key = h.digest()
        k = seen.get(key)
        if k is None:
            k = seen[key] = len(seen)
            new.append(i)
        number[i] = k
    return np.array(new, dtype=np.int64), number


def _distinct(sh: ShockArrays) -> ShockArrays:
    """The distinct scenarios of ``sh``, each with the summed probability of the samples equal to it.

    Sampled register scenarios repeat (on the global network 2 of the first 10 samples of
    ``models/eu-crma-2030.yaml`` repeat an earlier one, 21 of 100 and 210 of 1,000): a repeated
    scenario is one scenario of the summed probability, so the SAA's optimum is the same.
    """
    keep, number = _classify(sh, {})
    if keep.size == sh.n_scenarios:
        return sh
    return replace(sh.select(keep), probability=np.bincount(number, weights=sh.probability, minlength=keep.size))


class _Distinct:
    """A chunk's distinct scenarios as subproblems, answering for each of its samples.

    ``inverse[j]`` is the subproblem of the chunk's sample ``j``; every answer per scenario
    (costs, gradients, bounds) is given per sample, so the L-shaped method's groups, bounds and
    statistics are those of the samples, while each distinct scenario is solved once.
    """

    def __init__(self, sub: Subproblems, inverse: np.ndarray) -> None:
        self.sub = sub
        self.inverse = inverse

    @property
    def first(self) -> FirstStage:
        return self.sub.first

    @property
    def own_columns(self) -> int:
        return int(self.sub.own_columns)

    @property
    def iterations(self) -> int:
        return int(self.sub.iterations)

    @property
    def distinct(self) -> int:
        return len(self.sub)

    def evaluate(
        self, x: np.ndarray, gradients: bool = True, positions: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Per sample (or per sample at ``positions``, in the chunk's numbering), its second-stage cost and slope."""
        if positions is None:
            q, g = self.sub.evaluate(x, gradients=gradients)
            return q[self.inverse], None if g is None else g[self.inverse]
        need, at = np.unique(self.inverse[np.asarray(positions, dtype=np.int64)], return_inverse=True)
        q, g = self.sub.evaluate(x, gradients=gradients, scenarios=need)
        return q[at], None if g is None else g[at]

    def lower_bounds(self, first_cost: bool = False) -> np.ndarray:
        return np.asarray(self.sub.lower_bounds(first_cost=first_cost))[self.inverse]

    def wait_and_see(self, cuts: bool = False) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
        """Per sample, its scenario's optimum with perfect foresight, and with ``cuts`` the cut at its plan."""
        got: list[tuple[float, np.ndarray]] | None = [] if cuts else None
        values = np.asarray(self.sub.lower_bounds(first_cost=True, cuts=got))
        return values[self.inverse], self._per_sample(got)

    def _per_sample(self, cuts: list[tuple[float, np.ndarray]] | None) -> tuple[np.ndarray, np.ndarray] | None:
        """Cuts of the distinct scenarios as (intercepts, slopes) per sample."""
        if cuts is None:
            return None
        a = np.array([c[0] for c in cuts])
        b = np.array([c[1] for c in cuts]).reshape(len(cuts), self.first.n)
        return a[self.inverse], b[self.inverse]

    def mean_stage(self, positions: np.ndarray) -> SecondStage:
        return self.sub.mean_stage(self.inverse[np.asarray(positions, dtype=np.int64)])

    def lagrangian(
        self, weights: np.ndarray, group: np.ndarray, cuts: bool = False
    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
        """Per sample, its scenario's optimum with the first stage at costs ``c`` plus its multipliers (and a cut).

        Sample ``j``'s multipliers are ``weights[group[j]]``. A scenario drawn several times is
        solved once, at the mean of its samples' multipliers: that keeps their sum, and the bound
        can only rise (a scenario's optimum is concave in its first-stage costs). Each scenario
        starts from the basis its last solve with the first stage free left (the wait-and-see
        bound's, at first). With ``cuts``, also each sample's cut (intercepts, slopes) on its
        scenario's second-stage cost, made at that solve's plan (``Subproblems.lagrangian``).
        """
        w = np.asarray(weights, dtype=float)[np.asarray(group, dtype=np.int64)]
        count = np.bincount(self.inverse, minlength=self.distinct).astype(float)
        mean = np.zeros((self.distinct, w.shape[1]))
        np.add.at(mean, self.inverse, w)
        mean /= np.maximum(count, 1.0)[:, None]
        got: list[tuple[float, np.ndarray]] | None = [] if cuts else None
        values = self.sub.lagrangian(np.arange(self.distinct), self.first.cost[None, :] + mean,
                                     keys=list(range(self.distinct)), cuts=got)  # fmt: skip
        return values[self.inverse], self._per_sample(got)


def _chunk(
    network: Network, study: Study, register: RiskRegister | None, seed: int, first: int, count: int
) -> _Distinct:
    """Samples ``first .. first+count-1`` as subproblems, each distinct scenario once (:class:`_Distinct`)."""
    from valuechain.analysis._subproblems import Subproblems
    from valuechain.analysis._twostage import split
    from valuechain.analysis.saa import sample_shocks
    from valuechain.opt import build

    sub: Subproblems | None = None
    seen: dict[bytes, int] = {}
    inverse = np.empty(count, dtype=np.int64)
    for a in range(first, first + count, BUILD_BATCH):  # built a few at a time: kept as bounds only
        n = min(BUILD_BATCH, first + count - a)
        sh = sample_shocks(network, study, n, seed, first=a, register=register)
        new, inverse[a - first : a - first + n] = _classify(sh, seen)  # a new scenario: the next subproblem
        if not new.size:
            continue
        fs, stages = split(build(network, study, shocks=sh.select(new)))
        stages = [replace(st, probability=1.0 / count) for st in stages]  # one sample's weight in the chunk
        if sub is None:
            sub = Subproblems(stages, fs)
        else:
            sub.add(stages)
    assert sub is not None
    return _Distinct(sub, inverse)
