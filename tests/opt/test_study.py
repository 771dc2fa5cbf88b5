"""Study specs: loading, validation messages, the bundled specs, and the CLI."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain import StudyError
from valuechain.cli import run
from valuechain.opt import MaxOriginShare, Study, build, load_study, optimise
from valuechain.scenarios import ExportControl, Scenario, compile_shocks

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "study.yaml"
    p.write_text(text)
    return p


@pytest.mark.parametrize("name", ["toy-transport", "toy-battery"])
def test_bundled_specs_load_and_solve(name):
    study = load_study(ROOT / "models" / f"{name}.yaml")
    plan = optimise(study=study)
    assert plan.result.ok
    assert plan.costs.sum() == pytest.approx(plan.objective, rel=1e-9)


def test_toy_battery_spec_holds_a_cap_on_chinas_share():
    study = load_study("toy-battery")
    assert study.years == 5
    caps = [p for p in study.policies if isinstance(p, MaxOriginShare)]
    assert {p.commodities for p in caps} == {("cell_nmc",), ("cam_nmc",)}
    plan = optimise(study=study)
    # invariant: wherever China supplies German cells, its share respects the cap
    flows = plan.flows["flow"].xs("cn-de-cells", level="route")
    de_out = plan.activity["activity"].xs("de-cells", level="process")
    bought = plan.purchases["quantity"].groupby(level="period").sum()
    assert (flows.to_numpy() <= 0.5 * (flows.to_numpy() + de_out.to_numpy() + bought.to_numpy()) + 1e-6).all()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("network: toy-transport\nhorizn: {years: 2}\n", r": horizn: unknown key.*closest: horizon"),
        ("network: toy-transport\nhorizon: {yeras: 2}\n", r": horizon.yeras: unknown key.*closest: years"),
        ("network: toy-transport\nhorizon: {years: two}\n", r": horizon.years: expected an integer >= 1, got 'two'"),
        ("horizon: {years: 2}\n", r": network: missing; expected a network name or folder"),
        (
            "network: toy-transport\nobjective: {discount_rate: 3}\n",
            r": objective.discount_rate: expected a number in \[0, 1\], got 3",
        ),
        (
            "network: toy-transport\nobjective: {cvar_weight: high}\n",
            r": objective.cvar_weight: expected a finite number, got 'high'",
        ),
        (
            "network: toy-transport\nscenarios: [{name: baseline, probability: 0.5}, cn-graphite-2023]\n",
            r": scenarios\[2\].probability: missing; give a probability for every scenario or for none",
        ),
        (
            "network: toy-transport\npolicies: [{type: max_orgin_share}]\n",
            r": policies\[1\].type: unknown policy type 'max_orgin_share'.*closest: max_origin_share",
        ),
        (
            "network: toy-transport\npolicies: [{type: export_ban, commodities: [cases], from_regio: x}]\n",
            r": policies\[1\].from_regio: unknown key for a export_ban policy.*closest: from_region",
        ),
        (
            "network: toy-transport\noptions: {stocks: maybe}\n",
            r": options.stocks: expected true or false, got 'maybe'",
        ),
        ("network: [toy\n", r"study.yaml:2:1: not valid YAML"),
    ],
)
def test_spec_errors_name_the_file_key_and_expectation(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(StudyError, match=message) as info:
        load_study(path)
    assert str(path) in str(info.value)


def test_probabilities_are_checked_and_reach_the_model(tmp_path):
    with pytest.raises(StudyError, match="sum to 1"):
        Study(scenarios=("a", "b"), probabilities=(0.3, 0.3))
    with pytest.raises(StudyError, match="2 probabilities for 1 scenarios"):
        Study(scenarios=("baseline",), probabilities=(0.5, 0.5))
    path = write(tmp_path, "network: toy-transport\nscenarios: [{name: baseline, probability: 1.0}]\n")
    study = load_study(path)
    from valuechain import load_network

    model = build(load_network(study.network), study)
    assert list(model.shocks.probability) == [1.0]
    assert list(model.scenarios) == ["baseline"]


def test_named_library_scenarios_compile_and_bind_from_the_first_year():
    # China's graphite licensing dates from December 2023: over a horizon starting in 2025 it is
    # still in force, so it must bind from the first year rather than being an error.
    from valuechain import load_network

    study = Study(scenarios=("baseline", "cn-graphite-2023"), start=2025, years=2)
    net = load_network("toy-battery")
    arrays = study.shock_arrays(net)
    assert list(arrays.scenarios) == ["baseline", "cn-graphite-2023"]
    assert arrays.process_capacity.shape[:2] == (2, 2)
    assert list(arrays.probability) == [0.5, 0.5]
    anode = list(arrays.routes).index("cn-de-anode")
    assert (arrays.route_capacity[0, :, anode] == 1.0).all()
    assert (arrays.route_capacity[1, :, anode] < 1.0).all()


def test_cli_solve_writes_tables(tmp_path, capsys):
    code = run(["solve", str(ROOT / "models" / "toy-transport.yaml"), "--out", str(tmp_path), "--format", "csv"])
    assert code == 0
    out = capsys.readouterr().out
    assert "153.675" in out
    assert "Cost split" in out
    flows = pd.read_csv(tmp_path / "flows.csv")
    assert flows["flow"].sum() == pytest.approx(900.0)
    assert (tmp_path / "prices.csv").is_file()


def test_cli_bad_input_is_one_line(tmp_path, capsys):
    code = run(["solve", str(tmp_path / "missing.yaml")])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:")
    assert "no such study spec" in err
    assert "\n" not in err
    code = run(["solve", "toy-transport", "--format", "xlsx"])
    assert code == 1


def _rush(front_load: float) -> Scenario:
    # China licenses natural anode from July 2026 (announced in March), half of what is asked approved
    control = ExportControl(
        "CN", "anode_natural", start="2026-07-01", announced="2026-03-01", approval=0.5, front_load=front_load
    )
    return Scenario("anode-licences", [control])


def test_a_plan_reads_a_licence_regime_without_the_buyers_rush():
    # by month, buyers ask twice the baseline from March to June (front_load 1) and take it back
    # after July; in a plan that rush is the plan's own choice to buy ahead, so the yearly
    # multipliers are those of the same regime without it: 2026 is not read as more capacity
    net = vc.load_network("toy-battery")
    study = vc.load_study("toy-battery")
    monthly = compile_shocks(net, [_rush(1.0)], start="2026-01", periods=12)
    route = monthly.routes.get_loc("cn-de-anode")
    assert monthly.route_capacity[0, 3, route] == pytest.approx(2.0)  # April: the rush, to simulate
    rush = replace(study, scenarios=(_rush(1.0),)).shock_arrays(net)
    calm = replace(study, scenarios=(_rush(0.0),)).shock_arrays(net)
    np.testing.assert_array_equal(rush.route_capacity, calm.route_capacity)
    assert calm.route_capacity[0, 1, route] == pytest.approx((6 + 6 * 0.5) / 12)  # 2026: half approved from July
