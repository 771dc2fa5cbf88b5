"""One loader for every study spec: :func:`load_study`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from valuechain.errors import NetworkError, StudyError

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.opt.study import Study

__all__ = ["load_study"]


def load_study(path_or_name: str | Path, network: Network | str | Path | None = None) -> Study:
    """Read and validate a study spec, ready to build.

    Every key of the format is read (see :mod:`valuechain.opt.study` for the keys and
    :mod:`valuechain.scenarios.files` for scenarios given by file or inline), and every policy
    type, ``cap_path`` included. Cap paths with relative knots (``{reduction: 0.3}``: 30 % below
    today's share) get today's shares measured on the network, so that
    ``build(net, load_study(path))`` works on every spec.

    Parameters
    ----------
    path_or_name
        The YAML file, or the name of a spec in ``models/`` (``"eu-crma-2030"``).
    network
        The network the study will be built on (a :class:`~valuechain.network.Network`, a name or
        a folder), on which today's shares are measured; default: the network the spec names,
        loaded only if a relative knot needs it.

    Returns
    -------
    valuechain.opt.Study
        With the spec's policies in order, and its scenarios as library names or
        :class:`~valuechain.scenarios.Scenario` objects.

    Raises
    ------
    StudyError
        A one-line message naming the file, the key and what was expected: a missing file, text
        that is not UTF-8, a YAML syntax error (with line and column), an unknown key (with the
        closest valid ones), an unknown network or scenario, a bad value.

    Examples
    --------
    >>> import valuechain as vc
    >>> from valuechain.opt import build
    >>> study = vc.load_study("toy-transport")
    >>> study.network, study.years
    ('toy-transport', 1)
    >>> build(vc.load_network(study.network), study).n_vars > 0
    True
    """
    from valuechain.analysis.caps import fill_today, read_cap_path, relative_regions
    from valuechain.network import Network, load_network
    from valuechain.network.io import find_network
    from valuechain.opt.study import read_spec, study_from_spec

    p, raw = read_spec(path_or_name)
    study = study_from_spec(raw, p, policy_types={"cap_path": read_cap_path})
    name = study.network or ""
    if network is None:
        try:
            find_network(name)
        except NetworkError as e:
            raise StudyError(f"{p}: network: {e.reason}") from None
    if not relative_regions(study):
        return study
    if isinstance(network, Network):
        net = network
    else:
        try:
            net = load_network(name if network is None else network)
        except NetworkError as e:
            raise StudyError(f"{p}: network: cannot load '{network or name}': {e}") from None
    return fill_today(study, net)
