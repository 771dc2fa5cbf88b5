"""The scenario file format: one YAML form for a scenario, wherever it is written.

A scenario is a mapping::

    name: cn-graphite-licences          # required; unique within a file or a study
    probability: 0.2                    # optional, in [0, 1]
    description: free text              # optional
    source: where the figures come from # optional
    shocks:                             # a list (empty or absent: nothing happens)
      - type: ExportControl             # one of the shock types (``valuechain scenarios schema``)
        exporter: CN
        commodities: [natural_graphite, anode_natural]
        severity: 0.3                   # the type's fields, as its constructor takes them
        start: "2023-12-01"             # a date, or a month offset from the start of the horizon
        duration: 6                     # months; absent = until the end of the horizon

A scenario file (``*.yaml``) holds one such mapping, or a list of them (a scenario set). In a
list, give a probability to every scenario (they must sum to 1) or to none (equally likely).
The named library (``scenarios/data/library.yaml``) is such a list, and a study spec's
``scenarios`` entries take the same mapping inline, or a file by ``{file: path}``.

Errors name the file and the key (``my.yaml: shocks[2].severity: expected a number in [0, 1],
got 1.5``); list positions count from 1. :func:`schema` describes every shock type from the shock
classes themselves, so it cannot drift from what the loader accepts.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Mapping
from pathlib import Path

from valuechain._params import closest, restate
from valuechain.errors import ScenarioError
from valuechain.scenarios.scenario import Scenario, ScenarioSet
from valuechain.scenarios.shocks import SHOCKS, Shock

__all__ = [
    "FIELDS",
    "at",
    "load_scenario_file",
    "read_scenario_entries",
    "scenario_from_mapping",
    "schema",
    "shock_from_mapping",
]

#: The fields of a scenario mapping, with what each holds.
FIELDS: dict[str, str] = {
    "name": "required; a non-empty name, unique within a file or a study",
    "probability": "optional; a number in [0, 1]",
    "description": "optional; free text",
    "source": "optional; where the figures come from",
    "shocks": "a list of shocks, each a mapping with 'type' and the type's fields (absent: no shock)",
}


def at(where: str, key: str) -> str:
    """Join a location and a key: ``at("f.yaml", "shocks[1]")`` is ``"f.yaml: shocks[1]"``.

    A location that already holds a key gets the new one after a dot
    (``at("s.yaml: scenarios[2]", "shocks[1]")`` is ``"s.yaml: scenarios[2].shocks[1]"``).
    """
    if not where:
        return key
    return f"{where}.{key}" if ": " in where else f"{where}: {key}"


def _required(cls: type[Shock]) -> list[str]:
    sig = inspect.signature(cls.__init__)
    return [
        n
        for n, p in sig.parameters.items()
        if n != "self" and p.default is inspect.Parameter.empty and p.kind is not p.VAR_KEYWORD
    ]


def shock_from_mapping(data: object, where: str, *, skip_missing: bool | None = None) -> Shock:
    """Build a shock from its mapping (``type`` plus fields); errors start with ``where``.

    Raises
    ------
    ScenarioError
        On a missing or unknown type or field (naming the closest valid ones) or a bad value.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{where}: expected a mapping with 'type' and the shock's fields; got {data!r}")
    if "type" not in data:
        raise ScenarioError(f"{at(where, 'type')}: missing; expected one of {', '.join(SHOCKS)}")
    kind = data["type"]
    if not isinstance(kind, str) or kind not in SHOCKS:
        raise ScenarioError(
            f"{at(where, 'type')}: unknown shock type {kind!r}; expected one of {', '.join(SHOCKS)}"
            + closest(str(kind), SHOCKS)
        )
    cls = SHOCKS[kind]
    params = {str(k): v for k, v in data.items() if k != "type"}
    for k in params:
        if k not in cls._params:
            raise ScenarioError(
                f"{at(where, k)}: unknown field of {kind}; expected one of {', '.join(cls._params)}"
                + closest(k, cls._params)
            )
    missing = [k for k in _required(cls) if k not in params]
    if missing:
        raise ScenarioError(f"{at(where, missing[0])}: missing; {kind} requires {', '.join(_required(cls))}")
    if skip_missing is not None:
        params["skip_missing"] = skip_missing
    try:
        return cls(**params)
    except ScenarioError as e:
        raise ScenarioError(restate(e, where)) from None


def scenario_from_mapping(data: object, where: str, *, skip_missing: bool | None = None) -> Scenario:
    """Build a scenario from its mapping (see the module docstring); errors start with ``where``.

    Parameters
    ----------
    data
        The mapping.
    where
        Its location, e.g. ``"my.yaml"`` or ``"study.yaml: scenarios[3]"``.
    skip_missing
        If given, overrides every shock's ``skip_missing``.

    Raises
    ------
    ScenarioError
        On a missing or unknown field (naming the closest valid ones) or a bad value, naming the key.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(f"{where}: expected a scenario: a mapping with {', '.join(FIELDS)}; got {data!r}")
    for k in data:
        if k not in FIELDS:
            raise ScenarioError(
                f"{at(where, str(k))}: unknown field of a scenario; expected one of {', '.join(FIELDS)}"
                + closest(str(k), FIELDS)
            )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError(f"{at(where, 'name')}: expected a non-empty name; got {name!r}")
    prob = data.get("probability", 1.0)
    if isinstance(prob, bool) or not isinstance(prob, (int, float)) or not (0 <= prob <= 1):
        raise ScenarioError(f"{at(where, 'probability')}: expected a number in [0, 1], got {prob!r}")
    raw = data.get("shocks")
    raw = [] if raw is None else raw
    if not isinstance(raw, list):
        raise ScenarioError(f"{at(where, 'shocks')}: expected a list of shocks; got {raw!r}")
    shocks = [shock_from_mapping(d, at(where, f"shocks[{i}]"), skip_missing=skip_missing) for i, d in enumerate(raw, 1)]
    for key in ("description", "source"):
        text = data.get(key)
        if text is not None and not isinstance(text, str):
            raise ScenarioError(f"{at(where, key)}: expected text; got {text!r}")
    sc = Scenario(
        name,
        shocks,
        probability=prob,
        description=str(data.get("description") or "").strip(),
        source=str(data.get("source") or "").strip(),
    )
    sc.where = where
    return sc


def read_scenario_entries(path: str | Path) -> list[tuple[Scenario, bool]]:
    """Read a scenario file's scenarios, each with whether the file gave its probability.

    Checks everything :func:`load_scenario_file` checks except the probabilities' sum (a study
    checks the sum over all its scenarios).

    Raises
    ------
    ScenarioError
        Naming the file and the key.
    """
    from valuechain._yaml import read_yaml

    file = str(path)
    data = read_yaml(path, ScenarioError, "scenario file")
    if isinstance(data, Mapping):
        items, where = [data], [file]
    elif isinstance(data, list) and data:
        items, where = data, [f"{file}: [{i}]" for i in range(1, len(data) + 1)]
    else:
        raise ScenarioError(
            f"{file}: expected a scenario (a mapping with {', '.join(FIELDS)}) or a list of them; got {data!r}"
        )
    scenarios = [scenario_from_mapping(d, w) for d, w in zip(items, where, strict=True)]
    names = [s.name for s in scenarios]
    for i, n in enumerate(names):
        if names.index(n) != i:
            raise ScenarioError(f"{at(where[i], 'name')}: '{n}' is already the name of scenario [{names.index(n) + 1}]")
    given = [isinstance(d, Mapping) and "probability" in d for d in items]
    if len(items) > 1 and any(given) and not all(given):
        first = given.index(False)
        raise ScenarioError(
            f"{at(where[first], 'probability')}: missing; give a probability for every scenario or for none"
        )
    return list(zip(scenarios, given, strict=True))


def load_scenario_file(path: str | Path, *, baseline: bool = False) -> ScenarioSet:
    r"""Read a scenario file: one scenario mapping, or a list of them.

    Parameters
    ----------
    path
        The YAML file.
    baseline
        Add a scenario 'baseline' (no shock) that takes the probability the others leave; the
        file's probabilities must then sum to at most 1.

    Returns
    -------
    ScenarioSet

    Raises
    ------
    ScenarioError
        If the file is missing, not UTF-8, not valid YAML or not in the format, naming the file and
        the key; if the probabilities of a list do not sum to 1 (they are not rescaled).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "two.yaml"
    >>> _ = p.write_text("- {name: a, probability: 0.8}\n- {name: b, probability: 0.8}\n")
    >>> try:
    ...     load_scenario_file(p)
    ... except ScenarioError as e:
    ...     print(str(e).replace(str(p), "two.yaml").split(" (")[0])
    two.yaml: the scenarios' probabilities sum to 1.6; they must sum to 1
    """
    file = str(path)
    entries = read_scenario_entries(path)
    scenarios = [s for s, _ in entries]
    given = [g for _, g in entries]
    total = math.fsum(float(s.probability) for s in scenarios)
    if baseline:
        if all(given) and total > 1 + 1e-9:
            raise ScenarioError(
                f"{file}: the scenarios' probabilities sum to {total:g}; with a baseline they must sum to at most 1"
            )
        if not all(given):
            raise ScenarioError(f"{file}: with a baseline, give every scenario its probability")
    elif len(entries) > 1 and all(given) and abs(total - 1.0) > 1e-9:
        raise ScenarioError(
            f"{file}: the scenarios' probabilities sum to {total:g}; they must sum to 1 "
            "(or leave them all out for equally likely scenarios)"
        )
    return ScenarioSet(scenarios, baseline=baseline)


# ---------------------------------------------------------------------- schema
def _param_docs(cls: type) -> dict[str, str]:
    """The Parameters section of a numpydoc docstring, one line per name (following 'As for X')."""
    doc = inspect.getdoc(cls) or ""
    m = re.search(r"Parameters\n-+\n(.*?)(?:\n\n[A-Z][a-z]+\n-+\n|\Z)", doc, re.S)
    out: dict[str, str] = {}
    if not m:
        return out
    names: list[str] = []
    text: list[str] = []

    def flush() -> None:
        for n in names:
            out[n] = " ".join(text).strip()

    for line in m.group(1).splitlines():
        if line and not line.startswith(" "):
            flush()
            names, text = [n.strip() for n in line.split(",")], []
        else:
            text.append(line.strip())
    flush()
    for n, t in list(out.items()):
        ref = re.fullmatch(r"As for :class:`(\w+)`\.?", t)
        if ref and ref.group(1) in SHOCKS and ref.group(1) != cls.__name__:
            out[n] = _param_docs(SHOCKS[ref.group(1)]).get(n, t)
    return out


def _plain(text: str) -> str:
    """Docstring text without its reStructuredText markup."""
    text = re.sub(r";? see :mod:`[^`]+`", "", text)
    text = re.sub(r":\w+:`~?([^`]+)`", r"\1", text)
    return text.replace("``", "")


def schema() -> str:
    """Describe the scenario file format: the scenario's fields and every shock type's fields.

    The shock types, their fields, which are required, their defaults and their meaning are read
    from the shock classes (:data:`valuechain.scenarios.shocks.SHOCKS`, their constructors and
    docstrings), so the description always matches what :func:`load_scenario_file` accepts.

    Examples
    --------
    >>> text = schema()
    >>> "ExportControl" in text and "severity" in text
    True
    """
    lines = [
        "A scenario file holds one scenario, or a list of scenarios (then give every one a probability,",
        "summing to 1, or none). A scenario is a mapping:",
        "",
    ]
    lines += [f"  {k:<12} {v}" for k, v in FIELDS.items()]
    lines += [
        "",
        "Shock types (the 'type' of a shock) and their fields; times are dates ('2025-10-09') or month",
        "offsets from the start of the horizon, durations are months:",
    ]
    for kind, cls in SHOCKS.items():
        summary = _plain((inspect.getdoc(cls) or "").splitlines()[0])
        lines += ["", f"{kind}: {summary}"]
        docs = _param_docs(cls)
        required = set(_required(cls))
        defaults = dict(getattr(cls, "_defaults", {}))
        for p in cls._params:
            if p in required:
                state = "required"
            else:
                d = defaults.get(p, inspect.signature(cls.__init__).parameters[p].default)
                state = f"default {d!r}"
            lines.append(f"  {p:<13} ({state}) {_plain(docs.get(p, ''))}".rstrip())
    lines += [
        "",
        "Example:",
        "",
        "  name: cn-graphite-licences",
        "  probability: 1.0",
        "  description: Licences stop 30% of China's graphite exports for six months.",
        "  shocks:",
        "    - type: ExportControl",
        "      exporter: CN",
        "      commodities: [natural_graphite, anode_natural, anode_synthetic]",
        "      severity: 0.3",
        '      start: "2025-03-01"',
        "      duration: 6",
    ]
    return "\n".join(lines)
