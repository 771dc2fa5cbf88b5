"""Resilience LPs on networks small enough to work out by hand, and agreement with the simulator.

The hand network: a supplier (capacity 10 parts a month, time to recover 3 months) feeds an
assembly line of unlimited capacity (the schema's default, time to recover 2 months) that turns one
part into one product; the product hub holds 10 units of stock; demand is 10 products a month,
worth 5 each. The baseline serves everything (supplier 10 a month, assembly 10 a month).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import valuechain as vc
from valuechain import Network, NetworkBuilder
from valuechain.analysis import resilience, ttr_impact, tts_lp
from valuechain.cli import run
from valuechain.sim import time_to_survive

ORDERS = [["assembly", "supplier"], ["supplier", "assembly"]]


def hand_network(stock: float = 10.0) -> Network:
    """Supplier (10 a month) -> assembly (unlimited) -> demand 10 a month at 5, ``stock`` products held."""
    b = NetworkBuilder("hand", year=2024, period="month")
    b.add_commodity("part", unit="unit", stage="component")
    b.add_commodity("product", unit="unit", stage="pack")
    b.add_region("X")
    b.add_hub("X", "product", initial_stock=stock)
    b.add_process("supplier", region="X", outputs={"part": 1.0}, capacity=10.0, ttr=3.0)
    b.add_process(
        "assembly", region="X", inputs={"part": 1.0}, outputs={"product": 1.0}, baseline_activity=10.0, ttr=2.0
    )
    b.add_demand("X", "product", quantity=10.0, value_of_lost_demand=5.0)
    return b.build()


def test_the_assembly_line_has_unlimited_capacity():
    assert math.isinf(hand_network().processes.at["assembly", "capacity"])


@pytest.mark.parametrize("order", ORDERS)
def test_ttr_impact_of_an_unlimited_process_in_any_order(order: list[str]):
    t = ttr_impact(hand_network(), order, periods=12)
    # assembly down 2 months: the stock of 10 serves month 1, month 2's 10 units are lost (10 x 5 = 50);
    # parts made meanwhile cannot serve month 2 afterwards (lost demand is not carried over)
    assert t.loc["assembly", "lost_units"] == pytest.approx(10.0)
    assert t.loc["assembly", "lost_value"] == pytest.approx(50.0)
    # supplier down 3 months: stock serves month 1, months 2 and 3 are lost: 20 units, 100
    assert t.loc["supplier", "lost_units"] == pytest.approx(20.0)
    assert t.loc["supplier", "lost_value"] == pytest.approx(100.0)
    # REI: 50 / 100 and 100 / 100; lost share of 12 x 10 x 5 = 600 of demand value
    assert t["rei"].to_dict() == pytest.approx({"supplier": 1.0, "assembly": 0.5})
    assert t.loc["assembly", "lost_share"] == pytest.approx(50 / 600)
    assert t.attrs["units"]["lost_units"] == "unit"


@pytest.mark.parametrize("order", ORDERS)
def test_tts_of_an_unlimited_process_in_any_order(order: list[str]):
    t = tts_lp(hand_network(), order, periods=12)
    # either node down: nothing reaches the market but the 10 in stock, which last 10 / 10 = 1 month
    assert t.loc["assembly", "tts"] == pytest.approx(1.0, abs=1e-9)
    assert t.loc["supplier", "tts"] == pytest.approx(1.0, abs=1e-9)
    assert t.loc["assembly", "lost_value"] == pytest.approx(50.0)
    assert t.loc["supplier", "lost_value"] == pytest.approx(100.0)
    assert t["at_risk"].all()  # 1 month < TTR of 2 and 3 months


def test_tts_is_continuous():
    # 15 in stock at 10 a month last 1.5 months, not the whole month 1 of period bisection
    t = tts_lp(hand_network(15.0), with_impact=False)
    assert t.loc["assembly", "tts"] == pytest.approx(1.5, abs=1e-9)
    assert t.loc["supplier", "tts"] == pytest.approx(1.5, abs=1e-9)


def test_tts_against_an_intact_network_that_cannot_serve_everything():
    # demand 12 a month, supplier 10: the intact network serves everything while the 10 in stock
    # make up the missing 2 a month (5 months), then loses 2 a month (worth 10 a month). With either
    # node down only the stock serves: 10 / 12 of a month, after which it loses more than the
    # intact network (which loses nothing before month 5).
    b = NetworkBuilder("hand-short", year=2024, period="month")
    b.add_commodity("part", unit="unit", stage="component")
    b.add_commodity("product", unit="unit", stage="pack")
    b.add_region("X")
    b.add_hub("X", "product", initial_stock=10.0)
    b.add_process("supplier", region="X", outputs={"part": 1.0}, capacity=10.0)
    b.add_process("assembly", region="X", inputs={"part": 1.0}, outputs={"product": 1.0}, baseline_activity=10.0)
    b.add_demand("X", "product", quantity=12.0, value_of_lost_demand=5.0)
    net = b.build(check_balance=False)
    lp = resilience.SurvivalLP(net, periods=8)
    assert lp.lost.tolist() == pytest.approx([0, 0, 0, 0, 0, 0, 10, 20, 30])
    for node in ("supplier", "assembly"):
        assert lp.tts(resilience.position(lp.nodes, node)) == pytest.approx(10 / 12, abs=1e-9)


def test_tts_of_a_part_stock_and_a_spare_line():
    # a second supplier with 4 spare a month: the 15 in stock make up 6 a month for 15 / 6 = 2.5 months
    b = NetworkBuilder("hand-spare", year=2024, period="month")
    b.add_commodity("part", unit="unit", stage="component")
    b.add_commodity("product", unit="unit", stage="pack")
    b.add_region("X")
    b.add_hub("X", "product", initial_stock=15.0)
    b.add_process("supplier", region="X", outputs={"part": 1.0}, capacity=10.0, baseline_activity=6.0)
    b.add_process("spare", region="X", outputs={"part": 1.0}, capacity=4.0, baseline_activity=4.0)
    b.add_process("assembly", region="X", inputs={"part": 1.0}, outputs={"product": 1.0}, baseline_activity=10.0)
    b.add_demand("X", "product", quantity=10.0, value_of_lost_demand=5.0)
    t = tts_lp(b.build(), with_impact=False)
    assert t.loc["supplier", "tts"] == pytest.approx(2.5, abs=1e-9)
    # the spare line down: the supplier alone makes the 10 a month, for ever
    assert math.isinf(t.loc["spare", "tts"])


@pytest.mark.parametrize(("stock", "lp_tts"), [(10.0, 1.0), (15.0, 1.5)])
def test_simulator_agrees_within_a_period_by_hand(stock: float, lp_tts: float):
    net = hand_network(stock)
    sim = time_to_survive(net, periods=12)
    lp = tts_lp(net, with_impact=False)
    for node in ("assembly", "supplier"):
        assert lp.loc[node, "tts"] == pytest.approx(lp_tts, abs=1e-9)
        # the simulator counts whole months: floor(1.0) = floor(1.5) = 1
        assert sim.loc[node, "tts"] == math.floor(lp_tts)
        assert lp.loc[node, "tts"] - 1 < sim.loc[node, "tts"] <= lp.loc[node, "tts"] + 1e-9


def test_simulator_never_outlasts_the_program_on_toy_battery():
    net = vc.load_network("toy-battery")
    sim = time_to_survive(net, periods=24)["tts"]
    lp = tts_lp(net, with_impact=False)["tts"].loc[sim.index]
    assert (sim <= lp + 1e-9).all()
    # where the simulator's allocation is the best one, the two agree to within a period
    same = ["au-mine", "cn-refinery", "cn-aam", "cn-cam", "cn-cells", "de-hydromet"]
    for p in same:
        assert (math.isinf(sim[p]) and math.isinf(lp[p])) or lp[p] - 1 < sim[p] <= lp[p] + 1e-9, p
    # not vacuous: zero, finite and unlimited times to survive all occur
    assert (lp == 0).any()
    assert np.isfinite(lp[lp > 0]).any()
    assert np.isinf(lp).any()


def test_tts_of_the_graphite_mines_on_toy_battery_by_hand():
    # With the mines down, anode comes from the 90 000 t of graphite in stock (1.1 t per t of anode)
    # and the 8 000 t of anode held in Germany: 90 000 / 1.1 + 8 000 = 89 818.2 t. Cells needed in
    # January 2025: 1000 GWh a year x 1.1 (a year of 10 % growth) / 12, less the 30 GWh a year the
    # German market sells, each GWh needing 1000 t of anode: 89 166.7 t, so the stock outlasts
    # January; February's demand is 1.1 ** (1 / 12) times January's, so the rest lasts
    # (89 818.2 - 89 166.7) / 89 897.6 of February.
    t = tts_lp(vc.load_network("toy-battery"), ["cn-graphite-mine"], with_impact=False)
    stock = 90_000 / 1.1 + 8_000
    jan = 1000 * (1000 * 1.1 - 30) / 12
    feb = 1000 * (1000 * 1.1 ** (1 + 1 / 12) - 30) / 12
    expected = 1 + (stock - jan) / feb
    assert t.loc["cn-graphite-mine", "tts"] == pytest.approx(expected, rel=1e-7)
    assert expected == pytest.approx(1.00725, abs=1e-5)


def _toy_tts_both():
    net = vc.load_network("toy-battery")
    sim = time_to_survive(net, periods=24, ramp_depth=None)["tts"].clip(upper=24.0)
    lp = tts_lp(net, with_impact=False)["tts"].loc[sim.index].clip(upper=24.0)
    return sim, lp


def test_simulator_agrees_within_a_period_with_the_program_where_hubs_need_not_choose():
    # re-sourcing over the whole chain (ramp_depth=None) ramps up spare capacity as far up as the
    # program does (a route to its origin, a producer to its input hub): stopping de-cam, de-cells, de-collect, de-recycler
    # or cn-hydromet loses no demand in either over the 24 months, and the others lose it from the first
    # month in both; cn-graphite-mine is the one where a hub would have to choose (below)
    sim, lp = _toy_tts_both()
    both = sim.drop("cn-graphite-mine")
    assert ((lp.loc[both.index] - both).abs() < 1.0).all()
    assert sim["de-cam"] == sim["cn-hydromet"] == 24.0  # the whole horizon


@pytest.mark.xfail(
    strict=True,
    reason="a short hub shares pro rata: China's anode hub (81,818 t for 83,333 t of uses in January) cuts its "
    "cells and its route to Germany alike by 1.8 %, though Germany's 8,000 t of anode stock could stand in for the "
    "route; the program sends Germany less, China's cells lose nothing, and it survives 1.007 months",
)
def test_simulator_agrees_within_a_period_on_cn_graphite_mine():
    sim, lp = _toy_tts_both()
    assert abs(lp["cn-graphite-mine"] - sim["cn-graphite-mine"]) < 1.0


def test_the_program_bounds_the_whole_chain_simulator_on_the_global_network_with_demand_held():
    # The time-to-survive program chooses every flow with foresight; the simulator follows rules
    # (pro-rata hubs, pulls up the chain). So where both see the same demand, no process survives
    # longer in the simulator: a simulated pull that made supply out of nothing would. The program
    # grows demand by the network's growth rates and the simulator holds the base year's, so the
    # program is given flat demand here (with growth, 17 EV LFP pack lines and China's nickel
    # sulphate survive 2-8 months in it and the whole horizon in the simulator).
    net = vc.load_network("global-li-ion-2024")
    tables = {k: v.copy() for k, v in net.tables.items()}
    tables["demand"]["growth"] = 0.0
    flat = Network.from_frames(net.name, tables, year=net.year, period=net.period, units=net.units,
                               check_balance=False)  # fmt: skip
    sim = time_to_survive(net, periods=24, ramp_depth=None)["tts"].clip(upper=24.0)
    lp = tts_lp(flat, list(sim.index), periods=24, with_impact=False)["tts"].clip(upper=24.0)
    assert (sim <= lp + 1e-9).all(), (sim - lp)[sim > lp + 1e-9].to_dict()
    assert ((lp - sim).abs() < 1.0).sum() >= 180  # and they agree within a month on most (187 of 223)
    # with spare capacity online over ramp_up in both: the program starts every ramp in the outage's
    # first month, the simulator in the first month a plant runs above plan, never sooner
    sim_r = time_to_survive(net, periods=24, ramp_depth=None, spare_ramp=True)["tts"].clip(upper=24.0)
    lp_r = tts_lp(flat, list(sim.index), periods=24, with_impact=False, spare_ramp=True)["tts"].clip(upper=24.0)
    assert (sim_r <= lp_r + 1e-9).all(), (sim_r - lp_r)[sim_r > lp_r + 1e-9].to_dict()
    assert (lp_r <= lp + 1e-9).all()  # demand held: the intact network needs no spare, so ramps only cost


def test_scaled_bounds_never_nan():
    ub = np.array([[np.inf, 10.0], [np.inf, np.inf]])
    out = resilience.scaled_bounds(ub, np.array([[0.0, 0.0], [0.25, 1.0]]))
    assert not np.isnan(out).any()
    assert out.tolist() == [[0.0, 0.0], [np.inf, np.inf]]


def test_cli_shows_decimals_and_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = hand_network(15.0).save(tmp_path / "hand")
    assert run(["resilience", str(folder), "--periods", "12"]) == 0
    text = capsys.readouterr().out
    assert "units lost (unit)" in text
    # supplier: TTS 1.50 months; down 3 months with 15 in stock: 15 - 10 = 5 left for month 2, so
    # 5 + 10 = 15 units lost, worth 75
    row = next(line for line in text.splitlines() if "supplier" in line)
    cells = [c.strip() for c in row.split("│")]
    assert cells[3:7] == ["3.00", "1.50", "15", "75"]


def test_tts_beyond_the_horizon_is_inf():
    # 1000 in stock at 10 a month last 100 months: past a 12-month horizon, inside a 120-month one
    net = hand_network(1000.0)
    assert math.isinf(tts_lp(net, ["assembly"], periods=12, with_impact=False).loc["assembly", "tts"])
    t = tts_lp(net, ["assembly"], periods=120, with_impact=False)
    assert t.loc["assembly", "tts"] == pytest.approx(100.0, abs=1e-9)


def test_spare_ramp_on_toy_battery_with_demand_held():
    net = vc.load_network("toy-battery")
    tables = {k: v.copy() for k, v in net.tables.items()}
    tables["demand"]["growth"] = 0.0

    def variant(ramp_scale: float) -> Network:
        tables["processes"]["ramp_up"] = ramp_scale * net.processes["ramp_up"]
        return Network.from_frames(net.name, tables, year=net.year, period=net.period, units=net.units)

    at_once = tts_lp(variant(1.0), periods=12, with_impact=False)["tts"]
    # no ramps: the option changes nothing
    assert tts_lp(variant(0.0), periods=12, with_impact=False, spare_ramp=True)["tts"].equals(at_once)
    # the network's own ramps (2-3 months) bring enough spare online in the first month: nothing changes
    assert tts_lp(variant(1.0), periods=12, with_impact=False, spare_ramp=True)["tts"].equals(at_once)
    # ramps ten times as long (20-30 months): with demand held the intact network needs no spare, so
    # no process survives longer; Germany's cell plant, survived at once on Chinese cells, is not: a
    # twentieth of China's spare cells in the first month cannot stand in for it
    slow = tts_lp(variant(10.0), periods=12, with_impact=False, spare_ramp=True)["tts"]
    assert (slow <= at_once).all()
    assert math.isinf(at_once["de-cells"])
    assert slow["de-cells"] == 0.0, slow.to_dict()
    assert (slow < at_once).sum() == 1
