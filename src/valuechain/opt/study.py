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
      - {file: shocks/my-outage.yaml, probability: 0.1}  # a scenario file, relative to the spec
      - {name: fire, shocks: [{type: Outage, target: de-cells, duration: 3}]}  # a scenario inline
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
      keep_stocks: false              # stocks at the end are at least the initial ones (no run-down)
    recourse:                         # the named recourses of the network's alternatives table, in
                                      # the optimiser and in the study's re-sourcing simulations:
      substitution: true              # processes may use the material alternatives of their inputs
                                      # (e.g. synthetic for natural graphite in anodes)
      chemistry_switching: true       # packs may use cells of another chemistry (NMC and LFP)
    solver:
      time_limit: 60                  # seconds, > 0
      mip_gap: 0.0001                 # relative, in [0, 1]
      threads: 1                      # an integer >= 1
      method: auto                    # LP method of cold solves: auto, simplex, ipm, hipo, pdlp

Probabilities are either given for every scenario (summing to 1) or for none (equally likely).
Scenario files and inline scenarios use the scenario file format (:mod:`valuechain.scenarios.files`).

This module reads every key but one policy type: ``cap_path`` policies (dependency caps that follow
a path over the years) belong to the analysis layer, and :func:`valuechain.study.load_study` reads
every spec, those included, filling in today's shares their relative knots need. Errors name the
file and the key: ``models/x.yaml: policies[2].share: expected a number in [0, 1], got 1.5``
(list positions count from 1).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain._params import Interval, check, closest, restate
from valuechain.errors import ScenarioError, StudyError
from valuechain.scenarios.scenario import Scenario

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.opt.policies import Policy
    from valuechain.scenarios.compiled import ShockArrays

__all__ = ["DEFAULT_UNMET_PENALTY", "PolicyReader", "Study", "load_study", "read_spec", "study_from_spec"]

#: Penalty per unit of unmet demand for demand rows without a value_of_lost_demand.
DEFAULT_UNMET_PENALTY = 1e6

_KEYS = (
    "name",
    "description",
    "network",
    "horizon",
    "scenarios",
    "policies",
    "objective",
    "options",
    "recourse",
    "solver",
)
_HORIZON = ("start", "years")
_OBJECTIVE = ("discount_rate", "unmet_penalty", "cvar_weight", "cvar_alpha", "spot_premium", "policy_penalty")
_OPTIONS = ("stocks", "allow_unmet", "keep_stocks")
_RECOURSE = ("substitution", "chemistry_switching")
_SOLVER = ("time_limit", "mip_gap", "threads", "method")
#: Spec key of each Study field that a spec sets (for error messages).
_KEY_OF = {
    "years": "horizon.years",
    "start": "horizon.start",
    **{k: f"objective.{k}" for k in _OBJECTIVE},
    **{k: f"options.{k}" for k in _OPTIONS},
    **{k: f"recourse.{k}" for k in _RECOURSE},
}
#: Fields a spec must give for each policy type (their defaults would make the policy vacuous).
_POLICY_REQUIRED: dict[str, tuple[str, ...]] = {
    "max_origin_share": ("commodities", "region", "origin", "share"),
    "third_country_cap": ("commodities", "region"),
    "min_domestic_share": ("commodities", "region", "share"),
    "export_ban": ("commodities", "from_region"),
    "technology_control": ("origin",),
}
#: Reads one extra policy type from its spec mapping; errors name ``where`` (file and key).
PolicyReader = Callable[[Mapping[str, Any], str], "Policy"]


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
        Scenario names ("baseline" means no shock; other names come from the scenario library)
        or :class:`~valuechain.scenarios.Scenario` objects (read from files or written inline).
    probabilities
        One probability per scenario, or ``None`` for equally likely scenarios.
    policies
        Policy objects from :mod:`valuechain.opt.policies`.
    discount_rate, unmet_penalty, cvar_weight, cvar_alpha, spot_premium, policy_penalty
        Objective options (see the module docstring).
    stocks
        Whether hubs may hold strategic stocks.
    substitution
        Whether processes may use the material alternatives of their inputs (the alternatives
        whose recourse is "substitution").
    chemistry_switching
        Whether processes may use cells of another chemistry (the alternatives whose recourse is
        "chemistry_switching").
    allow_unmet
        Whether demand may go unmet at its penalty (otherwise demand is a hard constraint).
    keep_stocks
        Whether every hub's stock in the last period must be at least its initial stock, so that
        a plan cannot run its stocks down in the horizon's last year (they are free to use before).
        In a planning study whose targets are measured in the last year, a run-down there serves
        the year's use from stock of no origin and so dilutes every share.
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
    scenarios: tuple[str | Scenario, ...] = ("baseline",)
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
    keep_stocks: bool = False
    substitution: bool = True
    chemistry_switching: bool = True
    solver: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    path: Path | None = None

    def __post_init__(self) -> None:
        own = "Study"
        check(own, "years", self.years, int, error=StudyError, expected="an integer in [1, 10000]")
        check(own, "years", self.years, Interval(1, 10_000), error=StudyError, expected="an integer in [1, 10000]")
        check(own, "discount_rate", self.discount_rate, Interval(0, 1), error=StudyError)
        check(own, "unmet_penalty", self.unmet_penalty, Interval(0, math.inf, "left"), error=StudyError)
        check(own, "cvar_weight", self.cvar_weight, Interval(0, math.inf, "left"), error=StudyError)
        check(own, "cvar_alpha", self.cvar_alpha, Interval(0, 1, "left"), error=StudyError)
        check(own, "spot_premium", self.spot_premium, Interval(0, math.inf, "left"), error=StudyError)
        check(own, "policy_penalty", self.policy_penalty, Interval(0, math.inf, "left"), error=StudyError)
        if not self.scenarios:
            raise StudyError("a study needs at least one scenario (use 'baseline' for no shock)")
        names = self.scenario_names
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise StudyError(f"scenario names must be unique in a study; repeated: {', '.join(dup)}")
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
        own = "solver options of Study"
        if "time_limit" in self.solver:
            check(own, "time_limit", self.solver["time_limit"], Interval(0, math.inf, "neither"), error=StudyError)
        if "mip_gap" in self.solver:
            check(own, "mip_gap", self.solver["mip_gap"], Interval(0, 1), error=StudyError)
        if "threads" in self.solver:
            check(own, "threads", self.solver["threads"], lambda v: isinstance(v, int) and not isinstance(v, bool)
                  and v >= 1, error=StudyError, expected="an integer >= 1")  # fmt: skip

    @property
    def scenario_names(self) -> list[str]:
        """The names of the study's scenarios, in order."""
        return [s.name if isinstance(s, Scenario) else str(s) for s in self.scenarios]

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
        named = [s for s in self.scenarios if not (isinstance(s, str) and s == "baseline")]
        if not named:
            arrays = ShockArrays.baseline(network, periods, self.scenario_names)
        else:
            arrays = _compile_named(network, self.scenarios, periods)
        if self.probabilities is not None:
            arrays = replace(arrays, probability=np.asarray(self.probabilities, dtype=float))
        return arrays


def _compile_named(network: Network, names: Sequence[str | Scenario], periods: pd.PeriodIndex) -> ShockArrays:
    """Compile library scenarios, scenario objects and 'baseline' entries into one set of arrays.

    A planning horizon usually starts after a control was imposed (China's graphite licensing
    dates from December 2023): the part of each shock inside the horizon applies
    (``outside="clip"``), so a control still in force binds from the first year. A licence
    regime is read without its buyers' rush (:func:`valuechain.scenarios.licence.approval_only`).
    """
    from valuechain.scenarios import compile_shocks, named
    from valuechain.scenarios.compiled import ShockArrays
    from valuechain.scenarios.licence import approval_only

    parts: list[ShockArrays] = []
    for name in names:
        if isinstance(name, str) and name == "baseline":
            parts.append(ShockArrays.baseline(network, periods, ["baseline"]))
        else:
            scenario = approval_only(name if isinstance(name, Scenario) else named(name))
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
        raise StudyError(f"{file}: {key}: expected a mapping of {', '.join(allowed)}; got {value!r}")
    for k in value:
        if k not in allowed:
            raise StudyError(
                f"{file}: {key}.{k}: unknown key; expected one of {', '.join(allowed)}" + closest(str(k), allowed)
            )
    return dict(value)


def _number(value: Any, file: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise StudyError(f"{file}: {key}: expected a finite number, got {value!r}")
    return float(value)


def _integer(value: Any, file: str, key: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise StudyError(f"{file}: {key}: expected an integer >= {low}, got {value!r}")
    return value


def read_spec(path: str | Path) -> tuple[Path, dict[str, Any]]:
    """Find a study spec and read its top-level mapping (keys checked, values not yet).

    Parameters
    ----------
    path
        The YAML file, or the name of a bundled spec (``"toy-transport"`` for ``models/toy-transport.yaml``).

    Returns
    -------
    (pathlib.Path, dict)
        The file and its mapping.

    Raises
    ------
    StudyError
        If there is no such file, it is not UTF-8 text or not valid YAML (with line and column),
        it is not a mapping or holds an unknown key (with the closest valid ones).
    """
    from valuechain._yaml import read_yaml

    p = _resolve(path)
    file = str(p)
    raw = read_yaml(p, StudyError, "study spec")
    if not isinstance(raw, Mapping):
        raise StudyError(f"{file}: expected a mapping of keys ({', '.join(_KEYS)}); got {type(raw).__name__}")
    for k in raw:
        if k not in _KEYS:
            raise StudyError(f"{file}: {k}: unknown key; expected one of {', '.join(_KEYS)}" + closest(str(k), _KEYS))
    return p, dict(raw)


def study_from_spec(
    raw: Mapping[str, Any], path: str | Path, *, policy_types: Mapping[str, PolicyReader] | None = None
) -> Study:
    """Build a :class:`Study` from a spec's mapping (as returned by :func:`read_spec`).

    Parameters
    ----------
    raw
        The spec's top-level mapping.
    path
        The spec file (for messages, and the base of relative network folders and scenario files).
    policy_types
        Readers of policy types beyond :mod:`valuechain.opt.policies` (``cap_path`` from the
        analysis layer), by type name.

    Raises
    ------
    StudyError
        Naming the file, the key and what was expected.
    """
    from valuechain.opt.policies import _TYPES

    p = Path(path)
    file = str(p)
    extra = dict(policy_types or {})
    if "network" not in raw:
        raise StudyError(f"{file}: network: missing; expected a network name or folder (this key is required)")
    network = raw["network"]
    if not isinstance(network, str) or not network.strip():
        raise StudyError(f"{file}: network: expected a network name or folder, got {network!r}")
    if ("/" in network or network.startswith(".")) and not Path(network).is_absolute():
        network = str((p.parent / network).resolve())
    for key in ("name", "description"):
        if key in raw and not isinstance(raw[key], str):
            raise StudyError(f"{file}: {key}: expected text, got {raw[key]!r}")
    horizon = _mapping(raw.get("horizon"), file, "horizon", _HORIZON)
    objective = _mapping(raw.get("objective"), file, "objective", _OBJECTIVE)
    options = _mapping(raw.get("options"), file, "options", _OPTIONS)
    recourse = _mapping(raw.get("recourse"), file, "recourse", _RECOURSE)
    solver = _mapping(raw.get("solver"), file, "solver", _SOLVER)
    start = _integer(horizon["start"], file, "horizon.start", 1) if "start" in horizon else None
    years = _integer(horizon["years"], file, "horizon.years", 1) if "years" in horizon else 1
    scenarios, probs = _scenarios(raw.get("scenarios"), p)
    policies = _policies(raw.get("policies"), file, {**{k: None for k in _TYPES}, **extra})
    kwargs: dict[str, Any] = {k: _number(v, file, f"objective.{k}") for k, v in objective.items()}
    for k, v in solver.items():
        if k == "threads":
            kwargs.setdefault("solver", {})[k] = _integer(v, file, "solver.threads", 1)
        elif k == "method":
            from valuechain.opt.solver import METHODS

            if v not in METHODS:
                raise StudyError(f"{file}: solver.method: expected one of {', '.join(METHODS)}, got {v!r}")
            kwargs.setdefault("solver", {})[k] = str(v)
        else:
            kwargs.setdefault("solver", {})[k] = _number(v, file, f"solver.{k}")
    for group, values in (("options", options), ("recourse", recourse)):
        for key, value in values.items():
            if not isinstance(value, bool):
                raise StudyError(f"{file}: {group}.{key}: expected true or false, got {value!r}")
    try:
        return Study(
            name=str(raw.get("name", p.stem)),
            network=network,
            start=start,
            years=years,
            scenarios=scenarios,
            probabilities=probs,
            policies=policies,
            stocks=options.get("stocks", True),
            allow_unmet=options.get("allow_unmet", True),
            keep_stocks=options.get("keep_stocks", False),
            substitution=recourse.get("substitution", True),
            chemistry_switching=recourse.get("chemistry_switching", True),
            description=str(raw.get("description", "")),
            path=p,
            **kwargs,
        )
    except StudyError as e:
        if e.param is not None:
            key = _KEY_OF.get(e.param, f"solver.{e.param}" if e.param in _SOLVER else e.param)
            raise StudyError(f"{file}: {key}: expected {e.expected}, got {e.got!r}") from None
        raise StudyError(f"{file}: {e}") from None


def load_study(path: str | Path) -> Study:
    """Read and validate a study spec (``models/<name>.yaml``) whose policies are the engine's own.

    Specs with ``cap_path`` policies (dependency caps over the years) are read by
    :func:`valuechain.study.load_study`, which reads every spec and is what the command line uses.

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
    p, raw = read_spec(path)
    return study_from_spec(raw, p)


def _resolve(path: str | Path) -> Path:
    p = Path(path)
    if p.is_file():
        return p
    bundled_dirs = (
        Path(__file__).resolve().parents[3] / "models",
        Path(__file__).resolve().parents[1] / "_data" / "models",
    )
    if p.suffix == "" and "/" not in str(path):
        for base in (Path.cwd() / "models", *bundled_dirs):
            cand = base / f"{path}.yaml"
            if cand.is_file():
                return cand
    elif p.parent == Path("models") and p.suffix in (".yaml", ".yml"):
        # 'models/NAME.yaml' as the README and the CLI's defaults write it: the bundled study
        # when the working folder has no models/ of its own
        for base in bundled_dirs:
            if (base / p.name).is_file():
                return base / p.name
    if p.is_dir():
        raise StudyError(f"{path}: is a folder; expected a study spec (a .yaml file, or the name of one in models/)")
    raise StudyError(f"{path}: no such study spec (a .yaml file, or the name of one in models/)")


def _scenarios(value: Any, spec: Path) -> tuple[tuple[str | Scenario, ...], tuple[float, ...] | None]:
    """The scenarios of a spec: library names, scenario files and inline scenarios, with probabilities."""
    from valuechain.scenarios.files import read_scenario_entries, scenario_from_mapping

    file = str(spec)
    if value is None:
        return ("baseline",), None
    if not isinstance(value, list) or not value:
        raise StudyError(
            f"{file}: scenarios: expected a non-empty list of scenario names, {{file: path}} or scenario mappings; "
            f"got {value!r}"
        )
    items: list[str | Scenario] = []
    probs: list[float | None] = []
    keys: list[str] = []
    for i, item in enumerate(value, 1):
        key = f"scenarios[{i}]"
        where = f"{file}: {key}"
        try:
            if isinstance(item, str):
                items.append(_library_name(item))
                probs.append(None)
                keys.append(key)
            elif isinstance(item, Mapping) and "file" in item:
                bad = [k for k in item if k not in ("file", "probability")]
                if bad:
                    raise StudyError(
                        f"{where}.{bad[0]}: unknown key next to 'file'; expected file, probability"
                        + closest(str(bad[0]), ("file", "probability"))
                    )
                if not isinstance(item["file"], str) or not item["file"].strip():
                    raise StudyError(f"{where}.file: expected the path of a scenario file, got {item['file']!r}")
                path = Path(item["file"])
                path = path if path.is_absolute() else spec.parent / path
                if not path.is_file():
                    raise StudyError(
                        f"{where}.file: no such scenario file {str(path)!r} (paths are relative to the spec)"
                    )
                entries = read_scenario_entries(path)
                if "probability" in item and len(entries) != 1:
                    raise StudyError(
                        f"{where}.probability: the file holds {len(entries)} scenarios; give their probabilities in it"
                    )
                for sc, in_file in entries:
                    items.append(sc)
                    probs.append(
                        _probability(item["probability"], f"{where}.probability")
                        if "probability" in item
                        else (float(sc.probability) if in_file else None)
                    )
                    keys.append(key)
            elif isinstance(item, Mapping) and "shocks" in item:
                sc = scenario_from_mapping(item, where)
                items.append(sc)
                probs.append(float(sc.probability) if "probability" in item else None)
                keys.append(key)
            elif isinstance(item, Mapping) and "name" in item:
                extra = [k for k in item if k not in ("name", "probability")]
                if extra:
                    raise StudyError(
                        f"{where}.{extra[0]}: unknown key; expected name and probability (a library scenario), "
                        "file (a scenario file) or shocks (a scenario written here)"
                        + closest(str(extra[0]), ("name", "probability", "file", "shocks"))
                    )
                if not isinstance(item["name"], str):
                    raise StudyError(f"{where}.name: expected a scenario name, got {item['name']!r}")
                items.append(_library_name(item["name"]))
                given_p = item.get("probability")
                probs.append(None if given_p is None else _probability(given_p, f"{where}.probability"))
                keys.append(key)
            else:
                raise StudyError(
                    f"{where}: expected a scenario name, {{file: path}} or a scenario mapping with shocks; got {item!r}"
                )
        except (StudyError, ScenarioError) as e:
            msg = str(e)
            raise StudyError(msg if msg.startswith(file) else f"{where}: {msg}") from None
    names = [s.name if isinstance(s, Scenario) else s for s in items]
    for i, n in enumerate(names):
        if names.index(n) != i:
            raise StudyError(f"{file}: {keys[i]}: scenario '{n}' is already listed in {keys[names.index(n)]}")
    given = [q for q in probs if q is not None]
    if given and len(given) != len(probs):
        missing = keys[probs.index(None)]
        raise StudyError(f"{file}: {missing}.probability: missing; give a probability for every scenario or for none")
    if given and abs(math.fsum(given) - 1.0) > 1e-9:
        raise StudyError(
            f"{file}: scenarios: the probabilities sum to {math.fsum(given):g}; they must sum to 1 "
            "(or leave them all out for equally likely scenarios)"
        )
    return tuple(items), (tuple(given) if given else None)


def _probability(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 <= value <= 1):
        raise StudyError(f"{where}: expected a number in [0, 1], got {value!r}")
    return float(value)


def _library_name(name: str) -> str:
    """``name`` if it is 'baseline' or a scenario of the library (else a one-line error)."""
    from valuechain.scenarios import names

    if name == "baseline" or name in names():
        return name
    options = ["baseline", *names()]
    raise StudyError(
        f"unknown scenario {name!r}; expected 'baseline' or a name from the library (valuechain scenarios list), "
        "{file: path} or a scenario mapping" + closest(name, options)
    )


def _policies(value: Any, file: str, types: Mapping[str, PolicyReader | None]) -> tuple[Policy, ...]:
    from valuechain.opt.policies import _TYPES, policy_from_spec

    if value is None:
        return ()
    if not isinstance(value, list):
        raise StudyError(f"{file}: policies: expected a list of mappings with a 'type'; got {value!r}")
    out = []
    for i, item in enumerate(value, 1):
        where = f"{file}: policies[{i}]"
        if not isinstance(item, Mapping):
            raise StudyError(f"{where}: expected a mapping with a 'type' ({', '.join(types)}); got {item!r}")
        if "type" not in item:
            raise StudyError(f"{where}.type: missing; expected one of {', '.join(types)}")
        kind = item["type"]
        if not isinstance(kind, str) or kind not in types:
            hint = closest(str(kind), types)
            if kind == "cap_path":
                hint = " (cap_path policies are read by valuechain.study.load_study)"
            raise StudyError(f"{where}.type: unknown policy type {kind!r}; expected one of {', '.join(types)}{hint}")
        reader = types[kind]
        if reader is None:
            allowed = ["name", *(f.name for f in fields(_TYPES[kind]) if f.name != "label")]
            for k in item:
                if k != "type" and k not in allowed:
                    raise StudyError(
                        f"{where}.{k}: unknown key for a {kind} policy; expected one of {', '.join(allowed)}"
                        + closest(str(k), allowed)
                    )
        for k in ("commodities", "via", "basis"):
            ids = item.get(k)
            if ids is not None and not (
                isinstance(ids, str) or (isinstance(ids, list) and all(isinstance(c, str) for c in ids))
            ):
                raise StudyError(f"{where}.{k}: expected a commodity id or a list of them, got {ids!r}")
        for k in _POLICY_REQUIRED.get(kind, ()) if reader is None else ():
            if k not in item:
                raise StudyError(f"{where}.{k}: missing; a {kind} policy needs {', '.join(_POLICY_REQUIRED[kind])}")
        try:
            out.append(reader(item, where) if reader is not None else policy_from_spec(item))
        except StudyError as e:
            msg = str(e)
            raise StudyError(msg if msg.startswith(file) else restate(e, where)) from None
    return tuple(out)
