"""A cap on one origin's share of a region's consumption counts what the region really uses.

Two hand-computed cases where the recipe-and-stock accounting let a plan meet a cap on paper:
stock bought from the capped origin while the cap was loose, and an input the plants no longer
use because they run on an alternative.
"""

from __future__ import annotations

import pytest

import valuechain as vc
from valuechain.analysis.caps import CapPath
from valuechain.analysis.targets import achieved_shares
from valuechain.opt import MaxOriginShare, build, solve
from valuechain.opt.policies import least_draws
from valuechain.opt.study import Study


def _stock_net(holding: float):
    # E uses 100 t of x a year; C sells it at 1 a tonne delivered, U at 3; E may hold stock.
    b = vc.NetworkBuilder("draw", year=2024, period="year")
    for r in ("E", "C", "U"):
        b.add_region(r)
    b.add_commodity("x", unit="t", stage="product")
    b.add_process("mine-c", region="C", capacity=1_000.0, outputs={"x": 1.0})
    b.add_process("mine-u", region="U", capacity=1_000.0, outputs={"x": 1.0})
    b.add_route("c-e", "x", "C", "E", cost=1.0)
    b.add_route("u-e", "x", "U", "E", cost=3.0)
    b.add_demand("E", "x", quantity=100.0, value_of_lost_demand=1_000.0)
    b.add_hub("E", "x", initial_stock=0.0, holding_cost=holding, stock_capacity=1_000.0)
    return b.build(check_balance=False)


def test_stock_bought_while_a_cap_path_is_loose_does_not_meet_it_later():
    # No cap in 2025; C at most half of E's 2026 consumption. Holding costs 1.5 a tonne-year.
    # Stock drawn in 2026 counted as consumption would let 50 t bought from C in 2025 (cost
    # 1 + 1.5 each) serve 2026 beside 50 t more from C: 2025 150 + 75 holding, 2026 50 = 275.
    # Counted as not from this year's supply, a draw d leaves C <= 0.5 (100 - d), U the rest:
    # 100 + 2.5 d + 2 (100 - d) = 300 + 0.5 d, so no stock: C 50 and U 50 in 2026, 100 + 200 = 300.
    cap = CapPath(commodities=("x",), region="E", origin="C", path=((2026, 0.5, False),), label="c-half")
    study = Study(network="draw", start=2025, years=2, discount_rate=0.0, policies=(cap,))
    model = build(_stock_net(holding=1.5), study)
    assert solve(model).objective == pytest.approx(300.0, rel=1e-9)
    # what the targets table reads: 2026, 50 t from C over E's 100 t drawn from this year's supply
    got = achieved_shares(model, "c-half").xs(2026, level="period").iloc[0]
    assert (got["made"], got["basis"], got["share"]) == pytest.approx((50.0, 100.0, 0.5), rel=1e-9)


def test_a_draw_left_above_the_stock_really_drawn_is_read_at_that_stock():
    # a draw costs nothing, so where the cap does not bind a solver may leave it high; the shares
    # are read with the stock really drawn: none here (E holds no stock), so 100 t of use, not 70
    cap = CapPath(commodities=("x",), region="E", origin="C", path=((2026, 0.9, False),), label="c-loose")
    study = Study(network="draw", start=2025, years=2, discount_rate=0.0, policies=(cap,))
    model = build(_stock_net(holding=1.5), study)
    solve(model)
    draw = model.lp.var_blocks["policy:c-loose__draw"]
    x = model._solution.x.copy()
    x[draw.offset : draw.offset + draw.size] = 30.0
    fixed = least_draws(model, "c-loose", x)
    assert fixed[draw.offset : draw.offset + draw.size] == pytest.approx([0.0, 0.0], abs=1e-9)


def test_a_cap_on_an_input_counts_what_the_plants_use_after_substitution():
    # E's plant makes 100 t of y a year from 1 t of x each, or from 1 t of z instead (all of it,
    # no ramp). x comes only from C (1 a tonne), z only from U (1.2 a tonne). C may supply at
    # most half of E's consumption of x. Counted from the recipe (100 t of x, whatever runs on
    # z), 50 t of x from C would pass: 50 + 60 = 110. But x comes only from C, so any x used is
    # all from C: the plant must run wholly on z, 100 x 1.2 = 120.
    b = vc.NetworkBuilder("subst", year=2024, period="year")
    for r in ("E", "C", "U"):
        b.add_region(r)
    for c in ("x", "z", "y"):
        b.add_commodity(c, unit="t", stage="product")
    b.add_process("mine-c", region="C", capacity=1_000.0, outputs={"x": 1.0})
    b.add_process("mine-u", region="U", capacity=1_000.0, outputs={"z": 1.0})
    b.add_process("plant", region="E", capacity=1_000.0, inputs={"x": 1.0}, outputs={"y": 1.0})
    b.add_alternative("plant", "x", alternative="z", coefficient=1.0, share_max=1.0, ramp_months=0.0)
    b.add_route("c-e", "x", "C", "E", cost=1.0)
    b.add_route("u-e", "z", "U", "E", cost=1.2)
    b.add_demand("E", "y", quantity=100.0, value_of_lost_demand=1_000.0)
    net = b.build(check_balance=False)
    cap = MaxOriginShare(commodities=("x",), region="E", origin="C", share=0.5, label="c-half")
    study = Study(network="subst", start=2025, years=1, discount_rate=0.0, policies=(cap,), substitution=True)
    assert solve(build(net, study)).objective == pytest.approx(120.0, rel=1e-9)
