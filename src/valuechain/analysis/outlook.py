r"""Will the announced pipeline meet the benchmarks? A seeded Monte Carlo over projects and shocks.

:func:`outlook` draws, for each of ``samples`` samples, one outcome of every project of the
network's projects table in the study's region (delivered or not, and its delay in whole years,
from the completion model, :mod:`valuechain.analysis.completion`) and one of the study's shock
scenarios (by its probability), and measures every benchmark of the study in every year of its
horizon. The samples are drawn in blocks of 1,000, each from its own child of the seed, and
evaluated in chunks of whole blocks (numpy over a chunk's samples), in this process or on Dask
workers (:func:`valuechain.study.scale.outlook`); each chunk is reduced to counts and sums
(:mod:`valuechain.analysis._outlook_chunks`), so memory is bounded by the chunk size plus the
last year's deficits, and a run is a function of its samples and seed only.

How "met" is measured
---------------------
Every benchmark is a set of **domestic shares** that must all hold in a year. For a set of
commodities :math:`C` (whose production counts) and a basis :math:`B` (whose consumption counts)
in the study's region :math:`G`, in year :math:`y` and sample :math:`k` drawing scenario :math:`s`:

* **production** :math:`D = \sum_u \text{util}_u\,\text{cap}_u(y, k)\,\text{yield}_{u,C}\,m_u(s, y)`
  over the region's producers :math:`u` of :math:`C`: the network's processes (their capacity, at
  the utilisation of the completion row for an operating plant), each replaced by the project
  that stands for it when there is one, plus the projects without a process; ``m`` is the
  scenario's capacity multiplier on the process (averaged over the year; an expansion option the
  scenario forbids counts 0; a project without a process is not shocked). With ``via`` (the
  recycling benchmarks) only processes consuming those commodities count;
* **consumption** :math:`U = \\sum_{c \\in B}` (inputs of :math:`c` to the region's processes at
  their baseline activity, grown at the quantity-weighted growth of the region's final demand
  for the commodities :math:`c` is turned into, and scaled by those rows' mean demand multiplier
  in the scenario + final demand for :math:`c` in the region, grown at its own rate and scaled by
  its own multiplier), the consumption the targets model's share policies count
  (:mod:`valuechain.opt.policies`) at today's pattern of use;
* the share :math:`\min(D / U, 1)` is met when :math:`D \ge r\,U`.

The **required share** :math:`r` is the policy's share for a minimum domestic share (CRMA
extraction 10 %, processing 40 %, recycling 25 %; NZIA cells 40 %, NMC and LFP cells together).
For a cap on one origin (the CRMA's 65 % for any single third country, and its path to 2030), each
commodity is its own share: with today's split of the region's imports, the top origin holds the
fraction :math:`f` of what is not made at home (:math:`f` = its share today / (1 - today's domestic
share)), so its share is :math:`(1 - d) f` and stays under the cap :math:`\kappa_y` when the domestic
share :math:`d \ge 1 - \kappa_y / f` (0 when :math:`f \le \kappa_y`). The targets table measures the same
shares on a solved plan's flows (``planned_domestic``, ``planned_share``); here they are measured on
capacity, as no plan is solved per sample.

Reported per benchmark and year: the probability that it is met (with its Monte Carlo standard
error :math:`\sqrt{p(1-p)/n}`), the expected gap in share points (largest over its shares) and,
for a benchmark with one share, in the commodity's unit.

Projects that matter (:attr:`OutlookResult.projects`): every project is removed in turn from the
same samples (common random numbers), and the fall of each benchmark's probability in the last
year is recorded.

Additions (:attr:`OutlookResult.additions`): for each benchmark below ``target`` in the last year,
the capacity each of its shares lacks in each sample, over the utilisation of a project under
construction, is taken at the smallest common quantile at which the benchmark holds in a share
``target`` of the samples; the least-cost mix of the network's expansion options in the region
that are allowed in every scenario and ready by the last year (annualised capex at the study's
discount rate plus variable cost at that utilisation, per unit of capacity a year, within each
option's maximum size) is found with HiGHS, with the sampled pipeline as given. Adding it
to the same samples brings every benchmark to ``target`` (:attr:`OutlookResult.after`); a share
no option can make is reported as short.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from valuechain.analysis import _outlook_chunks as ch
from valuechain.analysis import _outlook_eval as ev
from valuechain.analysis.completion import COMPLETION_FILE, load_completion, pipeline
from valuechain.errors import StudyError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from typing import TypeAlias

    from valuechain.network.model import Network
    from valuechain.opt import Study

    #: ``map_chunks(run_chunk, evaluator, args)``: ``run_chunk(evaluator, *a)`` for each ``a``, in order.
    MapChunks: TypeAlias = Callable[
        [Callable[..., ch.ChunkStats], ev.Evaluator, Sequence[tuple[int, ...]]], Iterable[ch.ChunkStats]
    ]


__all__ = ["OutlookResult", "outlook"]


@dataclass(frozen=True, eq=False, repr=False)
class OutlookResult:
    """Probabilities of meeting each benchmark, the projects that matter, and the additions.

    Attributes
    ----------
    probabilities
        One row per benchmark and year: ``p_met``, ``se`` (Monte Carlo standard error),
        ``expected_gap_pp`` (share points), ``expected_gap`` (commodity unit, single-share
        benchmarks), ``unit``, ``mean_share`` and ``required`` (single-share benchmarks).
    projects
        Projects ranked by the largest fall of a benchmark's probability in the last year when
        they are removed: ``project``, ``name``, ``status``, ``commodity``, ``benchmark``,
        ``p_met``, ``p_without``, ``drop``.
    additions
        Least-cost new capacity beyond the pipeline, one row per expansion option built:
        ``expansion``, ``region``, ``commodity`` (the outputs a benchmark counts), ``capacity``
        (the option's units a year), ``outputs`` (every output a year), ``cost_per_year``.
    after
        Per benchmark in the last year: ``p_met``, ``p_after`` (with the additions), ``short``
        (capacity no option could supply; summed over the benchmark's shares, so in mixed units
        for a cap over commodities of different units), ``short_parts`` (the same per share, as
        ``(commodity, quantity, unit)`` tuples, the first commodity naming a share of several)
        and, with ``plan``, ``p_plan`` (with the capacity the targets model builds in the region).
    plan
        With ``plan=True``: the expansion options the targets model builds with the pipeline at
        its ``1 - target`` quantile as given (``expansion``, ``region``, ``in_region``,
        ``capacity`` available in the last year, ``outputs``); else ``None``.
    plan_objective
        That plan's objective (expected discounted cost), NaN without ``plan``.
    left_out
        Projects the plan could not represent (no process of their region makes their commodity).
    samples, seed, target, region, study, completion, seconds
        The run's settings and wall time.
    """

    probabilities: pd.DataFrame
    projects: pd.DataFrame
    additions: pd.DataFrame
    after: pd.DataFrame
    plan: pd.DataFrame | None
    plan_objective: float
    left_out: list[str]
    samples: int
    seed: int
    target: float
    region: str
    study: str
    completion: str
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)

    def __repr__(self) -> str:
        last = int(self.probabilities["year"].max()) if len(self.probabilities) else 0
        p = self.probabilities[self.probabilities["year"] == last]
        lines = [
            f"<OutlookResult '{self.study}' for {self.region}: {self.samples} samples, seed {self.seed}, "
            f"{self.seconds:.1f} s>"
        ]
        lines += [f"  {r.benchmark:<28} {last}: P(met) {r.p_met:.3f}" for r in p.itertuples()]
        return "\n".join(lines)


def _resolve_completion(network: Network, completion: str | Path | None) -> Path:
    if completion is not None:
        return Path(completion)
    if network.path is None:
        raise StudyError("the network was not read from a folder; give the completion file (completion=...)")
    return Path(network.path) / COMPLETION_FILE


def _evaluator(
    network: Network | str | Path | None, study: Study | str | Path | None, completion: str | Path | None
) -> tuple[ev.Evaluator, pd.DataFrame, Study, str, Path]:
    """The study's benchmarks and the network's relevant projects, ready to sample.

    Returns the evaluator, the projects, the resolved study, its region and the completion file.
    """
    from valuechain.analysis.targets import prepare

    net, spec, region, today, by_origin = prepare(network, study, "outlook")
    path = _resolve_completion(net, completion)
    stage_of = net.commodities["stage"]
    table = load_completion(
        path, sources=set(map(str, net.sources.index)), stages=tuple(sorted(set(map(str, stage_of))))
    )
    members = set(net.members(region))
    shocks = spec.shock_arrays(net)
    years = np.asarray(shocks.periods.year, dtype=np.int64)
    groups = ev.benchmark_groups(spec, net, region, years, today, by_origin)
    if not groups:
        raise StudyError(f"study '{spec.name}' has no share benchmark (min_domestic_share or a cap) to assess")
    projects = ev.relevant_projects(net, members, groups)
    grid = np.arange(min(2024, int(years[0])) - 12, int(years[-1]) + 1)
    pipe = pipeline(projects, table, years=grid, stage_of=stage_of, members=members, label=str(path))
    model = ev.Evaluator.build(net, spec, shocks, groups, projects, pipe, table, members, str(path))
    return model, projects, spec, region, path


def outlook(
    study: Study | str | Path | None = None,
    *,
    network: Network | str | Path | None = None,
    samples: int = 10_000,
    seed: int = 1,
    target: float = 0.8,
    completion: str | Path | None = None,
    plan: bool = False,
    progress: Callable[[str], None] | None = None,
    chunk_size: int = 10_000,
    map_chunks: MapChunks | None = None,
) -> OutlookResult:
    """The probability that the project pipeline meets each of a study's benchmarks, by year.

    Parameters
    ----------
    study
        A targets study, its path or name (default ``"eu-crma-2030"``).
    network
        The network (default: the study's).
    samples
        Number of pipeline x shock samples.
    seed
        Seed of the samples (same seed, same tables).
    target
        Probability the additions must reach in the last year, in (0, 1).
    completion
        A completion file (default: ``completion.csv`` in the network's folder).
    plan
        Also solve the targets model with the pipeline at its ``1 - target`` quantile as given
        (:mod:`valuechain.analysis._outlook_plan`; seconds to a minute on the default study).
    progress
        Called with a short description before each step.
    chunk_size
        Samples evaluated at once (rounded up to whole blocks of
        :data:`~valuechain.analysis._outlook_chunks.BLOCK`); bounds the memory, not the result.
    map_chunks
        Runs the chunks elsewhere: called as ``map_chunks(run_chunk, evaluator, args)`` with a
        list of argument tuples, it yields ``run_chunk(evaluator, *a)`` for each, in order
        (:func:`valuechain.study.scale.outlook` passes one that runs them on Dask workers).
        Default: one after the other in this process.

    Returns
    -------
    OutlookResult

    Raises
    ------
    StudyError
        Bad samples or target, or a study without share benchmarks.
    NetworkError
        A missing or malformed completion file.

    Examples
    --------
    >>> res = outlook("eu-crma-2030", samples=200, seed=3)
    >>> bool(((res.probabilities["p_met"] >= 0) & (res.probabilities["p_met"] <= 1)).all())
    True
    """
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < 1:
        raise StudyError(f"samples must be a whole number >= 1, got {samples!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise StudyError(f"seed must be a whole number >= 0, got {seed!r}")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise StudyError(f"chunk_size must be a whole number >= 1, got {chunk_size!r}")
    if not isinstance(target, (int, float)) or not 0 < float(target) < 1:
        raise StudyError(f"target must be a probability strictly between 0 and 1, got {target!r}")
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    say("loading the study, the network and the completion model")
    model, projects, spec, region, path = _evaluator(network, study, completion)
    timings["prepare"] = time.perf_counter() - t0

    tasks = ch.chunks(int(samples), int(chunk_size))
    say(f"sampling {samples:,} pipeline x shock outcomes in {len(tasks)} chunk(s)")
    t1 = time.perf_counter()
    args = [(int(samples), int(seed), first, count) for first, count in tasks]
    if map_chunks is None:
        parts: Iterable[ch.ChunkStats] = (ch.run_chunk(model, *a) for a in args)
    else:
        parts = map_chunks(ch.run_chunk, model, args)
    merger = ch.Merger(model, int(samples))
    for part in parts:
        merger.add(part)
    probs, ranked, state, outcomes = merger.finish(projects)
    del merger
    timings["sample"] = time.perf_counter() - t1

    say("solving the least-cost additions beyond the pipeline")
    t3 = time.perf_counter()
    additions, after = model.additions(state, float(target), spec)
    timings["additions"] = time.perf_counter() - t3
    built: pd.DataFrame | None = None
    objective, left = float("nan"), list[str]()
    if plan:
        from valuechain.analysis._outlook_plan import plan_additions

        say("solving the targets model with the pipeline as given")
        t4 = time.perf_counter()
        given = ch.capacity_quantile(model, outcomes, 1.0 - float(target))
        built, add, objective, left = plan_additions(model, given, projects, spec, float(target))
        after["p_plan"] = model.p_with(state, add)
        timings["plan"] = time.perf_counter() - t4
    return OutlookResult(
        probabilities=probs,
        projects=ranked,
        additions=additions,
        after=after,
        plan=built,
        plan_objective=objective,
        left_out=left,
        samples=int(samples),
        seed=int(seed),
        target=float(target),
        region=region,
        study=spec.name,
        completion=str(path),
        seconds=time.perf_counter() - t0,
        timings=timings,
    )
