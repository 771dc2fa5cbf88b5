"""The library of named scenarios shipped with valuechain (``scenarios/data/library.yaml``).

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
    if not isinstance(data, dict):
        raise ScenarioError(f"{_FILE}: expected a mapping of scenario names to entries")
    return {str(k): dict(v) for k, v in data.items()}


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
        If there is no such scenario; the message names the closest ones.

    Examples
    --------
    >>> from valuechain.scenarios import named
    >>> s = named("eu-black-mass-2026")
    >>> s.shocks[0].get_params()["to_group"], s.shocks[0].skip_missing
    ('non-OECD', True)
    """
    entries = _entries()
    if name not in entries:
        expected = "a scenario of the library" + closest(str(name), entries)
        raise ScenarioError(f"The 'name' parameter of named must be {expected}. Got {name!r}.")
    return Scenario.from_dict({"name": name, **entries[name]}, where=f"{_FILE}, {name}", skip_missing=True)


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
