"""Shocks, scenarios, scenario sets, the risk-register sampler and the named scenario library.

Everything compiles to :class:`ShockArrays`, the engine-neutral multipliers the simulator and
the optimiser consume (large sampled ensembles also as :class:`SparseShocks`, only the
multipliers that differ from 1)::

    import valuechain as vc
    net = vc.load_network("toy-battery")
    arrays = vc.scenarios.compile_shocks(net, vc.scenarios.named("cn-graphite-2023"), periods=24)

Shocks: :class:`ExportControl`, :class:`TradeBan` (route capacity), :class:`CapacityShock` and
:class:`Outage` (process capacity), :class:`DemandShock` (demand), :class:`TechnologyControl`
(expansion options, optionally process capacity). Names are checked against the network when
compiling; region selectors ("all", "CN", "EU27", "non-OECD", lists) and targets ("de-cells",
"DE:cell", "EU27:cam_nmc", "*:black mass") are described in :mod:`valuechain.scenarios._select`,
time (month offsets or dates, partial periods, recovery) in :mod:`valuechain.scenarios._time`
and the horizon rules in :mod:`valuechain.scenarios.compile`.

Ensembles: :class:`ScenarioSet` (probabilities normalised, optional baseline) and
:class:`RiskRegister` (``sample`` / ``iter_samples``: vectorised, seeded, chunk-independent),
:func:`random_outages` (one random plant down per scenario).
Library: :func:`named`, :func:`library`, :func:`names`.
"""

from valuechain.scenarios.compile import ScenarioWarning, compile_shocks, default_start, explain
from valuechain.scenarios.compiled import ShockArrays
from valuechain.scenarios.named_library import library, named, names
from valuechain.scenarios.outages import random_outages
from valuechain.scenarios.register import RiskRegister
from valuechain.scenarios.scenario import Scenario, ScenarioSet, load_scenarios
from valuechain.scenarios.shocks import (
    CapacityShock,
    DemandShock,
    ExportControl,
    Outage,
    Shock,
    TechnologyControl,
    TradeBan,
    shock_from_dict,
)
from valuechain.scenarios.sparse import SparseShocks

__all__ = [
    "CapacityShock",
    "DemandShock",
    "ExportControl",
    "Outage",
    "RiskRegister",
    "Scenario",
    "ScenarioSet",
    "ScenarioWarning",
    "Shock",
    "ShockArrays",
    "SparseShocks",
    "TechnologyControl",
    "TradeBan",
    "compile_shocks",
    "default_start",
    "explain",
    "library",
    "load_scenarios",
    "named",
    "names",
    "random_outages",
    "shock_from_dict",
]
