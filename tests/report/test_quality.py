"""The report's data-quality section: the provenance sentence and the calibration table."""

from __future__ import annotations

import re

import pytest

import valuechain as vc
from valuechain.network.calibration import calibration_report
from valuechain.network.provenance import provenance_counts
from valuechain.report.quality import _calibration_rows, caveats


@pytest.fixture(scope="module")
def net() -> vc.Network:
    return vc.load_network("global-li-ion-2024")


def test_the_provenance_sentence_accounts_for_every_figure(net: vc.Network) -> None:
    counts = provenance_counts(net)
    sentence = caveats(net, counts, None)[0]
    shares = [float(x) for x in re.findall(r"(\d+)%", sentence)]
    tot = counts.loc["total"]
    # Each kind's share, in the order the sentence gives them, and together every figure.
    expected = [tot[k] / tot["total"] * 100 for k in ("direct", "derived from direct", "derived", "assumption")]
    assert shares == pytest.approx(expected, abs=0.5)
    assert sum(shares) == pytest.approx(100, abs=2)
    assert "computed from published inputs only" in sentence


def test_the_calibration_table_names_source_difference_and_tolerance(net: vc.Network) -> None:
    calib = calibration_report(net)
    rows = _calibration_rows(calib)
    assert list(rows.columns) == [
        "Figure",
        "Source",
        "Published",
        "Network",
        "Difference",
        "Tolerance",
        "Accepted range",
        "Passes",
    ]
    assert rows["Source"].tolist() == calib["source"].astype(str).tolist()
    # Shares differ in points, totals in per cent of the target.
    share = calib.index[calib["kind"] == "share"][0]
    total = calib.index[calib["kind"] == "total"][0]
    assert rows.loc[share, "Difference"].endswith(" pp")
    assert rows.loc[total, "Difference"].endswith(" %")
    assert rows.loc[share, "Difference"] == f"{round(100 * calib.loc[share, 'difference'], 1) + 0.0:+.1f} pp"
    # A difference that rounds to zero reads +0.0, never -0.0; tolerances read as a reader writes them.
    assert not rows["Difference"].str.startswith("-0.0").any()
    assert calib["difference"].between(-5e-4, 0, inclusive="left").any()  # (some would print as -0.0)
    assert rows.loc[share, "Tolerance"] == "±3 pp"
    band = calib.index[calib["tolerance"].astype(str).str.startswith("band")][0]
    assert rows.loc[band, "Tolerance"] == "the published band"
    # A bare count the source table writes without separators reads with them; years and decimals do not change.
    nickel = rows.loc[calib.index[calib["id"] == "id-nickel-mining"][0], "Published"]
    assert nickel == "2,310,000 t Ni", nickel
    assert rows["Published"].str.contains("2023").any()  # '(2023)' stays as written


def test_the_trade_sentence_counts_only_routes_that_carry_a_flow(net: vc.Network) -> None:
    sentence = next(s for s in caveats(net, None, None) if s.startswith("Trade:"))
    moving = int((net.routes["baseline_flow"] > 0).sum())
    idle = len(net.routes) - moving
    assert f"of the {len(net.routes)} routes, the {moving} with a baseline flow take it from" in sentence
    assert f"the other {idle} are open lanes with no baseline flow" in sentence
    # An open lane carries no flow, so no share of the flows is put on the source of its freight.
    assert "Freight cost" not in sentence
    toy = vc.load_network("toy-battery")
    toy_sentence = next(s for s in caveats(toy, None, None) if s.startswith("Trade:"))
    assert "the other is an open lane" in toy_sentence


def test_the_trade_sentence_names_each_source_with_its_share_of_the_flows() -> None:
    toy = vc.load_network("toy-battery")
    tables = dict(toy.tables)
    routes = tables["routes"].copy()
    routes.loc["cn-de-cam", "source"] = "elsewhere"  # 100,000 of the 339,170 units of flow, 29 %
    tables["routes"] = routes
    sources = tables["sources"].copy()
    sources.loc["elsewhere"] = sources.loc["toy"]
    sources.loc["elsewhere", "title"] = "Another source"
    tables["sources"] = sources
    net = vc.Network.from_frames(toy.name, tables, year=toy.year, period=toy.period, check_balance=False)
    sentence = next(s for s in caveats(net, None, None) if s.startswith("Trade:"))
    assert "of the 7 routes, 6 carry a baseline flow: 5 (71% of the flows) from 'Illustrative" in sentence
    assert "1 (29% of the flows) from 'Another source' (other)" in sentence
    assert "the other is an open lane" in sentence
