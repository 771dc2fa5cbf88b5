"""Front-loading in simulated flows: a route multiplier above 1 ships more, from what the origin spares."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import valuechain as vc
from valuechain.scenarios import ExportControl, Scenario, ScenarioSet, compile_shocks
from valuechain.scenarios.compiled import ShockArrays
from valuechain.sim import default_periods, simulate

LOW = 1e-9  # rounding of sums in the kernel


def _two_regions(mine_base: float, mine_capacity: float = 20.0, stock_a: float = 0.0) -> vc.Network:
    """A mine in A (capacity 20 t a month) feeding a plant in A (2 t) and, over a route (10 t), a plant in B.

    ``stock_a``: an initial stock (and stock capacity) at A's hub of g.
    """
    b = vc.NetworkBuilder("front", year=2024, period="month")
    for r in ("A", "B"):
        b.add_region(r)
    b.add_commodity("g", unit="t", stage="product", value=1.0)
    b.add_commodity("cell", unit="GWh", stage="cell", value=10.0)
    if stock_a:
        b.add_hub("A", "g", initial_stock=stock_a, stock_capacity=stock_a)
    b.add_process("mine", region="A", capacity=mine_capacity, baseline_activity=mine_base, outputs={"g": 1.0})
    b.add_process("a-cells", region="A", capacity=2.0, baseline_activity=2.0, inputs={"g": 1.0}, outputs={"cell": 1.0})
    b.add_process(
        "b-cells", region="B", capacity=10.0, baseline_activity=10.0, inputs={"g": 1.0}, outputs={"cell": 1.0}
    )
    b.add_route("a-b", "g", "A", "B", capacity=float("inf"), baseline_flow=10.0)
    b.add_demand("A", "cell", quantity=2.0)
    b.add_demand("B", "cell", quantity=10.0)
    return b.build(check_balance=False)


def _pulled_forward(net: vc.Network, multipliers: list[float]) -> ShockArrays:
    sh = ShockArrays.baseline(net, default_periods(net, len(multipliers)), ["front-load"])
    sh.route_capacity[0, :, net.routes.index.get_loc("a-b")] = multipliers
    return sh


@pytest.mark.parametrize(
    ("mine_base", "mode", "flow", "served_b", "stock_b"),
    [
        # the mine makes 14 t, A's plant takes 2 and the route 10: A has 2 t spare. Month 1 asks
        # 10 x 1.5 = 15 t: pro rata the extra comes only from the spare 2 t (A's plant still gets
        # its 2 t), so 12 t ship and B keeps 2 t above its level of 0. Month 2 ships 10 x 0.5 = 5 t
        # and B's plant runs on 5 + 2 = 7 t.
        (14.0, "pro-rata", [12.0, 5.0, 10.0], [10.0, 7.0, 10.0], [2.0, 0.0, 0.0]),
        # re-sourcing pulls the other 3 t from the mine's spare capacity (14 -> 17 of 20): 15 t
        # ship, B keeps 5 t and runs on 5 + 5 = 10 t in month 2
        (14.0, "re-sourcing", [15.0, 5.0, 10.0], [10.0, 10.0, 10.0], [5.0, 0.0, 0.0]),
        # a balanced origin (mine at 12 t) spares nothing pro rata: no front-loading, B runs on
        # 5 t in month 2
        (12.0, "pro-rata", [10.0, 5.0, 10.0], [10.0, 5.0, 10.0], [0.0, 0.0, 0.0]),
        # re-sourcing takes all 5 t from the mine's spare capacity (12 -> 17)
        (12.0, "re-sourcing", [15.0, 5.0, 10.0], [10.0, 10.0, 10.0], [5.0, 0.0, 0.0]),
    ],
)
def test_front_loading_by_hand(mine_base, mode, flow, served_b, stock_b) -> None:
    net = _two_regions(mine_base)
    ds = simulate(net, _pulled_forward(net, [1.5, 0.5, 1.0]), mode=mode, keep="full").dataset.isel(scenario=0)
    np.testing.assert_allclose(ds["flow"].sel(route="a-b").to_numpy(), flow, rtol=1e-12)
    np.testing.assert_allclose(ds["served"].sel(hub="B:cell").to_numpy(), served_b, rtol=1e-12)
    np.testing.assert_allclose(ds["stock"].sel(hub="B:g").to_numpy(), stock_b, atol=1e-12)
    # the origin's own plant never goes short for the buyers' sake
    np.testing.assert_allclose(ds["served"].sel(hub="A:cell").to_numpy(), [2.0, 2.0, 2.0], rtol=1e-12)


def _stocked_origin(mine_capacity: float) -> vc.Network:
    """The two regions with a balanced mine (12 t of ``mine_capacity``) and 4 t of stock at A's hub of g."""
    return _two_regions(12.0, mine_capacity=mine_capacity, stock_a=4.0)


@pytest.mark.parametrize(
    ("mine_capacity", "mode", "rush", "flow", "stock_a", "served_b"),
    [
        # month 1 asks 10 x 1.5 = 15 t, 5 t above the baseline. Pro rata a balanced origin spares
        # nothing, so without rush stock nothing extra ships; with all of it, A ships its 4 t of
        # stock (14 t in all) and with half of it 2 t. In month 2 (0.5: 5 t asked) A keeps the
        # 5 t the route leaves, up to its level of 4 t, and B runs on 5 t plus what it kept.
        (20.0, "pro-rata", 0.0, [10.0, 5.0], [4.0, 4.0], [10.0, 5.0]),
        (20.0, "pro-rata", 1.0, [14.0, 5.0], [0.0, 4.0], [10.0, 9.0]),
        (20.0, "pro-rata", 0.5, [12.0, 5.0], [2.0, 4.0], [10.0, 7.0]),
        # re-sourcing takes the 5 t from the mine's spare capacity first (8 t): the stock stays
        (20.0, "re-sourcing", 1.0, [15.0, 5.0], [4.0, 4.0], [10.0, 10.0]),
        # with 2 t of spare capacity (14 of 14), the other 3 t come from the stock
        (14.0, "re-sourcing", 0.0, [12.0, 5.0], [4.0, 4.0], [10.0, 7.0]),
        (14.0, "re-sourcing", 1.0, [15.0, 5.0], [1.0, 4.0], [10.0, 10.0]),
    ],
)
def test_front_loading_from_the_exporters_stock_by_hand(mine_capacity, mode, rush, flow, stock_a, served_b) -> None:
    net = _stocked_origin(mine_capacity)
    res = simulate(net, _pulled_forward(net, [1.5, 0.5]), mode=mode, keep="full", rush_from_stock=rush)
    ds = res.dataset.isel(scenario=0)
    np.testing.assert_allclose(ds["flow"].sel(route="a-b").to_numpy(), flow, rtol=1e-12)
    np.testing.assert_allclose(ds["stock"].sel(hub="A:g").to_numpy(), stock_a, atol=1e-12)
    np.testing.assert_allclose(ds["served"].sel(hub="B:cell").to_numpy(), served_b, rtol=1e-12)
    # the stock goes to the buyers only after the origin's own plant is served
    np.testing.assert_allclose(ds["served"].sel(hub="A:cell").to_numpy(), [2.0, 2.0], rtol=1e-12)


@pytest.mark.parametrize("value", [-0.1, 1.5, "all", True])
def test_a_bad_rush_from_stock_is_refused_with_what_was_expected(value) -> None:
    from valuechain.errors import ScenarioError

    with pytest.raises(ScenarioError, match=r"rush_from_stock.*a number in \[0, 1\]"):
        simulate(_stocked_origin(20.0), mode="re-sourcing", rush_from_stock=value)


def test_the_route_capacity_caps_what_is_pulled_forward() -> None:
    # capacity 12 t: month 1 ships min(10 x 1.5, 12) = 12 t, B keeps 2 t and runs on 5 + 2 = 7 t
    net = _two_regions(12.0)
    tables = {t: df.copy() for t, df in net.tables.items()}
    tables["routes"].loc["a-b", "capacity"] = 12.0
    net = vc.Network.from_frames(net.name, tables, year=net.year, period=net.period, check_balance=False)
    ds = simulate(net, _pulled_forward(net, [1.5, 0.5]), mode="re-sourcing", keep="full").dataset.isel(scenario=0)
    np.testing.assert_allclose(ds["flow"].sel(route="a-b").to_numpy(), [12.0, 5.0], rtol=1e-12)
    np.testing.assert_allclose(ds["served"].sel(hub="B:cell").to_numpy(), [10.0, 7.0], rtol=1e-12)


def _shortfall(res: vc.sim.SimResult) -> np.ndarray:
    return res.dataset["shortfall"].sum(dim=("period", "hub")).to_numpy()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    approvals=st.lists(st.floats(0, 1), min_size=2, max_size=4),
    storage=st.floats(0.1, 3),
    month=st.integers(2, 9),
    mode=st.sampled_from(["pro-rata", "re-sourcing"]),
)
def test_with_front_loading_higher_approval_never_increases_shortfall(toy, approvals, storage, month, mode) -> None:
    # the regime buyers pull purchases forward under (front_load 1, two months before the start)
    approvals = sorted(approvals)
    scs = [
        Scenario(
            f"a{i}",
            [
                ExportControl(
                    "CN",
                    ["anode_natural", "cam_nmc"],
                    start=f"2025-{month + 1:02d}-01",
                    announced=f"2025-{month - 1:02d}-01",
                    approval=a,
                    lag=1,
                    front_load=1.0,
                    storage=storage,
                )
            ],
        )
        for i, a in enumerate(approvals)
    ]
    shocks = compile_shocks(toy, ScenarioSet(scs), start="2025-01", periods=15)
    assert (shocks.route_capacity > 1.0).any()  # (the regime does pull forward)
    short = _shortfall(vc.simulate(toy, shocks, mode=mode, keep="full"))
    assert (np.diff(short) <= LOW * (1 + short[:-1])).all(), (approvals, short)


@pytest.fixture(scope="module")
def global_net() -> vc.Network:
    return vc.load_network("global-li-ion-2024")


def _cn_exports(net: vc.Network, ds, commodity: str) -> np.ndarray:
    rt = net.routes
    ids = list(rt.index[(rt["origin"] == "CN") & (rt["commodity"] == commodity)])
    return ds["flow"].sel(route=ids).isel(scenario=0).sum("route").to_numpy()


def test_cn_graphite_2023_pulls_forward_then_collapses_on_the_global_network(global_net) -> None:
    # announced 20 Oct 2023, effective 1 Dec 2023; buyers rush from 1 Nov (front_from), pulling
    # 2.28 months of purchases forward in November, and nothing is taken back afterwards (the
    # library's 'initial' is read off a series that already shows it). On a grid from Jul 2023:
    # Oct asks the baseline, Nov 1 + 2.28, Dec and Jan the initial share 0.3. In re-sourcing mode
    # China's natural-graphite mines ship the rush from their spare capacity of a month, which is
    # less than asked now that China exports 8.7 kt of flake a month to Korea, Japan, the US and
    # the EU. Its spherical-graphite (anode_natural) plants would need that spare flake too, so
    # they ship their baseline in November: not less, and less than asked.
    from valuechain.scenarios import named

    sc = named("cn-graphite-2023")
    res = simulate(global_net, sc, start="2023-07", periods=10, mode="re-sourcing", keep="full")
    base = simulate(global_net, None, start="2023-07", periods=10, mode="re-sourcing", keep="full")
    flake = _cn_exports(global_net, res.dataset, "natural_graphite") / _cn_exports(
        global_net, base.dataset, "natural_graphite"
    )
    mine = global_net.processes.loc["cn-natural_graphite"]
    spare = (float(mine["capacity"]) - float(mine["baseline_activity"])) / 12
    level = float(_cn_exports(global_net, base.dataset, "natural_graphite")[4])
    assert 1 + spare / level < 3.28
    # (rtol: the global network balances to about 1e-8)
    np.testing.assert_allclose(flake[:7], [1, 1, 1, 1, 1 + spare / level, 0.3, 0.3], rtol=1e-7)
    anode = _cn_exports(global_net, res.dataset, "anode_natural") / _cn_exports(
        global_net, base.dataset, "anode_natural"
    )
    np.testing.assert_allclose(anode[[0, 1, 2, 3, 5, 6]], [1, 1, 1, 1, 0.3, 0.3], rtol=1e-7)
    assert 1 - 1e-7 < anode[4] < 3.28
    for got in (flake, anode):
        assert got[9] >= 0.8  # (Apr 2024: every destination licensed, the US last)
    # pro rata China spares nothing (its hubs balance), so nothing is pulled forward
    flat = simulate(global_net, sc, start="2023-07", periods=6, mode="pro-rata", keep="full")
    np.testing.assert_allclose(
        _cn_exports(global_net, flat.dataset, "natural_graphite")[:5],
        _cn_exports(global_net, base.dataset, "natural_graphite")[:5],
        rtol=1e-12,
    )


def _with_more_stock(net: vc.Network, hub: int, extra: float) -> vc.Network:
    tables = {t: df.copy() for t, df in net.tables.items()}
    hubs = tables["hubs"]
    hubs.iloc[hub, hubs.columns.get_loc("initial_stock")] += extra
    cap = hubs["stock_capacity"].to_numpy(dtype=float)
    hubs["stock_capacity"] = np.maximum(cap, hubs["initial_stock"].to_numpy(dtype=float))
    return vc.Network.from_frames(net.name, tables, year=net.year, period=net.period, check_balance=False)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    hub=st.integers(0, 14),
    extra=st.floats(100.0, 50_000.0),
    approval=st.floats(0, 1),
    storage=st.floats(0.1, 3),
    mode=st.sampled_from(["pro-rata", "re-sourcing"]),
    rush=st.sampled_from([0.0, 1.0]),
)
def test_with_front_loading_more_stock_never_increases_shortfall(
    toy, hub, extra, approval, storage, mode, rush
) -> None:
    # the toy network's 15 hubs start empty; buyers of China's anode and cathode pull forward
    # from 1 Mar for a control from 1 May
    control = ExportControl(
        "CN",
        ["anode_natural", "cam_nmc"],
        start="2025-05-01",
        announced="2025-03-01",
        approval=approval,
        lag=1,
        front_load=1.0,
        storage=storage,
    )
    shocks = compile_shocks(toy, control, start="2025-01", periods=12)
    # (rush: exporters may also ship their stock for the pulled-forward orders)
    less = float(_shortfall(vc.simulate(toy, shocks, mode=mode, keep="full", rush_from_stock=rush))[0])
    richer = _with_more_stock(toy, hub, extra)
    more = float(_shortfall(vc.simulate(richer, shocks, mode=mode, keep="full", rush_from_stock=rush))[0])
    assert more <= less + LOW * (1 + less)
