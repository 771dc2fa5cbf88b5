"""Hindcast: simulated monthly flows against a generated observed series, and bad observed files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain.analysis.hindcast import hindcast, read_observed, series_measures
from valuechain.cli import run
from valuechain.errors import ValueChainError
from valuechain.network.model import Network
from valuechain.scenarios import ExportControl, Scenario

# toy-battery: route cn-de-anode carries 100,000 t of anode_natural a year, 100000 / 12 a month
MONTHLY = 100_000 / 12
# observed shape (share of the monthly level): flat, a 90 % collapse in March, recovery by May
SHAPE = [1.0, 1.0, 0.1, 0.5, 0.85, 1.0]
HEADER = "period,exporter,partner,commodity,quantity,unit\n"


@pytest.fixture(scope="module")
def toy() -> Network:
    return vc.load_network("toy-battery")


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    # licences from 1 Mar 2025: nothing for one month, then 90 % approved -> [1, 1, 0, .9, .9, .9]
    return Scenario("toy-licences", [ExportControl("CN", "anode_natural", start="2025-03-01", approval=0.9, lag=1)])


def write_observed(path: Path, unit: str = "kg", scale: float = 1000.0) -> Path:
    months = pd.period_range("2025-01", periods=len(SHAPE), freq="M")
    lines = [f"{m},CN,DE,anode_natural,{MONTHLY * s * scale:.6f},{unit}" for m, s in zip(months, SHAPE, strict=True)]
    path.write_text(HEADER + "\n".join(lines) + "\n")
    return path


def test_hindcast_on_a_generated_series(toy, scenario, tmp_path) -> None:
    obs = write_observed(tmp_path / "obs.csv")  # in kg: converted to the network's t
    assert vc.hindcast is hindcast
    h = vc.hindcast(toy, scenario, obs)
    r = h.measures.loc[("anode_natural", "CN", "DE")]
    # levels: the mean of Jan and Feb (before the episode month, March), per month
    assert r["level_before_obs"] == pytest.approx(MONTHLY)
    assert r["level_before_sim"] == pytest.approx(MONTHLY)
    # observed: 1 - 0.1 = 0.9; back to 80 % (0.85) in May, 2 months after March
    assert r["collapse_obs"] == pytest.approx(0.9)
    assert r["recovery_months_obs"] == 2
    # simulated: nothing approved in March (collapse 1), 0.9 >= 0.8 from April (1 month)
    assert r["collapse_sim"] == pytest.approx(1.0)
    assert r["recovery_months_sim"] == 1
    # |sim - obs| / obs by month: 0, 0, |0 - .1|/.1 = 1, |.9 - .5|/.5 = .8, |.9 - .85|/.85 = 1/17,
    # |.9 - 1|/1 = .1; mean = (1.9 + 1/17) / 6
    assert r["mape_pct"] == pytest.approx(100 * (1.9 + 1 / 17) / 6)
    sim = h.series["simulated"].to_numpy()
    np.testing.assert_allclose(sim, MONTHLY * np.array([1, 1, 0, 0.9, 0.9, 0.9]))


def test_partner_all_and_groups_add_up_routes(toy, scenario, tmp_path) -> None:
    # 'all' and 'EU27' from CN: every anode_natural route out of China (only cn-de-anode in the toy)
    months = pd.period_range("2025-01", periods=3, freq="M")
    rows = [f"{m},CN,{p},anode_natural,{MONTHLY / 1000:.9f},kt" for m in months for p in ("all", "EU27")]
    f = tmp_path / "obs.csv"
    f.write_text(HEADER + "\n".join(rows) + "\n")
    h = hindcast(toy, scenario, f)
    assert set(h.measures.index.get_level_values("partner")) == {"all", "EU27"}
    for par in ("all", "EU27"):
        r = h.measures.loc[("anode_natural", "CN", par)]
        assert r["level_before_obs"] == pytest.approx(MONTHLY)
        assert r["collapse_sim"] == pytest.approx(1.0)


def test_series_measures_never_recovering_is_nan() -> None:
    idx = pd.period_range("2024-01", periods=4, freq="M")
    m = series_measures(pd.Series([10.0, 10.0, 2.0, 5.0], index=idx), idx[2], idx[2])
    assert m["collapse"] == pytest.approx(0.8)
    assert math.isnan(m["recovery_months"])


def test_cli_prints_the_measures_and_writes_the_png(toy, tmp_path, capsys) -> None:
    obs = write_observed(tmp_path / "obs.csv", unit="t", scale=1.0)
    sc = tmp_path / "sc.yaml"
    sc.write_text(
        "name: toy-licences\nshocks:\n  - {type: ExportControl, exporter: CN, commodities: anode_natural, "
        'start: "2025-03-01", approval: 0.9, lag: 1}\n'
    )
    png = tmp_path / "out" / "h.png"
    assert run(["hindcast", "toy-battery", "--scenario", str(sc), "--observed", str(obs), "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "collapse        observed 90 %  simulated 100 %" in out
    assert "MAPE            32.6 %" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in png.parent.iterdir()] == ["h.png"]  # no temporary file left behind


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("period,exporter,partner,commodity\n2025-01,CN,DE,anode_natural\n", "missing column 'quantity'"),
        (HEADER + "2025-13,CN,DE,anode_natural,5,t\n", "row 1: period: expected a month YYYY-MM, got '2025-13'"),
        (HEADER + "2025-01,CN,DE,anode_natural,5,t\n2025/02,CN,DE,anode_natural,5,t\n", "row 2: period: expected"),
        (HEADER + "2025-01,XX,DE,anode_natural,5,t\n", "row 1: exporter: expected a region or group"),
        (HEADER + "2025-01,CN,Germany,anode_natural,5,t\n", "row 1: partner: expected 'all', a region or a group"),
        (HEADER + "2025-01,CN,DE,graphite,5,t\n", "row 1: commodity: expected a commodity of network"),
        (HEADER + "2025-01,CN,DE,anode_natural,-5,t\n", "row 1: quantity: expected a number >= 0, got '-5'"),
        (HEADER + "2025-01,CN,DE,anode_natural,lots,t\n", "row 1: quantity: expected a number >= 0, got 'lots'"),
        (HEADER + "2025-01,CN,DE,anode_natural,5,GWh\n", "row 1: unit: expected the unit of anode_natural"),
        (HEADER + "2025-01,CN,DE,anode_natural,5,lb\n", "row 1: unit: expected the unit of anode_natural"),
        (HEADER + "2025-01,CN,DE,anode_natural,5,t\n2025-01,CN,DE,anode_natural,6,t\n", "row 2: period: the same"),
        (HEADER, "no rows"),
        ("", "not a readable CSV file"),
        (HEADER + '2025-01,CN,DE,"anode_natural,5,t\n', "not a readable CSV file"),
    ],
)
def test_malformed_observed_files_are_one_line_errors(toy, tmp_path, text, message) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(text)
    with pytest.raises(ValueChainError) as e:
        read_observed(f, toy)
    assert str(e.value).startswith(f"{f}: ")
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_cli_bad_observed_file_exits_1_with_one_line(tmp_path, capsys) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(HEADER + "2025-01,CN,DE,anode_natural,5,lb\n")
    assert run(["hindcast", "toy-battery", "--scenario", "cn-graphite-2023", "--observed", str(f)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {f}: row 1: unit:")
    assert "\n" not in err
    assert (
        run(["hindcast", "toy-battery", "--scenario", "cn-graphite-2023", "--observed", str(tmp_path / "no.csv")]) == 1
    )
    assert "no such observed series" in capsys.readouterr().err


def test_the_default_mode_shows_the_2023_graphite_rush_that_pro_rata_cannot() -> None:
    # China's natural-graphite exports against the record: in re-sourcing mode (the default)
    # China's mines ship what they can of the November rush the regime asks for (3.28 times the
    # level): their spare capacity of a month, above the level's flow; pro rata every hub shares
    # what it has, China spares nothing, and November stays at the level.
    net = vc.load_network("global-li-ion-2024")
    mine = net.processes.loc["cn-natural_graphite"]
    spare = (float(mine["capacity"]) - float(mine["baseline_activity"])) / 12
    obs = Path(__file__).resolve().parents[2] / "networks/global-li-ion-2024/inputs/cn_graphite_exports_monthly.csv"
    months = {}
    for mode in ("default", "pro-rata"):
        h = (
            hindcast(net, "cn-graphite-2023", obs)
            if mode == "default"
            else hindcast(net, "cn-graphite-2023", obs, mode=mode)
        )
        s = h.series[(h.series["commodity"] == "natural_graphite") & (h.series["partner"] == "all")]
        sim = s.set_index(s["period"].astype(str))["simulated"]
        level = sim.loc["2023-04":"2023-09"].mean()
        months[mode] = sim / level
    assert 1 + spare / level < 3.28
    assert months["default"]["2023-11"] == pytest.approx(1 + spare / level, rel=1e-6)
    assert months["default"]["2023-12"] == pytest.approx(0.3, rel=1e-6)
    assert months["pro-rata"]["2023-11"] == pytest.approx(1.0, rel=1e-6)


def test_with_the_exporters_stock_the_2023_graphite_rush_is_the_one_the_regime_asks() -> None:
    # Letting China's hub of natural graphite ship from its stock (rush_from_stock=1) for what its
    # mines' spare capacity cannot give, November is the 3.28 times the level the regime asks (the
    # record: 40,520 t against a level of 12,370 t), and the months after are unchanged. The
    # monthly error falls with it, because November no longer falls short of the record.
    net = vc.load_network("global-li-ion-2024")
    obs = Path(__file__).resolve().parents[2] / "networks/global-li-ion-2024/inputs/cn_graphite_exports_monthly.csv"
    runs = {r: hindcast(net, "cn-graphite-2023", obs, rush_from_stock=r) for r in (0.0, 1.0)}
    ratio = {}
    for r, h in runs.items():
        s = h.series[(h.series["commodity"] == "natural_graphite") & (h.series["partner"] == "all")]
        sim = s.set_index(s["period"].astype(str))["simulated"]
        ratio[r] = sim / sim.loc["2023-04":"2023-09"].mean()
    assert ratio[0.0]["2023-11"] < 3.28 - 0.5
    assert ratio[1.0]["2023-11"] == pytest.approx(3.28, rel=1e-6)
    after = [str(p) for p in pd.period_range("2023-12", "2024-12", freq="M")]
    np.testing.assert_allclose(ratio[1.0][after].to_numpy(), ratio[0.0][after].to_numpy(), rtol=1e-9)
    mape = {r: h.measures.loc[("natural_graphite", "CN", "all"), "mape_pct"] for r, h in runs.items()}
    assert mape[1.0] < mape[0.0]


@pytest.mark.parametrize("value", [-1.0, 2, "half"])
def test_a_bad_rush_from_stock_is_refused_by_the_hindcast(toy, scenario, tmp_path, value) -> None:
    from valuechain.errors import ScenarioError

    obs = pd.DataFrame({"period": pd.period_range("2025-01", periods=2, freq="M"), "exporter": "CN",
                        "partner": "DE", "commodity": "anode_natural", "quantity": 1.0})  # fmt: skip
    with pytest.raises(ScenarioError, match=r"rush_from_stock. parameter of hindcast must be a number in \[0, 1\]"):
        hindcast(toy, scenario, obs, rush_from_stock=value)
