"""Costs, investment, recoveries and option sizes of the global network that cite published figures,
recomputed by hand from the figures they cite; and the provenance each figure carries."""

import pytest

from valuechain.network.provenance import figure_provenance, unit_rows


@pytest.fixture(scope="module")
def figs(global_net):
    return figure_provenance(global_net).set_index(["table", "row", "field"])


def _cost(global_net, pid):
    return float(global_net.processes.loc[pid, "variable_cost"])


def test_mining_costs_by_hand(global_net, figs):
    # Mt Marion A$750 per t of SC6 x 6.7397 t per t LCE and Pilgangoora A$654 per t at 5.3 % Li2O x
    # 29.88 / (0.053 x 73.89) = 7.6299 t per t LCE; the mean, A$5,022.3, x 0.6665 USD per AUD = 3,347.4.
    sc6 = 29.88 / (0.06 * 73.89)
    sc53 = 29.88 / (0.053 * 73.89)
    assert _cost(global_net, "au-lithium_ore") == pytest.approx((750 * sc6 + 654 * sc53) / 2 * 0.6665)
    assert _cost(global_net, "au-lithium_ore") == pytest.approx(3_347.4, abs=0.1)
    # Mines are not scaled by region: a Chilean brine mine costs the same (the gap README states).
    assert _cost(global_net, "cl-lithium_ore") == _cost(global_net, "au-lithium_ore")
    assert figs.loc[("processes", "cl-lithium_ore", "variable_cost"), "source"] == "P988;P989;P990;P991"
    assert figs.loc[("processes", "cl-lithium_ore", "variable_cost"), "kind"] == "derived from direct"
    # Balama's C1 costs of 464 and 565 USD/t; GEMCO's 1.88 USD per dmtu x 100 dmtu per t Mn.
    assert _cost(global_net, "mz-natural_graphite") == pytest.approx(514.5)
    assert _cost(global_net, "za-manganese_ore") == pytest.approx(188.0)


def test_pack_costs_and_regional_levels(global_net, figs):
    # BNEF 2023: BEV pack 128 less cell 89 USD/kWh; LFP pack 130 less cell 95; x 1e6 per GWh.
    assert _cost(global_net, "cn-pack-ev-nmc") == pytest.approx(39e6)
    assert _cost(global_net, "cn-pack-ess") == pytest.approx(35e6)
    # EU27 x 1.5 (P008); the US x 1.2, the IEA's premium for US cells (P992); Korea x 1.2 by extension.
    assert _cost(global_net, "de-pack-ev-nmc") == pytest.approx(39e6 * 1.5)
    assert _cost(global_net, "us-pack-ev-nmc") == pytest.approx(39e6 * 1.2)
    assert _cost(global_net, "kr-pack-ev-nmc") == pytest.approx(39e6 * 1.2)
    src = {p: figs.loc[("processes", p, "variable_cost")] for p in ("cn-pack-ev-nmc", "de-pack-ev-nmc",
                                                                      "us-pack-ev-nmc", "kr-pack-ev-nmc")}  # fmt: skip
    assert [(s["source"], s["kind"]) for s in src.values()] == [
        ("P993", "derived from direct"),
        ("P993;P008", "derived from direct"),
        ("P993;P992", "derived from direct"),
        ("P993;A-costs", "derived"),
    ]
    # Cells: 9 % of SMM's 0.34 CNY/Wh for a 280 Ah LFP cell is outside materials, at 7.1358 CNY per USD;
    # NMC lines are taken to cost the same per kWh (an assumption among the inputs).
    assert _cost(global_net, "cn-cells-lfp") == pytest.approx(0.34 * 0.09 / 7.1358 * 1e9)
    assert _cost(global_net, "cn-cells-nmc") == _cost(global_net, "cn-cells-lfp")
    assert figs.loc[("processes", "cn-cells-lfp", "variable_cost"), "kind"] == "derived from direct"
    assert figs.loc[("processes", "cn-cells-nmc", "variable_cost"), "kind"] == "derived"
    # A cost still assumed stays an assumption; a mine's cost is not scaled, so it cites no level.
    assert figs.loc[("processes", "cn-anode_natural", "variable_cost"), "kind"] == "assumption"
    assert figs.loc[("processes", "fi-nickel_ore", "variable_cost"), "source"] == "A-costs"


def test_capacities_cite_their_own_row_with_the_utilisation(figs):
    # A pack line's capacity is its output (from demand) over the stage's utilisation.
    assert figs.loc[("processes", "au-pack-ev-nmc", "capacity"), "source"] == "D-demand;A-utilisation"


def test_black_mass_recoveries_by_hand(global_net, figs):
    rec = global_net.recipes.set_index(["process", "commodity", "kind"])["coefficient"]
    # Traded NMC black mass holds at least 3 % Li, 15 % Ni and 5 % Co (P999); the EU requires 50 % of the
    # lithium and 90 % of nickel and cobalt recovered by 2027 (P1000); a t of Li is 5.323 t LCE.
    assert rec[("be-hydromet", "lithium_carbonate", "output")] == pytest.approx(0.03 * 0.5 * 5.323)
    assert rec[("be-hydromet", "nickel_sulphate", "output")] == pytest.approx(0.135)
    assert rec[("be-hydromet", "cobalt_refined", "output")] == pytest.approx(0.045)
    assert rec[("kr-hydromet", "cobalt_refined", "output")] == pytest.approx(0.045)
    be = figs.loc[("recipes", "be-hydromet/nickel_sulphate/output", "coefficient")]
    kr = figs.loc[("recipes", "kr-hydromet/nickel_sulphate/output", "coefficient")]
    assert (be["source"], be["kind"]) == ("P999;P1000", "derived from direct")
    assert (kr["source"], kr["kind"]) == ("P999;P1000;A-recycling", "derived")


def test_black_mass_value_by_hand(global_net, figs):
    # 72 % (the midpoint of 69-75 %, P1003) of the nickel and cobalt in a t of black mass at the lower
    # end of the traded content (15 % Ni, 5 % Co, P999), at 16,335 USD/t of LME nickel (P1004) and
    # 25,678.91 USD/t of refined cobalt (P971): 0.72 x (2,450.25 + 1,283.95) = 2,688.62 USD/t.
    assert global_net.commodities.loc["black_mass", "value"] == pytest.approx(2_688.62, abs=0.01)
    val = figs.loc[("commodities", "black_mass", "value")]
    assert (val["source"], val["kind"]) == ("P1003;P999;P1004;P971", "derived from direct")
    hold = figs.loc[("hubs", "DE/black_mass", "holding_cost")]
    assert (hold["source"], hold["kind"]) == ("P904;P1003;P999;P1004;P971", "derived from direct")


def test_investment_and_sizes_of_named_options(global_net, figs):
    exp = global_net.expansions
    usd_per_eur = 0.6665 / 0.6219  # the RBA's USD and EUR per AUD on 21 Jun 2024 (P991)
    # CATL Debrecen: EUR 7.3 bn for 100 GWh, in USD per GWh/yr.
    assert exp.loc["de-cells-lfp-cn", "capex"] == pytest.approx(7.3e9 * usd_per_eur / 100, abs=0.01)
    assert figs.loc[("expansions", "de-cells-lfp-cn", "capex"), "source"] == "S112;P229;P991"
    # At Chinese cost level, Kotka's investment halved: building in Europe costs 70-130 % more (P225).
    assert global_net.expansions.loc["cn-cam_nmc-grow", "capex"] == pytest.approx(800e6 * usd_per_eur / 60_000 / 2)
    assert figs.loc[("expansions", "cn-cam_nmc-grow", "capex"), "source"] == "S100;W021;P991;P225"
    # European technology at 1.3 x Kotka's investment: the factor is an assumption.
    assert figs.loc[("expansions", "de-cam_nmc-eu", "capex"), "source"] == "S100;W021;P991;A-capex"
    # Dongwha: USD 70 m for 80 kt/yr; Asahi Kasei: USD 270 m for 350 Mm2/yr.
    assert exp.loc["pl-electrolyte-kr", "capex"] == pytest.approx(875.0)
    assert exp.loc["hu-separator-cn", "capex"] == pytest.approx(270e6 / 350)
    # A generic option's size is an assumption of its own; a named plant's is its planned size.
    assert figs.loc[("expansions", "de-cells-lfp-cn", "max_size"), "source"] == "A-option-sizes"
    assert figs.loc[("expansions", "es-catl-stellantis-zaragoza-build", "max_size"), "source"] == "W005"


def test_cell_recipes_by_hand_with_the_scrap_they_cite(global_net, figs):
    # An LFP cell line per GWh: BatPaC's 0.0915 kg Li per kWh (P147) / LiFePO4's lithium mass fraction
    # (6.94 / 157.76) x 1.05 (5 % scrap, the lower end of P1040's 5-12 %) = 2,184.0 t of cathode; graphite
    # 0.9846 kg/kWh (P151) x 1.05 = 1,033.8 t, 85.85 % of it synthetic (1.76 of 2.05 Mt shipped, P325, P326).
    rec = global_net.recipes.set_index(["process", "commodity", "kind"])["coefficient"]
    cam = 91.5 / (6.94 / 157.76) * 1.05
    graphite = 984.6 * 1.05
    assert rec[("cn-cells-lfp", "cam_lfp", "input")] == pytest.approx(cam)
    assert rec[("cn-cells-lfp", "cam_lfp", "input")] == pytest.approx(2_184.0, abs=0.1)
    assert rec[("cn-cells-lfp", "anode_synthetic", "input")] == pytest.approx(graphite * 1.76 / 2.05)
    assert rec[("cn-cells-lfp", "anode_natural", "input")] == pytest.approx(graphite * 0.29 / 2.05)
    # What the line scraps goes to recycling: 5 % of the cathode and graphite its cells hold.
    assert rec[("cn-cells-lfp", "eol_batteries", "output")] == pytest.approx((cam + graphite) * 0.05 / 1.05)
    # Each of these cites the intensities it uses and the scrap rate, and nothing assumed.
    for com, kind, ids in (
        ("cam_lfp", "input", "P147;P1040"),
        ("anode_synthetic", "input", "P151;P325;P326;P1040"),
        ("eol_batteries", "output", "P147;P151;P1040"),
    ):
        fig = figs.loc[("recipes", f"cn-cells-lfp/{com}/{kind}", "coefficient")]
        assert (fig["source"], fig["kind"]) == (ids, "derived from direct")
    # An NMC line cites NMC 811's and 622's lithium (P107, P115), not LFP's; the cathode plant itself does not
    # scrap, so its recipe cites the intensities alone.
    assert figs.loc[("recipes", "cn-cells-nmc/cam_nmc/input", "coefficient"), "source"] == "P107;P115;P1040"
    assert "P1040" not in figs.loc[("recipes", "cn-cam_nmc/pcam/input", "coefficient"), "source"]


def test_the_unit_of_activity_is_not_a_figure(global_net, figs):
    rec = global_net.recipes
    units = unit_rows(rec)
    packs = rec[rec["process"] == "cn-pack-ev-nmc"]
    # The pack line runs in GWh of pack: its output's 1 is the unit; its GWh of cells per GWh is a figure.
    assert {rec.loc[i, "kind"] for i in packs.index if i in units} == {"output"}
    assert ("recipes", "cn-pack-ev-nmc/cell_nmc/input", "coefficient") in figs.index
    assert ("recipes", "cn-pack-ev-nmc/pack_ev/output", "coefficient") not in figs.index
    # A black-mass refinery has no output of 1: it runs in t of black mass.
    assert ("recipes", "be-hydromet/black_mass/input", "coefficient") not in figs.index
    assert ("recipes", "be-hydromet/lithium_carbonate/output", "coefficient") in figs.index


def test_the_new_figures_hold_their_numbers(quoted):
    quotes = {
        "P978": "12.651/t pada 1T24",
        "P979": "$US6.29 per dry metric tonne units",
        "P981": "6,172 yuan/mt",
        "P982": "63,900-66,100 yuan/mt",
        "P983": "79,500-81,500 yuan/mt",
        "P984": "below 40,000 RMB/ton",
        "P985": "$464/t",
        "P986": "$565/t",
        "P987": "US$1.88/dmtu",
        "P988": "A$750/dmt",
        "P989": "A$654 per tonne",
        "P990": "SC5.3 per cent",
        "P991": "0.6665",
        "P992": "nearly 20% more expensive",
        "P993": "$128/kWh",
        "P994": "$US95/kWh",
        "P997": "$270 million",
        "P998": "80,000 tons per year",
        "P999": "15-25% nickel, 5-15% cobalt, 3-5% lithium",
        "P1000": "90% by 2027",
        "P1001": "about 9%",
        "P1002": "€1,386 (€1.45/km)",
        "P1003": "payables of 69-75%",
        "P1004": "US$16,335 per ton",
        "P1040": "between five percent and 12 percent",
    }
    quoted(quotes)


def test_the_readme_counts_the_rows_of_every_table(global_net):
    # The network README's table of contents gives each table's number of rows; a rebuild that
    # changes a table changes its count there too.
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "networks" / "global-li-ion-2024" / "README.md").read_text("utf-8")
    section = text.split("## What is in it", 1)[1].split("\n\n", 2)[1]
    rows = {}
    for line in section.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = int(cells[1].replace(",", ""))
    assert len(rows) >= 12
    for table, n in rows.items():
        assert len(global_net.tables[table]) == n, table
