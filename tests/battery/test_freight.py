"""Freight costs and lead times of the global network, recomputed by hand from the figures they cite."""

import csv
from pathlib import Path

import pytest

import valuechain as vc
from valuechain.network.provenance import figure_provenance

NETWORK = Path(__file__).resolve().parents[2] / "networks" / "global-li-ion-2024"


@pytest.fixture(scope="module")
def net():
    return vc.load_network("global-li-ion-2024")


@pytest.fixture(scope="module")
def published():
    with open(NETWORK / "inputs" / "public_figures.csv", encoding="utf-8", newline="") as fh:
        return {r["figure_id"]: r for r in csv.DictReader(fh)}


def test_cited_rows_hold_the_freight_figures(published):
    # Each figure the freight derivation uses is the number its public-figure row gives, and the row's
    # note quotes it from the source.
    expected = {
        "P950": ("3966", "$3,966 per feu"),  # Drewry WCI, 2024 average to 28 Nov
        "P951": ("26730", "26,730"),  # 40 ft standard container, max payload in kg
        "P953": ("250", "NMC 250"),  # cell-level specific energy, Wh/kg
        "P955": ("37.7", "37.7 days"),  # China to the Netherlands, scheduled transit
        "P958": ("573", "$573 per 40ft container"),  # Drewry Intra-Asia Container Index
    }
    for fid, (value, quote) in expected.items():
        assert published[fid]["value"] == value, fid
        assert quote in published[fid]["note"], fid


def test_nmc_cells_from_china_to_germany_cost_and_lead_time_by_hand(net):
    r = net.routes.loc["cell_nmc/CN>DE"]
    # Container freight per tonne: 3,966 USD per 40 ft container (P950) / 26.73 t payload (P951)
    # = 148.3726 USD/t. One GWh of NMC cells at 250 Wh/kg (P953) weighs 1e9 Wh / 250 Wh/kg
    # = 4.0e6 kg = 4,000 t, so the lane costs 4,000 x 148.3726 = 593,490.5 USD per GWh.
    assert r["cost"] == pytest.approx(593_490.46, abs=0.01)
    # China to Europe is an Asia-Europe lane: 37.7 days scheduled transit (P955) / 365 = 0.103288 year.
    assert r["lead_time"] == pytest.approx(0.103288, abs=1e-6)


def test_cathode_within_asia_pays_the_intra_asia_rate(net):
    # Korea to India stays in Asia: 573 USD per 40 ft container (P958) / 26.73 t (P951) = 21.4366
    # USD per t of cathode, not half of the intercontinental 148.37 (74.19).
    assert net.routes.loc["cam_nmc/KR>IN", "cost"] == pytest.approx(21.436588, abs=1e-6)
    # Korea to Hungary is intercontinental: 148.3726 USD/t.
    assert net.routes.loc["cam_nmc/KR>HU", "cost"] == pytest.approx(148.372615, abs=1e-6)


def test_spodumene_from_australia_by_the_concentrate_rate(net):
    # A t LCE of ore is 1 / (0.06 x 73.89 / 29.88) = 6.7397 t of 6 % Li2O concentrate (molar masses
    # of Li2CO3 and Li2O); at 50 USD per t of concentrate (P952) the lane costs 336.99 USD per t LCE.
    lanes = net.routes[(net.routes["commodity"] == "lithium_ore") & (net.routes["origin"] == "AU")]
    assert not lanes.empty
    assert lanes["cost"].to_numpy() == pytest.approx(336.987414, abs=1e-6)


def test_route_costs_and_lead_times_name_their_published_inputs(net):
    figs = figure_provenance(net)
    lane = figs[(figs["table"] == "routes") & (figs["row"] == "cell_nmc/CN>DE")].set_index("field")
    assert lane.loc["cost", "source"] == "P950;P951;P953"
    assert lane.loc["lead_time", "source"] == "P955"
    assert set(lane.loc[["cost", "lead_time"], "kind"]) == {"derived from direct"}
    # A lane within Europe still rests on the assumed halving of the intercontinental cost
    # (593,490.46 / 2 = 296,745.23 USD per GWh); its lead time is a published road transit time.
    eu = figs[(figs["table"] == "routes") & (figs["row"] == "cell_nmc/HU>DE")].set_index("field")
    assert net.routes.loc["cell_nmc/HU>DE", "cost"] == pytest.approx(296_745.23, abs=0.01)
    assert (eu.loc["cost", "source"], eu.loc["cost", "kind"]) == ("P950;P951;P953;A-freight", "derived")
    assert (eu.loc["lead_time", "source"], eu.loc["lead_time", "kind"]) == ("P965", "derived from direct")


def test_lead_times_of_the_other_continent_pairs_by_hand(net, published):
    # Each pair's lead time is its published transit time in days / 365, and the public-figure row
    # quotes the number from its source.
    lanes = {  # lane: (days, figure, quoted passage)
        "nickel_ore/ID>CN": (8.0, "P959", "上海→Jakartaが8日間"),  # within Asia, by sea
        "cell_nmc/HU>DE": (2.0, "P965", "550-1,300 km in two days"),  # within Europe, by road
        "cobalt_ore/CD>CN": (35.0, "P962", "super slow 35 days"),  # Africa to Asia
        "lithium_ore/AU>CN": (12.5, "P963", "12 to 13 day transit"),  # Oceania to Asia
    }
    for lane, (days, fid, quote) in lanes.items():
        assert net.routes.loc[lane, "lead_time"] == pytest.approx(round(days / 365, 6), abs=1e-9), lane
        assert quote in published[fid]["note"], fid
    # Pairs with no published transit time keep the assumed 0.04 year within and 0.12 between continents.
    figs = figure_provenance(net)
    lead = figs[(figs["table"] == "routes") & (figs["field"] == "lead_time")]
    assumed = net.routes.loc[lead.loc[lead["source"] == "A-freight", "row"], "lead_time"]
    assert set(assumed.round(6)) <= {0.04, 0.12}
    assert len(assumed) < 40
