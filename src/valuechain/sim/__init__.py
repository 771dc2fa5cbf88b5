"""Disruption simulation: networks compiled to arrays, run month by month through a Numba kernel.

The public entry point is :func:`simulate`; :func:`time_to_survive` and :func:`criticality`
derive resilience measures from batched runs. Importing this package does not import Numba: the
kernel module loads on the first run.
"""

from valuechain.sim.compile import SimArrays, compile_network, plan_order
from valuechain.sim.resilience import criticality, outage_shocks, time_to_survive
from valuechain.sim.result import SimResult, cvar, value_at_risk
from valuechain.sim.simulate import MODES, default_periods, simulate
from valuechain.sim.synthetic import synthetic_network

__all__ = [
    "MODES",
    "SimArrays",
    "SimResult",
    "compile_network",
    "criticality",
    "cvar",
    "default_periods",
    "outage_shocks",
    "plan_order",
    "simulate",
    "synthetic_network",
    "time_to_survive",
    "value_at_risk",
]
