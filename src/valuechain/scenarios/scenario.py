"""Scenarios (named lists of shocks with a probability) and scenario sets."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from valuechain._params import Interval, check
from valuechain.errors import ScenarioError
from valuechain.scenarios.shocks import Shock

__all__ = ["Scenario", "ScenarioSet", "load_scenarios"]


class Scenario:
    """A named list of shocks with a probability.

    Parameters
    ----------
    name
        Name of the scenario (unique within a set).
    shocks
        A shock or a list of shocks (an empty list is the baseline: nothing happens).
    probability
        Probability of the scenario, in [0, 1]. In a :class:`ScenarioSet` the probabilities are
        normalised to sum to 1 (or, with ``baseline=True``, the remainder goes to the baseline).
    description
        What the scenario represents.
    source
        Where its facts come from.

    Attributes
    ----------
    where
        Where the scenario was read from (``"my.yaml"``, ``"study.yaml: scenarios[2]"``), empty for
        scenarios built in code; errors found when it is compiled name that file and key.

    Examples
    --------
    >>> from valuechain.scenarios import ExportControl, Scenario
    >>> s = Scenario("cn-graphite", [ExportControl("CN", "natural_graphite", severity=0.5)], probability=0.2)
    >>> s
    Scenario('cn-graphite', 1 shock, probability=0.2)
    """

    def __init__(
        self,
        name: str,
        shocks: Shock | Sequence[Shock] = (),
        probability: float = 1.0,
        description: str = "",
        source: str = "",
    ) -> None:
        self.name = name
        self.shocks = [shocks] if isinstance(shocks, Shock) else list(shocks)
        self.probability = probability
        self.description = description
        self.source = source
        self.where = ""
        check(
            "Scenario",
            "name",
            name,
            lambda v: isinstance(v, str) and bool(v.strip()),
            error=ScenarioError,
            expected="a non-empty string",
        )
        check("Scenario", "probability", probability, Interval(0, 1), error=ScenarioError)
        for i, s in enumerate(self.shocks):
            expected = "a shock (ExportControl, Outage, ...)"
            check("Scenario", f"shocks[{i}]", s, Shock, error=ScenarioError, expected=expected)

    def __repr__(self) -> str:
        n = len(self.shocks)
        return f"Scenario({self.name!r}, {n} shock{'s' if n != 1 else ''}, probability={self.probability:g})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(self.name)

    def to_dict(self) -> dict[str, Any]:
        """Return the scenario as a mapping (the form read by :meth:`from_dict`)."""
        return {
            "name": self.name,
            "probability": self.probability,
            "description": self.description,
            "source": self.source,
            "shocks": [s.to_dict() for s in self.shocks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "", skip_missing: bool | None = None) -> Scenario:
        """Build a scenario from a mapping with ``name``, ``shocks`` and optional fields.

        The mapping is the scenario file format of :mod:`valuechain.scenarios.files`.

        Raises
        ------
        ScenarioError
            On a missing or unknown field or a bad shock; the message starts with ``where`` and
            names the key.
        """
        from valuechain.scenarios.files import scenario_from_mapping

        return scenario_from_mapping(data, where or "scenario", skip_missing=skip_missing)


class ScenarioSet:
    """Scenarios with probabilities that sum to 1.

    Parameters
    ----------
    scenarios
        Scenarios with unique names.
    baseline
        If false (the default), the scenarios' probabilities are normalised to sum to 1. If
        true, a scenario named 'baseline' with no shocks is added and receives the probability
        that the others leave (``1 - sum``), so probabilities are read as absolute chances.

    Raises
    ------
    ScenarioError
        On duplicate names, no scenarios, probabilities summing to 0 (without a baseline) or to
        more than 1 (with a baseline).

    Examples
    --------
    >>> from valuechain.scenarios import Outage, Scenario, ScenarioSet
    >>> s = ScenarioSet([Scenario("fire", [Outage("de-cells", 1.0, duration=3)], probability=0.1)], baseline=True)
    >>> s.names, s.probabilities
    (['fire', 'baseline'], [0.1, 0.9])
    """

    def __init__(self, scenarios: Iterable[Scenario], *, baseline: bool = False) -> None:
        items = list(scenarios)
        for i, s in enumerate(items):
            check("ScenarioSet", f"scenarios[{i}]", s, Scenario, error=ScenarioError)
        check("ScenarioSet", "baseline", baseline, bool, error=ScenarioError)
        names = [s.name for s in items]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ScenarioError(f"scenario names must be unique in a ScenarioSet; repeated: {', '.join(dup)}")
        total = math.fsum(float(s.probability) for s in items)
        if baseline:
            if "baseline" in names:
                raise ScenarioError(
                    "with baseline=True a ScenarioSet must not already hold a scenario named 'baseline'"
                )
            if total > 1 + 1e-9:
                raise ScenarioError(
                    f"with baseline=True the scenario probabilities must sum to at most 1; they sum to {total:g}"
                )
            items.append(Scenario("baseline", [], probability=max(0.0, 1.0 - total), description="No shock."))
            self._probs = [float(s.probability) for s in items]
        else:
            if not items:
                raise ScenarioError("a ScenarioSet needs at least one scenario")
            if total <= 0:
                raise ScenarioError("the scenario probabilities sum to 0; give at least one a positive probability")
            self._probs = [float(s.probability) / total for s in items]
        self.scenarios = items
        self.baseline = baseline

    @property
    def names(self) -> list[str]:
        """Scenario names, in order."""
        return [s.name for s in self.scenarios]

    @property
    def probabilities(self) -> list[float]:
        """Normalised probabilities, in order (they sum to 1)."""
        return [round(p, 15) for p in self._probs]

    def __len__(self) -> int:
        return len(self.scenarios)

    def __iter__(self) -> Iterator[Scenario]:
        return iter(self.scenarios)

    def __getitem__(self, name: str) -> Scenario:
        for s in self.scenarios:
            if s.name == name:
                return s
        from valuechain._params import closest

        raise ScenarioError(f"no scenario named '{name}' in the set" + closest(name, self.names))

    def __repr__(self) -> str:
        return f"ScenarioSet({len(self)} scenarios: {', '.join(self.names[:5])}{', ...' if len(self) > 5 else ''})"


def as_scenario_set(scenarios: object) -> ScenarioSet:
    """Return a shock, a scenario, a list of scenarios or shocks, or a set, as a :class:`ScenarioSet`."""
    if isinstance(scenarios, ScenarioSet):
        return scenarios
    if isinstance(scenarios, Scenario):
        return ScenarioSet([scenarios])
    if isinstance(scenarios, Shock):
        return ScenarioSet([Scenario(type(scenarios).__name__, [scenarios])])
    if isinstance(scenarios, (list, tuple)):
        if scenarios and all(isinstance(s, Shock) for s in scenarios):
            return ScenarioSet([Scenario("shocks", list(scenarios))])
        return ScenarioSet(scenarios)
    raise ScenarioError(
        "The 'scenarios' parameter of compile_shocks must be a Shock, a Scenario, a ScenarioSet or a list of "
        f"Scenarios. Got {scenarios!r}."
    )


def load_scenarios(path: str | Path, *, baseline: bool = False) -> ScenarioSet:
    """Read a scenario file: one scenario, or a list of scenarios (see :mod:`valuechain.scenarios.files`).

    Each scenario is a mapping with ``name``, ``shocks`` (a list of ``{type: ..., fields}``) and
    optionally ``probability``, ``description`` and ``source``. In a list, probabilities are given
    for every scenario (summing to 1) or for none (equally likely).

    Raises
    ------
    ScenarioError
        If the file is missing, not UTF-8, not valid YAML or malformed; the message names the file
        and the key.
    """
    from valuechain.scenarios.files import load_scenario_file

    return load_scenario_file(path, baseline=baseline)
