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
        (
            ["simulate", "toy-battery", "--forbid", "chemistry"],
            "--forbid must be one of substitution, chemistry_switching",
        ),
        (["simulate", "toy-battery", "--forbid", ","], "--forbid must name one or more of substitution"),
        (
            ["simulate", "toy-battery", "--samples", "4", "--workers", "1", "--forbid", "substitution"],
            "--forbid runs on this machine only",
        ),
        (["simulate", "toy-battery", "--ramp-depth", "deep"], "--ramp-depth must be an integer >= 0 or 'all'"),
        (["simulate", "toy-battery", "--ramp-depth", "-1"], "--ramp-depth must be an integer >= 0 or 'all'"),
        (
            ["simulate", "toy-battery", "--samples", "4", "--workers", "1", "--ramp-depth", "all"],
            "--ramp-depth, --spare-ramp and --rush-from-stock run on this machine only",
        ),
        (
            ["simulate", "toy-battery", "--samples", "4", "--workers", "1", "--spare-ramp"],
            "--ramp-depth, --spare-ramp and --rush-from-stock run on this machine only",
        ),
        (["simulate", "toy-battery", "--rush-from-stock", "1.5"], "--rush-from-stock must be a number from 0 to 1"),
        (["simulate", "toy-battery", "--rush-from-stock", "-0.1"], "--rush-from-stock must be a number from 0 to 1"),
        (
            ["simulate", "toy-battery", "--samples", "4", "--workers", "1", "--rush-from-stock", "0.5"],
            "--ramp-depth, --spare-ramp and --rush-from-stock run on this machine only",
        ),
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


def test_simulate_may_forbid_chemistry_switching(tmp_path, capsys):
    # storage packs of NMC cells, whose plant runs at 40 % for three months; LFP cells may stand
    # in (80 % of the packs after a 2-month ramp). Served packs: 2 / (1 - 0.4) = 3.333, then 5, 5:
    # short 1.667 GWh; forbidden, 2 GWh a month: short 9 GWh (see tests/sim/test_recourse.py)
    from strategies import storage_network

    from valuechain.network import save_network

    save_network(storage_network(share_max=0.8, ramp_months=2.0), tmp_path / "net")
    (tmp_path / "cut.yaml").write_text(
        "name: nmc-cut\nshocks:\n  - {type: Outage, target: cells-nmc, severity: 0.6, start: 2025-01, duration: 3}\n"
    )
    short = {}
    for forbid in ([], ["--forbid", "chemistry_switching"], ["--forbid", "substitution"]):
        out = tmp_path / f"out{len(short)}"
        args = ["simulate", str(tmp_path / "net"), "--scenario", str(tmp_path / "cut.yaml"), "--periods", "3"]
        assert run([*args, "--start", "2025-01", "--mode", "re-sourcing", "--out", str(out), *forbid]) == 0
        short[tuple(forbid)] = pd.read_csv(out / "hubs.csv", index_col="hub").at["A:ess", "shortfall"]
    assert short[()] == pytest.approx(5 / 3)
    assert short[("--forbid", "chemistry_switching")] == pytest.approx(9.0)
    assert short[("--forbid", "substitution")] == pytest.approx(5 / 3)  # the other recourse


def test_simulate_ramps_up_the_whole_chain_when_asked(tmp_path):
    # toy-battery's German cathode plant stops for a year: one step up (the default), Germany's
    # cathode hub takes only what China's cathode hub spares (nothing), and once its 12,500 t of
    # stock are gone Germany is 25 GWh of cells short over the year; over the whole chain China's cathode plants, refineries and
    # Australia's mines ramp up behind the route and nothing is lost (time_to_survive: 3 months
    # against inf, in valuechain.sim.resilience)
    (tmp_path / "cut.yaml").write_text(
        "name: de-cam-cut\nshocks:\n  - {type: Outage, target: de-cam, severity: 1, start: 2025-01, duration: 12}\n"
    )
    short = {}
    for depth in ("0", "all"):
        out = tmp_path / f"out-{depth}"
        args = ["simulate", "toy-battery", "--scenario", str(tmp_path / "cut.yaml"), "--periods", "12"]
        assert (
            run([*args, "--start", "2025-01", "--mode", "re-sourcing", "--ramp-depth", depth, "--out", str(out)]) == 0
        )
        short[depth] = pd.read_csv(out / "hubs.csv", index_col="hub")["shortfall"].sum()
    assert short["0"] == pytest.approx(25.0)
    assert short["all"] == pytest.approx(0.0, abs=1e-9)


def test_simulate_brings_spare_capacity_online_over_ramp_up_when_asked(tmp_path):
    # toy-battery's German cell plant stops for a year. Over the whole chain China's cell plants and
    # their suppliers make up for it at once, and nothing is lost; with --spare-ramp their spare
    # capacity comes online over their ramp_up (2 to 3 months) and Germany is short for the first
    # months (2.9 GWh measured).
    (tmp_path / "cut.yaml").write_text(
        "name: de-cells-cut\nshocks:\n  - {type: Outage, target: de-cells, severity: 1, start: 2025-01, duration: 12}\n"
    )
    short = {}
    for extra in ([], ["--spare-ramp"]):
        out = tmp_path / f"out-{len(extra)}"
        args = ["simulate", "toy-battery", "--scenario", str(tmp_path / "cut.yaml"), "--periods", "12", "--start"]
        args += ["2025-01", "--mode", "re-sourcing", "--ramp-depth", "all", *extra, "--out", str(out)]
        assert run(args) == 0
        short[len(extra)] = pd.read_csv(out / "hubs.csv", index_col="hub")["shortfall"].sum()
    assert short[0] == pytest.approx(0.0, abs=1e-9)
    assert short[1] == pytest.approx(2.903, abs=1e-3)
