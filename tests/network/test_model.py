"""The network model: loading, saving, building from code, the graph view."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import valuechain as vc
from valuechain import NetworkBuilder, NetworkError
from valuechain.network import TABLES, baseline_imbalance, hub_id, schema_frame, schema_markdown
from valuechain.network.summary import commodity_totals


@pytest.mark.parametrize("name", ["toy-transport", "toy-battery"])
def test_load_save_load_is_identical(name: str, tmp_path: Path) -> None:
    net = vc.load_network(name)
    again = vc.load_network(net.save(tmp_path / name))
    assert net.equals(again)
    assert (
        again.save(tmp_path / "second").joinpath("processes.csv").read_text()
        == (tmp_path / name / "processes.csv").read_text()
    )


def test_equals_sees_a_changed_value(tmp_path: Path) -> None:
    net = vc.load_network("toy-transport")
    folder = net.save(tmp_path / "t")
    text = (folder / "demand.csv").read_text().replace("325", "326")
    (folder / "demand.csv").write_text(text)
    assert not net.equals(vc.load_network(folder))


def test_toy_transport_tables_are_typed_and_indexed() -> None:
    net = vc.load_network("toy-transport")
    assert net.processes.index.name == "id"
    assert net.processes["capacity"].to_dict() == {"seattle-plant": 350.0, "san-diego-plant": 600.0}
    assert net.demand["quantity"].sum() == 900.0
    assert net.routes.loc["san-diego-topeka", "cost"] == pytest.approx(90 * 1.4 / 1000)
    assert math.isinf(net.routes.loc["seattle-chicago", "capacity"])
    # owner and technology origin default to the region
    assert (net.processes["owner"] == net.processes["region"]).all()
    assert (net.processes["technology_origin"] == net.processes["owner"]).all()


def test_toy_battery_baseline_balances_everywhere() -> None:
    net = vc.load_network("toy-battery")
    bal = baseline_imbalance(net.tables)
    assert bal["imbalance"].abs().max() < 1e-6
    # the recycling loop is a real cycle of the graph
    assert not nx.is_directed_acyclic_graph(net.graph)
    assert net.groups == {"OECD": ["AU", "DE"], "EU27": ["DE"]}
    assert net.members("EU27") == ["DE"]
    assert net.members("all") == ["AU", "CN", "DE"]


def test_members_of_unknown_group_suggests() -> None:
    net = vc.load_network("toy-battery")
    with pytest.raises(NetworkError, match=r"unknown region or group 'EU28'.*closest: EU27"):
        net.members("EU28")


def test_graph_view_has_hubs_processes_and_routes() -> None:
    net = vc.load_network("toy-transport")
    g = net.graph
    hubs = [n for n, d in g.nodes(data=True) if d["kind"] == "hub"]
    procs = [n for n, d in g.nodes(data=True) if d["kind"] == "process"]
    assert sorted(hubs) == sorted(net.hub_ids)
    assert sorted(procs) == ["san-diego-plant", "seattle-plant"]
    routes = [(u, v, k) for u, v, k, d in g.edges(keys=True, data=True) if d["kind"] == "route"]
    assert len(routes) == len(net.routes)
    assert g.edges[hub_id("seattle", "cases"), hub_id("topeka", "cases"), "seattle-topeka"]["cost"] == pytest.approx(
        0.162
    )
    assert g.edges["seattle-plant", "seattle:cases", "out:cases"]["coefficient"] == 1.0


def test_analysis_does_not_mutate_tables() -> None:
    net = vc.load_network("toy-battery")
    before = {t: net.tables[t].copy() for t in TABLES}
    commodity_totals(net)
    baseline_imbalance(net.tables)
    _ = net.graph
    for t in TABLES:
        pd.testing.assert_frame_equal(before[t], net.tables[t])


def test_builder_matches_the_files() -> None:
    b = NetworkBuilder("toy-transport", year=1963, units={"currency": "k$"})
    b.add_commodity("cases", unit="case", stage="product")
    dist = {
        ("seattle", "new-york"): 2.5,
        ("seattle", "chicago"): 1.7,
        ("seattle", "topeka"): 1.8,
        ("san-diego", "new-york"): 2.5,
        ("san-diego", "chicago"): 1.8,
        ("san-diego", "topeka"): 1.4,
    }
    for r in ["seattle", "san-diego", "new-york", "chicago", "topeka"]:
        b.add_region(r)
    b.add_process("seattle-plant", region="seattle", capacity=350, outputs={"cases": 1})
    b.add_process("san-diego-plant", region="san-diego", capacity=600, outputs={"cases": 1})
    for (o, d), miles in dist.items():
        b.add_route(f"{o}-{d}", "cases", o, d, cost=round(90 * miles / 1000, 6))
    for r, q in [("new-york", 325), ("chicago", 300), ("topeka", 275)]:
        b.add_demand(r, "cases", quantity=q)
    built = b.build()
    filed = vc.load_network("toy-transport")
    for t in ("processes", "recipes", "routes", "demand"):
        cols = ["capacity"] if t == "processes" else None
        left, right = built.tables[t], filed.tables[t]
        if cols:
            left, right = left[cols], right[cols]
        elif t != "recipes":
            left, right = left.drop(columns="source"), right.drop(columns="source")
        else:
            left, right = left.drop(columns="source"), right.drop(columns="source")
        pd.testing.assert_frame_equal(left.sort_index(), right.sort_index())
    assert sorted(built.hub_ids) == sorted(filed.hub_ids)


def test_builder_validates_like_files() -> None:
    b = NetworkBuilder("bad")
    b.add_commodity("x", unit="t", stage="mining")
    b.add_region("A")
    b.add_process("p", region="A", capacity=-1, outputs={"x": 1})
    with pytest.raises(
        NetworkError, match=r"processes \(builder\), row 1 \(id 'p'\), field 'capacity': expected a finite number >= 0"
    ):
        b.build()


def test_from_frames_reports_dataframe_rows() -> None:
    net = vc.load_network("toy-transport")
    tables = {t: net.tables[t] for t in TABLES}
    demand = tables["demand"].copy()
    demand.loc[1, "quantity"] = float("nan")
    tables["demand"] = demand
    with pytest.raises(NetworkError, match=r"demand \(DataFrame\), row 2, field 'quantity': expected a finite number"):
        vc.Network.from_frames("t", tables)


def test_unknown_period_is_rejected() -> None:
    net = vc.load_network("toy-transport")
    with pytest.raises(NetworkError, match="unknown period 'fortnight'"):
        vc.Network.from_frames("t", dict(net.tables), period="fortnight")


def test_schema_is_data_and_documents_every_field() -> None:
    schema = schema_frame()
    assert set(schema["table"]) == set(TABLES)
    doc = schema_markdown()
    for table, field in zip(schema["table"], schema["field"], strict=True):
        assert f"`{table}.csv`" in doc
        assert f"| {field} |" in doc


def test_commodity_totals_of_toy_battery() -> None:
    tot = commodity_totals(vc.load_network("toy-battery"))
    assert tot.loc["cell_nmc", "production"] == 1000.0
    assert tot.loc["cell_nmc", "demand"] == 1000.0
    assert tot.loc["cell_nmc", "capacity"] == 1350.0
    assert tot.loc["lithium_chem", "production"] == pytest.approx(119400 + 300 + 300)


def test_notebook_display_lists_tables_and_stages() -> None:
    html = vc.load_network("toy-battery")._repr_html_()
    assert "<td>processes</td><td>12</td>" in html
    assert "Stages: mining, refining, active material, cell, end-of-life, black mass" in html
