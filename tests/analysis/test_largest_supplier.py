"""The largest-supplier test (IEA GCMO 2025 N-1 method) on a toy network and on the global network."""

from pathlib import Path

import pandas as pd
import pytest

import valuechain as vc
from valuechain.analysis.largest_supplier import (
    compare,
    largest_supplier,
    pipeline_additions,
    read_published,
)
from valuechain.cli import run
from valuechain.errors import ValueChainError
from valuechain.network import find_network


def _toy(growth: float = 0.0, rest: float = 10.0) -> vc.Network:
    """Three mines of ore, 50, 30 and 20 t/yr in A, B and C, and the rest of the world (RoW) with ``rest``.

    One refinery in D turns 1 t of ore into 1 t of metal and runs at 100 t/yr; metal demand is 100 t
    (growing at ``growth`` a year), so ore demand is 100 t.
    """
    b = vc.NetworkBuilder("three-suppliers", year=2024)
    b.add_commodity("ore", unit="t", stage="mining")
    b.add_commodity("metal", unit="t", stage="refining")
    for r in ("A", "B", "C", "D", "RoW"):
        b.add_region(r)
    mines = {"A": 50.0, "B": 30.0, "C": 20.0} | ({"RoW": rest} if rest > 0 else {})
    world = sum(mines.values())
    for r, cap in mines.items():
        b.add_process(f"mine-{r}", region=r, capacity=cap, baseline_activity=cap * 100 / world, outputs={"ore": 1.0})
        b.add_route(f"ore-{r}-D", "ore", r, "D")
    b.add_process(
        "refinery", region="D", capacity=100.0, baseline_activity=100.0, inputs={"ore": 1.0}, outputs={"metal": 1.0}
    )
    b.add_demand("D", "metal", quantity=100.0, growth=growth)
    return b.build(check_balance=False)


def _projects(rows: list[dict[str, object]]) -> pd.DataFrame:
    cols = [
        "commodity",
        "region",
        "status",
        "capacity_2024",
        "capacity_2025",
        "capacity_2027",
        "capacity_2030",
        "process",
    ]
    df = pd.DataFrame(rows).set_index("id")
    for c in cols:
        if c not in df.columns:
            df[c] = float("nan") if c.startswith("capacity") else ""
    return df


def test_three_suppliers_fifty_thirty_twenty():
    # Suppliers of 50, 30 and 20 t against demand of 100 t: without A, (30 + 20) / 100 = 50 %.
    ore = largest_supplier(_toy(rest=0.0)).loc["ore"]
    assert (ore["top"], ore["coverage"]) == ("A", pytest.approx(0.50))


def test_three_suppliers_and_the_rest_of_the_world():
    t = largest_supplier(_toy())
    ore = t.loc["ore"]
    # World ore capacity 50 + 30 + 20 + 10 = 110 t; the largest country is A (50 t; RoW is not one
    # country and cannot be removed). Demand is the refinery's use, 1 t/t x 100 t = 100 t.
    # Without A: (110 - 50) / 100 = 60 %.
    assert ore["top"] == "A"
    assert ore["top_share"] == pytest.approx(50 / 110)
    assert ore["demand"] == pytest.approx(100.0)
    assert ore["coverage"] == pytest.approx(0.60)
    # Metal: one refiner of 100 t in D; without it nothing is left: 0 %.
    assert t.loc["metal", "top"] == "D"
    assert t.loc["metal", "coverage"] == pytest.approx(0.0)
    # No projects, no growth: 2030 is 2024.
    assert t.loc["ore", "coverage_2030"] == pytest.approx(0.60)


def test_aggregates_count_for_the_rest_and_coverage_is_capped():
    # Treat nothing as an aggregate: RoW (10 t) is still smaller than A, so the answer is the same;
    # treat A as an aggregate too: the largest country is B (30 t), and (110 - 30) / 100 = 80 %.
    net = _toy()
    assert largest_supplier(net, aggregates=[]).loc["ore", "coverage"] == pytest.approx(0.60)
    assert largest_supplier(net, aggregates=["RoW", "A"]).loc["ore", "coverage"] == pytest.approx(0.80)
    # A 100 t project in C under construction makes C (120 t) the largest: (210 - 120) / 100 = 90 %.
    proj = _projects(
        [{"id": "c-big", "commodity": "ore", "region": "C", "status": "construction", "capacity_2030": 100.0}]
    )
    t = largest_supplier(net, projects=proj)
    assert (t.loc["ore", "top_2030"], t.loc["ore", "coverage_2030"]) == ("C", pytest.approx(0.90))
    # The same 100 t in RoW, not one country: A stays the largest, (210 - 50) / 100 = 160 %, capped at 100 %.
    proj = _projects(
        [{"id": "r-big", "commodity": "ore", "region": "RoW", "status": "construction", "capacity_2030": 100.0}]
    )
    t = largest_supplier(net, projects=proj)
    assert (t.loc["ore", "top_2030"], t.loc["ore", "coverage_2030"]) == ("A", pytest.approx(1.0))


def test_pipeline_rule_counts_operating_and_construction_beyond_the_network():
    net = _toy()
    proj = _projects(
        [
            # Under construction in C, 40 t by 2027 and nothing dated for 2030: keeps its 40 t.
            {"id": "c-new", "commodity": "ore", "region": "C", "status": "construction", "capacity_2027": 40.0},
            # The mine of B already in the network at 30 t, 45 t by 2030: adds 15 t.
            {
                "id": "b-ext",
                "commodity": "ore",
                "region": "B",
                "status": "operating",
                "capacity_2030": 45.0,
                "process": "mine-B",
            },
            # Announced, delayed and cancelled projects add nothing.
            {"id": "a-ann", "commodity": "ore", "region": "A", "status": "announced", "capacity_2030": 500.0},
            {"id": "b-del", "commodity": "ore", "region": "B", "status": "delayed", "capacity_2030": 500.0},
            {"id": "c-can", "commodity": "ore", "region": "C", "status": "cancelled", "capacity_2030": 500.0},
        ]
    )
    add = pipeline_additions(net, proj).set_index("project")
    assert add["added"].to_dict() == {"c-new": 40.0, "b-ext": 15.0}
    # 2030 ore capacity: A 50, B 30 + 15 = 45, C 20 + 40 = 60, RoW 10 = 165 t; the largest country is
    # now C (60 t); without it (165 - 60) / 100 = 105 % -> capped at 100 %.
    t = largest_supplier(net, projects=proj)
    assert t.loc["ore", "top_2030"] == "C"
    assert t.loc["ore", "capacity_2030"] == pytest.approx(165.0)
    assert t.loc["ore", "coverage_2030"] == pytest.approx(1.0)


def test_demand_grows_to_2030():
    # Metal demand grows 10 %/yr: 100 x 1.1^6 = 177.1561 t of metal in 2030. Metal is the end product
    # (no process uses it), so the ore the refinery uses grows with it: 100 t x 1.1^6 = 177.1561 t.
    # Without A in 2030: (110 - 50) / 177.1561 = 33.87 %; the refinery's metal: (100 - 100) / 177 = 0.
    t = largest_supplier(_toy(growth=0.10))
    assert t.loc["metal", "demand_2030"] == pytest.approx(100 * 1.1**6)
    assert t.loc["ore", "demand_2030"] == pytest.approx(100 * 1.1**6)
    assert t.loc["ore", "coverage_2030"] == pytest.approx(60 / (100 * 1.1**6))
    assert t.loc["metal", "coverage_2030"] == pytest.approx(0.0)
    assert t.attrs["pack_growth_factor"] == pytest.approx(1.1**6)


def test_published_comparison():
    # Inside the range (with 10 points of slack), outside it, and another supplier removed.
    assert compare(0.60, "CN", 0.65, 0.65, "CN") == "agree"
    assert compare(0.54, "CN", 0.65, 0.65, "CN") == "disagree"
    assert compare(0.20, "CN", 0.0, 0.55, "ID") == "not comparable"


def test_bad_published_file_is_a_one_line_error(tmp_path: Path):
    p = tmp_path / "pub.csv"
    p.write_text(
        "commodity,year,top,coverage_low,coverage_high,basis,source,confidence,note\nore,2035,A,0.7,1.5,x,S1,low,\n"
    )
    with pytest.raises(
        ValueChainError, match=r"pub\.csv: row 1, field 'coverage_high': expected a fraction in \[0, 1\]"
    ):
        read_published(p)
    p.write_text("commodity,year\nore,2035\n")
    with pytest.raises(ValueChainError, match="missing column 'top'"):
        read_published(p)


@pytest.fixture(scope="module")
def glob() -> pd.DataFrame:
    net = vc.load_network("global-li-ion-2024")
    pub = read_published(find_network("global-li-ion-2024") / "largest_supplier_published.csv", net)
    return largest_supplier(net, published=pub)


def test_global_network_by_hand(glob):
    # Cobalt mining: DR Congo holds 74.1 % of capacity (P059/P060); the network's demand equals its
    # output, 90 % of capacity (A-utilisation), so coverage without DR Congo = (1 - 0.741) / 0.9 = 28.8 %.
    row = glob.loc["cobalt_ore"]
    assert row["top"] == "CD"
    assert row["coverage"] == pytest.approx((1 - row["top_share"]) * row["capacity"] / row["demand"])
    assert row["coverage"] == pytest.approx(0.288, abs=0.002)
    # Every coverage is a fraction; the pipeline adds nothing where the table has no project in
    # operation or construction with a dated capacity (cobalt refining).
    assert ((glob["coverage"] >= 0) & (glob["coverage"] <= 1)).all()
    assert glob.loc["cobalt_refined", "added_2030"] == 0.0
    # Lithium hydroxide refining by 2030, planned as the pipeline outlook plans it
    # (completion.planned_capacity): Vulcan Lionheart (construction, 21,132 t LCE dated 2030) + AMG
    # Bitterfeld-Wolfen (operating, 17,610 t LCE in 2025, a dated figure after 2024, so its full
    # 88,050 t LCE stands for 2030) + Keliber (construction since 2023, no dated figure: its full
    # 13,208 t LCE two years after its status year) = 122,390 t LCE; Savannah is a mine and announced.
    # No carbonate project is in the table.
    assert glob.loc["lithium_hydroxide", "added_2030"] == pytest.approx(21132 + 88050 + 13208)
    assert glob.loc["lithium_carbonate", "added_2030"] == 0.0


def test_lithium_refining_removes_the_same_supplier_as_the_iea(glob):
    # The IEA's figure is for refined lithium as a whole; each salt is compared with it.
    for salt in ("lithium_carbonate", "lithium_hydroxide"):
        row = glob.loc[salt]
        assert row["published_top"] == "CN"
        assert row["top_2030"] == "CN"
        assert row["published_low"] == pytest.approx(0.65)
        assert row["published_year"] == 2035


@pytest.mark.xfail(
    strict=True,
    reason="network 21 % for carbonate and 21 % for hydroxide (2030) vs IEA 65 % for refined lithium "
    "(2035): outside China the projects table's pipeline adds only 122 kt LCE of hydroxide by 2030 (AMG "
    "Bitterfeld-Wolfen, Vulcan Lionheart, Keliber) and no carbonate while demand doubles, and capacity it does "
    "not list stays at 2024 levels; the IEA counts announced refineries worldwide to 2035",
)
def test_lithium_refining_agrees_with_the_iea(glob):
    assert glob.loc["lithium_carbonate", "verdict"] == "agree"
    assert glob.loc["lithium_hydroxide", "verdict"] == "agree"


@pytest.mark.xfail(
    strict=True,
    reason="network 18 % (2030, pipeline of the projects table) vs IEA 65 % (2035): the table adds no cobalt "
    "refining capacity by 2030 (Umicore Kokkola is in the network already); the IEA counts every announced "
    "project to 2035",
)
def test_cobalt_refining_agrees_with_the_iea(glob):
    assert glob.loc["cobalt_refined", "verdict"] == "agree"


@pytest.mark.xfail(
    strict=True,
    reason="network 2 % (2030) vs IEA 35-40 % (2035) for battery-grade graphite: China holds 98 % of anode "
    "capacity in the network (P088) and the table has no anode project outside China in operation or "
    "construction (Putailai Sundsvall was cancelled)",
)
def test_graphite_anode_agrees_with_the_iea(glob):
    assert glob.loc["anode_synthetic", "verdict"] == "agree"


def test_nickel_is_not_comparable_with_the_iea(glob):
    # The IEA removes Indonesia (refined nickel); the network's nickel sulphate stage has China as its
    # largest supplier: the two figures measure different things.
    assert glob.loc["nickel_sulphate", "top_2030"] == "CN"
    assert glob.loc["nickel_sulphate", "verdict"] == "not comparable"


def test_largest_supplier_command(tmp_path: Path, capsys):
    out = tmp_path / "ls.csv"
    assert run(["largest-supplier", "global-li-ion-2024", "--csv", str(out)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "lithium_hydroxide" in text
    assert "CN" in text
    df = pd.read_csv(out)
    assert {"commodity", "coverage", "coverage_2030", "published_low", "verdict"} <= set(df.columns)
    assert run(["largest-supplier", "global-li-ion-2024", "--year", "2020"]) == 1


def test_largest_supplier_command_bad_input_is_one_line(tmp_path: Path, capsys):
    # A missing published-figures file and a malformed one: one 'error:' line naming the file, exit 1.
    assert run(["largest-supplier", "global-li-ion-2024", "--published", str(tmp_path / "none.csv")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:")
    assert "none.csv" in err
    assert "\n" not in err
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "commodity,year,top,coverage_low,coverage_high,basis,source,confidence,note\n"
        "lithium_chemicals,2035,CN,0.6,0.6,x,P-gcmo25-n1-li,low,\n"
    )
    assert run(["largest-supplier", "global-li-ion-2024", "--published", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert "bad.csv: row 1, field 'commodity': unknown commodity 'lithium_chemicals'" in err
