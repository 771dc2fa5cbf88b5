"""Compile the simulation kernels into Numba's on-disk cache, in background processes.

A study run simulates in one mode (:data:`valuechain.study.runner.SIM_MODE`); on a first run
the kernels that mode needs are not in Numba's cache yet and take most of the run to compile.
:func:`start` launches two processes so that this overlaps the run's dependency and planning
steps, which do not use Numba:

``python -m valuechain.study._warm kernel MODE``
    compiles the simulation kernel of ``MODE`` by simulating the small, loop-free
    ``toy-transport`` network (nothing else to compile first, so the largest compilation starts
    at once);
``python -m valuechain.study._warm helpers``
    compiles the smaller kernels the run also needs: the loop breaker of network compilation
    (``toy-battery`` has recycling loops) and the scan of sparse shocks (a criticality ranking's
    outages).

The kernels are compiled for one form of arguments whatever the network
(:func:`valuechain.sim.kernel.kernel_form`), so the run's own calls then load them from the
cache. :func:`missing` says, from the cache's index files alone, which are not there yet; when
none is missing nothing is started.
"""

from __future__ import annotations

import os
import subprocess
import sys

__all__ = ["PARTS", "missing", "start", "warm"]

#: The background processes: what each compiles.
PARTS = ("kernel", "helpers")


def _kernels(mode: str) -> dict[str, dict[str, object]]:
    """The Numba dispatchers a study run in ``mode`` calls, by part."""
    from valuechain.scenarios.sparse import _scan
    from valuechain.sim._loops import break_loops
    from valuechain.sim.full import simulate_kernel

    main: dict[str, object] = {"simulation kernel": simulate_kernel}
    if mode == "pro-rata":  # (sparse pro-rata shocks take the delta kernel)
        from valuechain.sim.delta import delta_kernel

        main["delta kernel"] = delta_kernel
    return {"kernel": main, "helpers": {"loop breaker": break_loops, "sparse shock scan": _scan}}


def missing(mode: str) -> list[str]:
    """Parts (of :data:`PARTS`) with a kernel that a study run in ``mode`` needs and Numba's cache lacks."""
    from valuechain.sim.kernel import in_cache

    return [part for part, kernels in _kernels(mode).items() if not all(in_cache(k) for k in kernels.values())]


def warm(part: str, mode: str = "re-sourcing") -> None:
    """Run the calls that compile one part's kernels (see the module notes)."""
    import valuechain as vc

    if part == "kernel":
        # (in pro-rata mode a run without shocks takes the delta kernel and its reference run)
        vc.simulate(vc.load_network("toy-transport"), None, periods=2, mode=mode)
    elif part == "helpers":
        from valuechain.sim import compile_network
        from valuechain.sim.resilience import outage_shocks
        from valuechain.sim.simulate import default_periods

        net = vc.load_network("toy-battery")
        compile_network(net)
        names = [str(p) for p in net.processes.index]
        outage_shocks(net, names, [2] * len(names), default_periods(net, 2, None))
    else:
        raise ValueError(f"unknown warm-up part {part!r}; expected one of {PARTS}")


def start(mode: str, parts: list[str] | None = None) -> list[subprocess.Popen[bytes]]:
    """Start :func:`warm` of each part (default: every one) in a background process.

    Returns the processes started (none if they cannot be started: the run then compiles as it goes).
    """
    procs = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    for part in PARTS if parts is None else parts:
        try:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "valuechain.study._warm", part, mode],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=env,
                )
            )
        except OSError:
            break
    return procs


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    warm(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "re-sourcing")
