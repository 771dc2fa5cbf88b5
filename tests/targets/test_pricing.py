"""Price of resilience: monotone in the cap, warm re-solves equal fresh solves, the plot."""

from __future__ import annotations

import numpy as np
import pytest

import valuechain as vc
from valuechain.analysis.caps import load_targets_study
from valuechain.analysis.pricing import fresh_cost, plot_price_of_resilience, price_of_resilience
from valuechain.opt import MaxOriginShare, Study


def test_sweep_by_hand(pair):
    study = Study(
        start=2025, discount_rate=0.0, stocks=False,
        policies=(MaxOriginShare(commodities=("cell_nmc",), region="X", origin="Y", share=1.0, label="y-cap"),),
    )  # fmt: skip
    f = price_of_resilience(pair, study, shares=[1.0, 0.8, 0.5, 0.2])
    # cost 100 s + 300 (1 - s): premium 200 (1 - s); 2 per point; per kWh over 1e8 kWh
    assert f["premium"].to_numpy() == pytest.approx([0.0, 40.0, 100.0, 160.0], abs=1e-6)
    assert f["cost_per_pp"].iloc[1:].to_numpy() == pytest.approx([2.0, 2.0, 2.0])
    assert f["premium_per_kwh"].to_numpy() == pytest.approx(f["premium"].to_numpy() / 1e8)
    assert f["warm"].iloc[1:].all()
    assert f.attrs["policy"] == "y-cap"
    assert f.attrs["reference_cost"] == pytest.approx(100.0)


def test_toy_battery_monotone_and_warm_equals_fresh():
    net = vc.load_network("toy-battery")
    shares = [0.7, 0.6, 0.5, 0.45, 0.4, 0.3]
    f = price_of_resilience(net, "toy-battery", shares=shares)
    cost = f["total_cost"].to_numpy()
    assert (np.diff(cost) >= -1e-9 * np.abs(cost[:-1])).all()
    assert (f["premium"] >= -1e-6 * abs(f.attrs["reference_cost"])).all()
    study = load_targets_study("toy-battery")
    for i in (1, 4):
        fresh = fresh_cost(net, study, f.attrs["policy"], shares[i])
        assert cost[i] == pytest.approx(fresh, rel=1e-6)


def test_default_sweep_starts_at_todays_share_on_toy():
    f = price_of_resilience("toy-battery", "toy-battery")
    # China holds 50 % of German cells today (toy-battery's first cap): the sweep starts there
    assert f["share"].iloc[0] == pytest.approx(0.5)
    assert f["share"].iloc[-1] == pytest.approx(0.4)
    assert len(f) == 7


@pytest.mark.slow
def test_global_sweep_monotone_and_warm_equals_fresh():
    net = vc.load_network("global-li-ion-2024")
    f = price_of_resilience(net, "eu-crma-2030", shares=[0.65, 0.4])
    cost = f["total_cost"].to_numpy()
    assert (np.diff(cost) >= -1e-9 * np.abs(cost[:-1])).all()
    from valuechain.analysis.caps import with_today
    from valuechain.analysis.targets import origin_shares, today_shares

    study = load_targets_study("eu-crma-2030")
    study = with_today(study, today_shares(net)["top_share"].fillna(0.0).to_dict(), origin_shares(net))
    assert cost[-1] == pytest.approx(fresh_cost(net, study, f.attrs["policy"], 0.4), rel=1e-6)


def test_plot():
    f = price_of_resilience("toy-battery", "toy-battery", shares=[0.6, 0.4])
    fig = plot_price_of_resilience(f)
    ax = fig.axes[0]
    assert len(ax.lines[0].get_xdata()) == 2
    assert any("/kWh" in t.get_text() for t in ax.texts)
