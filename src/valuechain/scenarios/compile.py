"""Compile scenarios to :class:`ShockArrays` on one network and horizon, and explain what they hit.

The horizon
    ``periods`` periods of ``freq`` ('M', 'Q' or 'Y') from ``start``. By default ``start`` is
    the month of the earliest dated shock in the scenarios (so a named historical scenario starts
    when it happened); with no dated shock it is January of the year after ``network.year``. A
    start that falls inside a quarter or year is moved back to the beginning of that period.
Shocks outside the horizon
    With ``outside='error'`` (the default) a shock starting before the horizon or at or after its
    end is an error. With ``outside='clip'`` only the part inside the horizon is kept: a control
    imposed before the horizon and still in force applies from the first period.
Partial periods
    A period partly covered by a shock gets the mean of its months' multipliers, and a month
    partly covered gets the covered fraction (see :mod:`valuechain.scenarios._time`); so a
    six-month ban inside a yearly period gives 0.5, and a yearly compile is the mean of the
    monthly one.
Overlaps
    Shocks on the same item multiply, instant by instant: a month in which one shock hands over to
    another on the same item (a ban to the 15th, a quota from the 16th) gets the time-weighted
    mean of their product, not the product of their month means. A licence regime's multiplier is
    taken as constant within each month.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from valuechain._params import OneOf, check, restate
from valuechain.errors import ScenarioError
from valuechain.scenarios._select import Resolver
from valuechain.scenarios._time import Horizon, as_date, depth, make_horizon, product_mean
from valuechain.scenarios.compiled import ShockArrays
from valuechain.scenarios.files import at
from valuechain.scenarios.scenario import ScenarioSet, as_scenario_set
from valuechain.scenarios.shocks import Effect, Shock

if TYPE_CHECKING:
    from valuechain.network.model import Network

__all__ = ["ScenarioWarning", "compile_shocks", "default_start", "explain"]

_TABLES = {"process": "processes", "route": "routes", "demand": "demand"}


class ScenarioWarning(UserWarning):
    """A scenario compiled but does not touch the network (every name it uses was skipped)."""


@dataclass
class _Compiled:
    scenario: str
    shock_no: int
    shock: Shock
    effects: list[Effect]
    expansions: np.ndarray
    skipped: list[str]
    outside: bool


def default_start(network: Network, scenarios: object) -> pd.Period:
    """Return the default first month of the horizon.

    That is the month of the earliest dated shock (a licence regime counts from its announcement,
    when buyers start to front-load), else January of the year after ``network.year``.

    Raises
    ------
    ScenarioError
        If no shock is dated and the network has no year.
    """
    sset = as_scenario_set(scenarios)
    dates = [as_date(sh.start) for sc in sset for sh in sc.shocks]
    dates += [as_date(getattr(sh, "announced", None)) for sc in sset for sh in sc.shocks]
    known = [d for d in dates if d is not None]
    if known:
        return pd.Period(min(known), freq="M")
    if network.year is None:
        raise ScenarioError(
            f"network '{network.name}' has no year and no shock is dated: "
            "pass start= to compile_shocks (e.g. '2025-01')"
        )
    return pd.Period(year=int(network.year) + 1, month=1, freq="M")


def _gather(network: Network, sset: ScenarioSet, horizon: Horizon, outside: str) -> list[list[_Compiled]]:
    out: list[list[_Compiled]] = []
    for sc in sset:
        rows: list[_Compiled] = []
        for i, shock in enumerate(sc.shocks):
            res = Resolver(network, type(shock).__name__, shock.skip_missing)
            try:
                effects, exps = shock.effects(res, horizon, outside)
            except ScenarioError as e:
                if sc.where:  # read from a file: name the file and the shock's key
                    raise ScenarioError(restate(e, at(sc.where, f"shocks[{i + 1}]"))) from None
                raise ScenarioError(f"scenario '{sc.name}', shock {i + 1}: {e}") from None
            gone = shock.window(horizon, "clip") is None
            rows.append(_Compiled(sc.name, i + 1, shock, effects, exps, res.skipped, gone))
        if (
            sc.shocks
            and not any(len(e.positions) for r in rows for e in r.effects)
            and not any(len(r.expansions) for r in rows)
        ):
            why = "; ".join(s for r in rows for s in r.skipped) or "no route, process, demand or expansion matches"
            warnings.warn(
                f"scenario '{sc.name}' does not touch network '{network.name}' ({why})", ScenarioWarning, stacklevel=3
            )
        out.append(rows)
    return out


def _handovers(monthly: np.ndarray, effects: list[tuple[Effect, np.ndarray]]) -> None:
    """Replace, in place, the product of month means by the mean of the product where it differs.

    ``monthly`` is one scenario's (months, items) multipliers, ``effects`` its windowed effects on
    that table with their mean depth per month. Where two or more of them change within the same
    month on the same item (one shock hands over to another, or two recoveries overlap), the
    month's value is the time-weighted mean of their product; the multipliers of licence regimes
    (constant within a month) stay factors of it.
    """
    if len(effects) < 2:
        return
    partial = np.zeros(monthly.shape, dtype=np.int32)
    for e, d in effects:
        months = np.flatnonzero((d > 0.0) & (d < 1.0))
        if len(months):
            partial[np.ix_(months, np.unique(e.positions))] += 1
    cells = np.argwhere(partial >= 2)
    if not len(cells):
        return
    on: dict[int, list[int]] = {}
    for k, (e, _) in enumerate(effects):
        for p in np.unique(e.positions):
            on.setdefault(int(p), []).append(k)
    for month, pos in cells:
        here = [effects[k] for k in on[int(pos)]]
        naive = float(np.prod([1.0 + (e.factor - 1.0) * d[month] for e, d in here]))
        if naive <= 0.0:  # one of them stops the item for the whole month: so does the product
            continue
        exact = product_mean(int(month), [(e.factor, e.start, e.end, e.recovery) for e, _ in here])
        monthly[month, pos] *= exact / naive


def compile_shocks(
    network: Network,
    scenarios: object,
    *,
    start: object = None,
    periods: int = 24,
    freq: str = "M",
    outside: str = "error",
) -> ShockArrays:
    """Compile shocks to multipliers per scenario, period and item of ``network``.

    Parameters
    ----------
    network
        The network the shocks apply to.
    scenarios
        A shock, a :class:`Scenario`, a :class:`ScenarioSet` or a list of scenarios (or of shocks,
        taken as one scenario).
    start
        First period of the horizon: a date (``"2025-01"``, ``"2025-10-09"``), a ``pandas.Period``
        or a year; default: see :func:`default_start`.
    periods
        Number of periods.
    freq
        'M' (months, for the simulator), 'Q' or 'Y' (years, for the optimiser).
    outside
        'error' (shocks starting outside the horizon raise) or 'clip' (keep the part inside).

    Returns
    -------
    ShockArrays
        Item axes in the row order of the network's tables; probabilities from the scenario set.

    Raises
    ------
    ScenarioError
        On a bad parameter, an unknown region, group, commodity or process (with the closest
        valid names), or a shock outside the horizon; the message names the scenario and shock.

    Examples
    --------
    >>> import valuechain as vc
    >>> from valuechain.scenarios import ExportControl, compile_shocks
    >>> net = vc.load_network("toy-battery")
    >>> ban = ExportControl("CN", "anode_natural", start="2025-07", duration=6)
    >>> m = compile_shocks(net, ban, start="2025", periods=2, freq="Y")
    >>> m.route_capacity[0, :, m.routes.get_loc("cn-de-anode")].tolist()
    [0.5, 1.0]
    """
    check("compile_shocks", "outside", outside, OneOf(("error", "clip")), error=ScenarioError)
    sset = as_scenario_set(scenarios)
    horizon = make_horizon(default_start(network, sset) if start is None else start, periods, freq)
    gathered = _gather(network, sset, horizon, outside)
    base = ShockArrays.baseline(network, horizon.periods, sset.names)
    s, m = len(sset), horizon.n_months
    monthly = {
        "process": np.ones((s, m, len(base.processes))),
        "route": np.ones((s, m, len(base.routes))),
        "demand": np.ones((s, m, len(base.demands))),
    }
    allowed = np.ones((s, len(base.expansions)), dtype=bool)
    for si, rows in enumerate(gathered):
        windows: dict[str, list[tuple[Effect, np.ndarray]]] = {k: [] for k in monthly}
        for row in rows:
            allowed[si, row.expansions] = False
            for e in row.effects:
                if not len(e.positions):
                    continue
                if e.profile is not None:  # a licence regime: its own monthly multipliers
                    mult = e.profile
                else:
                    d = depth(np.array(e.start), np.array(e.end), np.array(e.recovery), m)
                    mult = 1.0 + (e.factor - 1.0) * d
                    windows[e.kind].append((e, d))
                monthly[e.kind][si][:, e.positions] *= mult[:, None]
        for kind, effects in windows.items():
            _handovers(monthly[kind][si], effects)
    return ShockArrays(
        scenarios=base.scenarios,
        probability=np.asarray(sset.probabilities, dtype=float),
        periods=horizon.periods,
        processes=base.processes,
        routes=base.routes,
        demands=base.demands,
        expansions=base.expansions,
        process_capacity=horizon.to_periods(monthly["process"]),
        route_capacity=horizon.to_periods(monthly["route"]),
        demand=horizon.to_periods(monthly["demand"]),
        expansion_allowed=allowed,
    )


def _detail(network: Network, kind: str, pos: int) -> tuple[str, str]:
    if kind == "route":
        r = network.routes.iloc[pos]
        return str(network.routes.index[pos]), f"{r['commodity']} {r['origin']} -> {r['destination']}"
    if kind == "process":
        p = network.processes.iloc[pos]
        return str(network.processes.index[pos]), f"process in {p['region']}"
    if kind == "demand":
        d = network.demand.iloc[pos]
        return f"{d['region']}:{d['commodity']}", "final demand"
    e = network.expansions.iloc[pos]
    text = f"expansion option in {e['region']} ({e['technology_origin']} technology)"
    return str(network.expansions.index[pos]), text


def explain(
    network: Network,
    scenarios: object,
    *,
    start: object = None,
    periods: int = 24,
    freq: str = "M",
    outside: str = "error",
) -> pd.DataFrame:
    """Tabulate what each shock hits on ``network``: one row per shock and item (or per skipped shock).

    Parameters are those of :func:`compile_shocks`.

    Returns
    -------
    pandas.DataFrame
        Columns: scenario, shock (1-based), type, table ('route', 'process', 'demand',
        'expansion'), item, detail, factor, from, to (months; 'end of horizon' if open),
        recovery_months, months (in force inside the horizon), note (why a shock hits nothing).

    Examples
    --------
    >>> import valuechain as vc
    >>> from valuechain.scenarios import TradeBan, explain
    >>> net = vc.load_network("toy-battery")
    >>> table = explain(net, TradeBan("black_mass", "EU27", "non-OECD"), periods=12)
    >>> table[["item", "detail", "factor"]].to_dict("records")
    [{'item': 'de-cn-black-mass', 'detail': 'black_mass DE -> CN', 'factor': 0.0}]
    """
    check("explain", "outside", outside, OneOf(("error", "clip")), error=ScenarioError)
    sset = as_scenario_set(scenarios)
    horizon = make_horizon(default_start(network, sset) if start is None else start, periods, freq)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        gathered = _gather(network, sset, horizon, outside)
    m = horizon.n_months

    def month(x: float) -> str:
        return str(horizon.first_month + int(np.floor(x)))

    rows: list[dict[str, object]] = []
    for group in gathered:
        for c in group:
            base = {"scenario": c.scenario, "shock": c.shock_no, "type": type(c.shock).__name__}
            hit = False
            for e in c.effects:
                months = max(0.0, min(e.end, m) - max(e.start, 0.0))
                for pos in e.positions:
                    item, detail = _detail(network, e.kind, int(pos))
                    rows.append(
                        {
                            **base,
                            "table": e.kind,
                            "item": item,
                            "detail": detail,
                            "factor": e.factor,
                            "from": month(max(e.start, 0.0)),
                            "to": "end of horizon" if e.end >= m else month(e.end - 1e-9),
                            "recovery_months": e.recovery,
                            "months": round(months, 3),
                            "note": "" if e.profile is None else "licence regime: factor is its lowest month",
                        }
                    )
                    hit = True
            for pos in c.expansions:
                item, detail = _detail(network, "expansion", int(pos))
                rows.append(
                    {
                        **base,
                        "table": "expansion",
                        "item": item,
                        "detail": detail,
                        "factor": 0.0,
                        "from": str(horizon.first_month),
                        "to": "end of horizon",
                        "recovery_months": 0.0,
                        "months": float(m),
                        "note": "may not be built",
                    }
                )
                hit = True
            if not hit:
                reasons = "; ".join(c.skipped) or "nothing in the network matches"
                note = "outside the horizon" if c.outside else reasons
                rows.append(
                    {
                        **base,
                        "table": "",
                        "item": "",
                        "detail": "",
                        "factor": np.nan,
                        "from": "",
                        "to": "",
                        "recovery_months": np.nan,
                        "months": 0.0,
                        "note": note,
                    }
                )
    cols = [
        "scenario",
        "shock",
        "type",
        "table",
        "item",
        "detail",
        "factor",
        "from",
        "to",
        "recovery_months",
        "months",
        "note",
    ]
    return pd.DataFrame(rows, columns=cols)
