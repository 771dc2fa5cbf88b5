"""The library of named scenarios shipped with valuechain (``scenarios/data/library.yaml``).

The library is a scenario file (a list of scenarios, :mod:`valuechain.scenarios.files`).

Every entry cites its source; severities of licensing regimes are assumptions and say so. The
library's shocks are built with ``skip_missing=True``, so an entry compiles on any network: the
commodities, regions and processes a network lacks are skipped (see :func:`explain`).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from valuechain._params import closest
from valuechain.errors import ScenarioError
from valuechain.scenarios.scenario import Scenario

__all__ = ["library", "named", "names"]

_FILE = "library.yaml"


@lru_cache(maxsize=1)
def _entries() -> dict[str, dict[str, Any]]:
    import yaml

    text = resources.files("valuechain.scenarios").joinpath("data", _FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, list) or not all(isinstance(d, dict) and "name" in d for d in data):
        raise ScenarioError(f"{_FILE}: expected a list of scenarios, each with a 'name'")
    return {str(d["name"]): dict(d) for d in data}


def names() -> list[str]:
    """Return the names of the library's scenarios, in file order."""
    return list(_entries())


def named(name: str) -> Scenario:
    """Return a named scenario from the library (a fresh object on every call).

    Parameters
    ----------
    name
        E.g. ``"cn-graphite-2023"``; ``valuechain scenarios list`` shows them all.

    Raises
    ------
    ScenarioError
        If there is no such scenario: ``unknown scenario 'x'; expected a name from the library``
        with the closest names.

    Examples
    --------
    >>> from valuechain.scenarios import named
    >>> s = named("eu-black-mass-2026")
    >>> s.shocks[0].get_params()["to_group"], s.shocks[0].skip_missing
    ('non-OECD', True)
    """
    entries = _entries()
    if name not in entries:
        raise ScenarioError(
            f"unknown scenario {name!r}; expected a name from the library (valuechain scenarios list)"
            + closest(str(name), entries)
        )
    from valuechain.scenarios.files import scenario_from_mapping

    sc = scenario_from_mapping(entries[name], f"{_FILE}: {name}", skip_missing=True)
    sc.where = ""
    return sc


def library() -> pd.DataFrame:
    """Return the library as a table: name, description, shocks (as text) and source.

    Examples
    --------
    >>> from valuechain.scenarios import library
    >>> "cn-graphite-2023" in library().index
    True
    """
    rows = []
    for n in names():
        sc = named(n)
        shocks = "; ".join(repr(s).replace(", skip_missing=True", "") for s in sc.shocks)
        rows.append({"name": n, "description": sc.description, "shocks": shocks, "source": sc.source})
    return pd.DataFrame(rows, columns=["name", "description", "shocks", "source"]).set_index("name")
