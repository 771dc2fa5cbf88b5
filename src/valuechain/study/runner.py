"""Running a study's steps: :func:`run_study` returns a :class:`StudyRun` holding every result.

One run answers, for the region a study plans for (the EU by default): how dependent is it
today, stage by stage, and on whom; what would it take (new capacity, cost) to bring that
dependency under the study's targets; what the named export controls would do to supply; and
which plants the chain can least afford to lose.

The work is split into steps (:data:`STEPS`) run in order under a progress bar. :func:`run_study`
runs them and returns a :class:`StudyRun` holding every result; the report layer
(:func:`valuechain.report.run.render`) only draws it, taking every figure and number from those
objects.

Work runs beside the main thread to keep a run short on two cores. On a first run the simulation
kernels compile (Numba, cached on disk afterwards) in background processes while the dependency
and planning steps run (:mod:`valuechain.study._warm`; the progress display says so). Otherwise:

- a worker process, started once the study and network are read (forked where the platform
  allows it safely, so that it starts with them and with today's shares measured), solves the plan
  without caps, which the targets step takes instead of solving it again, and then, from the same
  model, the price-of-resilience sweep (:class:`~valuechain.analysis.pricing.ResilienceSweep`),
  which is collected last;
- the targets step spends most of its time in HiGHS, which releases the GIL, so the outlook,
  shocks and criticality steps run meanwhile in a thread (:func:`_beside`), followed by the
  caller's ``prepare`` (the report draws the parts those steps decide).

On a first run neither is started: the compilation takes longer than every other step together,
so more busy processes on two cores would only slow it down.
Today's dependency is measured once per run and reused by the steps that need it
(:func:`valuechain.analysis.dependency.reuse_dependency`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from valuechain.errors import ValueChainError

if TYPE_CHECKING:
    import subprocess
    from concurrent.futures import Future

    from valuechain.analysis.planned import Flows
    from valuechain.network.model import Network
    from valuechain.opt import Plan
    from valuechain.opt.study import Study
    from valuechain.sim.result import SimResult

__all__ = [
    "BAND_PERCENTILES",
    "COMBINED",
    "COMPILING",
    "DEFAULT_STUDY",
    "REGISTER_SAMPLES",
    "SIM_MODE",
    "STEPS",
    "StudyRun",
    "run_study",
]

#: The study run when none is given (a ``models/`` name or a path).
DEFAULT_STUDY = "eu-crma-2030"
#: The steps of a run, in order, as (key, description).
STEPS = (
    ("study", "reading the study and the network"),
    ("dependency", "measuring today's dependency"),
    ("targets", "solving the dependency targets"),
    ("outlook", "assessing the project pipeline"),
    ("resilience", "tracing the price of resilience"),
    ("shocks", "simulating the named export controls"),
    ("criticality", "ranking processes by criticality"),
)
#: Simulation mode of the shock and criticality steps.
SIM_MODE = "re-sourcing"
#: The named scenario that combines the Chinese export controls.
COMBINED = "cn-midstream-all"
#: Scenarios drawn from the default risk register in the shocks step, and their seed.
REGISTER_SAMPLES = 200
REGISTER_SEED = 2024
#: Register samples simulated together (their full tensors are held at once).
REGISTER_CHUNK = 50
#: Percentiles of the register samples' monthly shortfall kept in :attr:`StudyRun.register_bands`.
BAND_PERCENTILES = (5, 25, 50, 75, 95)
#: Pipeline x shock samples of the outlook step, and their seed.
OUTLOOK_SAMPLES = 10_000
OUTLOOK_SEED = 1
#: What the progress display shows while the kernels compile on a first run.
COMPILING = "compiling the simulation kernels, once per installation"


@dataclass
class StudyRun:
    """Everything a study run produced, and what its report is drawn from.

    Attributes
    ----------
    study, network
        The study and its network.
    region
        The region the report is about (the first region named by the study's policies, else EU27).
    quick
        Whether small settings were used.
    months
        Horizon of the simulations, in months.
    dependency
        :func:`valuechain.dependency` of the region on the baseline (tidy frame).
    before
        :func:`valuechain.analysis.summary` of :attr:`dependency`: one row per commodity with its
        top foreign origin and share today.
    after
        :func:`~valuechain.analysis.planned.origin_shares` of the plan's last year (expected flows
        over the study's scenarios).
    targets
        The :class:`TargetsResult` of the study (``None`` if the step did not run).
    plan_flows
        The plan's flows in its last year.
    outlook
        The :class:`~valuechain.analysis.outlook.OutlookResult` of the network's project pipeline
        against the study's benchmarks (``None`` if the step did not run).
    resilience
        The price-of-resilience frame.
    shocks
        :class:`~valuechain.sim.result.SimResult` of the named Chinese export controls.
    register_bands
        Share of the value of final demand unserved in each month over :data:`REGISTER_SAMPLES`
        equally likely scenarios of the default risk register: one column per percentile of
        :data:`BAND_PERCENTILES` (``p5`` ...) and ``mean``, indexed by period. ``attrs`` holds
        ``samples``, ``seed`` and ``p_any`` (share of samples with any shortfall).
    criticality
        :func:`valuechain.sim.criticality` of the network.
    largest_supplier
        :func:`valuechain.analysis.largest_supplier.largest_supplier` of the network (the IEA's
        test: demand the rest of the world covers without its largest supplier, today and in 2030
        with the project pipeline), with the published figures beside it when the network folder
        holds ``largest_supplier_published.csv``; computed in the dependency step.
    skipped
        Steps that did not run, with the reason shown in the report.
    timings
        Seconds per step (a step run beside the targets step: its own time, which overlaps that step).
    prepared
        What ``run_study``'s ``prepare`` returned (``None`` without it, or when the steps ran one
        after another).
    beside
        The steps that ran in a thread beside the targets step (their times overlap its time).
    """

    study: Study
    network: Network
    region: str
    quick: bool
    months: int
    dependency: pd.DataFrame | None = None
    before: pd.DataFrame | None = None
    after: pd.DataFrame | None = None
    targets: Any = None
    plan_flows: Flows | None = None
    outlook: Any = None
    resilience: pd.DataFrame | None = None
    shocks: SimResult | None = None
    scenarios: list[str] = field(default_factory=list)
    register_bands: pd.DataFrame | None = None
    criticality: pd.DataFrame | None = None
    largest_supplier: pd.DataFrame | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    prepared: Any = None
    beside: tuple[str, ...] = ()


def _region(study: Study) -> str:
    for pol in study.policies:
        region = getattr(pol, "region", None)
        if isinstance(region, str) and region:
            return region
    return "EU27"


def _targets_api() -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]] | str:
    """``(targets, price_of_resilience, plot_price_of_resilience)``, or why they cannot be used."""
    try:
        from valuechain.analysis.pricing import plot_price_of_resilience, price_of_resilience
        from valuechain.analysis.targets import targets
    except ImportError as e:
        return f"the targets analysis cannot be imported ({e})"
    return targets, price_of_resilience, plot_price_of_resilience


def _step_study(study_path: str | Path | None, quick: bool) -> StudyRun:
    from valuechain.network import load_network
    from valuechain.study.loader import load_study_network

    # (the network the loader measured today's shares on, if it loaded one: the steps that
    # measure them again then reuse that measurement)
    study, net = load_study_network(DEFAULT_STUDY if study_path is None else study_path)
    if not study.network:
        raise ValueChainError(f"study '{study.name}' names no network")
    if net is None:
        net = load_network(study.network)
    return StudyRun(study=study, network=net, region=_region(study), quick=quick, months=24)


def _step_dependency(run: StudyRun) -> None:
    import valuechain as vc
    from valuechain.analysis import summary

    run.dependency = vc.dependency(run.network, run.region)
    run.before = summary(run.dependency)
    run.largest_supplier = _largest_supplier(run.network)


def _largest_supplier(net: Network) -> pd.DataFrame:
    from valuechain.analysis.largest_supplier import largest_supplier, read_published

    published = None
    if net.path is not None:
        path = Path(net.path) / "largest_supplier_published.csv"
        published = read_published(path, net) if path.is_file() else None
    return largest_supplier(net, published=published)


#: The sweep a worker process keeps from its first job (the plan without caps) to its second (the curve).
_WORKER_SWEEPS: dict[str, Any] = {}
_FORKED: dict[str, Any] = {}


def _reference_job(study: str) -> Plan:
    """The study's plan without caps (run in a worker process, which keeps the model for the sweep)."""
    from contextlib import nullcontext

    from valuechain.analysis.dependency import reuse_dependency
    from valuechain.analysis.pricing import ResilienceSweep
    from valuechain.study.loader import load_study_network

    loaded = _FORKED.pop(study, None)
    # (a forked worker has the run's study and network, and the measurements of today's shares
    # made on them in the context it was forked in; a spawned one loads and measures them once)
    with nullcontext() if loaded is not None else reuse_dependency():
        spec, net = loaded if loaded is not None else load_study_network(study)
        sweep = ResilienceSweep(spec.network if net is None else net, spec)
    _WORKER_SWEEPS[study] = sweep
    return sweep.reference()


def _resilience_job(study: str, shares: list[float] | None) -> pd.DataFrame:
    """The price-of-resilience curve of a study spec (run in a worker process, after the reference)."""
    sweep = _WORKER_SWEEPS.pop(study, None)
    if sweep is not None:
        frame: pd.DataFrame = sweep.run(shares)
        return frame
    from valuechain.analysis.dependency import reuse_dependency
    from valuechain.analysis.pricing import price_of_resilience
    from valuechain.study.loader import load_study_network

    with reuse_dependency():
        spec, net = load_study_network(study)
        frame = price_of_resilience(spec.network if net is None else net, spec, shares=shares)
    return frame


def _resilience_shares(quick: bool) -> list[float] | None:
    return [0.9, 0.75, 0.6, 0.45] if quick else None


def _fork_safe() -> bool:
    """Whether the worker can be forked (Linux, one thread, no native thread pool started).

    Native thread pools are HiGHS's scheduler and Numba's threading layer. A fork copies only the
    calling thread, with every lock the others held at that moment, so a notebook's kernel (whose
    output goes through its own threads) or a process that has solved before spawns the worker
    instead, which then loads the study itself.
    """
    import threading

    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return False
    highs = sys.modules.get("valuechain.opt._highs")
    if highs is not None and highs._state["threads"] is not None:  # (HiGHS has run here)
        return False
    numba_pool = sys.modules.get("numba.np.ufunc.parallel")
    return not (numba_pool is not None and getattr(numba_pool, "_is_initialized", False))


def _start_worker(
    study: str | Path, quick: bool, pool: list[Any], loaded: Any = None
) -> tuple[Future[Plan] | None, Future[pd.DataFrame] | None]:
    """Start the worker process: the plan without caps, then the price-of-resilience sweep.

    Started once the study is read, so that its plan without caps overlaps the capped plan of
    the targets step, and its sweep the steps after. Where :func:`_fork_safe` allows, it is forked
    with ``loaded`` (the run's study and network) and the measurements of today's shares made on
    them, so it must be started before this process starts a thread of its own; otherwise it is
    spawned and loads them itself.
    """
    if isinstance(_targets_api(), str):
        return None, None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    fork = loaded is not None and _fork_safe()
    try:
        ex = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork" if fork else "spawn"))
    except OSError:
        return None, None
    pool.append(ex)
    if fork:
        _FORKED[str(study)] = loaded
    try:
        return ex.submit(_reference_job, str(study)), ex.submit(_resilience_job, str(study), _resilience_shares(quick))
    finally:
        _FORKED.clear()


def _step_targets(run: StudyRun, reference: Future[Plan] | None) -> None:
    from valuechain.analysis.planned import origin_shares, plan_flows

    api = _targets_api()
    if isinstance(api, str):
        run.skipped["targets"] = api
        return
    targets = api[0]
    run.targets = targets(run.network, run.study, reference=reference)
    run.plan_flows = plan_flows(run.targets.plan, probabilities=run.study.probabilities)
    run.after = origin_shares(run.network, run.plan_flows, region=run.region)


def _step_outlook(run: StudyRun) -> None:
    from valuechain.analysis.completion import COMPLETION_FILE
    from valuechain.analysis.outlook import outlook

    net = run.network
    if net.projects.empty or net.path is None or not (net.path / COMPLETION_FILE).exists():
        run.skipped["outlook"] = f"network '{net.name}' has no project table and {COMPLETION_FILE} to assess"
        return
    run.outlook = outlook(run.study, network=net, samples=OUTLOOK_SAMPLES, seed=OUTLOOK_SEED)


def _step_resilience(run: StudyRun, pending: Future[pd.DataFrame] | None) -> None:
    api = _targets_api()
    if isinstance(api, str):
        run.skipped["resilience"] = api
        return
    if pending is not None:
        from concurrent.futures.process import BrokenProcessPool

        if not pending.done():  # the report draws with matplotlib next: import it while waiting
            import matplotlib.backends.backend_agg  # noqa: F401
        try:
            run.resilience = pending.result()
            return
        except BrokenProcessPool:  # the worker died (e.g. out of memory): solve here instead
            pass
    run.resilience = api[1](run.network, run.study, shares=_resilience_shares(run.quick))


def _step_shocks(run: StudyRun) -> None:
    import valuechain as vc
    from valuechain.scenarios import ScenarioSet, compile_shocks, named, names

    run.scenarios = [n for n in names() if n.startswith("cn-")]
    start = pd.Period(f"{(run.network.year or 2024) + 1}-01", freq="M")
    scen = ScenarioSet([named(n) for n in run.scenarios])
    shocks = compile_shocks(run.network, scen, start=start, periods=run.months, outside="clip")
    run.shocks = vc.simulate(
        run.network,
        shocks,
        mode=SIM_MODE,
        substitution=run.study.substitution,
        chemistry_switching=run.study.chemistry_switching,
    )
    run.register_bands = _register_bands(run, start)


def _register_bands(run: StudyRun, start: pd.Period) -> pd.DataFrame:
    """Monthly percentiles of the value share of final demand unserved over register samples."""
    import numpy as np

    import valuechain as vc
    from valuechain.scenarios import RiskRegister

    net = run.network
    sample = RiskRegister.default().sample(net, REGISTER_SAMPLES, seed=REGISTER_SEED, start=start, periods=run.months)
    shares = []
    for s0 in range(0, sample.n_scenarios, REGISTER_CHUNK):  # (the full tensors of a chunk at a time)
        ds = vc.simulate(
            net,
            sample.select(slice(s0, s0 + REGISTER_CHUNK)),
            mode=SIM_MODE,
            keep="full",
            substitution=run.study.substitution,
            chemistry_switching=run.study.chemistry_switching,
        ).dataset
        value = net.commodities["value"].reindex(ds["commodity"].to_numpy()).fillna(0.0).to_numpy(dtype=float)
        short = (ds["shortfall"].to_numpy() * value).sum(axis=2)
        demand = (ds["demand"].to_numpy() * value).sum(axis=2)
        with np.errstate(divide="ignore", invalid="ignore"):
            shares.append(np.where(demand > 0, short / demand, 0.0))  # scenarios x periods
        periods = ds["period"].to_numpy()
        del ds
    share = np.concatenate(shares)
    bands = pd.DataFrame(
        np.percentile(share, BAND_PERCENTILES, axis=0).T,
        index=pd.PeriodIndex(periods, freq="M"),
        columns=[f"p{q}" for q in BAND_PERCENTILES],
    )
    bands["mean"] = share.mean(axis=0)
    bands.attrs.update(samples=REGISTER_SAMPLES, seed=REGISTER_SEED, p_any=float((share.max(axis=1) > 1e-6).mean()))
    return bands


def _step_criticality(run: StudyRun) -> None:
    from valuechain.sim import criticality

    run.criticality = criticality(
        run.network,
        periods=run.months,
        mode=SIM_MODE,
        substitution=run.study.substitution,
        chemistry_switching=run.study.chemistry_switching,
    )


def _fail(step: str, e: ValueChainError) -> ValueChainError:
    msg = f"{dict(STEPS)[step]} failed: {e}"
    try:
        return type(e)(msg)
    except TypeError:
        return ValueChainError(msg)


def run_study(
    study: str | Path | None = None,
    *,
    quick: bool = False,
    progress: bool = False,
    prepare: Callable[[StudyRun], Any] | None = None,
) -> StudyRun:
    """Run every step of a study and return the results.

    Parameters
    ----------
    study
        A study spec (path, or name in ``models/``); default :data:`DEFAULT_STUDY`.
    quick
        Small settings: four points on the price-of-resilience curve (simulations always cover 24
        months: the shocks and criticality steps take seconds once compiled).
    progress
        Show a progress bar (on standard error).
    prepare
        Work on the run's early results, done beside the targets step when a worker process solves
        the plan without caps (see the module notes): called with the run once every step but the
        targets and the price of resilience has run, and its result kept in
        :attr:`StudyRun.prepared`. The report passes
        :func:`valuechain.report.render.prerender`, which draws the parts of the report those
        steps decide.

    Returns
    -------
    StudyRun

    Raises
    ------
    ValueChainError
        When a step fails on bad input; the message names the step.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from valuechain.analysis.dependency import reuse_dependency
    from valuechain.study import _warm

    cold = _warm.missing(SIM_MODE)
    warm = _warm.start(SIM_MODE, cold) if cold else []
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not progress,
        transient=False,
    )
    run: StudyRun | None = None
    pool: list[Any] = []
    pending: Future[pd.DataFrame] | None = None
    reference: Future[Plan] | None = None
    beside: dict[str, Future[float]] = {}
    prepared: Future[Any] | None = None
    seconds: float | None = None
    try:
        with reuse_dependency():
            # (the study step runs before the progress display, whose refresh thread would be
            # running when the worker is forked: a fork copies the locks another thread holds)
            t0 = time.perf_counter()
            try:
                run = _step_study(study, quick)
            except ValueChainError as e:
                raise _fail("study", e) from None
            run.timings["study"] = time.perf_counter() - t0
            if not warm:  # (see the module notes)
                study_ref = DEFAULT_STUDY if study is None else study
                reference, pending = _start_worker(study_ref, quick, pool, (run.study, run.network))
            with bar:
                task = bar.add_task(STEPS[1][1], total=len(STEPS), completed=1)
                compiling = bar.add_task(COMPILING, total=len(warm)) if warm else None
                for key, label in _in_order(pending is not None)[1:]:
                    bar.update(task, description=label)
                    t0 = time.perf_counter()  # (the shocks step's time holds any wait for the kernels)
                    _compiled(bar, compiling, warm, wait=key == "shocks")
                    try:
                        if key in beside:  # (ran beside the targets step: its own time, not the wait)
                            seconds = beside.pop(key).result()
                        elif key == "targets":
                            if pending is not None:
                                beside, prepared = _beside(run, pool, prepare)
                                run.beside = BESIDE_TARGETS
                            _step_targets(run, reference)
                        elif key == "resilience":
                            _step_resilience(run, pending)
                        else:
                            _RUN_ONLY[key](run)
                    except ValueChainError as e:
                        raise _fail(key, e) from None
                    run.timings[key] = seconds if seconds is not None else time.perf_counter() - t0
                    seconds = None
                    bar.advance(task)
                if prepared is not None and prepare is not None:
                    run.prepared = prepared.result()
                bar.update(task, description="done")
    finally:
        for ex in pool:
            ex.shutdown(wait=False, cancel_futures=True)
        for proc in warm:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert run is not None
    return run


#: Steps run in a thread beside the targets step when the worker process runs (see :func:`_beside`).
BESIDE_TARGETS = ("outlook", "shocks", "criticality")
#: The steps after the study step that need nothing but the run (targets and resilience also take
#: the worker's futures).
_RUN_ONLY: dict[str, Callable[[StudyRun], None]] = {
    "dependency": _step_dependency, "outlook": _step_outlook, "shocks": _step_shocks, "criticality": _step_criticality
}  # fmt: skip


def _beside(
    run: StudyRun, threads: list[Any], prepare: Callable[[StudyRun], Any] | None
) -> tuple[dict[str, Future[float]], Future[Any]]:
    """Start the steps of :data:`BESIDE_TARGETS` in a thread, in order, then ``prepare``.

    The targets step spends most of its time in HiGHS, which releases the GIL, so these steps
    (whose simulations release it too) run meanwhile instead of after it; the same thread then
    calls ``prepare(run)`` (the report draws what it can of those steps' results). The steps
    read the network and the study and write only their own fields of ``run``. Each runs in a
    copy of the caller's context, so that today's dependency is still measured once
    (:func:`~valuechain.analysis.dependency.reuse_dependency`).

    Returns
    -------
    Each step's future, holding its seconds, and the future of ``prepare``'s result.
    """
    import contextvars
    from concurrent.futures import ThreadPoolExecutor

    def timed(key: str) -> float:
        t0 = time.perf_counter()
        _RUN_ONLY[key](run)
        return time.perf_counter() - t0

    def then() -> Any:
        if prepare is None or any(f.exception() is not None for f in futures.values()):
            return None  # (a step's own error is raised where the run collects it)
        return prepare(run)

    ex = ThreadPoolExecutor(max_workers=1, thread_name_prefix="valuechain-beside-targets")
    threads.append(ex)
    futures = {key: ex.submit(contextvars.copy_context().run, timed, key) for key in BESIDE_TARGETS}
    return futures, ex.submit(contextvars.copy_context().run, then)


def _in_order(worker: bool) -> list[tuple[str, str]]:
    """The steps in the order they run: with a worker process, its sweep is collected last."""
    if not worker:
        return list(STEPS)
    return [s for s in STEPS if s[0] != "resilience"] + [s for s in STEPS if s[0] == "resilience"]


def _compiled(bar: Any, task: Any, warm: list[subprocess.Popen[bytes]], *, wait: bool) -> None:
    """Show how many background compilations have ended; with ``wait``, wait for the rest first."""
    if task is None:
        return
    if wait:
        for proc in warm:
            proc.wait()
    done = sum(proc.poll() is not None for proc in warm)
    bar.update(task, completed=done)
