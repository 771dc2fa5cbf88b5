"""Freight costs and lead times of the global network, recomputed by hand from the figures they cite."""

import math

import pytest

from valuechain.network.provenance import figure_provenance


def test_cited_rows_hold_the_freight_figures(public_figures):
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
        assert public_figures[fid]["value"] == value, fid
        assert quote in public_figures[fid]["note"], fid


def test_nmc_cells_from_china_to_germany_cost_and_lead_time_by_hand(global_net):
    r = global_net.routes.loc["cell_nmc/CN>DE"]
    # Container freight per tonne: 3,966 USD per 40 ft container (P950) / 26.73 t payload (P951)
    # = 148.3726 USD/t. One GWh of NMC cells at 250 Wh/kg (P953) weighs 1e9 Wh / 250 Wh/kg
    # = 4.0e6 kg = 4,000 t, so the lane costs 4,000 x 148.3726 = 593,490.5 USD per GWh.
    assert r["cost"] == pytest.approx(593_490.46, abs=0.01)
    # China to Europe is an Asia-Europe lane: 37.7 days scheduled transit (P955) / 365 = 0.103288 year.
    assert r["lead_time"] == pytest.approx(0.103288, abs=1e-6)


def test_cathode_within_asia_pays_the_intra_asia_rate(global_net):
    # Korea to India stays in Asia: 573 USD per 40 ft container (P958) / 26.73 t (P951) = 21.4366
    # USD per t of cathode, not half of the intercontinental 148.37 (74.19).
    assert global_net.routes.loc["cam_nmc/KR>IN", "cost"] == pytest.approx(21.436588, abs=1e-6)
    # Korea to Hungary is intercontinental: 148.3726 USD/t.
    assert global_net.routes.loc["cam_nmc/KR>HU", "cost"] == pytest.approx(148.372615, abs=1e-6)


def test_spodumene_from_australia_by_the_concentrate_rate(global_net):
    # A t LCE of ore is 1 / (0.06 x 73.89 / 29.88) = 6.7397 t of 6 % Li2O concentrate (molar masses
    # of Li2CO3 and Li2O); at 50 USD per t of concentrate (P952) the lane costs 336.99 USD per t LCE.
    lanes = global_net.routes[(global_net.routes["commodity"] == "lithium_ore") & (global_net.routes["origin"] == "AU")]
    assert not lanes.empty
    assert lanes["cost"].to_numpy() == pytest.approx(336.987414, abs=1e-6)


def test_route_costs_and_lead_times_name_their_published_inputs(global_net):
    figs = figure_provenance(global_net)
    lane = figs[(figs["table"] == "routes") & (figs["row"] == "cell_nmc/CN>DE")].set_index("field")
    assert lane.loc["cost", "source"] == "P950;P951;P953"
    assert lane.loc["lead_time", "source"] == "P955"
    assert set(lane.loc[["cost", "lead_time"], "kind"]) == {"derived from direct"}
    # A lane within Europe goes by road; its lead time is a public_figures road transit time.
    eu = figs[(figs["table"] == "routes") & (figs["row"] == "cell_nmc/HU>DE")].set_index("field")
    assert (eu.loc["cost", "source"], eu.loc["cost", "kind"]) == ("P1002;P991;P965;P953", "derived from direct")
    assert (eu.loc["lead_time", "source"], eu.loc["lead_time", "kind"]) == ("P965", "derived from direct")
    # Outside Europe and Asia a lane within a continent still rests on the assumed halving.
    sa = figs[(figs["table"] == "routes") & (figs["row"] == "lithium_carbonate/CL>AR")].set_index("field")
    assert (sa.loc["cost", "source"], sa.loc["cost", "kind"]) == ("P950;P951;A-freight", "derived")


def _km(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def test_road_freight_within_europe_by_hand(global_net, public_figures):
    # Q4 2024 contract rates of five corridors (P1002): EUR per trip and per km; a trip's road km is
    # their ratio, and its great-circle km that between the two cities.
    corridors = [
        (1_458, 1.15, (40.42, -3.70), (48.86, 2.35)),  # Madrid-Paris
        (1_803, 1.42, (48.86, 2.35), (40.42, -3.70)),  # Paris-Madrid
        (1_646, 1.52, (52.23, 21.01), (51.43, 6.76)),  # Warsaw-Duisburg
        (1_235, 1.14, (51.43, 6.76), (52.23, 21.01)),  # Duisburg-Warsaw
        (1_386, 1.45, (51.43, 6.76), (48.21, 16.37)),  # Duisburg-Vienna
    ]
    for trip, per_km, *_ in corridors:
        assert f"€{trip:,} (€{per_km:.2f}/km)" in public_figures["P1002"]["note"]
    circuity = sum(t / k / _km(a, b) for t, k, a, b in corridors) / 5
    assert circuity == pytest.approx(1.170, abs=5e-4)
    # 1.336 EUR/km x 1.0717 USD per EUR (P991) / 24 t (P965) x circuity = USD per t and great-circle km.
    usd_tkm = (1.15 + 1.42 + 1.52 + 1.14 + 1.45) / 5 * (0.6665 / 0.6219) / 24 * circuity
    coords = {"DE": (51.0, 10.5), "HU": (47.5, 20.0), "NO": (60.0, 8.0), "PL": (51.5, 17.5)}  # figures.py REGIONS
    # NMC cells ship 4,000 t per GWh (250 Wh/kg, P953): 791 km from Hungary to Germany.
    km = _km(coords["HU"], coords["DE"])
    assert km == pytest.approx(791, abs=1)
    assert global_net.routes.loc["cell_nmc/HU>DE", "cost"] == pytest.approx(usd_tkm * km * 4_000, rel=1e-6)
    # Synthetic anode material, a tonne per t, from Norway to Poland.
    km = _km(coords["NO"], coords["PL"])
    assert global_net.routes.loc["anode_synthetic/NO>PL", "cost"] == pytest.approx(usd_tkm * km, rel=1e-6)


def test_lead_times_of_the_other_continent_pairs_by_hand(global_net, public_figures):
    # Each pair's lead time is its public_figures transit time in days / 365, and the public-figure row
    # quotes the number from its source.
    lanes = {  # lane: (days, figure, quoted passage)
        "nickel_intermediate/ID>CN": (8.0, "P959", "上海→Jakartaが8日間"),  # within Asia, by sea
        "cell_nmc/HU>DE": (2.0, "P965", "550-1,300 km in two days"),  # within Europe, by road
        "cobalt_ore/CD>CN": (35.0, "P962", "super slow 35 days"),  # Africa to Asia
        "lithium_ore/AU>CN": (12.5, "P963", "12 to 13 day transit"),  # Oceania to Asia
    }
    for lane, (days, fid, quote) in lanes.items():
        assert global_net.routes.loc[lane, "lead_time"] == pytest.approx(round(days / 365, 6), abs=1e-9), lane
        assert quote in public_figures[fid]["note"], fid
    # Pairs with no public_figures transit time keep the assumed 0.04 year within and 0.12 between continents.
    figs = figure_provenance(global_net)
    lead = figs[(figs["table"] == "routes") & (figs["field"] == "lead_time")]
    assumed = global_net.routes.loc[lead.loc[lead["source"] == "A-freight", "row"], "lead_time"]
    assert set(assumed.round(6)) <= {0.04, 0.12}
    assert len(assumed) < 40
