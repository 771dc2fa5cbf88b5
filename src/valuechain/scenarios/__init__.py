"""Shocks, scenarios, scenario sets, the risk-register sampler and the named scenario library.

Everything compiles to :class:`ShockArrays`, the engine-neutral multipliers the simulator and
the optimiser consume::

    import valuechain as vc
    net = vc.load_network("toy-battery")
    arrays = vc.scenarios.compile_shocks(net, vc.scenarios.named("cn-graphite-2023"), periods=24)
"""

from valuechain.scenarios.compile import ScenarioWarning, compile_shocks, default_start, explain
from valuechain.scenarios.compiled import ShockArrays
from valuechain.scenarios.named_library import library, named, names
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
    "TechnologyControl",
    "TradeBan",
    "compile_shocks",
    "default_start",
    "explain",
    "library",
    "load_scenarios",
    "named",
    "names",
    "shock_from_dict",
]
