"""Analyses of a network: dependency, HHI and shares of world output.

Dependency gives shares by origin, HHI, embedded origin and ownership; shares of world output by
region, owner or technology are what calibration checks.

>>> from valuechain.analysis import dependency, hhi, stage_shares
"""

from valuechain.analysis.dependency import dependency, summary, trace_origins
from valuechain.analysis.shares import hhi, stage_shares

__all__ = ["dependency", "hhi", "stage_shares", "summary", "trace_origins"]
