"""Licence regimes: the time profile of an :class:`~valuechain.scenarios.ExportControl` with licences.

A flat export control is one multiplier over one window. A licence regime says how that
multiplier moves month by month; it compiles to the same route multipliers (one monthly profile
per group of routes), so the simulator and the optimiser still read one representation.

For one destination the multiplier at time ``x`` (months on the horizon's grid) is
``approval(x) * request(x)``:

approval
    1 before the control takes hold; ``initial`` (default 0: nothing is licensed while the first
    applications are examined) for ``lag`` months after it takes hold; then ``share``, the share
    of requested volume approved, until the end of the control (``duration``). 1 again during a
    suspension. A suspension that begins on or before the effective date postpones it: the
    control takes hold at the end of the suspension, and the lag counts from there.
request
    The volume buyers ask for, relative to the baseline. From ``front_from`` (default: the
    announcement) to the effective date buyers pull forward ``front_load`` months of purchases
    every month (the request is ``1 + front_load``; 1 doubles the month's purchases, and a
    rush can pull more); the volume pulled forward is capped by ``storage`` (months of
    baseline flow buyers can store), so the monthly rate is ``min(front_load, storage / span)``
    over the ``span`` months from ``front_from`` to the effective date. ``take_back`` (default 1)
    of that volume is taken back out of the months after the effective date, at the same rate
    but at most a whole month's purchases a month (the request is ``1 - min(rate, 1)`` for as
    long as it takes): what was bought early is not bought again. A regime whose ``initial`` and
    ``approval`` were read off a trade series that already shows buyers living on what they
    bought early sets ``take_back`` to 0, so that it is not counted twice.

A month's multiplier is the mean over the month of each factor (dates fall inside their month
in proportion to their day, as for every shock), and the two factors' monthly means are
multiplied. A regime with ``approval`` equal to ``1 - severity``, no lag, no announcement and no
suspension compiles to exactly the arrays of the flat control.

The engines' reading of a multiplier above 1: a study's plan does not see one, since it compiles
each regime with ``front_load`` 0 (buying ahead is the plan's own choice; a year's mean of rush
and licensed months would otherwise read as capacity; :func:`approval_only`),
and a multiplier above 1 given to the optimiser directly scales the route's capacity; the
simulator asks the route for up to ``baseline x multiplier`` (within its capacity), served
only from what the exporting hub can spare (its surplus; in re-sourcing mode also spare supply
and spare capacity up the chain), so the front-loading months raise simulated flows where the
exporter has room, and never at the cost of its own plants. The importing hub keeps what arrives
early as stock above its usual level, and draws it down first in the take-back months (module
docstring of :mod:`valuechain.sim.full`). ``storage`` thus becomes room at the destination
through the rate: what is pulled forward is at most ``storage`` months of the route's baseline
flow, and that is what the destination keeps.

Leakage
    ``leakage = {"via": [third countries], "cap": c}``: restricted goods reach a destination
    through a listed third country, up to ``c`` of the restricted route's baseline flow. It is
    compiled onto the restricted route itself (``m -> min(1, m + c)`` where ``m < 1``), since
    a multiplier above 1 on the third country's routes would move the third country's own goods
    (in the simulator, only what it can spare), not the restricted exporter's; it
    applies to a destination only where the network has a route of the same commodity from one
    of the listed countries into it (the lane the goods would take).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from valuechain.scenarios._select import Resolver, fail
from valuechain.scenarios._time import Horizon, as_date, depth, is_start, make_horizon, month_coordinate

if TYPE_CHECKING:
    from valuechain.scenarios.scenario import Scenario
    from valuechain.scenarios.shocks import Effect, ExportControl

__all__ = [
    "REGIME_DEFAULTS",
    "REGIME_PARAMS",
    "RegimeTimes",
    "approval_only",
    "check_regime",
    "regime_effects",
    "regime_profile",
    "resolve_by_destination",
    "schedule",
]

_SHARE = "a number in [0, 1], or a mapping of destinations (a region, a group, 'all', 'non-<group>') to such numbers"
_LAG = "a number of months >= 0, or a mapping of destinations to such numbers"


def _is_share(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and 0.0 <= float(v) <= 1.0


def _is_months(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(float(v)) and float(v) >= 0.0


def _by_destination(owner: str, name: str, value: object, ok: object, expected: str) -> None:
    assert callable(ok)
    if isinstance(value, Mapping):
        if not value:
            fail(owner, name, value, expected)
        for k, v in value.items():
            if not isinstance(k, str) or not k.strip() or not ok(v):
                fail(owner, name, value, expected)
    elif not ok(value):
        fail(owner, name, value, expected)


def check_regime(
    owner: str,
    *,
    announced: object,
    approval: object,
    lag: object,
    initial: object,
    front_load: object,
    storage: object,
    suspended: object,
    leakage: object,
    front_from: object = None,
    take_back: object = 1.0,
) -> None:
    """Check the licence-regime parameters of an export control (raises ScenarioError)."""
    if announced is not None and not is_start(announced):
        fail(owner, "announced", announced, "None, a month offset >= 0 or a date such as '2023-10-20'")
    if front_from is not None and not is_start(front_from):
        fail(owner, "front_from", front_from, "None (from the announcement), a month offset >= 0 or a date")
    if not _is_share(take_back):
        fail(owner, "take_back", take_back, "a number in [0, 1] (share of the volume pulled forward bought less after)")
    if approval is not None:
        _by_destination(owner, "approval", approval, _is_share, _SHARE)
    _by_destination(owner, "lag", lag, _is_months, _LAG)
    _by_destination(owner, "initial", initial, _is_share, _SHARE)
    if not _is_months(front_load):
        fail(owner, "front_load", front_load, "a number >= 0 (months of purchases pulled forward each month)")
    if storage is not None and not _is_months(storage):
        fail(owner, "storage", storage, "None (no limit) or a number of months of baseline flow >= 0")
    if suspended is not None:
        ok = (
            isinstance(suspended, Sequence)
            and not isinstance(suspended, str)
            and len(suspended) == 2
            and is_start(suspended[0])
            and (suspended[1] is None or is_start(suspended[1]))
        )
        if not ok:
            fail(owner, "suspended", suspended, "None or [from, to]: two dates or month offsets (to may be None)")
    if leakage is not None:
        ok = (
            isinstance(leakage, Mapping)
            and set(leakage) == {"via", "cap"}
            and _is_share(leakage["cap"])
            and (
                (isinstance(leakage["via"], str) and bool(leakage["via"].strip()))
                or (
                    isinstance(leakage["via"], Sequence)
                    and len(leakage["via"]) > 0
                    and all(isinstance(v, str) and v.strip() for v in leakage["via"])
                )
            )
        )
        if not ok:
            fail(owner, "leakage", leakage, "None or a mapping {via: third countries, cap: a number in [0, 1]}")


@dataclass(frozen=True)
class RegimeTimes:
    """A regime's dates on a horizon's month grid (``inf`` where open-ended).

    Attributes
    ----------
    announced
        Announcement (``None`` if not given: no front-loading).
    front_from
        When buyers start to pull purchases forward (the announcement unless given; a rush needs
        one of the two, and one from the effective date on pulls nothing forward).
    effective
        Effective date (the shock's ``start``).
    hold
        When the control takes hold: the effective date, or the end of a suspension covering it.
    end
        End of the control (effective date + ``duration``).
    suspended
        ``(from, to)`` or ``None``.
    """

    announced: float | None
    effective: float
    hold: float
    end: float
    suspended: tuple[float, float] | None
    front_from: float | None = None

    @classmethod
    def on(
        cls,
        horizon: Horizon,
        start: object,
        duration: float | None,
        announced: object,
        suspended: object,
        front_from: object = None,
    ) -> RegimeTimes:
        """Place the dates of a regime on ``horizon``'s month grid."""
        eff = month_coordinate(start, horizon)
        end = math.inf if duration is None else eff + float(duration)
        ann = None if announced is None else month_coordinate(announced, horizon)
        rush = ann if front_from is None else month_coordinate(front_from, horizon)
        sus: tuple[float, float] | None = None
        hold = eff
        if suspended is not None:
            pair = list(suspended)  # type: ignore[call-overload]
            a = month_coordinate(pair[0], horizon)
            b = math.inf if pair[1] is None else month_coordinate(pair[1], horizon)
            sus = (a, b)
            if a <= eff < b:
                hold = b
        return cls(ann, eff, hold, end, sus, rush)


def _cover(a: float, b: float, n: int, minus: tuple[float, float] | None = None) -> np.ndarray:
    """Share of each month covered by ``[a, b)``, less the part inside ``minus``."""
    out = depth(np.array(a), np.array(b), np.array(0.0), n)
    if minus is not None and b > a:
        lo, hi = max(a, minus[0]), min(b, minus[1])
        if hi > lo:
            out = out - depth(np.array(lo), np.array(hi), np.array(0.0), n)
    return np.asarray(out, dtype=float)


def regime_profile(
    times: RegimeTimes,
    n_months: int,
    *,
    share: float,
    lag: float,
    initial: float,
    front_load: float,
    storage: float | None,
    take_back: float = 1.0,
) -> np.ndarray:
    """Monthly multipliers of one destination's routes under a licence regime (see the module docstring).

    Examples
    --------
    A licence requirement from the start of month 1, nothing licensed for 2 months, then 90%
    of requests approved:

    >>> t = RegimeTimes(None, 1.0, 1.0, math.inf, None)
    >>> regime_profile(t, 5, share=0.9, lag=2, initial=0.0, front_load=0.0, storage=None).tolist()
    [1.0, 0.0, 0.0, 0.9, 0.9]
    """
    hold, end, sus = times.hold, times.end, times.suspended
    mid = min(hold + float(lag), end)
    approval = 1.0 + (float(initial) - 1.0) * _cover(hold, mid, n_months, sus)
    approval = approval + (float(share) - 1.0) * _cover(mid, end, n_months, sus)
    rush = times.announced if times.front_from is None else times.front_from
    if rush is None or front_load <= 0.0 or rush >= times.effective:
        return approval
    span = times.effective - rush
    rate = float(front_load) if storage is None else min(float(front_load), float(storage) / span)
    if rate <= 0.0:
        return approval
    request = 1.0 + rate * _cover(rush, times.effective, n_months)
    back = min(rate, 1.0)  # (never less than nothing bought in a month)
    after = float(take_back) * rate * span / back
    request = request - back * _cover(times.effective, times.effective + after, n_months)
    return np.asarray(approval * request, dtype=float)


def resolve_by_destination(value: object, regions: set[str], default: float, lookup: object) -> dict[str, float]:
    """The value of a per-destination parameter for each region of ``regions``.

    ``value`` is a number (every region) or a mapping of destination selectors to numbers; a
    region takes the value of the most specific key that names it (the one standing for the
    fewest regions: a region before a group, a group before ``all``; between keys of the same
    size, the later one), so the order of the keys does not matter otherwise. Regions no key
    names get ``default``. ``lookup(selector)`` returns the regions a selector stands for.
    """
    out = dict.fromkeys(regions, float(default))
    if value is None:
        return out
    if not isinstance(value, Mapping):
        return dict.fromkeys(regions, float(value))  # type: ignore[arg-type]
    assert callable(lookup)
    found = [(lookup(key), float(v)) for key, v in value.items()]
    for members, v in sorted(found, key=lambda kv: -len(kv[0])):  # widest first, so narrower keys win
        for r in members & regions:
            out[r] = v
    return out


#: The parameters that make an export control a licence regime when they differ from their default.
REGIME_PARAMS = (
    "announced", "approval", "lag", "initial", "front_load", "front_from", "storage", "take_back", "suspended",
    "leakage",
)  # fmt: skip

#: Their defaults (a flat control).
REGIME_DEFAULTS: dict[str, object] = {
    "announced": None,
    "approval": None,
    "lag": 0,
    "initial": 0.0,
    "front_load": 0.0,
    "front_from": None,
    "storage": None,
    "take_back": 1.0,
    "suspended": None,
    "leakage": None,
}


def _control_profile(
    control: ExportControl, times: RegimeTimes, n_months: int, share: float, lag: float, initial: float
) -> np.ndarray:
    return regime_profile(
        times,
        n_months,
        share=share,
        lag=lag,
        initial=initial,
        front_load=float(control.front_load),
        storage=None if control.storage is None else float(control.storage),
        take_back=float(control.take_back),
    )


def _times(control: ExportControl, horizon: Horizon) -> RegimeTimes:
    return RegimeTimes.on(
        horizon, control.start, control.duration, control.announced, control.suspended, control.front_from
    )


def regime_effects(
    control: ExportControl, net: Resolver, horizon: Horizon, exporters: set[str], coms: set[str], dest: set[str]
) -> list[Effect]:
    """Route effects of a licence regime: one monthly profile per group of routes that share it.

    Routes are grouped by their destination's approval, lag, initial share and whether goods leak to it.
    """
    from valuechain.scenarios.shocks import Effect

    shares = resolve_by_destination(
        control.approval, dest, 1.0 - float(control.severity), lambda s: net.regions(s, "approval")
    )
    lags = resolve_by_destination(control.lag, dest, 0.0, lambda s: net.regions(s, "lag"))
    initials = resolve_by_destination(control.initial, dest, 0.0, lambda s: net.regions(s, "initial"))
    via: set[str] = set()
    cap = 0.0
    if control.leakage is not None:
        via = net.regions(control.leakage["via"], "leakage.via") - exporters
        cap = float(control.leakage["cap"])
    times = _times(control, horizon)
    n = horizon.n_months
    groups: dict[tuple[float, float, float, bool], list[np.ndarray]] = {}
    controlled = net.routes_by_pair(coms, exporters, dest)
    # (a route from a region of ``via`` other than the destination itself: routes() skips o == d)
    leaky = set(net.routes_by_pair(coms, via, dest)) if cap > 0 else set()
    for d in sorted(dest):
        for c in sorted(coms):
            pos = controlled.get((d, c))
            if pos is None:
                continue
            groups.setdefault((shares[d], lags[d], initials[d], (d, c) in leaky), []).append(pos)
    effects: list[Effect] = []
    for (share, lag, initial, leaks), parts in groups.items():
        prof = _control_profile(control, times, n, share, lag, initial)
        if leaks:
            prof = np.where(prof < 1.0, np.minimum(1.0, prof + cap), prof)
        moved = np.flatnonzero(prof != 1.0)
        first, last = (float(moved[0]), float(moved[-1] + 1)) if len(moved) else (0.0, 0.0)
        low = float(prof.min()) if n else 1.0
        effects.append(Effect("route", np.sort(np.concatenate(parts)), low, first, last, 0.0, prof))
    return effects


def _value_for(value: object, key: str, default: float) -> float:
    """The value of a per-destination parameter for one of its own keys (else its 'all', else the default)."""
    if isinstance(value, Mapping):
        return float(value.get(key, value.get("all", default)))
    return default if value is None else float(value)  # type: ignore[arg-type]


def schedule(control: ExportControl, months: int = 18, start: object = None) -> pd.DataFrame:
    """A regime's route multipliers by destination and month (without a network, so without leakage).

    Parameters
    ----------
    control
        The export control.
    months
        Number of months to show.
    start
        First month (default: the month of the announcement, else of the rush, else of the effective date).

    Returns
    -------
    pandas.DataFrame
        One row per destination key of ``approval``, ``lag`` and ``initial`` (and ``other`` for
        the rest of ``destinations`` when no key is ``all``), one column per month (``YYYY-MM``,
        or ``month i`` for a regime timed by month offsets); values are the month's multiplier,
        approval times request (above 1 while buyers front-load).
    """
    first = next((t for t in (start, control.announced, control.front_from) if t is not None), control.start)
    if as_date(first) is not None:
        horizon = make_horizon(first, months, "M")
        cols = [str(p) for p in horizon.periods]
    else:  # timed by month offsets: months 0, 1, ... of a horizon
        horizon = make_horizon("2000-01", months, "M")
        cols = [f"month {i}" for i in range(months)]
    keys: list[str] = []
    for v in (control.approval, control.lag, control.initial):
        if isinstance(v, Mapping):
            keys += [str(k) for k in v if str(k) not in keys]
    if "all" not in keys:  # the destinations no key names
        keys.append("other")
    times = _times(control, horizon)
    rows = {
        k: _control_profile(
            control,
            times,
            months,
            _value_for(control.approval, k, 1.0 - float(control.severity)),
            _value_for(control.lag, k, 0.0),
            _value_for(control.initial, k, 0.0),
        )
        for k in keys
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=cols)


def approval_only(scenario: Scenario) -> Scenario:
    """The scenario as a plan reads it: licence regimes with what is approved, not what buyers rush to buy.

    A regime's monthly multiplier is approval x request, and the request rises above 1 while
    buyers pull purchases forward before the effective date (and falls below 1 while they live on
    them). To the simulator that is behaviour to replay. To a plan it is not: how much to buy
    ahead and store is the plan's own choice, and a year's mean of a rush month (3.28 x baseline)
    and licensed months (0.3) would read as more capacity than the regime leaves (a multiplier of
    1 or more scales a route's capacity). So a study's plan compiles each regime with
    ``front_load`` 0; other shocks are kept as they are.
    """
    from valuechain.scenarios.scenario import Scenario
    from valuechain.scenarios.shocks import ExportControl

    if not any(isinstance(s, ExportControl) and float(s.front_load) > 0 for s in scenario.shocks):
        return scenario
    calm = [
        ExportControl(**{**s.get_params(), "front_load": 0.0}) if isinstance(s, ExportControl) else s
        for s in scenario.shocks
    ]
    out = Scenario(scenario.name, calm, scenario.probability, scenario.description, scenario.source)
    out.where = scenario.where
    return out
