"""Compile the simulation kernels into Numba's on-disk cache, in a separate process.

``python -m valuechain.study._warm MODE`` runs the calls the report makes (a full simulation of
several scenarios and a criticality ranking, in simulation mode ``MODE``) on the small toy
network. The kernels' types do not depend on the network, so the report's own calls then load
the compiled code from the cache. :func:`start` launches this in the background, so that on a
first run the compilation overlaps the report's dependency and planning steps, which do not use
Numba.
"""

from __future__ import annotations

import os
import subprocess
import sys

__all__ = ["start", "warm"]


def warm(mode: str) -> None:
    """Run the report's simulation calls once on the toy network (compiling on a cold cache)."""
    import valuechain as vc
    from valuechain.scenarios import ScenarioSet, compile_shocks, named
    from valuechain.sim import criticality

    net = vc.load_network("toy-battery")
    scen = ScenarioSet([named("cn-graphite-2023"), named("cn-midstream-all")])
    vc.simulate(net, compile_shocks(net, scen, start="2025-01", periods=3, outside="clip"), mode=mode)
    criticality(net, periods=3, mode=mode)


def start(mode: str) -> subprocess.Popen[bytes] | None:
    """Start :func:`warm` in a background process; ``None`` if it cannot be started."""
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "valuechain.study._warm", mode],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
        )
    except OSError:
        return None


if __name__ == "__main__":  # pragma: no cover - run as a subprocess
    warm(sys.argv[1] if len(sys.argv) > 1 else "re-sourcing")
