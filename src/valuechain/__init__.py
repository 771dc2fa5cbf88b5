"""Supply-chain network optimisation and disruption analysis for the lithium-ion battery chain.

The top-level namespace holds the few functions a notebook needs; the engines load on first use
so that ``import valuechain`` stays fast::

    import valuechain as vc
    net = vc.load_network("toy-battery")
"""

from __future__ import annotations

import importlib
from typing import Any

from valuechain.errors import (
    InfeasibleError,
    NetworkError,
    NetworkWarning,
    ScenarioError,
    SolverError,
    StudyError,
    ValueChainError,
)
from valuechain.network import Network, NetworkBuilder, list_networks, load_network, save_network

__version__ = "0.1.0"

# Public names that live in the engines, imported when first used: name -> (module, attribute).
_LAZY: dict[str, tuple[str, str | None]] = {
    "scenarios": ("valuechain.scenarios", None),
    "sim": ("valuechain.sim", None),
    "opt": ("valuechain.opt", None),
    "analysis": ("valuechain.analysis", None),
    "simulate": ("valuechain.study.scale", "simulate"),
    "optimise": ("valuechain.opt", "optimise"),
    "load_study": ("valuechain.study", "load_study"),
    "dependency": ("valuechain.analysis.dependency", "dependency"),
    "targets": ("valuechain.analysis.targets", "targets"),
    "hindcast": ("valuechain.analysis.hindcast", "hindcast"),
    "outlook": ("valuechain.study.scale", "outlook"),
}

__all__ = [
    "InfeasibleError",
    "Network",
    "NetworkBuilder",
    "NetworkError",
    "NetworkWarning",
    "ScenarioError",
    "SolverError",
    "StudyError",
    "ValueChainError",
    "list_networks",
    "load_network",
    "save_network",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        mod = importlib.import_module(module)
        value = mod if attr is None else getattr(mod, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'valuechain' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
