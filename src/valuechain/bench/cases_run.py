"""Benchmark case of the main job: ``valuechain run`` with an empty and with a warm Numba cache.

Each size runs the job in a child process whose ``NUMBA_CACHE_DIR`` points at a folder of its
own, so the compiled kernels of the package's ``__pycache__`` are never read (with that variable
set, Numba reads and writes that folder only). ``cold`` starts from an empty folder; ``warm``
first fills it with one run and then times a second one; ``compile`` only runs the report's
background warm-up (``valuechain.study._warm``) on an empty cache, which is what a first run
compiles, and reports each kernel's compile time and specialisations.

The child (``python -m valuechain.bench.cases_run``) runs what ``valuechain run`` runs --
:func:`valuechain.study.run_study` with a progress bar, then the report's ``render`` -- and
prints one JSON line: the time to import the package, each step's seconds
(:attr:`valuechain.study.StudyRun.timings`), the time to render, and every compilation that
happened in that process (kernel, seconds, specialisations). Peak memory is the
largest resident size of the child and of the processes it starts and waits for (the kernels'
warm-up and the price-of-resilience worker; ``wait4``), ``cpu_s`` the CPU seconds of all of
them (less moved by other work on a shared machine than wall time), and ``job_wall_s`` the
child's wall time, interpreter start included.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from valuechain.bench.registry import case

#: Modules holding Numba kernels; their dispatchers' specialisations are counted after a run.
KERNEL_MODULES = (
    "valuechain.sim.full",
    "valuechain.sim.delta",
    "valuechain.sim._kernel_helpers",
    "valuechain.sim._loops",
    "valuechain.scenarios.sparse",
)


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text("ascii").split()[:3])
    except OSError:
        return ""


def _child(cache: Path | None, args: list[str]) -> dict[str, Any]:
    """Run ``python -m valuechain.bench.cases_run ARGS`` (with its own Numba cache if given); its figures."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    if cache is not None:
        env["NUMBA_CACHE_DIR"] = str(cache)
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "valuechain.bench.cases_run", *args], env=env, stdout=subprocess.PIPE, stderr=err
        )
        assert proc.stdout is not None
        stdout = proc.stdout.read().decode()
        # (the child's rusage holds the largest of it and the descendants it waited for)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            err.seek(0)
            last = (err.read().strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"the timed run failed: {last}")
    out: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    out["job_wall_s"] = round(wall, 2)
    out["peak_mb"] = round(usage.ru_maxrss / 1024, 1)
    out["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    return out


@case("run-cold-warm", sizes=("compile", "cold", "warm"), quick_sizes=("warm",), size_label="cache")
def run_cold_warm(size: Any, quick: bool) -> dict[str, Any]:
    """``valuechain run`` (default study) with an empty and a warm Numba cache: time, where it goes, memory.

    A quick run times one ``valuechain run --quick`` on the installation's own cache (a check that
    the case works, not a figure to record).
    """
    load = _load_average()
    with tempfile.TemporaryDirectory(prefix="vc-run-") as tmp:
        cache, out = Path(tmp) / "numba-cache", Path(tmp) / "report"
        cache.mkdir()
        if size == "compile":
            res = _child(cache, ["--warm-only"])
        elif quick:
            res = _child(None, ["--out", str(out), "--quick"])
        else:
            if size == "warm":
                _child(cache, ["--out", str(out)])  # (fills the cache)
            res = _child(cache, ["--out", str(out)])
    return {"load_before": load, "load_after": _load_average(), **res}


# --------------------------------------------------------------------------- the timed child


def _compile_timer() -> Any:
    """A listener of Numba's ``numba:compile`` events: seconds per kernel (outermost compilations only)."""
    from numba.core import event

    class CompileTimer(event.Listener):
        def __init__(self) -> None:
            self.seconds: dict[str, float] = {}
            self._open: list[tuple[str, float]] = []

        def on_start(self, ev: Any) -> None:
            disp = ev.data["dispatcher"]
            self._open.append((f"{disp.py_func.__module__}.{disp.py_func.__name__}", time.perf_counter()))

        def on_end(self, ev: Any) -> None:
            name, t0 = self._open.pop()
            if not self._open:  # (inner compilations are part of the outer one's time)
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t0

    return CompileTimer()


def specialisations() -> dict[str, int]:
    """Specialisations held by each Numba dispatcher of the package (compiled or loaded from the cache)."""
    import importlib

    from numba.core.registry import CPUDispatcher

    out: dict[str, int] = {}
    for mod_name in KERNEL_MODULES:
        mod = importlib.import_module(mod_name)
        for name, obj in vars(mod).items():
            if isinstance(obj, CPUDispatcher) and obj.py_func.__module__ == mod_name and obj.signatures:
                out[f"{mod_name}.{name}"] = len(obj.signatures)
    return out


def _main(argv: list[str]) -> dict[str, Any]:
    t0 = time.perf_counter()
    from numba.core import event

    import valuechain  # noqa: F401
    from valuechain.report.render import prerender
    from valuechain.report.run import render
    from valuechain.study import run_study

    import_s = time.perf_counter() - t0
    timer = _compile_timer()
    event.register("numba:compile", timer)
    res: dict[str, Any] = {"import_s": round(import_s, 2)}
    if "--warm-only" in argv:
        from valuechain.study._warm import PARTS, warm
        from valuechain.study.runner import SIM_MODE

        t0 = time.perf_counter()
        for part in PARTS:  # what the run's background warm-up compiles, here in one process
            warm(part, SIM_MODE)
        res["warm_s"] = round(time.perf_counter() - t0, 2)
    else:
        out = argv[argv.index("--out") + 1]
        run = run_study(None, quick="--quick" in argv, progress=False, prepare=prerender)
        res["steps_s"] = {k: round(v, 2) for k, v in run.timings.items()}
        t0 = time.perf_counter()
        render(run, out)
        res["render_s"] = round(time.perf_counter() - t0, 2)
    res["compile_s"] = {k: round(v, 2) for k, v in timer.seconds.items()}
    res["specialisations"] = specialisations()
    res["peak_self_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    res["peak_children_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return res


if __name__ == "__main__":  # pragma: no cover - the timed child
    print(json.dumps(_main(sys.argv[1:])))
