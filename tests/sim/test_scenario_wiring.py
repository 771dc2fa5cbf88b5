"""simulate and its CLI take library scenarios and risk-register samples."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import valuechain as vc
from valuechain.cli import run
from valuechain.scenarios import RiskRegister, compile_shocks, named


@pytest.fixture(scope="module")
def net() -> vc.Network:
    return vc.load_network("toy-battery")


def test_a_named_scenario_equals_its_compiled_arrays(net: vc.Network) -> None:
    scenario = named("cn-oct2025-controls")
    direct = vc.simulate(net, scenario, periods=12)
    arrays = compile_shocks(net, scenario, periods=12, freq="M")
    compiled = vc.simulate(net, arrays, periods=12)
    pd.testing.assert_frame_equal(direct.totals, compiled.totals)
    assert direct.totals["lost_value"].iloc[0] > 0


def test_register_samples_stream_the_same_as_whole(net: vc.Network) -> None:
    reg = RiskRegister.default()
    whole = vc.simulate(net, reg.sample(net, 300, seed=3, periods=12), periods=12, keep="summary")
    streamed = vc.simulate(net, reg.iter_samples(net, 300, seed=3, chunk_size=128, periods=12), periods=12)
    assert whole.expected("lost_value") == pytest.approx(streamed.expected("lost_value"), rel=1e-12)


def test_cli_scenario_and_samples(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["simulate", "toy-battery", "--scenario", "cn-oct2025-controls", "--periods", "12"]) == 0
    assert "scenario 'cn-oct2025-controls'" in capsys.readouterr().out
    outs = []
    for name in ("a", "b"):
        args = ["simulate", "toy-battery", "--samples", "200", "--seed", "5", "--periods", "12"]
        assert run([*args, "--out", str(tmp_path / name), "--format", "csv"]) == 0
        outs.append(pd.read_csv(tmp_path / name / "totals.csv"))
    capsys.readouterr()
    pd.testing.assert_frame_equal(outs[0], outs[1])
    assert len(outs[0]) == 200


def test_cli_unknown_scenario_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["simulate", "toy-battery", "--scenario", "cn-graphite-2024"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "cn-graphite-2023" in err


def test_shortfall_plot_on_a_network_whose_stages_mix_units() -> None:
    import matplotlib

    matplotlib.use("Agg")
    net = vc.load_network("global-li-ion-2024")
    res = vc.simulate(net, named("cn-oct2025-controls"), periods=6)
    fig = res.plot_shortfall()
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert "mining (t Ni)" in labels
    assert "pack" in labels
    assert len(labels) == len(set(labels))
