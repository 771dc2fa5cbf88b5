"""The scenario file format: schema, simulate --scenario FILE --start, scenarios show FILE, the docs' examples."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import valuechain as vc
from valuechain.cli import run
from valuechain.scenarios import compile_shocks, load_scenarios, named
from valuechain.scenarios.files import load_scenario_file
from valuechain.scenarios.shocks import SHOCKS

ROOT = Path(__file__).resolve().parents[2]

FIRE = """\
name: fire
description: A fire stops the German cell plant for three months.
shocks:
  - type: Outage
    target: de-cells
    start: "2025-03"
    duration: 3
"""


def test_schema_lists_every_shock_type_and_field(capsys: pytest.CaptureFixture[str]):
    assert run(["scenarios", "schema"]) == 0
    out = capsys.readouterr().out
    sections = re.split(r"\n(?=\w+: )", out)
    for kind, cls in SHOCKS.items():
        (section,) = [s for s in sections if s.startswith(f"{kind}: ")]
        for field in cls._params:
            assert re.search(rf"^  {field} +\((required|default .*)\) ", section, re.M), (kind, field)


def test_schema_example_is_a_valid_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert run(["scenarios", "schema"]) == 0
    example = capsys.readouterr().out.split("Example:\n", 1)[1]
    p = tmp_path / "example.yaml"
    p.write_text("\n".join(line[2:] for line in example.strip("\n").splitlines()) + "\n")
    (sc,) = load_scenario_file(p)
    assert sc.shocks[0].get_params()["severity"] == 0.3


def test_docs_examples_load(tmp_path: Path):
    text = (ROOT / "docs" / "scenarios.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    files = [b for b in blocks if not b.startswith("scenarios:")]
    assert len(files) >= 3  # one scenario, two with probabilities, a licence regime
    two = None
    for i, block in enumerate(files):
        p = tmp_path / f"doc{i}.yaml"
        if block.startswith("- type:"):  # a shock on its own (the licence regime): load it inside a scenario
            block = "name: shock\nshocks:\n" + "".join(f"  {line}\n" for line in block.splitlines())
        p.write_text(block)
        assert len(load_scenarios(p)) >= 1
        if "probability: 0.3" in block:
            two = p
    # the two-scenario example's probabilities are taken as written
    assert two is not None
    assert load_scenarios(two).probabilities == [0.7, 0.3]


def test_simulate_a_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    p = tmp_path / "fire.yaml"
    p.write_text(FIRE)
    out = tmp_path / "out"
    code = run(
        ["simulate", "toy-battery", "--scenario", str(p), "--start", "2025-01", "--periods", "6", "--out", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    hubs = pd.read_csv(out / "hub_periods.csv")
    de = hubs[hubs["hub"] == "DE:cell_nmc"].set_index("period")["shortfall"]
    # de-cells makes 100 GWh a year (its baseline activity), 100/12 a month, for German demand of
    # 200/12 a month; the rest comes from China. Stopped from March, Germany lacks 100/12 GWh then,
    # and nothing before the fire.
    assert de["2025-01"] == 0.0
    assert de["2025-02"] == 0.0
    assert de["2025-03"] == pytest.approx(100 / 12, rel=1e-9)


def test_start_reproduces_the_reports_simulation(tmp_path: Path):
    # The report simulates from January after the network's year, in re-sourcing mode, clipping
    # shocks that began earlier (cn-graphite-2023 began in December 2023).
    net = vc.load_network("toy-battery")
    start = f"{net.year + 1}-01"
    arrays = compile_shocks(net, [named("cn-graphite-2023")], start=start, periods=12, outside="clip")
    expected = vc.simulate(net, arrays, mode="re-sourcing").totals
    out = tmp_path / "out"
    argv = ["simulate", "toy-battery", "--scenario", "cn-graphite-2023", "--start", start, "--periods", "12"]
    assert run([*argv, "--mode", "re-sourcing", "--out", str(out)]) == 0
    got = pd.read_csv(out / "totals.csv", index_col=0)
    assert expected.loc["cn-graphite-2023", "lost_value"] > 0
    assert np.isclose(got.loc["cn-graphite-2023", "lost_value"], expected.loc["cn-graphite-2023", "lost_value"])
    assert np.isclose(got.loc["cn-graphite-2023", "lost_cells_gwh"], expected.loc["cn-graphite-2023", "lost_cells_gwh"])


def test_show_a_single_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    p = tmp_path / "fire.yaml"
    p.write_text(FIRE)
    assert run(["scenarios", "show", str(p), "-n", "toy-battery", "--start", "2025-01", "--periods", "6"]) == 0
    out = capsys.readouterr().out
    assert "fire (probability 1)" in out
    assert "process de-cells (process in DE): x0 from 2025-03 to 2025-05" in out


def test_library_is_a_scenario_file(tmp_path: Path):
    # the library is written in the same format, so it loads as a scenario file (equally likely)
    lib = ROOT / "src" / "valuechain" / "scenarios" / "data" / "library.yaml"
    sset = load_scenario_file(lib)
    assert sset.names == vc.scenarios.names()
    assert sset.probabilities == pytest.approx([1 / len(sset)] * len(sset))
    assert yaml.safe_load(lib.read_text())[0]["name"] == "cn-graphite-2023"
