"""Resolve the names a shock uses (regions, groups, commodities, stages, targets) on a network.

Region selectors
    ``"all"``, a region id (``"CN"``), a group (``"EU27"``), the complement of a region or group
    written ``"non-<name>"`` (``"non-OECD"``), or a list of these (their union).
Process targets
    A process id (``"de-cells"``), or ``"<where>:<what>"`` where ``<where>`` is a region selector
    (or ``*`` for every region) and ``<what>`` is a commodity id or a stage name (or ``*``): every
    process in those regions with an output of that commodity or stage (``"DE:cell"``,
    ``"EU27:cam_nmc"``, ``"*:black mass"``). A list of targets is their union.
Hub targets (demand)
    ``"<where>:<what>"`` as above, matched against the demand rows' region and commodity.

A commodity id wins over a stage of the same name. With ``skip_missing`` a name the network does
not have is noted and skipped instead of raising; everything else still raises.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from valuechain._params import check, closest
from valuechain.errors import ScenarioError

if TYPE_CHECKING:
    from valuechain.network.model import Network

__all__ = ["Resolver", "as_list", "fail"]


def as_list(value: object) -> list[str]:
    """Return a name or a list of names as a list of strings (``';'`` also separates names in one string)."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value]
    return [str(value)]


def fail(owner: str, name: str, value: object, expected: str) -> None:
    """Raise the uniform :class:`ScenarioError` for parameter ``name`` of ``owner``."""
    check(owner, name, value, lambda _: False, error=ScenarioError, expected=expected)


class Resolver:
    """Looks names up on one network for one shock, collecting what was skipped.

    Parameters
    ----------
    network
        The network.
    owner
        The shock's class name, for messages.
    skip_missing
        Skip names the network does not have instead of raising.
    """

    def __init__(self, network: Network, owner: str, skip_missing: bool) -> None:
        self.net = network
        self.owner = owner
        self.skip_missing = skip_missing
        self.skipped: list[str] = []
        self._regions = [str(r) for r in network.regions.index]
        self._commodities = [str(c) for c in network.commodities.index]
        self._stages = sorted({str(s) for s in network.commodities["stage"]})
        self._route_cols: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    # ------------------------------------------------------------------ regions
    def _missing(self, param: str, value: object, expected: str, options: Iterable[str]) -> None:
        if self.skip_missing:
            self.skipped.append(f"{param} {value!r} not in network '{self.net.name}'")
            return
        fail(self.owner, param, value, f"{expected} of network '{self.net.name}'" + closest(str(value), options))

    def regions(self, selector: object, param: str) -> set[str]:
        """Region ids a selector stands for (empty if every name was skipped)."""
        out: set[str] = set()
        groups = self.net.groups
        options = [*self._regions, *groups, "all"]
        for name in as_list(selector):
            negate = name.startswith("non-") and name not in groups and name not in self._regions
            base = name[4:] if negate else name
            if base == "all":
                found = set(self._regions)
            elif base in self._regions:
                found = {base}
            elif base in groups:
                found = set(groups[base])
            else:
                self._missing(param, name, "'all', a region, a group or 'non-<region or group>'", options)
                continue
            out |= (set(self._regions) - found) if negate else found
        return out

    # ------------------------------------------------------------------ commodities
    def commodities(self, names: object, param: str, *, stages: bool = False) -> set[str]:
        """Commodity ids named (with ``stages``, a stage name stands for its commodities)."""
        out: set[str] = set()
        stage_of = self.net.commodities["stage"].astype(str)
        for name in as_list(names):
            if name in self._commodities:
                out.add(name)
            elif stages and name in self._stages:
                out |= {str(c) for c in stage_of.index[stage_of == name]}
            else:
                what = "a commodity id or a stage" if stages else "a commodity id"
                self._missing(param, name, what, [*self._commodities, *(self._stages if stages else [])])
        return out

    # ------------------------------------------------------------------ targets
    def _where_what(self, target: str, param: str) -> tuple[set[str], set[str]] | None:
        where, _, what = target.partition(":")
        regions = set(self._regions) if where.strip() == "*" else self.regions(where.strip(), param)
        coms = set(self._commodities) if what.strip() == "*" else self.commodities(what.strip(), param, stages=True)
        if not regions or not coms:
            return None
        return regions, coms

    def processes(self, target: object, param: str) -> np.ndarray:
        """Positions (in the processes table) of the processes a target names."""
        procs = self.net.processes
        ids = [str(p) for p in procs.index]
        keep = np.zeros(len(ids), dtype=bool)
        for t in as_list(target):
            if ":" not in t:
                if t in ids:
                    keep[ids.index(t)] = True
                else:
                    self._missing(param, t, "a process id or '<region or group>:<commodity or stage>'", ids)
                continue
            found = self._where_what(t, param)
            if found is None:
                continue
            regions, coms = found
            keep |= procs["region"].astype(str).isin(regions).to_numpy() & self.producing(coms)
        return np.flatnonzero(keep)

    def producing(self, coms: set[str], table: str = "processes") -> np.ndarray:
        """Mask over a table's rows (processes or expansions): rows with an output in ``coms``."""
        rec = self.net.recipes
        rows = rec[(rec["kind"] == "output") & rec["commodity"].astype(str).isin(coms)]
        makers = set(rows["process"].astype(str))
        return np.array([str(p) in makers for p in self.net.tables[table].index], dtype=bool)

    def demands(self, target: object, param: str) -> np.ndarray:
        """Positions (in the demand table) of the demand rows a hub target names."""
        dem = self.net.demand
        keep = np.zeros(len(dem), dtype=bool)
        for t in as_list(target):
            if ":" not in t:
                fail(self.owner, param, t, "a hub '<region or group>:<commodity or stage>' such as 'DE:cell_nmc'")
            found = self._where_what(t, param)
            if found is None:
                continue
            regions, coms = found
            in_region = dem["region"].astype(str).isin(regions).to_numpy()
            keep |= in_region & dem["commodity"].astype(str).isin(coms).to_numpy()
        return np.flatnonzero(keep)

    def _routes_columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The routes' commodity, origin and destination ids (read once per resolver: shocks ask many times)."""
        if self._route_cols is None:
            r = self.net.routes
            com, o, d = (r[k].astype(str).to_numpy(dtype=object) for k in ("commodity", "origin", "destination"))
            self._route_cols = (com, o, d)
        return self._route_cols

    def routes(self, commodities: set[str], origins: set[str], destinations: set[str]) -> np.ndarray:
        """Positions of the routes moving one of ``commodities`` from ``origins`` to ``destinations``."""
        com, o, d = self._routes_columns()
        mask = _member(com, commodities) & _member(o, origins) & _member(d, destinations) & (o != d)
        return np.flatnonzero(mask)

    def routes_by_pair(
        self, commodities: set[str], origins: set[str], destinations: set[str]
    ) -> dict[tuple[str, str], np.ndarray]:
        """:meth:`routes`, grouped by (destination, commodity); each group's positions ascending."""
        com, _, d = self._routes_columns()
        out: dict[tuple[str, str], list[int]] = {}
        for i in self.routes(commodities, origins, destinations).tolist():
            out.setdefault((d[i], com[i]), []).append(i)
        return {k: np.asarray(v, dtype=np.intp) for k, v in out.items()}


def _member(values: np.ndarray, names: set[str]) -> np.ndarray:
    """Mask of the ``values`` (strings) that are in ``names``."""
    return np.fromiter((v in names for v in values), dtype=bool, count=len(values))


def labels(index: pd.Index, positions: np.ndarray) -> list[str]:
    """Item labels at ``positions``."""
    return [str(index[i]) for i in positions]
