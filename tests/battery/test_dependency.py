"""Dependency metrics on the toy battery network, checked against hand computations."""

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain.analysis import dependency, hhi, stage_shares, summary, trace_origins
from valuechain.errors import NetworkError


@pytest.fixture(scope="module")
def toy():
    return vc.load_network("toy-battery")


def _metric(d, com, view, metric, upstream=None, origin=None):
    sel = (d["commodity"] == com) & (d["view"] == view) & (d["metric"] == metric)
    if upstream is not None:
        sel &= d["upstream"] == upstream
    if origin is not None:
        sel &= d["origin"] == origin
    return d[sel]


def _shares(d, com, view, upstream=None):
    rows = _metric(d, com, view, "share", upstream)
    return rows.set_index("origin")["value"].to_dict()


def test_hhi_textbook():
    assert hhi([0.5, 0.3, 0.2]) == pytest.approx(3800.0)  # 2500 + 900 + 400
    assert hhi([0.25] * 4) == pytest.approx(2500.0)
    assert hhi(pd.Series({"a": 2.0, "b": 2.0})) == pytest.approx(5000.0)  # normalised first
    assert np.isnan(hhi([]))


def test_direct_view_cathode_by_hand(toy):
    # Germany uses 100 GWh x 1,500 t = 150,000 t of cathode; it makes 50,000 t and imports 100,000 t
    # from China: shares 1/3 and 2/3, HHI (100/3)^2 + (200/3)^2 = 5,555.6.
    d = dependency(toy, "DE", commodities=["cam_nmc"])
    assert _metric(d, "cam_nmc", "direct", "consumption")["value"].item() == pytest.approx(150_000)
    assert _metric(d, "cam_nmc", "direct", "production")["value"].item() == pytest.approx(50_000)
    assert _metric(d, "cam_nmc", "direct", "imports")["value"].item() == pytest.approx(100_000)
    assert _shares(d, "cam_nmc", "direct") == pytest.approx({"CN": 2 / 3, "DE": 1 / 3})
    assert _metric(d, "cam_nmc", "direct", "hhi")["value"].item() == pytest.approx(50_000 / 9)
    top = _metric(d, "cam_nmc", "direct", "top_origin")
    assert (top["origin"].item(), top["value"].item()) == ("CN", pytest.approx(2 / 3))
    assert _metric(d, "cam_nmc", "direct", "domestic_share")["value"].item() == pytest.approx(1 / 3)


def test_group_counts_as_one_origin(toy):
    # EU27 is Germany alone in the toy network: 100 GWh made at home, 100 GWh from China.
    d = dependency(toy, "EU27", commodities=["cell_nmc"])
    assert _shares(d, "cell_nmc", "direct") == pytest.approx({"EU27": 0.5, "CN": 0.5})
    assert _metric(d, "cell_nmc", "direct", "hhi")["value"].item() == pytest.approx(5000.0)
    assert _metric(d, "cell_nmc", "direct", "import_share")["value"].item() == pytest.approx(0.5)


def test_ownership_adjusted_by_hand(toy):
    # The German cathode plant is Belgian-owned (50,000 t), China's is Chinese (100,000 t);
    # both cell plants supplying Germany are Chinese-owned.
    d = dependency(toy, "DE", commodities=["cam_nmc", "cell_nmc"])
    assert _shares(d, "cam_nmc", "owner") == pytest.approx({"BE": 1 / 3, "CN": 2 / 3})
    assert _shares(d, "cell_nmc", "owner") == pytest.approx({"CN": 1.0})
    assert _metric(d, "cell_nmc", "owner", "domestic_share")["value"].item() == 0.0
    assert _shares(d, "cell_nmc", "technology") == pytest.approx({"CN": 1.0})


def test_embedded_lithium_refining_origin_by_hand(toy):
    # German lithium hub: 300 t LCE recovered at home (0.03 x 10,000 t black mass) + 3,700 t from
    # China, so 7.5% German. German cathode (50,000 t, 0.08 t LCE/t) carries 4,000 t LCE of which
    # 300 German; Chinese cathode (100,000 t) carries 8,000 t LCE, all Chinese.
    # German cells (100 GWh) use 150,000 t of the German cathode mix (content per t: 300/150,000
    # German, 11,700/150,000 Chinese) and give the cell output the value share
    # w = 8e7 / (8e7 + 100 t scrap x 500 USD). Chinese cells (100 GWh) carry 120 t LCE/GWh, all Chinese.
    # German share of the lithium in cells used in Germany = 300 w / (300 w + 11,700 w + 12,000).
    w = 8e7 / (8e7 + 100 * 500)
    de = 300 * w / (12_000 * w + 12_000)
    d = dependency(toy, "DE", commodities=["cell_nmc"])
    assert _shares(d, "cell_nmc", "embedded", "lithium_chem") == pytest.approx({"CN": 1 - de, "DE": de}, rel=1e-9)
    content = _metric(d, "cell_nmc", "embedded", "content", "lithium_chem")["value"].item()
    assert content == pytest.approx(60 * (1 + w), rel=1e-9)  # t LCE per GWh
    # All mined lithium comes from Australia.
    assert _shares(d, "cell_nmc", "embedded", "lithium_ore") == pytest.approx({"AU": 1.0})


def test_trace_origins_content(toy):
    e = trace_origins(toy, "lithium_chem")
    assert e.loc["DE:cam_nmc"].sum() == pytest.approx(0.08)
    assert e.loc["DE:cam_nmc", "DE"] == pytest.approx(300 / 150_000)
    assert e.loc["CN:lithium_chem", "CN"] == pytest.approx(1.0)
    owners = trace_origins(toy, "cam_nmc", attribute="owner")
    assert owners.loc["DE:cam_nmc"].to_dict() == pytest.approx({"CN": 2 / 3, "BE": 1 / 3})


def test_bad_input_is_one_line_error(toy):
    with pytest.raises(NetworkError, match="unknown region or group 'EU28'"):
        dependency(toy, "EU28")
    with pytest.raises(NetworkError, match=r"unknown commodity 'cell_nmx'.*closest: cell_nmc"):
        dependency(toy, "DE", commodities=["cell_nmx"])
    with pytest.raises(NetworkError, match="unknown attribute"):
        trace_origins(toy, "cam_nmc", attribute="plant")
    with pytest.raises(NetworkError, match="'measure' parameter"):
        stage_shares(toy, "cam_nmc", measure="output")


def test_shares_sum_to_one_and_balance(toy):
    d = dependency(toy, "DE")
    shares = d[d["metric"] == "share"].groupby(["commodity", "view", "upstream"])["value"].sum()
    assert np.allclose(shares, 1.0)
    for com, g in d[d["view"] == "direct"].groupby("commodity"):
        m = g.set_index("metric")["value"]
        assert m["production"] + m["imports"] - m["exports"] == pytest.approx(m["consumption"], rel=1e-9), com


def test_summary_one_row_per_commodity(toy):
    s = summary(dependency(toy, "DE"))
    assert s.index.is_unique
    assert s.loc["cam_nmc", "top_origin"] == "CN"
    assert s.loc["cam_nmc", "hhi"] == pytest.approx(50_000 / 9)
    assert list(s["stage"]).index("refining") < list(s["stage"]).index("cell")


def test_top_level_export(toy):
    assert vc.dependency is dependency


def test_network_without_baseline_trade():
    # toy-transport states no route flows: Chicago's demand has no baseline supply at all.
    net = vc.load_network("toy-transport", check_balance=False)
    d = dependency(net, "chicago")
    m = d[d["view"] == "direct"].set_index("metric")["value"]
    assert m["consumption"] == pytest.approx(300.0)
    assert m["imports"] == 0.0
    assert np.isnan(m["hhi"])


def test_stage_shares_by_owner_and_unlimited_capacity(toy):
    # Cathode: 1,450,000 t in China (Chinese-owned), 50,000 t in Germany (Belgian-owned).
    s = stage_shares(toy, "cam_nmc", by="owner")
    assert s.to_dict() == pytest.approx({"CN": 1_450_000 / 1_500_000, "BE": 50_000 / 1_500_000})
    assert s.attrs["total"] == pytest.approx(1_500_000)
    b = vc.NetworkBuilder("open")
    b.add_commodity("x", unit="t", stage="product")
    b.add_region("A")
    b.add_process("well", region="A", outputs={"x": 1.0})
    with pytest.raises(NetworkError, match="unlimited capacity"):
        stage_shares(b.build(), "x", measure="capacity")
