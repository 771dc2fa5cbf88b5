"""Stocks that refill and inputs that substitute: hand-computed runs and properties of the real kernel."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import reference_simulate
from strategies import networks, shock_arrays, storage_network

import valuechain as vc
from valuechain.analysis import tts_lp
from valuechain.cli import run
from valuechain.errors import NetworkError, ScenarioError
from valuechain.network.model import Network
from valuechain.scenarios.compiled import ShockArrays
from valuechain.sim import default_periods, simulate


def _mine_network(**hub):
    """A mine making 5 t a month of its 10 t capacity for a demand of 5 t a month at hub A:x."""
    b = vc.NetworkBuilder("refill", year=2024, period="month")
    b.add_region("A")
    b.add_commodity("x", unit="t", stage="product", value=1.0)
    b.add_process("mine", region="A", capacity=10.0, baseline_activity=5.0, outputs={"x": 1.0})
    b.add_demand("A", "x", quantity=5.0)
    b.add_hub("A", "x", **hub)
    return b.build()


def _mine_down_first_month(net, n_t=5):
    sh = ShockArrays.baseline(net, default_periods(net, n_t), ["mine-down"])
    sh.process_capacity[0, 0, 0] = 0.0
    return sh


def test_refill_orders_half_the_gap_from_spare_capacity_by_hand():
    net = _mine_network(initial_stock=6.0, refill_rate=0.5)
    stock = simulate(net, _mine_down_first_month(net), mode="re-sourcing").dataset["stock"].sel(hub="A:x")
    # month 0: the mine is down; 6 t of stock serve the 5 t demand, 1 t is left (the mine has no
    # capacity to refill from). Month 1: 1 + 5 made - 5 used = 1 t; the gap to the level 6 is 5 t,
    # half of it (2.5 t) is ordered from the mine's spare 10 - 5 = 5 t: 3.5 t. Then the gap halves
    # every month: 3.5 + 1.25 = 4.75, 4.75 + 0.625 = 5.375.
    np.testing.assert_allclose(stock.to_numpy().ravel(), [1.0, 3.5, 4.75, 5.375, 5.6875])


def test_without_a_refill_rate_a_drawn_stock_stays_drawn():
    net = _mine_network(initial_stock=6.0)
    stock = simulate(net, _mine_down_first_month(net), mode="re-sourcing").dataset["stock"].sel(hub="A:x")
    # refill_rate 0 (the default): only what is left over refills, and in balance nothing is
    np.testing.assert_allclose(stock.to_numpy().ravel(), [1.0] * 5)


def test_days_of_cover_set_the_order_up_to_level_by_hand():
    # 5 t a month is 5 x 12 / 365 t a day; 36.5 days of cover are 36.5 x 60 / 365 = 6 t, and the hub
    # starts with 2 t: month 0 (mine down) serves 2 of 5 t; then the gap 6 - 0 = 6 is fully ordered
    # (refill_rate 1) from the mine's 5 t spare: 5 t kept, then the last 1 t
    net = _mine_network(initial_stock=2.0, days_of_cover=36.5, refill_rate=1.0)
    ds = simulate(net, _mine_down_first_month(net, 3), mode="re-sourcing").dataset
    np.testing.assert_allclose(ds["stock"].sel(hub="A:x").to_numpy().ravel(), [0.0, 5.0, 6.0])
    np.testing.assert_allclose(ds["served"].sel(hub="A:x").to_numpy().ravel(), [2.0, 5.0, 5.0])


def test_a_refill_rate_above_one_is_refused():
    with pytest.raises(NetworkError, match=r"refill_rate 1.5 is above 1"):
        _mine_network(initial_stock=1.0, refill_rate=1.5)


def _with_more_stock(net: Network, hub: int, extra: float) -> Network:
    tables = {t: df.copy() for t, df in net.tables.items()}
    hubs = tables["hubs"]
    hubs.iloc[hub, hubs.columns.get_loc("initial_stock")] += extra
    cap = hubs["stock_capacity"].to_numpy(dtype=float)
    hubs["stock_capacity"] = np.maximum(cap, hubs["initial_stock"].to_numpy(dtype=float))
    return Network.from_frames(net.name, tables, year=net.year, period=net.period, check_balance=False)


def _unserved(net, sh, mode, **kw):
    ds = simulate(net, sh, mode=mode, keep="full", **kw).dataset
    return float((ds["demand"] - ds["served"]).sum())


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_more_initial_stock_never_means_more_shortfall(data):
    net = data.draw(networks())
    sh = data.draw(shock_arrays(net))
    hub = data.draw(st.integers(0, len(net.hubs) - 1))
    extra = data.draw(st.floats(0.5, 50.0))
    more = _with_more_stock(net, hub, extra)
    for mode in ("pro-rata", "re-sourcing"):
        less = _unserved(net, sh, mode)
        assert _unserved(more, sh, mode) <= less + 1e-7 * (1 + less)


def _anode_network(**alt):
    """Cells from one t of natural and one t of synthetic anode per unit; the synthetic mine has spare capacity."""
    b = vc.NetworkBuilder("anodes", year=2024, period="month")
    b.add_region("A")
    for c in ("n", "s"):
        b.add_commodity(c, unit="t", stage="product", value=1.0)
    b.add_commodity("cell", unit="GWh", stage="cell", value=10.0)
    b.add_process("mine-n", region="A", capacity=5.0, baseline_activity=5.0, outputs={"n": 1.0})
    b.add_process("mine-s", region="A", capacity=20.0, baseline_activity=5.0, outputs={"s": 1.0})
    b.add_process(
        "cells", region="A", capacity=10.0, baseline_activity=5.0, inputs={"n": 1.0, "s": 1.0}, outputs={"cell": 1.0}
    )
    b.add_demand("A", "cell", quantity=5.0)
    b.add_alternative("cells", "n", alternative="s", coefficient=1.2, **alt)
    return b.build()


def _natural_at_40_percent(net, n_t=3):
    sh = ShockArrays.baseline(net, default_periods(net, n_t), ["natural-cut"])
    sh.process_capacity[0, :, net.processes.index.get_loc("mine-n")] = 0.4
    return sh


@pytest.mark.parametrize(
    ("alt", "substitution", "served"),
    [
        # natural anode at 2 t supports 2 GWh alone. Ramp of 2 months: half the share in the first
        # month, so at most 2 / (1 - 0.5) = 4 GWh, the other 2 GWh on 1.2 x 2 = 2.4 t of synthetic
        # from the synthetic mine's spare 15 t; then the full share: 5 GWh (3.6 t of synthetic).
        ({"share_max": 1.0, "ramp_months": 2.0}, True, [4.0, 5.0, 5.0]),
        # at most half the activity on the alternative: 2 / 0.5 = 4 GWh every month
        ({"share_max": 0.5}, True, [4.0, 4.0, 4.0]),
        # chemistry switching forbidden: the 2 t of natural anode make 2 GWh
        ({"share_max": 1.0}, False, [2.0, 2.0, 2.0]),
    ],
)
def test_substitution_by_hand(alt, substitution, served):
    net = _anode_network(**alt)
    ds = simulate(net, _natural_at_40_percent(net), mode="re-sourcing", substitution=substitution).dataset
    np.testing.assert_allclose(ds["served"].sel(hub="A:cell").to_numpy().ravel(), served)
    if substitution and alt.get("ramp_months"):
        # month 0: the cells run 4 GWh, using 4 t of their own synthetic input, so 1 t of the 5 t
        # allocated is left at the hub and goes to the alternative's 2.4 t; the mine makes the other
        # 1.4 t: 5 + 1.4 = 6.4 t. Then 5 GWh use all 5 t and 3.6 t more: 8.6 t.
        np.testing.assert_allclose(ds["activity"].sel(process="mine-s").to_numpy().ravel(), [6.4, 8.6, 8.6])


def test_substitution_does_nothing_in_pro_rata_mode():
    net = _anode_network(share_max=1.0)
    ds = simulate(net, _natural_at_40_percent(net), mode="pro-rata").dataset
    np.testing.assert_allclose(ds["served"].sel(hub="A:cell").to_numpy().ravel(), [2.0, 2.0, 2.0])


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ({"commodity": "cell"}, r"'cell' is not an input of process 'cells'"),
        ({"alternative": "n"}, r"alternative 'n' is the input it replaces"),
        ({"share_max": 1.5}, r"share_max 1.5 is above 1"),
    ],
)
def test_bad_alternatives_are_refused_naming_the_field(row, match):
    net = _anode_network(share_max=1.0)
    tables = {t: df.copy() for t, df in net.tables.items()}
    for k, v in row.items():
        tables["alternatives"][k] = v
    with pytest.raises(NetworkError, match=match):
        Network.from_frames(net.name, tables, year=net.year, period=net.period)


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_allowed_substitution_never_increases_shortfall(data):
    net = data.draw(networks())
    sh = data.draw(shock_arrays(net))
    without = _unserved(net, sh, "re-sourcing", substitution=False)
    assert _unserved(net, sh, "re-sourcing", substitution=True) <= without + 1e-7 * (1 + without)


@pytest.mark.xfail(
    strict=True,
    reason="a process runs to its plan when it can, whatever later periods need: allowed to substitute in "
    "February, p2 runs 1.55 on the alternative and uses its share of R0:c10, which with substitution forbidden "
    "stays as 1.158 of stock; March's demand for c10 at R0 is then 1.092 shorter (18.312 against 17.221 units "
    "unserved over the horizon), and p2's product serves no final demand",
)
def test_substitution_counterexample():
    # A random network and shocks Hypothesis found (tests/data/README.md), kept as files: the
    # property above does not hold on it.
    import warnings
    from pathlib import Path

    import pandas as pd

    from valuechain.errors import NetworkWarning

    folder = Path(__file__).resolve().parents[1] / "data" / "substitution-counterexample"
    with warnings.catch_warnings():  # (random networks need not balance)
        warnings.simplefilter("ignore", NetworkWarning)
        net = vc.load_network(folder)
    arrays = np.load(folder / "shocks.npz")
    sh = ShockArrays.baseline(net, pd.period_range("2025-01", periods=3, freq="M"), ["s0", "s1"])
    for name in ("process_capacity", "route_capacity", "demand"):
        getattr(sh, name)[:] = arrays[name]
    without = _unserved(net, sh, "re-sourcing", substitution=False)
    assert without == pytest.approx(17.2208, abs=1e-4)
    assert _unserved(net, sh, "re-sourcing", substitution=True) <= without + 1e-7 * (1 + without)


def _nmc_at_40_percent(net, n_t=3):
    sh = ShockArrays.baseline(net, default_periods(net, n_t), ["nmc-cut"])
    sh.process_capacity[0, :, net.processes.index.get_loc("cells-nmc")] = 0.4
    return sh


@pytest.mark.parametrize(
    ("flags", "served"),
    [
        # NMC cells at 2 GWh support 2 GWh of storage packs alone. Ramp of 2 months to a share of
        # 0.8: 0.4 in the first month, so at most 2 / (1 - 0.4) = 3.333 GWh, the other 1.333 GWh
        # on LFP cells from the LFP plant's spare 15 GWh; then 0.8: 2 / 0.2 = 10, capped by the
        # plan of 5 GWh (3 GWh of LFP). Lost: 1.667 GWh instead of 9 GWh.
        ({}, [10.0 / 3.0, 5.0, 5.0]),
        ({"substitution": False}, [10.0 / 3.0, 5.0, 5.0]),  # another recourse: switching still runs
        # chemistry switching forbidden: the 2 GWh of NMC cells make 2 GWh of packs
        ({"chemistry_switching": False}, [2.0, 2.0, 2.0]),
    ],
)
def test_storage_switches_to_lfp_when_nmc_cells_are_cut_by_hand(flags, served):
    net = storage_network(share_max=0.8, ramp_months=2.0)
    ds = simulate(net, _nmc_at_40_percent(net), mode="re-sourcing", **flags).dataset
    np.testing.assert_allclose(ds["served"].sel(hub="A:ess").to_numpy().ravel(), served)
    # the LFP cells' own demand is served in full either way: the switch takes spare output only
    np.testing.assert_allclose(ds["served"].sel(hub="A:lfp").to_numpy().ravel(), [5.0, 5.0, 5.0])
    if flags.get("chemistry_switching", True):
        # 5 GWh for the demand plus 1.333, then 3 GWh for the packs
        np.testing.assert_allclose(ds["activity"].sel(process="cells-lfp").to_numpy().ravel(), [5 + 4 / 3, 8.0, 8.0])


def test_forbidding_one_recourse_leaves_the_other_as_it_was():
    # the anode network's graphite switch is a "substitution": forbidding chemistry switching does
    # not touch it (served as in test_substitution_by_hand: 2 / (1 - 0.5) = 4 GWh every month)
    net = _anode_network(share_max=0.5)
    ds = simulate(net, _natural_at_40_percent(net), mode="re-sourcing", chemistry_switching=False).dataset
    np.testing.assert_allclose(ds["served"].sel(hub="A:cell").to_numpy().ravel(), [4.0, 4.0, 4.0])


def test_an_unknown_recourse_is_refused_naming_the_field():
    net = storage_network()
    tables = {t: df.copy() for t, df in net.tables.items()}
    tables["alternatives"]["recourse"] = "chemistry"
    with pytest.raises(NetworkError, match=r"alternatives.*recourse.*chemistry"):
        Network.from_frames(net.name, tables, year=net.year, period=net.period)


def _recourse_shut(net: Network, recourse: str) -> Network:
    """The network with the rows of ``recourse`` kept but their share_max set to 0."""
    tables = {t: df.copy() for t, df in net.tables.items()}
    alt = tables["alternatives"]
    alt.loc[alt["recourse"] == recourse, "share_max"] = 0.0
    return Network.from_frames(net.name, tables, year=net.year, period=net.period, check_balance=False)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_allowed_chemistry_switching_never_increases_shortfall(data):
    net = data.draw(networks())
    sh = data.draw(shock_arrays(net))
    sub = data.draw(st.booleans())
    without = _unserved(net, sh, "re-sourcing", substitution=sub, chemistry_switching=False)
    allowed = _unserved(net, sh, "re-sourcing", substitution=sub, chemistry_switching=True)
    assert allowed <= without + 1e-7 * (1 + without)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_forbidding_chemistry_switching_is_a_share_of_zero(data):
    # forbidden, the rows of the recourse do nothing, exactly as rows that may take no share; the
    # rows of the other recourse still run (their ranges in the arrays the kernel takes are kept)
    net = data.draw(networks())
    sh = data.draw(shock_arrays(net))
    forbidden = simulate(net, sh, mode="re-sourcing", keep="full", chemistry_switching=False).dataset
    shut = simulate(_recourse_shut(net, "chemistry_switching"), sh, mode="re-sourcing", keep="full").dataset
    for name in ("served", "activity", "flow", "stock"):
        np.testing.assert_array_equal(forbidden[name].to_numpy(), shut[name].to_numpy())


def _two_region_metal(mine_ramp: float = 0.0, refinery_ramp: float = 0.0, stock: float = 0.0):
    """Region A mines ore and refines it to metal for its own demand; B's own metal plant is the one shocked.

    The ramps are the mine's and the refinery's ``ramp_up``, in months; B holds ``stock`` t of metal.
    """
    b = vc.NetworkBuilder("ramp", year=2024, period="month")
    for r in ("A", "B"):
        b.add_region(r)
    if stock:
        b.add_hub("B", "metal", initial_stock=stock)
    b.add_commodity("ore", unit="t", stage="mining", value=1.0)
    b.add_commodity("metal", unit="t", stage="product", value=2.0)
    b.add_process("mine", region="A", capacity=10.0, baseline_activity=5.0, outputs={"ore": 1.0}, ramp_up=mine_ramp)
    b.add_process(
        "refine-a", region="A", capacity=10.0, baseline_activity=5.0, inputs={"ore": 1.0}, outputs={"metal": 1.0},
        ramp_up=refinery_ramp,
    )  # fmt: skip
    b.add_process("plant-b", region="B", capacity=5.0, baseline_activity=5.0, outputs={"metal": 1.0})
    b.add_demand("A", "metal", quantity=5.0)
    b.add_demand("B", "metal", quantity=5.0)
    b.add_route("a-b", "metal", "A", "B", capacity=10.0, baseline_flow=0.0)
    return b.build()


def test_a_shortfall_ramps_up_spare_capacity_two_steps_up_the_chain_by_hand():
    # plant-b stops in month 0. B's metal hub is 5 t short; A's metal hub has nothing spare (A's
    # demand takes its 5 t), nor has A's ore hub (the refinery takes the mine's 5 t). Two steps up
    # the pull goes up the route to A's metal hub, then to the refinery's spare 5 t, which pulls
    # the mine's spare 5 t through the ore hub: the mine runs 10, the refinery 10, the route ships
    # 5 and B is served in full. One step up (the route's origin pulls, its refinery cannot) or
    # none, nothing moves, as pro rata.
    net = _two_region_metal()
    sh = ShockArrays.baseline(net, default_periods(net, 2), ["plant-b-down"])
    sh.process_capacity[0, 0, net.processes.index.get_loc("plant-b")] = 0.0
    for depth in (2, None):
        ds = simulate(net, sh, mode="re-sourcing", ramp_depth=depth).dataset
        np.testing.assert_allclose(ds["activity"].sel(process="mine").to_numpy().ravel(), [10.0, 5.0])
        np.testing.assert_allclose(ds["activity"].sel(process="refine-a").to_numpy().ravel(), [10.0, 5.0])
        np.testing.assert_allclose(ds["flow"].sel(route="a-b").to_numpy().ravel(), [5.0, 0.0])
        np.testing.assert_allclose(ds["served"].sel(hub="B:metal").to_numpy().ravel(), [5.0, 5.0])
    for depth in (0, 1):
        ds = simulate(net, sh, mode="re-sourcing", ramp_depth=depth).dataset
        np.testing.assert_allclose(ds["served"].sel(hub="B:metal").to_numpy().ravel(), [0.0, 5.0])
        np.testing.assert_allclose(ds["activity"].sel(process="mine").to_numpy().ravel(), [5.0, 5.0])
    ds = simulate(net, sh, mode="pro-rata").dataset
    np.testing.assert_allclose(ds["served"].sel(hub="B:metal").to_numpy().ravel(), [0.0, 5.0])


def test_spare_capacity_comes_online_over_ramp_up_by_hand():
    # As above, with the mine bringing its spare capacity online over 4 months and the refinery over
    # 2, and plant-b down for 4 months; the whole chain pulls. The mine may run 5 + 5 x min(1, k / 4)
    # in the k-th month it is asked for more (k = 1, 2, ...), the refinery 5 + 5 x min(1, k / 2): the
    # mine binds, and B gets 1.25, 2.5, 3.75, then 5. Once online the capacity stays online. Without
    # spare_ramp B is served in full from the first month.
    net = _two_region_metal(mine_ramp=4.0, refinery_ramp=2.0)
    sh = ShockArrays.baseline(net, default_periods(net, 5), ["plant-b-down"])
    sh.process_capacity[0, 0:4, net.processes.index.get_loc("plant-b")] = 0.0
    ds = simulate(net, sh, mode="re-sourcing", ramp_depth=None, spare_ramp=True).dataset
    np.testing.assert_allclose(ds["served"].sel(hub="B:metal").to_numpy().ravel(), [1.25, 2.5, 3.75, 5.0, 5.0])
    np.testing.assert_allclose(ds["activity"].sel(process="mine").to_numpy().ravel(), [6.25, 7.5, 8.75, 10.0, 5.0])
    np.testing.assert_allclose(ds["activity"].sel(process="refine-a").to_numpy().ravel(), [6.25, 7.5, 8.75, 10.0, 5.0])
    ref = reference_simulate(net, sh, "re-sourcing", ramp_depth=None, spare_ramp=True)
    np.testing.assert_allclose(ref["activity"][0, :, net.processes.index.get_loc("mine")], [6.25, 7.5, 8.75, 10.0, 5.0])
    ds = simulate(net, sh, mode="re-sourcing", ramp_depth=None).dataset
    np.testing.assert_allclose(ds["served"].sel(hub="B:metal").to_numpy().ravel(), [5.0] * 5)


@pytest.mark.parametrize("value", [1, "yes", None])
def test_a_bad_spare_ramp_is_refused_with_what_was_expected(value):
    with pytest.raises(ScenarioError, match=r"spare_ramp.*True or False"):
        simulate(_two_region_metal(), mode="re-sourcing", spare_ramp=value)


@pytest.mark.parametrize("depth", [-1, 1.5, True, "all"])
def test_a_bad_ramp_depth_is_refused_with_what_was_expected(depth):
    net = _two_region_metal()
    with pytest.raises(ScenarioError, match=r"ramp_depth.*an integer >= 0, or None for the whole chain"):
        simulate(net, mode="re-sourcing", ramp_depth=depth)


@pytest.mark.parametrize(("stock", "ramped"), [(10.0, math.inf), (7.0, 2.6), (5.0, 1.5), (3.0, 0.8), (0.0, 0.0)])
def test_spare_capacity_online_over_ramp_up_shortens_the_time_to_survive_by_hand(stock: float, ramped: float):
    # plant-b stops. A's mine may run 5 + 5 x min(1, k / 4) in month k, its refinery 5 + 5 x min(1, k / 2):
    # the mine binds, so B is short 3.75, 2.5, 1.25, then 0 a month: 3.75, 6.25 and 7.5 t by the ends of
    # months 1-3. Its stock lasts past all of it at 10 t; 7 t runs out at 2 + 0.75 / 1.25 = 2.6 months,
    # 5 t at 1 + 1.25 / 2.5 = 1.5, 3 t at 3 / 3.75 = 0.8. At once, A's spare serves B from the start.
    net = _two_region_metal(mine_ramp=4.0, refinery_ramp=2.0, stock=stock)
    got = tts_lp(net, ["plant-b"], periods=12, with_impact=False, spare_ramp=True).loc["plant-b", "tts"]
    assert got == pytest.approx(ramped, abs=1e-9) if math.isfinite(ramped) else math.isinf(got)
    assert math.isinf(tts_lp(net, ["plant-b"], periods=12, with_impact=False).loc["plant-b", "tts"])


def test_cli_spare_ramp_shortens_the_time_to_survive(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = _two_region_metal(mine_ramp=4.0, refinery_ramp=2.0, stock=5.0).save(tmp_path / "ramped")

    def tts_shown(*extra: str) -> str:
        assert run(["resilience", str(folder), "--periods", "12", *extra]) == 0
        row = next(line for line in capsys.readouterr().out.splitlines() if "plant-b" in line)
        return [c.strip() for c in row.split("│")][4]

    assert tts_shown() == "inf"
    assert tts_shown("--spare-ramp") == "1.50"  # 5 t of stock against 3.75 then 2.5 t short a month
    assert run(["resilience", str(folder), "--spare-ramp", "--no-tts"]) == 1
    assert "leave out --no-tts" in capsys.readouterr().err


@pytest.mark.parametrize("value", [1, "yes", None])
def test_a_bad_spare_ramp_is_refused_by_the_program_too(value):
    with pytest.raises(ScenarioError, match=r"spare_ramp.*True or False"):
        tts_lp(_two_region_metal(), ["plant-b"], with_impact=False, spare_ramp=value)


def _three_chemistries(nmc_capacity: float, sib_capacity: float) -> Network:
    """Storage packs on LFP cells (10 a month) that may switch to NMC (at most 30 %) or sodium-ion (50 %)."""
    b = vc.NetworkBuilder("three-chem", year=2024, period="month")
    b.add_region("A")
    for c in ("lfp", "nmc", "sib"):
        b.add_commodity(c, unit="GWh", stage="cell", value=1.0)
    b.add_commodity("pack", unit="GWh", stage="pack", value=2.0)
    b.add_process("lfp-line", region="A", capacity=10.0, baseline_activity=10.0, outputs={"lfp": 1.0})
    b.add_process("nmc-line", region="A", capacity=nmc_capacity, baseline_activity=0.0, outputs={"nmc": 1.0})
    b.add_process("sib-line", region="A", capacity=sib_capacity, baseline_activity=0.0, outputs={"sib": 1.0})
    b.add_process("pack", region="A", capacity=10.0, baseline_activity=10.0, inputs={"lfp": 1.0}, outputs={"pack": 1.0})
    b.add_demand("A", "pack", quantity=10.0)
    alt = {"coefficient": 1.0, "recourse": "chemistry_switching"}
    b.add_alternative("pack", "lfp", alternative="nmc", share_max=0.3, **alt)
    b.add_alternative("pack", "lfp", alternative="sib", share_max=0.5, **alt)
    return b.build()


@pytest.mark.parametrize(
    ("nmc_capacity", "sib_capacity", "packs", "nmc_made", "sib_made"),
    [
        # LFP at 40 %: own cells run 4 packs; the two alternatives may take 30 % + 50 % of the
        # activity, so it may reach 4 / (1 - 0.8) = 20, capped at the plan of 10. NMC is asked
        # first for min(6, 0.3 x 10) = 3, sodium-ion for the other 3.
        (10.0, 10.0, 10.0, 3.0, 3.0),
        # NMC gives 1: sodium-ion is asked for the other 5 (its share allows 5): 4 + 1 + 5 = 10
        (1.0, 10.0, 10.0, 1.0, 5.0),
        # sodium-ion gives 2: 4 + 3 + 2 = 9 would put 3 of 9 (33 %) on NMC, above its 30 %; the
        # most is a = (4 + 2) / (1 - 0.3) = 8.571, with 2.571 of the 3 NMC made (the rest is given
        # back to NMC's hub, which keeps no stock)
        (10.0, 2.0, 6.0 / 0.7, 3.0, 2.0),
    ],
)
def test_an_input_with_two_alternatives_by_hand(nmc_capacity, sib_capacity, packs, nmc_made, sib_made):
    net = _three_chemistries(nmc_capacity, sib_capacity)
    sh = ShockArrays.baseline(net, default_periods(net, 2), ["lfp-cut"])
    sh.process_capacity[0, 0, net.processes.index.get_loc("lfp-line")] = 0.4
    ds = simulate(net, sh, mode="re-sourcing", keep="full").dataset.isel(scenario=0, period=0)
    act = ds["activity"].to_series()
    assert act["pack"] == pytest.approx(packs, rel=1e-12)
    # what each alternative's line made for the pack line's asks (spare capacity pulled)
    assert act["nmc-line"] == pytest.approx(nmc_made, rel=1e-12)
    assert act["sib-line"] == pytest.approx(sib_made, rel=1e-12)
    ref = reference_simulate(net, sh, "re-sourcing")
    assert ref["activity"][0, 0, net.processes.index.get_loc("pack")] == pytest.approx(packs, rel=1e-9)
    # forbidding the switch leaves the 4 packs the LFP cells make
    off = simulate(net, sh, mode="re-sourcing", keep="full", chemistry_switching=False).dataset
    assert float(off["activity"].sel(process="pack").isel(scenario=0, period=0)) == pytest.approx(4.0, rel=1e-12)


def test_a_repeated_alternative_is_refused_with_its_row() -> None:
    b = vc.NetworkBuilder("twice", year=2024, period="month")
    b.add_region("A")
    for c in ("lfp", "nmc", "pack"):
        b.add_commodity(c, unit="GWh", stage="cell", value=1.0)
    b.add_process("lfp-line", region="A", capacity=10.0, baseline_activity=10.0, outputs={"lfp": 1.0})
    b.add_process("nmc-line", region="A", capacity=10.0, baseline_activity=0.0, outputs={"nmc": 1.0})
    b.add_process("pack", region="A", capacity=10.0, baseline_activity=10.0, inputs={"lfp": 1.0}, outputs={"pack": 1.0})
    b.add_demand("A", "pack", quantity=10.0)
    b.add_alternative("pack", "lfp", alternative="nmc", coefficient=1.0)
    b.add_alternative("pack", "lfp", alternative="nmc", coefficient=2.0)
    with pytest.raises(NetworkError, match=r"alternatives.*row 2.*duplicate"):
        b.build()
