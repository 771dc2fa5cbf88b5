"""Commodity values and build times of the global network, recomputed by hand from the figures they cite."""

import pytest

from valuechain.network.provenance import figure_provenance


@pytest.fixture(scope="module")
def figs(global_net):
    return figure_provenance(global_net)


def test_values_from_2024_prices_by_hand(global_net, quoted):
    value = global_net.commodities["value"]
    # 870 USD per t of 6 % Li2O concentrate (P966); a t LCE is 29.88 / (0.06 x 73.89) = 6.739748 t of it,
    # so 5,863.58 USD per t LCE.
    assert value["lithium_ore"] == pytest.approx(5_863.58, abs=0.01)
    # 90,000 CNY/t (P967) at 7.1358 CNY per USD (P968) = 12,612.46 USD per t LCE, for either salt.
    assert value["lithium_carbonate"] == pytest.approx(12_612.46, abs=0.01)
    assert value["lithium_hydroxide"] == value["lithium_carbonate"]
    # 26,379 CNY per t of NiSO4.6H2O (P969) x 262.85 / 58.69 t per t Ni / 7.1358 = 16,556.16 USD per t Ni.
    assert value["nickel_sulphate"] == pytest.approx(16_556.16, abs=0.01)
    # Fastmarkets' -100 mesh flake: midpoints 553.5 (Jan) and 460 (Oct), mean 506.75 USD/t (P972).
    assert value["natural_graphite"] == pytest.approx(506.75)
    # Published prices taken as they are.
    assert (value["cobalt_ore"], value["cobalt_refined"], value["cam_nmc"]) == (12_625, 25_678.91, 27_683)
    quotes = {
        "P966": "$US870 per tonne",
        "P967": "annual average was 90,000 yuan/mt",
        "P968": "7.1358 against the U.S. dollar",
        "P969": "26,379 yuan/mt",
        "P970": "$12,625/mt (metal content)",
        "P971": "$25,678.91/t",
        "P972": "$450-470 per tonne",
        "P973": "$27,683 per ton",
    }
    quoted(quotes)


def test_a_value_names_its_inputs_and_holding_costs_inherit_them(global_net, figs):
    val = figs[(figs["table"] == "commodities") & (figs["field"] == "value")].set_index("row")
    assert (val.loc["nickel_sulphate", "source"], val.loc["nickel_sulphate", "kind"]) == (
        "P969;P968",
        "derived from direct",
    )
    assert val.loc["cobalt_ore", "kind"] == "direct"
    assert val.loc["lithium_hydroxide", "kind"] == "derived"  # one price for both salts is an assumption
    assert val.loc["electrolyte", "kind"] == "assumption"
    # Precursor: SMM's 6- and 8-series prices of 7 Nov 2024 in yuan (P982, P983) at P968.
    assert (val.loc["pcam", "source"], val.loc["pcam", "kind"]) == ("P982;P983;P968", "derived from direct")
    assert global_net.commodities.loc["pcam", "value"] == pytest.approx((65_000 + 80_500) / 2 / 7.1358)
    hold = figs[(figs["table"] == "hubs") & (figs["field"] == "holding_cost")].set_index("row")
    # 10 % of the value a year (P904): derived from direct where the value is.
    assert hold.loc["CN/nickel_sulphate", "source"] == "P904;P969;P968"
    assert hold.loc["CN/nickel_sulphate", "kind"] == "derived from direct"
    assert hold.loc["CN/pcam", "kind"] == "derived from direct"
    assert hold.loc["CN/electrolyte", "kind"] == "derived"
    assert global_net.hubs.set_index(["region", "commodity"]).loc[("CN", "nickel_sulphate"), "holding_cost"] == (
        pytest.approx(0.10 * 16_556.16, abs=1e-3)
    )


def test_growth_options_cite_published_build_times_where_one_matches(global_net, figs, quoted):
    exp = global_net.expansions
    rows = figs[(figs["table"] == "expansions") & figs["row"].str.endswith("-grow")]
    src = rows.set_index(["row", "field"])["source"]
    # A spodumene mine built in about two years (P974) with a 20-year life (P975).
    assert (exp.loc["au-lithium_ore-grow", "lead_time"], exp.loc["au-lithium_ore-grow", "lifetime"]) == (2.0, 20.0)
    assert (src[("au-lithium_ore-grow", "lead_time")], src[("au-lithium_ore-grow", "lifetime")]) == ("P974", "P975")
    # A cell plant outside China: two years (P976); a Chinese line one year, as a CATL phase (P995).
    cells = [e for e in exp.index if e.endswith("-grow") and "-cell_" in e]
    cn = [e for e in cells if e.startswith("cn-")]
    other = [e for e in cells if not e.startswith("cn-")]
    assert cn
    assert other
    assert {src[(e, "lead_time")] for e in other} == {"P976"}
    assert {src[(e, "lead_time")] for e in cn} == {"P995"}
    assert set(exp.loc[cn, "lead_time"]) == {1.0}
    # Refineries: a 20-year life (P977) and an assumed one-year build.
    refs = [e for e in exp.index if e.endswith("-grow") and "lithium_carbonate" in e]
    assert refs
    assert {src[(e, "lifetime")] for e in refs} == {"P977"}
    assert {src[(e, "lead_time")] for e in refs} == {"A-growth-options"}
    # LFP cathode plants: one year, the lower end of the construction cycle of LFP projects (P996);
    # other material plants the median of five plants' build times: 8.8, 9, 10, 17 and 28 months -> 10.
    lfp = [e for e in exp.index if e.endswith("-cam_lfp-grow")]
    nmc = [e for e in exp.index if e.endswith("-cam_nmc-grow") or e.endswith("-anode_natural-grow")]
    assert lfp
    assert nmc
    assert {src[(e, "lead_time")] for e in lfp} == {"P996"}
    assert set(exp.loc[lfp, "lead_time"]) == {1.0}
    assert {src[(e, "lead_time")] for e in nmc} == {"P1102;P1103;P1104;P1105;P1106"}
    assert exp.loc[nmc, "lead_time"].tolist() == pytest.approx([10 / 12] * len(nmc))
    # Cathode, precursor and anode plants live 26 years: the median of 13 (an LFP cathode plant), 26 and
    # 35 (two anode plants); electrolyte and separator plants an assumed 20; recycling plants 10 (P1101).
    mat = [
        e for e in exp.index if e.endswith(("-cam_nmc-grow", "-cam_lfp-grow", "-pcam-grow", "-anode_synthetic-grow"))
    ]
    assert {src[(e, "lifetime")] for e in mat} == {"P1098;P1099;P1100"}
    assert set(exp.loc[mat, "lifetime"]) == {26.0}
    comp = [e for e in exp.index if e.endswith(("-electrolyte-grow", "-separator-grow"))]
    assert comp
    assert {src[(e, "lifetime")] for e in comp} == {"A-growth-options"}
    assert set(exp.loc[comp, "lifetime"]) == {20.0}
    rec = [e for e in exp.index if e.endswith(("-hydromet-grow", "-black_mass-grow", "-pretreatment-grow"))]
    assert rec
    assert {src[(e, "lifetime")] for e in rec} == {"P1101"}
    assert set(exp.loc[rec, "lifetime"]) == {10.0}
    quotes = {
        "P974": "started in February 2017",
        "P975": "20 years",
        "P977": "20-year initial life",
        "P995": "no more than 12 months",
        "P996": "1 year to 1.5 years",
        "P1098": "for 13 years of LFP production",
        "P1099": "Manufacturing Facility): 26 years",
        "P1100": "an IRR of 15% over 35 years",
        "P1101": "during a 10-year life",
        "P1102": "after nine months of building",
        "P1103": "in nur 10 Monaten abgeschlossen",
        "P1104": "commenced on March 11 this year",
        "P1105": "2018.10 - 2020.03",
        "P1106": "Production has been running since July",
    }
    quoted(quotes)


def test_named_and_generic_eu_options_take_their_stages_published_times(global_net, figs):
    # An EU option whose lifetime or lead time is its stage's published one cites that record, as the
    # growth options do; a figure of its own (a longer EU build) stays an assumption.
    exp = global_net.expansions
    rows = figs[(figs["table"] == "expansions") & ~figs["row"].str.endswith("-grow")]
    src = rows.set_index(["row", "field"])["source"]
    eu = exp[~exp.index.str.endswith("-grow") & exp["region"].isin(["DE", "FR", "ES", "HU", "PL", "SE", "FI"])]
    cells = [e for e in eu.index if "cell" in e]
    refineries = [e for e in eu.index if "lithium_hydroxide" in e or "lithium_carbonate" in e]
    assert cells
    assert refineries
    assert {src[(e, "lifetime")] for e in refineries} == {"P977"}
    assert set(exp.loc[refineries, "lifetime"]) == {20.0}
    two = [e for e in cells if exp.loc[e, "lead_time"] == 2.0]
    assert two
    assert {src[(e, "lead_time")] for e in two} == {"P976"}
    other = [e for e in eu.index if exp.loc[e, "lead_time"] == 3.0]
    assert other
    assert {src[(e, "lead_time")] for e in other} == {"A-capex"}
