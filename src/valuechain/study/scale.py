"""Optimisation sweeps on Dask, above both engines.

:func:`solve_many` solves one network under many studies, one task each, on a
``dask.distributed`` cluster (:func:`valuechain.sim.distributed.cluster` starts a local one)
or one after the other here. It lives in the study layer because it needs the optimiser and is
started from the same places as the simulation ensembles: ``sim/`` and ``opt/`` import neither
each other nor anything above them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distributed import Client

    from valuechain.network.model import Network

__all__ = ["solve_many"]


def _solve_one(network: Network, item: Any, options: dict[str, Any]) -> Any:
    from valuechain.opt import build, extract, optimise, solve

    if isinstance(item, tuple):  # (study, shocks)
        study, shocks = item
        model = build(network, study, shocks=shocks)
        solve(model, **options)
        return extract(model)
    return optimise(network, item, **options)


def solve_many(
    network: Network, studies: Iterable[Any], *, client: Client | None = None, **solve_options: Any
) -> list[Any]:
    """Solve one network under many studies, on a Dask cluster when ``client`` is given.

    Parameters
    ----------
    network
        The network (scattered once to every worker).
    studies
        :class:`~valuechain.opt.study.Study` objects (e.g. one study with its policies varied by
        ``Study.replace``), paths of study specs, or ``(study, shocks)`` pairs whose
        :class:`ShockArrays` replace the study's named scenarios.
    client
        A ``dask.distributed.Client``; ``None`` solves them one after the other here.
    **solve_options
        Passed to :func:`valuechain.opt.optimise` (``time_limit``, ``mip_gap``, ...).

    Returns
    -------
    list of Plan
        In the order of ``studies``.

    Examples
    --------
    >>> import valuechain as vc
    >>> net = vc.load_network("toy-transport")
    >>> [round(p.objective, 3) for p in solve_many(net, [vc.load_study("toy-transport")])]
    [153.675]
    """
    todo = list(studies)
    if client is None:
        return [_solve_one(network, s, solve_options) for s in todo]
    net_f = client.scatter(network, broadcast=True, hash=False)
    futures = [client.submit(_solve_one, net_f, s, solve_options, pure=False) for s in todo]
    return list(client.gather(futures))
