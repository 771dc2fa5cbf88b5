"""Analyses of a network: dependency, HHI, shares of world output and resilience.

Dependency gives shares by origin, HHI, embedded origin and ownership; shares of world output by
region, owner or technology are what calibration checks; :mod:`~valuechain.analysis.resilience`
gives the time-to-recover impact, the time to survive and the risk exposure index as linear
programs.

>>> from valuechain.analysis import dependency, hhi, resilience, stage_shares, tts_lp
"""

from valuechain.analysis import resilience
from valuechain.analysis.dependency import dependency, summary, trace_origins
from valuechain.analysis.resilience import OperationsLP, SurvivalLP, risk_exposure_index, ttr_impact, tts_lp
from valuechain.analysis.shares import hhi, stage_shares

__all__ = [
    "OperationsLP",
    "SurvivalLP",
    "dependency",
    "hhi",
    "resilience",
    "risk_exposure_index",
    "stage_shares",
    "summary",
    "trace_origins",
    "ttr_impact",
    "tts_lp",
]
