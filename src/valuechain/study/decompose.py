"""Sampled stochastic plans on Dask: the extensive form or the L-shaped method, and the plan's statistics.

:func:`solve_saa` plans one network and study over ``samples`` risk-register scenarios
(:mod:`valuechain.analysis.saa`). Small samples are solved as one extensive-form LP; larger ones
by the L-shaped method (:mod:`valuechain.analysis._lshaped`), whose subproblems live on Dask
workers: each worker builds its chunk of scenarios once (a few at a time, and a sample equal to an
earlier one of the chunk not again: it answers with that one's costs), keeps them as the bounds
in which they differ and one HiGHS model for the whole chunk, and at every first-stage proposal
re-solves each scenario in it from that scenario's last basis (the chunk's tasks are pinned to the
worker), so memory grows with the workers, not with the samples. Cuts are made per scenario up to
:data:`CUT_GROUPS` scenarios and per group of scenarios above; from :data:`RAMP_FROM` samples
the method first runs on a spread subset of them (a ramp) to find its starting plan. The
wait-and-see bound floors the method's lower bound, and Lagrangian bounds (each scenario's LP
with the whole first stage, its first-stage costs moved by the master's multipliers) lift it now
and then. With ``client=None``
the chunk lives in this process. The plan is then evaluated on fresh scenarios and its optimality
gap estimated by the multiple-replication procedure.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain._params import check
from valuechain.errors import SolverError, StudyError
from valuechain.study._chunks import _chunk, _Distinct, _distinct

if TYPE_CHECKING:
    from distributed import Client

    from valuechain.analysis._twostage import FirstStage, SecondStage
    from valuechain.analysis.saa import SAAResult
    from valuechain.network.model import Network
    from valuechain.opt import Study
    from valuechain.scenarios import RiskRegister

__all__ = ["EXTENSIVE_UP_TO", "solve_saa"]

#: ``form="auto"`` solves the extensive form up to this many variables (an LP of 1e5 columns on the
#: global network solves in seconds; one of 1e6 did not finish in 300 s), the L-shaped method above.
EXTENSIVE_UP_TO = 200_000
FORMS = ("auto", "extensive", "lshaped")
#: Above this many scenarios the L-shaped method cuts per group of scenarios, this many groups
#: (one cut per scenario and iteration makes the master grow by ~2,000 coefficients per scenario).
CUT_GROUPS = 100
#: The share of a finite time limit the L-shaped method may spend on its ramp: the same method on a
#: spread subset of the samples (:func:`_ramp_samples`), whose plan starts the method on all of them.
#: On the global network at N = 1,000 in 600 s on two workers, iterations on all the samples after
#: the ramp improved its plan by 3e-5 at most, while the ramp's plan was still improving when
#: stopped; a share of 0.7 left time for the first (cold) round on all samples and gave a plan
#: 0.31 % cheaper on them than 0.4 (benchmarks/README.md).
RAMP_SHARE = 0.7
#: The default ramp: from this many samples up, one sample in :data:`RAMP_EVERY` (at most one per cut
#: group). On the global network at N = 100 in 300 s on two workers, a ramp on 20 samples gave a
#: plan 0.26 % cheaper on the 100 than the method on all of them from the start (0.32 % in a pair of
#: runs before the Lagrangian multipliers' fix; benchmarks/README.md).
RAMP_FROM = 100
RAMP_EVERY = 5


def _ramp_samples(samples: int, ramp: int | None) -> np.ndarray:
    """The samples of the ramp: ``ramp`` of them, spread evenly.

    The default, from :data:`RAMP_FROM` samples up: one in :data:`RAMP_EVERY`, at most one per cut
    group (:data:`CUT_GROUPS`); below, none.
    """
    r = (min(CUT_GROUPS, samples // RAMP_EVERY) if samples >= RAMP_FROM else 0) if ramp is None else int(ramp)
    if r <= 0 or r >= samples:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.linspace(0, samples - 1, r).round().astype(np.int64))


def _lower(sub: _Distinct) -> np.ndarray:
    return sub.lower_bounds()


def _wait_and_see(sub: _Distinct, cuts: bool) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    return sub.wait_and_see(cuts)


def _mean(sub: _Distinct, positions: np.ndarray) -> tuple[SecondStage, float] | None:
    """The chunk's mean scenario over ``positions`` (its own numbering) and their number."""
    if positions.size == 0:
        return None
    return sub.mean_stage(positions), float(positions.size)  # sampled scenarios are equally likely


def _mean_scenario(parts: list[tuple[SecondStage, float] | None]) -> SecondStage:
    """The mean of the chunks' mean scenarios, weighted by their numbers of scenarios."""
    from valuechain.analysis._twostage import SecondStage

    got = [p for p in parts if p is not None]
    total = sum(w for _, w in got)
    lb, ub, rlo, rhi = (sum(w / total * getattr(st, k) for st, w in got) for k in ("lb", "ub", "row_lo", "row_hi"))
    st = got[0][0]
    return SecondStage(st.name, 1.0, st.cost, lb, ub, st.link, st.a_start, st.a_index, st.a_value, rlo, rhi)


def _lagrangian(
    sub: _Distinct, weights: np.ndarray, group: np.ndarray, cuts: bool
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """The chunk's terms of a Lagrangian bound; ``-inf`` (no bound) for all where an LP was not solved.

    Caught here, so that a worker does not log the failure as a crashed task.
    """
    try:
        return sub.lagrangian(weights, group, cuts)
    except SolverError:
        return np.full(group.size, -np.inf), None


def _count(sub: _Distinct) -> int:
    return sub.distinct


def _evaluate(
    sub: _Distinct, x: np.ndarray, gradients: bool, positions: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray | None, int]:
    q, g = sub.evaluate(x, gradients=gradients, positions=positions)
    return q, g, sub.iterations


def _extensive(
    network: Network, study: Study, register: RiskRegister | None, seed: int, first: int, count: int, method: str,
    time_limit: float | None = None,
) -> tuple[float, np.ndarray, int, float, int]:  # fmt: skip
    """Solve the SAA of scenarios ``first .. first+count-1`` as one LP (each distinct scenario once).

    Returns the optimum, the first stage, the simplex iterations, the solve's seconds and the
    number of distinct scenarios.

    ``time_limit`` (seconds) replaces the study's own ``solver.time_limit``, which is set for one
    plan, not for a plan over many samples; ``None`` keeps the study's.
    """
    from valuechain.analysis._twostage import first_columns
    from valuechain.analysis.saa import sample_shocks
    from valuechain.opt import build, solve

    shocks = _distinct(sample_shocks(network, study, count, seed, first=first, register=register))
    model = build(network, study, shocks=shocks)
    res = solve(model, method=method, duals=False, time_limit=time_limit)
    return res.objective, model._solution.x[first_columns(model)], res.iterations, res.solve_seconds, shocks.n_scenarios


def _fresh_costs(
    network: Network, study: Study, register: RiskRegister | None, seed: int, first: int, count: int, x: np.ndarray
) -> np.ndarray:
    """Second-stage cost (unweighted) of each fresh scenario with the first stage fixed at ``x``."""
    sub = _chunk(network, study, register, seed, first, count)
    q, _ = sub.evaluate(x, gradients=False)
    return q


def _optimum(
    network: Network, study: Study, register: RiskRegister | None, seed: int, first: int, count: int, method: str
) -> tuple[float, np.ndarray]:
    """The SAA optimum of scenarios ``first .. first+count-1`` and a first stage at it, without a basis.

    For when only the optimum is needed (a replication's batch): an interior-point solve skips the
    crossover (on the global network's 10-sample batches 22.6 s instead of 36.8 s, the optimum
    within 6e-9 relative). Not for the L-shaped method's first incumbent: from the interior plan
    the first pass of 100 warm subproblem solves took 70 s instead of ~45 s from the vertex one.
    """
    from valuechain.analysis._twostage import extensive, split
    from valuechain.analysis.saa import sample_shocks
    from valuechain.opt import build

    shocks = _distinct(sample_shocks(network, study, count, seed, first=first, register=register))
    first_stage, stages = split(build(network, study, shocks=shocks))
    return extensive(first_stage, stages, method=method, crossover=False, threads=None)


def _replication(
    network: Network,
    study: Study,
    register: RiskRegister | None,
    seed: int,
    first: int,
    count: int,
    x: np.ndarray,
    method: str,
) -> float:
    """One MRP replication: the plan's average cost on a fresh batch less the batch's own optimum."""
    z, _ = _optimum(network, study, register, seed, first, count, method)
    sub = _chunk(network, study, register, seed, first, count)
    q, _ = sub.evaluate(x, gradients=False)
    f = sub.first
    return float(f.cost @ x + f.offset + q.mean()) - z


class _Runner:
    """Runs a function here or on Dask, with pinned tasks for stateful chunks."""

    def __init__(self, client: Client | None, network: Network) -> None:
        self.client = client
        self.network: Any = network
        self.workers: list[str] = []
        if client is not None:
            self.network = client.scatter(network, broadcast=True, hash=False)
            self.workers = sorted(client.scheduler_info()["workers"])
            if not self.workers:
                raise StudyError("the Dask cluster has no workers")

    def map(self, fn: Callable[..., Any], args: list[tuple[Any, ...]], pinned: list[Any] | None = None) -> list[Any]:
        if self.client is None:
            return [fn(*a) for a in args]
        futs = []
        for k, a in enumerate(args):
            kw: dict[str, Any] = {"pure": False}
            if pinned is not None:
                kw.update(workers=[pinned[k]], allow_other_workers=False)
            futs.append(self.client.submit(fn, *a, **kw))
        return list(self.client.gather(futs))

    def hold(self, fn: Callable[..., Any], args: list[tuple[Any, ...]]) -> tuple[list[Any], list[Any]]:
        """Run ``fn`` per item and keep each result where it was made (a future on Dask)."""
        if self.client is None:
            return [fn(*a) for a in args], [None] * len(args)
        where = [self.workers[k % len(self.workers)] for k in range(len(args))]
        futs = [
            self.client.submit(fn, *a, workers=[w], allow_other_workers=False, pure=False)
            for a, w in zip(args, where, strict=True)
        ]
        from distributed import wait

        wait(futs)
        return futs, where


def _ranges(first: int, n: int, chunks: int) -> list[tuple[int, int]]:
    edges = np.linspace(first, first + n, min(chunks, n) + 1).round().astype(int)
    return [(int(a), int(b - a)) for a, b in itertools.pairwise(edges) if b > a]


def solve_saa(
    network: Network,
    study: Study,
    samples: int,
    seed: int,
    *,
    register: RiskRegister | None = None,
    form: str = "auto",
    method: str = "auto",
    client: Client | None = None,
    chunks: int | None = None,
    gap: float = 1e-4,
    evaluate: int | None = None,
    replications: int = 5,
    batch: int = 10,
    confidence: float = 0.95,
    time_limit: float = float("inf"),
    progress: Callable[[str], None] | None = None,
    groups: int | None = None,
    means: int = 0,
    wait_and_see: bool = True,
    lagrangian: bool | None = None,
    cuts: bool = False,
    ramp: int | None = None,
    ramp_share: float = RAMP_SHARE,
) -> SAAResult:
    """Plan over ``samples`` register scenarios (SAA) with one first stage, and state its quality.

    Parameters
    ----------
    network, study
        The network and the study (its scenarios are replaced by the samples; policies, horizon and
        objective stay).
    samples, seed
        In-sample scenarios ``0 .. samples-1`` of the register's stream for ``seed``.
    register
        The risk register (default :meth:`RiskRegister.default`).
    form
        'extensive' (one LP), 'lshaped' (decomposition) or 'auto' (the extensive form up to
        :data:`EXTENSIVE_UP_TO` variables).
    method
        LP method of extensive-form solves (see :func:`valuechain.opt.solve`).
    client
        A ``dask.distributed.Client`` for the subproblems, fresh evaluations and replications;
        ``None`` runs everything here.
    chunks
        Chunks of scenarios (default: one per Dask worker, one here); each chunk holds one HiGHS
        model for all its scenarios.
    gap
        Relative gap at which the L-shaped method stops.
    evaluate
        Fresh scenarios for the out-of-sample cost (default ``max(samples, 100)``; 0 skips it).
    replications, batch
        Multiple-replication gap: ``replications`` batches of ``batch`` fresh scenarios (0 skips it).
    confidence
        Level of both intervals.
    time_limit
        Seconds for the solve: the L-shaped method's, or the extensive form's (in place of the
        study's ``solver.time_limit``, which is set for one plan; a finite limit is needed to
        replace it). An extensive form that reaches it raises, naming the limit.
    progress
        Called with a line of text after every step and L-shaped iteration.
    groups
        Cuts of the L-shaped method: one per group of consecutive scenarios and iteration
        (default: one per scenario up to :data:`CUT_GROUPS` scenarios, that many groups above).
    means
        Mean scenarios written out in the L-shaped master (each over consecutive groups; 0, the
        default: none): lower bounds on the groups' costs by Jensen's inequality, since the samples
        differ only in bounds. On the global network one mean scenario lifted the master's bound
        by a third of its gap, and with the wait-and-see bound it is not needed; it also made a
        master fail (HiGHS status 'unknown') on toy-battery.
    wait_and_see
        Also bound the optimum from below by the wait-and-see bound (the mean over the scenarios
        of their optima with the first stage chosen for each alone; one LP per scenario, solved
        once). On the global network it is 3x closer to the plan's cost than the L-shaped
        master's bound after two minutes.
    lagrangian
        Also bound it from below, now and then during the L-shaped method, by Lagrangian bounds
        (each scenario's LP with the whole first stage, its first-stage costs moved by multipliers
        from the master's cut duals; one LP per distinct scenario and cut group, re-solved warm):
        the wait-and-see bound is the case of zero multipliers. They take at most
        :data:`~valuechain.analysis._lshaped.LAGRANGIAN_SHARE` of the method's time. ``None``
        (the default): when every sample has its own cuts (up to :data:`CUT_GROUPS` samples).
        On the global network they narrowed the gap at N = 10 and 100; at N = 1,000, with one
        multiplier per group of ten samples, the bound they gave in 600 s stayed below the
        wait-and-see floor (benchmarks/README.md).
    cuts
        Put each sample's cut at its wait-and-see plan, and at its plan in every Lagrangian
        bound, in the L-shaped masters (averaged per cut group): the cut model's minimum is then
        at least those bounds, and the masters know each sample's recourse where it alone would
        plan. ``False`` (the default) uses those solves for their bounds only: on the global
        network the gap after the same time was larger with the cuts at N = 10, 100 and 1,000
        (benchmarks/README.md, "Kept bases, cuts from the bound LPs ...").
    ramp
        Samples in the L-shaped method's ramp. Before the method runs on all samples, it runs
        on this many of them, spread evenly (so over the chunks), each with its own cuts, for up
        to ``ramp_share`` of ``time_limit`` or to ten times ``gap``; that plan starts it.
        An iteration on a fifth or a tenth of the samples costs about that share, so the plan
        moves further for the time: on the global network at N = 1,000 in 600 s its plan cost
        1.2 % less out of sample than the plan without it with ``ramp_share`` 0.4, and 1.6 % less
        with 0.7 (benchmarks/README.md). ``None`` (the default): see :func:`_ramp_samples`; 0: no ramp.
    ramp_share
        In (0, 1); default :data:`RAMP_SHARE`.

    Returns
    -------
    SAAResult
    """
    from valuechain.analysis._lshaped import Cuts, lshaped
    from valuechain.analysis._twostage import extensive
    from valuechain.analysis.saa import SAAResult, gap_interval, mean_interval
    from valuechain.opt.solver import METHODS

    own = "solve_saa"
    check(
        own, "samples", samples, lambda v: isinstance(v, int) and v >= 1, error=StudyError, expected="an integer >= 1"
    )
    check(own, "seed", seed, lambda v: isinstance(v, int) and v >= 0, error=StudyError, expected="an integer >= 0")
    check(own, "form", form, lambda v: v in FORMS, error=StudyError, expected=f"one of {', '.join(FORMS)}")
    check(own, "method", method, lambda v: v in METHODS, error=StudyError, expected=f"one of {', '.join(METHODS)}")
    check(own, "ramp", ramp, lambda v: v is None or (isinstance(v, int) and v >= 0), error=StudyError,
          expected="None or an integer >= 0")  # fmt: skip
    check(own, "ramp_share", ramp_share, lambda v: isinstance(v, (int, float)) and 0 < v < 1, error=StudyError,
          expected="a number in (0, 1)")  # fmt: skip
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    run = _Runner(client, network)
    n_chunks = chunks or max(len(run.workers), 1)
    probe = _chunk(network, study, register, seed, 0, 1)
    first: FirstStage = probe.first
    per_scenario = probe.own_columns
    if form == "auto":
        form = "extensive" if samples * per_scenario + first.n <= EXTENSIVE_UP_TO else "lshaped"
    seconds: dict[str, float] = {}
    if form == "extensive":
        limit = time_limit if math.isfinite(time_limit) else None
        objective, x, iterations, solve_s, distinct = _extensive(
            network, study, register, seed, 0, samples, method, limit
        )
        bound, rel_gap = objective, 0.0
        seconds["sample+build"] = time.perf_counter() - t0 - solve_s
        seconds["solve"] = solve_s
        say(f"extensive form of {samples} samples ({distinct} distinct): {objective:,.10g} in {solve_s:.1f} s")
    else:
        ranges = _ranges(0, samples, n_chunks)
        held, where = run.hold(_chunk, [(run.network, study, register, seed, a, c) for a, c in ranges])
        low = np.concatenate(run.map(_lower, [(h,) for h in held], pinned=where if client else None))
        distinct = sum(run.map(_count, [(h,) for h in held], pinned=where if client else None))
        seconds["sample+build"] = time.perf_counter() - t0
        say(f"{samples} samples, {distinct} distinct scenarios in {len(ranges)} chunks")
        # the first incumbent: the plan of the mean scenario (one LP the size of a sample; the
        # samples differ only in bounds, so their mean is a scenario of the same shape). On the
        # global network at N = 100 it was 0.6 % ahead of the plan from the first ten samples'
        # extensive form (which takes ~40 s more to make) 133 s into the run (benchmarks/README.md)
        tm = time.perf_counter()
        everyone = [np.arange(c) for _, c in ranges]
        start: np.ndarray | None = None
        try:
            mean_parts = run.map(_mean, [(h, m) for h, m in zip(held, everyone, strict=True)],
                                 pinned=where if client else None)  # fmt: skip
            _, start = extensive(first, [_mean_scenario(mean_parts)], method=method)
        except StudyError:  # samples of different shapes have no mean scenario: from the least plan
            start = None
        seconds["mean plan"] = time.perf_counter() - tm

        # scenario -> cut group (consecutive, equally likely scenarios): a group's cut is the mean of its
        # scenarios' cuts, its theta the mean of their costs
        k = min(samples, groups or CUT_GROUPS)
        group = np.repeat(np.arange(k), np.diff(np.linspace(0, samples, k + 1).round().astype(int)))
        size = np.bincount(group, minlength=k).astype(float)

        def by_group(v: np.ndarray) -> np.ndarray:
            out = np.zeros((k, *v.shape[1:]))
            np.add.at(out, group, v)
            return out / size.reshape(-1, *([1] * (v.ndim - 1)))

        def second_stages(xk: np.ndarray, which: Sequence[np.ndarray | None]) -> tuple[np.ndarray, np.ndarray]:
            """Costs and slopes per sample at ``xk``, of each chunk's samples ``which`` (``None``: all)."""
            out = run.map(_evaluate, [(h, xk, True, loc) for h, loc in zip(held, which, strict=True)],
                          pinned=where if client else None)  # fmt: skip
            return np.concatenate([o[0] for o in out]), np.concatenate([o[1] for o in out])

        def evaluate_at(xk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            q, g = second_stages(xk, [None] * len(held))
            return by_group(q), by_group(g)

        blocks = []
        for gs in np.array_split(np.arange(k), min(max(means, 0), k)) if means > 0 else []:
            members = np.flatnonzero(np.isin(group, gs))
            local = [members[(members >= a) & (members < a + c)] - a for a, c in ranges]
            parts = run.map(_mean, [(h, m) for h, m in zip(held, local, strict=True)], pinned=where if client else None)
            blocks.append((gs, size[gs] / size[gs].sum(), _mean_scenario(parts)))

        def grouped_cuts(out: list[tuple[np.ndarray, Cuts | None]]) -> tuple[float, Cuts | None]:
            """The mean of per-sample optima (a bound), and their cuts averaged per group (valid for its mean)."""
            value = float(np.concatenate([o[0] for o in out]).mean()) + first.offset  # equally likely samples
            if not cuts or any(o[1] is None for o in out):  # (none from a chunk whose LP failed)
                return value, None
            a, b = (np.concatenate([o[1][i] for o in out if o[1] is not None]) for i in (0, 1))
            return value, (by_group(a), by_group(b))

        floor, ws_seconds, ws_cuts, ws_values = -np.inf, 0.0, None, np.full(samples, -np.inf)
        if wait_and_see:  # the mean of the scenarios' optima with perfect foresight
            tw = time.perf_counter()
            ws = run.map(_wait_and_see, [(h, cuts) for h in held], pinned=where if client else None)
            floor, ws_cuts = grouped_cuts(ws)
            ws_values = np.concatenate([o[0] for o in ws]) + first.offset
            seconds["wait-and-see"] = ws_seconds = time.perf_counter() - tw
            say(f"wait-and-see bound {floor:,.10g}")

        def lagrangian_at(w: np.ndarray) -> float | tuple[float, Cuts]:
            tl = time.perf_counter()
            out = run.map(_lagrangian, [(h, w, group[a : a + c], cuts) for h, (a, c) in zip(held, ranges, strict=True)],
                          pinned=where if client else None)  # fmt: skip
            value, got = grouped_cuts(out)
            took = time.perf_counter() - tl
            say(f"Lagrangian bound {value:,.10g} ({took:.1f} s)" if np.isfinite(value) else
                f"Lagrangian bound: none, a scenario's LP was not solved ({took:.1f} s)")  # fmt: skip
            return value if got is None else (value, got)

        t1 = time.perf_counter()
        pick = _ramp_samples(samples, ramp)
        if pick.size:  # the plan of a spread subset of the samples (each its own cut) starts the method
            picked = [pick[(pick >= a) & (pick < a + c)] - a for a, c in ranges]

            def evaluate_pick(xk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
                return second_stages(xk, picked)

            def said(i: int, lo: float, up: float) -> None:
                say(f"ramp ({pick.size} samples) iteration {i}: bound {lo:,.10g}, plan {up:,.10g}")

            pre = lshaped(first, np.full(pick.size, 1.0 / pick.size), evaluate_pick, low[pick],
                          floor=float(ws_values[pick].mean()), gap=10 * gap, time_limit=ramp_share * time_limit,
                          start=start, progress=said)  # fmt: skip
            start = pre.x
            seconds["ramp"] = time.perf_counter() - t1  # of the solve
            say(f"ramp: {pick.size} samples' plan after {pre.iterations} iterations ({seconds['ramp']:.1f} s)")
        res = lshaped(
            first,
            size / samples,
            evaluate_at,
            by_group(low),
            jensen=blocks,
            floor=floor,
            gap=gap,
            time_limit=time_limit - (time.perf_counter() - t1),
            start=start,
            progress=lambda i, lo, up: say(f"L-shaped iteration {i}: bound {lo:,.10g}, plan {up:,.10g}"),
            lagrangian=lagrangian_at if (k == samples if lagrangian is None else lagrangian) else None,
            lagrangian_seconds=ws_seconds,
            cuts=ws_cuts,
        )
        seconds["solve"] = time.perf_counter() - t1
        seconds["master"] = res.master_seconds  # of the solve
        if res.lagrangian_bounds:
            seconds["lagrangian"] = res.lagrangian_seconds  # of the solve
        objective, bound, rel_gap, x, iterations = res.objective, res.bound, res.gap, res.x, res.iterations
        dropped = f"; {res.invalid_cuts} invalid cuts dropped" if res.invalid_cuts else ""
        dropped += f"; bound master solved again from scratch {res.rescues} times" if res.rescues else ""
        say(f"L-shaped: {objective:,.10g} (gap {rel_gap:.2g}) after {iterations} iterations, {seconds['solve']:.1f} s"
            f"{dropped}")  # fmt: skip
        if client is not None:
            client.cancel(held)
    expected = None
    m = max(samples, 100) if evaluate is None else evaluate
    if m > 0:
        t2 = time.perf_counter()
        q = np.concatenate(
            run.map(
                _fresh_costs, [(run.network, study, register, seed, a, c, x) for a, c in _ranges(samples, m, n_chunks)]
            )
        )
        expected = mean_interval(float(first.cost @ x + first.offset) + q, confidence)
        seconds["evaluate"] = time.perf_counter() - t2
        say(f"out of sample ({m} scenarios): {expected}")
    gap_ci = None
    if replications > 0:
        t3 = time.perf_counter()
        base = samples + m
        gaps = run.map(
            _replication,
            [(run.network, study, register, seed, base + k * batch, batch, x, method) for k in range(replications)],
        )
        gap_ci = gap_interval(np.asarray(gaps), confidence)
        seconds["gap"] = time.perf_counter() - t3
        say(f"optimality gap ({replications} x {batch} scenarios): {gap_ci}")
    labels = pd.MultiIndex.from_tuples(list(first.labels), names=["variable", "period", "item"])
    return SAAResult(
        first_stage=pd.Series(x, index=labels, name="value"),
        objective=float(objective),
        bound=float(bound),
        gap=float(rel_gap),
        form=form,
        samples=samples,
        seed=seed,
        expected_cost=expected,
        optimality_gap=gap_ci,
        seconds=seconds,
        iterations=int(iterations),
        distinct=int(distinct),
    )
