"""Runs too large for the machine are refused with an estimate, before anything is allocated."""

from __future__ import annotations

import pytest

import valuechain as vc
from valuechain.errors import ScenarioError
from valuechain.sim._memory import PER_SCENARIO, available_memory, check_memory, memory_needed


@pytest.fixture(scope="module")
def toy() -> vc.Network:
    return vc.load_network("toy-battery")  # 12 processes, 7 routes, 2 demand rows, 15 hubs


def test_lower_bound_by_hand(toy: vc.Network) -> None:
    # per month: 8 bytes x (2 x 2 demand rows + 1 month label) = 40; 10 months -> 400
    # per scenario: 96 bytes of summaries (5 figures of 8 bytes, a pointer and a small label)
    # dense shocks: 8 bytes x (12 + 7 + 2) multipliers per scenario and month = 168; x 10 months -> 1,680
    assert PER_SCENARIO == 96
    assert memory_needed(toy, scenarios=1, periods=10) == 400 + 96 + 1680
    # sparse samples hold no dense multipliers: 3 scenarios -> 400 + 3 x 96
    assert memory_needed(toy, scenarios=3, periods=10, dense=False) == 400 + 288
    # keeping every tensor adds 8 x (5 x 15 + 2 x 2 + 2 x 12 + 7 + 1) = 888 bytes per scenario and month
    assert memory_needed(toy, scenarios=1, periods=10, keep="full") == 400 + 96 + 1680 + 8880


def test_check_refuses_above_what_is_available(toy: vc.Network) -> None:
    need = 400 + 96 + 1680
    assert check_memory(toy, scenarios=1, periods=10, available=need) == need
    with pytest.raises(ScenarioError, match=r"would need at least 2,176 bytes .*, and 2,175 bytes is available"):
        check_memory(toy, scenarios=1, periods=10, available=need - 1)


def test_available_memory_is_known_here() -> None:
    have = available_memory()
    assert have is None or have > 0


def test_simulate_refuses_a_huge_horizon_before_allocating(toy: vc.Network) -> None:
    # by default (keep='auto') so large a run keeps summaries: 10^9 months of toy-battery need at least
    # 10^9 x (40 + 168) bytes = 193.7 GiB; refused at once
    with pytest.raises(ScenarioError, match=r"simulating 1,000,000,000 months would need at least 193\.7 GiB"):
        vc.simulate(toy, periods=10**9)
    # keeping every tensor adds 888 bytes a month: 10^9 x 1,096 bytes = 1,020.7 GiB
    with pytest.raises(ScenarioError, match=r"simulating 1,000,000,000 months would need at least 1,020\.7 GiB"):
        vc.simulate(toy, periods=10**9, keep="full")
