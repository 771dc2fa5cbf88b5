"""The kernels' warm-up compiles exactly what a study run then loads, and a warm cache starts nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from valuechain.study import _warm
from valuechain.study.runner import SIM_MODE

SRC = Path(__file__).resolve().parents[2] / "src"

# In a fresh process on an empty cache: what is missing, the warm-up's two parts, then the calls a
# study run makes on the bundled global network (its shocks and criticality steps), counting
# every compilation they still cause.
_CHILD = """
import sys
from numba.core import event
import valuechain as vc
from valuechain.bench.cases_run import _compile_timer
from valuechain.scenarios import ScenarioSet, compile_shocks, named, names
from valuechain.sim import criticality
from valuechain.study import _warm
mode = sys.argv[1]
print("missing before:", ",".join(_warm.missing(mode)))
for part in _warm.PARTS:
    _warm.warm(part, mode)
print("missing after:", ",".join(_warm.missing(mode)))
timer = _compile_timer()
event.register("numba:compile", timer)
net = vc.load_network("global-li-ion-2024")
scen = ScenarioSet([named(n) for n in names() if n.startswith("cn-")])
vc.simulate(net, compile_shocks(net, scen, start="2025-01", periods=24, outside="clip"), mode=mode)
criticality(net, periods=24, mode=mode)
print("compiled by the run:", ",".join(sorted(timer.seconds)))
"""


@pytest.mark.slow
def test_warm_up_compiles_what_the_study_run_uses(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC), "NUMBA_CACHE_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, SIM_MODE], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["missing before: kernel,helpers", "missing after: ", "compiled by the run: "]


def test_missing_reads_the_cache_index(tmp_path: Path) -> None:
    # (the package's own cache, filled by any earlier simulation in this process, holds them all)
    import valuechain as vc

    net = vc.load_network("toy-battery")
    vc.simulate(net, None, periods=2, mode=SIM_MODE)
    vc.sim.criticality(net, periods=2, mode=SIM_MODE)
    assert _warm.missing(SIM_MODE) == []
    assert _warm.start(SIM_MODE, []) == []  # a warm cache starts no process


def test_unknown_part_is_named() -> None:
    with pytest.raises(ValueError, match="unknown warm-up part 'kernels'"):
        _warm.warm("kernels")


@pytest.mark.slow
def test_a_first_run_says_it_compiles_and_leaves_nothing_to_compile(tmp_path: Path) -> None:
    from valuechain.study.runner import COMPILING

    env = {**os.environ, "PYTHONPATH": str(SRC), "NUMBA_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "200"}
    cmd = [sys.executable, "-m", "valuechain", "run", "--quick", "--out", str(tmp_path / "report")]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr[-2000:]
    assert COMPILING in first.stderr
    check = "from valuechain.study import _warm; print(_warm.missing('re-sourcing'))"
    left = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True, check=True)
    assert left.stdout.strip() == "[]"
    second = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert second.returncode == 0
    assert COMPILING not in second.stderr  # a warm cache: no warm-up, nothing said about compiling
