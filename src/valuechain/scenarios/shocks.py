"""Shocks: what changes, where, by how much and when.

Constructors only store their parameters and check their own values (ranges, types); whether
the regions, commodities and processes they name exist is checked when they are compiled on a
network (see :func:`valuechain.scenarios.compile_shocks`). Times are month offsets from the
start of the horizon (``0`` = its first month) or dates (``"2025-10-09"``); durations are in
months, ``None`` meaning "until the end of the horizon".

Every shock takes ``skip_missing``: when true, names the network does not have (a commodity, a
region, a group, a process) are skipped instead of raising, so that one shock can be applied to
networks of different scope. The named library uses it; shocks written by hand should not.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from valuechain._params import Interval, check
from valuechain.errors import ScenarioError
from valuechain.scenarios._select import Resolver, fail
from valuechain.scenarios._time import Horizon, as_date, is_start, month_coordinate
from valuechain.scenarios.licence import REGIME_DEFAULTS, REGIME_PARAMS, check_regime, regime_effects, schedule

__all__ = [
    "CapacityShock",
    "DemandShock",
    "Effect",
    "ExportControl",
    "Outage",
    "Shock",
    "TechnologyControl",
    "TradeBan",
]

_DURATION = "None (until the end of the horizon) or a number of months > 0"
_START = "a month offset >= 0 or a date such as '2025-10-09'"


@dataclass(frozen=True)
class Effect:
    """One compiled effect: a multiplier on some items of one table over one window.

    ``kind`` is 'process', 'route' or 'demand'; ``positions`` index the network's table;
    ``start``/``end`` are on the horizon's month grid (``end`` may be ``inf``). A licence regime
    sets ``profile`` (one multiplier per month of the horizon); ``factor``, ``start`` and ``end``
    then summarise it (its smallest multiplier and the months where it differs from 1).
    """

    kind: str
    positions: np.ndarray
    factor: float
    start: float
    end: float
    recovery: float
    profile: np.ndarray | None = None
    """Monthly multipliers over the horizon (a licence regime); when set, they replace the window."""


def _names(owner: str, name: str, value: object) -> None:
    ok = isinstance(value, str) and bool(value.strip())
    ok = ok or (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) > 0
        and all(isinstance(v, str) and v.strip() for v in value)
    )
    if not ok:
        fail(owner, name, value, "a name or a non-empty list of names")


class Shock(ABC):
    """Base class of shocks: parameters, their checks, and the window on the horizon."""

    _params: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}
    start: object
    duration: float | None
    skip_missing: bool

    def _check_time(self, recovery: object = 0.0) -> None:
        owner = type(self).__name__
        check(owner, "start", self.start, is_start, error=ScenarioError, expected=_START)
        check(
            owner,
            "duration",
            self.duration,
            lambda v: v is None or v in Interval(0, math.inf, "neither"),
            error=ScenarioError,
            expected=_DURATION,
        )
        check(owner, "recovery", recovery, Interval(0, math.inf, "left"), error=ScenarioError)
        check(owner, "skip_missing", self.skip_missing, bool, error=ScenarioError)

    # ------------------------------------------------------------------ parameters
    def get_params(self) -> dict[str, Any]:
        """Return the parameters, as passed to the constructor."""
        return {p: getattr(self, p) for p in self._params}

    def to_dict(self) -> dict[str, Any]:
        """Return the shock as a mapping (``type`` plus the parameters that differ from their default)."""
        out: dict[str, Any] = {"type": type(self).__name__}
        for k, v in self.get_params().items():
            if k in self._defaults and self._defaults[k] == v:
                continue
            out[k] = str(v) if as_date(v) is not None and not isinstance(v, str) else v
        return out

    def __repr__(self) -> str:
        d = self.to_dict()
        d.pop("type")
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in d.items())})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Shock) and type(self) is type(other) and self.get_params() == other.get_params()

    def __hash__(self) -> int:
        return hash(repr(self))

    @property
    def is_dated(self) -> bool:
        """Whether the start is a date (rather than a month offset)."""
        return as_date(self.start) is not None

    # ------------------------------------------------------------------ compile
    def window(self, horizon: Horizon, outside: str) -> tuple[float, float] | None:
        """Start and end of the shock on the horizon's month grid, or ``None`` if it is outside it.

        Raises
        ------
        ScenarioError
            If the shock starts outside the horizon and ``outside`` is 'error'.
        """
        owner = type(self).__name__
        s = month_coordinate(self.start, horizon)
        e = math.inf if self.duration is None else s + float(self.duration)
        recovery = float(getattr(self, "recovery", 0.0) or 0.0)
        if s >= horizon.n_months:
            if outside == "clip":
                return None
            fail(
                owner,
                "start",
                self.start,
                f"within the horizon {horizon.label()} ({horizon.n_months} months); lengthen the horizon or pass "
                "outside='clip' to drop the shock",
            )
        if s < 0:
            if outside == "clip":
                return (s, e) if e + recovery > 0 else None
            fail(
                owner,
                "start",
                self.start,
                f"on or after the start of the horizon ({horizon.first_month}); leave the horizon start to its "
                "default (the earliest dated shock), pass an earlier start, or pass outside='clip' to keep the "
                "part of the shock inside the horizon",
            )
        return s, e

    @abstractmethod
    def effects(self, net: Resolver, horizon: Horizon, outside: str = "error") -> tuple[list[Effect], np.ndarray]:
        """Return the shock's effects on one network, and the expansion options it forbids (positions)."""


def _no_expansions() -> np.ndarray:
    return np.zeros(0, dtype=np.intp)


class ExportControl(Shock):
    """Licences or a ban on physical exports of some commodities from a country or group.

    Flat, it compiles to a multiplier ``1 - severity`` on the capacity of every route that moves
    one of ``commodities`` out of the exporter's regions into ``destinations`` (routes between
    two of the exporter's own regions are not exports and are left alone) from ``start`` for
    ``duration`` months.

    Given any regime parameter (``announced`` to ``leakage`` below), it is a *licence regime*
    whose multiplier moves month by month, compiled to the same route multipliers; see
    :mod:`valuechain.scenarios.licence`.

    Parameters
    ----------
    exporter
        A region or a region selector (a group such as ``"EU27"``).
    commodities
        A commodity id or a list of them.
    destinations
        ``"all"``, a region, a group, ``"non-<group>"`` or a list of these.
    severity
        Fraction of the flow stopped, in [0, 1] (1 = ban); in a regime, the approval ``1 - severity`` of the
        destinations ``approval`` does not name.
    start
        Month offset from the start of the horizon, or a date: the effective date.
    duration
        Months in force from ``start``; ``None`` = until the end of the horizon.
    announced
        Date (or month offset) of the announcement; front-loading runs from it to ``start``.
    approval
        Share of the requested volume approved once licences flow (after ``lag``), in [0, 1]: a number, or a
        mapping of destinations (region, group, ``all``, ``non-<group>``) to shares, the most specific key
        naming a region giving its value; a ban is approval 0.
    lag
        Months after ``start`` before licences are granted, a number or a mapping of destinations to months (default 0).
    initial
        Share of the requested volume that still goes out during the lag (default 0), a number or a mapping of
        destinations to shares.
    front_load, front_from, storage, take_back
        Buyers pull ``front_load`` months of purchases forward every month (>= 0) from ``front_from``
        (default ``announced``) to ``start``, at most ``storage`` months of flow (``None``: no limit), and
        buy ``take_back`` of it (default 1) less after ``start``.
    suspended
        ``[from, to]``: dates (or month offsets) between which the control is lifted; ``to`` may be ``None``
        (indefinitely). A suspension covering ``start`` postpones the control to its end.
    leakage
        ``{via: [third countries], cap: share}``: up to ``cap`` of a restricted route's baseline flow reaches
        the destination through a listed third country with a route into it; ``None`` (default) = no leakage.
    skip_missing
        Skip names the network does not have instead of raising.

    Examples
    --------
    >>> ExportControl("CN", ["natural_graphite", "anode_natural"], severity=0.5, start="2023-12-01")
    ExportControl(exporter='CN', commodities=['natural_graphite', 'anode_natural'], severity=0.5, start='2023-12-01')
    >>> ExportControl("CN", "natural_graphite", start="2023-12-01", approval={"all": 0.9, "US": 0.5}, lag=1).is_regime
    True
    """

    _params = (
        "exporter",
        "commodities",
        "destinations",
        "severity",
        "start",
        "duration",
        *REGIME_PARAMS,
        "skip_missing",
    )
    _defaults: ClassVar[dict[str, Any]] = {
        "destinations": "all",
        "severity": 1.0,
        "start": 0,
        "duration": None,
        **REGIME_DEFAULTS,
        "skip_missing": False,
    }

    def __init__(
        self,
        exporter: str | list[str],
        commodities: str | list[str],
        destinations: str | list[str] = "all",
        severity: float = 1.0,
        start: object = 0,
        duration: float | None = None,
        *,
        announced: object = None,
        approval: float | dict[str, float] | None = None,
        lag: float | dict[str, float] = 0,
        initial: float | dict[str, float] = 0.0,
        front_load: float = 0.0,
        front_from: object = None,
        storage: float | None = None,
        take_back: float = 1.0,
        suspended: list[object] | None = None,
        leakage: dict[str, Any] | None = None,
        skip_missing: bool = False,
    ) -> None:
        self.exporter = exporter
        self.commodities = commodities
        self.destinations = destinations
        self.severity = severity
        self.start = start
        self.duration = duration
        self.announced = announced
        self.approval = approval
        self.lag = lag
        self.initial = initial
        self.front_load = front_load
        self.front_from = front_from
        self.storage = storage
        self.take_back = take_back
        self.suspended = suspended
        self.leakage = leakage
        self.skip_missing = skip_missing
        _names("ExportControl", "exporter", exporter)
        _names("ExportControl", "commodities", commodities)
        _names("ExportControl", "destinations", destinations)
        check("ExportControl", "severity", severity, Interval(0, 1), error=ScenarioError)
        self._check_time()
        check_regime(
            "ExportControl",
            announced=announced,
            approval=approval,
            lag=lag,
            initial=initial,
            front_load=front_load,
            storage=storage,
            suspended=suspended,
            leakage=leakage,
            front_from=front_from,
            take_back=take_back,
        )

    @property
    def is_regime(self) -> bool:
        """Whether the control is a licence regime (any regime parameter differs from its default)."""
        return any(self.get_params()[k] != self._defaults[k] for k in REGIME_PARAMS)

    def effects(self, net: Resolver, horizon: Horizon, outside: str = "error") -> tuple[list[Effect], np.ndarray]:
        """Route multipliers; see :meth:`Shock.effects`."""
        win = self.window(horizon, outside)
        exporters = net.regions(self.exporter, "exporter")
        coms = net.commodities(self.commodities, "commodities")
        dest = net.regions(self.destinations, "destinations") - exporters
        if win is None or not (exporters and coms and dest):
            return [], _no_expansions()
        if not self.is_regime:
            pos = net.routes(coms, exporters, dest)
            return [Effect("route", pos, 1.0 - float(self.severity), win[0], win[1], 0.0)], _no_expansions()
        return regime_effects(self, net, horizon, exporters, coms, dest), _no_expansions()

    def schedule(self, months: int = 18, start: object = None) -> pd.DataFrame:
        """The regime's route multipliers by destination and month; see :func:`valuechain.scenarios.licence.schedule`.

        Examples
        --------
        >>> c = ExportControl("CN", "natural_graphite", start="2024-01-01", approval={"all": 0.9, "JP": 0.5}, lag=1)
        >>> c.schedule(3).round(2).to_dict("index")["JP"]
        {'2024-01': 0.0, '2024-02': 0.5, '2024-03': 0.5}
        """
        return schedule(self, months, start)


class TradeBan(Shock):
    """A ban on moving a commodity from one group of regions to another (e.g. a waste-export rule).

    Parameters
    ----------
    commodity
        A commodity id or a list of them.
    from_group, to_group
        Region selectors: a region, a group, ``"non-<group>"`` (e.g. ``"non-OECD"``), ``"all"``
        or a list of these.
    start, duration, skip_missing
        As for :class:`ExportControl`.

    Examples
    --------
    >>> TradeBan("black_mass", "EU27", "non-OECD", start="2026-12-01")
    TradeBan(commodity='black_mass', from_group='EU27', to_group='non-OECD', start='2026-12-01')
    """

    _params = ("commodity", "from_group", "to_group", "start", "duration", "skip_missing")
    _defaults: ClassVar[dict[str, Any]] = {"start": 0, "duration": None, "skip_missing": False}

    def __init__(
        self,
        commodity: str | list[str],
        from_group: str | list[str],
        to_group: str | list[str],
        start: object = 0,
        duration: float | None = None,
        *,
        skip_missing: bool = False,
    ) -> None:
        self.commodity = commodity
        self.from_group = from_group
        self.to_group = to_group
        self.start = start
        self.duration = duration
        self.skip_missing = skip_missing
        _names("TradeBan", "commodity", commodity)
        _names("TradeBan", "from_group", from_group)
        _names("TradeBan", "to_group", to_group)
        self._check_time()

    def effects(self, net: Resolver, horizon: Horizon, outside: str = "error") -> tuple[list[Effect], np.ndarray]:
        """Route multipliers of 0; see :meth:`Shock.effects`."""
        win = self.window(horizon, outside)
        coms = net.commodities(self.commodity, "commodity")
        origins = net.regions(self.from_group, "from_group")
        dest = net.regions(self.to_group, "to_group")
        if win is None or not (coms and origins and dest):
            return [], _no_expansions()
        return [Effect("route", net.routes(coms, origins, dest), 0.0, win[0], win[1], 0.0)], _no_expansions()


class TechnologyControl(Shock):
    """No new capacity abroad that needs one country's technology; optionally derate plants abroad.

    Expansion options outside ``origin`` whose ``technology_origin`` is ``origin`` and that
    produce one of ``technologies`` may not be built in the scenario (``expansion_allowed`` has no
    time axis: an option is forbidden in every period of a scenario in which the control takes
    effect). Existing processes of that technology origin outside ``origin`` producing those
    commodities get the multiplier ``1 - derate`` from ``start``.

    Parameters
    ----------
    origin
        The country (or group) whose technology is controlled.
    technologies
        Commodity ids or stage names whose production technology is controlled.
    derate
        Capacity lost by existing plants of that origin abroad, in [0, 1].
    start, duration, skip_missing
        As for :class:`ExportControl`.

    Examples
    --------
    >>> TechnologyControl("CN", ["cam_lfp", "lithium_hydroxide"], start="2025-07-15")
    TechnologyControl(origin='CN', technologies=['cam_lfp', 'lithium_hydroxide'], start='2025-07-15')
    """

    _params = ("origin", "technologies", "derate", "start", "duration", "skip_missing")
    _defaults: ClassVar[dict[str, Any]] = {"derate": 0.0, "start": 0, "duration": None, "skip_missing": False}

    def __init__(
        self,
        origin: str | list[str],
        technologies: str | list[str],
        derate: float = 0.0,
        start: object = 0,
        duration: float | None = None,
        *,
        skip_missing: bool = False,
    ) -> None:
        self.origin = origin
        self.technologies = technologies
        self.derate = derate
        self.start = start
        self.duration = duration
        self.skip_missing = skip_missing
        _names("TechnologyControl", "origin", origin)
        _names("TechnologyControl", "technologies", technologies)
        check("TechnologyControl", "derate", derate, Interval(0, 1), error=ScenarioError)
        self._check_time()

    def effects(self, net: Resolver, horizon: Horizon, outside: str = "error") -> tuple[list[Effect], np.ndarray]:
        """Forbidden expansions and derated processes; see :meth:`Shock.effects`."""
        win = self.window(horizon, outside)
        origin = net.regions(self.origin, "origin")
        coms = net.commodities(self.technologies, "technologies", stages=True)
        if win is None or not (origin and coms):
            return [], _no_expansions()
        exp = net.net.expansions
        mask = (
            ~exp["region"].astype(str).isin(origin).to_numpy()
            & exp["technology_origin"].astype(str).isin(origin).to_numpy()
            & net.producing(coms, "expansions")
        )
        effects: list[Effect] = []
        if float(self.derate) > 0:
            procs = net.net.processes
            pmask = (
                ~procs["region"].astype(str).isin(origin).to_numpy()
                & procs["technology_origin"].astype(str).isin(origin).to_numpy()
                & net.producing(coms)
            )
            effects.append(Effect("process", np.flatnonzero(pmask), 1.0 - float(self.derate), win[0], win[1], 0.0))
        return effects, np.flatnonzero(mask)


class CapacityShock(Shock):
    """Multiply the capacity of some processes by ``factor`` over a window.

    ``factor`` < 1 is a loss (0 = stopped), > 1 a surge or better yields. After the window the
    capacity returns to normal linearly over ``recovery`` months.

    Parameters
    ----------
    target
        A process id, ``"<region or group>:<commodity or stage>"`` (every process there with such
        an output, e.g. ``"DE:cell"``), or a list of these; see :mod:`valuechain.scenarios._select`.
    factor
        Capacity multiplier, >= 0.
    start, duration, skip_missing
        As for :class:`ExportControl`.
    recovery
        Months of linear recovery after the window.

    Examples
    --------
    >>> CapacityShock("CN:cell", 1.2, start=6, duration=12)
    CapacityShock(target='CN:cell', factor=1.2, start=6, duration=12)
    """

    _params = ("target", "factor", "start", "duration", "recovery", "skip_missing")
    _defaults: ClassVar[dict[str, Any]] = {"start": 0, "duration": None, "recovery": 0.0, "skip_missing": False}

    def __init__(
        self,
        target: str | list[str],
        factor: float,
        start: object = 0,
        duration: float | None = None,
        recovery: float = 0.0,
        *,
        skip_missing: bool = False,
    ) -> None:
        self.target = target
        self.factor = factor
        self.start = start
        self.duration = duration
        self.recovery = recovery
        self.skip_missing = skip_missing
        _names(type(self).__name__, "target", target)
        check(type(self).__name__, "factor", factor, Interval(0, math.inf, "left"), error=ScenarioError)
        self._check_time(recovery)

    def _factor(self) -> float:
        return float(self.factor)

    def effects(self, net: Resolver, horizon: Horizon, outside: str = "error") -> tuple[list[Effect], np.ndarray]:
        """Process multipliers; see :meth:`Shock.effects`."""
        win = self.window(horizon, outside)
        pos = net.processes(self.target, "target")
        if win is None or not len(pos):
            return [], _no_expansions()
        return [Effect("process", pos, self._factor(), win[0], win[1], float(self.recovery))], _no_expansions()


class Outage(CapacityShock):
    """A loss of capacity (fire, flood, insolvency): a :class:`CapacityShock` with ``factor = 1 - severity``.

    Parameters
    ----------
    target
        As for :class:`CapacityShock`.
    severity
        Fraction of capacity lost, in [0, 1].
    start, duration, recovery, skip_missing
        As for :class:`CapacityShock`.

    Examples
    --------
    >>> Outage("de-cells", 1.0, start=2, duration=6, recovery=3)
    Outage(target='de-cells', start=2, duration=6, recovery=3)
    """

    _params = ("target", "severity", "start", "duration", "recovery", "skip_missing")
    _defaults: ClassVar[dict[str, Any]] = {
        "severity": 1.0,
        "start": 0,
        "duration": None,
        "recovery": 0.0,
        "skip_missing": False,
    }

    def __init__(
        self,
        target: str | list[str],
        severity: float = 1.0,
        start: object = 0,
        duration: float | None = None,
        recovery: float = 0.0,
        *,
        skip_missing: bool = False,
    ) -> None:
        check("Outage", "severity", severity, Interval(0, 1), error=ScenarioError)
        self.severity = severity
        super().__init__(target, 1.0 - float(severity), start, duration, recovery, skip_missing=skip_missing)


class DemandShock(Shock):
    """Multiply final demand at some hubs by ``factor`` over a window.

    Parameters
    ----------
    hub
        ``"<region or group>:<commodity or stage>"`` (e.g. ``"DE:cell_nmc"``, ``"EU27:cell"``) or a
        list of these.
    factor
        Demand multiplier, >= 0.
    start, duration, recovery, skip_missing
        As for :class:`CapacityShock`.

    Examples
    --------
    >>> DemandShock("DE:cell_nmc", 1.3, start="2025-06", duration=12)
    DemandShock(hub='DE:cell_nmc', factor=1.3, start='2025-06', duration=12)
    """

    _params = ("hub", "factor", "start", "duration", "recovery", "skip_missing")
    _defaults: ClassVar[dict[str, Any]] = {"start": 0, "duration": None, "recovery": 0.0, "skip_missing": False}

    def __init__(
        self,
        hub: str | list[str],
        factor: float,
        start: object = 0,
        duration: float | None = None,
        recovery: float = 0.0,
        *,
        skip_missing: bool = False,
    ) -> None:
        self.hub = hub
        self.factor = factor
        self.start = start
        self.duration = duration
        self.recovery = recovery
        self.skip_missing = skip_missing
        _names("DemandShock", "hub", hub)
        check("DemandShock", "factor", factor, Interval(0, math.inf, "left"), error=ScenarioError)
        self._check_time(recovery)

    def effects(self, net: Resolver, horizon: Horizon, outside: str = "error") -> tuple[list[Effect], np.ndarray]:
        """Demand multipliers; see :meth:`Shock.effects`."""
        win = self.window(horizon, outside)
        pos = net.demands(self.hub, "hub")
        if win is None or not len(pos):
            return [], _no_expansions()
        return [Effect("demand", pos, float(self.factor), win[0], win[1], float(self.recovery))], _no_expansions()


#: Shock classes by name, for reading scenarios from files.
SHOCKS: dict[str, type[Shock]] = {
    c.__name__: c for c in (ExportControl, TechnologyControl, CapacityShock, Outage, TradeBan, DemandShock)
}


def shock_from_dict(data: dict[str, Any], *, where: str = "", skip_missing: bool | None = None) -> Shock:
    """Build a shock from a mapping with a ``type`` key and its parameters.

    Parameters
    ----------
    data
        E.g. ``{"type": "Outage", "target": "de-cells", "severity": 1, "duration": 6}``.
    where
        Where the mapping comes from, prefixed to error messages.
    skip_missing
        If given, overrides the mapping's ``skip_missing``.

    Raises
    ------
    ScenarioError
        On an unknown type or parameter (naming the closest valid ones) or a bad value.
    """
    from valuechain.scenarios.files import shock_from_mapping

    return shock_from_mapping(data, where or "shock", skip_missing=skip_missing)
