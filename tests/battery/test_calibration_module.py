"""Calibration targets and provenance counts on a small network computed by hand, and their commands."""

import pandas as pd
import pytest

from valuechain.cli import run
from valuechain.errors import NetworkError
from valuechain.network import NetworkBuilder, save_network
from valuechain.network.calibration import calibration_report, read_targets
from valuechain.network.model import Network
from valuechain.network.provenance import derivation_kind, figure_provenance, provenance_counts, source_kind

HEADER = "id,description,kind,commodities,measure,region,partner,basis,made_from,target,tolerance,lo,hi,source,source_value\n"


def small_network():
    # A mine in A (80 of 100 t/yr, Pub source P1) and one in B (20 of 50 t/yr, owned by A, an
    # assumption A-b) ship x to C, which turns 1 t of x into 1 unit of y for a final demand of 100.
    b = NetworkBuilder("small", year=2024)
    b.add_source("P1", "A published figure")
    b.add_source("D-a", "A derivation")
    b.add_source("A-b", "An assumption", confidence="assumption")
    b.add_commodity("x", unit="t", stage="mining")
    b.add_commodity("y", unit="GWh", stage="cell")
    b.add_region("A")
    b.add_region("B", groups="G")
    b.add_region("C", groups="G")
    b.add_process("a-mine", region="A", outputs={"x": 1.0}, capacity=100.0, baseline_activity=80.0, owner="A",
                  source="P1")  # fmt: skip
    b.add_process("b-mine", region="B", outputs={"x": 1.0}, capacity=50.0, baseline_activity=20.0, owner="A",
                  source="A-b")  # fmt: skip
    b.add_process("c-cell", region="C", inputs={"x": 1.0}, outputs={"y": 1.0}, capacity=100.0,
                  baseline_activity=100.0, owner="C", source="D-a")  # fmt: skip
    b.add_route("x-ac", "x", "A", "C", baseline_flow=80.0, source="D-a")
    b.add_route("x-bc", "x", "B", "C", baseline_flow=20.0, cost=5.0, source="A-b")
    b.add_demand("C", "y", quantity=100.0, source="P1")
    return b.build()


TARGET_ROWS = [
    # A's share of x output: 80 / 100 = 0.8 (target 0.8 +- 3 pp: pass).
    "a-share,,share,x,production,A,,,,0.8,0.03,,,P1,80 %",
    # G's (B and C) share of x capacity: 50 / 150 = 0.333 against 0.5 +- 3 pp: fails by 16.7 pp.
    "g-capacity,,share,x,capacity,G,,,,0.5,0.03,,,P1,50 %",
    # C's imports of x from A: 80 / (80 + 20) = 0.8, inside the band 0.7-0.9.
    "c-from-a,,import_share,x,production,C,A,extra,,,,0.7,0.9,D-a,80 %",
    # A's exports to C over everything A makes: 80 / 80 = 1.
    "a-to-c,,export_share,x,production,A,C,total,,1.0,0.05,,,D-a,all",
    # G's output of x is all in plants owned by A (B's mine): 20 / 20 = 1.
    "g-owned,,ownership_share,x,production,G,A,,,1.0,0.05,,,A-b,all",
    # A owns 80 + 20 = 100 t of output; against 110 +- 10 %: 100 / 110 - 1 = -9.1 %, a pass.
    "a-owns,,ownership_total,x,production,,A,,,110,0.10,,,A-b,110 t",
    # Final demand for y: 100.
    "y-demand,,total,y,demand,,,,,100,0.10,,,P1,100",
]


@pytest.fixture
def folder(tmp_path):
    save_network(small_network(), tmp_path / "small")
    (tmp_path / "small" / "calibration_targets.csv").write_text(HEADER + "\n".join(TARGET_ROWS) + "\n", "utf-8")
    return tmp_path / "small"


def test_calibration_values_by_hand(folder):
    net = small_network()
    rep = calibration_report(net, read_targets(folder / "calibration_targets.csv")).set_index("id")
    expected = {"a-share": 0.8, "g-capacity": 50 / 150, "c-from-a": 0.8, "a-to-c": 1.0, "g-owned": 1.0,
                "a-owns": 100.0, "y-demand": 100.0}  # fmt: skip
    for tid, v in expected.items():
        assert rep.at[tid, "network"] == pytest.approx(v), tid
    assert rep.at["g-capacity", "difference"] == pytest.approx(50 / 150 - 0.5)
    assert rep.at["a-owns", "difference"] == pytest.approx(100 / 110 - 1)
    assert rep.at["c-from-a", "difference"] == 0.0  # inside its band
    assert list(rep.index[~rep["passed"]]) == ["g-capacity"]


def test_calibration_command_exits_1_on_a_failed_target(folder, capsys):
    assert run(["networks", "calibration", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "6 of 7 targets pass" in out
    assert "FAIL" in out


def test_bad_targets_file_gives_one_line_errors(folder, capsys):
    path = folder / "calibration_targets.csv"
    path.write_text(HEADER + "bad,,shares,x,production,A,,,,0.8,0.03,,,P1,80 %\n", "utf-8")
    with pytest.raises(NetworkError, match=r"calibration_targets.csv row 2 \(bad\): kind 'shares'"):
        read_targets(path)
    path.write_text(HEADER + "bad,,share,x,production,A,,,,eighty,0.03,,,P1,80 %\n", "utf-8")
    with pytest.raises(NetworkError, match="row 2: field 'target' is 'eighty'; expected a number"):
        read_targets(path)
    path.unlink()
    assert run(["networks", "calibration", str(folder)]) == 1
    assert "no calibration targets" in capsys.readouterr().err


def test_provenance_counts_by_hand(capsys, folder):
    # Non-zero figures: a-mine capacity and activity (P1: direct, mining); b-mine the same (A-b:
    # assumption, mining); c-cell the same (D-a: derived, cell); route x-ac its flow (derived, mining),
    # x-bc its flow and cost (assumption, mining); the demand's quantity (direct, cell); the cell plant's
    # one t of x per unit of y (unsourced). Each process's output coefficient of 1 defines its unit of
    # activity and is not a figure.
    net = small_network()
    c = provenance_counts(net)
    assert c.at["mining", "direct"] == 2
    assert c.at["mining", "assumption"] == 4
    assert c.at["mining", "derived"] == 1
    assert c.at["cell", "derived"] == 2
    assert c.at["cell", "direct"] == 1
    assert c.at["total", "unsourced"] == 1
    assert c.at["cell", "unsourced"] == 1
    assert c.at["total", "total"] == 11
    figs = figure_provenance(net)
    assert set(figs.loc[figs["row"] == "x-bc", "field"]) == {"baseline_flow", "cost"}
    assert run(["networks", "provenance", str(folder)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "of 11 non-zero figures" in out
    assert "0 figures are named in the derivations table" in out


def test_provenance_per_figure_from_the_derivations_table():
    # The same network with four figures named in a derivations table:
    # a-mine's capacity from P1 and A-b (mixed: derived), x-bc's cost from A-b only (assumption, as its
    # row), the demand C/y from P1 only and c-cell's activity from P1 only (derived from direct).
    net = small_network()
    tables = dict(net.tables)
    tables["derivations"] = pd.DataFrame(
        [
            ("processes", "a-mine", "capacity", "output / utilisation", "P1;A-b", "D-a"),
            ("routes", "x-bc", "cost", "freight", "A-b", ""),
            ("demand", "C/y", "quantity", "as published", "P1", ""),
            ("processes", "c-cell", "baseline_activity", "from the demand", "P1", "D-a"),
        ],
        columns=["table", "row", "field", "method", "inputs", "source"],
    )
    net2 = Network.from_frames("small", tables, year=2024)
    c = provenance_counts(net2)
    # mining: a-mine activity stays direct (2 -> 1), its capacity becomes derived (1 -> 2).
    assert c.at["mining", "direct"] == 1
    assert c.at["mining", "derived"] == 2
    assert c.at["mining", "assumption"] == 4
    # cell: the demand (direct) and c-cell's activity (derived) become derived from direct; c-cell's
    # capacity stays derived: direct 0, derived from direct 2, derived 1.
    assert c.at["cell", "direct"] == 0
    assert c.at["cell", "derived from direct"] == 2
    assert c.at["cell", "derived"] == 1
    assert c.at["total", "total"] == 11
    assert int(figure_provenance(net2)["per_figure"].sum()) == 4
    assert derivation_kind("P1;T2") == "derived from direct"
    assert derivation_kind("A-b;D-a") == "derived"
    # An input that is not a source of the network is a one-line error naming the table, row and field.
    tables["derivations"].loc[1, "inputs"] = "A-c"
    with pytest.raises(NetworkError, match=r"derivations.*row 2.*'inputs'.*unknown source 'A-c'"):
        Network.from_frames("small", tables, year=2024)


def test_source_kind():
    assert source_kind("W001") == "direct"
    assert source_kind("T136") == "direct"
    assert source_kind("D-trade") == "derived"
    assert source_kind("A-stocks") == "assumption"
    assert source_kind("") == "unsourced"
    assert source_kind("Pxyz") == "other"
