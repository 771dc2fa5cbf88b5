"""Both engines read a route multiplier the same way: m < 1 caps the route at m x its baseline flow.

toy-battery's China-to-Germany anode route has twice its baseline flow as capacity, and the global
network's lanes are unlimited; a licence regime that cuts exports by half must still halve the flow.
"""

from __future__ import annotations

import numpy as np
import pytest

import valuechain as vc
from valuechain.opt import Study, build, extract, solve
from valuechain.scenarios import ExportControl, compile_shocks
from valuechain.scenarios.compiled import route_limit


def test_route_limit_rule() -> None:
    cap = np.array([np.inf, 200.0, 200.0, 200.0, np.inf])
    base = np.array([100.0, 100.0, 0.0, 100.0, 100.0])
    m = np.array([0.7, 1.0, 0.5, 1.5, 0.0])
    assert route_limit(cap, base, m).tolist() == [70.0, 200.0, 0.0, 300.0, 0.0]


@pytest.fixture(scope="module")
def net() -> vc.Network:
    return vc.load_network("toy-battery")


def test_simulated_flow_is_halved_by_a_half_export_control(net: vc.Network) -> None:
    shock = ExportControl("CN", ["anode_natural"], destinations="DE", severity=0.5, start=0, duration=None)
    arrays = compile_shocks(net, shock, start="2025-01", periods=6, freq="M")
    res = vc.simulate(net, arrays, periods=6, mode="pro-rata")
    flow = res.dataset["flow"].sel(route="cn-de-anode").to_numpy()
    monthly = net.routes.loc["cn-de-anode", "baseline_flow"] / 12
    assert np.allclose(flow, 0.5 * monthly)
    assert res.totals["lost_value"].iloc[0] > 0


def test_optimised_flow_respects_half_the_baseline(net: vc.Network) -> None:
    shock = ExportControl("CN", ["anode_natural"], destinations="DE", severity=0.5, start=0, duration=None)
    arrays = compile_shocks(net, shock, start="2025", periods=2, freq="Y")
    model = build(net, Study(start=2025, years=2), shocks=arrays)
    solve(model)
    flows = extract(model).flows.xs("cn-de-anode", level="route")
    half = 0.5 * net.routes.loc["cn-de-anode", "baseline_flow"]
    assert np.allclose(flows["capacity"], half)  # not the route's capacity of 200,000 x 0.5
    assert (flows["flow"] <= half + 1e-6).all()
