"""Every HiGHS call is checked, thread counts can change between solves, and HiGHS stays quiet unless asked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import valuechain as vc
from valuechain.errors import SolverError, StudyError
from valuechain.opt import build, solve

TRANSPORT = 153.675  # Dantzig's transportation problem, 153.675 k$
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def transport():
    return build(vc.load_network("toy-transport"))


def test_any_sequence_of_thread_counts_solves_to_the_same_optimum():
    net = vc.load_network("toy-transport")
    for threads in (None, 1, 2, 1, None, 2):
        result = solve(build(net), threads=threads)
        assert result.ok, threads
        assert result.objective == pytest.approx(TRANSPORT, rel=1e-12)


def _fresh_process(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)


def test_thread_counts_change_between_threads_in_a_fresh_process():
    # the scheduler is sized once for every thread of the process: re-sizing it from one thread
    # left the others' state stale (the next solve in the main thread ended with status 'not set')
    code = (
        "import json, threading, valuechain as vc\n"
        "from valuechain.opt import build, solve\n"
        "net = vc.load_network('toy-transport')\n"
        "out = []\n"
        "def go(t): r = solve(build(net), threads=t); out.append([str(r.termination), r.objective])\n"
        "go(2)\n"
        "th = threading.Thread(target=go, args=(1,)); th.start(); th.join()\n"
        "go(1); go(None)\n"
        "import sys; sys.stdout.write('RESULT ' + json.dumps(out))\n"
    )
    proc = _fresh_process(code)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.removeprefix("RESULT "))
    assert [t for t, _ in out] == ["optimal"] * 4
    assert [obj for _, obj in out] == pytest.approx([TRANSPORT] * 4, rel=1e-12)


def test_thread_counts_in_a_fresh_process_and_no_output_on_stdout():
    # HiGHS fixes its scheduler's size at the first run of a process, and prints its banner at
    # the first instance; both are checked where nothing ran before
    code = (
        "import json, valuechain as vc\n"
        "from valuechain.opt import build, solve\n"
        "net = vc.load_network('toy-transport')\n"
        "out = [[str(r.termination), r.objective] for r in "
        "(solve(build(net), threads=t) for t in (None, 1, 2, 1))]\n"
        "import sys; sys.stdout.write('RESULT ' + json.dumps(out))\n"
    )
    proc = _fresh_process(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("RESULT "), proc.stdout  # nothing printed before it: no banner, no log
    out = json.loads(proc.stdout.removeprefix("RESULT "))
    assert [t for t, _ in out] == ["optimal"] * 4
    assert [obj for _, obj in out] == pytest.approx([TRANSPORT] * 4, rel=1e-12)


def test_a_time_to_survive_program_first_leaves_later_solves_their_thread_counts():
    # the time-to-survive program ran HiGHS bare: the scheduler took HiGHS's own size behind the
    # keeper's back, and the next one-thread run (the outlook's additions) failed, 'not set'
    code = (
        "import json, valuechain as vc\n"
        "from valuechain.analysis import tts_lp\n"
        "from valuechain.opt import build, solve\n"
        "t = tts_lp(vc.load_network('toy-battery'), ['de-hydromet'], with_impact=False)\n"
        "net = vc.load_network('toy-transport')\n"
        "out = [[str(r.termination), r.objective] for r in (solve(build(net), threads=k) for k in (1, 2, None))]\n"
        "import sys; sys.stdout.write('RESULT ' + json.dumps([float(t.loc['de-hydromet', 'tts']), out]))\n"
    )
    proc = _fresh_process(code)
    assert proc.returncode == 0, proc.stderr
    tts, out = json.loads(proc.stdout.removeprefix("RESULT "))
    assert tts == float("inf")
    assert [t for t, _ in out] == ["optimal"] * 3
    assert [obj for _, obj in out] == pytest.approx([TRANSPORT] * 3, rel=1e-12)


def test_log_true_prints_the_solver_log():
    proc = _fresh_process(
        "import valuechain as vc\nfrom valuechain.opt import build, solve\n"
        "solve(build(vc.load_network('toy-transport')), log=True)\n"
    )
    assert proc.returncode == 0, proc.stderr
    assert "HiGHS" in proc.stdout


def test_a_default_solve_writes_nothing_to_stdout(transport, capfd):
    solve(transport)
    solve(transport, threads=1)
    out, _ = capfd.readouterr()
    assert out == ""


def test_a_bound_highs_rejects_raises_names_it_and_leaves_the_model_as_it_was(transport):
    model = transport
    solve(model)
    s, t = model.scenarios[0], model.periods[0]
    key = (s, t, "seattle-new-york")
    with pytest.raises(SolverError) as err:
        model.update_bounds("flow", key, lb=np.inf)  # a lower bound of +inf: HiGHS refuses it
    msg = str(err.value)
    assert msg.startswith("HiGHS rejected the column bounds of 'flow'")
    assert f"lower bound inf, upper bound inf at flow[{s}, {t}, seattle-new-york]" in msg
    j = model.column("flow", key)
    assert model.col_lb[j] == 0.0  # restored
    again = solve(model)
    assert again.warm
    assert again.objective == pytest.approx(TRANSPORT, rel=1e-12)


def test_a_row_bound_highs_rejects_raises_and_is_restored(transport):
    model = transport
    solve(model)
    key = (model.scenarios[0], model.periods[0], "new-york:cases")
    with pytest.raises(SolverError, match=r"HiGHS rejected the row bounds of 'balance'.*new-york:cases"):
        model.update_rhs("balance", np.inf, key=key)
    assert solve(model).objective == pytest.approx(TRANSPORT, rel=1e-12)


def test_nan_updates_are_refused_with_the_element_named(transport):
    model = transport
    solve(model)
    s, t = model.scenarios[0], model.periods[0]
    with pytest.raises(StudyError, match=rf"upper bound of 'flow' is NaN at flow\[{s}, {t}, seattle-new-york\]"):
        model.update_bounds("flow", (s, t, "seattle-new-york"), ub=np.nan)
    with pytest.raises(StudyError, match=r"right-hand side of 'balance' is NaN at balance\[.*chicago:cases\]"):
        model.update_rhs("balance", np.nan, key=(s, t, "chicago:cases"))
    with pytest.raises(StudyError, match=r"cost of 'flow' must be finite; got nan at flow\["):
        model.update_cost("flow", np.nan)
    assert solve(model).objective == pytest.approx(TRANSPORT, rel=1e-12)


def test_a_nan_in_the_arrays_is_named_before_the_hand_off(transport):
    model = transport
    j = model.column("activity", (model.scenarios[0], model.periods[0], "seattle-plant"))
    model.col_ub[j] = np.nan
    with pytest.raises(
        SolverError, match=rf"NaN upper bound at activity\[baseline, {model.periods[0]}, seattle-plant\]"
    ):
        solve(model)
