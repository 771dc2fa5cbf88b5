"""Least-cost resilient sourcing and capacity planning: build, hook, solve, extract.

::

    from valuechain.opt import build, solve, extract, load_study
    model = build(net, load_study("models/toy-battery.yaml"))   # arrays + a Pyomo model to extend
    model.pyomo.my_cap = pyo.Constraint(expr=...)                # the hook
    result = solve(model, mip_gap=0)                              # HiGHS; raises unless optimal
    plan = extract(model)                                         # DataFrames by network ids

or all at once with :func:`optimise`. Sweeps change the model in place
(:meth:`Model.update_rhs`, :meth:`Model.update_share`, ...) and call :func:`solve` again, which
re-solves HiGHS's copy from the last basis.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from valuechain.opt._lp import scale_capacity
from valuechain.opt.formulation import build
from valuechain.opt.model import Model
from valuechain.opt.policies import (
    ExportBan,
    MaxOriginShare,
    MinDomesticShare,
    Policy,
    TechnologyControl,
    ThirdCountryCap,
)
from valuechain.opt.results import Plan, extract
from valuechain.opt.solver import SolveResult, Termination, solve
from valuechain.opt.study import Study, load_study

if TYPE_CHECKING:
    from valuechain.network.model import Network

__all__ = [
    "ExportBan",
    "MaxOriginShare",
    "MinDomesticShare",
    "Model",
    "Plan",
    "Policy",
    "SolveResult",
    "Study",
    "TechnologyControl",
    "Termination",
    "ThirdCountryCap",
    "build",
    "extract",
    "load_study",
    "optimise",
    "scale_capacity",
    "solve",
]


def optimise(
    network: Network | str | Path | None = None, study: Study | str | Path | None = None, **solve_options: Any
) -> Plan:
    """Build, solve and extract in one call.

    Parameters
    ----------
    network
        A network, or its name or folder; ``None`` uses the study's ``network``.
    study
        A :class:`Study`, or the path or name of a study spec; ``None`` for the default study.
    **solve_options
        Passed to :func:`solve` (``time_limit``, ``mip_gap``, ``threads``, ``allow_nonoptimal``).

    Returns
    -------
    Plan

    Examples
    --------
    >>> import valuechain as vc
    >>> plan = vc.optimise("toy-transport")
    >>> round(plan.objective, 3)
    153.675
    """
    from valuechain.errors import StudyError
    from valuechain.network import load_network

    if isinstance(study, (str, Path)):
        study = load_study(study)
    if network is None:
        if study is None or study.network is None:
            raise StudyError("optimise needs a network, or a study that names one")
        network = study.network
    if isinstance(network, (str, Path)):
        network = load_network(network)
    model = build(network, study)
    solve(model, **solve_options)
    return extract(model)
