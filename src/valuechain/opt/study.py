"""Study specifications: what a planning run solves (``models/<name>.yaml``, :func:`load_study`).

A study spec is a YAML mapping with these keys (only ``network`` is required)::

    name: toy-battery-crma            # defaults to the file name
    description: free text
    network: toy-battery              # a bundled network's name, or a folder relative to the spec
    horizon:
      start: 2025                     # first year (default: the network's year)
      years: 5                        # number of yearly periods (default 1)
    scenarios:                        # default: one scenario without shocks ("baseline")
      - baseline                      # a name: "baseline" or one from valuechain.scenarios' library
      - {name: cn-graphite-2023, probability: 0.2}   # or a name with a probability
    policies:                         # see valuechain.opt.policies; each a mapping with a 'type'
      - {type: max_origin_share, commodities: [cell_nmc], region: DE, origin: CN, share: 0.5}
    objective:
      discount_rate: 0.05             # per year; discounts costs and annualises capex (default 0.05)
      unmet_penalty: 1.0e6            # per unit of unmet demand without a value_of_lost_demand
      cvar_weight: 0.0                # lambda of the CVaR term on the cost of unmet demand
      cvar_alpha: 0.95                # its confidence level
      spot_premium: 0.0               # extra fraction on market prices in periods with a shock
      policy_penalty: 1.0e9           # per unit of violation of elastic policies without a penalty
    options:
      stocks: true                    # strategic stocks at hubs (first-stage reserve + stock levels)
      allow_unmet: true               # unmet demand as a priced slack (false: demand must be met)
    solver:
      time_limit: 60                  # seconds
      mip_gap: 0.0001                 # relative
      threads: 1

Probabilities are either given for every scenario (summing to 1) or for none (equally likely).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain._params import Interval, check, closest
from valuechain.errors import StudyError

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.opt.policies import Policy
    from valuechain.scenarios.compiled import ShockArrays

__all__ = ["DEFAULT_UNMET_PENALTY", "Study", "load_study"]

#: Penalty per unit of unmet demand for demand rows without a value_of_lost_demand.
DEFAULT_UNMET_PENALTY = 1e6

_KEYS = ("name", "description", "network", "horizon", "scenarios", "policies", "objective", "options", "solver")
_HORIZON = ("start", "years")
_OBJECTIVE = ("discount_rate", "unmet_penalty", "cvar_weight", "cvar_alpha", "spot_premium", "policy_penalty")
_OPTIONS = ("stocks", "allow_unmet")
_SOLVER = ("time_limit", "mip_gap", "threads")


@dataclass(frozen=True)
class Study:
    """What to solve on a network: horizon, scenarios, policies, objective and solver options.

    Parameters
    ----------
    name
        Name of the study.
    network
        Network name or folder (used by :func:`~valuechain.opt.optimise` when given a study alone).
    start
        First year of the horizon (default: the network's year, else 2025).
    years
        Number of yearly periods.
    scenarios
        Scenario names ("baseline" means no shock; other names come from the scenario library).
    probabilities
        One probability per scenario, or ``None`` for equally likely scenarios.
    policies
        Policy objects from :mod:`valuechain.opt.policies`.
    discount_rate, unmet_penalty, cvar_weight, cvar_alpha, spot_premium, policy_penalty
        Objective options (see the module docstring).
    stocks
        Whether hubs may hold strategic stocks.
    allow_unmet
        Whether demand may go unmet at its penalty (otherwise demand is a hard constraint).
    solver
        Default solver options (``time_limit``, ``mip_gap``, ``threads``).
    path
        The spec file, if the study was loaded from one.

    Examples
    --------
    >>> from valuechain.opt import Study
    >>> Study(years=3, discount_rate=0.0).years
    3
    >>> Study(discount_rate=2)
    Traceback (most recent call last):
    ...
    valuechain.errors.StudyError: The 'discount_rate' parameter of Study must be a number in [0, 1]. Got 2.
    """

    name: str = "study"
    network: str | None = None
    start: int | None = None
    years: int = 1
    scenarios: tuple[str, ...] = ("baseline",)
    probabilities: tuple[float, ...] | None = None
    policies: tuple[Policy, ...] = ()
    discount_rate: float = 0.05
    unmet_penalty: float = DEFAULT_UNMET_PENALTY
    cvar_weight: float = 0.0
    cvar_alpha: float = 0.95
    spot_premium: float = 0.0
    policy_penalty: float = 1e9
    stocks: bool = True
    allow_unmet: bool = True
    solver: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    path: Path | None = None

    def __post_init__(self) -> None:
        own = "Study"
        check(own, "years", self.years, Interval(1, 10_000), error=StudyError, expected="an integer >= 1")
        check(own, "years", self.years, int, error=StudyError, expected="an integer >= 1")
        check(own, "discount_rate", self.discount_rate, Interval(0, 1), error=StudyError)
        check(own, "unmet_penalty", self.unmet_penalty, Interval(0, math.inf, "left"), error=StudyError)
        check(own, "cvar_weight", self.cvar_weight, Interval(0, math.inf, "left"), error=StudyError)
        check(own, "cvar_alpha", self.cvar_alpha, Interval(0, 1, "left"), error=StudyError)
        check(own, "spot_premium", self.spot_premium, Interval(0, math.inf, "left"), error=StudyError)
        check(own, "policy_penalty", self.policy_penalty, Interval(0, math.inf, "left"), error=StudyError)
        if not self.scenarios:
            raise StudyError("a study needs at least one scenario (use 'baseline' for no shock)")
        if self.probabilities is not None:
            if len(self.probabilities) != len(self.scenarios):
                raise StudyError(
                    f"{len(self.probabilities)} probabilities for {len(self.scenarios)} scenarios; "
                    "give one per scenario"
                )
            if any(not (0 <= p <= 1) for p in self.probabilities) or abs(sum(self.probabilities) - 1) > 1e-9:
                raise StudyError(
                    f"scenario probabilities must lie in [0, 1] and sum to 1; got {list(self.probabilities)}"
                )
        unknown = [k for k in self.solver if k not in _SOLVER]
        if unknown:
            raise StudyError(f"unknown solver option '{unknown[0]}'; expected one of {', '.join(_SOLVER)}")

    def replace(self, **changes: Any) -> Study:
        """Return a copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def periods(self, network: Network) -> pd.PeriodIndex:
        """Return the yearly periods of the horizon."""
        start = self.start if self.start is not None else (network.year if network.year is not None else 2025)
        return pd.period_range(str(start), periods=self.years, freq="Y")

    def shock_arrays(self, network: Network) -> ShockArrays:
        """Compile the study's scenarios for ``network`` over its horizon."""
        from valuechain.scenarios.compiled import ShockArrays

        periods = self.periods(network)
        named = [s for s in self.scenarios if s != "baseline"]
        if not named:
            arrays = ShockArrays.baseline(network, periods, list(self.scenarios))
        else:
            arrays = _compile_named(network, self.scenarios, periods)
        if self.probabilities is not None:
            arrays = replace(arrays, probability=np.asarray(self.probabilities, dtype=float))
        return arrays


def _compile_named(network: Network, names: Sequence[str], periods: pd.PeriodIndex) -> ShockArrays:
    """Compile library scenarios (and 'baseline' entries) into one set of arrays.

    A planning horizon usually starts after a control was imposed (China's graphite licensing
    dates from December 2023): the part of each shock inside the horizon applies
    (``outside="clip"``), so a control still in force binds from the first year.
    """
    from valuechain.scenarios import compile_shocks, named
    from valuechain.scenarios.compiled import ShockArrays

    parts: list[ShockArrays] = []
    for name in names:
        if name == "baseline":
            parts.append(ShockArrays.baseline(network, periods, ["baseline"]))
        else:
            scenario = named(name)
            parts.append(
                compile_shocks(network, [scenario], start=periods[0], periods=len(periods), freq="Y", outside="clip")
            )
    first = parts[0]
    n = len(parts)
    return ShockArrays(
        scenarios=pd.Index([str(s) for p in parts for s in p.scenarios], name="scenario"),
        probability=np.full(n, 1.0 / n),
        periods=periods,
        processes=first.processes,
        routes=first.routes,
        demands=first.demands,
        expansions=first.expansions,
        process_capacity=np.concatenate([p.process_capacity for p in parts]),
        route_capacity=np.concatenate([p.route_capacity for p in parts]),
        demand=np.concatenate([p.demand for p in parts]),
        expansion_allowed=np.concatenate([p.expansion_allowed for p in parts]),
    )


# ---------------------------------------------------------------------- loading
def _mapping(value: Any, file: str, key: str, allowed: Sequence[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise StudyError(f"{file}: key '{key}' must be a mapping; got {type(value).__name__}")
    for k in value:
        if k not in allowed:
            raise StudyError(
                f"{file}: unknown key '{key}.{k}'; expected one of {', '.join(allowed)}" + closest(str(k), allowed)
            )
    return dict(value)


def _number(value: Any, file: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise StudyError(f"{file}: key '{key}' must be a number; got {value!r}")
    return float(value)


def load_study(path: str | Path) -> Study:
    """Read and validate a study spec (``models/<name>.yaml``).

    Parameters
    ----------
    path
        The YAML file, or the name of a bundled spec (``"toy-transport"`` for ``models/toy-transport.yaml``).

    Returns
    -------
    Study

    Raises
    ------
    StudyError
        Naming the file, the key and what was expected (unknown keys come with the closest valid ones).

    Examples
    --------
    >>> from valuechain.opt import load_study
    >>> study = load_study("toy-transport")
    >>> study.network, study.years
    ('toy-transport', 1)
    """
    import yaml

    p = _resolve(path)
    file = str(p)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise StudyError(f"{file}: not valid YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(raw, Mapping):
        raise StudyError(f"{file}: expected a mapping of keys ({', '.join(_KEYS)})")
    for k in raw:
        if k not in _KEYS:
            raise StudyError(f"{file}: unknown key '{k}'; expected one of {', '.join(_KEYS)}" + closest(str(k), _KEYS))
    if "network" not in raw or not isinstance(raw["network"], str):
        raise StudyError(f"{file}: key 'network' is required: a network name or a folder")
    network = raw["network"]
    if ("/" in network or network.startswith(".")) and not Path(network).is_absolute():
        network = str((p.parent / network).resolve())
    horizon = _mapping(raw.get("horizon"), file, "horizon", _HORIZON)
    objective = _mapping(raw.get("objective"), file, "objective", _OBJECTIVE)
    options = _mapping(raw.get("options"), file, "options", _OPTIONS)
    solver = _mapping(raw.get("solver"), file, "solver", _SOLVER)
    for key, value in (("horizon.start", horizon.get("start")), ("horizon.years", horizon.get("years"))):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise StudyError(f"{file}: key '{key}' must be an integer; got {value!r}")
    names, probs = _scenarios(raw.get("scenarios"), file)
    policies = _policies(raw.get("policies"), file)
    kwargs: dict[str, Any] = {k: _number(v, file, f"objective.{k}") for k, v in objective.items()}
    for k, v in solver.items():
        kwargs.setdefault("solver", {})[k] = _number(v, file, f"solver.{k}")
    for key, value in options.items():
        if not isinstance(value, bool):
            raise StudyError(f"{file}: key 'options.{key}' must be true or false; got {value!r}")
    try:
        return Study(
            name=str(raw.get("name", p.stem)),
            network=network,
            start=horizon.get("start"),
            years=horizon.get("years", 1),
            scenarios=names,
            probabilities=probs,
            policies=policies,
            stocks=options.get("stocks", True),
            allow_unmet=options.get("allow_unmet", True),
            description=str(raw.get("description", "")),
            path=p,
            **kwargs,
        )
    except StudyError as e:
        raise StudyError(f"{file}: {e}") from None


def _resolve(path: str | Path) -> Path:
    p = Path(path)
    if p.is_file():
        return p
    if p.suffix == "" and "/" not in str(path):
        for base in (Path.cwd() / "models", Path(__file__).resolve().parents[3] / "models"):
            cand = base / f"{path}.yaml"
            if cand.is_file():
                return cand
        bundled = Path(__file__).resolve().parents[1] / "_data" / "models" / f"{path}.yaml"
        if bundled.is_file():
            return bundled
    raise StudyError(f"{path}: no such study spec (a .yaml file, or the name of one in models/)")


def _scenarios(value: Any, file: str) -> tuple[tuple[str, ...], tuple[float, ...] | None]:
    if value is None:
        return ("baseline",), None
    if not isinstance(value, list) or not value:
        raise StudyError(f"{file}: key 'scenarios' must be a non-empty list of names or {{name, probability}} mappings")
    names: list[str] = []
    probs: list[float | None] = []
    for i, item in enumerate(value, 1):
        if isinstance(item, str):
            names.append(item)
            probs.append(None)
        elif isinstance(item, Mapping) and "name" in item:
            extra = [k for k in item if k not in ("name", "probability")]
            if extra:
                raise StudyError(f"{file}: unknown key 'scenarios[{i}].{extra[0]}'; expected name, probability")
            names.append(str(item["name"]))
            probs.append(
                _number(item["probability"], file, f"scenarios[{i}].probability") if "probability" in item else None
            )
        else:
            raise StudyError(f"{file}: key 'scenarios[{i}]' must be a name or a mapping with 'name'; got {item!r}")
    if len(set(names)) != len(names):
        raise StudyError(f"{file}: key 'scenarios' lists a scenario twice")
    given = [p for p in probs if p is not None]
    if given and len(given) != len(probs):
        raise StudyError(f"{file}: key 'scenarios': give a probability for every scenario or for none")
    return tuple(names), (tuple(given) if given else None)


def _policies(value: Any, file: str) -> tuple[Policy, ...]:
    from valuechain.opt.policies import policy_from_spec

    if value is None:
        return ()
    if not isinstance(value, list):
        raise StudyError(f"{file}: key 'policies' must be a list of mappings with a 'type'")
    out = []
    for i, item in enumerate(value, 1):
        try:
            out.append(policy_from_spec(item))
        except StudyError as e:
            raise StudyError(f"{file}: key 'policies[{i}]': {e}") from None
    return tuple(out)
