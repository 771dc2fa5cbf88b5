"""One loader for every study spec: :func:`load_study`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from valuechain.errors import NetworkError, StudyError

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.opt.study import Study

__all__ = ["check_study", "load_study", "load_study_network"]

#: Policy fields that hold commodity ids, and fields that hold a region, a group or 'all'.
_COMMODITY_FIELDS = ("commodities", "via", "basis")
_REGION_FIELDS = ("region", "origin", "from_region", "to_region", "except_region", "regions")


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
        a folder), on which today's shares are measured and the study's ids are checked
        (:func:`check_study`); default: the network the spec names, loaded only if a relative
        knot needs it.

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
    return load_study_network(path_or_name, network)[0]


def load_study_network(
    path_or_name: str | Path, network: Network | str | Path | None = None
) -> tuple[Study, Network | None]:
    """:func:`load_study`, and the network it loaded or was given (``None`` if it needed none).

    For callers that go on to use the network: they need not load it a second time.
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
            return study, None
    if isinstance(network, Network):
        net = network
    else:
        try:
            net = load_network(name if network is None else network)
        except NetworkError as e:
            raise StudyError(f"{p}: network: cannot load '{network or name}': {e}") from None
    check_study(study, net)
    return (fill_today(study, net) if relative_regions(study) else study), net


def check_study(study: Study, network: Network) -> None:
    """Check the ids a study names against a network, naming the spec's file and key.

    Policies' commodities and regions must be the network's (or its groups, or 'all'); the
    scenarios must compile on it over the study's horizon (unknown commodities, regions and
    processes in scenario files and inline scenarios are named with their file and key).

    Raises
    ------
    StudyError
        E.g. ``models/x.yaml: policies[2].commodities: unknown commodity 'cell_nmx' of network
        'toy-battery' (closest: cell_nmc)``.
    """
    from valuechain._params import closest
    from valuechain.errors import ScenarioError

    file = str(study.path) if study.path is not None else f"study '{study.name}'"
    commodities = [str(c) for c in network.commodities.index]
    for i, pol in enumerate(study.policies, 1):
        where = f"{file}: policies[{i}]"
        for key in _COMMODITY_FIELDS:
            value = getattr(pol, key, None)
            for c in () if value is None else ((value,) if isinstance(value, str) else value):
                if c not in commodities:
                    raise StudyError(
                        f"{where}.{key}: unknown commodity {c!r} of network '{network.name}'"
                        + closest(str(c), commodities)
                    )
        for key in _REGION_FIELDS:
            value = getattr(pol, key, None)
            if value is not None and not isinstance(value, str):
                raise StudyError(f"{where}.{key}: expected a region or group id, got {value!r}")
            if isinstance(value, str):
                try:
                    network.members(value)
                except NetworkError as e:
                    raise StudyError(f"{where}.{key}: {e.reason}") from None
    try:
        study.shock_arrays(network)
    except ScenarioError as e:
        msg = str(e)
        raise StudyError(msg if msg.startswith(file) else f"{file}: scenarios: {msg}") from None
