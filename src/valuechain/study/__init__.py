"""The study layer: one loader for every study spec (``models/*.yaml``) and the runner of its steps.

:func:`load_study` reads any spec — network, horizon, scenarios (library names, scenario files,
inline scenarios), policies including ``cap_path`` dependency caps, objective, options and solver
— and returns a :class:`~valuechain.opt.Study` that :func:`valuechain.opt.build` accepts as it
is: the shares of today that relative cap knots need are measured on the network and filled in::

    import valuechain as vc
    from valuechain.opt import build, solve

    net = vc.load_network("global-li-ion-2024")
    model = build(net, vc.load_study("eu-crma-2030", network=net))
    solve(model)

The command line (``solve``, ``targets``, ``run``) and the notebooks read specs through it.
:func:`run_study` runs a study's steps (dependency, targets, price of resilience, shocks,
criticality) with progress and timings and returns a :class:`StudyRun`; the report only renders
one. :mod:`valuechain.study.scale` fans optimisation sweeps out over Dask.
Layers: network <- scenarios <- (sim | opt) <- analysis <- study <- report <- cli.
"""

from valuechain.opt.study import Study
from valuechain.study.loader import check_study, load_study
from valuechain.study.runner import STEPS, StudyRun, run_study

__all__ = ["STEPS", "Study", "StudyRun", "check_study", "load_study", "run_study"]
