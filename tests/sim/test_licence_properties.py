"""Licence regimes through the simulator (real Numba kernels): more approval never means more shortfall."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import valuechain as vc
from valuechain.scenarios import ExportControl, Scenario, ScenarioSet, compile_shocks

# exports of toy-battery that feed its cells: China's graphite anode and NMC cathode to Germany
COMMODITIES = st.sampled_from([["anode_natural"], ["cam_nmc"], ["anode_natural", "cam_nmc"]])
LOW = 1e-9  # rounding of sums in the kernel


def _shortfall(res: vc.sim.SimResult) -> np.ndarray:
    """Unmet demand of every scenario over the horizon, by scenario (in the order given)."""
    short = res.dataset["shortfall"].sum(dim=("period", "hub"))
    return short.to_numpy()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    commodities=COMMODITIES,
    approvals=st.lists(st.floats(0, 1), min_size=2, max_size=5),
    lag=st.integers(0, 4),
    initial=st.floats(0, 1),
    month=st.integers(1, 9),
    front_load=st.floats(0, 1),
    mode=st.sampled_from(["pro-rata", "re-sourcing"]),
)
def test_higher_approval_never_increases_shortfall(
    toy, commodities, approvals, lag, initial, month, front_load, mode
) -> None:
    approvals = sorted(approvals)
    start = f"2025-{month + 1:02d}-01"
    scs = [
        Scenario(
            f"a{i}",
            [
                ExportControl(
                    "CN",
                    commodities,
                    start=start,
                    announced=f"2025-{month:02d}-15",
                    approval=a,
                    lag=lag,
                    initial=min(initial, a),  # what goes out during the lag is no more than after it
                    front_load=front_load,
                )
            ],
        )
        for i, a in enumerate(approvals)
    ]
    shocks = compile_shocks(toy, ScenarioSet(scs), start="2025-01", periods=18)
    short = _shortfall(vc.simulate(toy, shocks, mode=mode, keep="full"))
    # approvals ascend, so shortfalls must not
    assert (np.diff(short) <= LOW * (1 + short[:-1])).all(), (approvals, short)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(commodities=COMMODITIES, month=st.integers(0, 11), day=st.integers(1, 28), duration=st.floats(0.5, 12))
def test_a_ban_equals_approval_zero_in_the_simulator(toy, commodities, month, day, duration) -> None:
    start = f"2025-{month + 1:02d}-{day:02d}"
    ban = Scenario("ban", [ExportControl("CN", commodities, severity=1.0, start=start, duration=duration)])
    zero = Scenario("zero", [ExportControl("CN", commodities, approval=0.0, start=start, duration=duration)])
    a = compile_shocks(toy, ban, start="2025-01", periods=24)
    b = compile_shocks(toy, zero, start="2025-01", periods=24)
    np.testing.assert_array_equal(a.route_capacity, b.route_capacity)
    ra = vc.simulate(toy, a, keep="full")
    rb = vc.simulate(toy, b, keep="full")
    np.testing.assert_array_equal(ra.dataset["flow"].to_numpy(), rb.dataset["flow"].to_numpy())
    np.testing.assert_array_equal(_shortfall(ra), _shortfall(rb))


def test_a_licence_collapse_then_recovery_shows_in_monthly_flows(toy) -> None:
    # nothing for 2 months from 1 Mar, then 90 %: cn-de-anode carries 100,000 t a year, so
    # 8,333.3 t a month before, 0 in Mar and Apr, 7,500 from May
    c = ExportControl("CN", "anode_natural", start="2025-03-01", approval=0.9, lag=2)
    res = vc.simulate(toy, compile_shocks(toy, c, start="2025-01", periods=7), keep="full")
    flow = res.dataset["flow"].sel(route="cn-de-anode").isel(scenario=0).to_numpy()
    np.testing.assert_allclose(flow, np.array([1, 1, 0, 0, 0.9, 0.9, 0.9]) * 100_000 / 12)
