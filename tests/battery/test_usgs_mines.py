"""Mine output of nickel, manganese and three lithium producers from the USGS Mineral Commodity Summaries 2026
(the 2024 column), recomputed by hand, with the provenance each figure carries."""

import pytest

from valuechain.network.provenance import figure_provenance


def _activity(net, pid):
    return float(net.processes.loc[pid, "baseline_activity"])


def test_each_figure_is_quoted_as_the_table_holds_it(quoted):
    quoted(
        {
            "P1020": '"production_prev_raw": "10200"',
            "P1021": '"production_prev_raw": "4820"',
            "P1022": '"production_prev_raw": "3710000"',
            "P1023": '"production_prev_raw": "2310000"',
            "P1030": '"production_prev_raw": "1600"',
            "P1034": '"production_prev_raw": "340"',
            "P1035": '"production_prev_raw": "1280"',
            "P1036": '"production_prev_raw": "1240"',
            "P1037": '"production_prev_raw": "20000"',
            "P1038": '"production_prev_raw": "205000"',
            "P1039": '"production_prev_raw": "116000"',
        }
    )


def test_mine_output_by_hand(global_net):
    net = global_net
    assert _activity(net, "id-nickel_ore") == pytest.approx(2_310_000)
    assert _activity(net, "ru-nickel_ore") == pytest.approx(205_000)
    assert _activity(net, "nc-nickel_ore") == pytest.approx(116_000)
    # RoW: the world's 3.71 Mt less Indonesia, the Philippines, Canada, Australia, China, Russia, New Caledonia
    # and Finland's 30 kt
    listed = 2_310_000 + 354_000 + 125_000 + 98_000 + 115_000 + 205_000 + 116_000 + 30_000
    assert _activity(net, "row-nickel_ore") == pytest.approx(3_710_000 - listed)
    # manganese in t Mn: Australia after Cyclone Megan; RoW is Cote d'Ivoire + Ghana + other countries
    assert _activity(net, "au-manganese_ore") == pytest.approx(1_600_000)
    assert _activity(net, "row-manganese_ore") == pytest.approx(340_000 + 1_280_000 + 1_240_000)
    # lithium in t LCE: Brazil's and Canada's t Li in the same ratio to Australia's 88 kt (P050)
    au = _activity(net, "au-lithium_ore")
    assert _activity(net, "br-lithium_ore") / au == pytest.approx(10_200 / 88_000)
    assert _activity(net, "ca-lithium_ore") / au == pytest.approx(4_820 / 88_000)
    assert _activity(net, "zw-lithium_ore") / au == pytest.approx(20_000 / 88_000)


def test_provenance_of_the_mines(global_net):
    figs = figure_provenance(global_net).set_index(["table", "row", "field"])
    kind = {p: figs.loc[("processes", p, "baseline_activity"), "kind"] for p in
            ("id-nickel_ore", "au-manganese_ore", "row-manganese_ore", "row-nickel_ore", "fi-nickel_ore")}  # fmt: skip
    assert kind == {
        "id-nickel_ore": "direct",
        "au-manganese_ore": "direct",
        "row-manganese_ore": "derived from direct",  # a sum of three USGS figures
        "row-nickel_ore": "derived",  # a residual that takes Finland's assumed output
        "fi-nickel_ore": "assumption",
    }
    assert figs.loc[("processes", "row-manganese_ore", "baseline_activity"), "source"] == "P1034;P1035;P1036"


def test_finland_runs_its_nickel_sulphate_on_its_own_mine(global_net):
    # Terrafame's mixed sulphide (Finland's 30 kt of mined nickel, A-mines) covers nearly all that Finland's sulphate
    # plants draw (29 kt x 1.05); the rest, 450 t, comes from Indonesia. Russia's nickel for Harjavalta (T124: 88 %
    # of Finland's nickel imports by value) is matte refined to metal, which the network leaves in other uses.
    r = global_net.routes
    mine = global_net.processes.loc["fi-nickel_intermediate"]
    assert float(mine["baseline_activity"]) == pytest.approx(30_000)
    fi = r[(r["commodity"] == "nickel_intermediate") & (r["destination"] == "FI") & (r["baseline_flow"] > 0)]
    made = global_net.baseline_activity["fi-nickel_sulphate"] * 1.05
    assert float(fi["baseline_flow"].sum()) == pytest.approx(made - 30_000, rel=1e-6)
    assert float(fi["baseline_flow"].sum()) < 0.02 * made
