r"""Dependency caps that change over the years, and study specs that use them.

:class:`CapPath` is a planning policy (a :class:`valuechain.opt.Policy`): at most a share
:math:`\sigma_{tc}` of the supply of commodity :math:`c` to a region comes from one single origin
(every third country in turn, or a named origin), with a share that follows a path over the years:

.. math::

    supply_{from\ o}(s, t, c) - \sigma_{tc}\, supply(s, t, c) \le 0
    \qquad \forall s, t, c, o

The path is given by knots ``{year: share}``; between two knots the share is interpolated
linearly, after the last knot it stays at the last value, and before the first knot there is no
cap (:math:`\sigma = 1`). A knot may be relative to today's share (``{reduction: 0.3}``: 30 % below
the share the origin holds today); relative knots apply only to commodities whose top share today
is above the last absolute knot, if there is one (they are the dependencies to cut), and the path never loosens
(each share is the smallest of its own and the earlier ones).

:meth:`valuechain.opt.Model.update_share` on a cap path sets a flat cap from the first knot's
year on (the sweep of :func:`valuechain.analysis.pricing.price_of_resilience`).

Study specs may list a ``cap_path`` policy; :func:`valuechain.study.load_study` reads them (with
:func:`read_cap_path`) and fills in today's shares (:func:`fill_today`)::

    - type: cap_path
      name: single-country-cap
      commodities: [lithium_hydroxide, cam_nmc]
      region: EU27
      path: {2029: {reduction: 0.30}, 2030: 0.65}

Examples
--------
>>> cap = CapPath(commodities=("c",), region="EU", path=((2027, 0.8, False), (2029, 0.6, False)))
>>> cap.shares([2026, 2027, 2028, 2029, 2030], {"c": 0.9}).ravel().round(2).tolist()
[1.0, 0.8, 0.7, 0.6, 0.6]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from valuechain._params import Interval, check
from valuechain.errors import StudyError
from valuechain.opt.policies import Policy, _check_measure, _total_terms

if TYPE_CHECKING:
    from valuechain.network.model import Network
    from valuechain.opt.formulation import Context
    from valuechain.opt.study import Study

__all__ = ["CapPath", "fill_today", "load_targets_study", "read_cap_path", "relative_regions", "with_today"]


@dataclass(frozen=True)
class CapPath(Policy):
    """A cap on one origin's share of a region's consumption that follows a path over the years.

    Parameters
    ----------
    commodities
        Commodity ids.
    region
        Region or group whose supply is capped (e.g. "EU27").
    path
        Knots ``(year, value, relative)``: ``value`` is the share when ``relative`` is false, the
        fractional reduction of today's share when it is true.
    origin
        A region or group whose share is capped; ``None`` caps every single third country.
    today
        Today's top share per commodity, ``((commodity, share), ...)``; needed by relative knots
        (:func:`valuechain.analysis.targets.targets` fills it in).
    measure
        ``"consumption"`` (default, as the CRMA measures it) or ``"supply"``; see
        :class:`valuechain.opt.MaxOriginShare`.
    elastic, penalty, label
        As for :class:`valuechain.opt.MaxOriginShare`.
    """

    commodities: tuple[str, ...] = ()
    region: str = ""
    path: tuple[tuple[int, float, bool], ...] = ()
    origin: str | None = None
    today: tuple[tuple[str, float], ...] = ()
    measure: str = "consumption"
    elastic: bool = False
    penalty: float | None = None
    label: str | None = None
    kind: ClassVar[str] = "cap_path"

    def __post_init__(self) -> None:
        if isinstance(self.commodities, str):
            object.__setattr__(self, "commodities", (self.commodities,))
        check(
            "CapPath", "commodities", self.commodities,
            lambda v: isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(c, str) and c for c in v),
            error=StudyError, expected="a non-empty list of commodity ids",
        )  # fmt: skip
        object.__setattr__(self, "commodities", tuple(str(c) for c in self.commodities))
        check(
            "CapPath", "origin", self.origin, lambda v: v is None or (isinstance(v, str) and v != ""),
            error=StudyError, expected="a region or group id, or absent (every third country)",
        )  # fmt: skip
        check(
            "CapPath", "region", self.region, lambda v: isinstance(v, str) and v != "",
            error=StudyError, expected="a region or group id",
        )  # fmt: skip
        check(
            "CapPath", "path", self.path, lambda v: len(v) > 0,  # type: ignore[arg-type]
            error=StudyError, expected="at least one (year, share, relative) knot",
        )  # fmt: skip
        knots = tuple(sorted((int(y), float(v), bool(r)) for y, v, r in self.path))
        for _, v, _ in knots:
            check("CapPath", "path", v, Interval(0, 1), error=StudyError)
        object.__setattr__(self, "path", knots)
        object.__setattr__(self, "today", tuple((str(c), float(s)) for c, s in self.today))
        _check_measure("CapPath", self.measure)
        self._common()

    @property
    def name(self) -> str:
        """``cap-path-<origin or third-country>-in-<region>`` unless labelled."""
        return self.label or f"cap-path-{self.origin or 'third-country'}-in-{self.region}"

    @property
    def final(self) -> tuple[int, float]:
        """The last absolute knot (year, share), or the last knot's year and 1.0 if none is absolute."""
        absolute = [(y, v) for y, v, r in self.path if not r]
        return absolute[-1] if absolute else (self.path[-1][0], 1.0)

    def shares(self, years: Any, today: Mapping[str, float] | None = None) -> np.ndarray:
        """The cap per year and commodity, shape (len(years), len(commodities))."""
        years = np.asarray(years, dtype=float)
        today = dict(self.today) if today is None else dict(today)
        last = self.final[1] if any(not r for _, _, r in self.path) else -1.0
        out = np.ones((years.size, len(self.commodities)))
        for j, c in enumerate(self.commodities):
            kx: list[float] = []
            ky: list[float] = []
            for y, v, rel in self.path:
                if rel:
                    if c not in today:
                        raise StudyError(
                            f"policy '{self.name}': a relative knot needs today's share of '{c}'; load the study "
                            "with valuechain.study.load_study, which measures it on the network"
                        )
                    if today[c] <= last:
                        continue
                    v = today[c] * (1.0 - v)
                kx.append(float(y))
                ky.append(min([v, *ky]))
            if not kx:
                continue
            col = np.interp(years, kx, ky)
            out[:, j] = np.where(years < kx[0], 1.0, col)
        return out

    def add(self, ctx: Context) -> None:
        """Rows over (scenario, period, commodity, origin), with the period's share as coefficient."""
        own = f"policy '{self.name}'"
        into = ctx.region_mask(self.region, own)
        com = ctx.commodity_positions(self.commodities, own)
        if self.origin is None:
            origins = [int(o) for o in np.unique(ctx.route_from[into[ctx.route_to] & ~into[ctx.route_from]])]
            masks, labels = [], []
            for o in origins:
                m = np.zeros(len(ctx.regions), dtype=bool)
                m[o] = True
                masks.append(m)
                labels.append(str(ctx.regions[o]))
        else:
            masks, labels = [ctx.region_mask(self.origin, own)], [self.origin]
        axes = (
            pd.Index(list(self.commodities), name="commodity", dtype=object),
            pd.Index(labels, name="origin", dtype=object),
        )
        n_o = len(labels)
        fixed = []
        for j, mask in enumerate(masks):
            for b, i, s, c in ctx.supply_terms(com, into, origin=mask):
                fixed.append((b, i, s * n_o + j, c))
        scaled, rhs = _total_terms(ctx, com, into, self.measure, n_o, f"policy:{self.name}")
        years = (
            np.asarray(ctx.shocks.periods.start_time.year, dtype=float)
            + (np.asarray(ctx.shocks.periods.start_time.month, dtype=float) - 1) / 12.0
        )
        sigma = self.shares(years)  # (T, C)
        on = years >= self.path[0][0]
        hi: float | np.ndarray = 0.0
        if rhs is not None:
            # from - sigma * (use - unmet) <= sigma * demand; a share of 1 is no cap, which over
            # consumption is not implied (imports sent on can exceed the region's use)
            rhs = rhs.reshape((*rhs.shape[:2], len(com), n_o))
            cap = np.repeat(sigma, n_o, axis=1).reshape(1, len(years), len(com), n_o)
            hi = np.where(cap < 1.0, cap * rhs, np.inf)
        rows = ctx.constraint(
            f"policy:{self.name}", axes, [], hi=hi, elastic=self.elastic, penalty=self._penalty(ctx),
            policy=self.name,
        )  # fmt: skip
        rf, cf, vf = ctx.expand(rows, axes, fixed)
        rs, cs, vs = ctx.expand(rows, axes, scaled)
        _, t_of, c_of, _ = np.unravel_index(rs - rows.offset, rows.shape)
        big = np.int64(1) << 40
        key = np.concatenate([rf, rs]) * big + np.concatenate([cf, cs])
        uniq, inv = np.unique(key, return_inverse=True)
        a_fixed = np.bincount(inv, weights=np.concatenate([vf, np.zeros(vs.size)]), minlength=uniq.size)
        a_path = np.bincount(
            inv, weights=np.concatenate([np.zeros(vf.size), vs * sigma[t_of, c_of]]), minlength=uniq.size
        )
        rpos, cpos = np.divmod(uniq, big)
        ctx.lp.add_terms(rpos, cpos, a_fixed + a_path, keep_zeros=True)
        # Model.update_share(name, s) sets the cap to s from the first knot's year on (no cap before).
        on_t = on[t_of]
        a_share = np.bincount(
            inv, weights=np.concatenate([np.zeros(vf.size), np.where(on_t, vs, 0.0)]), minlength=uniq.size
        )
        a_before = np.bincount(
            inv, weights=np.concatenate([np.zeros(vf.size), np.where(on_t, 0.0, vs)]), minlength=uniq.size
        )
        rhs_on = None
        if rhs is not None:
            at = np.flatnonzero(np.broadcast_to(on[None, :, None, None], rows.shape).ravel())
            rhs_on = (at + rows.offset, np.broadcast_to(rhs, rows.shape).ravel()[at].copy())
        ctx.share_terms[self.name] = (rpos, cpos, a_fixed + a_before, a_share, rhs_on)


_CAP_KEYS = ("name", "commodities", "region", "path", "origin", "measure", "elastic", "penalty")


def _knots(value: Any, where: str) -> tuple[tuple[int, float, bool], ...]:
    if not isinstance(value, Mapping) or not value:
        raise StudyError(
            f"{where}.path: expected a mapping of year to share (or to {{reduction: x}}), e.g. {{2030: 0.65}}; "
            f"got {value!r}"
        )
    out = []
    for year, v in value.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise StudyError(f"{where}.path: expected integer years as keys, got {year!r}")
        if isinstance(v, Mapping):
            if list(v) != ["reduction"]:
                raise StudyError(f"{where}.path.{year}: expected a share or {{reduction: x}}, got {dict(v)!r}")
            v, rel, key = v["reduction"], True, f"{where}.path.{year}.reduction"
        else:
            rel, key = False, f"{where}.path.{year}"
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
            raise StudyError(f"{key}: expected a number in [0, 1], got {v!r}")
        out.append((year, float(v), rel))
    return tuple(out)


def read_cap_path(spec: Mapping[str, Any], where: str) -> CapPath:
    """Build a :class:`CapPath` from its mapping in a study spec (see the module docstring).

    Parameters
    ----------
    spec
        The policy's mapping (``type: cap_path`` and its keys).
    where
        The file and key of the mapping, for messages (``"models/x.yaml: policies[1]"``).

    Raises
    ------
    StudyError
        Naming ``where`` and the key: an unknown key (with the closest ones), a bad knot or value.
    """
    from valuechain._params import closest, restate

    for k in spec:
        if k != "type" and k not in _CAP_KEYS:
            raise StudyError(
                f"{where}.{k}: unknown key for a cap_path policy; expected one of {', '.join(_CAP_KEYS)}"
                + closest(str(k), _CAP_KEYS)
            )
    for k in ("commodities", "region", "path"):
        if k not in spec:
            raise StudyError(f"{where}.{k}: missing; a cap_path policy needs commodities, region and path")
    knots = _knots(spec.get("path"), where)
    try:
        return CapPath(
            commodities=spec.get("commodities", ()),
            region=spec.get("region", ""),
            path=knots,
            origin=spec.get("origin"),
            measure=spec.get("measure", "consumption"),
            elastic=spec.get("elastic", False),
            penalty=spec.get("penalty"),
            label=spec.get("name"),
        )
    except StudyError as e:
        raise StudyError(restate(e, where)) from None


def load_targets_study(path: str | Path) -> Study:
    """Read a study spec that may hold ``cap_path`` policies, without today's shares.

    :func:`valuechain.study.load_study` is the loader to use: it reads the same specs through the
    same reader and also fills in the shares relative knots need. This function serves the
    analysis layer, which cannot call the study layer above it; :func:`valuechain.analysis.targets.targets`
    fills the shares itself.

    Parameters
    ----------
    path
        The YAML file, or the name of a spec in ``models/`` (``"eu-crma-2030"``).

    Returns
    -------
    Study
        With the spec's policies in order.

    Examples
    --------
    >>> study = load_targets_study("eu-crma-2030")
    >>> study.network, [p.kind for p in study.policies][:1]
    ('global-li-ion-2024', ['cap_path'])
    """
    from valuechain.opt.study import read_spec, study_from_spec

    p, raw = read_spec(path)
    return study_from_spec(raw, p, policy_types={"cap_path": read_cap_path})


def relative_regions(study: Study) -> list[str]:
    """The regions of the study's cap paths that have a relative knot and no shares of today yet."""
    out: list[str] = []
    for pol in study.policies:
        if isinstance(pol, CapPath) and any(r for _, _, r in pol.path) and not pol.today and pol.region not in out:
            out.append(pol.region)
    return out


def fill_today(study: Study, network: Network) -> Study:
    """Return ``study`` with today's shares filled into every :class:`CapPath` that lacks them.

    Today's shares are measured on ``network`` for each cap's own region: the top third-country
    share per commodity (caps on every third country) or the named origin's share (caps on one
    origin), as :func:`valuechain.analysis.targets.prepare` measures them.

    Examples
    --------
    >>> import valuechain as vc
    >>> cap = CapPath(commodities=("cell_nmc",), region="DE", origin="CN", path=((2030, 0.5, True),))
    >>> filled = fill_today(vc.opt.Study(policies=(cap,)), vc.load_network("toy-battery"))
    >>> filled.policies[0].today
    (('cell_nmc', 0.5),)
    """
    from valuechain.analysis.targets import origin_shares, today_shares

    shares: dict[str, tuple[dict[str, float], pd.DataFrame]] = {}
    pols = []
    for pol in study.policies:
        if isinstance(pol, CapPath) and not pol.today:
            if pol.region not in shares:
                top = today_shares(network, pol.region)["top_share"].fillna(0.0)
                shares[pol.region] = ({str(k): float(v) for k, v in top.items()}, origin_shares(network, pol.region))
            tops, by_origin = shares[pol.region]
            pol = _with_shares(pol, tops, by_origin)
        pols.append(pol)
    return study.replace(policies=tuple(pols))


def _with_shares(pol: CapPath, today: Mapping[str, float], by_origin: pd.DataFrame | None) -> CapPath:
    if pol.origin is not None and by_origin is not None and pol.origin in by_origin.columns:
        col = by_origin[pol.origin]
        vals = {c: float(col.get(c, 0.0)) for c in pol.commodities}
    else:
        vals = {c: float(today.get(c, 0.0)) for c in pol.commodities}
    return replace(pol, today=tuple((c, 0.0 if np.isnan(v) else v) for c, v in vals.items()))


def with_today(study: Study, today: Mapping[str, float], by_origin: pd.DataFrame | None = None) -> Study:
    """Return ``study`` with today's shares filled into its :class:`CapPath` policies.

    ``today`` holds the top third-country share per commodity (used by caps on every third
    country); ``by_origin`` (commodity x origin shares) the shares used by caps on a named origin.
    """
    pols = []
    for pol in study.policies:
        if isinstance(pol, CapPath):
            pol = _with_shares(pol, today, by_origin)
        pols.append(pol)
    return study.replace(policies=tuple(pols))
