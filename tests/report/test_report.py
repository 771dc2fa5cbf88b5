"""The HTML report assembly and the flow Sankey."""

from __future__ import annotations

import base64
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest

import valuechain as vc
from valuechain.report.html import Report
from valuechain.report.sankey import commodity_weights, flow_links, flow_sankey


@pytest.fixture(scope="module")
def net() -> vc.Network:
    return vc.load_network("toy-battery")


def test_links_conserve_demand_and_trade(net: vc.Network) -> None:
    links, unit = flow_links(net, basis="value", regions=8)
    assert unit == "USD"
    value = net.commodities["value"]
    demand = links[links["stage"] == "demand"]["value"].sum()
    assert demand == pytest.approx((net.demand["quantity"] * value.loc[net.demand["commodity"]].to_numpy()).sum())
    routes = net.routes
    trade = (routes["baseline_flow"] * value.loc[routes["commodity"]].to_numpy()).sum()
    cross = links[links["source"].str.split(" · ").str[0] == links["target"].str.split(" · ").str[0]]
    assert cross["value"].sum() == pytest.approx(trade)


def test_process_links_carry_the_value_of_inputs(net: vc.Network) -> None:
    links, _ = flow_links(net, basis="value")
    into_cells_cn = links[links["target"] == "Li-ion cells (NMC) · CN"]
    into_cells_cn = into_cells_cn[~into_cells_cn["source"].str.startswith("Li-ion")]
    # 900 GWh of cells use 1500 t CAM (15,000 USD/t) and 1000 t anode (4,000 USD/t) per GWh
    assert into_cells_cn["value"].sum() == pytest.approx(900 * (1500 * 15000 + 1000 * 4000))


def test_changing_activity_changes_the_links(net: vc.Network) -> None:
    act = net.baseline_activity.copy()
    act["cn-cells"] = 0.0
    links, _ = flow_links(net, activity=act, basis="value")
    assert not (links["target"] == "Li-ion cells (NMC) · CN").any()


def test_cell_equivalent_weights_make_cells_one(net: vc.Network) -> None:
    w, unit = commodity_weights(net, "cell-equivalent")
    assert w["cell_nmc"] == 1.0
    assert unit.startswith("GWh")
    # 1,500,000 t of CAM made for 1,000 GWh of cells: 1 t of CAM supports 1/1500 GWh
    assert w["cam_nmc"] == pytest.approx(1 / 1500)


def test_regions_outside_the_top_are_grouped(net: vc.Network) -> None:
    links, _ = flow_links(net, regions=1)
    nodes = set(links["source"]) | set(links["target"])
    assert any(n.endswith("· EU (other)") for n in nodes)
    assert any(n.endswith("· Other") for n in nodes)


def test_report_is_self_contained(tmp_path: Path, net: vc.Network) -> None:
    r = Report("Toy report", subtitle="toy-battery")
    r.add_heading("Flows")
    r.add_text("Baseline flows by **stage**.\n\nSecond paragraph <with> markup.")
    r.add_figure(flow_sankey(net), "Sankey")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    assert r.add_figure(fig, "A line", caption="falls") == "a-line.png"
    plt.close(fig)
    r.add_table(pd.DataFrame({"x": [1.23456789]}, index=["a"]), "Numbers")
    out = r.write(tmp_path / "out" / "report.html")
    text = out.read_text("utf-8")
    assert text.count("<script") == 3  # the print hook, plotly.js once, one figure
    assert "<b>stage</b>" in text
    assert "&lt;with&gt;" in text
    assert "1.235" in text
    png = (tmp_path / "out" / "a-line.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert base64.b64encode(png).decode() in text
