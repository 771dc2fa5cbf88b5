"""``valuechain networks synth`` and ``valuechain scale simulate`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from valuechain.cli import run
from valuechain.network import load_network
from valuechain.network.synthetic import synthetic_network


def test_networks_synth_writes_a_loadable_network(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "syn"
    assert run(["networks", "synth", "300", "--seed", "5", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    net = load_network(out)
    assert len(net.processes) == 300
    ref = synthetic_network(300, seed=5)
    pd.testing.assert_series_equal(
        net.processes["baseline_activity"], ref.processes["baseline_activity"], check_names=False
    )


def test_networks_synth_bad_size_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(["networks", "synth", "3", "--out", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err
    assert "'n_processes' parameter of synthetic_network must be an integer >= 11" in err
    assert "Traceback" not in err


def test_scale_simulate_on_a_local_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "totals.csv"
    args = ["scale", "simulate", "toy-battery", "--n", "60", "--seed", "3", "--periods", "6", "--workers", "2"]
    assert run([*args, "--chunk", "25", "--threads", "--out", str(csv)]) == 0
    text = capsys.readouterr().out
    assert "lost_value" in text
    totals = pd.read_csv(csv, index_col=0)
    assert len(totals) == 60
    assert totals["probability"].sum() == pytest.approx(1.0)


def test_scale_simulate_unreachable_scheduler(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["scale", "simulate", "toy-battery", "--n", "5", "--scheduler", "tcp://127.0.0.1:9", "--threads"]) == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err


def test_scale_report_fits_slopes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    rec = {
        "results": [{"case": "sim-scenarios", "size": s, "scenarios": s, "sim_s": 0.002 * s**0.9} for s in (10, 100)]
    }
    path = tmp_path / "run.json"
    path.write_text(json.dumps(rec))
    assert run(["scale", "report", str(path)]) == 0
    out = capsys.readouterr().out
    assert "simulation time vs scenarios" in out
    assert "0.90" in out
    assert run(["scale", "report", str(tmp_path / "missing.json")]) == 1
    assert "no such benchmark record" in capsys.readouterr().err
