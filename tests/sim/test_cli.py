"""The simulate and criticality commands, run through the real CLI."""

from __future__ import annotations

import pandas as pd
import pytest

from valuechain.cli import run


def test_simulate_baseline_writes_tables_and_plot(tmp_path, capsys):
    assert run(["simulate", "toy-battery", "--periods", "6", "--out", str(tmp_path), "--mode", "re-sourcing"]) == 0
    text = capsys.readouterr().out
    assert "baseline (no shock)" in text
    assert "lost cells (GWh)" in text
    assert "No demand goes unserved" in text
    hubs = pd.read_csv(tmp_path / "hubs.csv", index_col="hub")
    assert hubs.loc["DE:cell_nmc", "demand"] == pytest.approx(200 / 12 * 6)
    assert hubs["shortfall"].abs().max() < 1e-9
    tidy = pd.read_csv(tmp_path / "hub_periods.csv")
    assert len(tidy) == 6 * 15
    assert (tmp_path / "shortfall.png").stat().st_size > 1000


def test_simulate_parquet(tmp_path):
    assert run(["simulate", "toy-battery", "--periods", "3", "--out", str(tmp_path), "--format", "parquet"]) == 0
    totals = pd.read_parquet(tmp_path / "totals.parquet")
    assert list(totals["scenario"]) == ["baseline"]
    assert totals["lost_value"].iloc[0] == 0


def test_simulate_random_outages(tmp_path, capsys):
    assert (
        run(["simulate", "toy-battery", "--outages", "400", "--seed", "2", "--periods", "12", "--out", str(tmp_path)])
        == 0
    )
    text = capsys.readouterr().out
    assert "400 random single-plant outages (seed 2)" in text
    totals = pd.read_csv(tmp_path / "totals.csv", index_col="scenario")
    assert len(totals) == 400
    assert totals["lost_value"].max() > 0  # some outage hits a plant the network cannot do without
    assert (totals["lost_value"] == 0).any()  # and some hit spare capacity


def test_criticality_lists_the_top_processes(capsys):
    assert run(["criticality", "toy-battery", "--top", "3", "--periods", "6"]) == 0
    out = capsys.readouterr().out
    assert "cn-aam" in out
    assert "de-hydromet" not in out  # ranked last of 12, beyond the top 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "toy-battery", "--mode", "fast"], "--mode must be one of pro-rata, re-sourcing"),
        (["simulate", "toy-battery", "--format", "xls"], "--format must be one of csv, parquet"),
        (["simulate", "toy-battery", "--periods", "0"], "--periods must be an integer >= 1"),
        (["simulate", "toy-battery", "--scenario", "a", "--samples", "2"], "not --scenario and --samples"),
        (["simulate", "toy-battery", "--outages", "0"], "--outages must be an integer >= 1"),
        (["simulate", "toy-battery", "--outages", "3", "--samples", "2"], "not --samples and --outages"),
        (["simulate", "no-such-network"], "no network named 'no-such-network'"),
        (["criticality", "toy-battery", "--top", "0"], "--top must be an integer >= 1"),
    ],
)
def test_bad_input_is_one_line(args, message, capsys):
    assert run(args) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ")
    assert message in err
    assert "Traceback" not in err
