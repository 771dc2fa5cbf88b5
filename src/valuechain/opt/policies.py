r"""Policies: named, composable sets of rows added to the planning model.

Every policy adds one block of rows named ``policy:<name>`` (its shadow prices come back in
:attr:`Plan.policies <valuechain.opt.Plan>`), written as :math:`\text{lhs} \le \text{rhs}`, in every
scenario :math:`s` and period :math:`t`. With ``elastic=True`` a violation variable priced at
``penalty`` per unit (default: the study's ``policy_penalty``) lets the rows bend.

Definitions (region sets :math:`G`, origins :math:`O`, commodities :math:`C`):

* **supply** of :math:`c` to :math:`G` = production of :math:`c` by processes and new capacity in
  :math:`G` + imports of :math:`c` into :math:`G` over routes from outside :math:`G` + purchases from
  outside markets in :math:`G`; its part **from** :math:`O` counts production in :math:`O \cap G` and
  imports from :math:`O` (market purchases have no origin country).
* **consumption** of :math:`C` in :math:`G` = inputs of :math:`C` to processes in :math:`G` (after
  substitution: a plant running on an alternative input uses that instead) + final demand for
  :math:`C` served in :math:`G` (demand minus unmet demand). A cap on one origin measures it less
  the stock the region draws that year: stock has no origin, so a plan could otherwise stock up
  from one country while a cap path is loose and serve the year it tightens from stock.

A cap on one origin's share is measured over the region's consumption by default, as the CRMA
words it ("no more than 65 % of the Union's annual consumption ... from a single third
country"). Measured over supply, a plan could meet it by importing goods to send them on, or by
making for export: both raise supply, not consumption. Imports from the origin count in full,
also when they are sent on, so the measure over consumption is the stricter one.

=========================  ==================================================================
``MaxOriginShare``          :math:`supply_{from\ O}(c, G) \le share \cdot cons(c, G)` per commodity
                            (``measure="supply"``: :math:`\le share \cdot supply(c, G)`)
``ThirdCountryCap``         ``MaxOriginShare`` for every region outside :math:`G` (CRMA: 65 %)
``MinDomesticShare``        :math:`\sum_{c \in C} prod_G(c) \ge share \cdot \sum_{c \in B} cons_G(c)`
                            (production may be limited to processes consuming ``via`` commodities:
                            recycling = via black mass); CRMA benchmarks 10 % extraction, 40 %
                            processing, 25 % recycling; NZIA 40 % manufacturing
``ExportBan``               :math:`flow_r \le 0` for routes of :math:`C` from :math:`G` to destinations
``TechnologyControl``       :math:`build_{te} \le 0` for options abroad needing an origin's technology
=========================  ==================================================================

Examples
--------
>>> from valuechain.opt.policies import MaxOriginShare, policy_from_spec
>>> MaxOriginShare(commodities=("cell_nmc",), region="DE", origin="CN", share=0.5).name
'max-share-CN-in-DE'
>>> policy_from_spec({"type": "export_ban", "commodities": ["black_mass"], "from_region": "EU27",
...                   "to_region": "all", "except_region": "OECD"}).name
'export-ban-EU27'
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from valuechain._params import Interval, check, closest
from valuechain.errors import StudyError

if TYPE_CHECKING:
    from valuechain.opt.formulation import Context
    from valuechain.opt.model import Model

__all__ = [
    "CRMA_EXTRACTION",
    "CRMA_PROCESSING",
    "CRMA_RECYCLING",
    "CRMA_THIRD_COUNTRY",
    "NZIA_MANUFACTURING",
    "ExportBan",
    "MaxOriginShare",
    "MinDomesticShare",
    "Policy",
    "TechnologyControl",
    "ThirdCountryCap",
    "policy_from_spec",
]

#: Critical Raw Materials Act (Regulation (EU) 2024/1252, Art. 5) benchmarks, shares of EU consumption.
CRMA_EXTRACTION = 0.10
CRMA_PROCESSING = 0.40
CRMA_RECYCLING = 0.25
#: CRMA: no more than 65 % of any strategic raw material, at any stage, from one third country.
CRMA_THIRD_COUNTRY = 0.65
#: Net-Zero Industry Act: domestic manufacturing capacity of at least 40 % of annual deployment needs.
NZIA_MANUFACTURING = 0.40


def _tuple(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


_MEASURES = ("consumption", "supply")


def _draw_terms(
    ctx: Context, com: np.ndarray, into: np.ndarray, n_o: int, name: str
) -> list[tuple[Any, np.ndarray, np.ndarray, np.ndarray]]:
    """Stock drawn at the hubs of ``com`` in ``into`` (``+draw`` per slot), for a cap's consumption.

    Adds the variables ``<name>__draw[s, t, hub] >= max(0, stock[t-1] - stock[t])`` (the initial
    stock before the first period) and their rows (``<name>__draw_def``); a cap's rows hold
    ``+ share * draw``. A draw has no cost (a nominal one spoils the numbers of the L-shaped
    master), so where a cap does not bind the solver may leave it above that bound; read the
    stock really drawn with :func:`least_draws`. None without stocks or capped hubs.
    """
    if "stock" not in ctx.blocks:
        return []
    from valuechain.network.stocks import stock_policy
    from valuechain.opt.formulation import _slot

    hubs = ctx.network.hubs
    h_com = ctx.commodities.get_indexer(pd.Index(hubs["commodity"]))
    keep = np.flatnonzero(into[ctx.regions.get_indexer(pd.Index(hubs["region"]))] & np.isin(h_com, com))
    if keep.size == 0:
        return []
    stock = ctx.blocks["stock"]
    sc, per, hub_ax = stock.axes
    axes = (sc, per, hub_ax[keep])
    lo = np.zeros(tuple(len(a) for a in axes))
    lo[:, 0, :] = stock_policy(ctx.network)["initial_stock"].to_numpy(float)[keep]
    draw = ctx.lp.add_vars(f"{name}__draw", axes)
    rows = ctx.lp.add_rows(f"{name}__draw_def", axes, lo=lo)  # draw + stock[t] - stock[t-1] >= 0
    s, t, h = np.meshgrid(np.arange(len(sc)), np.arange(len(per)), np.arange(keep.size), indexing="ij")
    ctx.lp.add_terms(rows.flat(s, t, h), draw.flat(s, t, h), 1.0)
    ctx.lp.add_terms(rows.flat(s, t, h), stock.flat(s, t, keep[h]), 1.0)
    later = t >= 1
    ctx.lp.add_terms(rows.flat(s[later], t[later], h[later]), stock.flat(s[later], t[later] - 1, keep[h[later]]), -1.0)
    slot = _slot(com, h_com[keep])
    return [(draw, np.arange(keep.size), slot * n_o + j, np.ones(keep.size)) for j in range(n_o)]


def least_draws(model: Model, policy: str, x: np.ndarray) -> np.ndarray:
    """``x`` with the stock draws of a cap's rows set to the stock really drawn, ``max(0, s[t-1] - s[t])``.

    Lowering a draw to that bound only loosens the cap's rows and costs nothing, so the solution
    stays feasible and optimal; the shares read from it are those of the region's real use.
    """
    name = f"policy:{policy}"
    blk, rows = model.lp.var_blocks.get(f"{name}__draw"), model.lp.row_blocks.get(f"{name}__draw_def")
    if blk is None or rows is None:
        return x
    out = x.copy()
    for k in range(rows.size):  # row k holds draw k (coefficient 1), stock[t] and stock[t-1]
        r, c = rows.offset + k, blk.offset + k
        lo, hi = int(model.a_start[r]), int(model.a_start[r + 1])
        others = float(model.a_value[lo:hi] @ x[model.a_index[lo:hi]]) - x[c]
        out[c] = max(0.0, float(model.row_lo[r]) - others)
    return out


def _total_terms(
    ctx: Context, com: np.ndarray, into: np.ndarray, measure: str, n_o: int = 1, name: str = ""
) -> tuple[list[tuple[Any, np.ndarray, np.ndarray, np.ndarray]], np.ndarray | None]:
    """The share part of a cap's rows ``from - share * total <= share * rhs``, repeated for ``n_o`` origins.

    Rows are laid out (commodity, origin) with slot ``c * n_o + o``. Over supply the total is
    production plus imports plus purchases (no right-hand side); over consumption it is the
    inputs of the region's processes plus its final demand served, less what the region draws
    from its stocks (which have no origin: a plan could otherwise stock up from one country
    while the caps are loose and serve the year a cap is measured from stock; rows named after
    ``name``): ``-use + unmet + draw`` in the rows and the demand on the right, shape
    (scenarios, periods, commodities * n_o).
    """
    if measure == "supply":
        terms = ctx.supply_terms(com, into)
        return [(b, i, s * n_o + j, -np.asarray(c, dtype=float)) for j in range(n_o) for b, i, s, c in terms], None
    use = ctx.use_terms(com, into)
    out = [(b, i, s * n_o + j, -np.asarray(c, dtype=float)) for j in range(n_o) for b, i, s, c in use]
    from valuechain.opt.formulation import _slot

    dem = np.flatnonzero(into[ctx.demand_region] & np.isin(ctx.demand_com, com))
    slot = _slot(com, ctx.demand_com[dem])
    rhs = np.zeros((*ctx.demand.shape[:2], len(com) * n_o))
    for j in range(n_o):
        out.append((ctx.blocks["unmet"], dem, slot * n_o + j, np.ones(dem.size)))
        for k, d in enumerate(dem):
            rhs[:, :, slot[k] * n_o + j] += ctx.demand[:, :, d]
    return out + _draw_terms(ctx, com, into, n_o, name or "policy"), rhs


def _check_measure(own: str, measure: str) -> None:
    if measure not in _MEASURES:
        raise StudyError(
            f"{own}: measure must be one of {', '.join(_MEASURES)} (the share of the region's consumption, "
            f"as the CRMA measures it, or of its supply); got {measure!r}"
        )


@dataclass(frozen=True)
class Policy(ABC):
    """Base class: a named set of rows, hard or elastic (priced violation)."""

    kind: ClassVar[str] = "policy"
    #: Fields that hold a region or group id (checked to be non-empty names).
    _id_fields: ClassVar[tuple[str, ...]] = ()

    @property
    @abstractmethod
    def name(self) -> str:
        """Name of the policy (its rows are the block ``policy:<name>``)."""

    @abstractmethod
    def add(self, ctx: Context) -> None:
        """Add the policy's rows to the model being built."""

    def _penalty(self, ctx: Context) -> float:
        p = getattr(self, "penalty", None)
        return float(p) if p is not None else ctx.study.policy_penalty

    def relaxed(self, penalty: float | None = None) -> Policy:
        """Return the same policy made elastic (violations priced at ``penalty``)."""
        from dataclasses import replace

        return replace(self, elastic=True, penalty=penalty)  # type: ignore[call-arg]

    def _common(self) -> None:
        own = type(self).__name__
        for key in self._id_fields:
            check(
                own,
                key,
                getattr(self, key),
                lambda v: isinstance(v, str) and v != "",
                error=StudyError,
                expected="a region or group id",
            )
        if hasattr(self, "commodities") and not self.commodities:
            raise StudyError(f"The 'commodities' parameter of {own} must be a non-empty list. Got ().")
        check(own, "elastic", getattr(self, "elastic", False), bool, error=StudyError)
        pen = getattr(self, "penalty", None)
        if pen is not None:
            check(own, "penalty", pen, Interval(0, float("inf"), "left"), error=StudyError)


@dataclass(frozen=True)
class MaxOriginShare(Policy):
    """What ``region`` gets of each commodity from ``origin`` is at most ``share`` of its consumption.

    Parameters
    ----------
    commodities
        Commodity ids (one row per commodity, scenario and period).
    region
        Region or group whose dependency is capped (e.g. "EU27").
    origin
        Region or group whose share is capped (e.g. "CN").
    share
        Largest share, in [0, 1].
    measure
        ``"consumption"`` (default, the CRMA's measure: the region's inputs to its plants plus its
        final demand served) or ``"supply"`` (its production plus imports plus purchases).
    elastic, penalty, label
        Priced violation instead of a hard cap; penalty per unit; a name to use instead of the default.
    """

    commodities: tuple[str, ...] = ()
    region: str = ""
    origin: str = ""
    share: float = 1.0
    measure: str = "consumption"
    elastic: bool = False
    penalty: float | None = None
    label: str | None = None
    kind: ClassVar[str] = "max_origin_share"
    _id_fields: ClassVar[tuple[str, ...]] = ("region", "origin")

    def __post_init__(self) -> None:
        object.__setattr__(self, "commodities", _tuple(self.commodities))
        check("MaxOriginShare", "share", self.share, Interval(0, 1), error=StudyError)
        _check_measure("MaxOriginShare", self.measure)
        self._common()

    @property
    def name(self) -> str:
        """``max-share-<origin>-in-<region>`` unless labelled."""
        return self.label or f"max-share-{self.origin}-in-{self.region}"

    def add(self, ctx: Context) -> None:
        """Rows over (scenario, period, commodity)."""
        into = ctx.region_mask(self.region, f"policy '{self.name}'")
        origin = ctx.region_mask(self.origin, f"policy '{self.name}'")
        com = ctx.commodity_positions(self.commodities, f"policy '{self.name}'")
        axis = (pd.Index(list(self.commodities), name="commodity", dtype=object),)
        fixed = ctx.supply_terms(com, into, origin=origin)
        scaled, rhs = _total_terms(ctx, com, into, self.measure, name=f"policy:{self.name}")
        ctx.share_constraint(
            f"policy:{self.name}", axis, fixed, scaled, self.share, rhs_scaled=rhs,
            elastic=self.elastic, penalty=self._penalty(ctx), policy=self.name,
        )  # fmt: skip


@dataclass(frozen=True)
class ThirdCountryCap(Policy):
    """No single region outside ``region`` supplies more than ``share`` of each commodity to it.

    Rows over (scenario, period, commodity, origin), for every origin that can supply ``region``.
    """

    commodities: tuple[str, ...] = ()
    region: str = ""
    share: float = CRMA_THIRD_COUNTRY
    measure: str = "consumption"
    elastic: bool = False
    penalty: float | None = None
    label: str | None = None
    kind: ClassVar[str] = "third_country_cap"
    _id_fields: ClassVar[tuple[str, ...]] = ("region",)

    def __post_init__(self) -> None:
        object.__setattr__(self, "commodities", _tuple(self.commodities))
        check("ThirdCountryCap", "share", self.share, Interval(0, 1), error=StudyError)
        _check_measure("ThirdCountryCap", self.measure)
        self._common()

    @property
    def name(self) -> str:
        """``third-country-cap-<region>`` unless labelled."""
        return self.label or f"third-country-cap-{self.region}"

    def add(self, ctx: Context) -> None:
        """Rows over (scenario, period, commodity, origin)."""
        into = ctx.region_mask(self.region, f"policy '{self.name}'")
        com = ctx.commodity_positions(self.commodities, f"policy '{self.name}'")
        origins = [int(o) for o in np.unique(ctx.route_from[into[ctx.route_to] & ~into[ctx.route_from]])]
        axes = (
            pd.Index(list(self.commodities), name="commodity", dtype=object),
            pd.Index([str(ctx.regions[o]) for o in origins], name="origin", dtype=object),
        )
        fixed = []
        for j, o in enumerate(origins):
            mask = np.zeros(len(ctx.regions), dtype=bool)
            mask[o] = True
            for b, i, s, c in ctx.supply_terms(com, into, origin=mask):
                fixed.append((b, i, s * len(origins) + j, c))
        scaled, rhs = _total_terms(ctx, com, into, self.measure, len(origins), f"policy:{self.name}")
        if rhs is not None:
            rhs = rhs.reshape((*rhs.shape[:2], len(com), len(origins)))
        ctx.share_constraint(
            f"policy:{self.name}", axes, fixed, scaled, self.share, rhs_scaled=rhs,
            elastic=self.elastic, penalty=self._penalty(ctx), policy=self.name,
        )  # fmt: skip


@dataclass(frozen=True)
class MinDomesticShare(Policy):
    """Production in ``region`` of ``commodities`` is at least ``share`` of its consumption of ``basis``.

    Parameters
    ----------
    commodities
        Commodities whose domestic production counts (e.g. lithium_carbonate and lithium_hydroxide for processing).
    region
        Region or group (e.g. "EU27").
    share
        Smallest share, in [0, 1] (CRMA: 0.10 extraction, 0.40 processing, 0.25 recycling; NZIA 0.40).
    basis
        Commodities whose consumption is the basis (default: ``commodities``); quantities are summed,
        so give commodities in one unit.
    via
        If given, only production by processes consuming one of these counts (recycling: black_mass).
    elastic, penalty, label
        As for :class:`MaxOriginShare`.
    """

    commodities: tuple[str, ...] = ()
    region: str = ""
    share: float = 0.0
    basis: tuple[str, ...] | None = None
    via: tuple[str, ...] | None = None
    elastic: bool = False
    penalty: float | None = None
    label: str | None = None
    kind: ClassVar[str] = "min_domestic_share"
    _id_fields: ClassVar[tuple[str, ...]] = ("region",)

    def __post_init__(self) -> None:
        object.__setattr__(self, "commodities", _tuple(self.commodities))
        if self.basis is not None:
            object.__setattr__(self, "basis", _tuple(self.basis))
        if self.via is not None:
            object.__setattr__(self, "via", _tuple(self.via))
        check("MinDomesticShare", "share", self.share, Interval(0, 1), error=StudyError)
        self._common()

    @property
    def name(self) -> str:
        """``min-domestic-<commodities>-in-<region>`` unless labelled."""
        return self.label or f"min-domestic-{'+'.join(self.commodities)}-in-{self.region}"

    def add(self, ctx: Context) -> None:
        """Rows over (scenario, period): share * consumption - production <= 0."""
        own = f"policy '{self.name}'"
        into = ctx.region_mask(self.region, own)
        com = ctx.commodity_positions(self.commodities, own)
        basis = ctx.commodity_positions(self.basis or self.commodities, own)
        via = None
        if self.via is not None:
            via = np.zeros(len(ctx.commodities), dtype=bool)
            via[ctx.commodity_positions(self.via, own)] = True
        axis = (pd.Index(["total"], name="measure", dtype=object),)
        fixed = [(b, i, s * 0, -c) for b, i, s, c in ctx.supply_terms(com, into, origin=into, via=via)]
        scaled = [(b, i, s * 0, c) for b, i, s, c in ctx.use_terms(basis, into)]
        dem = np.flatnonzero(into[ctx.demand_region] & np.isin(ctx.demand_com, basis))
        scaled.append((ctx.blocks["unmet"], dem, np.zeros(dem.size, dtype=np.int64), -np.ones(dem.size)))
        rhs = -ctx.demand[:, :, dem].sum(axis=2)[:, :, None]
        ctx.share_constraint(
            f"policy:{self.name}", axis, fixed, scaled, self.share, rhs_scaled=rhs,
            elastic=self.elastic, penalty=self._penalty(ctx), policy=self.name,
        )  # fmt: skip


@dataclass(frozen=True)
class ExportBan(Policy):
    """No flow of ``commodities`` from ``from_region`` to ``to_region`` (minus ``except_region``).

    Example: black mass may not leave the EU27 except to OECD members:
    ``ExportBan(("black_mass",), from_region="EU27", to_region="all", except_region="OECD")``.
    Rows over (scenario, period, route) for the routes concerned.
    """

    commodities: tuple[str, ...] = ()
    from_region: str = ""
    to_region: str = "all"
    except_region: str | None = None
    elastic: bool = False
    penalty: float | None = None
    label: str | None = None
    kind: ClassVar[str] = "export_ban"
    _id_fields: ClassVar[tuple[str, ...]] = ("from_region",)

    def __post_init__(self) -> None:
        object.__setattr__(self, "commodities", _tuple(self.commodities))
        self._common()

    @property
    def name(self) -> str:
        """``export-ban-<from_region>`` unless labelled."""
        return self.label or f"export-ban-{self.from_region}"

    def add(self, ctx: Context) -> None:
        """Rows over (scenario, period, route): flow <= 0."""
        own = f"policy '{self.name}'"
        src = ctx.region_mask(self.from_region, own)
        dst = ctx.region_mask(self.to_region, own) & ~src
        if self.except_region:
            dst &= ~ctx.region_mask(self.except_region, own)
        com = ctx.commodity_positions(self.commodities, own)
        r = np.flatnonzero(src[ctx.route_from] & dst[ctx.route_to] & np.isin(ctx.route_com, com))
        axis = (ctx.blocks["flow"].axes[2][r].rename("route"),)
        terms = [(ctx.blocks["flow"], r, np.arange(r.size), np.ones(r.size))]
        ctx.constraint(
            f"policy:{self.name}", axis, terms, elastic=self.elastic, penalty=self._penalty(ctx), policy=self.name
        )


@dataclass(frozen=True)
class TechnologyControl(Policy):
    """No new capacity outside ``origin`` that needs ``origin``'s technology (``technology_origin``).

    Rows ``build[t, e] <= 0`` over (scenario, period, expansion) for the options concerned
    (the build decision is shared by all scenarios; the rows repeat it so that every policy's
    rows share the scenario and period axes). ``regions`` limits the control to where it applies.
    """

    origin: str = ""
    regions: str = "all"
    elastic: bool = False
    penalty: float | None = None
    label: str | None = None
    kind: ClassVar[str] = "technology_control"
    _id_fields: ClassVar[tuple[str, ...]] = ("origin",)

    def __post_init__(self) -> None:
        self._common()

    @property
    def name(self) -> str:
        """``technology-control-<origin>`` unless labelled."""
        return self.label or f"technology-control-{self.origin}"

    def add(self, ctx: Context) -> None:
        """Rows over (scenario, period, expansion)."""
        own = f"policy '{self.name}'"
        where = ctx.region_mask(self.regions, own)
        exps = ctx.network.expansions
        tech = exps["technology_origin"].to_numpy(object)
        e = np.flatnonzero(
            (tech == self.origin) & where[ctx.exp_region] & (exps["region"].to_numpy(object) != self.origin)
        )
        blk = ctx.blocks["build"]
        axis = (blk.axes[1][e].rename("expansion"),)
        rows = ctx.constraint(
            f"policy:{self.name}", axis, [], elastic=self.elastic, penalty=self._penalty(ctx), policy=self.name
        )
        n_s, n_t = rows.shape[:2]
        si, ti, ei = np.meshgrid(np.arange(n_s), np.arange(n_t), np.arange(e.size), indexing="ij")
        ctx.lp.add_terms(rows.flat(si, ti, ei), blk.flat(ti, e[ei]), 1.0)


_TYPES: dict[str, type[Policy]] = {
    c.kind: c for c in (MaxOriginShare, ThirdCountryCap, MinDomesticShare, ExportBan, TechnologyControl)
}


def policy_from_spec(spec: Mapping[str, Any]) -> Policy:
    """Build a policy from a mapping with a ``type`` (as written in a study spec).

    Raises
    ------
    StudyError
        On an unknown type or key (with the closest valid names) or an invalid value.
    """
    if not isinstance(spec, Mapping) or "type" not in spec:
        raise StudyError(f"expected a mapping with a 'type' ({', '.join(_TYPES)}); got {spec!r}")
    kind = str(spec["type"])
    if kind not in _TYPES:
        raise StudyError(f"unknown policy type '{kind}'; expected one of {', '.join(_TYPES)}" + closest(kind, _TYPES))
    cls = _TYPES[kind]
    allowed = [f.name for f in fields(cls)]
    args = {}
    for k, v in spec.items():
        if k == "type":
            continue
        key = "label" if k == "name" else str(k)
        if key not in allowed:
            raise StudyError(
                f"unknown key '{k}' for a {kind} policy; expected one of name, "
                + ", ".join(a for a in allowed if a != "label")
                + closest(str(k), allowed)
            )
        args[key] = v
    try:
        return cls(**args)
    except TypeError as e:
        raise StudyError(f"invalid {kind} policy: {e}") from None
