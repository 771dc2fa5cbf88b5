"""The month grid: coverage of windows and recovery ramps, horizons and dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain.errors import ScenarioError
from valuechain.scenarios._time import as_date, depth, make_horizon, month_coordinate


def _depth_by_sampling(s: float, e: float, r: float, n_months: int, per_month: int = 4000) -> np.ndarray:
    """Mean depth per month by evaluating the depth at many points of each month (the obvious way)."""
    t = (np.arange(n_months * per_month) + 0.5) / per_month
    d = np.where((t >= s) & (t < e), 1.0, 0.0)
    if r > 0 and np.isfinite(e):
        ramp = (t >= e) & (t < e + r)
        d = np.where(ramp, (e + r - t) / r, d)
    return d.reshape(n_months, per_month).mean(axis=1)


@settings(max_examples=60, deadline=None)
@given(
    s=st.floats(-5, 20),
    length=st.one_of(st.floats(0.05, 30), st.just(np.inf)),
    r=st.one_of(st.just(0.0), st.floats(0.1, 12)),
)
def test_depth_matches_sampling(s: float, length: float, r: float) -> None:
    got = depth(np.array(s), np.array(s + length), np.array(r), 24)
    want = _depth_by_sampling(s, s + length, r, 24)
    assert got.shape == (24,)
    assert np.allclose(got, want, atol=2e-3)
    assert (got >= 0).all()
    assert (got <= 1).all()


def test_depth_is_vectorised() -> None:
    s = np.array([[0.0, 2.5], [1.0, 30.0]])
    got = depth(s, s + 3.0, np.zeros_like(s), 6)
    assert got.shape == (2, 2, 6)
    assert got[1, 1].sum() == 0.0
    assert got[0, 0].tolist() == [1.0, 1.0, 1.0, 0.0, 0.0, 0.0]


def test_dates_fall_inside_their_month() -> None:
    h = make_horizon("2025-10", 12, "M")
    assert month_coordinate("2025-10-01", h) == 0.0
    assert month_coordinate("2025-11-16", h) == pytest.approx(1.5)
    assert month_coordinate("2025-09-01", h) == -1.0
    assert month_coordinate(7, h) == 7.0


@pytest.mark.parametrize(
    ("start", "freq", "first", "label"),
    [
        ("2025-10-09", "M", "2025-10", "2025-10"),
        ("2025-10-09", "Q", "2025-10", "2025Q4"),
        ("2025-10-09", "Y", "2025-01", "2025"),
        (2026, "Y", "2026-01", "2026"),
        ("2026", "M", "2026-01", "2026-01"),
        (pd.Period("2027-03", "M"), "M", "2027-03", "2027-03"),
    ],
)
def test_horizon_starts_with_the_period_holding_start(start: object, freq: str, first: str, label: str) -> None:
    h = make_horizon(start, 2, freq)
    assert str(h.first_month) == first
    assert str(h.periods[0]) == label
    assert h.n_months == 2 * {"M": 1, "Q": 3, "Y": 12}[freq]


@pytest.mark.parametrize(
    ("start", "periods", "freq", "param"),
    [("soon", 12, "M", "start"), ("2025-01", 0, "M", "periods"), ("2025-01", 12, "W", "freq")],
)
def test_bad_horizon_parameters(start: object, periods: int, freq: str, param: str) -> None:
    with pytest.raises(ScenarioError, match=rf"^The '{param}' parameter of compile_shocks must be .*\. Got "):
        make_horizon(start, periods, freq)


def test_as_date_tells_offsets_from_dates() -> None:
    assert as_date(3) is None
    assert as_date("2025-10") == pd.Timestamp("2025-10-01")
    assert as_date("3 months") is None
