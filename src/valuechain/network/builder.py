"""Build a network from code, one item at a time, with the same validation as files."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from valuechain.network.model import Network
from valuechain.network.schema import TABLES, Locator

__all__ = ["NetworkBuilder"]


class NetworkBuilder:
    """Collects rows and builds a validated :class:`Network`.

    Parameters
    ----------
    name
        Name of the network.
    year, period, units, description
        Metadata, as in ``network.yaml``.

    Examples
    --------
    >>> from valuechain import NetworkBuilder
    >>> b = NetworkBuilder("two-towns", units={"currency": "EUR"})
    >>> b.add_commodity("water", unit="m3", stage="product")
    >>> b.add_region("A")
    >>> b.add_region("B")
    >>> b.add_process("well", region="A", capacity=10, outputs={"water": 1.0})
    >>> b.add_route("pipe", "water", "A", "B", cost=2.0)
    >>> b.add_demand("B", "water", quantity=8)
    >>> net = b.build()
    >>> net.hub_ids.tolist()
    ['A:water', 'B:water']
    """

    def __init__(
        self,
        name: str,
        *,
        year: int | None = None,
        period: str = "year",
        units: Mapping[str, str] | None = None,
        description: str = "",
    ) -> None:
        self.name = name
        self.year = year
        self.period = period
        self.units = dict(units or {})
        self.description = description
        self._rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}

    def _add(self, table: str, **row: Any) -> None:
        self._rows[table].append({k: v for k, v in row.items() if v is not None})

    def add_source(self, id: str, title: str, **fields: Any) -> None:
        """Add a source (publisher, year, url, confidence, note)."""
        self._add("sources", id=id, title=title, **fields)

    def add_commodity(self, id: str, *, unit: str, stage: str, **fields: Any) -> None:
        """Add a commodity with its unit and stage."""
        self._add("commodities", id=id, unit=unit, stage=stage, **fields)

    def add_region(self, id: str, *, groups: str | list[str] | None = None, **fields: Any) -> None:
        """Add a region; ``groups`` is a list or a ';'-separated string."""
        g = ";".join(groups) if isinstance(groups, list) else groups
        self._add("regions", id=id, groups=g, **fields)

    def add_hub(self, region: str, commodity: str, **fields: Any) -> None:
        """Add a hub explicitly (e.g. to give it an initial stock)."""
        self._add("hubs", region=region, commodity=commodity, **fields)

    def add_process(
        self,
        id: str,
        *,
        region: str,
        inputs: Mapping[str, float] | None = None,
        outputs: Mapping[str, float] | None = None,
        **fields: Any,
    ) -> None:
        """Add a process and its recipe (commodity -> coefficient per unit of activity)."""
        self._add("processes", id=id, region=region, **fields)
        self._add_recipe(id, inputs, outputs)

    def _add_recipe(self, pid: str, inputs: Mapping[str, float] | None, outputs: Mapping[str, float] | None) -> None:
        for kind, coefs in (("input", inputs or {}), ("output", outputs or {})):
            for com, coef in coefs.items():
                self._add("recipes", process=pid, commodity=com, kind=kind, coefficient=coef)

    def add_route(self, id: str, commodity: str, origin: str, destination: str, **fields: Any) -> None:
        """Add a trade route."""
        self._add("routes", id=id, commodity=commodity, origin=origin, destination=destination, **fields)

    def add_demand(self, region: str, commodity: str, *, quantity: float, **fields: Any) -> None:
        """Add final demand at a hub."""
        self._add("demand", region=region, commodity=commodity, quantity=quantity, **fields)

    def add_market(self, region: str, commodity: str, *, side: str, price: float, **fields: Any) -> None:
        """Add a market where the network buys or sells at a price."""
        self._add("markets", region=region, commodity=commodity, side=side, price=price, **fields)

    def add_expansion(
        self,
        id: str,
        *,
        region: str,
        inputs: Mapping[str, float] | None = None,
        outputs: Mapping[str, float] | None = None,
        **fields: Any,
    ) -> None:
        """Add an expansion option and its recipe."""
        self._add("expansions", id=id, region=region, **fields)
        self._add_recipe(id, inputs, outputs)

    def add_alternative(
        self, process: str, commodity: str, *, alternative: str, coefficient: float, **fields: Any
    ) -> None:
        """Let ``process`` use ``alternative`` instead of its input ``commodity`` (share_max, ramp_months, ...)."""
        self._add(
            "alternatives",
            process=process,
            commodity=commodity,
            alternative=alternative,
            coefficient=coefficient,
            **fields,
        )

    def build(self, *, auto_hubs: bool = True, check_balance: bool = True) -> Network:
        """Validate the rows and return the network.

        Parameters
        ----------
        auto_hubs
            Add a hub (with no stock) for every (region, commodity) that a recipe, route, demand or
            market uses and that was not added explicitly.
        check_balance
            Warn when baseline flows do not balance.

        Raises
        ------
        NetworkError
            As :meth:`Network.from_frames`.
        """
        rows = {t: list(r) for t, r in self._rows.items()}
        if auto_hubs:
            have = {(h["region"], h["commodity"]) for h in rows["hubs"]}
            region = {p["id"]: p["region"] for p in rows["processes"] + rows["expansions"]}
            need: list[tuple[str, str]] = []
            need += [(region.get(r["process"], ""), r["commodity"]) for r in rows["recipes"]]
            for r in rows["routes"]:
                need += [(r["origin"], r["commodity"]), (r["destination"], r["commodity"])]
            need += [(r["region"], r["commodity"]) for r in rows["demand"] + rows["markets"]]
            need += [(region.get(r["process"], ""), r["alternative"]) for r in rows["alternatives"]]
            for reg, com in need:
                if reg and (reg, com) not in have:
                    have.add((reg, com))
                    rows["hubs"].append({"region": reg, "commodity": com})
        frames = {t: pd.DataFrame(r) for t, r in rows.items() if r}
        for t in ("commodities", "regions", "hubs"):
            frames.setdefault(t, pd.DataFrame(rows[t]))
        locs = {t: Locator(f"{t} (builder)") for t in TABLES}
        return Network.from_frames(
            self.name,
            frames,
            year=self.year,
            period=self.period,
            units=self.units,
            description=self.description,
            locators=locs,
            check_balance=check_balance,
        )
