"""compile_shocks: what each shock hits, and the properties every compile must have."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuechain.errors import ScenarioError
from valuechain.network.model import Network
from valuechain.scenarios import (
    CapacityShock,
    DemandShock,
    ExportControl,
    Outage,
    Scenario,
    ScenarioSet,
    ScenarioWarning,
    TechnologyControl,
    TradeBan,
    compile_shocks,
    default_start,
    explain,
)


def route(arrays, name: str, s: int = 0) -> np.ndarray:
    return arrays.route_capacity[s, :, arrays.routes.get_loc(name)]


def process(arrays, name: str, s: int = 0) -> np.ndarray:
    return arrays.process_capacity[s, :, arrays.processes.get_loc(name)]


# ---------------------------------------------------------------------------- what shocks hit
def test_export_control_hits_only_exports_of_its_commodities(toy: Network) -> None:
    m = compile_shocks(toy, ExportControl("CN", ["anode_natural", "cam_nmc"], severity=0.6), start="2025-01", periods=6)
    hit = {r for r in m.routes if (route(m, r) < 1).any()}
    assert hit == {"cn-de-anode", "cn-de-cam"}
    assert np.allclose(route(m, "cn-de-anode"), 0.4)
    assert (m.process_capacity == 1).all()
    assert (m.demand == 1).all()
    assert m.expansion_allowed.all()


def test_export_control_destinations_and_groups(canon: Network) -> None:
    only_oecd = compile_shocks(canon, ExportControl("CN", "anode_natural", destinations="EU27"), start=2025, periods=1)
    assert route(only_oecd, "cn-de-anode_natural")[0] == 0.0
    assert route(only_oecd, "cn-kr-anode_natural")[0] == 1.0
    with pytest.warns(ScenarioWarning):
        group_exporter = compile_shocks(canon, ExportControl("EU27", "cell_nmc"), start=2025, periods=1)
    # SE -> DE stays inside the exporting group: not an export
    assert route(group_exporter, "se-de-cell_nmc")[0] == 1.0


def test_trade_ban_with_a_complement_group(canon: Network) -> None:
    m = compile_shocks(canon, TradeBan(["black_mass", "eol_batteries"], "EU27", "non-OECD"), start=2025, periods=1)
    assert route(m, "de-cn-black_mass")[0] == 0.0
    assert route(m, "de-cn-eol_batteries")[0] == 0.0
    assert route(m, "de-kr-black_mass")[0] == 1.0  # KR is in the OECD


def test_technology_control_forbids_foreign_options_and_derates(canon: Network) -> None:
    m = compile_shocks(canon, TechnologyControl("CN", ["cam_lfp", "cell"], derate=0.25), start=2025, periods=1)
    allowed = dict(zip(m.expansions, m.expansion_allowed[0], strict=True))
    assert allowed == {"de-lfp-cn": False, "de-li-cn": True, "de-cells-cn": False, "de-cells-kr": True, "cn-lfp": True}
    assert process(m, "de-cells")[0] == pytest.approx(0.75)  # CN technology in DE
    assert process(m, "se-cells")[0] == 1.0
    assert process(m, "cn-cells")[0] == 1.0  # at home: not controlled


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("de-cells", {"de-cells"}),
        ("DE:cell", {"de-cells"}),
        ("EU27:cell_nmc", {"de-cells", "se-cells"}),
        ("*:cell", {"de-cells", "se-cells", "cn-cells"}),
        ("CN:*", {"cn-graphite", "cn-anode", "cn-cam", "cn-cells"}),
        (["cd-mine", "ID:mining"], {"cd-mine", "id-mine"}),
        ("non-OECD:mining", {"cn-graphite", "cd-mine", "id-mine"}),
        ("*:active material", {"cn-anode", "cn-cam"}),
    ],
)
def test_outage_targets(canon: Network, target: object, expected: set[str]) -> None:
    m = compile_shocks(canon, Outage(target, 0.5), start=2025, periods=1)
    assert {p for p in m.processes if process(m, p)[0] < 1} == expected


def test_capacity_surge_and_recovery(toy: Network) -> None:
    m = compile_shocks(toy, CapacityShock("de-cells", 1.5, start=1, duration=2), start="2025-01", periods=5)
    assert process(m, "de-cells").tolist() == [1.0, 1.5, 1.5, 1.0, 1.0]
    m = compile_shocks(toy, Outage("de-cells", 1.0, start=0, duration=2, recovery=4), start="2025-01", periods=7)
    assert np.allclose(process(m, "de-cells"), [0, 0, 0.125, 0.375, 0.625, 0.875, 1])


def test_demand_shock_on_hubs(toy: Network) -> None:
    m = compile_shocks(toy, DemandShock("DE:cell_nmc", 0.5, start=0, duration=1), start="2025-01", periods=2)
    assert m.demands.tolist() == ["CN:cell_nmc", "DE:cell_nmc"]
    assert m.demand[0].tolist() == [[1.0, 0.5], [1.0, 1.0]]


def test_overlapping_shocks_multiply(toy: Network) -> None:
    a = ExportControl("CN", "anode_natural", severity=0.5, start=0, duration=4)
    b = ExportControl("CN", "anode_natural", severity=0.5, start=2, duration=4)
    m = compile_shocks(toy, Scenario("two", [a, b]), start="2025-01", periods=8)
    assert route(m, "cn-de-anode").tolist() == [0.5, 0.5, 0.25, 0.25, 0.5, 0.5, 1.0, 1.0]


def test_a_handover_inside_a_month_is_time_weighted(toy: Network) -> None:
    # A ban to 16 October (15 of its 31 days) and then a 60 % quota: October keeps 16/31 x 0.6 of the lane, not
    # the product of the month means, (16/31) x (1 - 0.4 x 16/31) = 0.41.
    ban = ExportControl("CN", "anode_natural", start="2025-09-01", duration=1 + 15 / 31)
    quota = ExportControl("CN", "anode_natural", severity=0.4, start="2025-10-16", duration=6)
    m = compile_shocks(toy, Scenario("handover", [ban, quota]), start="2025-09", periods=3)
    assert route(m, "cn-de-anode").tolist() == pytest.approx([0.0, 16 / 31 * 0.6, 0.6])
    # two recoveries overlapping in one month: the mean of (1 - 0.5 (1 - t)) (1 - 0.5 t) over t in [0, 1) is 17/24
    a = Outage("de-cells", 0.5, start=0, duration=1, recovery=1)
    b = Outage("de-cells", 0.5, start=1, duration=0.0001, recovery=0)
    c = Outage("de-cells", 0.5, start=0, duration=1.0, recovery=0)
    m = compile_shocks(toy, Scenario("ramps", [a, b, c]), start="2025-01", periods=3)
    assert process(m, "de-cells")[0] == pytest.approx(0.25)  # a and c together, constant over the month


def fine_mean(items: list[tuple[float, float, float, float]], n_months: int, steps: int = 4000) -> np.ndarray:
    """Month means of the product of the shocks' multipliers on a fine grid of instants."""
    t = (np.arange(n_months * steps) + 0.5) / steps
    prod = np.ones_like(t)
    for factor, s, e, r in items:
        d = ((t >= s) & (t < e)).astype(float)
        if np.isfinite(e) and r > 1e-9:
            d += np.where((t >= max(e, s)) & (t < e + r), (e + r - t) / r, 0.0)
        prod *= 1.0 + (factor - 1.0) * np.clip(d, 0.0, 1.0)
    return prod.reshape(n_months, steps).mean(axis=1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.floats(0, 1), st.floats(0, 5), st.floats(0.05, 4), st.floats(0, 3)), min_size=1, max_size=4)
)
def test_overlapping_shocks_are_the_mean_of_their_product(toy: Network, items: list[tuple[float, ...]]) -> None:
    shocks = [Outage("de-cells", 1 - f, start=s, duration=d, recovery=r) for f, s, d, r in items]
    m = compile_shocks(toy, Scenario("overlap", shocks), start="2025-01", periods=10)
    want = fine_mean([(f, s, s + d, r) for f, s, d, r in items], 10)
    assert np.allclose(process(m, "de-cells"), want, atol=2e-3)


def test_six_month_ban_in_a_year_is_half(toy: Network) -> None:
    ban = ExportControl("CN", "anode_natural", start="2025-04-01", duration=6)
    assert route(compile_shocks(toy, ban, start="2025", periods=2, freq="Y"), "cn-de-anode").tolist() == [0.5, 1.0]


# ---------------------------------------------------------------------------- properties
shock_times = st.tuples(st.integers(0, 30), st.one_of(st.none(), st.floats(0.25, 30)), st.floats(0, 6))


@st.composite
def shocks(draw: st.DrawFn) -> object:
    start, duration, recovery = draw(shock_times)
    kind = draw(st.sampled_from(["export", "outage", "surge", "demand", "ban"]))
    if kind == "export":
        coms = draw(st.lists(st.sampled_from(["anode_natural", "cam_nmc", "cell_nmc", "lithium_chem"]), min_size=1))
        return ExportControl("CN", coms, severity=draw(st.floats(0, 1)), start=start, duration=duration)
    if kind == "outage":
        target = draw(st.sampled_from(["de-cells", "CN:cell", "*:cam_nmc", "OECD:*"]))
        return Outage(target, draw(st.floats(0, 1)), start=start, duration=duration, recovery=recovery)
    if kind == "surge":
        return CapacityShock("CN:*", draw(st.floats(0, 3)), start=start, duration=duration, recovery=recovery)
    if kind == "demand":
        return DemandShock("*:cell_nmc", draw(st.floats(0, 2)), start=start, duration=duration, recovery=recovery)
    return TradeBan("black_mass", "EU27", "non-OECD", start=start, duration=duration)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(shocks(), min_size=1, max_size=4))
def test_yearly_and_quarterly_are_means_of_monthly(toy: Network, items: list[object]) -> None:
    sc = Scenario("s", items)
    monthly = compile_shocks(toy, sc, start="2025-01", periods=36, freq="M")
    yearly = compile_shocks(toy, sc, start="2025-01", periods=3, freq="Y")
    quarterly = compile_shocks(toy, sc, start="2025-01", periods=12, freq="Q")
    for name in ("process_capacity", "route_capacity", "demand"):
        m = getattr(monthly, name)
        assert np.allclose(getattr(yearly, name), m.reshape(1, 3, 12, -1).mean(axis=2))
        assert np.allclose(getattr(quarterly, name), m.reshape(1, 12, 3, -1).mean(axis=2))
        assert (m >= 0).all()
        assert np.isfinite(m).all()
    assert (monthly.expansion_allowed == yearly.expansion_allowed).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    low=st.floats(0, 1),
    high=st.floats(0, 1),
    start=st.integers(0, 11),
    duration=st.one_of(st.none(), st.floats(0.1, 20)),
    recovery=st.floats(0, 6),
)
def test_more_severe_never_gives_larger_multipliers(
    toy: Network, low: float, high: float, start: int, duration: float | None, recovery: float
) -> None:
    low, high = sorted((low, high))
    for make in (
        lambda v: ExportControl("CN", ["cam_nmc", "cell_nmc"], severity=v, start=start, duration=duration),
        lambda v: Outage("CN:*", v, start=start, duration=duration, recovery=recovery),
    ):
        mild = compile_shocks(toy, make(low), start="2025-01", periods=12)
        harsh = compile_shocks(toy, make(high), start="2025-01", periods=12)
        assert (harsh.route_capacity <= mild.route_capacity + 1e-12).all()
        assert (harsh.process_capacity <= mild.process_capacity + 1e-12).all()
        assert (harsh.route_capacity >= 0).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_row_order_of_the_network_does_not_matter(toy: Network, shuffled, seed: int) -> None:
    other = shuffled(toy, seed)
    assert other.routes.index.tolist() != toy.routes.index.tolist()
    sc = Scenario(
        "mix",
        [
            ExportControl("CN", ["cam_nmc", "anode_natural"], severity=0.7, start=2, duration=5),
            Outage("DE:cell", 0.4, start=1, duration=3, recovery=2),
            TechnologyControl("CN", "cell"),
            DemandShock("*:cell_nmc", 1.3, start=4, duration=2),
            TradeBan("black_mass", "EU27", "non-OECD", start=6),
        ],
    )
    a = compile_shocks(toy, sc, start="2025-01", periods=12)
    b = compile_shocks(other, sc, start="2025-01", periods=12)
    for arr, labels in (("process_capacity", "processes"), ("route_capacity", "routes"), ("demand", "demands")):
        la, lb = getattr(a, labels), getattr(b, labels)
        order = [lb.get_loc(x) for x in la]
        assert np.array_equal(getattr(a, arr), getattr(b, arr)[:, :, order])
    order = [b.expansions.get_loc(x) for x in a.expansions]
    assert np.array_equal(a.expansion_allowed, b.expansion_allowed[:, order])


# ---------------------------------------------------------------------------- scenarios, horizon
def test_scenario_sets_stack_and_carry_probabilities(toy: Network) -> None:
    s = ScenarioSet(
        [
            Scenario("ban", [ExportControl("CN", "cam_nmc")], probability=0.1),
            Scenario("fire", [Outage("de-cells", 1.0, duration=2)], probability=0.3),
        ],
        baseline=True,
    )
    m = compile_shocks(toy, s, start="2025-01", periods=3)
    assert m.scenarios.tolist() == ["ban", "fire", "baseline"]
    assert np.allclose(m.probability, [0.1, 0.3, 0.6])
    assert (m.route_capacity[2] == 1).all()
    assert (m.process_capacity[2] == 1).all()
    assert route(m, "cn-de-cam", 0).tolist() == [0.0, 0.0, 0.0]


def test_default_start(toy: Network) -> None:
    assert str(default_start(toy, ExportControl("CN", "cam_nmc"))) == "2025-01"  # January after 2024
    dated = Scenario("d", [ExportControl("CN", "cam_nmc", start="2026-03-15"), Outage("de-cells", start="2025-11")])
    assert str(default_start(toy, dated)) == "2025-11"
    assert str(compile_shocks(toy, dated, periods=6).periods[0]) == "2025-11"


def test_shock_running_past_the_end_is_clipped(toy: Network) -> None:
    m = compile_shocks(toy, ExportControl("CN", "cam_nmc", start=10, duration=50), start="2025-01", periods=12)
    assert route(m, "cn-de-cam").tolist() == [1.0] * 10 + [0.0, 0.0]


def test_shock_before_the_horizon(toy: Network) -> None:
    early = ExportControl("CN", "cam_nmc", start="2024-06-01", duration=12)
    with pytest.raises(
        ScenarioError,
        match=r"scenario 'ExportControl', shock 1: The 'start' parameter of ExportControl"
        r" must be on or after the start of the horizon \(2025-01\).*Got '2024-06-01'\.",
    ):
        compile_shocks(toy, early, start="2025-01", periods=12)
    clipped = compile_shocks(toy, early, start="2025-01", periods=12, outside="clip")
    assert route(clipped, "cn-de-cam").tolist() == [0.0] * 5 + [1.0] * 7
    over = ExportControl("CN", "cam_nmc", start="2023-01-01", duration=3)
    assert (
        compile_shocks(toy, Scenario("x", [over, early]), start="2025-01", periods=6, outside="clip").route_capacity[
            0, 0
        ]
        < 1
    ).any()


def test_dropped_shocks_warn_when_nothing_is_touched(toy: Network) -> None:
    with pytest.warns(ScenarioWarning, match="does not touch network 'toy-battery'"):
        m = compile_shocks(toy, ExportControl("ID", "nickel_ore", skip_missing=True), periods=3)
    assert (m.route_capacity == 1).all()


def test_explain_lists_hits_and_skips(canon: Network) -> None:
    sc = Scenario(
        "x",
        [
            ExportControl("CN", ["anode_natural", "cobalt_ore"], severity=0.5, duration=3),
            Outage("FR:cell", skip_missing=True),
        ],
    )
    t = explain(canon, sc, start="2025-01", periods=6)
    hits = t[t["shock"] == 1]
    assert set(hits["item"]) == {"cn-de-anode_natural", "cn-kr-anode_natural"}
    assert set(hits["months"]) == {3.0}
    assert hits["to"].tolist() == ["2025-03", "2025-03"]
    skipped = t[t["shock"] == 2]
    assert skipped["note"].str.contains("'FR' not in network 'canon'").all()
