"""The optimiser holds a hub's order-up-to level of stock without buying strategic reserve."""

from __future__ import annotations

import pytest

import valuechain as vc
from valuechain.opt import build, solve
from valuechain.opt.study import Study


def _net(**hub):
    b = vc.NetworkBuilder("stock", year=2024, period="year")
    b.add_region("A")
    b.add_commodity("x", unit="t", stage="product")
    b.add_process("mine", region="A", capacity=4.0, outputs={"x": 1.0})
    b.add_demand("A", "x", quantity=5.0, value_of_lost_demand=100.0)
    b.add_hub("A", "x", initial_stock=6.0, holding_cost=1.0, **hub)
    return b.build(check_balance=False)


@pytest.mark.parametrize(
    ("hub", "objective"),
    [
        # year 1: 4 made + 6 in stock, 5 used, 1 carried into year 2 (4 + 1 = 5 used): the carried
        # tonne is within the level (the initial stock, 6 t), so no reserve is bought: 0
        ({}, 0.0),
        # 36.5 days of 5 t a year are 0.5 t: the other 0.5 t carried needs reserve at 1 a tonne: 0.5
        ({"days_of_cover": 36.5}, 0.5),
    ],
)
def test_stock_up_to_the_level_is_held_free_by_hand(hub, objective):
    study = Study(network="stock", years=2, discount_rate=0.0)
    assert solve(build(_net(**hub), study)).objective == pytest.approx(objective, abs=1e-9)


def test_keep_stocks_holds_the_initial_stock_at_the_end_by_hand():
    # 5 t a year from a mine of 4 t/yr and 6 t in stock. Free to run the stock down, 3 years take
    # 12 made + 3 from stock: nothing lost, 0. Kept, the stock must end at its 6 t, so the 3 t are
    # lost at 100: 300; over 2 years, 8 made against 10: 2 t lost, 200.
    net = _net()
    free = Study(network="stock", years=3, discount_rate=0.0)
    kept = free.replace(keep_stocks=True)
    assert solve(build(net, free)).objective == pytest.approx(0.0, abs=1e-9)
    assert solve(build(net, kept)).objective == pytest.approx(300.0)
    assert solve(build(net, kept.replace(years=2))).objective == pytest.approx(200.0)


def test_a_study_file_sets_keep_stocks_and_the_lp_method(tmp_path):
    from valuechain.errors import StudyError
    from valuechain.opt.study import load_study

    spec = tmp_path / "s.yaml"
    spec.write_text("network: toy-battery\noptions: {keep_stocks: true}\nsolver: {method: ipm}\n")
    study = load_study(spec)
    assert study.keep_stocks is True
    assert study.solver["method"] == "ipm"
    spec.write_text("network: toy-battery\nsolver: {method: barrier}\n")
    with pytest.raises(
        StudyError, match=r"solver.method: expected one of auto, simplex, ipm, hipo, pdlp, got 'barrier'"
    ):
        load_study(spec)
