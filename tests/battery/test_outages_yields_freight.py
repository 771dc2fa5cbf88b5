"""Recovery times, conversion yields and freight of the global network that cite published figures,
recomputed by hand from the figures they cite; and the provenance each figure carries."""

import statistics

import pytest

from valuechain.network.provenance import figure_provenance

MINE_OUTAGES = ("P1043", "P1044", "P1045", "P1046", "P1047", "P1048", "P1049")
PLANT_OUTAGES = ("P1050", "P1051", "P1052", "P1053", "P1054", "P1055", "P1056", "P1057")


@pytest.fixture(scope="module")
def figs(global_net):
    return figure_provenance(global_net).set_index(["table", "row", "field"])


def test_the_outages_hold_their_dates_or_durations(quoted, public_figures):
    quoted(
        {
            "P1043": "export sales have resumed",
            "P1044": "natural graphite production resuming on 19 June 2025",
            "P1045": "The shutdown of activities for seven months",
            "P1046": "offline for nearly two months",
            "P1047": "running at 40% of its capacity",
            "P1048": "suspended since August 9, 2025, and it has been over ten months",
            "P1049": "returning underground on June 7, 2025",
            "P1050": "now back in operation",
            "P1051": "had resumed normal production",
            "P1052": "2021年12月24日にスラグの爆発",
            "P1053": "at the end of last month",
            "P1054": "had resumed operations on March 23",
            "P1055": "After approximately two months offline",
            "P1056": "CAM4 공장 생산이 11일 재개",
            "P1057": "CAM4N 공장의 생산을 재개",
        }
    )
    # Each outage is a duration in months, of a mine or of a refinery or material plant.
    for fid in (*MINE_OUTAGES, *PLANT_OUTAGES):
        assert public_figures[fid]["unit"] == "months", fid
    assert {public_figures[f]["stage"] for f in MINE_OUTAGES} == {"mining"}
    assert {public_figures[f]["stage"] for f in PLANT_OUTAGES} <= {"refining", "active material"}


def test_recovery_times_are_the_median_published_outage(global_net, figs, public_figures):
    # Mines: 0.66, 2.6, 3.3, 7.0, 8.8, 10.4 (still shut), 14.1 months -> 7.0; refineries and material plants:
    # 0.1, 0.5, 0.85, 1.2 | 2.0, 2.6, 11.9, 13.5 -> (1.2 + 2.0) / 2 = 1.6 months.
    mines = statistics.median(float(public_figures[f]["value"]) for f in MINE_OUTAGES)
    plants = statistics.median(float(public_figures[f]["value"]) for f in PLANT_OUTAGES)
    assert (mines, plants) == (pytest.approx(7.0), pytest.approx(1.6))
    ttr = global_net.processes["ttr"]
    assert ttr["au-lithium_ore"] == pytest.approx(7.0 / 12)
    assert ttr["cn-lithium_carbonate"] == pytest.approx(1.6 / 12)
    assert ttr["cn-cam_nmc"] == pytest.approx(1.6 / 12)
    mine = figs.loc[("processes", "au-lithium_ore", "ttr")]
    assert (mine["source"], mine["kind"]) == (";".join(MINE_OUTAGES), "derived from direct")
    plant = figs.loc[("processes", "cn-cam_nmc", "ttr")]
    assert (plant["source"], plant["kind"]) == (";".join(PLANT_OUTAGES), "derived from direct")
    # Cells keep an assumed time (four published outages, mostly minor), and every ramp-up is assumed.
    assert ttr["cn-cells-lfp"] == 0.25
    assert figs.loc[("processes", "cn-cells-lfp", "ttr"), "kind"] == "assumption"
    assert figs.loc[("processes", "au-lithium_ore", "ramp_up"), "kind"] == "assumption"


def test_conversion_yields_by_hand(global_net, figs, quoted):
    quoted(
        {
            "P1041": "The recovery of lithium carbonate reported at 91% is also comparable with spodumene "
            "processing at Chinese conversion plants.",
            "P1042": "im Gegensatz zur Ausbeute von 50 %",
        }
    )
    rec = global_net.recipes.set_index(["process", "commodity", "kind"])["coefficient"]
    # A refinery draws 1 / 0.91 = 1.0989 t LCE of ore per t LCE of salt; an anode plant 1 / 0.5 = 2 t of flake.
    assert rec[("cn-lithium_carbonate", "lithium_ore", "input")] == pytest.approx(1 / 0.91)
    assert rec[("cn-lithium_hydroxide", "lithium_ore", "input")] == pytest.approx(1 / 0.91)
    assert rec[("cn-anode_natural", "natural_graphite", "input")] == pytest.approx(2.0)
    for key, src in (
        (("recipes", "cn-lithium_carbonate/lithium_ore/input", "coefficient"), "P1041"),
        (("recipes", "cn-anode_natural/natural_graphite/input", "coefficient"), "P1042"),
    ):
        assert (figs.loc[key, "source"], figs.loc[key, "kind"]) == (src, "derived from direct")
    # Nickel, cobalt and manganese yields stay assumed.
    assert rec[("cn-nickel_sulphate", "nickel_intermediate", "input")] == 1.05
    assert figs.loc[("recipes", "cn-nickel_sulphate/nickel_intermediate/input", "coefficient"), "kind"] == "assumption"


def test_electrolyte_and_separator_per_gwh_by_hand(global_net, figs, quoted, public_figures):
    quoted(
        {
            "P1110": "2022年全国锂离子电池产量达750吉瓦时",
            "P1111": "130亿平方米、85万吨",
            "P1112": "130亿平方米、85万吨",
            "P1113": "400GWh",
            "P1114": "68 亿平方米、44 万吨",
            "P1115": "68 亿平方米、44 万吨",
        }
    )
    rec = global_net.recipes.set_index(["process", "commodity", "kind"])["coefficient"]
    # China's 2022 output over its 750 GWh of Li-ion batteries: 850,000 t / 750 = 1,133.3 t of electrolyte and
    # 13,000 Mm2 / 750 = 17.33 Mm2 of separator per GWh, in every cell plant whatever its chemistry.
    for proc in ("cn-cells-lfp", "cn-cells-nmc", "pl-lges-wroclaw", "us-cells-lfp", "cn-cell_lfp-grow"):
        assert rec[(proc, "electrolyte", "input")] == pytest.approx(1133.33, abs=0.01)
        assert rec[(proc, "separator", "input")] == pytest.approx(17.333, abs=0.001)
        for c, src in (("electrolyte", "P1112;P1110"), ("separator", "P1111;P1110")):
            fig = figs.loc[("recipes", f"{proc}/{c}/input", "coefficient")]
            assert (fig["source"], fig["kind"]) == (src, "derived from direct")
    # The first half of 2023 is a check, not an input: 0.44 Mt / 400 GWh = 1,100 t and 6.8 bn m2 / 400 GWh =
    # 17.0 Mm2, within 3 % and 2 % of the network's figures.
    value = {f: float(public_figures[f]["value"]) for f in ("P1113", "P1114", "P1115")}
    assert value["P1115"] * 1e6 / value["P1113"] == pytest.approx(
        rec[("cn-cells-lfp", "electrolyte", "input")], rel=0.03
    )
    assert value["P1114"] * 1e3 / value["P1113"] == pytest.approx(rec[("cn-cells-lfp", "separator", "input")], rel=0.02)
    # China's 2024 outputs, which the out-of-sample tests compare, are no derivation's input.
    cited = {i for inputs in global_net.derivations["inputs"] for i in str(inputs).split(";")}
    assert not cited & {"P101", "P102", "P1113", "P1114", "P1115"}


def test_cobalt_and_manganese_ore_freight_by_hand(global_net, figs, quoted):
    quoted({"P1058": "Co 30% min", "P1059": "$1.05-1.06 per dry"})
    routes = global_net.routes.set_index(["commodity", "origin", "destination"])
    per_t = 3_966 / 26.73  # the WCI's 2024 average over a 40 ft container's payload (P950, P951)
    # Congolese hydroxide of 30 % Co to China: 148.37 USD/t x 3.333 t per t Co = 494.6 USD/t Co.
    assert routes.loc[("cobalt_ore", "CD", "CN"), "cost"] == pytest.approx(per_t / 0.30)
    assert routes.loc[("cobalt_ore", "CD", "CN"), "cost"] == pytest.approx(494.6, abs=0.1)
    # Manganese ore pays 1.05 USD per dmtu x 100 dmtu per t Mn on an intercontinental lane, half within Africa.
    assert routes.loc[("manganese_ore", "ZA", "CN"), "cost"] == pytest.approx(105.0)
    co = figs.loc[("routes", "cobalt_ore/CD>CN", "cost")]
    assert (co["source"], co["kind"]) == ("P950;P951;P1058", "derived from direct")
    mn = figs.loc[("routes", "manganese_ore/ZA>CN", "cost")]
    assert (mn["source"], mn["kind"]) == ("P1059", "derived from direct")
    # Within a continent, half of it, which is an assumption.
    assert routes.loc[("manganese_ore", "GA", "ZA"), "cost"] == pytest.approx(52.5)
    assert figs.loc[("routes", "manganese_ore/GA>ZA", "cost"), "kind"] == "derived"
    # Within Asia, hydroxide pays the intra-Asia container rate (P958): 573 / 26.73 / 0.30 = 71.46 USD/t Co.
    assert routes.loc[("cobalt_ore", "ID", "CN"), "cost"] == pytest.approx(573 / 26.73 / 0.30)


def test_cell_plant_capex_by_hand(global_net, figs, quoted, public_figures):
    quoted(
        {
            "P1116": "$3.2 will go toward the cylindrical battery manufacturing facility, which would have a capacity "
            "of 27 gigawatt-hours a year",
            "P1117": "The remaining $2.3 billion will go toward the LFP battery facility, with a capacity of 16 "
            "gigawatt-hours annually",
            "P1118": "The plant's peak power capacity will be 30 GWh",
            "P1119": "50 gigawatt hours of battery cell capacity",
        }
    )
    # Investment / capacity, USD m per GWh/yr: 3,200 / 27 = 118.5, 2,300 / 16 = 143.8, 4,000 / 30 = 133.3,
    # 2,600 / 50 = 52.0; the median is (118.5 + 133.3) / 2 = 125.9. China: half of it (P225: +70-130 %).
    per_gwh = []
    for fid in ("P1116", "P1117", "P1118", "P1119"):
        usd, gwh = (float(v) for v in public_figures[fid]["value"].split(";"))
        per_gwh.append(usd * 1e6 / gwh)
    us = statistics.median(per_gwh)
    assert us == pytest.approx(125.93e6, rel=1e-4)
    exp = global_net.expansions
    assert exp.loc["us-cells-nmc-new", "capex"] == pytest.approx(us)
    assert exp.loc["us-cells-lfp-new", "capex"] == pytest.approx(us)
    assert exp.loc["cn-cells-lfp-new", "capex"] == pytest.approx(us / 2)
    for eid, src in (
        ("us-cells-nmc-new", "P1116;P1117;P1118;P1119"),
        ("cn-cells-lfp-new", "P1116;P1117;P1118;P1119;P225"),
    ):
        fig = figs.loc[("expansions", eid, "capex")]
        assert (fig["source"], fig["kind"]) == (src, "derived from direct")
    # The summary site that gave USD 100 m per GWh (P223) is no figure's source any more.
    cited = {i for inputs in global_net.derivations["inputs"] for i in str(inputs).split(";")}
    assert "P223" not in cited
    assert "P223" not in set(global_net.expansions["source"]) | set(global_net.processes["source"])


def test_recycling_capex_check_is_not_an_input(global_net, quoted, public_figures):
    quoted({"P1120": "the Company expects to invest approximately $485 million (+/-15%) to develop the Rochester Hub"})
    # Li-Cycle's Rochester hub: USD 485 m for 35,000 t of black mass a year = 13,857 USD per t/yr, against the
    # assumed 3,000 of the EU's hydrometallurgy options (A-capex). One plant checks the assumption, builds nothing.
    usd, tonnes = (float(v) for v in public_figures["P1120"]["value"].split(";"))
    assert usd * 1e6 / tonnes == pytest.approx(13_857, abs=1)
    hydromet = global_net.expansions.loc["de-hydromet-new"]
    assert (hydromet["capex"], hydromet["source"]) == (3_000.0, "A-capex")
    cited = {i for inputs in global_net.derivations["inputs"] for i in str(inputs).split(";")}
    assert "P1120" not in cited
    assert not global_net.expansions["source"].str.contains("P1120").any()
