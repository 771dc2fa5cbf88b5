"""The scenarios commands and scenario files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from valuechain.cli import run
from valuechain.errors import ScenarioError
from valuechain.network.model import Network
from valuechain.scenarios import Scenario, ScenarioSet, compile_shocks, load_scenarios, named


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["scenarios", "list"]) == 0
    out = capsys.readouterr().out
    assert "cn-graphite-2023" in out
    assert "eu-black-mass-2026" in out


def test_show_with_a_network(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["scenarios", "show", "cn-graphite-2023", "--network", "toy-battery"]) == 0
    out = capsys.readouterr().out
    # the horizon starts at the announcement (20 Oct 2023), when buyers start to front-load
    assert "horizon 2023-10..2025-09" in out
    # the lowest month: 0.3 approved during the lag, nothing taken back (take_back 0); the rush
    # starts in November (front_from), so the route first moves then
    assert (
        "route cn-de-anode (anode_natural CN -> DE): licence regime, lowest month x0.3, differs from 1 from 2023-11"
        in out
    )
    assert "│ 2023-11 │ 3.28 │" in out


def test_show_skips_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["scenarios", "show", "id-nickel-ore-ban", "-n", "toy-battery"]) == 0
    assert "skipped: exporter 'ID' not in network 'toy-battery'" in capsys.readouterr().out
    assert run(["scenarios", "show", "cn-grafite-2023"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: unknown scenario 'cn-grafite-2023'; expected a name from the library")
    assert "\n" not in err
    assert run(["scenarios", "show", "cn-midstream-all", "-n", "toy-battery", "--periods", "2", "--freq", "Y"]) == 1
    assert "outside='clip'" in capsys.readouterr().err
    assert (
        run(["scenarios", "show", "cn-midstream-all", "-n", "toy-battery", "--periods", "2", "--freq", "Y", "--clip"])
        == 0
    )


def test_scenario_file_round_trip(tmp_path: Path, toy: Network) -> None:
    import yaml

    graphite = named("cn-graphite-2023")
    graphite.probability = 0.75
    s = ScenarioSet([graphite, Scenario("other", probability=0.25)])
    p = tmp_path / "s.yaml"
    p.write_text(yaml.safe_dump([sc.to_dict() for sc in s]))
    back = load_scenarios(p)
    assert back.names == ["cn-graphite-2023", "other"]
    a = compile_shocks(toy, s, periods=6)
    b = compile_shocks(toy, back, periods=6)
    assert np.array_equal(a.route_capacity, b.route_capacity)
    assert np.allclose(b.probability, [0.75, 0.25])


def test_file_probabilities_are_not_rescaled(tmp_path: Path) -> None:
    # 1.0 + 0.6 = 1.6: a file that says so is wrong, and reading it must not turn it into 5/8 and 3/8
    p = tmp_path / "s.yaml"
    p.write_text("- {name: a, probability: 1.0}\n- {name: b, probability: 0.6}\n")
    with pytest.raises(ScenarioError, match=r"s.yaml: the scenarios' probabilities sum to 1.6; they must sum to 1"):
        load_scenarios(p)
    # without probabilities the scenarios are equally likely
    p.write_text("- {name: a}\n- {name: b}\n- {name: c}\n")
    assert load_scenarios(p).probabilities == pytest.approx([1 / 3] * 3)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "- {name: a, shocks: [{type: Outage, target: x, severity: 5}]}",
            r"s.yaml: \[1\].shocks\[1\].severity: expected a number in \[0, 1\], got 5$",
        ),
        ("- {name: a, shock: []}", r"s.yaml: \[1\].shock: unknown field of a scenario.*closest: shocks"),
        ("- {shocks: []}", r"s.yaml: \[1\].name: expected a non-empty name; got None"),
        ("a: [", r"s.yaml:1:5: not valid YAML: while parsing a flow node"),
        ("{x: 1}", r"s.yaml: x: unknown field of a scenario; expected one of name, probability"),
        ("42", r"s.yaml: expected a scenario \(a mapping with name, .*\) or a list of them; got 42"),
    ],
)
def test_scenario_file_errors(tmp_path: Path, text: str, match: str) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(text)
    with pytest.raises(ScenarioError, match=match):
        load_scenarios(p)


def test_show_a_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "mine.yaml"
    p.write_text("- {name: fire, probability: 0.2, shocks: [{type: Outage, target: de-cells, duration: 3}]}\n")
    assert run(["scenarios", "show", str(p), "-n", "toy-battery", "--start", "2025-01", "--periods", "6"]) == 0
    out = capsys.readouterr().out
    assert "process de-cells (process in DE): x0 from 2025-01 to 2025-03 (3 months in the horizon)" in out
