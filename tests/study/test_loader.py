"""One loader for every study spec: every bundled spec loads, builds and solves, from Python and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

import valuechain as vc
from valuechain import StudyError
from valuechain.analysis.caps import CapPath
from valuechain.cli import run
from valuechain.opt import build, solve
from valuechain.scenarios import Scenario
from valuechain.study import load_study

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "models").glob("*.yaml"))


def test_there_are_bundled_specs_to_check():
    assert {p.stem for p in SPECS} >= {"eu-crma-2030", "eu-export-controls-stress", "toy-battery", "toy-transport"}


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_bundled_spec_builds_as_loaded(spec: Path):
    study = load_study(spec)
    net = vc.load_network(study.network)
    model = build(net, study)  # no analysis.targets.prepare needed first
    assert model.n_vars > 0
    assert model.n_rows > 0
    # relative knots were filled with today's shares, one per capped commodity
    for pol in study.policies:
        if isinstance(pol, CapPath) and any(rel for _, _, rel in pol.path):
            assert [c for c, _ in pol.today] == list(pol.commodities)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_bundled_spec_solves_from_the_cli(spec: Path, capsys: pytest.CaptureFixture[str]):
    code = run(["solve", str(spec)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "optimal: objective" in out


def test_top_level_load_study_is_the_study_loader():
    assert vc.load_study is load_study


def test_relative_knot_takes_todays_share_from_the_network(tmp_path: Path):
    # On toy-battery, China supplies half of Germany's NMC cells today (its share is 0.5). A knot
    # {2030: {reduction: 0.3}} therefore caps it at 0.5 * (1 - 0.3) = 0.35 from 2030; before the
    # first knot there is no cap (1.0).
    spec = tmp_path / "cap.yaml"
    spec.write_text(
        "network: toy-battery\n"
        "horizon: {start: 2029, years: 2}\n"
        "policies:\n"
        "  - {type: cap_path, name: cn-cells, commodities: [cell_nmc], region: DE, origin: CN,\n"
        "     path: {2030: {reduction: 0.3}}, elastic: true, penalty: 1000}\n"
    )
    study = load_study(spec)
    (cap,) = study.policies
    assert isinstance(cap, CapPath)
    assert cap.today == (("cell_nmc", 0.5),)
    assert cap.shares([2029, 2030]).ravel().tolist() == pytest.approx([1.0, 0.35])
    net = vc.load_network("toy-battery")
    assert load_study(spec, network=net).policies == study.policies
    result = solve(build(net, study))
    assert result.ok


def test_targets_through_the_loader_match_the_analysis_path():
    # The targets command now reads the default study with load_study; the analysis function
    # reading the spec itself (and measuring today's shares) must give the same plan.
    from valuechain.analysis.targets import targets

    a = targets(None, "eu-crma-2030")
    b = targets(None, load_study("eu-crma-2030"))
    assert b.plan.objective == a.plan.objective
    assert b.premium == a.premium


def test_scenarios_by_name_file_and_inline(tmp_path: Path):
    (tmp_path / "shocks").mkdir()
    (tmp_path / "shocks" / "fire.yaml").write_text(
        "name: fire\nprobability: 0.25\nshocks:\n  - {type: Outage, target: de-cells, severity: 1.0}\n"
    )
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "network: toy-battery\n"
        "horizon: {start: 2025, years: 2}\n"
        "scenarios:\n"
        "  - {name: baseline, probability: 0.5}\n"
        "  - {file: shocks/fire.yaml}\n"
        "  - {name: flood, probability: 0.25, shocks: [{type: Outage, target: de-cells, severity: 0.5}]}\n"
    )
    study = load_study(spec)
    assert study.scenario_names == ["baseline", "fire", "flood"]
    assert study.probabilities == (0.5, 0.25, 0.25)
    assert isinstance(study.scenarios[1], Scenario)
    net = vc.load_network("toy-battery")
    arrays = study.shock_arrays(net)
    cells = list(arrays.processes).index("de-cells")
    # severity 1 stops the plant (multiplier 0), severity 0.5 halves it, in both years
    assert arrays.process_capacity[:, :, cells].tolist() == [[1.0, 1.0], [0.0, 0.0], [0.5, 0.5]]
    assert solve(build(net, study)).ok


def test_engine_reader_names_the_study_loader_for_cap_paths():
    from valuechain.opt import load_study as engine_load_study

    with pytest.raises(StudyError, match=r"policies\[1\].type: unknown policy type 'cap_path'.*valuechain.study"):
        engine_load_study("eu-crma-2030")


def test_models_paths_as_the_readme_writes_them_work_from_any_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # 'models/NAME.yaml' is how the README and the CLI's defaults name a study; from a folder
    # without models/ of its own it means the bundled spec, and a missing one is still an error
    monkeypatch.chdir(tmp_path)
    assert load_study("models/eu-crma-2030.yaml").name == "eu-crma-2030"
    assert load_study("toy-battery").name == load_study("models/toy-battery.yaml").name
    with pytest.raises(StudyError, match=r"models/no-such-study\.yaml: no such study spec"):
        load_study("models/no-such-study.yaml")
    # a models/ folder of the user's own takes precedence
    (tmp_path / "models").mkdir()
    own = (
        (Path(__file__).resolve().parents[2] / "models" / "toy-battery.yaml")
        .read_text()
        .replace("name: toy-battery", "name: my-toy", 1)
    )
    (tmp_path / "models" / "eu-crma-2030.yaml").write_text(own)
    assert load_study("models/eu-crma-2030.yaml").name != "eu-crma-2030"
