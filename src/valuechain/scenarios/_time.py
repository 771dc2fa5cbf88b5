"""Time in shocks: starts as month offsets or dates, the horizon, and monthly coverage.

All shock timing is worked out on a grid of months counted from the first month of the horizon:
month ``m`` is the half-open interval ``[m, m + 1)``. A date falls inside its month in proportion
to its day (the 16th of a 30-day month is ``m + 0.5``). A shock's *depth* is 1 inside its window,
falls linearly to 0 over its recovery, and is 0 elsewhere; the multiplier of a month is
``1 + (factor - 1) * mean depth over the month``. Longer periods (quarters, years) take the mean
of their months, so compiling monthly or yearly gives the same average shock.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from valuechain._params import check
from valuechain.errors import ScenarioError

if TYPE_CHECKING:
    from valuechain.network.model import Network

__all__ = [
    "FREQ_MONTHS",
    "Horizon",
    "as_date",
    "default_periods",
    "depth",
    "is_start",
    "make_horizon",
    "month_coordinate",
    "product_mean",
]

#: Period frequencies a horizon may have, with their length in months.
FREQ_MONTHS: dict[str, int] = {"M": 1, "Q": 3, "Y": 12}


def as_date(value: object) -> pd.Timestamp | None:
    """Return the date ``value`` stands for, or ``None`` if it is not a date (e.g. a month offset).

    Accepts ``"2025-10-09"``, ``"2025-10"``, ``datetime.date``, ``pandas.Timestamp`` and
    ``pandas.Period`` (its first day).
    """
    if isinstance(value, (bool, int, float, np.integer, np.floating)):
        return None
    if isinstance(value, pd.Period):
        return value.start_time.normalize()
    if isinstance(value, (pd.Timestamp, _dt.date)):
        return pd.Timestamp(value).normalize()
    if isinstance(value, str):
        text = value.strip()
        if len(text) not in (7, 10) or text[4] != "-":
            return None
        try:
            return pd.Timestamp(text).normalize()
        except (ValueError, TypeError):
            return None
    return None


def is_start(value: object) -> bool:
    """Whether ``value`` is a valid shock start: a month offset >= 0 or a date."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        return bool(np.isfinite(value) and value >= 0)
    return as_date(value) is not None


def _freq(freq: str) -> str:
    f = str(freq).upper()
    f = "Y" if f in ("A", "YS", "AS", "Y-DEC", "A-DEC") else f
    if f not in FREQ_MONTHS:
        raise ScenarioError(f"The 'freq' parameter of compile_shocks must be one of 'M', 'Q', 'Y'. Got {freq!r}.")
    return f


@dataclass(frozen=True)
class Horizon:
    """The months a compile covers and the periods they are averaged into.

    Attributes
    ----------
    periods
        The horizon as a ``pandas.PeriodIndex`` (freq M, Q or Y).
    first_month
        The first month of the horizon.
    n_months
        Number of months in the horizon.
    period_months
        Months per period (1, 3 or 12).
    """

    periods: pd.PeriodIndex
    first_month: pd.Period
    n_months: int
    period_months: int

    @property
    def last_month(self) -> pd.Period:
        """The last month of the horizon."""
        return self.first_month + (self.n_months - 1)

    def label(self) -> str:
        """Return the horizon as text, e.g. ``2025-01..2026-12``."""
        return f"{self.first_month}..{self.last_month}"

    def to_periods(self, monthly: np.ndarray, axis: int = 1) -> np.ndarray:
        """Average monthly values (months on ``axis``) into the horizon's periods."""
        if self.period_months == 1:
            return monthly
        shape = list(monthly.shape)
        shape[axis : axis + 1] = [len(self.periods), self.period_months]
        return monthly.reshape(shape).mean(axis=axis + 1)


def make_horizon(start: object, periods: int, freq: str) -> Horizon:
    """Build the horizon of ``periods`` periods of ``freq`` starting with the period holding ``start``."""
    f = _freq(freq)
    if isinstance(periods, bool) or not isinstance(periods, (int, np.integer)) or periods < 1:
        raise ScenarioError(f"The 'periods' parameter of compile_shocks must be an integer >= 1. Got {periods!r}.")
    date = as_date(start)
    if isinstance(start, str) and start.strip().isdigit():
        start = int(start)
    if date is None and isinstance(start, str):
        try:
            date = pd.Period(start.strip()).start_time.normalize()
        except (ValueError, TypeError):
            date = None
    if date is None:
        if isinstance(start, (int, np.integer)) and not isinstance(start, bool) and 1000 <= start <= 9999:
            date = pd.Timestamp(year=int(start), month=1, day=1)
        else:
            raise ScenarioError(
                "The 'start' parameter of compile_shocks must be a date such as '2025-01', '2025-10-09' or a year. "
                f"Got {start!r}."
            )
    first = pd.Period(date, freq=f)
    index = pd.period_range(start=first, periods=int(periods), freq=f)
    index.name = "period"
    months = FREQ_MONTHS[f]
    return Horizon(index, first.asfreq("M", how="start"), int(periods) * months, months)


def month_coordinate(value: object, horizon: Horizon) -> float:
    """Position of a start on the horizon's month grid (a month offset is returned as is)."""
    date = as_date(value)
    if date is None:
        return float(value)  # type: ignore[arg-type]
    month = pd.Period(date, freq="M")
    whole = (month.year - horizon.first_month.year) * 12 + (month.month - horizon.first_month.month)
    return whole + (date.day - 1) / date.days_in_month


def depth(start: np.ndarray, end: np.ndarray, recovery: np.ndarray, n_months: int) -> np.ndarray:
    """Mean depth of shocks over each month of the horizon.

    Parameters
    ----------
    start, end, recovery
        Arrays of the same shape: where each window starts and ends on the month grid (``end``
        may be ``inf``) and the months of linear recovery after it.
    n_months
        Number of months.

    Returns
    -------
    numpy.ndarray
        Shape ``start.shape + (n_months,)``: the mean of the depth over each month, in [0, 1].

    Examples
    --------
    >>> depth(np.array([1.5]), np.array([3.0]), np.array([2.0]), 6).round(3).tolist()
    [[0.0, 0.5, 1.0, 0.75, 0.25, 0.0]]
    """
    s = np.asarray(start, dtype=float)[..., None]
    e = np.asarray(end, dtype=float)[..., None]
    r = np.asarray(recovery, dtype=float)[..., None]
    a = np.arange(n_months, dtype=float)
    b = a + 1.0
    window = np.clip(np.minimum(b, e) - np.maximum(a, s), 0.0, None)
    finite = np.isfinite(e) & (r > 1e-9)  # vanishing recoveries count as none
    e_f = np.where(finite, e, 0.0)
    r_f = np.where(finite, r, 1.0)
    u = np.maximum(a, np.maximum(e_f, s))
    v = np.minimum(b, e_f + r_f)
    top = e_f + r_f
    ramp = np.where(finite & (v > u), ((top - u) ** 2 - (top - v) ** 2) / (2.0 * r_f), 0.0)
    return np.clip(window + ramp, 0.0, 1.0)


def _depth_at(t: np.ndarray, start: float, end: float, recovery: float) -> np.ndarray:
    """Depth of one shock at the points ``t`` (the pointwise form of :func:`depth`)."""
    inside = ((t >= start) & (t < end)).astype(float)
    if not np.isfinite(end) or recovery <= 1e-9:
        return inside
    ramp = np.where((t >= max(end, start)) & (t < end + recovery), (end + recovery - t) / recovery, 0.0)
    return np.clip(inside + ramp, 0.0, 1.0)


def product_mean(month: int, windows: list[tuple[float, float, float, float]]) -> float:
    """Mean over month ``month`` of the product of several shocks' multipliers, taken instant by instant.

    Each shock is ``(factor, start, end, recovery)`` on the month grid, with the multiplier
    ``1 + (factor - 1) * depth`` at every instant. The product of the month means is this mean
    only when at most one of the shocks changes within the month; when one hands over to another
    (a ban to the 15th, a quota from the 16th), the mean of the product is the time-weighted value.
    Between the shocks' breakpoints the product is a polynomial of degree ``len(windows)``, which
    Gauss-Legendre quadrature integrates exactly.

    Examples
    --------
    A ban for the first half of a month followed by a 60 % quota for the second half:

    >>> round(product_mean(0, [(0.0, 0.0, 0.5, 0.0), (0.6, 0.5, 30.0, 0.0)]), 6)
    0.3
    """
    a, b = float(month), float(month + 1)
    cuts = {a, b}
    for _, s, e, r in windows:
        cuts.update(x for x in (s, e, e + r) if np.isfinite(x) and a < x < b)
    edges = np.array(sorted(cuts))
    nodes, weights = np.polynomial.legendre.leggauss(max(2, len(windows) // 2 + 1))
    mid = (edges[:-1] + edges[1:]) / 2.0
    half = (edges[1:] - edges[:-1]) / 2.0
    t = (mid[:, None] + half[:, None] * nodes[None, :]).ravel()
    w = (half[:, None] * weights[None, :]).ravel()
    prod = np.ones_like(t)
    for f, s, e, r in windows:
        prod *= 1.0 + (f - 1.0) * _depth_at(t, s, e, r)
    return float(np.dot(w, prod))


def default_periods(network: Network, periods: int = 24, start: object = None) -> pd.PeriodIndex:
    """Monthly horizon of ``periods`` months from ``start`` (default: January after the base year)."""
    check("simulate", "periods", periods, lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
          error=ScenarioError, expected="an integer >= 1")  # fmt: skip
    if start is None:
        start = f"{(network.year or 2024) + 1}-01"
    try:
        first = pd.Period(start, freq="M")  # type: ignore[arg-type]
    except (ValueError, TypeError) as e:
        raise ScenarioError(
            f"The 'start' parameter of simulate must be a month such as '2025-01'. Got {start!r}."
        ) from e
    return pd.period_range(first, periods=periods, freq="M")
