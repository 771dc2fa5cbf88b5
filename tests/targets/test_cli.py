"""``valuechain targets`` and ``valuechain resilience`` run end to end and fail in one line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from valuechain.cli import run

MODELS = Path(__file__).resolve().parents[2] / "models"


def test_targets_writes_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "targets.csv"
    cap = tmp_path / "capacity.csv"
    assert run(["targets", str(MODELS / "toy-battery.yaml"), "--csv", str(out), "--capacity-csv", str(cap)]) == 0
    text = capsys.readouterr().out
    assert "Targets for DE" in text
    assert "premium over the uncapped plan" in text
    table = pd.read_csv(out)
    assert {"stage", "commodity", "target_share", "cost_per_pp", "premium"} <= set(table.columns)
    assert len(table) == 8
    assert pd.read_csv(cap)["capacity"].gt(0).all()


def test_resilience_top_n(capsys: pytest.CaptureFixture[str]):
    assert run(["resilience", "toy-battery", "-n", "3", "--periods", "6"]) == 0
    text = capsys.readouterr().out
    assert "au-mine" in text
    assert "REI" in text


def test_errors_are_one_line(capsys: pytest.CaptureFixture[str]):
    assert run(["targets", "no-such-study"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no-such-study: no such study spec")
    assert "\n" not in err
    assert run(["resilience", "toy-battery", "--kind", "plant"]) == 1
    assert "'kind' parameter" in capsys.readouterr().err
    assert run(["resilience", "toy-battery", "--top", "0"]) == 1
