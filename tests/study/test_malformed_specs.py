"""Malformed study specs and scenario files, through the command line.

Every case must end with exit status 1 and one line ``error: <file>...: <key>: <what was expected>``
on standard error, and no traceback anywhere. ``{spec}`` in a case's text stands for the study
file, ``{scen}`` for a scenario file next to it; ``{file}`` in the expected message for the file
the error is about.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from valuechain.cli import run

OK_SCENARIO = "name: fire\nshocks:\n  - {type: Outage, target: de-cells, duration: 3}\n"
SHARE = "{type: max_origin_share, commodities: [cell_nmc], region: DE, origin: CN"

# (id, study spec text or None, scenario file text or None, command, file the message names, message)
# The command is "solve" (the study spec), "simulate" or "show" (the scenario file).
STUDY_CASES: list[tuple[str, bytes | str, str | None, str]] = [
    ("study-not-utf8", b"network: toy-battery\nname: caf\xe9\n", None, r"{file}:2: expected UTF-8 text"),
    (
        "study-yaml-syntax",
        "network: toy-battery\nhorizon: {years: 2\n",
        None,
        r"{file}:3:1: not valid YAML: .*expected",
    ),
    ("study-yaml-indent", "network: toy-battery\n horizon: 2\n", None, r"{file}:2:9: not valid YAML: mapping values"),
    ("study-not-a-mapping", "- network: toy-battery\n", None, r"{file}: expected a mapping of keys .*got list"),
    (
        "study-unknown-key",
        "network: toy-battery\nhorizn: {years: 2}\n",
        None,
        r"{file}: horizn: unknown key.*closest: horizon",
    ),
    (
        "study-missing-network",
        "horizon: {years: 2}\n",
        None,
        r"{file}: network: missing; expected a network name or folder",
    ),
    (
        "study-unknown-network",
        "network: toy-batery\n",
        None,
        r"{file}: network: no network named 'toy-batery'.*closest: toy-battery",
    ),
    (
        "study-network-not-text",
        "network: [toy-battery]\n",
        None,
        r"{file}: network: expected a network name or folder, got \['toy-battery'\]",
    ),
    (
        "horizon-negative-years",
        "network: toy-battery\nhorizon: {years: -2}\n",
        None,
        r"{file}: horizon.years: expected an integer >= 1, got -2",
    ),
    (
        "horizon-fractional-years",
        "network: toy-battery\nhorizon: {years: 2.5}\n",
        None,
        r"{file}: horizon.years: expected an integer >= 1, got 2.5",
    ),
    (
        "horizon-start-text",
        "network: toy-battery\nhorizon: {start: soon}\n",
        None,
        r"{file}: horizon.start: expected an integer >= 1, got 'soon'",
    ),
    (
        "horizon-unknown-key",
        "network: toy-battery\nhorizon: {yeras: 2}\n",
        None,
        r"{file}: horizon.yeras: unknown key.*closest: years",
    ),
    (
        "horizon-not-mapping",
        "network: toy-battery\nhorizon: 5\n",
        None,
        r"{file}: horizon: expected a mapping of start, years; got 5",
    ),
    (
        "scenario-unknown-name",
        "network: toy-battery\nscenarios: [baseline, cn-grafite-2023]\n",
        None,
        r"{file}: scenarios\[2\]: unknown scenario 'cn-grafite-2023'.*closest: cn-graphite-2023",
    ),
    (
        "scenario-file-missing",
        "network: toy-battery\nscenarios: [{file: nowhere.yaml}]\n",
        None,
        r"{file}: scenarios\[1\].file: no such scenario file .*nowhere.yaml",
    ),
    (
        "scenarios-sum-1.6",
        "network: toy-battery\nscenarios: [{name: baseline, probability: 0.8}, {name: cn-graphite-2023, probability: 0.8}]\n",
        None,
        r"{file}: scenarios: the probabilities sum to 1.6; they must sum to 1",
    ),
    (
        "scenario-negative-probability",
        "network: toy-battery\nscenarios: [{name: baseline, probability: -0.2}]\n",
        None,
        r"{file}: scenarios\[1\].probability: expected a number in \[0, 1\], got -0.2",
    ),
    (
        "scenario-probability-missing",
        "network: toy-battery\nscenarios: [{name: baseline, probability: 0.5}, cn-graphite-2023]\n",
        None,
        r"{file}: scenarios\[2\].probability: missing; give a probability for every scenario or for none",
    ),
    (
        "scenario-listed-twice",
        "network: toy-battery\nscenarios: [baseline, baseline]\n",
        None,
        r"{file}: scenarios\[2\]: scenario 'baseline' is already listed in scenarios\[1\]",
    ),
    (
        "scenarios-not-a-list",
        "network: toy-battery\nscenarios: {baseline: 1}\n",
        None,
        r"{file}: scenarios: expected a non-empty list",
    ),
    (
        "scenario-entry-unknown-key",
        "network: toy-battery\nscenarios: [{name: baseline, probabilty: 1}]\n",
        None,
        r"{file}: scenarios\[1\].probabilty: unknown key.*closest: probability",
    ),
    (
        "inline-scenario-bad-shock",
        "network: toy-battery\nscenarios: [{name: x, shocks: [{type: Outag, target: de-cells}]}]\n",
        None,
        r"{file}: scenarios\[1\].shocks\[1\].type: unknown shock type 'Outag'.*closest: Outage",
    ),
    (
        "inline-scenario-unknown-process",
        "network: toy-battery\nscenarios: [{name: x, shocks: [{type: Outage, target: de-cellz}]}]\n",
        None,
        r"{file}: scenarios\[1\].shocks\[1\].target: expected a process id .*closest: de-cells.*got 'de-cellz'",
    ),
    (
        "policy-unknown-type",
        "network: toy-battery\npolicies: [{type: max_orgin_share}]\n",
        None,
        r"{file}: policies\[1\].type: unknown policy type 'max_orgin_share'.*closest: max_origin_share",
    ),
    (
        "policy-missing-type",
        "network: toy-battery\npolicies: [{share: 0.5}]\n",
        None,
        r"{file}: policies\[1\].type: missing; expected one of .*cap_path",
    ),
    (
        "policy-missing-field",
        f"network: toy-battery\npolicies: [{SHARE}}}]\n",
        None,
        r"{file}: policies\[1\].share: missing; a max_origin_share policy needs",
    ),
    (
        "policy-share-above-1",
        f"network: toy-battery\npolicies: [{SHARE}, share: 1.5}}]\n",
        None,
        r"{file}: policies\[1\].share: expected a number in \[0, 1\], got 1.5",
    ),
    (
        "policy-unknown-key",
        f"network: toy-battery\npolicies: [{SHARE}, share: 0.5, elastc: true}}]\n",
        None,
        r"{file}: policies\[1\].elastc: unknown key for a max_origin_share policy.*closest: elastic",
    ),
    (
        "policy-not-a-mapping",
        "network: toy-battery\npolicies: [max_origin_share]\n",
        None,
        r"{file}: policies\[1\]: expected a mapping with a 'type'",
    ),
    (
        "policy-unknown-commodity",
        "network: toy-battery\npolicies: [{type: max_origin_share, commodities: [cell_nmx], region: DE, origin: CN, share: 0.5}]\n",
        None,
        r"{file}: policies\[1\].commodities: unknown commodity 'cell_nmx' of network 'toy-battery'.*closest: cell_nmc",
    ),
    (
        "policy-unknown-region",
        f"network: toy-battery\npolicies: [{SHARE.replace('DE', 'DX')}, share: 0.5}}]\n",
        None,
        r"{file}: policies\[1\].region: unknown region or group 'DX' in network 'toy-battery'",
    ),
    (
        "cap-path-knot-above-1",
        "network: toy-battery\npolicies: [{type: cap_path, commodities: [cell_nmc], region: DE, path: {2027: 1.5}}]\n",
        None,
        r"{file}: policies\[1\].path.2027: expected a number in \[0, 1\], got 1.5",
    ),
    (
        "cap-path-year-text",
        "network: toy-battery\npolicies: [{type: cap_path, commodities: [cell_nmc], region: DE, path: {soon: 0.5}}]\n",
        None,
        r"{file}: policies\[1\].path: expected integer years as keys, got 'soon'",
    ),
    (
        "cap-path-bad-relative-knot",
        "network: toy-battery\npolicies: [{type: cap_path, commodities: [cell_nmc], region: DE, path: {2030: {cut: 0.3}}}]\n",
        None,
        r"{file}: policies\[1\].path.2030: expected a share or \{reduction: x\}, got \{'cut': 0.3\}",
    ),
    (
        "cap-path-reduction-negative",
        "network: toy-battery\npolicies: [{type: cap_path, commodities: [cell_nmc], region: DE, path: {2030: {reduction: -0.3}}}]\n",
        None,
        r"{file}: policies\[1\].path.2030.reduction: expected a number in \[0, 1\], got -0.3",
    ),
    (
        "cap-path-no-path",
        "network: toy-battery\npolicies: [{type: cap_path, commodities: [cell_nmc], region: DE}]\n",
        None,
        r"{file}: policies\[1\].path: missing; a cap_path policy needs commodities, region and path",
    ),
    (
        "cap-path-path-list",
        "network: toy-battery\npolicies: [{type: cap_path, commodities: [cell_nmc], region: DE, path: [0.5]}]\n",
        None,
        r"{file}: policies\[1\].path: expected a mapping of year to share",
    ),
    (
        "objective-not-a-number",
        "network: toy-battery\nobjective: {discount_rate: high}\n",
        None,
        r"{file}: objective.discount_rate: expected a finite number, got 'high'",
    ),
    (
        "objective-inf",
        "network: toy-battery\nobjective: {unmet_penalty: .inf}\n",
        None,
        r"{file}: objective.unmet_penalty: expected a finite number, got inf",
    ),
    (
        "objective-nan",
        "network: toy-battery\nobjective: {cvar_weight: .nan}\n",
        None,
        r"{file}: objective.cvar_weight: expected a finite number, got nan",
    ),
    (
        "objective-out-of-range",
        "network: toy-battery\nobjective: {discount_rate: 3}\n",
        None,
        r"{file}: objective.discount_rate: expected a number in \[0, 1\], got 3",
    ),
    (
        "solver-threads-0",
        "network: toy-battery\nsolver: {threads: 0}\n",
        None,
        r"{file}: solver.threads: expected an integer >= 1, got 0",
    ),
    (
        "solver-mip-gap-2",
        "network: toy-battery\nsolver: {mip_gap: 2}\n",
        None,
        r"{file}: solver.mip_gap: expected a number in \[0, 1\], got 2.0",
    ),
    (
        "solver-time-limit-0",
        "network: toy-battery\nsolver: {time_limit: 0}\n",
        None,
        r"{file}: solver.time_limit: expected a number in \(0, inf\), got 0.0",
    ),
    (
        "solver-unknown-key",
        "network: toy-battery\nsolver: {time_limt: 5}\n",
        None,
        r"{file}: solver.time_limt: unknown key.*closest: time_limit",
    ),
    (
        "options-not-bool",
        "network: toy-battery\noptions: {stocks: maybe}\n",
        None,
        r"{file}: options.stocks: expected true or false, got 'maybe'",
    ),
    (
        "horizon-too-long",
        "network: toy-battery\nhorizon: {years: 100000}\n",
        None,
        r"{file}: horizon.years: expected an integer in \[1, 10000\], got 100000",
    ),
    (
        "policy-commodities-not-a-list",
        f"network: toy-battery\npolicies: [{SHARE.replace('[cell_nmc]', '5')}, share: 0.5}}]\n",
        None,
        r"{file}: policies\[1\].commodities: expected a commodity id or a list of them, got 5",
    ),
    (
        "policy-region-not-text",
        "network: toy-battery\npolicies: [{type: export_ban, commodities: [cell_nmc], from_region: DE, to_region: 5}]\n",
        None,
        r"{file}: policies\[1\].to_region: expected a region or group id, got 5",
    ),
    # a study whose scenario file is wrong: the message names the scenario file and its key
    (
        "study-scenario-file-severity",
        "network: toy-battery\nscenarios: [{file: scen.yaml}]\n",
        "name: x\nshocks: [{type: Outage, target: de-cells, severity: 2}]\n",
        r"{file}: scenarios\[1\]: {scen}: shocks\[1\].severity: expected a number in \[0, 1\], got 2",
    ),
]

# (id, scenario file text, message); each runs through both 'simulate' and 'scenarios show'.
SCENARIO_CASES: list[tuple[str, bytes | str, str]] = [
    ("file-not-utf8", b"name: caf\xe9\n", r"{file}:1: expected UTF-8 text"),
    ("file-yaml-syntax", "name: x\nshocks: [{type: Outage\n", r"{file}:3:1: not valid YAML"),
    (
        "file-not-a-scenario",
        "42\n",
        r"{file}: expected a scenario \(a mapping with name, .*\) or a list of them; got 42",
    ),
    ("file-unknown-field", "name: x\nshock: []\n", r"{file}: shock: unknown field of a scenario.*closest: shocks"),
    ("file-missing-name", "shocks: []\n", r"{file}: name: expected a non-empty name; got None"),
    ("file-shocks-not-list", "name: x\nshocks: {type: Outage}\n", r"{file}: shocks: expected a list of shocks"),
    (
        "shock-unknown-type",
        "name: x\nshocks: [{type: Outag, target: de-cells}]\n",
        r"{file}: shocks\[1\].type: unknown shock type 'Outag'.*closest: Outage",
    ),
    (
        "shock-missing-type",
        "name: x\nshocks: [{target: de-cells}]\n",
        r"{file}: shocks\[1\].type: missing; expected one of ExportControl",
    ),
    (
        "shock-unknown-field",
        "name: x\nshocks: [{type: Outage, target: de-cells, severty: 1}]\n",
        r"{file}: shocks\[1\].severty: unknown field of Outage.*closest: severity",
    ),
    (
        "shock-missing-field",
        "name: x\nshocks: [{type: ExportControl, commodities: [cell_nmc]}]\n",
        r"{file}: shocks\[1\].exporter: missing; ExportControl requires exporter, commodities",
    ),
    (
        "shock-severity-above-1",
        "name: x\nshocks: [{type: Outage, target: de-cells, severity: 1.5}]\n",
        r"{file}: shocks\[1\].severity: expected a number in \[0, 1\], got 1.5",
    ),
    (
        "shock-bad-date",
        "name: x\nshocks: [{type: Outage, target: de-cells, start: '2025-13-45'}]\n",
        r"{file}: shocks\[1\].start: expected a month offset >= 0 or a date .*got '2025-13-45'",
    ),
    (
        "shock-negative-duration",
        "name: x\nshocks: [{type: Outage, target: de-cells, duration: -3}]\n",
        r"{file}: shocks\[1\].duration: expected None \(until the end of the horizon\) or a number of months > 0, got -3",
    ),
    (
        "shock-negative-factor",
        "name: x\nshocks: [{type: DemandShock, hub: 'DE:cell_nmc', factor: -1}]\n",
        r"{file}: shocks\[1\].factor: expected a number in \[0, inf\), got -1",
    ),
    (
        "probabilities-sum-1.6",
        "- {name: a, probability: 0.8}\n- {name: b, probability: 0.8}\n",
        r"{file}: the scenarios' probabilities sum to 1.6; they must sum to 1",
    ),
    (
        "probability-negative",
        "name: x\nprobability: -0.5\n",
        r"{file}: probability: expected a number in \[0, 1\], got -0.5",
    ),
    (
        "list-duplicate-name",
        "- {name: a}\n- {name: a}\n",
        r"{file}: \[2\].name: 'a' is already the name of scenario \[1\]",
    ),
]

# Errors found only on a network (simulate and show --network): the file and the shock's key.
NETWORK_CASES: list[tuple[str, str, str]] = [
    (
        "unknown-commodity",
        "name: x\nshocks: [{type: ExportControl, exporter: CN, commodities: [graphit]}]\n",
        r"{file}: shocks\[1\].commodities: expected a commodity id of network 'toy-battery'.*closest: natural_graphite.*got 'graphit'",
    ),
    (
        "unknown-region",
        "name: x\nshocks: [{type: ExportControl, exporter: XX, commodities: [cell_nmc]}]\n",
        r"{file}: shocks\[1\].exporter: expected 'all', a region, a group or 'non-<region or group>' of network 'toy-battery'.*got 'XX'",
    ),
    (
        "unknown-process",
        "name: x\nshocks: [{type: Outage, target: de-cellz}]\n",
        r"{file}: shocks\[1\].target: expected a process id .*closest: de-cells.*got 'de-cellz'",
    ),
    (
        "unknown-hub",
        "name: x\nshocks: [{type: DemandShock, hub: 'DE:cell_nmx', factor: 2}]\n",
        r"{file}: shocks\[1\].hub: expected a commodity id or a stage of network 'toy-battery'.*got 'cell_nmx'",
    ),
]


def _write(path: Path, text: bytes | str) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _run(argv: list[str], capfd: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(argv)
    out, err = capfd.readouterr()
    return code, out, err


def _assert_one_line_error(code: int, out: str, err: str, pattern: str) -> None:
    assert code == 1, (out, err)
    assert "Traceback" not in out + err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert re.match(r"error: " + pattern, lines[0]), lines[0]


@pytest.mark.parametrize(
    ("spec_text", "scen_text", "message"), [c[1:] for c in STUDY_CASES], ids=[c[0] for c in STUDY_CASES]
)
def test_malformed_study_spec(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], spec_text: bytes | str, scen_text: str | None, message: str
) -> None:
    spec = _write(tmp_path / "study.yaml", spec_text)
    scen = tmp_path / "scen.yaml"
    if scen_text is not None:
        _write(scen, scen_text)
    pattern = message.replace("{file}", re.escape(str(spec))).replace("{scen}", re.escape(str(scen)))
    code, out, err = _run(["solve", str(spec)], capfd)
    _assert_one_line_error(code, out, err, pattern)


@pytest.mark.parametrize("command", ["simulate", "show"])
@pytest.mark.parametrize(("text", "message"), [c[1:] for c in SCENARIO_CASES], ids=[c[0] for c in SCENARIO_CASES])
def test_malformed_scenario_file(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], command: str, text: bytes | str, message: str
) -> None:
    path = _write(tmp_path / "scen.yaml", text)
    argv = (
        ["simulate", "toy-battery", "--scenario", str(path), "--periods", "3"]
        if command == "simulate"
        else ["scenarios", "show", str(path)]
    )
    code, out, err = _run(argv, capfd)
    _assert_one_line_error(code, out, err, message.replace("{file}", re.escape(str(path))))


@pytest.mark.parametrize("command", ["simulate", "show"])
@pytest.mark.parametrize(("text", "message"), [c[1:] for c in NETWORK_CASES], ids=[c[0] for c in NETWORK_CASES])
def test_scenario_file_names_unknown_to_the_network(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], command: str, text: str, message: str
) -> None:
    path = _write(tmp_path / "scen.yaml", text)
    argv = (
        ["simulate", "toy-battery", "--scenario", str(path), "--start", "2025-01", "--periods", "3"]
        if command == "simulate"
        else ["scenarios", "show", str(path), "-n", "toy-battery", "--start", "2025-01", "--periods", "3"]
    )
    code, out, err = _run(argv, capfd)
    _assert_one_line_error(code, out, err, message.replace("{file}", re.escape(str(path))))


def test_bundled_specs_are_not_malformed(capfd: pytest.CaptureFixture[str]) -> None:
    # the counterpart: a well-formed scenario file runs (the cases above fail for their own reason)
    root = Path(__file__).resolve().parents[2]
    code, out, err = _run(["scenarios", "show", str(root / "src/valuechain/scenarios/data/library.yaml")], capfd)
    assert code == 0, err
    assert "cn-graphite-2023" in out


def test_a_good_scenario_file_runs(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "scen.yaml", OK_SCENARIO)
    code, out, err = _run(["simulate", "toy-battery", "--scenario", str(path), "--periods", "3"], capfd)
    assert code == 0, err
    assert "fire" in out
