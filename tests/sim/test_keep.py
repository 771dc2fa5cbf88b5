"""What a simulation keeps: full tensors for small runs, exact summaries for large ensembles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import valuechain as vc
from valuechain import ValueChainError
from valuechain.scenarios import RiskRegister
from valuechain.scenarios.compiled import ShockArrays
from valuechain.sim import default_periods, simulate
from valuechain.sim.compile import compile_network
from valuechain.sim.simulate import AUTO_FULL_BYTES


@pytest.fixture(scope="module")
def toy() -> vc.Network:
    return vc.load_network("toy-battery")


@pytest.mark.parametrize("mode", ["pro-rata", "re-sourcing"])
def test_summary_risk_is_the_full_risk_to_the_bit(toy: vc.Network, mode: str) -> None:
    # 2,000 risk-register samples; a summary keeps every scenario's totals, so the VaR, CVaR and
    # expectations come from the same numbers in the same order as a full run's. In pro-rata mode a
    # summary of sparse shocks may run the delta kernel instead of the full one, whose sums of a
    # scenario's losses run in another order (tests/sim/test_delta.py: equal within 1e-9); there the
    # summary equals the full run to 1e-12 and a stream equals the summary to the bit.
    exact = mode == "re-sourcing"
    reg = RiskRegister.default()
    sh = reg.sample(toy, 2000, seed=1, sparse=True)
    full = simulate(toy, sh, keep="full", mode=mode)
    summary = simulate(toy, sh, keep="summary", mode=mode)
    streamed = simulate(toy, reg.iter_samples(toy, 2000, seed=1, chunk_size=500, sparse=True), mode=mode)
    assert (full.kept, summary.kept, streamed.kept) == ("full", "summary", "summary")
    assert (full.totals["lost_value"] > 0).sum() > 100  # the register does hit the toy network
    for a in (None, 0.99):
        pd.testing.assert_frame_equal(full.risk(a), summary.risk(a), check_exact=exact, rtol=1e-12)
    pd.testing.assert_frame_equal(full.totals, summary.totals, check_exact=exact, rtol=1e-12)
    # a stream weighs each chunk by its share of the scenarios: 1/500 * 500 / 2000 = 1/2000 exactly
    np.testing.assert_array_equal(streamed.totals["lost_value"].to_numpy(), summary.totals["lost_value"].to_numpy())
    pd.testing.assert_frame_equal(summary.risk(), streamed.risk(), check_exact=True)
    # the expected values per hub and stage are sums in another order (per chunk, then added)
    pd.testing.assert_frame_equal(full.worst_hubs(5), summary.worst_hubs(5), rtol=1e-12)
    pd.testing.assert_frame_equal(full.stages, summary.stages, rtol=1e-12)


def test_auto_keeps_summaries_for_a_large_ensemble(toy: vc.Network) -> None:
    arr = compile_network(toy)
    items = 5 * len(arr.hubs) + 2 * len(arr.demands) + 2 * len(arr.processes) + len(arr.routes) + 1
    # toy-battery: 15 hubs, 2 demand rows, 12 processes, 7 routes -> 5*15 + 2*2 + 2*12 + 7 + 1 = 111 items;
    # 24 months of float64: 8 * 24 * 111 = 21,312 bytes a scenario; 256 MiB / 21,312 = 12,595.9 scenarios
    assert items == 111
    assert AUTO_FULL_BYTES // (8 * 24 * items) == 12_595
    periods = default_periods(toy, 24)
    small = simulate(toy, ShockArrays.baseline(toy, periods, 10))
    assert small.kept == "full"
    assert small.dataset.sizes["scenario"] == 10
    large = simulate(toy, ShockArrays.baseline(toy, periods, 12_596))
    assert large.kept == "summary"
    assert large.n_scenarios == 12_596
    assert large.expected("lost_value") == 0.0  # the baseline loses nothing
    assert simulate(toy, ShockArrays.baseline(toy, periods, 12_596), keep="full").kept == "full"


def test_a_summary_says_what_it_did_not_keep(toy: vc.Network) -> None:
    periods = default_periods(toy, 6)
    res = simulate(toy, ShockArrays.baseline(toy, periods, 3), keep="summary")
    with pytest.raises(ValueChainError, match=r"kept summaries only .* keep='full'") as err:
        _ = res.dataset["shortfall"]
    assert "\n" not in str(err.value)
    assert "summaries only" in repr(res)
    # what the summary did keep answers as usual
    assert res.risk().loc["lost_value", "cvar"] == 0.0
    assert len(res.stages) == 6 * res.stages["stage"].nunique()
