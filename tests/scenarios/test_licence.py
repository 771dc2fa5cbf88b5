"""Licence regimes: the monthly profile of an ExportControl with licences, and its compile."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import valuechain as vc
from valuechain.cli import run
from valuechain.errors import ScenarioError
from valuechain.network.model import Network
from valuechain.scenarios import ExportControl, compile_shocks, explain, load_scenarios


def route(arrays, name: str) -> np.ndarray:
    return arrays.route_capacity[0, :, arrays.routes.get_loc(name)]


@pytest.fixture(scope="module")
def leaky() -> Network:
    """China exports anode material to DE and KR; KR also ships anode material to DE."""
    b = vc.NetworkBuilder("leaky", year=2024)
    b.add_commodity("anode_natural", unit="t", stage="active material")
    for r, g in {"CN": None, "KR": "OECD", "DE": "EU27;OECD", "US": "OECD"}.items():
        b.add_region(r, groups=g)
    b.add_process("cn-anode", region="CN", capacity=100, outputs={"anode_natural": 1})
    for o, d in [("CN", "DE"), ("CN", "KR"), ("CN", "US"), ("KR", "DE")]:
        b.add_route(f"{o}-{d}".lower(), "anode_natural", o, d, capacity=50, baseline_flow=10)
    b.add_demand("DE", "anode_natural", quantity=5)
    return b.build(check_balance=False)


# ---------------------------------------------------------------------------- flat equivalence
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    severity=st.floats(0, 1),
    day=st.integers(1, 28),
    month=st.integers(1, 12),
    duration=st.one_of(st.none(), st.floats(0.25, 30)),
    freq=st.sampled_from(["M", "Q", "Y"]),
)
def test_constant_approval_compiles_to_the_flat_control(toy: Network, severity, day, month, duration, freq) -> None:
    # approval 1 - severity, no lag, no announcement: the same route multipliers, bit for bit
    start = f"2025-{month:02d}-{day:02d}"
    flat = ExportControl("CN", ["anode_natural", "cam_nmc"], severity=severity, start=start, duration=duration)
    regime = ExportControl("CN", ["anode_natural", "cam_nmc"], start=start, duration=duration, approval=1.0 - severity)
    assert regime.is_regime
    assert not flat.is_regime
    a = compile_shocks(toy, flat, start="2025-01", periods=24 if freq == "M" else 8 if freq == "Q" else 2, freq=freq)
    b = compile_shocks(toy, regime, start="2025-01", periods=24 if freq == "M" else 8 if freq == "Q" else 2, freq=freq)
    np.testing.assert_array_equal(a.route_capacity, b.route_capacity)
    np.testing.assert_array_equal(a.process_capacity, b.process_capacity)
    np.testing.assert_array_equal(a.demand, b.demand)


def test_a_ban_is_approval_zero(toy: Network) -> None:
    ban = ExportControl("CN", "anode_natural", severity=1.0, start="2025-03-10", duration=4)
    zero = ExportControl("CN", "anode_natural", start="2025-03-10", duration=4, approval=0.0)
    a = compile_shocks(toy, ban, start="2025-01", periods=12)
    b = compile_shocks(toy, zero, start="2025-01", periods=12)
    np.testing.assert_array_equal(a.route_capacity, b.route_capacity)
    # March: the ban covers days 10-31 of 31, so 1 - 22/31 is left
    assert route(a, "cn-de-anode")[2] == pytest.approx(9 / 31)


# ---------------------------------------------------------------------------- the profile
def test_regime_profile_by_destination_hand_computed(leaky: Network) -> None:
    # effective 1 Mar 2025 (month 2); nothing licensed for 1 month (all) or 3 months (US); then
    # 80% approved (all) and 50% (US). Announced 1 Jan (month 0): buyers pull forward 25% a month
    # for 2 months, taken back in Mar and Apr (request 0.75).
    control = ExportControl(
        "CN",
        "anode_natural",
        start="2025-03-01",
        announced="2025-01-01",
        approval={"all": 0.8, "US": 0.5},
        lag={"all": 1, "US": 3},
        front_load=0.25,
    )
    m = compile_shocks(leaky, control, start="2025-01", periods=8)
    # Jan, Feb: 1.25; Mar: approval 0 (lag) x 0.75; Apr: 0.8 x 0.75 = 0.6; then 0.8
    np.testing.assert_allclose(route(m, "cn-de"), [1.25, 1.25, 0, 0.6, 0.8, 0.8, 0.8, 0.8])
    np.testing.assert_allclose(route(m, "cn-kr"), route(m, "cn-de"))
    # US: lag to 1 Jun; Apr: 0 x 0.75; Jun on: 0.5
    np.testing.assert_allclose(route(m, "cn-us"), [1.25, 1.25, 0, 0, 0, 0.5, 0.5, 0.5])
    assert (route(m, "kr-de") == 1).all()
    table = explain(leaky, control, start="2025-01", periods=8)
    us = table[table["item"] == "cn-us"].iloc[0]
    assert us["factor"] == 0.0
    assert us["note"].startswith("licence regime")


def test_storage_caps_the_volume_pulled_forward(leaky: Network) -> None:
    # 50% a month for 2 months would be 1 month of flow; storage holds 0.4 months, so the rate
    # is 0.4 / 2 = 0.2: 1.2 in Jan and Feb, and 1 - 0.2 = 0.8 in Mar and Apr (approval 1)
    control = ExportControl(
        "CN", "anode_natural", start="2025-03-01", announced="2025-01-01", approval=1.0, front_load=0.5, storage=0.4
    )
    m = compile_shocks(leaky, control, start="2025-01", periods=6)
    np.testing.assert_allclose(route(m, "cn-de"), [1.2, 1.2, 0.8, 0.8, 1.0, 1.0])
    # what is pulled forward is taken back: the months add up to the baseline's
    assert route(m, "cn-de").sum() == pytest.approx(6.0)


@pytest.mark.parametrize(
    ("take_back", "expected"),
    [
        # a month's purchases at most are taken back a month: Mar asks 0, Apr 1 - 0.5
        (1.0, [1.0, 2.5, 0.0, 0.5, 1.0, 1.0]),
        (0.5, [1.0, 2.5, 0.25, 1.0, 1.0, 1.0]),  # 0.75 months taken back, all in March
        (0.0, [1.0, 2.5, 1.0, 1.0, 1.0, 1.0]),  # nothing taken back
    ],
)
def test_a_rush_from_a_later_date_and_the_share_taken_back(leaky: Network, take_back, expected) -> None:
    # announced 1 Jan, effective 1 Mar; buyers rush from 1 Feb, pulling 1.5 months of purchases
    # forward in February (a multiplier of 2.5), which no buyer could do at a rate below 1
    control = ExportControl(
        "CN", "anode_natural", start="2025-03-01", announced="2025-01-01", front_from="2025-02-01",
        approval=1.0, front_load=1.5, take_back=take_back,
    )  # fmt: skip
    m = compile_shocks(leaky, control, start="2025-01", periods=6)
    np.testing.assert_allclose(route(m, "cn-de"), expected, atol=1e-12)
    # the months add up to the baseline's plus what is not taken back
    assert route(m, "cn-de").sum() == pytest.approx(6.0 + 1.5 * (1.0 - take_back))


def test_a_rush_needs_no_announcement(leaky: Network) -> None:
    # front_from alone dates the rush: one month at 1 + 0.5, taken back in March (approval 1)
    control = ExportControl(
        "CN", "anode_natural", start="2025-03-01", front_from="2025-02-01", approval=1.0, front_load=0.5
    )
    m = compile_shocks(leaky, control, start="2025-01", periods=5)
    np.testing.assert_allclose(route(m, "cn-de"), [1.0, 1.5, 0.5, 1.0, 1.0], atol=1e-12)
    assert list(control.schedule(3).columns) == ["2025-02", "2025-03", "2025-04"]


def test_a_suspension_covering_the_effective_date_postpones_the_control(leaky: Network) -> None:
    # effective 1 Feb, suspended from 15 Jan to 1 May: the control takes hold on 1 May and the
    # 1-month lag counts from there; a ban afterwards (approval 0)
    control = ExportControl(
        "CN", "anode_natural", start="2025-02-01", approval=0.0, lag=1, suspended=["2025-01-15", "2025-05-01"]
    )
    m = compile_shocks(leaky, control, start="2025-01", periods=7)
    np.testing.assert_allclose(route(m, "cn-de"), [1, 1, 1, 1, 0, 0, 0])


def test_a_suspension_in_the_middle_lifts_the_control(leaky: Network) -> None:
    # 60% approved from Jan; lifted 16 Mar (day 16 of 31: 15/31 of March in force) to 1 May
    control = ExportControl(
        "CN", "anode_natural", start="2025-01-01", approval=0.6, suspended=["2025-03-16", "2025-05-01"]
    )
    m = compile_shocks(leaky, control, start="2025-01", periods=6)
    march = 1 - 0.4 * 15 / 31
    np.testing.assert_allclose(route(m, "cn-de"), [0.6, 0.6, march, 1, 0.6, 0.6])


def test_leakage_restores_part_of_the_flow_where_a_third_country_lane_exists(leaky: Network) -> None:
    base = dict(start="2025-01-01", approval=0.1)
    plain = compile_shocks(leaky, ExportControl("CN", "anode_natural", **base), start="2025-01", periods=3)
    leak = ExportControl("CN", "anode_natural", leakage={"via": ["KR"], "cap": 0.25}, **base)
    m = compile_shocks(leaky, leak, start="2025-01", periods=3)
    np.testing.assert_allclose(route(plain, "cn-de"), 0.1)
    # DE can be reached through KR (route kr-de): 0.1 + 0.25; KR and US have no such lane
    np.testing.assert_allclose(route(m, "cn-de"), 0.35)
    np.testing.assert_allclose(route(m, "cn-kr"), 0.1)
    np.testing.assert_allclose(route(m, "cn-us"), 0.1)
    # the cap never lifts a route above 1
    big = ExportControl("CN", "anode_natural", leakage={"via": "KR", "cap": 1.0}, start="2025-01-01", approval=0.5)
    np.testing.assert_allclose(route(compile_shocks(leaky, big, start="2025-01", periods=2), "cn-de"), 1.0)


def test_schedule_shows_approval_by_destination_and_month() -> None:
    c = ExportControl("CN", "natural_graphite", start="2024-01-01", approval={"all": 0.9, "JP": 0.5}, lag={"JP": 2})
    s = c.schedule(4)
    assert list(s.columns) == ["2024-01", "2024-02", "2024-03", "2024-04"]
    np.testing.assert_allclose(s.loc["all"], [0.9, 0.9, 0.9, 0.9])
    np.testing.assert_allclose(s.loc["JP"], [0.0, 0.0, 0.5, 0.5])


def test_default_horizon_starts_at_the_announcement(toy: Network) -> None:
    c = ExportControl("CN", "anode_natural", start="2025-12-01", announced="2025-10-20", approval=0.5)
    assert str(compile_shocks(toy, c, periods=3).periods[0]) == "2025-10"


# ---------------------------------------------------------------------------- bad values and files
@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("approval", 1.2, "a number in [0, 1], or a mapping"),
        ("approval", {"all": "high"}, "a number in [0, 1], or a mapping"),
        ("lag", -1, "a number of months >= 0"),
        ("front_load", -0.5, "a number >= 0 (months of purchases"),
        ("front_from", "after the announcement", "None (from the announcement)"),
        ("take_back", 1.5, "a number in [0, 1] (share of the volume pulled forward"),
        ("storage", "lots", "None (no limit)"),
        ("suspended", ["2025-01-01"], "None or [from, to]"),
        ("leakage", {"via": "KR"}, "None or a mapping {via"),
        ("announced", "soon", "None, a month offset"),
    ],
)
def test_bad_regime_values_are_one_line_errors(tmp_path, field, value, expected) -> None:
    with pytest.raises(ScenarioError, match=f"'{field}' parameter of ExportControl") as e:
        ExportControl("CN", "anode_natural", **{field: value})
    assert expected in str(e.value)
    assert "\n" not in str(e.value)
    import yaml

    f = tmp_path / "s.yaml"
    shock = {"type": "ExportControl", "exporter": "CN", "commodities": "x", field: value}
    f.write_text(yaml.safe_dump({"name": "x", "shocks": [shock]}))
    with pytest.raises(ScenarioError) as e2:
        load_scenarios(f)
    assert str(e2.value).startswith(f"{f}: shocks[1].{field}: expected")


def test_scenario_file_round_trip_and_cli_show(tmp_path, capsys) -> None:
    f = tmp_path / "regime.yaml"
    f.write_text(
        "name: r\nshocks:\n  - type: ExportControl\n    exporter: CN\n    commodities: anode_natural\n"
        '    start: "2025-03-01"\n    announced: "2025-01-01"\n    approval: {all: 0.8, US: 0.5}\n'
        "    lag: {all: 1, US: 3}\n    front_load: 0.25\n"
    )
    (sc,) = load_scenarios(f)
    assert sc.shocks[0].approval == {"all": 0.8, "US": 0.5}
    assert run(["scenarios", "show", str(f), "--periods", "5"]) == 0
    out = capsys.readouterr().out
    assert "route multiplier by destination" in out
    # Mar 2025, US: 0 (lag) x 0.75 (take-back); Apr: 0.8 x 0.75
    line = next(x for x in out.splitlines() if "2025-04" in x)
    assert "0.60" in line
    assert "0.00" in line


def test_the_most_specific_destination_key_wins_whatever_the_order(leaky: Network) -> None:
    # US named on its own beats the group OECD (KR, DE, US), which beats 'all' (KR, DE, US, CN)
    a = {"all": 0.9, "OECD": 0.7, "US": 0.5}
    b = {"US": 0.5, "OECD": 0.7, "all": 0.9}
    for approval in (a, b):
        m = compile_shocks(leaky, ExportControl("CN", "anode_natural", approval=approval), start="2025-01", periods=1)
        assert route(m, "cn-us")[0] == 0.5
        assert route(m, "cn-kr")[0] == 0.7
        assert route(m, "cn-de")[0] == 0.7
    m = compile_shocks(leaky, ExportControl("CN", "anode_natural", approval={"EU27": 0.2, "all": 0.9}), periods=1,
                       start="2025-01")  # fmt: skip
    assert route(m, "cn-de")[0] == pytest.approx(0.2)
    assert route(m, "cn-kr")[0] == 0.9


def test_routes_grouped_by_pair_are_the_routes_asked_for_pair_by_pair() -> None:
    # The licence regime reads the controlled routes once, grouped by (destination, commodity);
    # each group must be what asking for that one pair gives, on the bundled network.
    from valuechain.scenarios._select import Resolver

    net = vc.load_network("global-li-ion-2024")
    res = Resolver(net, "ExportControl", skip_missing=False)
    coms = {"graphite_natural", "anode_natural", "anode_synthetic", "lithium_hydroxide", "cell_lfp"}
    exporters = res.regions("CN", "exporter")
    dests = res.regions("all", "destinations")
    grouped = res.routes_by_pair(coms, exporters, dests)
    pairs = {(d, c) for d in dests for c in coms if len(res.routes({c}, exporters, {d}))}
    assert set(grouped) == pairs
    assert len(pairs) > 10
    for (d, c), pos in grouped.items():
        np.testing.assert_array_equal(pos, res.routes({c}, exporters, {d}))
    every = np.sort(np.concatenate(list(grouped.values())))
    np.testing.assert_array_equal(every, res.routes(coms, exporters, dests))
    r = net.routes.iloc[every]
    assert (r["origin"] == "CN").all()
    assert (r["destination"] != "CN").all()
