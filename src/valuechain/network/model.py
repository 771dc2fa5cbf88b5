"""The :class:`Network` container: the tables of a network, validated, with a graph view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from valuechain._params import closest
from valuechain.errors import NetworkError
from valuechain.network.schema import KEYS, REQUIRED_TABLES, TABLES, Locator, coerce_table, fields
from valuechain.network.validate import baseline_activity, check_tables, fill_derived, has_baseline, hub_id

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["PERIODS", "RECOURSES", "Network", "allowed_recourses", "empty_table"]

#: Period lengths a network's rates may be stated in, with their length in months.
PERIODS: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}

#: Named recourses of the ``alternatives`` table (its ``recourse`` column), each of which a study
#: and a simulation may allow or forbid: one material for another (natural and synthetic graphite
#: in anodes), and one cell chemistry for another (NMC and LFP cells in packs).
RECOURSES: tuple[str, ...] = ("substitution", "chemistry_switching")


def allowed_recourses(*, substitution: bool = True, chemistry_switching: bool = True) -> tuple[str, ...]:
    """The named recourses allowed, in the order of :data:`RECOURSES`.

    Parameters
    ----------
    substitution
        Whether processes may run on the material alternatives of their inputs.
    chemistry_switching
        Whether processes may run on cells of another chemistry.

    Returns
    -------
    tuple of str
        The allowed values of the ``recourse`` column of the ``alternatives`` table.

    Examples
    --------
    >>> allowed_recourses(chemistry_switching=False)
    ('substitution',)
    """
    flags = {"substitution": substitution, "chemistry_switching": chemistry_switching}
    return tuple(r for r in RECOURSES if flags[r])


def empty_table(table: str) -> pd.DataFrame:
    """An empty table with the schema's columns (used for optional tables a network leaves out)."""
    return pd.DataFrame({f.name: pd.Series([], dtype="str") for f in fields(table)})


@dataclass(frozen=True, eq=False, repr=False)
class Network:
    """A supply-chain network: its tables as pandas DataFrames and its metadata.

    Build one with :func:`valuechain.load_network`, :meth:`Network.from_frames` or
    :class:`valuechain.NetworkBuilder`; these validate everything. Analyses never modify a
    network: treat its tables as read-only and copy a table before changing it.

    Attributes
    ----------
    name
        The network's name.
    tables
        Table name -> DataFrame, for every table in :data:`valuechain.network.schema.TABLES`.
        Tables keyed by ``id`` are indexed by id.
    year
        Base year of the figures.
    period
        Period the rates (capacity, demand, flows) are stated per: 'year', 'quarter' or 'month'.
    units
        Units that are not commodity units, e.g. ``{"currency": "USD"}``.
    description
        A sentence or two on what the network is.
    path
        The folder the network was read from, if any.

    Examples
    --------
    >>> import valuechain as vc
    >>> net = vc.load_network("toy-transport")
    >>> net.processes["capacity"].to_dict()
    {'seattle-plant': 350.0, 'san-diego-plant': 600.0}
    >>> net.graph.number_of_nodes()
    7
    """

    name: str
    tables: Mapping[str, pd.DataFrame]
    year: int | None = None
    period: str = "year"
    units: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    path: Path | None = None

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_frames(
        cls,
        name: str,
        tables: Mapping[str, pd.DataFrame],
        *,
        year: int | None = None,
        period: str = "year",
        units: Mapping[str, str] | None = None,
        description: str = "",
        path: Path | None = None,
        locators: Mapping[str, Locator] | None = None,
        check_balance: bool = True,
    ) -> Network:
        """Validate DataFrames and build a network from them.

        Parameters
        ----------
        name
            Name of the network.
        tables
            Table name -> DataFrame with the schema's columns (see ``valuechain networks schema``);
            optional tables may be left out. Values may be strings (as read from CSV) or typed.
        year, period, units, description, path
            Metadata, as in ``network.yaml``.
        locators
            Where each table came from, for error messages (set by the file loader).
        check_balance
            Warn when the baseline flows do not balance.

        Returns
        -------
        Network

        Raises
        ------
        NetworkError
            On any invalid table, field, value or reference; the message names the table (or
            file), row and field.
        """
        if period not in PERIODS:
            raise NetworkError(
                f"unknown period {period!r}; expected one of {', '.join(PERIODS)}", file=_label(path), field="period"
            )
        unknown = [t for t in tables if t not in TABLES]
        if unknown:
            raise NetworkError(
                f"unknown table '{unknown[0]}'; expected tables from {', '.join(TABLES)}", file=_label(path)
            )
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            raise NetworkError(f"missing required table '{missing[0]}'", file=_label(path))
        locs = {t: (locators or {}).get(t) or Locator(f"{t} (DataFrame)") for t in TABLES}
        typed = {t: coerce_table(t, tables[t] if t in tables else empty_table(t), locs[t]) for t in TABLES}
        fill_derived(typed)
        _fill_projects(typed["projects"])
        _check_source_lists(typed, locs)
        balance = check_balance and has_baseline(tables.get("processes"), typed["routes"])
        check_tables(typed, locs, check_balance=balance)
        return cls(
            name=name,
            tables=typed,
            year=year,
            period=period,
            units=dict(units or {}),
            description=description,
            path=path,
        )

    # ----------------------------------------------------------------- tables
    @property
    def sources(self) -> pd.DataFrame:
        """Sources of the figures, indexed by id."""
        return self.tables["sources"]

    @property
    def commodities(self) -> pd.DataFrame:
        """Commodities, indexed by id (unit, stage, ...)."""
        return self.tables["commodities"]

    @property
    def regions(self) -> pd.DataFrame:
        """Regions, indexed by id, with their groups."""
        return self.tables["regions"]

    @property
    def hubs(self) -> pd.DataFrame:
        """Hubs: one row per (region, commodity), with stocks."""
        return self.tables["hubs"]

    @property
    def processes(self) -> pd.DataFrame:
        """Processes, indexed by id (region, capacity, costs, owner, technology origin, ...)."""
        return self.tables["processes"]

    @property
    def recipes(self) -> pd.DataFrame:
        """Recipe coefficients: inputs and outputs per unit of activity of processes and options."""
        return self.tables["recipes"]

    @property
    def routes(self) -> pd.DataFrame:
        """Trade routes, indexed by id."""
        return self.tables["routes"]

    @property
    def demand(self) -> pd.DataFrame:
        """Final demand per (region, commodity)."""
        return self.tables["demand"]

    @property
    def markets(self) -> pd.DataFrame:
        """Purchases from and sales to the outside world."""
        return self.tables["markets"]

    @property
    def expansions(self) -> pd.DataFrame:
        """Expansion options the optimiser may build, indexed by id."""
        return self.tables["expansions"]

    @property
    def projects(self) -> pd.DataFrame:
        """Named plants and projects with status and capacity by year, indexed by id (not modelled)."""
        return self.tables["projects"]

    @property
    def derivations(self) -> pd.DataFrame:
        """Derived figures: table, row and field, with the method and the source ids of the inputs."""
        return self.tables["derivations"]

    @property
    def alternatives(self) -> pd.DataFrame:
        """Alternative inputs of processes, one row per (process, input replaced, alternative), with its recourse."""
        return self.tables["alternatives"]

    # ----------------------------------------------------------------- derived views
    @property
    def hub_ids(self) -> pd.Index:
        """Hub labels ``"REGION:COMMODITY"`` in the order of the hubs table."""
        h = self.hubs
        return pd.Index([hub_id(r, c) for r, c in zip(h["region"], h["commodity"], strict=True)], name="hub")

    @property
    def baseline_activity(self) -> pd.Series:
        """Baseline activity per process: as stated, else the capacity if finite, else 0."""
        return baseline_activity(self.processes)

    @cached_property
    def groups(self) -> dict[str, list[str]]:
        """Region groups: group name -> member region ids, in the order of the regions table."""
        out: dict[str, list[str]] = {}
        for rid, gs in zip(self.regions.index, self.regions["groups"], strict=True):
            for g in str(gs).split(";"):
                if g:
                    out.setdefault(g, []).append(str(rid))
        return out

    def members(self, region_or_group: str) -> list[str]:
        """Region ids that ``region_or_group`` stands for ('all' stands for every region).

        Raises
        ------
        NetworkError
            If the name is neither a region, a group nor 'all'.
        """
        if region_or_group == "all":
            return [str(r) for r in self.regions.index]
        if region_or_group in self.regions.index:
            return [region_or_group]
        if region_or_group in self.groups:
            return list(self.groups[region_or_group])
        names = [*map(str, self.regions.index), *self.groups]
        raise NetworkError(
            f"unknown region or group '{region_or_group}' in network '{self.name}'; "
            "expected a region id, a group or 'all'" + closest(region_or_group, names)
        )

    def recipe_matrix(self, kind: str) -> pd.DataFrame:
        """Coefficients of one kind ('input' or 'output') as a process x commodity table (0 where absent)."""
        r = self.recipes[self.recipes["kind"] == kind]
        return r.pivot_table(index="process", columns="commodity", values="coefficient", aggfunc="sum", fill_value=0.0)

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """A networkx view: hubs and processes as nodes; recipe and route edges.

        See :func:`valuechain.network.graph.to_graph`.
        """
        from valuechain.network.graph import to_graph

        return to_graph(self)

    # ----------------------------------------------------------------- comparison, display
    def equals(self, other: object) -> bool:
        """Whether two networks have the same metadata and identical tables."""
        if not isinstance(other, Network):
            return False
        meta = (self.name, self.year, self.period, dict(self.units), self.description)
        if meta != (other.name, other.year, other.period, dict(other.units), other.description):
            return False
        return all(
            self.tables[t].equals(other.tables[t]) and self.tables[t].index.names == other.tables[t].index.names
            for t in TABLES
        )

    def counts(self) -> dict[str, int]:
        """Number of rows of every table."""
        return {t: len(self.tables[t]) for t in TABLES}

    def __repr__(self) -> str:
        c = self.counts()
        parts = ", ".join(f"{c[t]} {t}" for t in ("commodities", "regions", "processes", "routes", "demand") if c[t])
        year = f" {self.year}" if self.year else ""
        return f"<Network '{self.name}'{year}: {parts}>"

    def _repr_html_(self) -> str:
        import html

        c = self.counts()
        rows = "".join(f"<tr><td>{t}</td><td>{n}</td></tr>" for t, n in c.items() if n)
        stages = ", ".join(dict.fromkeys(self.commodities["stage"]))
        desc = f"<p>{html.escape(self.description)}</p>" if self.description else ""
        year = f" ({self.year})" if self.year else ""
        return (
            f"<b>Network '{html.escape(self.name)}'</b>{year}, rates per {self.period}{desc}"
            f"<p>Stages: {html.escape(stages)}<br>Regions: {html.escape(', '.join(map(str, self.regions.index)))}</p>"
            f"<table><tr><th>table</th><th>rows</th></tr>{rows}</table>"
        )

    def save(self, path: str | Path) -> Path:
        """Write the network as a folder (``network.yaml`` and one CSV per table); see :func:`save_network`."""
        from valuechain.network.io import save_network

        return save_network(self, path)

    def key(self, table: str) -> tuple[str, ...]:
        """Columns that identify a row of ``table``."""
        return KEYS[table]


def _fill_projects(projects: pd.DataFrame) -> None:
    """Default a project's owner to its region and its technology origin to its owner (in place)."""
    owner = projects["owner"].where(projects["owner"] != "", projects["region"])
    projects["owner"] = owner.astype("str")
    tech = projects["technology_origin"]
    projects["technology_origin"] = tech.where(tech != "", owner).astype("str")


def _check_source_lists(tables: Mapping[str, pd.DataFrame], locs: Mapping[str, Locator]) -> None:
    """Every id in a list of sources (derivations' inputs, projects' sources) must be a source of the network."""
    known = {str(i) for i in tables["sources"].index}
    for table, col in (("derivations", "inputs"), ("projects", "source")):
        for pos, cell in enumerate(tables[table][col]):
            for sid in (s.strip() for s in str(cell).split(";")):
                if sid and sid not in known:
                    raise locs[table].error(
                        pos, col, f"unknown source '{sid}'; expected ids from sources" + closest(sid, known)
                    )


def _label(path: Path | None) -> str | None:
    return str(path / "network.yaml") if path is not None else None
