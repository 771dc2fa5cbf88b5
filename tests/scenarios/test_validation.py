"""Every kind of bad shock parameter gives the same kind of message."""

from __future__ import annotations

import re

import pytest

from valuechain.errors import ScenarioError
from valuechain.network.model import Network
from valuechain.scenarios import (
    CapacityShock,
    DemandShock,
    ExportControl,
    Outage,
    Scenario,
    ScenarioSet,
    TechnologyControl,
    TradeBan,
    compile_shocks,
    shock_from_dict,
)

UNIFORM = re.compile(r"^(scenario '[^']+', shock \d+: )?The '(\w+)' parameter of (\w+) must be .+\. Got .+\.$", re.S)


def _message(excinfo: pytest.ExceptionInfo[ScenarioError]) -> re.Match[str]:
    m = UNIFORM.match(str(excinfo.value))
    assert m, str(excinfo.value)
    return m


@pytest.mark.parametrize(
    ("make", "param", "owner"),
    [
        (lambda: ExportControl("CN", "cam_nmc", severity=1.5), "severity", "ExportControl"),
        (lambda: ExportControl("CN", "cam_nmc", severity=-0.1), "severity", "ExportControl"),
        (lambda: Outage("de-cells", severity=2), "severity", "Outage"),
        (lambda: ExportControl("CN", "cam_nmc", duration=0), "duration", "ExportControl"),
        (lambda: Outage("de-cells", duration=-3), "duration", "Outage"),
        (lambda: TradeBan("black_mass", "EU27", "non-OECD", start=-1), "start", "TradeBan"),
        (lambda: ExportControl("CN", "cam_nmc", start="next year"), "start", "ExportControl"),
        (lambda: CapacityShock("de-cells", factor=-0.5), "factor", "CapacityShock"),
        (lambda: CapacityShock("de-cells", factor=float("inf")), "factor", "CapacityShock"),
        (lambda: DemandShock("DE:cell_nmc", 1.0, recovery=-1), "recovery", "DemandShock"),
        (lambda: TechnologyControl("CN", "cell", derate=1.2), "derate", "TechnologyControl"),
        (lambda: ExportControl("CN", []), "commodities", "ExportControl"),
        (lambda: ExportControl(3, "cam_nmc"), "exporter", "ExportControl"),
        (lambda: Scenario("x", probability=1.2), "probability", "Scenario"),
        (lambda: Scenario("x", shocks=["not a shock"]), "shocks[0]", "Scenario"),
    ],
)
def test_constructor_checks_own_values(make, param: str, owner: str) -> None:
    with pytest.raises(ScenarioError) as e:
        make()
    m = re.match(r"^The '([^']+)' parameter of (\w+) must be .+\. Got .+\.$", str(e.value), re.S)
    assert m, str(e.value)
    assert (m.group(1), m.group(2)) == (param, owner)


@pytest.mark.parametrize(
    ("shock", "param", "closest"),
    [
        (ExportControl("CNN", "cam_nmc"), "exporter", "CN"),
        (ExportControl("CN", "cam_nmcc"), "commodities", "cam_nmc"),
        (ExportControl("CN", "cam_nmc", destinations="EU28"), "destinations", "EU27"),
        (TradeBan("black_mass", "EU27", "non-OECDD"), "to_group", None),
        (Outage("de-cels"), "target", "de-cells"),
        (Outage("DE:cel"), "target", "cell"),
        (DemandShock("DE:cell_nmcc", 2.0), "hub", "cell_nmc"),
        (TechnologyControl("CN", "cel"), "technologies", "cell"),
    ],
)
def test_unknown_names_are_reported_with_the_closest(toy: Network, shock, param: str, closest: str | None) -> None:
    with pytest.raises(ScenarioError) as e:
        compile_shocks(toy, shock, start="2025-01", periods=12)
    m = _message(e)
    assert m.group(2) == param
    assert "network 'toy-battery'" in str(e.value)
    if closest:
        assert f"closest: {closest}" in str(e.value)


@pytest.mark.parametrize(
    ("start", "what"),
    [(12, "within the horizon 2025-01..2025-12"), ("2026-02-01", "within the horizon"), ("2024-12-31", "on or after")],
)
def test_start_outside_the_horizon(toy: Network, start: object, what: str) -> None:
    with pytest.raises(ScenarioError) as e:
        compile_shocks(toy, Outage("de-cells", start=start), start="2025-01", periods=12)
    assert _message(e).group(2) == "start"
    assert what in str(e.value)


def test_skip_missing_only_skips_names(toy: Network) -> None:
    compile_shocks(toy, ExportControl("CN", ["cam_nmc", "cobalt_ore"], skip_missing=True), periods=2)
    with pytest.raises(ScenarioError):
        ExportControl("CN", "cam_nmc", severity=3, skip_missing=True)


def test_scenario_set_errors() -> None:
    with pytest.raises(ScenarioError, match="unique"):
        ScenarioSet([Scenario("a"), Scenario("a")])
    with pytest.raises(ScenarioError, match="sum to at most 1"):
        ScenarioSet([Scenario("a", probability=0.7), Scenario("b", probability=0.6)], baseline=True)
    with pytest.raises(ScenarioError, match="sum to 0"):
        ScenarioSet([Scenario("a", probability=0.0)])
    with pytest.raises(ScenarioError, match=r"^The 'scenarios' parameter of compile_shocks"):
        compile_shocks(None, "cn-graphite-2023")  # type: ignore[arg-type]


def test_shocks_from_mappings() -> None:
    s = shock_from_dict({"type": "Outage", "target": "de-cells", "severity": 0.5, "duration": 3})
    assert s == Outage("de-cells", 0.5, duration=3)
    assert shock_from_dict(s.to_dict()) == s
    with pytest.raises(ScenarioError, match=r"unknown shock type 'Outag'.*\(closest: Outage\)"):
        shock_from_dict({"type": "Outag"})
    with pytest.raises(ScenarioError, match=r"severty: unknown field of Outage.*\(closest: severity"):
        shock_from_dict({"type": "Outage", "target": "x", "severty": 1})
    with pytest.raises(ScenarioError, match=r"^here: severity: expected a number in \[0, 1\], got 9$"):
        shock_from_dict({"type": "Outage", "target": "x", "severity": 9}, where="here")
