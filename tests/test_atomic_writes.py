"""Outputs are written whole or not at all, and where they go is checked before any computation.

The writers are the real ones (the ``simulate`` command's writer, ``atomic_file`` with pandas);
the failure is brought in through the data: a DataFrame subclass whose ``to_csv`` raises once the
first file of the set is written.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import valuechain as vc
from valuechain._output import MARKER, atomic_dir, atomic_file
from valuechain.cli import run
from valuechain.commands.sim import _write
from valuechain.errors import OutputError, OutputInterrupted
from valuechain.sim.result import SimResult

ROOT = Path(__file__).resolve().parents[1]


class _Breaking(pd.DataFrame):
    """A DataFrame whose serialisation fails with ``error`` (as Ctrl-C or a full disk would)."""

    error: BaseException = KeyboardInterrupt()

    @property
    def _constructor(self) -> type[_Breaking]:
        return _Breaking

    def to_csv(self, *args: Any, **kwargs: Any) -> Any:
        raise type(self).error


class _FullDisk(_Breaking):
    error = OSError(errno.ENOSPC, "No space left on device")


def _breaking_result(res: SimResult, frame_type: type[_Breaking]) -> SimResult:
    """``res`` whose second table ('hubs', written after 'totals') fails to serialise."""

    class Breaking(SimResult):
        def to_frames(self) -> dict[str, Any]:
            frames = super().to_frames()
            assert list(frames)[:2] == ["totals", "hubs"]  # so the failure comes after one file
            frames["hubs"] = frame_type(frames["hubs"])
            return frames

    return Breaking(**{f.name: getattr(res, f.name) for f in dataclasses.fields(res)})


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def results() -> tuple[SimResult, SimResult]:
    net = vc.load_network("toy-battery")
    return vc.simulate(net, periods=3), vc.simulate(net, periods=5)


def test_interrupted_writer_leaves_the_previous_outputs_byte_identical(
    tmp_path: Path, results: tuple[SimResult, SimResult]
) -> None:
    first, second = results
    out = tmp_path / "out"
    _write(first, out, "csv")
    before = _snapshot(out)
    assert {"totals.csv", "hubs.csv", "shortfall.png", MARKER} <= set(before)
    with pytest.raises(OutputInterrupted, match=r"out left as it was \(previous run\)"):
        _write(_breaking_result(second, _Breaking), out, "csv")
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary sibling is left


def test_interrupted_first_write_leaves_nothing(tmp_path: Path, results: tuple[SimResult, SimResult]) -> None:
    out = tmp_path / "out"
    with pytest.raises(OutputInterrupted, match="nothing written to"):
        _write(_breaking_result(results[0], _Breaking), out, "csv")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_is_one_error_and_keeps_the_previous_outputs(
    tmp_path: Path, results: tuple[SimResult, SimResult]
) -> None:
    first, second = results
    out = tmp_path / "out"
    _write(first, out, "csv")
    before = _snapshot(out)
    with pytest.raises(OutputError, match=r"No space left on device.*left as it was \(previous run\)"):
        _write(_breaking_result(second, _FullDisk), out, "csv")
    assert _snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_successful_write_replaces_the_whole_set(tmp_path: Path, results: tuple[SimResult, SimResult]) -> None:
    first, second = results
    out = tmp_path / "out"
    _write(first, out, "csv")
    (out / "from-an-older-version.csv").write_text("x\n1\n", "utf-8")  # a stale file in a folder of outputs
    _write(second, out, "csv")
    assert "from-an-older-version.csv" not in _snapshot(out)
    # 5 months x 15 hubs of toy-battery in the tidy table: the second run's, not the first's (3 x 15)
    assert len(pd.read_csv(out / "hub_periods.csv")) == 5 * 15
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_atomic_file_keeps_the_old_file_on_interruption(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("a\n1\n", "utf-8")
    with pytest.raises(OutputInterrupted, match=r"table\.csv left as it was"), atomic_file(path) as tmp:
        _Breaking({"a": [2]}).to_csv(tmp)
    assert path.read_text("utf-8") == "a\n1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]
    with atomic_file(path) as tmp:
        pd.DataFrame({"a": [2]}).to_csv(tmp, index=False)
    assert path.read_text("utf-8") == "a\n2\n"


def test_atomic_dir_refuses_a_folder_of_other_files(tmp_path: Path) -> None:
    (tmp_path / "mine.csv").write_text("keep me\n", "utf-8")
    with (
        pytest.raises(OutputError, match=r"holds files valuechain did not write \(mine\.csv\)"),
        atomic_dir(tmp_path),
    ):
        pass
    assert (tmp_path / "mine.csv").read_text("utf-8") == "keep me\n"


def test_outputs_of_an_older_version_are_replaced_but_a_network_is_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old"
    old.mkdir()
    for name in ("totals.csv", "hubs.csv", "shortfall.png"):  # a folder written before folders were marked
        (old / name).write_text("old\n", "utf-8")
    assert run(["simulate", "toy-battery", "--periods", "2", "--out", str(old)]) == 0
    assert (old / MARKER).is_file()
    assert (old / "totals.csv").read_text("utf-8") != "old\n"
    network = tmp_path / "net"  # hubs.csv and processes.csv, but also network.yaml: a network, not outputs
    network.mkdir()
    for name in ("network.yaml", "hubs.csv", "processes.csv"):
        (network / name).write_text("mine\n", "utf-8")
    capsys.readouterr()
    assert run(["simulate", "toy-battery", "--periods", "2", "--out", str(network)]) == 1
    assert "holds files valuechain did not write (hubs.csv, network.yaml, processes.csv)" in capsys.readouterr().err
    assert sorted(p.name for p in network.iterdir()) == ["hubs.csv", "network.yaml", "processes.csv"]


def test_cli_simulate_twice_gives_the_second_run_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sim"
    assert run(["simulate", "toy-battery", "--periods", "3", "--out", str(out), "--format", "parquet"]) == 0
    first = sorted(p.name for p in out.iterdir())
    assert "totals.parquet" in first
    assert run(["simulate", "toy-battery", "--periods", "4", "--out", str(out), "--format", "csv"]) == 0
    second = sorted(p.name for p in out.iterdir())
    # the same set of tables, now as CSV: no Parquet file of the first run is left beside them
    assert second == sorted(n.replace(".parquet", ".csv") for n in first)
    assert len(pd.read_csv(out / "hub_periods.csv")) == 4 * 15
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sim"]
    capsys.readouterr()


# ----------------------------------------------------------------------------- checked first
def _models(name: str) -> str:
    return str(ROOT / "models" / f"{name}.yaml")


# (command line up to the output option, the option) for every command that writes
WRITERS: list[tuple[list[str], str]] = [
    (["simulate", "toy-battery", "--periods", "3"], "--out"),
    (["solve", _models("toy-transport")], "--out"),
    (["run", _models("toy-battery"), "--quick"], "--out"),
    (["targets", _models("toy-battery")], "--csv"),
    (["targets", _models("toy-battery")], "--capacity-csv"),
    (["dependency", "toy-battery"], "--csv"),
    (["dependency", "toy-battery"], "--png"),
    (["resilience", "toy-battery", "--periods", "3"], "--csv"),
    (["networks", "synth", "300"], "--out"),
    (["scale", "simulate", "toy-battery", "--n", "10"], "--out"),
    (["bench", "--quick", "--case", "network-load"], "--out"),
]


@pytest.mark.parametrize(("args", "option"), WRITERS, ids=lambda x: x if isinstance(x, str) else " ".join(x[:1]))
@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_unwritable_output_fails_before_computing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], option: str, where: str
) -> None:
    blocker = tmp_path / "existing-file"
    blocker.write_text("not a folder\n", "utf-8")
    target = blocker if where == "a file" else blocker / "sub" / "x.csv"
    if where == "a file" and (option != "--out" or args[0] == "scale"):
        target = tmp_path  # a file option given a folder is the mirror case
    code = run([*args, option, str(target)])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""  # nothing was computed: a summary would have been printed first
    err = captured.err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith(f"error: cannot write {option} {target}: ")
    assert "expected" in err
    assert "Traceback" not in captured.err
    assert blocker.read_text("utf-8") == "not a folder\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write in read-only folders")
def test_read_only_folder_fails_before_computing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert run(["simulate", "toy-battery", "--out", str(locked / "out")]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert "is read-only; expected a writable folder" in captured.err
    finally:
        locked.chmod(0o755)


# ----------------------------------------------------------------------------- a real Ctrl-C
def _synth(out: Path, seed: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "valuechain", "networks", "synth", "60000", "--seed", str(seed), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # a shell that starts jobs in the background ignores SIGINT in them; a user's Ctrl-C is not ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_leaves_the_previous_run_or_the_whole_new_one(tmp_path: Path) -> None:
    """SIGINT at several moments of a real run: the folder is always one whole run, never a mix."""
    out, reference = tmp_path / "net", tmp_path / "ref" / "net"  # same name: the name is written in network.yaml
    for folder, seed in ((out, 0), (reference, 1)):
        p = _synth(folder, seed)
        assert p.wait(timeout=300) == 0
    previous, complete = _snapshot(out), _snapshot(reference)
    assert previous != complete
    seen = set()
    for delay in (0.5, 1.0, 1.5, 2.0, 2.5):
        p = _synth(out, 1)
        time.sleep(delay)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=300)
        now = _snapshot(out)
        assert now in (previous, complete)
        assert sorted(q.name for q in tmp_path.iterdir()) == ["net", "ref"]  # no temporary sibling left
        if p.returncode == -signal.SIGINT:
            # the signal came outside the command (Python starting up, or shutting down after the
            # command returned): Python stops at once, and the folder is whichever run is whole
            pass
        elif p.returncode == 130:
            assert len(err.strip().splitlines()) == 1
            assert err.startswith("interrupted")
            if "left as it was" in err:
                assert now == previous
            if "written whole" in err:  # the signal came as the new folder was being swapped in
                assert now == complete
        else:
            assert p.returncode == 0
            assert now == complete
        seen.add(p.returncode)
        if now == complete:  # the next attempt starts again from the first run's files
            p = _synth(out, 0)
            assert p.wait(timeout=300) == 0
    assert 130 in seen
